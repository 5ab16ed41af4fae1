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

    /** Address of the first byte of packet data ({@code rte_pktmbuf_mtod}). */
    public static long dataAddress(final long mbuf)
    {
        return ALL.get(U64, mbuf + BUF_ADDR) + (ALL.get(U16, mbuf + DATA_OFF) & 0xFFFF);
    }

    public static int dataOffset(final long mbuf)
    {
        return ALL.get(U16, mbuf + DATA_OFF) & 0xFFFF;
    }

    public static void dataOffset(final long mbuf, final int offset)
    {
        ALL.set(U16, mbuf + DATA_OFF, (short)offset);
    }

    /** Bytes of data in this segment. */
    public static int dataLength(final long mbuf)
    {
        return ALL.get(U16, mbuf + DATA_LEN) & 0xFFFF;
    }

    /** Total packet length over all segments. */
    public static int packetLength(final long mbuf)
    {
        return ALL.get(U32, mbuf + PKT_LEN);
    }

    /** Sets data and packet length together (single-segment mbuf). */
    public static void length(final long mbuf, final int length)
    {
        ALL.set(U16, mbuf + DATA_LEN, (short)length);
        ALL.set(U32, mbuf + PKT_LEN, length);
    }

    /** Room from the data start to the end of the buffer. */
    public static int tailroomFromData(final long mbuf)
    {
        return (ALL.get(U16, mbuf + BUF_LEN) & 0xFFFF) - (ALL.get(U16, mbuf + DATA_OFF) & 0xFFFF);
    }

    public static int nbSegs(final long mbuf)
    {
        return ALL.get(U16, mbuf + NB_SEGS) & 0xFFFF;
    }

    public static int port(final long mbuf)
    {
        return ALL.get(U16, mbuf + PORT) & 0xFFFF;
    }

    /** {@code rte_mbuf.timesync}: the RX timestamp register index of an IEEE 1588 stamped frame (i40e). */
    public static int timesync(final long mbuf)
    {
        return ALL.get(U16, mbuf + TIMESYNC) & 0xFFFF;
    }

    /** The 64-bit dynamic field at {@code offset} (e.g. the RX timestamp, see {@link RxTimestampField}). */
    public static long dynamicField64(final long mbuf, final int offset)
    {
        return ALL.get(U64, mbuf + offset);
    }

    public static long offloadFlags(final long mbuf)
    {
        return ALL.get(U64, mbuf + OL_FLAGS);
    }

    public static void offloadFlags(final long mbuf, final long flags)
    {
        ALL.set(U64, mbuf + OL_FLAGS, flags);
    }

    public static int rssHash(final long mbuf)
    {
        return ALL.get(U32, mbuf + HASH_RSS);
    }

    public static int packetType(final long mbuf)
    {
        return ALL.get(U32, mbuf + PACKET_TYPE);
    }

    /**
     * Sets the TX offload lengths: l2_len (7 bits), l3_len (9 bits), l4_len (8 bits), as DPDK's checksum
     * offload needs them.
     */
    public static void txOffloadLengths(final long mbuf, final int l2Len, final int l3Len, final int l4Len)
    {
        final long v = (l2Len & 0x7FL) | ((l3Len & 0x1FFL) << 7) | ((l4Len & 0xFFL) << 16);
        ALL.set(U64, mbuf + TX_OFFLOAD, v);
    }

    /** Address of the pool the mbuf came from. */
    public static long pool(final long mbuf)
    {
        return ALL.get(U64, mbuf + POOL);
    }

    /** Frees one mbuf (and its chain) back to its pool. */
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

    /** Frees the first {@code count} mbufs of a burst with one native call. */
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
     */
    public static MemorySegment data(final long mbuf)
    {
        return ALL.asSlice(dataAddress(mbuf), dataLength(mbuf));
    }
}
