package dev.wirespeed.engine.tcp;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A byte ring of {@code mask + 1} bytes (a power of two), indexed by a 32-bit position (a sequence number or a
 * send offset), whose memory is {@link ChunkPool} chunks attached one at a time as bytes arrive and released as
 * soon as no live byte is left in them. A connection holds one only while it has bytes queued or unread; both the
 * ring and its chunks are pooled by the endpoint.
 * <p>
 * Not thread safe.
 */
final class ChunkRing
{
    private static final int NONE = -1;

    private final int[] ids;
    private int held;
    /** Lent as a send ring (its chunks count against the send share of the budget) or a receive ring. */
    private boolean send;

    ChunkRing(final int chunks)
    {
        ids = new int[chunks];
        java.util.Arrays.fill(ids, NONE);
    }

    /** True when the byte at {@code pos} has a chunk. */
    boolean holds(final int mask, final int chunkShift, final int pos)
    {
        return ids[(pos & mask) >>> chunkShift] != NONE;
    }

    /** Chunks attached now. */
    int held()
    {
        return held;
    }

    /**
     * Attach chunks for [pos, pos + len) where missing, taken for {@code use} ({@link ChunkPool#SEND},
     * {@link ChunkPool#IN_ORDER} or {@link ChunkPool#OUT_OF_ORDER}) within that use's share. Returns how many bytes
     * from {@code pos} have memory now: {@code len}, or fewer when the pool ran out (the bytes up to the first chunk
     * it could not give).
     */
    int ensure(final ChunkPool pool, final int mask, final int pos, final int len, final int use)
    {
        send = use == ChunkPool.SEND;
        int covered = 0;
        while (covered < len)
        {
            final int p = pos + covered;
            final int idx = (p & mask) >>> pool.chunkShift;
            if (ids[idx] == NONE)
            {
                final int id = pool.acquire(use);
                if (id < 0)
                {
                    break;
                }
                ids[idx] = id;
                held++;
            }
            covered += pool.chunkSize - (p & pool.chunkMask);
        }
        return Math.min(covered, len);
    }

    /** Copy {@code len} bytes in at {@code pos}; {@link #ensure} must have covered them. */
    void put(
        final ChunkPool pool, final int mask, final int pos, final DirectBuffer src, final int off, final int len)
    {
        int p = pos;
        int o = off;
        int remaining = len;
        while (remaining > 0)
        {
            final int in = p & pool.chunkMask;
            final int n = Math.min(remaining, pool.chunkSize - in);
            final int id = ids[(p & mask) >>> pool.chunkShift];
            src.getBytes(o, pool.buffer(id), pool.offset(id) + in, n);
            p += n;
            o += n;
            remaining -= n;
        }
    }

    /** Copy {@code len} bytes out from {@code pos}. */
    void get(
        final ChunkPool pool, final int mask, final int pos, final MutableDirectBuffer dst, final int dstOff,
        final int len)
    {
        int p = pos;
        int o = dstOff;
        int remaining = len;
        while (remaining > 0)
        {
            final int in = p & pool.chunkMask;
            final int n = Math.min(remaining, pool.chunkSize - in);
            final int id = ids[(p & mask) >>> pool.chunkShift];
            dst.putBytes(o, pool.buffer(id), pool.offset(id) + in, n);
            p += n;
            o += n;
            remaining -= n;
        }
    }

    /** The memory holding the byte at {@code pos} (contiguous up to the end of its chunk). */
    UnsafeBuffer bufferAt(final ChunkPool pool, final int mask, final int pos)
    {
        return pool.buffer(ids[(pos & mask) >>> pool.chunkShift]);
    }

    /** The offset of the byte at {@code pos} in {@link #bufferAt}. */
    int offsetAt(final ChunkPool pool, final int mask, final int pos)
    {
        return pool.offset(ids[(pos & mask) >>> pool.chunkShift]) + (pos & pool.chunkMask);
    }

    /**
     * Bytes [from, to) are consumed (acknowledged or read): release each chunk they touched that holds no byte of
     * the live span [to, to + liveLen).
     */
    void releaseConsumed(final ChunkPool pool, final int mask, final int from, final int to, final int liveLen)
    {
        if (liveLen <= 0)
        {
            releaseAll(pool);
            return;
        }
        final int shift = pool.chunkShift;
        final int chunks = (mask + 1) >>> shift;
        final int liveFirst = (to & mask) >>> shift;
        final long liveSpan = Math.min(chunks, ((long)(to & pool.chunkMask) + liveLen + pool.chunkMask) >>> shift);
        final long touched = Math.min(chunks, ((long)(from & pool.chunkMask) + (to - from) + pool.chunkMask) >>> shift);
        final int first = (from & mask) >>> shift;
        for (int j = 0; j < touched; j++)
        {
            final int k = (first + j) & (chunks - 1);
            if (((k - liveFirst) & (chunks - 1)) >= liveSpan && ids[k] != NONE)
            {
                pool.release(ids[k], send);
                ids[k] = NONE;
                held--;
            }
        }
    }

    void releaseAll(final ChunkPool pool)
    {
        for (int k = 0; k < ids.length && held > 0; k++)
        {
            if (ids[k] != NONE)
            {
                pool.release(ids[k], send);
                ids[k] = NONE;
                held--;
            }
        }
    }
}
