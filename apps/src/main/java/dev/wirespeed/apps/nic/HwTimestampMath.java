package dev.wirespeed.apps.nic;

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
     *
     * @param txNs        the sending port's TX stamp, ns.
     * @param rxNs        the receiving port's RX stamp, ns.
     * @param rxMinusTxNs receiving clock minus sending clock, ns.
     * @return the latency, ns.
     */
    public static long latencyNs(final long txNs, final long rxNs, final long rxMinusTxNs)
    {
        return rxNs - rxMinusTxNs - txNs;
    }

    /**
     * The offset between two clocks from reads {@code a0}, {@code b}, {@code a1} made one after another (a, then b,
     * then a again): {@code b} minus the midpoint of the {@code a} reads. Its uncertainty is half the bracket,
     * {@code (a1 - a0) / 2}.
     *
     * @param a0 clock a, read first, ns.
     * @param b  clock b, read next, ns.
     * @param a1 clock a, read last, ns.
     * @return b minus a, ns.
     */
    public static long offsetNs(final long a0, final long b, final long a1)
    {
        return b - (a0 + (a1 - a0) / 2);
    }

    /**
     * A running map from a device clock's raw ticks to nanoseconds of a reference clock, from (ticks, ns) pairs read
     * one after the other: the frequency is fitted over the whole span since {@link #start} (so it gets better the
     * longer the run), and the map is anchored at the latest pair (so a frequency error costs at most the error times
     * the time since that pair, not since the start). Mutable, allocation-free; one thread.
     */
    public static final class ClockTracker
    {
        /**
         * A tracker with no pair yet: {@link #start} it with the first one.
         */
        ClockTracker()
        {
        }

        private long firstTicks;
        private long firstNs;
        private long lastTicks;
        private long lastNs;
        private double nsPerTick = Double.NaN;

        /**
         * The first pair; the frequency is unknown until {@link #update} with a later one.
         *
         * @param ticks the device clock, raw ticks.
         * @param ns    the reference clock at the same instant, ns.
         */
        public void start(final long ticks, final long ns)
        {
            firstTicks = ticks;
            firstNs = ns;
            lastTicks = ticks;
            lastNs = ns;
            nsPerTick = Double.NaN;
        }

        /**
         * A later pair: refits the frequency from the first pair and moves the anchor here.
         *
         * @param ticks the device clock, raw ticks.
         * @param ns    the reference clock at the same instant, ns.
         * @throws IllegalArgumentException when the device clock did not advance.
         */
        public void update(final long ticks, final long ns)
        {
            if (ticks <= firstTicks || ns <= firstNs)
            {
                throw new IllegalArgumentException("the device clock did not advance (" + firstTicks + " -> " + ticks +
                    " ticks over " + (ns - firstNs) + " ns)");
            }
            nsPerTick = (ns - firstNs) / (double)(ticks - firstTicks);
            lastTicks = ticks;
            lastNs = ns;
        }

        /**
         * Nanoseconds of the reference clock at device time {@code ticks}.
         *
         * @param ticks the device clock, raw ticks.
         * @return ns of the reference clock.
         */
        public long toNs(final long ticks)
        {
            return lastNs + Math.round((ticks - lastTicks) * nsPerTick);
        }

        /**
         * The fitted length of one device tick.
         *
         * @return nanoseconds per tick (NaN before the second pair).
         */
        public double nsPerTick()
        {
            return nsPerTick;
        }

        /**
         * The device clock's frequency in Hz (NaN before the second pair).
         *
         * @return Hz.
         */
        public double hz()
        {
            return 1e9 / nsPerTick;
        }
    }
}
