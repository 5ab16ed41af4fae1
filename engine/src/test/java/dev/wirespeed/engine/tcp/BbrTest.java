package dev.wirespeed.engine.tcp;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Bbr} driven by synthetic ACK streams (behaviour 68): a fluid path of a fixed bottleneck rate and base RTT,
 * where the flight is the window, ACKs of one MSS each come at min(rate, cwnd / RTT), and the RTT grows with the
 * queue above one BDP.
 */
class BbrTest
{
    private static final int MSS = 1000;
    private static final long MS = 1_000_000L;

    /** The path and the sender's sequence space. */
    private static final class Path
    {
        final Bbr bbr = new Bbr();
        long rateBytesPerSec;
        long baseRttNs;
        long now = 1_000 * MS;
        int una = 1_000_000;

        Path(final long rateBytesPerSec, final long baseRttNs)
        {
            this.rateBytesPerSec = rateBytesPerSec;
            this.baseRttNs = baseRttNs;
            bbr.init(MSS, 10 * MSS);
        }

        long bdp()
        {
            return rateBytesPerSec * baseRttNs / 1_000_000_000L;
        }

        /** {@code count} ACKs of one MSS each; every ACK carries an RTT sample. */
        void acks(final int count)
        {
            for (int i = 0; i < count; i++)
            {
                final int cwnd = bbr.cwnd();
                final double rate = Math.min(rateBytesPerSec, cwnd * 1e9 / baseRttNs);
                now += (long)(MSS * 1e9 / rate);
                una += MSS;
                final long queueNs = Math.max(0, (long)((cwnd - bdp()) * 1e9 / rateBytesPerSec));
                bbr.onDelivered(now, MSS, cwnd, una + cwnd, una, baseRttNs + queueNs, false);
            }
        }
    }

    @Test
    void checklist68_startupEndsWhenTheDeliveryRatePlateaus()
    {
        // 100 Mbit/s, 10 ms: a BDP of 125 kB
        final Path p = new Path(12_500_000, 10 * MS);
        long exitRound = -1;
        for (int i = 0; i < 5_000 && exitRound < 0; i++)
        {
            p.acks(1);
            if (p.bbr.mode() != Bbr.STARTUP)
            {
                exitRound = p.bbr.rounds();
            }
        }
        assertTrue(exitRound > 0, "startup never ended");
        // doubling from 10 segments reaches the 125-segment BDP in about four rounds; three more show the plateau
        assertTrue(exitRound <= 12, "startup lasted " + exitRound + " rounds");
        final long bw = p.bbr.bw();
        assertTrue(bw > 0.9 * p.rateBytesPerSec && bw < 1.1 * p.rateBytesPerSec, "bandwidth estimate " + bw);
        // drain, then probe-bw
        p.acks(2_000);
        assertEquals(Bbr.PROBE_BW, p.bbr.mode());
        assertEquals(10 * MS, p.bbr.minRttNs());
    }

    @Test
    void checklist68_windowFollowsRateTimesMinRtt()
    {
        final Path p = new Path(12_500_000, 10 * MS);
        p.acks(5_000);
        assertEquals(Bbr.PROBE_BW, p.bbr.mode());
        // probe-bw: 2 · BDP (gain cycling 0.75..1.25), plus three 1 ms quanta and the little aggregation of an even
        // ACK stream
        final long quanta = 3 * p.rateBytesPerSec / 1000;
        assertWithin(p, (long)(1.5 * p.bdp()), (long)(2.5 * p.bdp()) + quanta + 4 * MSS);

        // the bottleneck slows to a quarter: within the filter's 10 rounds the window follows
        p.rateBytesPerSec /= 4;
        p.acks(4_000);
        final long bw = p.bbr.bw();
        assertTrue(bw > 0.9 * p.rateBytesPerSec && bw < 1.1 * p.rateBytesPerSec, "bandwidth estimate " + bw);
        final long quantaAfter = 3 * p.rateBytesPerSec / 1000;
        assertWithin(p, (long)(1.5 * p.bdp()), (long)(2.5 * p.bdp()) + quantaAfter + 4 * MSS);
    }

    @Test
    void checklist68_randomLossDoesNotShrinkTheWindow()
    {
        final Path p = new Path(12_500_000, 10 * MS);
        p.acks(5_000);
        final int before = p.bbr.cwnd();
        // a fast retransmit, partial ACKs, a duplicate ACK carrying nothing new, and the end of PRR recovery
        p.bbr.onEnterRecovery(before);
        assertEquals(before, p.bbr.cwnd());
        assertEquals(p.bbr.cwnd(), p.bbr.ssthresh(), "PRR's target is the window itself");
        p.bbr.onPartialAck(MSS);
        p.bbr.onDupAckInRecovery();
        p.bbr.onDelivered(p.now, 0, before, p.una + before, p.una, 0, false);
        p.bbr.onExitPrrRecovery();
        assertEquals(before, p.bbr.cwnd());
        // one ACK in twenty reports nothing delivered (its segment was lost) for many rounds: the estimate holds
        for (int i = 0; i < 2_000; i++)
        {
            if (i % 20 == 0)
            {
                p.bbr.onEnterRecovery(p.bbr.cwnd());
                p.bbr.onDelivered(p.now, 0, p.bbr.cwnd(), p.una + p.bbr.cwnd(), p.una, 0, false);
                p.bbr.onExitPrrRecovery();
            }
            else
            {
                p.acks(1);
            }
        }
        assertTrue(p.bbr.cwnd() >= 1.5 * p.bdp(), "cwnd " + p.bbr.cwnd() + " against a BDP of " + p.bdp());

        // NewReno, for contrast, halves at the same signal
        final NewReno reno = new NewReno();
        reno.init(MSS, before);
        reno.onEnterRecovery(before);
        reno.onExitPrrRecovery();
        assertEquals(before / 2, reno.cwnd());
    }

