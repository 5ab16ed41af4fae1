package dev.wirespeed.bench.e2e;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.function.Consumer;

import org.HdrHistogram.Histogram;

/**
 * The Linux kernel doing what {@link EngineE2e} does, over loopback (127.0.0.1), in this JVM with Java NIO: one
 * client thread and one server thread, like the engine's two shards.
 * <ul>
 *   <li>connections per second: both sides are single-threaded selector loops; the client keeps
 *       {@code concurrency} non-blocking connects in flight, sends the request, reads the echoed response to EOF
 *       and closes; the server accepts, reads the request, writes it back and closes (so TIME-WAIT is on the
 *       server side, as in the engine phase);</li>
 *   <li>latency: one connection, TCP_NODELAY, blocking reads and writes on both sides (a thread that waits in
 *       the kernel, as netperf TCP_RR does), or with {@code spin} non-blocking sockets polled in a busy loop
 *       (both threads spin, as the engine's shards do);</li>
 *   <li>bulk: one connection, blocking writes of 64 KiB chunks, blocking reads into a 1 MiB buffer, kernel socket
 *       buffers left to autotuning.</li>
 * </ul>
 * Every phase stops by itself: the threads watch the same window as the engine phases, and a phase that has not
 * finished {@code drainTimeoutNs} after it is closed down and reported as stalled.
 */
public final class KernelE2e
{
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    /** The kernel side of the benchmark; each phase opens and closes its own sockets and threads. */
    KernelE2e()
    {
    }

    // ========================================================================================= connections/s

    public PhaseResult cps(final E2eSettings s) throws Exception
    {
        final long warmupEnd = System.nanoTime() + s.warmupNs;
        final long end = warmupEnd + s.measureNs;
        try (CpsServer server = new CpsServer(s.messageSize))
        {
            final CpsClient client = new CpsClient(server.address(), s.concurrency, s.messageSize, warmupEnd, end,
                end + s.drainTimeoutNs);
            final Thread serverThread = start("kernel-cps-server", server);
            final Thread clientThread = start("kernel-cps-client", client);
            clientThread.join(nanosToMillis(end + s.drainTimeoutNs - System.nanoTime()) + 1_000);
            server.stop = true;
            serverThread.join(5_000);
            final long errors = client.badResponses + client.resets + client.connectErrors + server.errors +
                (client.stalled || clientThread.isAlive() ? 1 : 0) + (client.failure == null ? 0 : 1) +
                (server.failure == null ? 0 : 1);
            final String detail = "client: opened " + client.opened + ", completed " + client.completed +
                ", bad responses " + client.badResponses + ", resets " + client.resets + ", connect errors " +
                client.connectErrors + (client.stalled ? ", STALLED" : "") +
                (client.failure == null ? "" : ", failed: " + client.failure) + "; server: accepted " +
                server.accepted + ", served " + server.served + ", errors " + server.errors +
                (server.failure == null ? "" : ", failed: " + server.failure);
            return PhaseResult.cps("kernel", client.completedInWindow, s.measureNs, errors, 0, -1, detail);
        }
    }

    private static final class CpsServer implements Runnable, AutoCloseable
    {
        private final int size;
        private final ServerSocketChannel listener;
        private final Selector selector;
        private final ArrayDeque<ByteBuffer> buffers = new ArrayDeque<>();
        private final Consumer<SelectionKey> onKey = this::onKey;
        volatile boolean stop;
        long accepted;
        long served;
        long errors;
        Throwable failure;

        CpsServer(final int size) throws IOException
        {
            this.size = size;
            listener = ServerSocketChannel.open();
            listener.bind(new InetSocketAddress(LOOPBACK, 0), 4096);
            listener.configureBlocking(false);
            selector = Selector.open();
            listener.register(selector, SelectionKey.OP_ACCEPT);
        }

        InetSocketAddress address() throws IOException
        {
            return (InetSocketAddress)listener.getLocalAddress();
        }

        public void run()
        {
            try
            {
                while (!stop)
                {
                    selector.select(onKey, 20);
                }
            }
            catch (final IOException | RuntimeException ex)
            {
                failure = ex;
            }
        }

