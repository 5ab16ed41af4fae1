package dev.wirespeed.bench.e2e;

import java.nio.ByteBuffer;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Byte patterns the benchmarks send, so that every receiver can check what it got without keeping a copy:
 * <ul>
 *   <li>a message (request or echoed response) numbered {@code seq}: byte {@code i} is {@code seq * 31 + i * 7};</li>
 *   <li>a bulk stream: the byte at stream offset {@code k} is {@code k mod 251} (a prime, so it never lines up
 *       with segment, chunk or buffer sizes). {@link #BULK_SOURCE} holds that pattern long enough that a chunk of
 *       {@link #BULK_CHUNK} bytes can start at any offset mod 251.</li>
 * </ul>
 */
final class Payload
{
    static final int BULK_PERIOD = 251;
    static final int BULK_CHUNK = 64 * 1024;
    static final UnsafeBuffer BULK_SOURCE = bulkSource();

    private Payload()
    {
    }

    static byte messageByte(final long seq, final int i)
    {
        return (byte)(seq * 31 + i * 7);
    }

    static void fillMessage(final MutableDirectBuffer buffer, final int size, final long seq)
    {
        for (int i = 0; i < size; i++)
        {
            buffer.putByte(i, messageByte(seq, i));
        }
    }

    static void fillMessage(final ByteBuffer buffer, final int size, final long seq)
    {
        for (int i = 0; i < size; i++)
        {
            buffer.put(i, messageByte(seq, i));
        }
    }

    /** Bytes [offset, offset + length) of {@code buffer} against message {@code seq} from its byte {@code start}. */
    static boolean messageMatches(final DirectBuffer buffer, final int offset, final int length, final long seq,
        final int start)
    {
        for (int i = 0; i < length; i++)
        {
            if (buffer.getByte(offset + i) != messageByte(seq, start + i))
            {
                return false;
            }
        }
        return true;
    }

    static boolean messageMatches(final ByteBuffer buffer, final int length, final long seq)
    {
        for (int i = 0; i < length; i++)
        {
            if (buffer.get(i) != messageByte(seq, i))
            {
                return false;
            }
        }
        return true;
    }

    /** Offset into {@link #BULK_SOURCE} where the stream byte at {@code streamOffset} starts. */
    static int bulkSourceOffset(final long streamOffset)
    {
        return (int)(streamOffset % BULK_PERIOD);
    }

    /** Bytes [offset, offset + length) of {@code buffer} against the bulk stream from {@code streamOffset}. */
    static boolean bulkMatches(final DirectBuffer buffer, final int offset, final int length, final long streamOffset)
    {
        int expected = bulkSourceOffset(streamOffset);
        for (int i = 0; i < length; i++)
        {
            if (buffer.getByte(offset + i) != (byte)expected)
            {
                return false;
            }
            if (++expected == BULK_PERIOD)
            {
                expected = 0;
            }
        }
        return true;
    }

    static boolean bulkMatches(final ByteBuffer buffer, final int length, final long streamOffset)
    {
        int expected = bulkSourceOffset(streamOffset);
        for (int i = 0; i < length; i++)
        {
            if (buffer.get(i) != (byte)expected)
            {
                return false;
            }
            if (++expected == BULK_PERIOD)
            {
                expected = 0;
            }
        }
        return true;
    }

    private static UnsafeBuffer bulkSource()
    {
        final byte[] b = new byte[BULK_PERIOD + BULK_CHUNK];
        for (int i = 0; i < b.length; i++)
        {
            b[i] = (byte)(i % BULK_PERIOD);
        }
        return new UnsafeBuffer(b);
    }
}
