package dev.wirespeed.apps.nic;

import java.util.Locale;

import dev.wirespeed.bindings.Tsc;

/**
 * The clock that stamps and paces test frames, in nanoseconds: the CPU's TSC through {@code rte_rdtsc} (scaled by
 * {@code rte_get_tsc_hz}) or {@code System.nanoTime()}. Both read one counter that every core shares (the TSC is
 * invariant on the CPUs DPDK supports), so a stamp written on one thread can be compared with a read on another.
 * {@link #calibrate()} measures what a report must state: the resolution (smallest step two reads can see) and the
 * cost of one read.
 */
public abstract class PacketClock
{
    /** Where calibration reads go, so that the JIT cannot drop them. */
    private static volatile long sink;

    private PacketClock()
    {
    }

    /**
     * Current time in nanoseconds (arbitrary origin).
     *
     * @return nanoseconds.
     */
    public abstract long nowNs();

    /**
     * "TSC (rte_rdtsc, 2.4 GHz)" or "System.nanoTime".
     *
     * @return the description.
     */
    public abstract String source();

    /**
     * The TSC clock; needs a running EAL.
     *
     * @return the clock.
     */
    public static PacketClock tsc()
    {
        return new TscClock(Tsc.hz());
    }

    /**
     * The {@link System#nanoTime()} clock.
     *
     * @return the clock.
     */
    public static PacketClock nanoTime()
    {
        return new NanoClock();
    }

    /**
     * Parses {@code --clock tsc|nanotime}.
     *
     * @param name {@code tsc} or {@code nanotime}, either case.
     * @return the clock.
     */
    public static PacketClock of(final String name)
    {
        return switch (name.toLowerCase(Locale.ROOT))
        {
            case "tsc" -> tsc();
            case "nanotime" -> nanoTime();
            default -> throw new IllegalArgumentException("--clock must be tsc or nanotime, not '" + name + "'");
        };
    }

    /**
     * What the clock can resolve and what a read costs, measured now on this thread.
     *
     * @param source       the clock's {@link #source()}.
     * @param resolutionNs the smallest step seen, ns.
     * @param overheadNs   the mean cost of a read, ns.
     */
    public record Calibration(String source, double resolutionNs, double overheadNs)
    {
        /**
         * The calibration in one line.
         *
         * @return e.g. {@code "System.nanoTime, resolution 20.0 ns, 18.3 ns per read"}.
         */
        public String describe()
        {
            return String.format(Locale.ROOT, "%s, resolution %.1f ns, %.1f ns per read", source, resolutionNs,
                overheadNs);
        }
    }

    /**
     * Resolution: the smallest non-zero difference between back-to-back reads (over 200 000 pairs). Overhead: the
     * mean time of a read over 2 000 000 reads (after 200 000 warm-up reads).
     *
     * @return the calibration.
     */
    public Calibration calibrate()
    {
        long sum = 0;
        for (int i = 0; i < 200_000; i++)
        {
            sum += nowNs();
        }
        long minStep = Long.MAX_VALUE;
        for (int i = 0; i < 200_000; i++)
        {
            final long a = nowNs();
            final long b = nowNs();
            final long d = b - a;
            if (d > 0 && d < minStep)
            {
                minStep = d;
            }
        }
        final int reads = 2_000_000;
        final long t0 = System.nanoTime();
        for (int i = 0; i < reads; i++)
        {
            sum += nowNs();
        }
        final long t1 = System.nanoTime();
        sink = sum;
        final double resolution = minStep == Long.MAX_VALUE ? Double.NaN : minStep;
        return new Calibration(source(), resolution, (t1 - t0) / (double)reads);
    }

    private static final class TscClock extends PacketClock
    {
        private final double nsPerTick;
        private final long hz;
        private final long base = Tsc.read();

        TscClock(final long hz)
        {
            this.hz = hz;
            this.nsPerTick = 1e9 / hz;
        }

        public long nowNs()
        {
            // from a recent base, so the double keeps every tick for decades of uptime
            return (long)((Tsc.read() - base) * nsPerTick);
        }

        public String source()
        {
            return String.format(Locale.ROOT, "TSC (rte_rdtsc, %.3f GHz)", hz / 1e9);
        }
    }

    private static final class NanoClock extends PacketClock
    {
        public long nowNs()
        {
            return System.nanoTime();
        }

        public String source()
        {
            return "System.nanoTime";
        }
    }
}