        private void onKey(final SelectionKey key)
        {
            try
            {
                if (key.isAcceptable())
                {
                    SocketChannel ch;
                    while ((ch = listener.accept()) != null)
                    {
                        ch.configureBlocking(false);
                        ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                        final ByteBuffer b = buffers.isEmpty() ? ByteBuffer.allocateDirect(size) : buffers.poll();
                        b.clear();
                        ch.register(selector, SelectionKey.OP_READ, b);
                        accepted++;
                    }
                    return;
                }
                final SocketChannel ch = (SocketChannel)key.channel();
                final ByteBuffer b = (ByteBuffer)key.attachment();
                final int n = ch.read(b);
                if (n < 0)
                {
                    errors++;
                    done(ch, b);
                }
                else if (!b.hasRemaining())
                {
                    b.flip();
                    while (b.hasRemaining())
                    {
                        ch.write(b);
                    }
                    served++;
                    done(ch, b);
                }
            }
            catch (final IOException ex)
            {
                errors++;
                try
                {
                    key.channel().close();
                }
                catch (final IOException ignored)
                {
                    // closing after a failure
                }
            }
        }

        private void done(final SocketChannel ch, final ByteBuffer b) throws IOException
        {
            ch.close();
            buffers.add(b);
        }

        public void close() throws IOException
        {
            for (final SelectionKey k : selector.keys())
            {
                k.channel().close();
            }
            selector.close();
            listener.close();
        }
    }

    private static final class CpsConnection
    {
        final ByteBuffer response;
        long seq;

        CpsConnection(final int size)
        {
            response = ByteBuffer.allocateDirect(size + 1);
        }
    }

    private static final class CpsClient implements Runnable
    {
        private final InetSocketAddress server;
        private final int concurrency;
        private final int size;
        private final long warmupEndNs;
        private final long endNs;
        private final long giveUpNs;
        private final ByteBuffer request;
        private final ArrayDeque<CpsConnection> free = new ArrayDeque<>();
        private final Consumer<SelectionKey> onKey = this::onKey;
        private Selector selector;
        private int inFlight;
        private long nextSeq;
        long opened;
        long completed;
        long completedInWindow;
        long badResponses;
        long resets;
        long connectErrors;
        boolean stalled;
        Throwable failure;

        CpsClient(final InetSocketAddress server, final int concurrency, final int size, final long warmupEndNs,
            final long endNs, final long giveUpNs)
        {
            this.server = server;
            this.concurrency = concurrency;
            this.size = size;
            this.warmupEndNs = warmupEndNs;
            this.endNs = endNs;
            this.giveUpNs = giveUpNs;
            this.request = ByteBuffer.allocateDirect(size);
        }

        public void run()
        {
            try (Selector sel = Selector.open())
            {
                selector = sel;
                while (true)
                {
                    final long now = System.nanoTime();
                    if (now - endNs < 0)
                    {
                        while (inFlight < concurrency && open())
                        {
                            inFlight++;
                        }
                    }
                    else if (inFlight == 0)
                    {
                        break;
                    }
                    else if (now - giveUpNs >= 0)
                    {
                        stalled = true;
                        break;
                    }
                    sel.select(onKey, 10);
                }
                for (final SelectionKey k : sel.keys())
                {
                    k.channel().close();
                }
            }
            catch (final IOException | RuntimeException ex)
            {
                failure = ex;
            }
        }

        private boolean open() throws IOException
        {
            final SocketChannel ch = SocketChannel.open();
            final CpsConnection c = free.isEmpty() ? new CpsConnection(size) : free.poll();
            c.seq = nextSeq++;
            c.response.clear();
            try
            {
                ch.configureBlocking(false);
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                opened++;
                if (ch.connect(server))
                {
                    send(ch, c);
                    ch.register(selector, SelectionKey.OP_READ, c);
                }
                else
                {
                    ch.register(selector, SelectionKey.OP_CONNECT, c);
                }
                return true;
            }
            catch (final IOException ex)
            {
                // EADDRNOTAVAIL when the ephemeral ports run out, for instance
                connectErrors++;
                ch.close();
                free.add(c);
                return false;
            }
        }

        private void send(final SocketChannel ch, final CpsConnection c) throws IOException
        {
            Payload.fillMessage(request, size, c.seq);
            request.clear();
            while (request.hasRemaining())
            {
                ch.write(request);
            }
        }

        private void onKey(final SelectionKey key)
        {
            final SocketChannel ch = (SocketChannel)key.channel();
            final CpsConnection c = (CpsConnection)key.attachment();
            try
            {
                if (key.isConnectable())
                {
                    ch.finishConnect();
                    send(ch, c);
                    key.interestOps(SelectionKey.OP_READ);
                    return;
                }
                if (ch.read(c.response) >= 0)
                {
                    return;
                }
                // EOF: the server has answered and closed
                final ByteBuffer r = c.response;
                if (r.position() != size || !Payload.messageMatches(r, size, c.seq))
                {
                    badResponses++;
                }
                finish(ch, c);
                completed++;
                final long now = System.nanoTime();
                if (now - warmupEndNs >= 0 && now - endNs < 0)
                {
                    completedInWindow++;
                }
            }
            catch (final IOException ex)
            {
                resets++;
                try
                {
                    finish(ch, c);
                }
                catch (final IOException ignored)
                {
                    // already failing
                }
            }
        }

