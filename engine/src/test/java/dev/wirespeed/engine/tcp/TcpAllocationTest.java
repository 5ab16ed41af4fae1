package dev.wirespeed.engine.tcp;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Steady state allocates nothing: the established receive path and whole connection lifetimes (pooled TCBs).
 * The same scenarios as the JMH benchmarks in {@code dev.wirespeed.bench.tcp}.
 */
class TcpAllocationTest
{
    static final int CLIENT_IP = 0x0a000001;
    static final int SERVER_IP = 0x0a000002;
    static final int PORT = 80;

    /** Bytes this thread allocated between two calls, minus what the measuring call itself allocates. */
    private static final com.sun.management.ThreadMXBean MX =
        (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();

    static
    {
        for (int i = 0; i < 20_000; i++)
        {
            MX.getCurrentThreadAllocatedBytes();
        }
    }

    private static long allocatedSince(final long before)
    {
        final long after = allocatedBytes();
        long overhead = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++)
        {
            final long a = allocatedBytes();
            overhead = Math.min(overhead, allocatedBytes() - a);
        }
        return (after - before) - overhead;
    }

    private static long allocatedBytes()
    {
        return MX.getCurrentThreadAllocatedBytes();
    }

    // ------------------------------------------------------------------------------------------------ lifetime

    TcpEndpoint client;
    TcpEndpoint server;
    /** The tests' in-memory link, lossless and instant: what one side emits reaches the other in the same exchange. */
    final TestLink link = new TestLink();
    long now;
    int established;
    int serverClosed;
    long lastId;

    void lifetime()
    {
        now += 1_100_000;
        link.advanceTo(now);
        client.poll(now);
        server.poll(now);
        final long id = client.connect(now, CLIENT_IP, SERVER_IP, PORT);
        assertEquals(true, id >= 0);
        lastId = id;
        for (int round = 0; round < 16 && link.exchange() > 0; round++)
        {
            // until neither side has anything more to send
        }
    }

    @Test
    void connectionLifetimeSixSegmentsTimeWaitOnClientAndZeroAllocation()
    {
        final TcpConfig cfg = new TcpConfig();
        cfg.mslNs = 50_000;
        client = new TcpEndpoint(cfg, new TcpHandler()
        {
            public void onConnected(final long id)
            {
                established++;
                client.close(id);
            }
        }, 0);
        server = new TcpEndpoint(cfg, new TcpHandler()
        {
            public void onPeerClosed(final long id)
            {
                server.close(id);
            }

            public void onClosed(final long id)
            {
                serverClosed++;
            }
        }, 0);
        client.preallocate(64);
        server.preallocate(64);
        server.listen(SERVER_IP, PORT, 1024);
        link.side(0, client).side(1, server);

        lifetime();
        // SYN, SYN-ACK, FIN|ACK (the handshake ACK rides on the client's FIN), FIN|ACK, ACK
        assertEquals(5, link.delivered());
        assertEquals(1, client.connectionCount());
        assertEquals(0, server.connectionCount());
        assertEquals(1, serverClosed);
        assertEquals(1, client.counters().connections(TcpState.TIME_WAIT));
        assertEquals(1, client.timeWaitRecords());

        for (int i = 0; i < 20_000; i++)
        {
            lifetime();
        }
        final long before = allocatedBytes();
        for (int i = 0; i < 20_000; i++)
        {
            lifetime();
        }
        final long allocated = allocatedSince(before);
        assertEquals(40_001 * 5L, link.delivered());
        assertEquals(40_001, established);
        assertEquals(40_001, serverClosed);
        assertEquals(1, client.connectionCount(), "previous TIME-WAIT drained, the latest remains");
        assertEquals(0, allocated, "bytes allocated over 20000 lifetimes");
    }

    // ---------------------------------------------------------------------------------------- established path

    long bytes;
    long acks;

    @Test
    void establishedInOrderSegmentsZeroAllocation()
    {
        final TcpConfig cfg = new TcpConfig();
        cfg.timestampsEnabled = false;
        final TcpEndpoint ep = new TcpEndpoint(cfg, new TcpHandler()
        {
            public int onData(final long id, final DirectBuffer buffer, final int offset, final int length)
            {
                bytes += length;
                return length;
            }
        }, 0);
        ep.listen(SERVER_IP, PORT, 16);
        final TcpSegment seg = new TcpSegment();
        seg.tuple(SERVER_IP, PORT, CLIENT_IP, 40000);
        seg.flags = TcpSegment.SYN;
        seg.seq = 7_000_000;
        seg.window = 65535;
        seg.options.mssPresent = true;
        seg.options.mss = 1460;
        ep.onSegment(0, seg);
        final int[] iss = new int[1];
        ep.dispatch(0, s -> iss[0] = s.seq);
        seg.options.reset();
        seg.flags = TcpSegment.ACK;
        seg.seq = 7_000_001;
        seg.ack = iss[0] + 1;
        final SegmentEmitter out = s -> acks++;
        ep.onSegment(0, seg);
        ep.dispatch(0, out);
        seg.payload(new UnsafeBuffer(new byte[1460]), 0, 1460);
        int seq = 7_000_001;
        long t = 0;
        for (int round = 0; round < 5; round++)
        {
            for (int i = 0; i < 100_000; i++)
            {
                t += 100;
                seg.seq = seq;
                seq += 1460;
                ep.onSegment(t, seg);
                ep.poll(t);
                ep.dispatch(t, out);
            }
        }
        final long before = allocatedBytes();
        for (int i = 0; i < 100_000; i++)
        {
            t += 100;
            seg.seq = seq;
            seq += 1460;
            ep.onSegment(t, seg);
            ep.poll(t);
            ep.dispatch(t, out);
        }
        final long allocated = allocatedSince(before);
        assertEquals(600_000L * 1460, bytes);
        assertEquals(300_000, acks);
        assertEquals(0, allocated);
    }
}
