package dev.wirespeed.bindings;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Static accessors for {@code struct rte_mbuf} fields, by mbuf address, using the offsets the shim exports.
 * No object per packet: callers keep the {@code long} address (what rings carry) and read fields through here.
 * Only single-segment mbufs are built by Wirespeed; {@link #nbSegs} tells whether a received one is chained.
 */
public final class Mbuf
{
    /** All of memory as one segment: reads at absolute addresses, checked only against the (huge) bound. */
    static final MemorySegment ALL = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);

    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED;
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED;

    private static final long BUF_ADDR = NativeLayout.MBUF_BUF_ADDR;
    private static final long DATA_OFF = NativeLayout.MBUF_DATA_OFF;
    private static final long DATA_LEN = NativeLayout.MBUF_DATA_LEN;
    private static final long PKT_LEN = NativeLayout.MBUF_PKT_LEN;
    private static final long NB_SEGS = NativeLayout.MBUF_NB_SEGS;
    private static final long PORT = NativeLayout.MBUF_PORT;
    private static final long OL_FLAGS = NativeLayout.MBUF_OL_FLAGS;
    private static final long BUF_LEN = NativeLayout.MBUF_BUF_LEN;
    private static final long HASH_RSS = NativeLayout.MBUF_HASH_RSS;
    private static final long PACKET_TYPE = NativeLayout.MBUF_PACKET_TYPE;
    private static final long TX_OFFLOAD = NativeLayout.MBUF_TX_OFFLOAD;
    private static final long POOL = NativeLayout.MBUF_POOL;
    private static final long TIMESYNC = NativeLayout.MBUF_TIMESYNC;

    private Mbuf()
    {
    }

    /**
     * Address of the first byte of packet data ({@code rte_pktmbuf_mtod}).
     *
     * @param mbuf the mbuf's address.
     * @return the native address.
     */
    public static long dataAddress(final long mbuf)
    {
        return ALL.get(U64, mbuf + BUF_ADDR) + (ALL.get(U16, mbuf + DATA_OFF) & 0xFFFF);
    }

    /**
     * Offset of the packet data from the start of the mbuf's buffer ({@code data_off}).
     *
     * @param mbuf the mbuf's address.
     * @return bytes of headroom in use.
     */
    public static int dataOffset(final long mbuf)
    {
        return ALL.get(U16, mbuf + DATA_OFF) & 0xFFFF;
    }

    /**
     * Moves the start of the packet data ({@code data_off}).
     *
     * @param mbuf   the mbuf's address.
     * @param offset bytes from the start of the buffer.
     */
    public static void dataOffset(final long mbuf, final int offset)
    {
        ALL.set(U16, mbuf + DATA_OFF, (short)offset);
    }

    /**
     * Bytes of data in this segment.
     *
     * @param mbuf the mbuf's address.
     * @return bytes.
     */
    public static int dataLength(final long mbuf)
    {
        return ALL.get(U16, mbuf + DATA_LEN) & 0xFFFF;
    }

    /**
     * Total packet length over all segments.
     *
     * @param mbuf the mbuf's address.
     * @return bytes.
     */
    public static int packetLength(final long mbuf)
    {
        return ALL.get(U32, mbuf + PKT_LEN);
    }

    /**
     * Sets data and packet length together (single-segment mbuf).
     *
     * @param mbuf   the mbuf's address.
     * @param length bytes, at most the tailroom.
     */
    public static void length(final long mbuf, final int length)
    {
        ALL.set(U16, mbuf + DATA_LEN, (short)length);
        ALL.set(U32, mbuf + PKT_LEN, length);
    }

    /**
     * Room from the data start to the end of the buffer.
     *
     * @param mbuf the mbuf's address.
     * @return bytes.
     */
    public static int tailroomFromData(final long mbuf)
    {
        return (ALL.get(U16, mbuf + BUF_LEN) & 0xFFFF) - (ALL.get(U16, mbuf + DATA_OFF) & 0xFFFF);
    }

    /**
     * Segments in the mbuf's chain ({@code nb_segs}).
     *
     * @param mbuf the mbuf's address.
     * @return 1 for a single-segment packet.
     */
    public static int nbSegs(final long mbuf)
    {
        return ALL.get(U16, mbuf + NB_SEGS) & 0xFFFF;
    }

    /**
     * The input port of a received mbuf ({@code port}).
     *
     * @param mbuf the mbuf's address.
     * @return the ethdev port id.
     */
    public static int port(final long mbuf)
    {
        return ALL.get(U16, mbuf + PORT) & 0xFFFF;
    }

    /**
     * {@code rte_mbuf.timesync}: the RX timestamp register index of an IEEE 1588 stamped frame (i40e).
     *
     * @param mbuf the mbuf's address.
     * @return the register index.
     */
    public static int timesync(final long mbuf)
    {
        return ALL.get(U16, mbuf + TIMESYNC) & 0xFFFF;
    }

    /**
     * The 64-bit dynamic field at {@code offset} (e.g. the RX timestamp, see {@link RxTimestampField}).
     *
     * @param mbuf   the mbuf's address.
     * @param offset the field's byte offset in the mbuf, as registered.
     * @return the value.
     */
    public static long dynamicField64(final long mbuf, final int offset)
    {
        return ALL.get(U64, mbuf + offset);
    }

    /**
     * The offload flags ({@code ol_flags}): RX checksum status, TX offload requests.
     *
     * @param mbuf the mbuf's address.
     * @return {@code RTE_MBUF_F_*} bits.
     */
    public static long offloadFlags(final long mbuf)
    {
        return ALL.get(U64, mbuf + OL_FLAGS);
    }

    /**
     * Sets the offload flags ({@code ol_flags}).
     *
     * @param mbuf  the mbuf's address.
     * @param flags {@code RTE_MBUF_F_*} bits.
     */
    public static void offloadFlags(final long mbuf, final long flags)
    {
        ALL.set(U64, mbuf + OL_FLAGS, flags);
    }

    /**
     * The RSS hash the NIC computed for a received frame ({@code hash.rss}).
     *
     * @param mbuf the mbuf's address.
     * @return the 32-bit hash, valid when the port has RSS.
     */
    public static int rssHash(final long mbuf)
    {
        return ALL.get(U32, mbuf + HASH_RSS);
    }

    /**
     * The packet type the driver recognised ({@code packet_type}).
     *
     * @param mbuf the mbuf's address.
     * @return {@code RTE_PTYPE_*} bits, 0 if unknown.
     */
    public static int packetType(final long mbuf)
    {
        return ALL.get(U32, mbuf + PACKET_TYPE);
    }

    /**
     * Sets the TX offload lengths: l2_len (7 bits), l3_len (9 bits), l4_len (8 bits), as DPDK's checksum
     * offload needs them.
     *
     * @param mbuf  the mbuf's address.
     * @param l2Len the Ethernet header length, bytes.
     * @param l3Len the IPv4 header length, bytes.
     * @param l4Len the TCP header length, bytes.
     */
    public static void txOffloadLengths(final long mbuf, final int l2Len, final int l3Len, final int l4Len)
    {
        final long v = (l2Len & 0x7FL) | ((l3Len & 0x1FFL) << 7) | ((l4Len & 0xFFL) << 16);
        ALL.set(U64, mbuf + TX_OFFLOAD, v);
    }

    /**
     * Address of the pool the mbuf came from.
     *
     * @param mbuf the mbuf's address.
     * @return the {@code rte_mempool} address.
     */
    public static long pool(final long mbuf)
    {
        return ALL.get(U64, mbuf + POOL);
    }

    /**
     * Frees one mbuf (and its chain) back to its pool.
     *
     * @param mbuf the mbuf's address; not to be used afterwards.
     */
    public static void free(final long mbuf)
    {
        try
        {
            Dpdk.WS_PKTMBUF_FREE.invokeExact(MemorySegment.ofAddress(mbuf));
        }
        catch (final Throwable t)
        {
            throw Dpdk.rethrow(t);
        }
    }

    /**
     * Frees the first {@code count} mbufs of a burst with one native call.
     *
     * @param burst holds the mbufs; its size is left as is.
     * @param count mbufs to free, from the front.
     */
    public static void freeBulk(final MbufBurst burst, final int count)
    {
        try
        {
            Dpdk.WS_PKTMBUF_FREE_BULK.invokeExact(burst.segment(), count);
        }
        catch (final Throwable t)
        {
            throw Dpdk.rethrow(t);
        }
    }

    /**
     * A {@link MemorySegment} over the mbuf's packet data, in place (no copy). Creates a small segment object;
     * per-packet code should prefer {@link MbufView}, which reuses one buffer.
     *
     * @param mbuf the mbuf's address.
     * @return a segment of {@code dataLength} bytes.
     */
    public static MemorySegment data(final long mbuf)
    {
        return ALL.asSlice(dataAddress(mbuf), dataLength(mbuf));
    }
}
