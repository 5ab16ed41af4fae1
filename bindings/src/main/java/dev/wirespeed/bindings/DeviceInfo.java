package dev.wirespeed.bindings;

/**
 * What a port can do ({@code rte_eth_dev_info}): queues, descriptors, offload and RSS capabilities.
 *
 * @param driverName       the PMD's name, e.g. {@code net_af_packet}.
 * @param ifIndex          the kernel interface index, 0 if none.
 * @param maxRxQueues      RX queues the port supports at most.
 * @param maxTxQueues      TX queues the port supports at most.
 * @param maxRxDescriptors descriptors per RX queue at most.
 * @param maxTxDescriptors descriptors per TX queue at most.
 * @param maxMtu           the largest MTU, bytes.
 * @param rxOffloadCapa    {@code RTE_ETH_RX_OFFLOAD_*} bits the port offers.
 * @param txOffloadCapa    {@code RTE_ETH_TX_OFFLOAD_*} bits the port offers.
 * @param rssOffloads      {@code RTE_ETH_RSS_*} flow types RSS can hash.
 * @param retaSize         entries of the RSS redirection table.
 * @param hashKeySize      RSS hash key length, bytes.
 */
public record DeviceInfo(
    String driverName,
    int ifIndex,
    int maxRxQueues,
    int maxTxQueues,
    int maxRxDescriptors,
    int maxTxDescriptors,
    int maxMtu,
    long rxOffloadCapa,
    long txOffloadCapa,
    long rssOffloads,
    int retaSize,
    int hashKeySize)
{
    /**
     * The port fills IPv4 and TCP checksums on transmit.
     *
     * @return true if both are offered.
     */
    public boolean txChecksumOffload()
    {
        final long need = NativeLayout.TX_OFFLOAD_IPV4_CKSUM | NativeLayout.TX_OFFLOAD_TCP_CKSUM;
        return (txOffloadCapa & need) == need;
    }

    /**
     * The port verifies IPv4 and TCP checksums on receive and reports it in mbuf flags.
     *
     * @return true if both are offered.
     */
    public boolean rxChecksumOffload()
    {
        final long need = NativeLayout.RX_OFFLOAD_IPV4_CKSUM | NativeLayout.RX_OFFLOAD_TCP_CKSUM;
        return (rxOffloadCapa & need) == need;
    }

    /**
     * The port spreads TCP/IPv4 flows over several RX queues by RSS.
     *
     * @return true with more than one RX queue and TCP/IPv4 RSS.
     */
    public boolean rss()
    {
        return maxRxQueues > 1 && (rssOffloads & NativeLayout.RSS_NONFRAG_IPV4_TCP) != 0;
    }

    /**
     * One line for logs: driver, queue limits, checksum offloads and RSS.
     *
     * @return e.g. {@code "net_ring rxq<=16 txq<=16 csum-offload tx=no rx=no rss=no"}.
     */
    public String describe()
    {
        return driverName + " rxq<=" + maxRxQueues + " txq<=" + maxTxQueues +
            " csum-offload tx=" + (txChecksumOffload() ? "yes" : "no") + " rx=" + (rxChecksumOffload() ? "yes" : "no") +
            " rss=" + (rss() ? "yes(key " + hashKeySize + "B, reta " + retaSize + ")" : "no");
    }
}
