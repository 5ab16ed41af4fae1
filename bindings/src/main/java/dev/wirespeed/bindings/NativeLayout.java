package dev.wirespeed.bindings;

import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Offsets, sizes and constants of the DPDK structs Wirespeed touches, read from the tables the shim exports
 * ({@code ws_layout}, {@code ws_consts}), so Java never hard-codes a layout that changes between DPDK versions.
 * The indices match the comments in {@code native/src/wirespeed_shim.c}.
 */
public final class NativeLayout
{
    private static final int MAGIC = 0x57530001;
    private static final MemorySegment LAYOUT;
    private static final MemorySegment CONSTS;

    static
    {
        final int layoutCount = Dpdk.symbol("ws_layout_count").reinterpret(4).get(JAVA_INT, 0);
        final int constsCount = Dpdk.symbol("ws_consts_count").reinterpret(4).get(JAVA_INT, 0);
        LAYOUT = Dpdk.symbol("ws_layout").reinterpret(4L * layoutCount);
        CONSTS = Dpdk.symbol("ws_consts").reinterpret(8L * constsCount);
        if (LAYOUT.get(JAVA_INT, 0) != MAGIC || layoutCount < 61 || constsCount < 30)
        {
            throw new NativeUnavailableException("libwirespeed.so layout table version mismatch: rebuild with ./wirespeed build");
        }
    }

    private static int u32(final int index)
    {
        return LAYOUT.get(JAVA_INT, 4L * index);
    }

    private static long u64(final int index)
    {
        return CONSTS.get(JAVA_LONG, 8L * index);
    }

    // struct rte_mbuf
    public static final int MBUF_SIZE = u32(1);
    public static final int MBUF_BUF_ADDR = u32(2);
    public static final int MBUF_DATA_OFF = u32(3);
    public static final int MBUF_REFCNT = u32(4);
    public static final int MBUF_NB_SEGS = u32(5);
    public static final int MBUF_PORT = u32(6);
    public static final int MBUF_OL_FLAGS = u32(7);
    public static final int MBUF_PACKET_TYPE = u32(8);
    public static final int MBUF_PKT_LEN = u32(9);
    public static final int MBUF_DATA_LEN = u32(10);
    public static final int MBUF_VLAN_TCI = u32(11);
    public static final int MBUF_HASH_RSS = u32(12);
    public static final int MBUF_BUF_LEN = u32(13);
    public static final int MBUF_POOL = u32(14);
    public static final int MBUF_NEXT = u32(15);
    public static final int MBUF_TX_OFFLOAD = u32(16);
    public static final int PKTMBUF_HEADROOM = u32(17);
    public static final int MBUF_DEFAULT_BUF_SIZE = u32(18);

    // struct rte_eth_dev_info
    public static final int DEV_INFO_SIZE = u32(19);
    public static final int DEV_INFO_DRIVER_NAME = u32(20);
    public static final int DEV_INFO_IF_INDEX = u32(21);
    public static final int DEV_INFO_MAX_MTU = u32(22);
    public static final int DEV_INFO_MAX_RX_PKTLEN = u32(23);
    public static final int DEV_INFO_MAX_RX_QUEUES = u32(24);
    public static final int DEV_INFO_MAX_TX_QUEUES = u32(25);
    public static final int DEV_INFO_RX_OFFLOAD_CAPA = u32(26);
    public static final int DEV_INFO_TX_OFFLOAD_CAPA = u32(27);
    public static final int DEV_INFO_RETA_SIZE = u32(28);
    public static final int DEV_INFO_HASH_KEY_SIZE = u32(29);
    public static final int DEV_INFO_FLOW_TYPE_RSS_OFFLOADS = u32(30);
    public static final int DEV_INFO_RX_DESC_MAX = u32(31);
    public static final int DEV_INFO_TX_DESC_MAX = u32(32);

    // struct rte_eth_conf
    public static final int ETH_CONF_SIZE = u32(33);
    public static final int ETH_CONF_RX_MQ_MODE = u32(34);
    public static final int ETH_CONF_RX_MTU = u32(35);
    public static final int ETH_CONF_RX_OFFLOADS = u32(36);
    public static final int ETH_CONF_TX_OFFLOADS = u32(37);
    public static final int ETH_CONF_RSS_KEY = u32(38);
    public static final int ETH_CONF_RSS_KEY_LEN = u32(39);
    public static final int ETH_CONF_RSS_HF = u32(40);

