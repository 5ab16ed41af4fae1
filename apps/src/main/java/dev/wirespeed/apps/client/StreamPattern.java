package dev.wirespeed.apps.client;

/**
 * The bytes a client connection sends: a seeded pseudo-random stream that can be produced from any offset, so the
 * sender never stores what it sent and an echo can be checked byte for byte without a copy. Byte {@code k} of
 * stream {@code s} is byte {@code k & 7} (little-endian) of the SplitMix64 finaliser of
 * {@code seed + s·Γ' + (k >>> 3)·Γ}: every 8-byte word is independent, so a fill starts anywhere.
 * <p>
 * Not thread safe (no state is mutated, but the scratch arrays passed in are the caller's).
 */
public final class StreamPattern
{
    private static final long GOLDEN_GAMMA = 0x9E37_79B9_7F4A_7C15L;
    private static final long STREAM_GAMMA = 0xD1B5_4A32_D192_ED03L;

    private final long seed;

    /**
     * The patterns of one seed: equal seeds give equal streams.
     *
     * @param seed any value.
     */
    public StreamPattern(final long seed)
    {
        this.seed = seed;
    }

    /**
     * Writes bytes {@code [offset, offset + length)} of {@code stream} into {@code dst} from {@code dstOffset}.
     *
     * @param stream    the stream (connection) number.
     * @param offset    byte offset in the stream of the first byte.
     * @param dst       receives the bytes.
     * @param dstOffset of the first byte in {@code dst}.
     * @param length    bytes to write.
     */
    public void fill(final int stream, final long offset, final byte[] dst, final int dstOffset, final int length)
    {
        final long base = seed + stream * STREAM_GAMMA;
        long k = offset;
        int i = dstOffset;
        final int end = dstOffset + length;
        // head: up to the next word boundary
        while (i < end && (k & 7) != 0)
        {
            dst[i++] = byteAt(base, k++);
        }
        // whole words
        while (end - i >= 8)
        {
            long w = mix(base + (k >>> 3) * GOLDEN_GAMMA);
            for (int b = 0; b < 8; b++)
            {
                dst[i++] = (byte)w;
                w >>>= 8;
            }
            k += 8;
        }
        while (i < end)
        {
            dst[i++] = byteAt(base, k++);
        }
    }

    /**
     * Byte {@code offset} of {@code stream}.
     *
     * @param stream the stream (connection) number.
     * @param offset byte offset in the stream.
     * @return the byte.
     */
    public byte byteAt(final int stream, final long offset)
    {
        return byteAt(seed + stream * STREAM_GAMMA, offset);
    }

    private static byte byteAt(final long base, final long k)
    {
        return (byte)(mix(base + (k >>> 3) * GOLDEN_GAMMA) >>> ((k & 7) << 3));
    }

    private static long mix(final long x)
    {
        long z = x;
        z = (z ^ (z >>> 30)) * 0xBF58_476D_1CE4_E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D0_49BB_1331_11EBL;
        return z ^ (z >>> 31);
    }
}
