package dev.wirespeed.bench.nic;

import dev.wirespeed.bindings.EthPort;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
    void tickMapFitsFrequencyAndMapsTicksToNanoseconds()
    {
        // a 156.25 MHz device clock (6.4 ns per tick) against a ns clock, 100 ms apart
        final HwTimestampMath.TickMap m = HwTimestampMath.TickMap.fit(1_000_000, 5_000_000_000L,
            1_000_000 + 15_625_000, 5_100_000_000L);
        assertEquals(6.4, m.nsPerTick(), 1e-12);
        assertEquals(156.25e6, m.hz(), 1e-3);
        assertEquals(5_000_000_000L, m.toNs(1_000_000));
        assertEquals(5_000_000_064L, m.toNs(1_000_010));
        assertEquals(4_999_999_936L, m.toNs(999_990));
    }

    @Test
    void aClockThatDoesNotAdvanceIsRefused()
    {
        assertThrows(IllegalArgumentException.class, () -> HwTimestampMath.TickMap.fit(5, 100, 5, 200));
    }
}
