package dev.wirespeed.engine.tcp;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Many concurrent connections between two endpoints over a lossy, reordering link, from several client addresses:
 * every stream arrives intact, every connection closes in order, both tables drain.
 */
class TcpManyConnectionsTest
{
    static final int SERVER_IP = 0x0a000064;
    static final int PORT = 443;
    static final int STREAM = 24 * 1024;

    static final class Stream
    {
        final byte[] out;
        final java.io.ByteArrayOutputStream in = new java.io.ByteArrayOutputStream();
        int written;
        boolean peerClosed;
        boolean closeCalled;
        boolean closed;
        boolean reset;

        Stream(final long salt)
        {
            out = new byte[STREAM];
            final SplittableRandom r = new SplittableRandom(salt);
            for (int i = 0; i < STREAM; i++)
            {
                out[i] = (byte)r.nextInt(256);
            }
        }
    }

    static final class App implements TcpHandler
    {
        final Map<Long, Stream> streams = new HashMap<>();
        final Map<Long, byte[]> expectedBySalt = new HashMap<>();
        TcpEndpoint ep;
        int accepted;
        final long saltBase;

        App(final long saltBase)
        {
            this.saltBase = saltBase;
        }

        Stream stream(final long id)
        {
            return streams.computeIfAbsent(id, k -> new Stream(k * 31 + saltBase));
        }

        void pump(final long id)
        {
            final Stream s = stream(id);
            while (s.written < STREAM)
            {
                final int n = ep.write(id, new UnsafeBuffer(s.out), s.written, STREAM - s.written);
                if (n <= 0)
                {
                    break;
                }
                s.written += n;
            }
            if (s.written == STREAM)
            {
                ep.shutdownOutput(id);
                maybeClose(id, s);
            }
        }

        void maybeClose(final long id, final Stream s)
        {
            if (s.peerClosed && s.written == STREAM && !s.closeCalled)
            {
                s.closeCalled = true;
                ep.close(id);
            }
        }

        public void onConnected(final long id)
        {
            pump(id);
        }

        public void onAccepted(final int listenerPort, final long id)
        {
            accepted++;
            pump(id);
        }

        public int onData(final long id, final DirectBuffer buffer, final int offset, final int length)
        {
            final byte[] b = new byte[length];
            buffer.getBytes(offset, b);
            stream(id).in.writeBytes(b);
            return length;
        }

        public void onWritable(final long id)
        {
            pump(id);
        }

        public void onPeerClosed(final long id)
        {
            final Stream s = stream(id);
            s.peerClosed = true;
            maybeClose(id, s);
        }

        public void onReset(final long id)
        {
            stream(id).reset = true;
        }

        public void onClosed(final long id)
        {
            stream(id).closed = true;
        }
    }

    @Test
    void fortyConcurrentConnectionsOverALossyLinkAllCompleteAndDrain()
    {
        for (int seed = 1; seed <= (System.getenv("TCP_SEEDS") != null ? Integer.parseInt(System.getenv("TCP_SEEDS")) : 4); seed++)
        {
            run(seed, 40, System.getenv("TCP_MANY_LOSS") != null ? Integer.parseInt(System.getenv("TCP_MANY_LOSS")) : 3);
        }
    }

    static void run(final long seed, final int connections, final int lossPercent)
    {
        final TcpConfig cfg = new TcpConfig();
        cfg.seed = seed;
        cfg.mslNs = System.getenv("TCP_MSL_S") != null ? Long.parseLong(System.getenv("TCP_MSL_S")) * 1_000_000_000L : 5_000_000_000L;
        final App clientApp = new App(7);
        final App serverApp = new App(1_000_003);
        final TcpEndpoint c = new TcpEndpoint(cfg, clientApp, 0);
        final TcpEndpoint s = new TcpEndpoint(cfg, serverApp, 0);
        clientApp.ep = c;
        serverApp.ep = s;
        s.listen(SERVER_IP, PORT, 1024);
        final long now = 0;
        final long[] ids = new long[connections];
        final Map<Long, Long> clientIdToTuple = new HashMap<>();
        for (int i = 0; i < connections; i++)
        {
            final int clientIp = 0x0a000001 + (i % 4);
            ids[i] = c.connect(now, clientIp, SERVER_IP, PORT);
            assertTrue(ids[i] >= 0);
            clientApp.stream(ids[i]);
        }
        // 40-70 us each way (the jitter reorders), lossy, on the tests' one in-memory link
        final TestLink link = new TestLink().side(0, c).side(1, s).seed(seed).loss(lossPercent / 100.0)
            .delay(40_000, 30_000);
        assertTrue(link.runUntilQuiet(5_000_000), "the link never went quiet");

        final String where = "seed " + seed + " c=" + c.counters() + " s=" + s.counters();
        assertEquals(connections, serverApp.accepted, where);
        assertEquals(0, c.connectionCount(), where);
        assertEquals(0, s.connectionCount(), where);
        // pair client and server streams by content: each server stream must equal exactly one client stream
        final Map<String, Long> clientOutByHash = new HashMap<>();
        for (final long id : ids)
        {
            final Stream cs = clientApp.stream(id);
            assertTrue(cs.closed && !cs.reset && cs.peerClosed, where);
            clientOutByHash.put(java.util.Arrays.toString(java.util.Arrays.copyOf(cs.out, 16)), id);
        }
        int matched = 0;
        for (final Map.Entry<Long, Stream> e : serverApp.streams.entrySet())
        {
            final Stream ss = e.getValue();
            assertTrue(ss.closed && !ss.reset, where);
            final byte[] got = ss.in.toByteArray();
            assertEquals(STREAM, got.length, where);
            final Long clientId = clientOutByHash.get(java.util.Arrays.toString(java.util.Arrays.copyOf(got, 16)));
            assertTrue(clientId != null, where);
            assertArrayEquals(clientApp.stream(clientId).out, got, where);
            assertArrayEquals(ss.out, clientApp.stream(clientId).in.toByteArray(), where);
            matched++;
        }
        assertEquals(connections, matched);
    }
}
