package dev.wirespeed.engine.tcp;

import org.agrona.concurrent.UnsafeBuffer;

/**
 * The endpoint's (shard's) buffer memory: fixed-size chunks that hold every connection's queued send bytes and
 * unread or out-of-order received bytes, bounded by {@link TcpConfig#bufferBudgetBytes}. A connection borrows a
 * {@link ChunkRing} and its chunks only while it has bytes queued or unread, and gives them back as soon as it has
 * none, so an idle connection holds no buffer at all.
 * <p>
 * Chunks are carved from on-heap slabs of {@link #SLAB_CHUNKS} chunks, created on first need up to the budget and
 * kept afterwards (a steady state allocates nothing). A chunk is named by an int id: slab {@code id >>> 6}, offset
 * {@code (id & 63) * chunkSize}. When the budget is used up {@link #acquire} returns -1: callers treat that as flow
 * control (a smaller receive window, a partly accepted write), never as an error.
 * <p>
 * Received bytes are copied into chunks rather than kept in their mbufs (zero-copy) until read. Keeping mbufs would
 * save one copy only when the application does not consume a segment at once (the common case, an application
 * that reads, is already delivered straight from the mbuf); but an mbuf costs about 2 KiB of the NIC's RX pool
 * whatever the segment's size, so a slow reader holding tiny segments could drain the RX pool that every
 * connection of the port shares (Linux meets the same problem with skb truesize and collapses queues); it would
 * make the tcp layer own mbuf lifetimes (the runtime recycles them after each burst today); and out-of-order bytes
 * would still need their own bookkeeping. Copying into chunks bounds memory by bytes, keeps the layers apart and
 * costs one memcpy of data that was not read at once, so that is what is implemented.
 * <p>
 * Not thread safe: one per endpoint.
 */
final class ChunkPool
{
    static final int SLAB_SHIFT = 6;
    static final int SLAB_CHUNKS = 1 << SLAB_SHIFT;
    /** What a chunk is taken for ({@link #acquire(int)}): queued send bytes. */
    static final int SEND = 0;
    /** Received bytes at RCV.NXT (in order): they may take the {@link #reserve} too. */
    static final int IN_ORDER = 1;
    /** Received bytes beyond a hole (out of order): they may not take the {@link #reserve}. */
    static final int OUT_OF_ORDER = 2;

    final int chunkSize;
    final int chunkShift;
    final int chunkMask;
    private final int maxChunks;
    /** Most chunks either direction may hold: three quarters of the budget (see {@link #availableForWrite}). */
    private final int directionLimit;
    /**
     * Chunks only in-order received bytes may take: enough for one full-sized segment at RCV.NXT wherever it starts
     * in a chunk, carved out of the budget (at most a quarter of it). Queued send bytes and out-of-order bytes wait
     * on the network to be freed; if they could take every chunk, the segment that fills a hole would find none,
     * every window would close and nothing would drain (the deadlock the small-budget simulation found with
     * {@code -Dsim.cc=bbr}). In-order bytes wait only on the application, which frees them by reading.
     */
    private final int reserve;
    private int sendInUse;
    private final int ringChunks;
    private UnsafeBuffer[] slabs = new UnsafeBuffer[4];
    private int slabCount;
    private int[] free = new int[SLAB_CHUNKS];
    private int freeCount;
    private int created;
    private int inUse;
    private final FreeStack<ChunkRing> freeRings = new FreeStack<>();
    private int ringsOut;

    /**
     * @param chunkSize  bytes per chunk, a power of two.
     * @param budgetBytes most bytes of chunks ever created.
     * @param ringChunks chunks of the largest ring a connection borrows.
     * @param segmentBytes the largest segment we accept (the bytes the {@link #reserve} must hold).
     */
    ChunkPool(final int chunkSize, final long budgetBytes, final int ringChunks, final int segmentBytes)
    {
        if (Integer.bitCount(chunkSize) != 1)
        {
            throw new IllegalArgumentException("chunk size must be a power of two: " + chunkSize);
        }
        this.chunkSize = chunkSize;
        this.chunkShift = Integer.numberOfTrailingZeros(chunkSize);
        this.chunkMask = chunkSize - 1;
        this.maxChunks = (int)Math.min(Integer.MAX_VALUE - SLAB_CHUNKS, Math.max(0, budgetBytes) / chunkSize);
        this.ringChunks = ringChunks;
        this.directionLimit = maxChunks - maxChunks / 4;
        // the most chunks segmentBytes can touch, starting anywhere in a chunk
        final long touched = ((long)Math.max(1, segmentBytes) + 2L * chunkSize - 2) / chunkSize;
        this.reserve = (int)Math.min(touched, maxChunks / 4);
    }

