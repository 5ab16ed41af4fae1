package dev.wirespeed.bindings;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * A reusable off-heap array of {@code struct rte_mbuf *} for one burst: rx_burst fills it, tx_burst drains it,
 * with one native call per burst. Allocate it once (engine lifetime) and reuse it.
 * <p>
 * Not thread safe.
 */
public final class MbufBurst
{
    /** DPDK's customary burst size. */
    public static final int DEFAULT_CAPACITY = 32;

    private final MemorySegment array;
    private final int capacity;
    private int size;

    /**
     * An empty burst whose pointer array lives in {@code arena} (64-byte aligned).
     *
     * @param arena    owns the native array.
     * @param capacity entries, 1..65535 (e.g. {@link #DEFAULT_CAPACITY}).
     */
    public MbufBurst(final Arena arena, final int capacity)
    {
        if (capacity <= 0 || capacity > 65535)
        {
            throw new IllegalArgumentException("burst capacity must be 1..65535: " + capacity);
        }
        this.capacity = capacity;
        this.array = arena.allocate(8L * capacity, 64);
    }

    /**
     * Entries the burst holds at most.
     *
     * @return the capacity.
     */
    public int capacity()
    {
        return capacity;
    }

    /**
     * Number of valid entries.
     *
     * @return 0..capacity.
     */
    public int size()
    {
        return size;
    }

    /**
     * Sets the number of valid entries (after a native call filled the array).
     *
     * @param size 0..capacity.
     */
    public void size(final int size)
    {
        this.size = size;
    }

    /**
     * Address of the i-th mbuf.
     *
     * @param i 0..size - 1.
     * @return the mbuf address.
     */
    public long get(final int i)
    {
        return array.getAtIndex(JAVA_LONG, i);
    }

    /**
     * Sets the i-th entry (the size is not changed).
     *
     * @param i           0..capacity - 1.
     * @param mbufAddress the mbuf's address.
     */
    public void set(final int i, final long mbufAddress)
    {
        array.setAtIndex(JAVA_LONG, i, mbufAddress);
    }

    /**
     * Appends an mbuf address; returns false when full.
     *
     * @param mbufAddress the mbuf's address.
     * @return true if appended.
     */
    public boolean add(final long mbufAddress)
    {
        if (size == capacity)
        {
            return false;
        }
        array.setAtIndex(JAVA_LONG, size++, mbufAddress);
        return true;
    }

    /**
     * Drops the first {@code n} entries (e.g. the ones tx_burst took), moving the rest to the front.
     *
     * @param n entries to drop, at least 0.
     */
    public void consumeFront(final int n)
    {
        final int remaining = size - n;
        if (remaining > 0)
        {
            MemorySegment.copy(array, 8L * n, array, 0, 8L * remaining);
        }
        size = Math.max(remaining, 0);
    }

    /** Forgets every entry without freeing the mbufs (the caller owns them). */
    public void clear()
    {
        size = 0;
    }

    /**
     * The native pointer array.
     *
     * @return the segment of {@code capacity} 8-byte addresses.
     */
    public MemorySegment segment()
    {
        return array;
    }

    /** Frees every mbuf in the burst (bulk) and clears it. */
    public void freeAll()
    {
        if (size > 0)
        {
            Mbuf.freeBulk(this, size);
            size = 0;
        }
    }
}
