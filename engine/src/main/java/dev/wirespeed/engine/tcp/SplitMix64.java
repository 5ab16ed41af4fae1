package dev.wirespeed.engine.tcp;

/**
 * SplitMix64 (Steele, Lea, Flood 2014): a tiny, fast, seedable PRNG, the one source of randomness of the engine
 * (the secret keys derived from {@link TcpConfig#seed}), of the runtime's impairment and of the simulation tests.
 * The same seed gives the same sequence on every JVM, which is what deterministic fault injection and simulation
 * need: every stream is derived from a seed, never from the clock nor from shared {@code java.util.Random} state.
 * Not for cryptography. It lives in {@code tcp}, the lowest layer that uses it ({@code runtime} may import
 * {@code tcp}, never the reverse).
 * <p>
 * Not thread safe.
 */
public final class SplitMix64
{
    /** The increment of the state: the odd integer closest to 2^64 / golden ratio. */
    public static final long GOLDEN_GAMMA = 0x9E37_79B9_7F4A_7C15L;
    private static final double DOUBLE_UNIT = 0x1.0p-53;

    private long state;

    /**
     * A generator whose first {@link #nextLong()} is {@code next(seed)}.
     *
     * @param seed any value; equal seeds give equal sequences.
     */
    public SplitMix64(final long seed)
    {
        this.state = seed;
    }

    /**
     * The finaliser (a bijective 64-bit mixer): consecutive inputs give unrelated outputs.
     *
     * @param z0 any value.
     * @return the mixed value.
     */
    public static long mix(final long z0)
    {
        long z = z0;
        z = (z ^ (z >>> 30)) * 0xBF58_476D_1CE4_E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D0_49BB_1331_11EBL;
        return z ^ (z >>> 31);
    }

    /**
     * One step without an instance: what {@code new SplitMix64(state).nextLong()} returns. Chaining
     * {@code r = next(r)} derives a series of keys from one seed.
     *
     * @param state the previous value (or the seed).
     * @return the next value.
     */
    public static long next(final long state)
    {
        return mix(state + GOLDEN_GAMMA);
    }

    /**
     * The next value: advances the state by {@link #GOLDEN_GAMMA} and mixes it.
     *
     * @return uniform over all 2^64 longs.
     */
    public long nextLong()
    {
        state += GOLDEN_GAMMA;
        return mix(state);
    }

    /**
     * Uniform in [0, 2^53).
     *
     * @return the value.
     */
    public long next53()
    {
        return nextLong() >>> 11;
    }

    /**
     * Uniform in [0, 1).
     *
     * @return the value.
     */
    public double nextDouble()
    {
        return next53() * DOUBLE_UNIT;
    }

    /**
     * Uniform in [0, bound), bound &gt; 0 (Lemire's multiply-shift; bias below 2^-32 for small bounds).
     *
     * @param bound the exclusive upper bound, positive.
     * @return the value.
     */
    public int nextInt(final int bound)
    {
        return (int)(((nextLong() >>> 32) * bound) >>> 32);
    }

    /**
     * Uniform in [lo, hi] (modulo bias below 2^-40 for ranges under 2^24).
     *
     * @param lo the least value.
     * @param hi the greatest value, at least {@code lo}.
     * @return the value.
     */
    public long range(final long lo, final long hi)
    {
        return lo + Long.remainderUnsigned(nextLong(), hi - lo + 1);
    }

    /**
     * True with probability {@code p} (never for p &lt;= 0).
     *
     * @param p the probability, 0..1.
     * @return the outcome.
     */
    public boolean chance(final double p)
    {
        return p > 0 && nextDouble() < p;
    }

    /**
     * A threshold for {@link #next53()}: {@code next53() < threshold(p)} is true with probability {@code p}.
     *
     * @param probability 0..1.
     * @return the threshold, 0..2^53.
     */
    public static long threshold(final double probability)
    {
        return (long)(probability * (double)(1L << 53));
    }
}
