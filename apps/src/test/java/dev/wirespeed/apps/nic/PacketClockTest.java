package dev.wirespeed.apps.nic;

import dev.wirespeed.bindings.Eal;
import dev.wirespeed.bindings.EalOptions;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Both clocks tick in nanoseconds together, and the calibration a report states is plausible. */
class PacketClockTest
{
    @Test
    void tscAndNanoTimeAgreeAndCalibrationIsPlausible() throws InterruptedException
    {
        if (Eal.current() == null)
        {
            Eal.init(new EalOptions().announceFallback(false));
        }
        final PacketClock tsc = PacketClock.tsc();
        final PacketClock nano = PacketClock.nanoTime();
        final long t0 = tsc.nowNs();
        final long n0 = nano.nowNs();
        Thread.sleep(200);
        final long dt = tsc.nowNs() - t0;
        final long dn = nano.nowNs() - n0;
        assertTrue(Math.abs(dt - dn) < dn / 100 + 1_000_000, "TSC " + dt + " ns vs nanoTime " + dn + " ns over a 200 ms sleep");
        for (final PacketClock c : new PacketClock[] {tsc, nano})
        {
            final PacketClock.Calibration cal = c.calibrate();
            assertTrue(cal.resolutionNs() > 0 && cal.resolutionNs() < 1_000, cal.describe());
            assertTrue(cal.overheadNs() > 0 && cal.overheadNs() < 10_000, cal.describe());
            assertTrue(cal.describe().startsWith(c == tsc ? "TSC (rte_rdtsc, " : "System.nanoTime"), cal.describe());
        }
    }
}
