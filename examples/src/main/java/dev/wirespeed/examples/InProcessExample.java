package dev.wirespeed.examples;

import java.net.InetSocketAddress;
import java.util.function.Function;

import dev.wirespeed.bindings.RingPair;
import dev.wirespeed.engine.api.Ipv4Address;
import dev.wirespeed.engine.api.Wirespeed;
import dev.wirespeed.engine.runtime.Engine;
import dev.wirespeed.engine.runtime.ShardContext;
import dev.wirespeed.engine.runtime.ThreadingMode;
import dev.wirespeed.engine.tcp.TcpHandler;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.BusySpinIdleStrategy;

/**
 * The three examples end to end, with no NIC: two engines in this process over a crossed in-memory
 * {@code net_ring} pair. The server engine (192.0.2.1) runs {@link EchoServer} on its shard thread; the client
 * engine (192.0.2.2) runs in {@link ThreadingMode#INVOKER} mode on this thread, which also runs
 * {@link EchoClient} and then {@link LatencyProbe}. Needs root (DPDK) and the two JVM flags; run with
 * {@code java --enable-native-access=ALL-UNNAMED --add-exports java.base/jdk.internal.misc=ALL-UNNAMED -cp ...
 * dev.wirespeed.examples.InProcessExample}.
 */
public final class InProcessExample
{
    public static final int ECHO_PORT = 7;

    private InProcessExample()
    {
    }

    /** What a run measured. */
    public record Result(boolean echoOk, long echoedBytes, String failure, long[] roundTripsNs)
    {
    }

    public static Result run(final String name, final int connections, final int bytesEach, final int roundTrips)
    {
        return run(name, EchoServer::new, connections, bytesEach, roundTrips);
    }

    /**
     * As {@link #run(String, int, int, int)} with another echo handler on the server's shard thread. Runs can follow
     * each other in one JVM (each with its own {@code name}).
     */
    public static Result run(final String name, final Function<ShardContext, TcpHandler> echoHandler,
        final int connections, final int bytesEach, final int roundTrips)
    {
        Wirespeed.startEal();
        try (RingPair link = RingPair.create(name, 1024))
        {
            final Engine server = Engine.builder()
                .name(name + "-server")
                .port(link.a())
                .address(Ipv4Address.parse("192.0.2.1").value(), 24)
                .handlers(echoHandler)
                .threading(ThreadingMode.SHARED)
                .idleStrategy(() -> new BackoffIdleStrategy(100, 10, 1_000, 100_000))
                .build();
            server.context(0).endpoint().listen(0, ECHO_PORT, 1024);
            server.start();
            try (Wirespeed ws = Wirespeed.launch(Engine.builder()
                .name(name + "-client")
                .port(link.b())
                .address(Ipv4Address.parse("192.0.2.2").value(), 24)
                .threading(ThreadingMode.INVOKER)))
            {
                final InetSocketAddress echo = new InetSocketAddress("192.0.2.1", ECHO_PORT);
                final EchoClient client = new EchoClient(ws.client(), connections, bytesEach);
                final boolean ok = client.run(echo, ws::doWork, new BusySpinIdleStrategy(), 30_000_000_000L);
                final long[] times = new LatencyProbe(ws.client(), 64)
                    .run(echo, ws::doWork, roundTrips / 10, roundTrips, 30_000_000_000L);
                return new Result(ok, client.receivedBytes(), client.failure(), times);
            }
            finally
            {
                server.close();
            }
        }
    }

    public static void main(final String[] args)
    {
        final Result r = run("ws_example", 4, 1 << 20, 10_000);
        System.out.println("echo: " + (r.echoOk() ? "ok" : "FAILED " + r.failure()) + ", " + r.echoedBytes() +
            " bytes back");
        System.out.printf("64 B round trip over the application API: p50 %.2f us, p99 %.2f us, p99.9 %.2f us (%d)%n",
            LatencyProbe.percentile(r.roundTripsNs(), 0.5) / 1e3, LatencyProbe.percentile(r.roundTripsNs(), 0.99) / 1e3,
            LatencyProbe.percentile(r.roundTripsNs(), 0.999) / 1e3, r.roundTripsNs().length);
    }
}