        private void finish(final SocketChannel ch, final CpsConnection c) throws IOException
        {
            ch.close();
            free.add(c);
            inFlight--;
        }
    }

    // ================================================================================================ latency

    public PhaseResult latency(final E2eSettings s, final boolean spin) throws Exception
    {
        return latency(s, spin, false);
    }

    /**
     * @param spin          non-blocking sockets polled in a loop instead of blocking reads.
     * @param yieldWhenIdle with {@code spin}: {@code Thread.yield()} after a read that found nothing (like the
     *                      engine's {@code yield} idle strategy), else {@code Thread.onSpinWait()}.
     */
    public PhaseResult latency(final E2eSettings s, final boolean spin, final boolean yieldWhenIdle) throws Exception
    {
        final long warmupEnd = System.nanoTime() + s.warmupNs;
        final long end = warmupEnd + s.measureNs;
        final String stack = spin ? "kernel-spin" : "kernel";
        try (ServerSocketChannel listener = ServerSocketChannel.open())
        {
            listener.bind(new InetSocketAddress(LOOPBACK, 0));
            final Echo echo = new Echo(listener, s.messageSize, spin, yieldWhenIdle);
            final Thread echoThread = start(stack + "-echo", echo);
            final Histogram h = new Histogram(60_000_000_000L, 3);
            long roundTrips = 0;
            long bad = 0;
            try (SocketChannel ch = SocketChannel.open(listener.getLocalAddress());
                Watchdog ignored = new Watchdog(end + s.drainTimeoutNs, ch, listener))
            {
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                ch.configureBlocking(!spin);
                final ByteBuffer req = ByteBuffer.allocateDirect(s.messageSize);
                final ByteBuffer resp = ByteBuffer.allocateDirect(s.messageSize);
                long now = System.nanoTime();
                for (long seq = 0; now - end < 0; seq++)
                {
                    Payload.fillMessage(req, s.messageSize, seq);
                    req.clear();
                    resp.clear();
                    final long t0 = System.nanoTime();
                    while (req.hasRemaining())
                    {
                        ch.write(req);
                    }
                    while (resp.hasRemaining())
                    {
                        final int n = ch.read(resp);
                        if (n < 0)
                        {
                            throw new IOException("echo closed the connection");
                        }
                        if (n == 0)
                        {
                            idle(yieldWhenIdle);
                        }
                    }
                    now = System.nanoTime();
                    if (!Payload.messageMatches(resp, s.messageSize, seq))
                    {
                        bad++;
                    }
                    roundTrips++;
                    if (now - warmupEnd >= 0 && now - end < 0)
                    {
                        h.recordValue(Math.min(now - t0, h.getHighestTrackableValue()));
                    }
                }
                ch.shutdownOutput();
            }
            echoThread.join(nanosToMillis(s.drainTimeoutNs));
            final boolean stalled = echoThread.isAlive();
            final long errors = bad + (stalled ? 1 : 0) + (echo.failure == null ? 0 : 1);
            return PhaseResult.latency(stack, h, s.measureNs, errors, 0, -1, "round trips " + roundTrips + ", bad " + bad +
                (stalled ? ", echo STALLED" : "") + (echo.failure == null ? "" : ", echo failed: " + echo.failure));
        }
    }

    private static final class Echo implements Runnable
    {
        private final ServerSocketChannel listener;
        private final int size;
        private final boolean spin;
        private final boolean yieldWhenIdle;
        Throwable failure;

        Echo(final ServerSocketChannel listener, final int size, final boolean spin, final boolean yieldWhenIdle)
        {
            this.listener = listener;
            this.size = size;
            this.spin = spin;
            this.yieldWhenIdle = yieldWhenIdle;
        }

        public void run()
        {
            try (SocketChannel ch = listener.accept())
            {
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                ch.configureBlocking(!spin);
                final ByteBuffer b = ByteBuffer.allocateDirect(size);
                while (true)
                {
                    b.clear();
                    while (b.hasRemaining())
                    {
                        final int n = ch.read(b);
                        if (n < 0)
                        {
                            return;
                        }
                        if (n == 0)
                        {
                            idle(yieldWhenIdle);
                        }
                    }
                    b.flip();
                    while (b.hasRemaining())
                    {
                        ch.write(b);
                    }
                }
            }
            catch (final IOException | RuntimeException ex)
            {
                failure = ex;
            }
        }
    }

