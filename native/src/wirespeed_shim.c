/*
 * Wirespeed C shim: one-line, non-inline wrappers for DPDK's static-inline fast path,
 * plus tables of struct offsets and constants so that Java never hard-codes a DPDK layout.
 *
 * Rule: no logic here. Every function is a single call or a single read; logic lives in Java
 * where it is tested. The tables are filled by the compiler (offsetof / sizeof / #define).
 */
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <rte_config.h>
#include <rte_common.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_ring.h>
#include <rte_cycles.h>
#include <rte_eth_ring.h>
#include <rte_mbuf_dyn.h>

/* ---- fast path (static inline in DPDK) ---- */
uint16_t ws_rx_burst(uint16_t port, uint16_t queue, struct rte_mbuf **pkts, uint16_t n) { return rte_eth_rx_burst(port, queue, pkts, n); }
uint16_t ws_tx_burst(uint16_t port, uint16_t queue, struct rte_mbuf **pkts, uint16_t n) { return rte_eth_tx_burst(port, queue, pkts, n); }
struct rte_mbuf *ws_pktmbuf_alloc(struct rte_mempool *mp) { return rte_pktmbuf_alloc(mp); }
int ws_pktmbuf_alloc_bulk(struct rte_mempool *mp, struct rte_mbuf **mbufs, unsigned int n) { return rte_pktmbuf_alloc_bulk(mp, mbufs, n); }
void ws_pktmbuf_free(struct rte_mbuf *m) { rte_pktmbuf_free(m); }
void ws_pktmbuf_free_bulk(struct rte_mbuf **mbufs, unsigned int n) { rte_pktmbuf_free_bulk(mbufs, n); }
unsigned int ws_lcore_id(void) { return rte_lcore_id(); }
int ws_errno(void) { return rte_errno; }
uint64_t ws_rdtsc(void) { return rte_rdtsc(); }
/* Exported by librte_net_ring; wrapped so the shim links the ring PMD and Java finds the symbol here. */
int ws_eth_from_rings(const char *name, struct rte_ring *const rx[], unsigned nb_rx,
                      struct rte_ring *const tx[], unsigned nb_tx, unsigned socket) { return rte_eth_from_rings(name, rx, nb_rx, tx, nb_tx, socket); }

/*
 * Layout table: offsets and sizes of the DPDK structs Java reads or fills.
 * The order is the contract with dev.wirespeed.bindings.NativeLayout; append only, never reorder.
 */
const uint32_t ws_layout[] = {
    0x57530001u,                                        /*  0 magic + table version */
    /* struct rte_mbuf */
    sizeof(struct rte_mbuf),                            /*  1 */
    offsetof(struct rte_mbuf, buf_addr),                /*  2 */
    offsetof(struct rte_mbuf, data_off),                /*  3 */
    offsetof(struct rte_mbuf, refcnt),                  /*  4 */
    offsetof(struct rte_mbuf, nb_segs),                 /*  5 */
    offsetof(struct rte_mbuf, port),                    /*  6 */
    offsetof(struct rte_mbuf, ol_flags),                /*  7 */
    offsetof(struct rte_mbuf, packet_type),             /*  8 */
    offsetof(struct rte_mbuf, pkt_len),                 /*  9 */
    offsetof(struct rte_mbuf, data_len),                /* 10 */
    offsetof(struct rte_mbuf, vlan_tci),                /* 11 */
    offsetof(struct rte_mbuf, hash),                    /* 12 hash.rss */
    offsetof(struct rte_mbuf, buf_len),                 /* 13 */
    offsetof(struct rte_mbuf, pool),                    /* 14 */
    offsetof(struct rte_mbuf, next),                    /* 15 */
    offsetof(struct rte_mbuf, tx_offload),              /* 16 l2_len:7 l3_len:9 l4_len:8 ... */
    RTE_PKTMBUF_HEADROOM,                               /* 17 */
    RTE_MBUF_DEFAULT_BUF_SIZE,                          /* 18 */
    /* struct rte_eth_dev_info */
    sizeof(struct rte_eth_dev_info),                    /* 19 */
    offsetof(struct rte_eth_dev_info, driver_name),     /* 20 */
    offsetof(struct rte_eth_dev_info, if_index),        /* 21 */
    offsetof(struct rte_eth_dev_info, max_mtu),         /* 22 */
    offsetof(struct rte_eth_dev_info, max_rx_pktlen),   /* 23 */
    offsetof(struct rte_eth_dev_info, max_rx_queues),   /* 24 */
    offsetof(struct rte_eth_dev_info, max_tx_queues),   /* 25 */
    offsetof(struct rte_eth_dev_info, rx_offload_capa), /* 26 */
    offsetof(struct rte_eth_dev_info, tx_offload_capa), /* 27 */
    offsetof(struct rte_eth_dev_info, reta_size),       /* 28 */
    offsetof(struct rte_eth_dev_info, hash_key_size),   /* 29 */
    offsetof(struct rte_eth_dev_info, flow_type_rss_offloads), /* 30 */
    offsetof(struct rte_eth_dev_info, rx_desc_lim) + offsetof(struct rte_eth_desc_lim, nb_max), /* 31 */
    offsetof(struct rte_eth_dev_info, tx_desc_lim) + offsetof(struct rte_eth_desc_lim, nb_max), /* 32 */
    /* struct rte_eth_conf */
    sizeof(struct rte_eth_conf),                        /* 33 */
    offsetof(struct rte_eth_conf, rxmode) + offsetof(struct rte_eth_rxmode, mq_mode),  /* 34 */
    offsetof(struct rte_eth_conf, rxmode) + offsetof(struct rte_eth_rxmode, mtu),      /* 35 */
    offsetof(struct rte_eth_conf, rxmode) + offsetof(struct rte_eth_rxmode, offloads), /* 36 */
    offsetof(struct rte_eth_conf, txmode) + offsetof(struct rte_eth_txmode, offloads), /* 37 */
    offsetof(struct rte_eth_conf, rx_adv_conf) + offsetof(struct rte_eth_rss_conf, rss_key),     /* 38 */
    offsetof(struct rte_eth_conf, rx_adv_conf) + offsetof(struct rte_eth_rss_conf, rss_key_len), /* 39 */
    offsetof(struct rte_eth_conf, rx_adv_conf) + offsetof(struct rte_eth_rss_conf, rss_hf),      /* 40 */
    /* struct rte_eth_stats */
    sizeof(struct rte_eth_stats),                       /* 41 */
    offsetof(struct rte_eth_stats, ipackets),           /* 42 */
    offsetof(struct rte_eth_stats, opackets),           /* 43 */
    offsetof(struct rte_eth_stats, ibytes),             /* 44 */
    offsetof(struct rte_eth_stats, obytes),             /* 45 */
    offsetof(struct rte_eth_stats, imissed),            /* 46 */
    offsetof(struct rte_eth_stats, ierrors),            /* 47 */
    offsetof(struct rte_eth_stats, oerrors),            /* 48 */
    offsetof(struct rte_eth_stats, rx_nombuf),          /* 49 */
    /* struct rte_eth_link (link_speed u32, then a u16 of bit-fields: duplex, autoneg, status) */
    sizeof(struct rte_eth_link),                        /* 50 */
    offsetof(struct rte_eth_link, link_speed),          /* 51 */
    sizeof(struct rte_ether_addr),                      /* 52 */
    RTE_ETH_NAME_MAX_LEN,                               /* 53 */
    RTE_MAX_ETHPORTS,                                   /* 54 */
    LCORE_ID_ANY,                                       /* 55 */
    SOCKET_ID_ANY,                                      /* 56 (as u32) */
    offsetof(struct rte_mbuf, timesync),                /* 57 IEEE 1588 RX timestamp register index (i40e) */
    sizeof(struct timespec),                            /* 58 */
    offsetof(struct timespec, tv_sec),                  /* 59 */
    offsetof(struct timespec, tv_nsec),                 /* 60 */
};
const uint32_t ws_layout_count = sizeof(ws_layout) / sizeof(ws_layout[0]);

