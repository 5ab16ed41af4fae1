package dev.wirespeed.bindings;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A DPDK packet-mbuf pool ({@code rte_pktmbuf_pool_create}), one per port and NUMA socket.
 * Alloc and free are safe from any registered thread (DPDK's mempool is lock-free); this object is immutable.
 */
public final class Mempool implements AutoCloseable
{
    private final String name;
    private final MemorySegment pool;
    private final int size;
    private boolean closed;

    private Mempool(final String name, final MemorySegment pool, final int size)
    {
        this.name = name;
        this.pool = pool;
        this.size = size;
    }

    /**
     * Creates a packet-mbuf pool ({@code rte_pktmbuf_pool_create}); any thread once EAL runs.
     *
     * @param name      unique name (DPDK's limit is 25 characters).
     * @param size      number of mbufs (a power of two minus one is optimal).
     * @param cacheSize per-lcore cache (0..512, must divide nicely into size; 256 is typical).
     * @param dataRoom  buffer size including headroom ({@link NativeLayout#MBUF_DEFAULT_BUF_SIZE} fits 1500-byte MTU).
     * @param socketId  NUMA socket, or {@link NativeLayout#SOCKET_ID_ANY}.
     * @return the pool.
     * @throws DpdkException naming the pool and DPDK's reason (ENOMEM: not enough DPDK memory).
     */
    public static Mempool create(final String name, final int size, final int cacheSize, final int dataRoom, final int socketId)
    {
        NativeLibrary.check();
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment p = (MemorySegment)Dpdk.RTE_PKTMBUF_POOL_CREATE.invokeExact(
                Dpdk.cString(arena, name), size, cacheSize, (short)0, (short)dataRoom, socketId);
            if (p.address() == 0)
            {
                final int code = Dpdk.rteErrno();
                throw new DpdkException("rte_pktmbuf_pool_create(" + name + ", " + size + " mbufs) failed: " +
                    Dpdk.strerror(code) + " (" + code + ")" +
                    (code == 12 ? ". Not enough DPDK memory: reserve more hugepages or raise -m" : ""), code);
            }
            return new Mempool(name, p, size);
        }
        catch (final Throwable t)
        {
            throw Dpdk.rethrow(t);
        }
    }

    /**
     * The name the pool was created with.
     *
     * @return the name.
     */
    public String name()
    {
        return name;
    }

    /**
     * Mbufs in the pool.
     *
     * @return the size given at creation.
     */
    public int size()
    {
        return size;
    }

    /**
     * The {@code struct rte_mempool *}.
     *
     * @return the pointer, valid until the pool is freed.
     */
    public MemorySegment pointer()
    {
        return pool;
    }

    /**
     * The {@code struct rte_mempool *} as a raw address.
     *
     * @return the address.
     */
    public long address()
    {
        return pool.address();
    }

    /**
     * Mbufs available to allocate, per-lcore caches included ({@code rte_mempool_avail_count}).
     *
     * @return the number of mbufs.
     */
    public int availableCount()
    {
        try
        {
            return (int)Dpdk.RTE_MEMPOOL_AVAIL_COUNT.invokeExact(pool);
        }
        catch (final Throwable t)
        {
            throw Dpdk.rethrow(t);
        }
    }

    /**
     * Mbufs currently allocated ({@code rte_mempool_in_use_count}).
     *
     * @return the number of mbufs.
     */
    public int inUseCount()
    {
        try
        {
            return (int)Dpdk.RTE_MEMPOOL_IN_USE_COUNT.invokeExact(pool);
        }
        catch (final Throwable t)
        {
            throw Dpdk.rethrow(t);
        }
    }

    /**
     * Allocates one mbuf, reset (data offset at headroom, length 0).
     *
     * @return its address, or 0 if the pool is empty.
     */
    public long alloc()
    {
        try
        {
            return ((MemorySegment)Dpdk.WS_PKTMBUF_ALLOC.invokeExact(pool)).address();
        }
        catch (final Throwable t)
        {
            throw Dpdk.rethrow(t);
        }
    }

    /**
     * Allocates {@code count} mbufs into the first slots of {@code burst} (all or nothing) and sets its size.
     *
     * @param burst receives the addresses.
     * @param count mbufs to allocate, at most the burst's capacity.
     * @return true if allocated, false if the pool had too few.
     */
    public boolean allocBulk(final MbufBurst burst, final int count)
    {
        try
        {
            final int rc = (int)Dpdk.WS_PKTMBUF_ALLOC_BULK.invokeExact(pool, burst.segment(), count);
            if (rc == 0)
            {
                burst.size(count);
                return true;
            }
            return false;
        }
        catch (final Throwable t)
        {
            throw Dpdk.rethrow(t);
        }
    }

    /** {@code rte_mempool_free}. All its mbufs must have been returned and its ports closed. */
    public void close()
    {
        if (!closed)
        {
            closed = true;
            try
            {
                Dpdk.RTE_MEMPOOL_FREE.invokeExact(pool);
            }
            catch (final Throwable t)
            {
                throw Dpdk.rethrow(t);
            }
        }
    }

    public String toString()
    {
        return "Mempool{" + name + ", size=" + size + '}';
    }
}
