package dev.wirespeed.bindings;

/** Basic port counters ({@code rte_eth_stats}); a reusable holder filled by {@link EthPort#stats(PortStats)}. */
public final class PortStats
{
    public long rxPackets;
    public long txPackets;
    public long rxBytes;
    public long txBytes;
    public long rxMissed;
    public long rxErrors;
    public long txErrors;
    public long rxNoMbuf;

    public String toString()
    {
        return "rx " + rxPackets + " pkts/" + rxBytes + " B, tx " + txPackets + " pkts/" + txBytes + " B, missed " +
            rxMissed + ", rx errors " + rxErrors + ", tx errors " + txErrors + ", rx no-mbuf " + rxNoMbuf;
    }
}
