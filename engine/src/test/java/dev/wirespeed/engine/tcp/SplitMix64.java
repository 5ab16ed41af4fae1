package dev.wirespeed.engine.tcp;

/**
 * SplitMix64 (Steele, Lea, Flood 2014): the simulation's only source of randomness. Every stream is a value
 * derived from the seed, never the clock nor shared {@code java.util.Random} state, so a seed replays exactly.
 * <p>
 * Not thread safe.
 */
final class SplitMix64
{
    private long state;

    SplitMix64(final long seed)
    {
        state = seed;
    }

    static long mix(final long z0)
    {
        long z = z0;
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    long nextLong()
    {
        state += 0x9e3779b97f4a7c15L;
        return mix(state);
    }

    /** Uniform in [0, bound), bound > 0. */
    int nextInt(final int bound)
    {
        return (int)(((nextLong() >>> 33) * bound) >>> 31);
    }

    /** Uniform in [lo, hi]. */
    long range(final long lo, final long hi)
    {
        return lo + Long.remainderUnsigned(nextLong(), hi - lo + 1);
    }

    double nextDouble()
    {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    boolean chance(final double p)
    {
        return p > 0 && nextDouble() < p;
    }

    /** Byte {@code pos} of the stream named {@code key}: the sent data is never stored, only regenerated. */
    static byte patternByte(final long key, final long pos)
    {
        return (byte)(mix(key + (pos >>> 3) * 0x9e3779b97f4a7c15L) >>> ((pos & 7) << 3));
    }
}
