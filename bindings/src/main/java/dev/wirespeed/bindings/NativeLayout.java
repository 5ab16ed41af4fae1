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
    /** {@code sizeof(struct rte_mbuf)}, bytes. */
    public static final int MBUF_SIZE = u32(1);
    /** Byte offset of {@code rte_mbuf.buf_addr}. */
    public static final int MBUF_BUF_ADDR = u32(2);
    /** Byte offset of {@code rte_mbuf.data_off}. */
    public static final int MBUF_DATA_OFF = u32(3);
    /** Byte offset of {@code rte_mbuf.refcnt}. */
    public static final int MBUF_REFCNT = u32(4);
    /** Byte offset of {@code rte_mbuf.nb_segs}. */
    public static final int MBUF_NB_SEGS = u32(5);
    /** Byte offset of {@code rte_mbuf.port}. */
    public static final int MBUF_PORT = u32(6);
    /** Byte offset of {@code rte_mbuf.ol_flags}. */
    public static final int MBUF_OL_FLAGS = u32(7);
    /** Byte offset of {@code rte_mbuf.packet_type}. */
    public static final int MBUF_PACKET_TYPE = u32(8);
    /** Byte offset of {@code rte_mbuf.pkt_len}. */
    public static final int MBUF_PKT_LEN = u32(9);
    /** Byte offset of {@code rte_mbuf.data_len}. */
    public static final int MBUF_DATA_LEN = u32(10);
    /** Byte offset of {@code rte_mbuf.vlan_tci}. */
    public static final int MBUF_VLAN_TCI = u32(11);
    /** Byte offset of {@code rte_mbuf.hash.rss}, the RSS hash of a received frame. */
    public static final int MBUF_HASH_RSS = u32(12);
    /** Byte offset of {@code rte_mbuf.buf_len}. */
    public static final int MBUF_BUF_LEN = u32(13);
    /** Byte offset of {@code rte_mbuf.pool}. */
    public static final int MBUF_POOL = u32(14);
    /** Byte offset of {@code rte_mbuf.next}. */
    public static final int MBUF_NEXT = u32(15);
    /** Byte offset of {@code rte_mbuf.tx_offload} (l2_len:7, l3_len:9, l4_len:8, ...). */
    public static final int MBUF_TX_OFFLOAD = u32(16);
    /** DPDK's {@code RTE_PKTMBUF_HEADROOM}. */
    public static final int PKTMBUF_HEADROOM = u32(17);
    /** DPDK's {@code RTE_MBUF_DEFAULT_BUF_SIZE}. */
    public static final int MBUF_DEFAULT_BUF_SIZE = u32(18);

    // struct rte_eth_dev_info
    /** {@code sizeof(struct rte_eth_dev_info)}, bytes. */
    public static final int DEV_INFO_SIZE = u32(19);
    /** Byte offset of {@code rte_eth_dev_info.driver_name}. */
    public static final int DEV_INFO_DRIVER_NAME = u32(20);
    /** Byte offset of {@code rte_eth_dev_info.if_index}. */
    public static final int DEV_INFO_IF_INDEX = u32(21);
    /** Byte offset of {@code rte_eth_dev_info.max_mtu}. */
    public static final int DEV_INFO_MAX_MTU = u32(22);
    /** Byte offset of {@code rte_eth_dev_info.max_rx_pktlen}. */
    public static final int DEV_INFO_MAX_RX_PKTLEN = u32(23);
    /** Byte offset of {@code rte_eth_dev_info.max_rx_queues}. */
    public static final int DEV_INFO_MAX_RX_QUEUES = u32(24);
    /** Byte offset of {@code rte_eth_dev_info.max_tx_queues}. */
    public static final int DEV_INFO_MAX_TX_QUEUES = u32(25);
    /** Byte offset of {@code rte_eth_dev_info.rx_offload_capa}. */
    public static final int DEV_INFO_RX_OFFLOAD_CAPA = u32(26);
    /** Byte offset of {@code rte_eth_dev_info.tx_offload_capa}. */
    public static final int DEV_INFO_TX_OFFLOAD_CAPA = u32(27);
    /** Byte offset of {@code rte_eth_dev_info.reta_size}. */
    public static final int DEV_INFO_RETA_SIZE = u32(28);
    /** Byte offset of {@code rte_eth_dev_info.hash_key_size}. */
    public static final int DEV_INFO_HASH_KEY_SIZE = u32(29);
    /** Byte offset of {@code rte_eth_dev_info.flow_type_rss_offloads}. */
    public static final int DEV_INFO_FLOW_TYPE_RSS_OFFLOADS = u32(30);
    /** Byte offset of {@code rte_eth_dev_info.rx_desc_lim.nb_max}. */
    public static final int DEV_INFO_RX_DESC_MAX = u32(31);
    /** Byte offset of {@code rte_eth_dev_info.tx_desc_lim.nb_max}. */
    public static final int DEV_INFO_TX_DESC_MAX = u32(32);

    // struct rte_eth_conf
    /** {@code sizeof(struct rte_eth_conf)}, bytes. */
    public static final int ETH_CONF_SIZE = u32(33);
    /** Byte offset of {@code rte_eth_conf.rxmode.mq_mode}. */
    public static final int ETH_CONF_RX_MQ_MODE = u32(34);
    /** Byte offset of {@code rte_eth_conf.rxmode.mtu}. */
    public static final int ETH_CONF_RX_MTU = u32(35);
    /** Byte offset of {@code rte_eth_conf.rxmode.offloads}. */
    public static final int ETH_CONF_RX_OFFLOADS = u32(36);
    /** Byte offset of {@code rte_eth_conf.txmode.offloads}. */
    public static final int ETH_CONF_TX_OFFLOADS = u32(37);
    /** Byte offset of {@code rte_eth_conf.rx_adv_conf.rss_key}. */
    public static final int ETH_CONF_RSS_KEY = u32(38);
    /** Byte offset of {@code rte_eth_conf.rx_adv_conf.rss_key_len}. */
    public static final int ETH_CONF_RSS_KEY_LEN = u32(39);
    /** Byte offset of {@code rte_eth_conf.rx_adv_conf.rss_hf}. */
    public static final int ETH_CONF_RSS_HF = u32(40);

    // struct rte_eth_stats
    /** {@code sizeof(struct rte_eth_stats)}, bytes. */
    public static final int ETH_STATS_SIZE = u32(41);
    /** Byte offset of {@code rte_eth_stats.ipackets}. */
    public static final int ETH_STATS_IPACKETS = u32(42);
    /** Byte offset of {@code rte_eth_stats.opackets}. */
    public static final int ETH_STATS_OPACKETS = u32(43);
    /** Byte offset of {@code rte_eth_stats.ibytes}. */
    public static final int ETH_STATS_IBYTES = u32(44);
    /** Byte offset of {@code rte_eth_stats.obytes}. */
    public static final int ETH_STATS_OBYTES = u32(45);
    /** Byte offset of {@code rte_eth_stats.imissed}. */
    public static final int ETH_STATS_IMISSED = u32(46);
    /** Byte offset of {@code rte_eth_stats.ierrors}. */
    public static final int ETH_STATS_IERRORS = u32(47);
    /** Byte offset of {@code rte_eth_stats.oerrors}. */
    public static final int ETH_STATS_OERRORS = u32(48);
    /** Byte offset of {@code rte_eth_stats.rx_nombuf}. */
    public static final int ETH_STATS_RX_NOMBUF = u32(49);

    // struct rte_eth_link: u32 link_speed, then a u16 of bit-fields (bit 0 duplex, bit 1 autoneg, bit 2 status)
    /** {@code sizeof(struct rte_eth_link)}, bytes. */
    public static final int ETH_LINK_SIZE = u32(50);
    /** Byte offset of {@code rte_eth_link.link_speed}. */
    public static final int ETH_LINK_SPEED = u32(51);
    /** {@code sizeof(struct rte_ether_addr)}, bytes. */
    public static final int ETHER_ADDR_SIZE = u32(52);
    /** DPDK's {@code RTE_ETH_NAME_MAX_LEN}. */
    public static final int ETH_NAME_MAX_LEN = u32(53);
    /** DPDK's {@code RTE_MAX_ETHPORTS}. */
    public static final int MAX_ETHPORTS = u32(54);
    /** DPDK's {@code LCORE_ID_ANY}: the lcore id of a thread EAL does not know. */
    public static final int LCORE_ID_ANY = u32(55);
    /** DPDK's {@code SOCKET_ID_ANY}: no NUMA preference. */
    public static final int SOCKET_ID_ANY = u32(56);
    /** {@code rte_mbuf.timesync}: the RX timestamp register a frame's IEEE 1588 stamp went to (i40e). */
    public static final int MBUF_TIMESYNC = u32(57);
    /** {@code sizeof(struct timespec)}, bytes. */
    public static final int TIMESPEC_SIZE = u32(58);
    /** Byte offset of {@code timespec.tv_sec}. */
    public static final int TIMESPEC_SEC = u32(59);
    /** Byte offset of {@code timespec.tv_nsec}. */
    public static final int TIMESPEC_NSEC = u32(60);

    // flags and enums
    /** DPDK's {@code RTE_ETH_RX_OFFLOAD_IPV4_CKSUM}. */
    public static final long RX_OFFLOAD_IPV4_CKSUM = u64(0);
    /** DPDK's {@code RTE_ETH_RX_OFFLOAD_TCP_CKSUM}. */
    public static final long RX_OFFLOAD_TCP_CKSUM = u64(1);
    /** DPDK's {@code RTE_ETH_RX_OFFLOAD_UDP_CKSUM}. */
    public static final long RX_OFFLOAD_UDP_CKSUM = u64(2);
    /** DPDK's {@code RTE_ETH_RX_OFFLOAD_RSS_HASH}. */
    public static final long RX_OFFLOAD_RSS_HASH = u64(3);
    /** DPDK's {@code RTE_ETH_TX_OFFLOAD_IPV4_CKSUM}. */
    public static final long TX_OFFLOAD_IPV4_CKSUM = u64(4);
    /** DPDK's {@code RTE_ETH_TX_OFFLOAD_TCP_CKSUM}. */
    public static final long TX_OFFLOAD_TCP_CKSUM = u64(5);
    /** DPDK's {@code RTE_ETH_TX_OFFLOAD_UDP_CKSUM}. */
    public static final long TX_OFFLOAD_UDP_CKSUM = u64(6);
    /** DPDK's {@code RTE_ETH_TX_OFFLOAD_MBUF_FAST_FREE}. */
    public static final long TX_OFFLOAD_MBUF_FAST_FREE = u64(7);
    /** DPDK's {@code RTE_ETH_MQ_RX_NONE}. */
    public static final int MQ_RX_NONE = (int)u64(8);
    /** DPDK's {@code RTE_ETH_MQ_RX_RSS}. */
    public static final int MQ_RX_RSS = (int)u64(9);
    /** DPDK's {@code RTE_ETH_RSS_IPV4}. */
    public static final long RSS_IPV4 = u64(10);
    /** DPDK's {@code RTE_ETH_RSS_NONFRAG_IPV4_TCP}. */
    public static final long RSS_NONFRAG_IPV4_TCP = u64(11);
    /** DPDK's {@code RTE_ETH_RSS_NONFRAG_IPV4_UDP}. */
    public static final long RSS_NONFRAG_IPV4_UDP = u64(12);
    /** DPDK's {@code RTE_MBUF_F_RX_IP_CKSUM_BAD}. */
    public static final long MBUF_F_RX_IP_CKSUM_BAD = u64(13);
    /** DPDK's {@code RTE_MBUF_F_RX_IP_CKSUM_GOOD}. */
    public static final long MBUF_F_RX_IP_CKSUM_GOOD = u64(14);
    /** DPDK's {@code RTE_MBUF_F_RX_L4_CKSUM_BAD}. */
    public static final long MBUF_F_RX_L4_CKSUM_BAD = u64(15);
    /** DPDK's {@code RTE_MBUF_F_RX_L4_CKSUM_GOOD}. */
    public static final long MBUF_F_RX_L4_CKSUM_GOOD = u64(16);
    /** DPDK's {@code RTE_MBUF_F_TX_IPV4}. */
    public static final long MBUF_F_TX_IPV4 = u64(17);
    /** DPDK's {@code RTE_MBUF_F_TX_IP_CKSUM}. */
    public static final long MBUF_F_TX_IP_CKSUM = u64(18);
    /** DPDK's {@code RTE_MBUF_F_TX_TCP_CKSUM}. */
    public static final long MBUF_F_TX_TCP_CKSUM = u64(19);
    /** DPDK's {@code RTE_ETH_LINK_UP}. */
    public static final int ETH_LINK_UP = (int)u64(20);
    /** DPDK's {@code RTE_ETH_LINK_FULL_DUPLEX}. */
    public static final int ETH_LINK_FULL_DUPLEX = (int)u64(21);
    /** DPDK's {@code RING_F_SP_ENQ}. */
    public static final int RING_F_SP_ENQ = (int)u64(22);
    /** DPDK's {@code RING_F_SC_DEQ}. */
    public static final int RING_F_SC_DEQ = (int)u64(23);
    /** DPDK's {@code RTE_MBUF_F_RX_IP_CKSUM_MASK}. */
    public static final long MBUF_F_RX_IP_CKSUM_MASK = u64(24);
    /** DPDK's {@code RTE_MBUF_F_RX_L4_CKSUM_MASK}. */
    public static final long MBUF_F_RX_L4_CKSUM_MASK = u64(25);
    /** DPDK's {@code RTE_ETH_RX_OFFLOAD_TIMESTAMP}. */
    public static final long RX_OFFLOAD_TIMESTAMP = u64(26);
    /** Ask the NIC to latch this frame's transmit time (IEEE 1588 timesync). */
    public static final long MBUF_F_TX_IEEE1588_TMST = u64(27);
    /** DPDK's {@code RTE_MBUF_F_RX_IEEE1588_PTP}. */
    public static final long MBUF_F_RX_IEEE1588_PTP = u64(28);
    /** The NIC latched this received frame's time (read it with {@code rte_eth_timesync_read_rx_timestamp}). */
    public static final long MBUF_F_RX_IEEE1588_TMST = u64(29);

    private NativeLayout()
    {
    }
}
