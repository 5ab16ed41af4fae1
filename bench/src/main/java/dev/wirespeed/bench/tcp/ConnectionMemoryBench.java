package dev.wirespeed.bench.tcp;

import dev.wirespeed.engine.tcp.SegmentEmitter;
import dev.wirespeed.engine.tcp.TcpConfig;
import dev.wirespeed.engine.tcp.TcpEndpoint;
import dev.wirespeed.engine.tcp.TcpHandler;
import dev.wirespeed.engine.tcp.TcpSegment;
import dev.wirespeed.engine.tcp.TcpState;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;

/**
 * Memory per idle connection: two in-memory endpoints (a client and a server, one thread, a fake clock, segments
 * handed straight from one to the other) open N connections, hold them idle, then the server closes them all so
 * that N tuples sit in TIME-WAIT on the server. At each point: heap used after a full GC, minus the same figure
 * before the first connection, divided by the connections. Everything the engine holds is on the heap (TCBs,
 * tables, buffer chunks, TIME-WAIT records); nothing off-heap is involved.
 * <p>
 * {@code bench/run-memory.sh [N]}; run with a heap big enough for N (the script gives 8 GiB).
 */
public final class ConnectionMemoryBench
{
    static final int SERVER_IP = 0xc000_0201;
    static final int CLIENT_IP_BASE = 0xc000_0202;
    static final int PORT = 80;
    static final int PER_CLIENT_IP = 16_000;
    static final int BATCH = 100;
    /** Fake time per batch: 100 connections a millisecond (100k/s), so a timer-wheel tick sees at most a batch. */
    static final long BATCH_NS = 1_000_000L;

    long now = 1_000_000_000L;
    final TcpEndpoint client;
    final TcpEndpoint server;
    final long[] serverIds;
    int accepted;
    int connected;
    int clientClosed;
    final TcpSegment rx = new TcpSegment();
    final SegmentEmitter toServer;
    final SegmentEmitter toClient;

    ConnectionMemoryBench(final int n)
    {
        serverIds = new long[n];
        server = new TcpEndpoint(config(n, 1), new TcpHandler()
        {
            public void onAccepted(final int listenerPort, final long id)
            {
                serverIds[accepted++] = id;
            }
        }, now);
        final TcpEndpoint[] c = new TcpEndpoint[1];
        client = new TcpEndpoint(config(n, 2), new TcpHandler()
        {
            public void onConnected(final long id)
            {
                connected++;
            }

            public void onPeerClosed(final long id)
            {
                c[0].close(id);
            }

            public void onClosed(final long id)
            {
                clientClosed++;
            }
        }, now);
        c[0] = client;
        server.listen(SERVER_IP, PORT, 1 << 20);
        toServer = seg -> server.onSegment(now, swapped(seg));
        toClient = seg -> client.onSegment(now, swapped(seg));
    }

    static TcpConfig config(final int n, final long seed)
    {
        final TcpConfig c = new TcpConfig();
        c.seed = seed;
        c.maxConnections = n + 1024;
        c.halfOpenBound = 1 << 20;
        c.keepAlive = false;
        return c;
    }

    TcpSegment swapped(final TcpSegment seg)
    {
        rx.copyFrom(seg);
        rx.localIp = seg.remoteIp;
        rx.remoteIp = seg.localIp;
        rx.localPort = seg.remotePort;
        rx.remotePort = seg.localPort;
        return rx;
    }

    void pump()
    {
        int moved;
        now += BATCH_NS;
        do
        {
            now += 1_000;
            client.poll(now);
            server.poll(now);
            moved = client.dispatch(now, toServer) + server.dispatch(now, toClient);
        }
        while (moved > 0);
    }

    static long heapAfterGc()
    {
        final MemoryMXBean mx = ManagementFactory.getMemoryMXBean();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++)
        {
            System.gc();
            try
            {
                Thread.sleep(100);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
            used = Math.min(used, mx.getHeapMemoryUsage().getUsed());
        }
        return used;
    }

    /** The heap's class histogram after a full GC (what jcmd GC.class_histogram prints), top 25 lines. */
    static void printHistogram()
    {
        try
        {
            final String text = (String)ManagementFactory.getPlatformMBeanServer().invoke(
                new javax.management.ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                new Object[] { null }, new String[] { String[].class.getName() });
            final String[] lines = text.split("\n");
            for (int i = 0; i < Math.min(28, lines.length); i++)
            {
                System.out.println(lines[i]);
            }
        }
        catch (final Exception ex)
        {
            System.out.println("class histogram unavailable: " + ex);
        }
    }

