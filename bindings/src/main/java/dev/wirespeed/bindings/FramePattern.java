package dev.wirespeed.bindings;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * A checkable frame content for self-tests and the demo: frame {@code i} carries its index (8 bytes), its length
 * (4 bytes), then a pseudo-random pattern seeded by the index, so any lost, reordered, truncated or corrupted
 * frame is detected byte for byte.
 */
public final class FramePattern
{
    /** The shortest frame that holds the header (index + length). */
    public static final int MIN_LENGTH = 12;

    private FramePattern()
    {
    }

    /**
     * Writes frame {@code index} of {@code length} bytes at offset 0 of {@code buf}.
     *
     * @param buf    the frame's buffer, at least {@code length} bytes.
     * @param index  the frame's index.
     * @param length the frame length in bytes, at least {@link #MIN_LENGTH}.
     */
    public static void fill(final MutableDirectBuffer buf, final long index, final int length)
    {
        buf.putLong(0, index);
        buf.putInt(8, length);
        long pattern = seed(index);
        int off = MIN_LENGTH;
        for (; off + 8 <= length; off += 8)
        {
            buf.putLong(off, pattern);
            pattern = next(pattern);
        }
        for (; off < length; off++)
        {
            buf.putByte(off, (byte)off);
        }
    }

    /**
     * Checks a frame written by {@link #fill}.
     *
     * @param buf    the received frame, from offset 0.
     * @param index  the expected index.
     * @param length the expected length in bytes.
     * @return -1 if {@code buf[0, length)} is frame {@code index} of that length, else the first differing byte
     *         offset (0 for a wrong index, 8 for a wrong length).
     */
    public static int firstMismatch(final DirectBuffer buf, final long index, final int length)
    {
        if (buf.getLong(0) != index)
        {
            return 0;
        }
        if (buf.getInt(8) != length)
        {
            return 8;
        }
        long pattern = seed(index);
        int off = MIN_LENGTH;
        for (; off + 8 <= length; off += 8)
        {
            if (buf.getLong(off) != pattern)
            {
                return off;
            }
            pattern = next(pattern);
        }
        for (; off < length; off++)
        {
            if (buf.getByte(off) != (byte)off)
            {
                return off;
            }
        }
        return -1;
    }

    private static long seed(final long x)
    {
        long z = x + 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        return z ^ (z >>> 31);
    }

    private static long next(final long pattern)
    {
        return pattern * 6364136223846793005L + 1442695040888963407L;
    }
}
