package dev.wirespeed.bindings;

/**
 * What a port can do ({@code rte_eth_dev_info}): queues, descriptors, offload and RSS capabilities.
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
    /** The port fills IPv4 and TCP checksums on transmit. */
    public boolean txChecksumOffload()
    {
        final long need = NativeLayout.TX_OFFLOAD_IPV4_CKSUM | NativeLayout.TX_OFFLOAD_TCP_CKSUM;
        return (txOffloadCapa & need) == need;
    }

    /** The port verifies IPv4 and TCP checksums on receive and reports it in mbuf flags. */
    public boolean rxChecksumOffload()
    {
        final long need = NativeLayout.RX_OFFLOAD_IPV4_CKSUM | NativeLayout.RX_OFFLOAD_TCP_CKSUM;
        return (rxOffloadCapa & need) == need;
    }

    /** The port spreads TCP/IPv4 flows over several RX queues by RSS. */
    public boolean rss()
    {
        return maxRxQueues > 1 && (rssOffloads & NativeLayout.RSS_NONFRAG_IPV4_TCP) != 0;
    }

    public String describe()
    {
        return driverName + " rxq<=" + maxRxQueues + " txq<=" + maxTxQueues +
            " csum-offload tx=" + (txChecksumOffload() ? "yes" : "no") + " rx=" + (rxChecksumOffload() ? "yes" : "no") +
            " rss=" + (rss() ? "yes(key " + hashKeySize + "B, reta " + retaSize + ")" : "no");
    }
}
