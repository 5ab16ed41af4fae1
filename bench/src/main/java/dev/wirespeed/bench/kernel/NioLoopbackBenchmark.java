package dev.wirespeed.bench.kernel;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The kernel baseline for the TCP benchmarks, measured in the same run: Linux TCP over loopback through Java NIO.
 * <ul>
 *   <li>{@code connectAcceptClose}: one whole connection lifetime — connect, accept, client close (FIN), server
 *       close — like {@code TcpLifetimeBenchmark}. Client addresses rotate over 127.0.0.1..127.0.0.250 so the
 *       kernel's TIME-WAIT tuples never exhaust the ephemeral ports during a run.</li>
 *   <li>{@code pingPong}: a 64-byte request and its echo over one established connection (blocking I/O, an echo
 *       thread on the other side): one round trip = two data segments through the kernel.</li>
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--add-exports",
    "java.base/jdk.internal.misc=ALL-UNNAMED"})
public class NioLoopbackBenchmark
{
    @State(Scope.Thread)
    public static class Lifetime
    {
        ServerSocketChannel server;
        InetSocketAddress serverAddress;
        final InetSocketAddress[] clientAddresses = new InetSocketAddress[250];
        int next;

        @Setup(Level.Trial)
        public void setUp() throws IOException
        {
            server = ServerSocketChannel.open();
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4096);
            serverAddress = (InetSocketAddress)server.getLocalAddress();
            for (int i = 0; i < clientAddresses.length; i++)
            {
                clientAddresses[i] = new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, (byte)(i + 1)}), 0);
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException
        {
            server.close();
        }
    }

    @Benchmark
    public void connectAcceptClose(final Lifetime s) throws IOException
    {
        final SocketChannel client = SocketChannel.open();
        client.bind(s.clientAddresses[s.next++ % s.clientAddresses.length]);
        client.connect(s.serverAddress);
        final SocketChannel accepted = s.server.accept();
        client.close();
        accepted.close();
    }

    @State(Scope.Thread)
    public static class PingPong
    {
        ServerSocketChannel server;
        SocketChannel client;
        Thread echo;
        final ByteBuffer request = ByteBuffer.allocateDirect(64);
        final ByteBuffer response = ByteBuffer.allocateDirect(64);

        @Setup(Level.Trial)
        public void setUp() throws IOException
        {
            server = ServerSocketChannel.open();
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            client = SocketChannel.open(server.getLocalAddress());
            client.setOption(StandardSocketOptions.TCP_NODELAY, true);
            final SocketChannel accepted = server.accept();
            accepted.setOption(StandardSocketOptions.TCP_NODELAY, true);
            echo = new Thread(() -> echoLoop(accepted), "nio-echo");
            echo.setDaemon(true);
            echo.start();
        }

        private static void echoLoop(final SocketChannel ch)
        {
            final ByteBuffer buf = ByteBuffer.allocateDirect(64);
            try (ch)
            {
                while (true)
                {
                    buf.clear();
                    while (buf.hasRemaining())
                    {
                        if (ch.read(buf) < 0)
                        {
                            return;
                        }
                    }
                    buf.flip();
                    while (buf.hasRemaining())
                    {
                        ch.write(buf);
                    }
                }
            }
            catch (final IOException ignored)
            {
                // the benchmark closed the connection
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException, InterruptedException
        {
            client.close();
            echo.join(5000);
            server.close();
        }
    }

    @Benchmark
    public int pingPong(final PingPong s) throws IOException
    {
        final ByteBuffer req = s.request;
        final ByteBuffer resp = s.response;
        req.clear();
        while (req.hasRemaining())
        {
            s.client.write(req);
        }
        resp.clear();
        while (resp.hasRemaining())
        {
            if (s.client.read(resp) < 0)
            {
                throw new IOException("echo closed");
            }
        }
        return resp.get(0);
    }
}
