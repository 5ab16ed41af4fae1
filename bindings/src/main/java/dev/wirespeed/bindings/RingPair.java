package dev.wirespeed.bindings;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.ADDRESS;

/**
 * Two {@code net_ring} ports wired back to back in memory (A's TX queue i is B's RX queue i and the reverse), built
 * with {@code rte_eth_from_rings} over single-producer/single-consumer rings, one per queue and direction.
 * Engine-to-engine tests and benchmarks run over it with no NIC.
 * <p>
 * Ownership: the pair owns both ports and the rings. Whoever created it closes it, once nothing polls the ports
 * any more (an engine built on a side {@linkplain EthPort#claim claims} it until the engine is closed, and closing
 * the pair before fails with a message naming the engine); {@link #close()} closes both ports (and their mempools) and frees the rings, and is idempotent.
 */
public final class RingPair implements AutoCloseable
{
    private final String name;
    private final EthPort a;
    private final EthPort b;
    private final MemorySegment[] rings;
    private boolean closed;

    private RingPair(final String name, final EthPort a, final EthPort b, final MemorySegment[] rings)
    {
        this.name = name;
        this.a = a;
        this.b = b;
        this.rings = rings;
    }

    /**
     * One queue pair each way.
     *
     * @param name     prefix for the two port names ({@code name + "a"}, {@code name + "b"}) and ring names.
     * @param ringSize slots per direction (a power of two).
     * @return the pair, both ports attached and not started.
     */
    public static RingPair create(final String name, final int ringSize)
    {
        return create(name, ringSize, 1);
    }

    /**
     * Two {@code net_ring} ports wired back to back in this process: what A transmits, B receives, and the reverse.
     *
     * @param name     prefix for the two port names ({@code name + "a"}, {@code name + "b"}) and ring names; must
     *                 not be in use by another port or ring of this process.
     * @param ringSize slots per queue and direction (a power of two).
     * @param queues   queue pairs on each port (1..16): A's TX queue i feeds B's RX queue i.
     * @return the pair, both ports attached and not started.
     * @throws DpdkException naming the device and DPDK's reason.
     */
    public static RingPair create(final String name, final int ringSize, final int queues)
    {
        EthPort.requireEal();
        if (queues < 1 || queues > 16)
        {
            throw new IllegalArgumentException("ring pair " + name + ": queues must be 1..16, got " + queues);
        }
        if (ringSize < 2 || Integer.bitCount(ringSize) != 1)
        {
            throw new IllegalArgumentException("ring pair " + name + ": ring size must be a power of two, got " +
                ringSize);
        }
        if (EthPort.portIdByName(name + "a") >= 0 || EthPort.portIdByName(name + "b") >= 0)
        {
            throw new DpdkException("ring pair " + name + ": a DPDK port named " + name + "a or " + name +
                "b already exists in this process; give each pair its own name", 17 /* EEXIST */);
        }
        final int flags = NativeLayout.RING_F_SP_ENQ | NativeLayout.RING_F_SC_DEQ;
        final MemorySegment[] rings = new MemorySegment[2 * queues];
        int made = 0;
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment abArr = arena.allocate(ADDRESS, queues);
            final MemorySegment baArr = arena.allocate(ADDRESS, queues);
            for (int q = 0; q < queues; q++)
            {
                final String suffix = queues == 1 ? "" : "_" + q;
                rings[made] = ring(arena, name + "_ab" + suffix, ringSize, flags);
                abArr.setAtIndex(ADDRESS, q, rings[made++]);
                rings[made] = ring(arena, name + "_ba" + suffix, ringSize, flags);
                baArr.setAtIndex(ADDRESS, q, rings[made++]);
            }
            final int socket = Eal.socketId();
            final int idA = (int)Dpdk.WS_ETH_FROM_RINGS.invokeExact(Dpdk.cString(arena, name + "a"), baArr, queues,
                abArr, queues, socket);
            if (idA < 0)
            {
                throw Dpdk.error("rte_eth_from_rings(" + name + "a)", Dpdk.rteErrno());
            }
            final int idB = (int)Dpdk.WS_ETH_FROM_RINGS.invokeExact(Dpdk.cString(arena, name + "b"), abArr, queues,
                baArr, queues, socket);
            if (idB < 0)
            {
                final int code = Dpdk.rteErrno();
                EthPort.ofId(idA).close();
                throw Dpdk.error("rte_eth_from_rings(" + name + "b)", code);
            }
            return new RingPair(name, EthPort.ofId(idA), EthPort.ofId(idB), rings);
        }
        catch (final Throwable t)
        {
            for (int i = 0; i < made; i++)
            {
                freeRing(rings[i]);
            }
            throw Dpdk.rethrow(t);
        }
    }

    private static MemorySegment ring(final Arena arena, final String name, final int size, final int flags)
        throws Throwable
    {
        final MemorySegment r = (MemorySegment)Dpdk.RTE_RING_CREATE.invokeExact(Dpdk.cString(arena, name), size,
            Eal.socketId(), flags);
        if (r.address() == 0)
        {
            throw Dpdk.error("rte_ring_create(" + name + ")", Dpdk.rteErrno());
        }
        return r;
    }

    private static void freeRing(final MemorySegment ring)
    {
        try
        {
            Dpdk.RTE_RING_FREE.invokeExact(ring);
        }
        catch (final Throwable t)
        {
            throw Dpdk.rethrow(t);
        }
    }

    /**
     * The prefix the pair was created with.
     *
     * @return the name.
     */
    public String name()
    {
        return name;
    }

    /**
     * Queue pairs on each port.
     *
     * @return the count.
     */
    public int queues()
    {
        return rings.length / 2;
    }

    /**
     * Port A ({@code name + "a"}).
     *
     * @return the port.
     */
    public EthPort a()
    {
        return a;
    }

    /**
     * Port B ({@code name + "b"}).
     *
     * @return the port.
     */
    public EthPort b()
    {
        return b;
    }

    /**
     * Closes both ports (stopping them and freeing their mempools) and frees the rings. Call once nothing polls
     * either port; mbufs still in a ring must have been taken out (received and freed) before, as they belong to
     * the mempool of the port that sent them. Idempotent.
     */
    public void close()
    {
        if (closed)
        {
            return;
        }
        for (final EthPort port : new EthPort[] {a, b})
        {
            if (port.user() != null)
            {
                throw new IllegalStateException("ring pair " + name + ": port " + port.name() + " is still used by " +
                    port.user() + ": close it before the pair");
            }
        }
        closed = true;
        try
        {
            a.close();
        }
        finally
        {
            try
            {
                b.close();
            }
            finally
            {
                for (final MemorySegment ring : rings)
                {
                    freeRing(ring);
                }
            }
        }
    }
}
