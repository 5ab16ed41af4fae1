package dev.wirespeed.engine.tcp;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** RFC 6937 arithmetic of {@link Prr} (behaviour 66). */
class PrrTest
{
    private static final int MSS = 1000;

    @Test
    void proportionalWhilePipeIsAboveSsthresh()
    {
        final Prr prr = new Prr();
        prr.start(20 * MSS);
        // ssthresh 10 segments of a flight of 20: half of what is delivered, rounded up (RFC 6937 §3.1)
        prr.onAck(MSS, 15 * MSS, 10 * MSS, MSS);
        assertEquals(MSS / 2, prr.allowance());
        prr.onSent(MSS);
        assertEquals(0, prr.allowance());
        prr.onAck(MSS, 15 * MSS, 10 * MSS, MSS);
        // delivered 2000 → 1000 may have gone in all, and 1000 went already
        assertEquals(0, prr.allowance());
        prr.onAck(2 * MSS, 14 * MSS, 10 * MSS, MSS);
        assertEquals(MSS, prr.allowance());
    }

    @Test
    void slowStartReductionBoundOncePipeIsBelowSsthresh()
    {
        final Prr prr = new Prr();
        prr.start(20 * MSS);
        // a large ACK after heavy loss: pipe 2 segments, ssthresh 10. PRR-SSRB lets out what was delivered and
        // not yet sent, plus one MSS, never more than ssthresh − pipe
        prr.onAck(3 * MSS, 2 * MSS, 10 * MSS, MSS);
        assertEquals(4 * MSS, prr.allowance());
        prr.onSent(4 * MSS);
        prr.onAck(10 * MSS, 1 * MSS, 10 * MSS, MSS);
        assertEquals(9 * MSS, prr.allowance());
    }

    @Test
    void startForgetsTheLastRecovery()
    {
        final Prr prr = new Prr();
        prr.start(10 * MSS);
        prr.onAck(4 * MSS, 2 * MSS, 5 * MSS, MSS);
        prr.start(10 * MSS);
        assertEquals(0, prr.allowance());
        prr.onAck(2 * MSS, 8 * MSS, 5 * MSS, MSS);
        assertEquals(MSS, prr.allowance());
    }
}