    // =================================================================================================== bulk

    public PhaseResult bulk(final E2eSettings s) throws Exception
    {
        final long warmupEnd = System.nanoTime() + s.warmupNs;
        final long end = warmupEnd + s.measureNs;
        try (ServerSocketChannel listener = ServerSocketChannel.open())
        {
            listener.bind(new InetSocketAddress(LOOPBACK, 0));
            final Sink sink = new Sink(listener, warmupEnd, end, s.verifyBulk);
            final Thread sinkThread = start("kernel-bulk-sink", sink);
            long sent = 0;
            try (SocketChannel ch = SocketChannel.open(listener.getLocalAddress());
                Watchdog ignored = new Watchdog(end + s.drainTimeoutNs, ch, listener))
            {
                final ByteBuffer src = ByteBuffer.allocateDirect(Payload.BULK_PERIOD + Payload.BULK_CHUNK);
                Payload.BULK_SOURCE.getBytes(0, src, 0, src.capacity());
                while (System.nanoTime() - end < 0)
                {
                    final int from = Payload.bulkSourceOffset(sent);
                    src.limit(from + Payload.BULK_CHUNK).position(from);
                    sent += ch.write(src);
                }
            }
            sinkThread.join(nanosToMillis(s.drainTimeoutNs));
            final boolean stalled = sinkThread.isAlive();
            final long lost = sent - sink.received;
            final long errors = sink.badChunks + (stalled ? 1 : 0) + (lost != 0 ? 1 : 0) +
                (sink.failure == null ? 0 : 1);
            return PhaseResult.bulk("kernel", sink.bytesInWindow, s.measureNs, errors, 0, -1, "sent " + sent +
                " B, received " + sink.received + " B" + (s.verifyBulk ? ", bad chunks " + sink.badChunks : "") +
                (stalled ? ", sink STALLED" : "") + (sink.failure == null ? "" : ", sink failed: " + sink.failure));
        }
    }

    private static final class Sink implements Runnable
    {
        private final ServerSocketChannel listener;
        private final long warmupEndNs;
        private final long endNs;
        private final boolean verify;
        volatile long received;
        long bytesInWindow;
        long badChunks;
        Throwable failure;

        Sink(final ServerSocketChannel listener, final long warmupEndNs, final long endNs, final boolean verify)
        {
            this.listener = listener;
            this.warmupEndNs = warmupEndNs;
            this.endNs = endNs;
            this.verify = verify;
        }

        public void run()
        {
            try (SocketChannel ch = listener.accept())
            {
                final ByteBuffer b = ByteBuffer.allocateDirect(1 << 20);
                long total = 0;
                while (true)
                {
                    b.clear();
                    final int n = ch.read(b);
                    if (n < 0)
                    {
                        break;
                    }
                    if (verify && !Payload.bulkMatches(b, n, total))
                    {
                        badChunks++;
                    }
                    total += n;
                    final long now = System.nanoTime();
                    if (now - warmupEndNs >= 0 && now - endNs < 0)
                    {
                        bytesInWindow += n;
                    }
                }
                received = total;
            }
            catch (final IOException | RuntimeException ex)
            {
                failure = ex;
            }
        }
    }

    // ================================================================================================ helpers

    /**
     * Closes the given channels at a deadline unless closed first, so that a blocking read or write that would
     * never return (a peer thread that died) ends the phase instead of hanging it.
     */
    private static final class Watchdog implements AutoCloseable
    {
        private final Thread thread;

        Watchdog(final long deadlineNs, final java.io.Closeable... channels)
        {
            thread = start("kernel-watchdog", () ->
            {
                long left;
                while ((left = deadlineNs - System.nanoTime()) > 0)
                {
                    java.util.concurrent.locks.LockSupport.parkNanos(left);
                    if (Thread.interrupted())
                    {
                        return;
                    }
                }
                for (final java.io.Closeable c : channels)
                {
                    try
                    {
                        c.close();
                    }
                    catch (final IOException ignored)
                    {
                        // closing to unblock
                    }
                }
            });
        }

        public void close()
        {
            thread.interrupt();
        }
    }

    private static void idle(final boolean yield)
    {
        if (yield)
        {
            Thread.yield();
        }
        else
        {
            Thread.onSpinWait();
        }
    }

    private static Thread start(final String name, final Runnable r)
    {
        final Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static long nanosToMillis(final long ns)
    {
        return Math.max(1, ns / 1_000_000L);
    }
}
