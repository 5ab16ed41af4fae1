package dev.wirespeed.engine.runtime;

/**
 * SplitMix64 (Steele, Lea, Flood 2014): a tiny, fast, seedable PRNG. The same seed gives the same sequence on
 * every JVM, which is what deterministic fault injection and simulation need. Not for cryptography.
 * <p>
 * Not thread safe.
 */
public final class SplitMix64
{
    private static final long GOLDEN_GAMMA = 0x9E37_79B9_7F4A_7C15L;
    private static final double DOUBLE_UNIT = 0x1.0p-53;

    private long state;

    public SplitMix64(final long seed)
    {
        this.state = seed;
    }

    public long nextLong()
    {
        long z = (state += GOLDEN_GAMMA);
        z = (z ^ (z >>> 30)) * 0xBF58_476D_1CE4_E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D0_49BB_1331_11EBL;
        return z ^ (z >>> 31);
    }

    /** Uniform in [0, 2^53). */
    public long next53()
    {
        return nextLong() >>> 11;
    }

    /** Uniform in [0, 1). */
    public double nextDouble()
    {
        return next53() * DOUBLE_UNIT;
    }

    /** Uniform in [0, bound), bound &gt; 0 (Lemire's multiply-shift; bias below 2^-32 for small bounds). */
    public int nextInt(final int bound)
    {
        return (int)(((nextLong() >>> 32) * bound) >>> 32);
    }

    /** A threshold for {@link #next53()}: {@code next53() < threshold(p)} is true with probability {@code p}. */
    public static long threshold(final double probability)
    {
        return (long)(probability * (double)(1L << 53));
    }
}
