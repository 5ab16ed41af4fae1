package dev.wirespeed.engine.runtime;

/**
 * What the runtime's packet tools need to do to an mbuf, given only its address. The engine's DPDK implementation
 * does it on real mbufs; tests pass fake addresses and a fake implementation, so the logic runs without DPDK.
 * Implementations must not allocate.
 */
public interface MbufOps
{
    /**
     * Returns the mbuf to its pool. Called exactly once per mbuf the caller gives up.
     *
     * @param mbuf the mbuf's address.
     */
    void free(long mbuf);

    /**
     * Copies the mbuf's packet data into a new mbuf.
     *
     * @param mbuf the mbuf's address.
     * @return the address of the copy, or 0 if no mbuf was available.
     */
    long copy(long mbuf);

    /**
     * Bytes of packet data.
     *
     * @param mbuf the mbuf's address.
     * @return the data length in bytes.
     */
    int dataLength(long mbuf);

    /**
     * The byte at {@code index} of the packet data, 0..255.
     *
     * @param mbuf  the mbuf's address.
     * @param index 0..{@code dataLength(mbuf)} - 1.
     * @return the byte, unsigned.
     */
    int getByte(long mbuf, int index);

    /**
     * XORs the byte at {@code index} of the packet data with {@code mask}.
     *
     * @param mbuf  the mbuf's address.
     * @param index 0..{@code dataLength(mbuf)} - 1.
     * @param mask  the bits to flip, 1..255.
     */
    void xorByte(long mbuf, int index, int mask);
}
