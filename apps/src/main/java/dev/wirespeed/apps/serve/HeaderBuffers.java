package dev.wirespeed.apps.serve;

import org.agrona.concurrent.UnsafeBuffer;

/**
 * A bounded pool of {@value Services#MAX_HEADER}-byte header buffers. An HTTP connection borrows one only while a
 * request head is incomplete and gives it back as soon as the head is parsed, times out or the connection closes,
 * so idle keep-alive connections hold none. At most {@code maxSpare} returned buffers are kept for reuse; the
 * rest go to the garbage collector, so a burst of slow clients does not pin its memory forever.
 * Not thread safe.
 */
final class HeaderBuffers
{
    private final UnsafeBuffer[] spare;
    private int spareCount;
    private int lent;
    private long created;

    HeaderBuffers(final int maxSpare)
    {
        spare = new UnsafeBuffer[maxSpare];
    }

    UnsafeBuffer borrow()
    {
        lent++;
        if (spareCount > 0)
        {
            final UnsafeBuffer b = spare[--spareCount];
            spare[spareCount] = null;
            return b;
        }
        created++;
        return new UnsafeBuffer(new byte[Services.MAX_HEADER]);
    }

    void giveBack(final UnsafeBuffer buffer)
    {
        lent--;
        if (spareCount < spare.length)
        {
            spare[spareCount++] = buffer;
        }
    }

    /** Buffers held by connections now. */
    int lent()
    {
        return lent;
    }

    /** Buffers kept for reuse now (at most the bound given at construction). */
    int spare()
    {
        return spareCount;
    }

    /** Buffers ever allocated. */
    long created()
    {
        return created;
    }
}
