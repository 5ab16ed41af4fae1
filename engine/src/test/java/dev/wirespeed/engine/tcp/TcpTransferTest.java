package dev.wirespeed.engine.tcp;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two endpoints wired through the tests' in-memory link ({@link TestLink}), lossless or lossy: connect, 1 MiB each way, orderly close, and both tables
 * empty once TIME-WAIT drains.
 */
class TcpTransferTest
{
    static final int CLIENT_IP = 0x0a000001;
    static final int SERVER_IP = 0x0a000002;
    static final int PORT = 8080;
    static final int SIZE = 1 << 20;
    static int size = SIZE;
    static final int LOSS_MOD = System.getenv("TCP_LOSS_MOD") != null ? Integer.parseInt(System.getenv("TCP_LOSS_MOD")) : 10;
    static final long LINK_DELAY_NS = 50_000;

    static final class Side implements TcpHandler
    {
        final byte[] source = new byte[SIZE];
        final byte[] received = new byte[SIZE + 1];
        int receivedLength;
        int written;
        long id = -1;
        TcpEndpoint ep;
        boolean peerClosed;
        boolean closed;
        boolean reset;

        Side(final int salt)
        {
            for (int i = 0; i < SIZE; i++)
            {
                source[i] = (byte)(i * 31 + salt + (i >>> 11));
            }
        }

        void pump()
        {
            while (written < size)
            {
                final int n = ep.write(id, new UnsafeBuffer(source), written, size - written);
                if (n <= 0)
                {
                    break;
                }
                written += n;
            }
            if (written == size)
            {
                ep.shutdownOutput(id);
                maybeClose();
            }
        }

        boolean closeCalled;

        /** Close once our data is all queued and the peer's stream ended. */
        void maybeClose()
        {
            if (peerClosed && written == size && !closeCalled)
            {
                closeCalled = true;
                ep.close(id);
            }
        }

        public void onConnected(final long id)
        {
            this.id = id;
            pump();
        }

        public void onAccepted(final int listenerPort, final long id)
        {
            this.id = id;
            pump();
        }

        public int onData(final long id, final DirectBuffer buffer, final int offset, final int length)
        {
            final int n = Math.min(length, received.length - receivedLength);
            buffer.getBytes(offset, received, receivedLength, n);
            receivedLength += n;
            return length;
        }

        public void onWritable(final long id)
        {
            pump();
        }

        public void onPeerClosed(final long id)
        {
            peerClosed = true;
            maybeClose();
        }

        public void onReset(final long id)
        {
            reset = true;
        }

        public void onClosed(final long id)
        {
            closed = true;
        }
    }

    @Test
    void oneMegabyteBothWaysThenOrderlyCloseAndTablesDrain()
    {
        final long[] result = run(42, 0, 0, SIZE);
        assertEquals(0, result[0], "retransmissions on a lossless link");
        assertTrue(result[1] > 2 * SIZE / 1460, "segments " + result[1]);
    }

    @Test
    void lossAndReorderingStillDeliverEveryByteAndDrain()
    {
        final int seeds = System.getenv("TCP_SEEDS") != null ? Integer.parseInt(System.getenv("TCP_SEEDS")) : 6;
        for (int seed = Integer.getInteger("seed0", 1); seed <= seeds; seed++)
        {
            final long[] result = run(seed, 1 + seed % LOSS_MOD, 5 + seed % 30, 256 * 1024);
            assertTrue(result[0] > 0, "seed " + seed + " had losses to repair");
        }
    }

    @Test
    void checklist68_bbrDeliversEveryByteOverALossyLink()
    {
        // both ends model-based (behaviour 68): 5 % loss with reordering and duplicates, byte-exact both ways
        for (int seed = 1; seed <= 4; seed++)
        {
            final long[] result = run(seed, 5, 10, 512 * 1024, -1, Bbr::new);
            assertTrue(result[0] > 0, "seed " + seed + " had losses to repair");
        }
    }

    @Test
    void sequenceNumbersWrappingAround2pow32MidTransfer()
    {
        final long[] result = run(9, 3, 10, 512 * 1024, 0xffff_f000L);
        assertTrue(result[1] > 0);
    }

    static long[] run(final long seed, final int lossPercent, final int reorderPercent, final int bytes)
    {
        return run(seed, lossPercent, reorderPercent, bytes, -1);
    }

    /** Returns {retransmissions, segments delivered}. */
    static long[] run(final long seed, final int lossPercent, final int reorderPercent, final int bytes,
        final long fixedIsn)
    {
        return run(seed, lossPercent, reorderPercent, bytes, fixedIsn, NewReno::new);
    }

    static long[] run(final long seed, final int lossPercent, final int reorderPercent, final int bytes,
        final long fixedIsn, final java.util.function.Supplier<CongestionControl> congestionControl)
    {
        size = bytes;
        final TcpConfig cfg = new TcpConfig();
        cfg.seed = seed;
        cfg.fixedIsnForTests = fixedIsn;
        cfg.congestionControl = congestionControl;
        final Side client = new Side(1);
        final Side server = new Side(2);
        final TcpEndpoint c = new TcpEndpoint(cfg, client, 0);
        final TcpEndpoint s = new TcpEndpoint(cfg, server, 0);
        client.ep = c;
        server.ep = s;
        s.listen(SERVER_IP, PORT, 128);
        final long id = c.connect(0, CLIENT_IP, SERVER_IP, PORT);
        assertTrue(id >= 0);
        client.id = id;

        // lossy, reordering and duplicating as asked, on the tests' one in-memory link
        final TestLink link = new TestLink().side(0, c).side(1, s).seed(seed).loss(lossPercent / 100.0)
            .delay(LINK_DELAY_NS, 0).reorder(reorderPercent / 100.0, 200_000)
            .duplicates(lossPercent > 0 ? 0.02 : 0, 300_000);
        assertTrue(link.runUntilQuiet(5_000_000), "the link never went quiet");
        final long now = link.now();
        final long segments = link.delivered();

        final String where = "seed " + seed + " now=" + now + " c=" + c.counters() + " s=" + s.counters() +
            " cr=" + client.receivedLength + " sr=" + server.receivedLength + " cconn=" + c.connectionCount() +
            " sconn=" + s.connectionCount();
        assertEquals(bytes, client.receivedLength, where);
        assertEquals(bytes, server.receivedLength, where);
        assertArrayEquals(java.util.Arrays.copyOf(server.source, bytes), java.util.Arrays.copyOf(client.received, bytes));
        assertArrayEquals(java.util.Arrays.copyOf(client.source, bytes), java.util.Arrays.copyOf(server.received, bytes));
        assertTrue(client.peerClosed && server.peerClosed, where);
        assertTrue(client.closed && server.closed, where);
        assertTrue(!client.reset && !server.reset, where);
        assertEquals(0, c.connectionCount(), where);
        assertEquals(0, s.connectionCount(), where);
        assertTrue(now >= 2 * cfg.mslNs, "TIME-WAIT lasted 2MSL");
        return new long[] {
            c.counters().get(TcpCounters.RETRANSMITS) + s.counters().get(TcpCounters.RETRANSMITS), segments };
    }
}
