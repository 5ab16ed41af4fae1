package dev.wirespeed.engine.runtime;

/**
 * What the runtime's packet tools need to do to an mbuf, given only its address. The engine's DPDK implementation
 * does it on real mbufs; tests pass fake addresses and a fake implementation, so the logic runs without DPDK.
 * Implementations must not allocate.
 */
public interface MbufOps
{
    /** Returns the mbuf to its pool. Called exactly once per mbuf the caller gives up. */
    void free(long mbuf);

    /**
     * Copies the mbuf's packet data into a new mbuf.
     *
     * @return the address of the copy, or 0 if no mbuf was available.
     */
    long copy(long mbuf);

    /** Bytes of packet data. */
    int dataLength(long mbuf);

    /** The byte at {@code index} of the packet data, 0..255. */
    int getByte(long mbuf, int index);

    /** XORs the byte at {@code index} of the packet data with {@code mask}. */
    void xorByte(long mbuf, int index, int mask);
}