    /** A free chunk's id, or -1 when the budget is used up. */
    int acquire()
    {
        if (freeCount == 0 && !grow())
        {
            return -1;
        }
        inUse++;
        return free[--freeCount];
    }

    void release(final int id)
    {
        inUse--;
        free[freeCount++] = id;
    }

    private boolean grow()
    {
        if (created >= maxChunks)
        {
            return false;
        }
        final int n = Math.min(SLAB_CHUNKS, maxChunks - created);
        if (slabCount == slabs.length)
        {
            slabs = java.util.Arrays.copyOf(slabs, slabCount * 2);
        }
        slabs[slabCount] = new UnsafeBuffer(new byte[n << chunkShift]);
        final int base = slabCount << SLAB_SHIFT;
        slabCount++;
        if (free.length < created + n)
        {
            free = java.util.Arrays.copyOf(free, Math.max(free.length * 2, created + n));
        }
        for (int i = n - 1; i >= 0; i--)
        {
            free[freeCount++] = base + i;
        }
        created += n;
        return true;
    }

    UnsafeBuffer buffer(final int id)
    {
        return slabs[id >>> SLAB_SHIFT];
    }

    int offset(final int id)
    {
        return (id & (SLAB_CHUNKS - 1)) << chunkShift;
    }

    /** Chunks that can still be handed out (free now or not yet created within the budget). */
    int available()
    {
        return freeCount + (maxChunks - created);
    }

    /**
     * Chunks a write may still take: queued send bytes may hold at most three quarters of the budget, so a quarter
     * always stays for receiving. Queued send bytes free their chunks only when the peer acknowledges them; if
     * they could take the whole budget, two endpoints writing to each other could each fill theirs with
     * unacknowledged data, both windows would close, and neither side could ever receive the ACK-bearing data
     * that frees the other (a deadlock the small-budget simulation found). Linux keeps a per-socket receive
     * minimum (tcp_rmem[0]) for the same reason.
     */
    int availableForWrite()
    {
        return Math.max(0, Math.min(available() - reserve, directionLimit - sendInUse));
    }

    /**
     * Chunks in-order received bytes (at RCV.NXT) may still take: at most three quarters of the budget too, so an
     * application that reads only once it can write (an echo) always finds room to write what it read; the
     * {@link #reserve} included.
     */
    int availableForReceive()
    {
        return Math.max(0, Math.min(available(), directionLimit - (inUse - sendInUse)));
    }

    /** Chunks out-of-order received bytes may still take: {@link #availableForReceive} less the reserve. */
    int availableForOutOfOrder()
    {
        return Math.max(0, availableForReceive() - reserve);
    }

    /** Chunks kept for in-order received bytes only. */
    int reserve()
    {
        return reserve;
    }

    /**
     * A chunk for {@code use} ({@link #SEND}, {@link #IN_ORDER}, {@link #OUT_OF_ORDER}), within that use's share;
     * -1 when there is none.
     */
    int acquire(final int use)
    {
        final int room = use == SEND ? availableForWrite() :
            use == IN_ORDER ? availableForReceive() : availableForOutOfOrder();
        if (room == 0)
        {
            return -1;
        }
        final int id = acquire();
        if (use == SEND && id >= 0)
        {
            sendInUse++;
        }
        return id;
    }

    void release(final int id, final boolean send)
    {
        if (send)
        {
            sendInUse--;
        }
        release(id);
    }

    int inUse()
    {
        return inUse;
    }

    int created()
    {
        return created;
    }

    int maxChunks()
    {
        return maxChunks;
    }

    /** Rings lent out now. */
    int ringsOut()
    {
        return ringsOut;
    }

    ChunkRing takeRing()
    {
        ringsOut++;
        final ChunkRing r = freeRings.pop();
        return r != null ? r : new ChunkRing(ringChunks);
    }

    /**
     * Keep at most {@code keep} idle rings (the rest go to the garbage collector) and shrink the free stack.
     *
     * @return rings dropped.
     */
    int trimRings(final int keep)
    {
        return freeRings.trim(keep);
    }

    /** Rings idle in the pool. */
    int idleRings()
    {
        return freeRings.size();
    }

    void returnRing(final ChunkRing r)
    {
        ringsOut--;
        freeRings.push(r);
    }
}