    // struct rte_eth_stats
    public static final int ETH_STATS_SIZE = u32(41);
    public static final int ETH_STATS_IPACKETS = u32(42);
    public static final int ETH_STATS_OPACKETS = u32(43);
    public static final int ETH_STATS_IBYTES = u32(44);
    public static final int ETH_STATS_OBYTES = u32(45);
    public static final int ETH_STATS_IMISSED = u32(46);
    public static final int ETH_STATS_IERRORS = u32(47);
    public static final int ETH_STATS_OERRORS = u32(48);
    public static final int ETH_STATS_RX_NOMBUF = u32(49);

    // struct rte_eth_link: u32 link_speed, then a u16 of bit-fields (bit 0 duplex, bit 1 autoneg, bit 2 status)
    public static final int ETH_LINK_SIZE = u32(50);
    public static final int ETH_LINK_SPEED = u32(51);
    public static final int ETHER_ADDR_SIZE = u32(52);
    public static final int ETH_NAME_MAX_LEN = u32(53);
    public static final int MAX_ETHPORTS = u32(54);
    public static final int LCORE_ID_ANY = u32(55);
    public static final int SOCKET_ID_ANY = u32(56);
    /** {@code rte_mbuf.timesync}: the RX timestamp register a frame's IEEE 1588 stamp went to (i40e). */
    public static final int MBUF_TIMESYNC = u32(57);
    public static final int TIMESPEC_SIZE = u32(58);
    public static final int TIMESPEC_SEC = u32(59);
    public static final int TIMESPEC_NSEC = u32(60);

    // flags and enums
    public static final long RX_OFFLOAD_IPV4_CKSUM = u64(0);
    public static final long RX_OFFLOAD_TCP_CKSUM = u64(1);
    public static final long RX_OFFLOAD_UDP_CKSUM = u64(2);
    public static final long RX_OFFLOAD_RSS_HASH = u64(3);
    public static final long TX_OFFLOAD_IPV4_CKSUM = u64(4);
    public static final long TX_OFFLOAD_TCP_CKSUM = u64(5);
    public static final long TX_OFFLOAD_UDP_CKSUM = u64(6);
    public static final long TX_OFFLOAD_MBUF_FAST_FREE = u64(7);
    public static final int MQ_RX_NONE = (int)u64(8);
    public static final int MQ_RX_RSS = (int)u64(9);
    public static final long RSS_IPV4 = u64(10);
    public static final long RSS_NONFRAG_IPV4_TCP = u64(11);
    public static final long RSS_NONFRAG_IPV4_UDP = u64(12);
    public static final long MBUF_F_RX_IP_CKSUM_BAD = u64(13);
    public static final long MBUF_F_RX_IP_CKSUM_GOOD = u64(14);
    public static final long MBUF_F_RX_L4_CKSUM_BAD = u64(15);
    public static final long MBUF_F_RX_L4_CKSUM_GOOD = u64(16);
    public static final long MBUF_F_TX_IPV4 = u64(17);
    public static final long MBUF_F_TX_IP_CKSUM = u64(18);
    public static final long MBUF_F_TX_TCP_CKSUM = u64(19);
    public static final int ETH_LINK_UP = (int)u64(20);
    public static final int ETH_LINK_FULL_DUPLEX = (int)u64(21);
    public static final int RING_F_SP_ENQ = (int)u64(22);
    public static final int RING_F_SC_DEQ = (int)u64(23);
    public static final long MBUF_F_RX_IP_CKSUM_MASK = u64(24);
    public static final long MBUF_F_RX_L4_CKSUM_MASK = u64(25);
    public static final long RX_OFFLOAD_TIMESTAMP = u64(26);
    /** Ask the NIC to latch this frame's transmit time (IEEE 1588 timesync). */
    public static final long MBUF_F_TX_IEEE1588_TMST = u64(27);
    public static final long MBUF_F_RX_IEEE1588_PTP = u64(28);
    /** The NIC latched this received frame's time (read it with {@code rte_eth_timesync_read_rx_timestamp}). */
    public static final long MBUF_F_RX_IEEE1588_TMST = u64(29);

    private NativeLayout()
    {
    }
}