/* Flag and enum values Java needs. Order is the contract with NativeLayout; append only. */
const uint64_t ws_consts[] = {
    RTE_ETH_RX_OFFLOAD_IPV4_CKSUM,   /*  0 */
    RTE_ETH_RX_OFFLOAD_TCP_CKSUM,    /*  1 */
    RTE_ETH_RX_OFFLOAD_UDP_CKSUM,    /*  2 */
    RTE_ETH_RX_OFFLOAD_RSS_HASH,     /*  3 */
    RTE_ETH_TX_OFFLOAD_IPV4_CKSUM,   /*  4 */
    RTE_ETH_TX_OFFLOAD_TCP_CKSUM,    /*  5 */
    RTE_ETH_TX_OFFLOAD_UDP_CKSUM,    /*  6 */
    RTE_ETH_TX_OFFLOAD_MBUF_FAST_FREE, /* 7 */
    RTE_ETH_MQ_RX_NONE,              /*  8 */
    RTE_ETH_MQ_RX_RSS,               /*  9 */
    RTE_ETH_RSS_IPV4,                /* 10 */
    RTE_ETH_RSS_NONFRAG_IPV4_TCP,    /* 11 */
    RTE_ETH_RSS_NONFRAG_IPV4_UDP,    /* 12 */
    RTE_MBUF_F_RX_IP_CKSUM_BAD,      /* 13 */
    RTE_MBUF_F_RX_IP_CKSUM_GOOD,     /* 14 */
    RTE_MBUF_F_RX_L4_CKSUM_BAD,      /* 15 */
    RTE_MBUF_F_RX_L4_CKSUM_GOOD,     /* 16 */
    RTE_MBUF_F_TX_IPV4,              /* 17 */
    RTE_MBUF_F_TX_IP_CKSUM,          /* 18 */
    RTE_MBUF_F_TX_TCP_CKSUM,         /* 19 */
    RTE_ETH_LINK_UP,                 /* 20 */
    RTE_ETH_LINK_FULL_DUPLEX,        /* 21 */
    RING_F_SP_ENQ,                   /* 22 */
    RING_F_SC_DEQ,                   /* 23 */
    RTE_MBUF_F_RX_IP_CKSUM_MASK,     /* 24 */
    RTE_MBUF_F_RX_L4_CKSUM_MASK,     /* 25 */
    RTE_ETH_RX_OFFLOAD_TIMESTAMP,    /* 26 */
    RTE_MBUF_F_TX_IEEE1588_TMST,     /* 27 */
    RTE_MBUF_F_RX_IEEE1588_PTP,      /* 28 */
    RTE_MBUF_F_RX_IEEE1588_TMST,     /* 29 */
};
const uint32_t ws_consts_count = sizeof(ws_consts) / sizeof(ws_consts[0]);
