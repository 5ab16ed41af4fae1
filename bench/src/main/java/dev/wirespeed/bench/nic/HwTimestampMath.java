package dev.wirespeed.bench.nic;

/**
 * The arithmetic of hardware timestamps, apart from any device so that it is tested on its own: latency from a
 * NIC's transmit and receive stamps (two ports: corrected by the offset between their clocks), that offset from a
 * bracketed read, and a linear map from a device clock's raw ticks (the RX timestamp offload) to the software
 * clock's nanoseconds.
 */
public final class HwTimestampMath
{
    private HwTimestampMath()
    {
    }

    /**
     * One frame's latency from hardware stamps: {@code rxNs - txNs}, with the receiving port's clock brought into
     * the sending port's ({@code rxMinusTxNs} = receiving clock minus sending clock at the same instant; 0 on one
     * port or one shared clock).
     */
    public static long latencyNs(final long txNs, final long rxNs, final long rxMinusTxNs)
    {
        return rxNs - rxMinusTxNs - txNs;
    }

    /**
     * The offset between two clocks from reads {@code a0}, {@code b}, {@code a1} made one after another (a, then b,
     * then a again): {@code b} minus the midpoint of the {@code a} reads. Its uncertainty is half the bracket,
     * {@code (a1 - a0) / 2}.
     */
    public static long offsetNs(final long a0, final long b, final long a1)
    {
        return b - (a0 + (a1 - a0) / 2);
    }

    /**
     * A linear map from device ticks to nanoseconds of a reference clock, fitted from two (ticks, ns) pairs read at
     * the start and end of a calibration interval: {@code ns = ns0 + (ticks - ticks0) * nsPerTick}.
     */
    public record TickMap(long ticks0, long ns0, double nsPerTick)
    {
        public static TickMap fit(final long ticks0, final long ns0, final long ticks1, final long ns1)
        {
            if (ticks1 <= ticks0 || ns1 <= ns0)
            {
                throw new IllegalArgumentException("the device clock did not advance (" + ticks0 + " -> " + ticks1 +
                    " ticks over " + (ns1 - ns0) + " ns)");
            }
            return new TickMap(ticks0, ns0, (ns1 - ns0) / (double)(ticks1 - ticks0));
        }

        public long toNs(final long ticks)
        {
            return ns0 + Math.round((ticks - ticks0) * nsPerTick);
        }

        /** The device clock's frequency in Hz. */
        public double hz()
        {
            return 1e9 / nsPerTick;
        }
    }
}