    @Test
    void checklist68_rtoRestartsAtOneSegmentAndRestoresTheWindow()
    {
        final Path p = new Path(12_500_000, 10 * MS);
        p.acks(5_000);
        final int before = p.bbr.cwnd();
        p.bbr.onRto(before);
        assertEquals(MSS, p.bbr.cwnd());
        p.acks(3_000);
        assertTrue(p.bbr.cwnd() >= 1.5 * p.bdp(), "cwnd " + p.bbr.cwnd());
    }

    @Test
    void checklist68_minRttWindowExpires()
    {
        final Bbr bbr = new Bbr();
        bbr.init(MSS, 10 * MSS);
        long now = 1_000 * MS;
        int una = 0;
        bbr.onDelivered(now, MSS, 0, una + MSS, una += MSS, MS, false);
        assertEquals(MS, bbr.minRttNs());
        // larger samples for 9.9 s: the minimum stays
        for (int i = 0; i < 99; i++)
        {
            now += 100 * MS;
            bbr.onDelivered(now, MSS, 0, una + MSS, una += MSS, 5 * MS, false);
            assertEquals(MS, bbr.minRttNs());
        }
        // past 10 s the old minimum expires and the next sample replaces it
        now += 200 * MS;
        bbr.onDelivered(now, MSS, 0, una + MSS, una += MSS, 5 * MS, false);
        assertEquals(5 * MS, bbr.minRttNs());
        // an ACK without a sample changes nothing
        now += 20_000 * MS;
        bbr.onDelivered(now, MSS, 0, una + MSS, una += MSS, 0, false);
        assertEquals(5 * MS, bbr.minRttNs());
    }

    @Test
    void checklist68_aggregatedAcksWidenTheWindow()
    {
        // a path whose base RTT is tiny (20 µs) but whose ACKs come in bursts of 32 segments every 2 ms: the window
        // must hold a burst's worth beyond rate × min RTT, or the sender stalls between bursts
        final Bbr bbr = new Bbr();
        bbr.init(MSS, 10 * MSS);
        long now = 1_000 * MS;
        int una = 0;
        for (int burst = 0; burst < 400; burst++)
        {
            now += 2 * MS;
            for (int i = 0; i < 32; i++)
            {
                una += MSS;
                bbr.onDelivered(now + i * 1_000, MSS, 32 * MSS, una + 32 * MSS, una, i == 0 ? 20_000 : 0, false);
            }
        }
        assertNotEquals(Bbr.STARTUP, bbr.mode());
        final long bdp = bbr.bw() * 20_000 / 1_000_000_000L;
        assertTrue(bdp < 2 * MSS, "BDP " + bdp);
        assertTrue(bbr.cwnd() >= 30 * MSS, "cwnd " + bbr.cwnd() + " against bursts of 32 segments");
    }

    @Test
    void checklist68_perAckModelAllocatesNothing()
    {
        final com.sun.management.ThreadMXBean mx =
            (com.sun.management.ThreadMXBean)java.lang.management.ManagementFactory.getThreadMXBean();
        final Path p = new Path(12_500_000, 10 * MS);
        // warm up through startup, drain, probe-bw, recovery and an RTO, then measure the same again
        for (int pass = 0; pass < 2; pass++)
        {
            final long before = mx.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 200; i++)
            {
                p.acks(100);
                p.bbr.onEnterRecovery(p.bbr.cwnd());
                p.bbr.onDelivered(p.now, 0, p.bbr.cwnd(), p.una + p.bbr.cwnd(), p.una, 0, false);
                p.bbr.onExitPrrRecovery();
                if (i % 50 == 0)
                {
                    p.bbr.onRto(p.bbr.cwnd());
                }
            }
            final long allocated = mx.getCurrentThreadAllocatedBytes() - before;
            if (pass == 1)
            {
                // the measuring call itself allocates nothing on this JDK; allow nothing else
                assertEquals(0, allocated, "bytes allocated over 20000 ACKs");
            }
        }
    }

    private static void assertWithin(final Path p, final long low, final long high)
    {
        final int cwnd = p.bbr.cwnd();
        assertTrue(cwnd >= low && cwnd <= high,
            "cwnd " + cwnd + " outside [" + low + ", " + high + "], BDP " + p.bdp() + ", bw " + p.bbr.bw());
    }
}