    public static void main(final String[] args)
    {
        int n = 200_000;
        if (args.length > 0)
        {
            try
            {
                n = Integer.parseInt(args[0]);
            }
            catch (final NumberFormatException ex)
            {
                n = -1;
            }
            if (n < 1 || n > 4_000_000)
            {
                System.err.println("wirespeed: error: N must be 1..4000000, got " + args[0]);
                System.exit(2);
            }
        }
        final ConnectionMemoryBench b = new ConnectionMemoryBench(n);
        b.run(n);
    }

    private long lastPrint;

    /** After every {@link #BATCH} calls (and the last): move the segments, and print progress once a second. */
    private void endOfBatch(final int i, final int n, final String what)
    {
        if ((i + 1) % BATCH == 0 || i == n - 1)
        {
            pump();
            final long t = System.nanoTime();
            if (t - lastPrint >= 1_000_000_000L)
            {
                lastPrint = t;
                System.out.printf("  %d %s%n", "closed".equals(what) ? clientClosed : connected, what);
            }
        }
    }

    void run(final int n)
    {
        final long base = heapAfterGc();
        System.out.printf("baseline heap %.1f MiB, opening %d connections%n", base / 1048576.0, n);

        long t0 = System.nanoTime();
        lastPrint = t0;
        for (int i = 0; i < n; i++)
        {
            final long id = client.connect(now, CLIENT_IP_BASE + i / PER_CLIENT_IP, SERVER_IP, PORT);
            if (id < 0)
            {
                throw new IllegalStateException("connect " + i + " failed: " + id);
            }
            endOfBatch(i, n, "established");
        }
        final double rampS = (System.nanoTime() - t0) / 1e9;
        if (connected != n || accepted != n ||
            server.counters().connections(TcpState.ESTABLISHED) != n)
        {
            throw new IllegalStateException("established " + connected + "/" + accepted + " of " + n);
        }
        // an idle connection keeps its transfer state (listed as resting) until the endpoint's once-a-second trim
        // takes it back: a second of quiet first, as any idle connection gets
        now += 1_000_000_000L;
        pump();
        System.out.println("after a trim: client " + client.memoryReport() + "; server " + server.memoryReport());
        final long est = heapAfterGc();
        final double perEst = (est - base) / (2.0 * n);
        System.out.printf("established: %d connections per side in %.2f s (%.0f /s), heap +%.1f MiB, " +
            "%.0f B per connection per side (both sides hold one TCB each), buffer chunks in use %d+%d%n",
            n, rampS, n / rampS, (est - base) / 1048576.0, perEst, client.bufferChunksInUse(),
            server.bufferChunksInUse());
        if (Boolean.getBoolean("bench.histogram"))
        {
            printHistogram();
        }

        t0 = System.nanoTime();
        lastPrint = t0;
        for (int i = 0; i < n; i++)
        {
            server.close(serverIds[i]);
            endOfBatch(i, n, "closed");
        }
        final double closeS = (System.nanoTime() - t0) / 1e9;
        if (server.timeWaitRecords() != n || client.connectionCount() != 0)
        {
            throw new IllegalStateException("TIME-WAIT " + server.timeWaitRecords() + " of " + n + ", client left " +
                client.connectionCount());
        }
        client.trimPool(0);
        server.trimPool(0);
        System.out.println("closed: client " + client.memoryReport() + "; server " + server.memoryReport());
        final long tw = heapAfterGc();
        final long twArrays = server.timeWaitFootprintBytes();
        System.out.printf("closed: %d in %.2f s (%.0f /s), server holds %d TIME-WAIT records in %.1f MiB of arrays " +
            "(%.0f B per tuple)%n", n, closeS, n / closeS, server.timeWaitRecords(), twArrays / 1048576.0,
            twArrays / (double)n);

        now += 2 * server.config().mslNs + 1_000_000_000L;
        server.poll(now);
        if (server.connectionCount() != 0)
        {
            throw new IllegalStateException("TIME-WAIT left after 2MSL: " + server.connectionCount());
        }
        System.out.println("expired: client " + client.memoryReport() + "; server " + server.memoryReport());
        final long after = heapAfterGc();
        System.out.printf("TIME-WAIT: %.0f B per tuple (records alone: heap with them minus heap after they expired); " +
            "%.0f B per tuple counted over everything (heap with them minus the baseline, both endpoints' slot " +
            "bookkeeping and tables included)%n", (tw - after) / (double)n, (tw - base) / (double)n);
        System.out.printf("after expiry: heap +%.1f MiB over the baseline (slot arrays and tables that stay)%n",
            (after - base) / 1048576.0);
        System.out.printf("RESULT n=%d established_B_per_conn=%.0f timewait_B_per_tuple=%.0f " +
            "timewait_arrays_B_per_tuple=%.0f timewait_total_B_per_tuple=%.0f ramp_per_s=%.0f close_per_s=%.0f%n",
            n, perEst, (tw - after) / (double)n, twArrays / (double)n, (tw - base) / (double)n, n / rampS,
            n / closeS);
    }
}
