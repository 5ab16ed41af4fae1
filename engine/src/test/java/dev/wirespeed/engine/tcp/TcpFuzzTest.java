package dev.wirespeed.engine.tcp;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Random segments (any flags, sequence numbers near and far from the connection's, odd options, payloads) thrown
 * at an endpoint with a listener, live connections and timers: nothing throws, every emitted segment is well
 * formed, and the tables stay consistent (behaviour 62: a defined response to every flag combination).
 * <p>
 * Behaviour numbers refer to the numbered list in docs/TCP-BEHAVIOUR.md.
 */
class TcpFuzzTest extends TcpTestSupport
{
    private static void assertIdle(final TcpConnection c, final int seed)
    {
        if (c == null)
        {
            return;
        }
        final String what = "seed " + seed + " " + c;
        assertTrue(c.state() == TcpState.ESTABLISHED || c.state() == TcpState.CLOSE_WAIT ||
            c.state() == TcpState.FIN_WAIT_2, what);
        assertEquals(c.sndUna(), c.sndNxt(), what);
        assertEquals(Long.MAX_VALUE, c.nextDeadlineNs(), what);
    }

    @Test
    void checklist62_randomSegmentsNeverCrashAndRepliesAreWellFormed()
    {
        final byte[] bytes = new byte[3000];
        final UnsafeBuffer buf = new UnsafeBuffer(bytes);
        final int seeds = System.getenv("TCP_SEEDS") != null ? Integer.parseInt(System.getenv("TCP_SEEDS")) : 20;
        for (int seed = 1; seed <= seeds; seed++)
        {
            final int s0 = seed;
            setUp(c -> c.halfOpenBound = 4 + s0 % 3);
            final SplittableRandom rnd = new SplittableRandom(seed);
            established();
            final List<Long> ids = new ArrayList<>();
            ids.add(id);
            for (int op = 0; op < 20_000; op++)
            {
                final TcpSegment s = in();
                s.remotePort = REMOTE_PORT + rnd.nextInt(4);
                s.localPort = rnd.nextInt(20) == 0 ? rnd.nextInt(3) : LOCAL_PORT;
                final TcpConnection live = ep.find(s.localIp, s.localPort, s.remoteIp, s.remotePort);
                final int rn = live != null ? live.rcvNxt() : REMOTE_SEQ;
                final int sn = live != null ? live.sndNxt() : LOCAL_SEQ;
                s.flags = rnd.nextInt(256);
                s.seq = switch (rnd.nextInt(4))
                {
                    case 0 -> rn;
                    case 1 -> rn + rnd.nextInt(-3000, 3000);
                    case 2 -> rnd.nextInt();
                    default -> rn - 1;
                };
                s.ack = switch (rnd.nextInt(4))
                {
                    case 0 -> sn;
                    case 1 -> sn + rnd.nextInt(-3000, 3000);
                    case 2 -> rnd.nextInt();
                    default -> sn - 1;
                };
                s.window = rnd.nextInt(65536);
                s.urgentPointer = rnd.nextInt(65536);
                if (rnd.nextBoolean())
                {
                    mss(s, rnd.nextInt(65536));
                }
                if (rnd.nextInt(3) == 0)
                {
                    ws(s, rnd.nextInt(256));
                }
                s.options.sackPermitted = rnd.nextInt(3) == 0;
                if (rnd.nextInt(3) == 0)
                {
                    ts(s, rnd.nextInt(), rnd.nextInt());
                }
                if (rnd.nextInt(4) == 0)
                {
                    sack(s, sn - rnd.nextInt(5000), sn + rnd.nextInt(5000), rnd.nextInt(), rnd.nextInt());
                }
                final int len = rnd.nextInt(3) == 0 ? rnd.nextInt(1, 3000) : 0;
                s.payload(buf, 0, len);
                send(s);
                if (rnd.nextInt(5) == 0)
                {
                    advance(rnd.nextLong(2 * SEC));
                }
                if (rnd.nextInt(50) == 0)
                {
                    final long nid = ep.connect(now, LOCAL_IP, REMOTE_IP + 1, 80);
                    if (nid >= 0)
                    {
                        ids.add(nid);
                    }
                }
                if (rnd.nextInt(30) == 0 && !ids.isEmpty())
                {
                    final long victim = ids.get(rnd.nextInt(ids.size()));
                    switch (rnd.nextInt(5))
                    {
                        case 0 -> ep.close(victim);
                        case 1 -> ep.abort(victim);
                        case 2 -> ep.shutdownOutput(victim);
                        case 3 -> ep.write(victim, buf, 0, rnd.nextInt(3000));
                        default -> ep.resumeReading(victim);
                    }
                }
                for (final TcpSegment out : recv())
                {
                    assertTrue(out.localPort > 0 && out.remotePort > 0);
                    assertTrue(out.window >= 0 && out.window <= 65535, out.toString());
                    assertTrue(out.payloadLength >= 0 && out.payloadLength <= 1460, out.toString());
                    assertTrue((out.flags & (TcpSegment.SYN | TcpSegment.FIN)) != (TcpSegment.SYN | TcpSegment.FIN));
                    assertTrue((out.flags & TcpSegment.RST) == 0 || out.payloadLength == 0);
                }
                assertTrue(ep.halfOpenCount() >= 0 && ep.halfOpenCount() <= 6);
            }
            for (int i = 0; i < 500; i++)
            {
                advance(5 * SEC);
                recv();
            }
            // what is left is idle and legitimately open: synchronized, nothing in flight, no timer pending
            for (int p = REMOTE_PORT; p < REMOTE_PORT + 4; p++)
            {
                for (final int lp : new int[] { LOCAL_PORT, 1, 2 })
                {
                    assertIdle(ep.find(LOCAL_IP, lp, REMOTE_IP, p), seed);
                }
            }
            for (final long cid : ids)
            {
                assertIdle(ep.connection(cid), seed);
            }
            assertEquals(0, ep.halfOpenCount());
        }
    }
}
