package dev.wirespeed.engine.tcp;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two endpoints wired through lossless in-memory queues: connect, 1 MiB each way, orderly close, and both tables
 * empty once TIME-WAIT drains.
 */
class TcpTransferTest
{
    static final int CLIENT_IP = 0x0a000001;
    static final int SERVER_IP = 0x0a000002;
    static final int PORT = 8080;
    static final int SIZE = 1 << 20;
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
            while (written < SIZE)
            {
                final int n = ep.write(id, new UnsafeBuffer(source), written, SIZE - written);
                if (n <= 0)
                {
                    break;
                }
                written += n;
            }
            if (written == SIZE)
            {
                ep.shutdownOutput(id);
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
            ep.close(id);
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

    static final boolean DEBUG = System.getenv("TCP_DEBUG") != null;

    record InFlight(long deliverAtNs, TcpSegment segment) { }

    static TcpSegment copyForPeer(final TcpSegment s)
    {
        final TcpSegment c = new TcpSegment().copyFrom(s);
        c.localIp = s.remoteIp;
        c.remoteIp = s.localIp;
        c.localPort = s.remotePort;
        c.remotePort = s.localPort;
        final byte[] b = new byte[s.payloadLength];
        if (s.payloadLength > 0)
        {
            s.payload.getBytes(s.payloadOffset, b);
        }
        c.payload = new UnsafeBuffer(b);
        c.payloadOffset = 0;
        return c;
    }

    @Test
    void oneMegabyteBothWaysThenOrderlyCloseAndTablesDrain()
    {
        final TcpConfig cfg = new TcpConfig();
        cfg.seed = 42;
        final Side client = new Side(1);
        final Side server = new Side(2);
        final TcpEndpoint c = new TcpEndpoint(cfg, client, 0);
        final TcpEndpoint s = new TcpEndpoint(cfg, server, 0);
        client.ep = c;
        server.ep = s;
        s.listen(SERVER_IP, PORT, 128);
        long now = 0;
        final long id = c.connect(now, CLIENT_IP, SERVER_IP, PORT);
        assertTrue(id >= 0);
        client.id = id;

        final ArrayDeque<InFlight> toServer = new ArrayDeque<>();
        final ArrayDeque<InFlight> toClient = new ArrayDeque<>();
        int segments = 0;
        for (int iter = 0; iter < 2_000_000; iter++)
        {
            final long t = now;
            c.poll(now);
            s.poll(now);
            c.dispatch(now, seg -> { if (DEBUG) System.out.println("DEBUG " + t + " C> " + seg); toServer.add(new InFlight(t + LINK_DELAY_NS, copyForPeer(seg))); });
            s.dispatch(now, seg -> { if (DEBUG) System.out.println("DEBUG " + t + " S> " + seg); toClient.add(new InFlight(t + LINK_DELAY_NS, copyForPeer(seg))); });
            boolean delivered = false;
            while (!toServer.isEmpty() && toServer.peek().deliverAtNs() <= now)
            {
                s.onSegment(now, toServer.poll().segment());
                delivered = true;
                segments++;
            }
            while (!toClient.isEmpty() && toClient.peek().deliverAtNs() <= now)
            {
                c.onSegment(now, toClient.poll().segment());
                delivered = true;
                segments++;
            }
            if (delivered || c.hasPendingOutput() || s.hasPendingOutput())
            {
                continue;
            }
            long next = Math.min(c.nextDeadlineNs(), s.nextDeadlineNs());
            if (!toServer.isEmpty())
            {
                next = Math.min(next, toServer.peek().deliverAtNs());
            }
            if (!toClient.isEmpty())
            {
                next = Math.min(next, toClient.peek().deliverAtNs());
            }
            if (next == Long.MAX_VALUE)
            {
                break;
            }
            now = Math.max(now, next);
        }

        System.out.println("DEBUG now=" + now + " c=" + c.counters() + " s=" + s.counters() + " cr=" + client.receivedLength + " sr=" + server.receivedLength + " cw=" + client.written + " sw=" + server.written + " cconn=" + c.connectionCount() + " sconn=" + s.connectionCount());
        assertEquals(SIZE, client.receivedLength);
        assertEquals(SIZE, server.receivedLength);
        assertArrayEquals(server.source, java.util.Arrays.copyOf(client.received, SIZE));
        assertArrayEquals(client.source, java.util.Arrays.copyOf(server.received, SIZE));
        assertTrue(client.peerClosed && server.peerClosed);
        assertTrue(client.closed && server.closed);
        assertTrue(!client.reset && !server.reset);
        assertEquals(0, c.connectionCount());
        assertEquals(0, s.connectionCount());
        assertTrue(now >= 2 * cfg.mslNs, "TIME-WAIT lasted 2MSL");
        assertEquals(0, c.counters().get(TcpCounters.RETRANSMITS) + s.counters().get(TcpCounters.RETRANSMITS));
        assertTrue(segments > 2 * SIZE / 1460, "segments " + segments);
    }
}
