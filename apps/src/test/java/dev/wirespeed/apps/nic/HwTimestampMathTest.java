package dev.wirespeed.apps.nic;

import dev.wirespeed.bindings.EthPort;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The hardware timestamp arithmetic on its own (no device here has hardware timestamps). */
class HwTimestampMathTest
{
    @Test
    void timespecIsSecondsTimesABillionPlusNanoseconds()
    {
        assertEquals(1_700_000_000_123_456_789L, EthPort.timespecNanos(1_700_000_000L, 123_456_789L));
        assertEquals(999_999_999L, EthPort.timespecNanos(0, 999_999_999L));
    }

    @Test
    void latencyIsReceiveMinusTransmitInTheSendersClock()
    {
        assertEquals(1_500, HwTimestampMath.latencyNs(10_000, 11_500, 0));
        // the receiving clock runs 2 000 ns ahead of the sending one: the same frame reads 2 000 ns later there
        assertEquals(1_500, HwTimestampMath.latencyNs(10_000, 13_500, 2_000));
        // ... or behind
        assertEquals(1_500, HwTimestampMath.latencyNs(10_000, 9_500, -2_000));
    }

    @Test
    void offsetIsTheOtherClockMinusTheMidpointOfTheBracket()
    {
        // a read 1 000 and 1 400: midpoint 1 200; b read 5 200 -> b is 4 000 ahead
        assertEquals(4_000, HwTimestampMath.offsetNs(1_000, 5_200, 1_400));
        assertEquals(-200, HwTimestampMath.offsetNs(1_000, 1_000, 1_400));
    }

    @Test
    void clockTrackerFitsTheFrequencyOverTheWholeSpanAndAnchorsAtTheLatestPair()
    {
        // a 156.25 MHz device clock (6.4 ns per tick) against a ns clock, 100 ms apart
        final HwTimestampMath.ClockTracker c = new HwTimestampMath.ClockTracker();
        c.start(1_000_000, 5_000_000_000L);
        assertTrue(Double.isNaN(c.hz()));
        c.update(1_000_000 + 15_625_000, 5_100_000_000L);
        assertEquals(6.4, c.nsPerTick(), 1e-12);
        assertEquals(156.25e6, c.hz(), 1e-3);
        assertEquals(5_100_000_000L, c.toNs(16_625_000));
        assertEquals(5_100_000_064L, c.toNs(16_625_010));
        assertEquals(5_000_000_000L, c.toNs(1_000_000));
        // one second later the reference clock read 50 ns late (read jitter): the fit over 1.1 s moves little,
        // and the map passes through the new anchor
        c.update(1_000_000 + 171_875_000, 6_100_000_050L);
        assertEquals(1_100_000_050 / 171_875_000.0, c.nsPerTick(), 1e-15);
        assertEquals(6_100_000_050L, c.toNs(172_875_000));
        assertEquals(6_100_000_050L + Math.round(1000 * c.nsPerTick()), c.toNs(172_876_000));
    }

    @Test
    void aClockThatDoesNotAdvanceIsRefused()
    {
        final HwTimestampMath.ClockTracker c = new HwTimestampMath.ClockTracker();
        c.start(5, 100);
        assertThrows(IllegalArgumentException.class, () -> c.update(5, 200));
    }
}
