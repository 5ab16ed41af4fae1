package dev.wirespeed.bench.tcp;

import dev.wirespeed.engine.tcp.SegmentEmitter;
import dev.wirespeed.engine.tcp.TcpConfig;
import dev.wirespeed.engine.tcp.TcpEndpoint;
import dev.wirespeed.engine.tcp.TcpHandler;
import dev.wirespeed.engine.tcp.TcpSegment;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.util.concurrent.TimeUnit;

/**
 * A whole connection lifetime between two in-memory endpoints: SYN, SYN-ACK, ACK, FIN, FIN-ACK, ACK, ending in
 * TIME-WAIT on the client and CLOSED on the server. MSL is shortened to 100 µs and the clock advances 1.1 ms per
 * operation so that the previous TIME-WAIT drains through the timer wheel: the steady state recycles pooled TCBs.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class TcpLifetimeBenchmark
{
    static final int CLIENT_IP = 0x0a000001;
    static final int SERVER_IP = 0x0a000002;
    static final int PORT = 80;
    static final int QUEUE = 64;

    private TcpEndpoint client;
    private TcpEndpoint server;
    private long now;
    private final TcpSegment[] toServer = new TcpSegment[QUEUE];
    private final TcpSegment[] toClient = new TcpSegment[QUEUE];
    private int toServerCount;
    private int toClientCount;
    private long segments;

    private static void copyForPeer(final TcpSegment dst, final TcpSegment s)
    {
        dst.copyFrom(s);
        dst.localIp = s.remoteIp;
        dst.remoteIp = s.localIp;
        dst.localPort = s.remotePort;
        dst.remotePort = s.localPort;
    }

    private final SegmentEmitter clientOut = s -> copyForPeer(toServer[toServerCount++], s);
    private final SegmentEmitter serverOut = s -> copyForPeer(toClient[toClientCount++], s);

    private final TcpHandler clientHandler = new TcpHandler()
    {
        public void onConnected(final long id)
        {
            client.close(id);
        }
    };

    private final TcpHandler serverHandler = new TcpHandler()
    {
        public void onPeerClosed(final long id)
        {
            server.close(id);
        }
    };

    @Setup
    public void setup()
    {
        for (int i = 0; i < QUEUE; i++)
        {
            toServer[i] = new TcpSegment();
            toClient[i] = new TcpSegment();
        }
        final TcpConfig cfg = new TcpConfig();
        cfg.mslNs = 50_000;
        client = new TcpEndpoint(cfg, clientHandler, 0);
        server = new TcpEndpoint(cfg, serverHandler, 0);
        client.preallocate(64);
        server.preallocate(64);
        server.listen(SERVER_IP, PORT, 1024);
    }

    @Benchmark
    public long lifetime()
    {
        now += 1_100_000;
        client.poll(now);
        server.poll(now);
        final long id = client.connect(now, CLIENT_IP, SERVER_IP, PORT);
        if (id < 0)
        {
            throw new IllegalStateException("connect failed " + id);
        }
        for (int round = 0; round < 16; round++)
        {
            client.dispatch(now, clientOut);
            server.dispatch(now, serverOut);
            if (toServerCount == 0 && toClientCount == 0)
            {
                break;
            }
            for (int i = 0; i < toServerCount; i++)
            {
                server.onSegment(now, toServer[i]);
            }
            segments += toServerCount;
            toServerCount = 0;
            for (int i = 0; i < toClientCount; i++)
            {
                client.onSegment(now, toClient[i]);
            }
            segments += toClientCount;
            toClientCount = 0;
        }
        return segments;
    }
}
