package dev.wirespeed.bindings;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.ADDRESS;

/**
 * Two {@code net_ring} ports wired back to back in memory (A's TX is B's RX and the reverse), built with
 * {@code rte_eth_from_rings} over two single-producer/single-consumer rings. Engine-to-engine tests and
 * benchmarks run over it with no NIC.
 */
public final class RingPair implements AutoCloseable
{
    private final EthPort a;
    private final EthPort b;
    private final MemorySegment ringAb;
    private final MemorySegment ringBa;

    private RingPair(final EthPort a, final EthPort b, final MemorySegment ringAb, final MemorySegment ringBa)
    {
        this.a = a;
        this.b = b;
        this.ringAb = ringAb;
        this.ringBa = ringBa;
    }

    /**
     * @param name     prefix for the two port names ({@code name + "a"}, {@code name + "b"}) and ring names.
     * @param ringSize slots per direction (a power of two).
     */
    public static RingPair create(final String name, final int ringSize)
    {
        EthPort.requireEal();
        final int flags = NativeLayout.RING_F_SP_ENQ | NativeLayout.RING_F_SC_DEQ;
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment ab = ring(arena, name + "_ab", ringSize, flags);
            final MemorySegment ba = ring(arena, name + "_ba", ringSize, flags);
            final MemorySegment abArr = arena.allocate(ADDRESS);
            final MemorySegment baArr = arena.allocate(ADDRESS);
            abArr.set(ADDRESS, 0, ab);
            baArr.set(ADDRESS, 0, ba);
            final int socket = Eal.socketId();
            final int idA = (int)Dpdk.WS_ETH_FROM_RINGS.invokeExact(Dpdk.cString(arena, name + "a"), baArr, 1, abArr, 1, socket);
            if (idA < 0)
            {
                throw Dpdk.error("rte_eth_from_rings(" + name + "a)", Dpdk.rteErrno());
            }
            final int idB = (int)Dpdk.WS_ETH_FROM_RINGS.invokeExact(Dpdk.cString(arena, name + "b"), abArr, 1, baArr, 1, socket);
            if (idB < 0)
            {
                throw Dpdk.error("rte_eth_from_rings(" + name + "b)", Dpdk.rteErrno());
            }
            return new RingPair(EthPort.ofId(idA), EthPort.ofId(idB), ab, ba);
        }
        catch (final Throwable t)
        {
            throw Dpdk.rethrow(t);
        }
    }

    private static MemorySegment ring(final Arena arena, final String name, final int size, final int flags) throws Throwable
    {
        final MemorySegment r = (MemorySegment)Dpdk.RTE_RING_CREATE.invokeExact(Dpdk.cString(arena, name), size,
            Eal.socketId(), flags);
        if (r.address() == 0)
        {
            throw Dpdk.error("rte_ring_create(" + name + ")", Dpdk.rteErrno());
        }
        return r;
    }

    public EthPort a()
    {
        return a;
    }

    public EthPort b()
    {
        return b;
    }

    /** Closes both ports and frees the rings. */
    public void close()
    {
        try
        {
            a.close();
            b.close();
            Dpdk.RTE_RING_FREE.invokeExact(ringAb);
            Dpdk.RTE_RING_FREE.invokeExact(ringBa);
        }
        catch (final Throwable t)
        {
            throw Dpdk.rethrow(t);
        }
    }
}
