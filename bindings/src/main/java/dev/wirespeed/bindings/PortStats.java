package dev.wirespeed.bindings;

/** Basic port counters ({@code rte_eth_stats}); a reusable holder filled by {@link EthPort#stats(PortStats)}. */
public final class PortStats
{
    /**
     * Empty statistics (all zero) until a port reads into them.
     */
    public PortStats()
    {
    }

    /** Frames received ({@code ipackets}). */
    public long rxPackets;
    /** Frames transmitted ({@code opackets}). */
    public long txPackets;
    /** Bytes received ({@code ibytes}). */
    public long rxBytes;
    /** Bytes transmitted ({@code obytes}). */
    public long txBytes;
    /**
     * Frames the NIC dropped for want of RX descriptors ({@code imissed}; for AF_PACKET also the kernel ring's drops).
     */
    public long rxMissed;
    /** Erroneous frames received ({@code ierrors}). */
    public long rxErrors;
    /** Frames that failed to transmit ({@code oerrors}). */
    public long txErrors;
    /** RX mbuf allocation failures ({@code rx_nombuf}). */
    public long rxNoMbuf;

    public String toString()
    {
        return "rx " + rxPackets + " pkts/" + rxBytes + " B, tx " + txPackets + " pkts/" + txBytes + " B, missed " +
            rxMissed + ", rx errors " + rxErrors + ", tx errors " + txErrors + ", rx no-mbuf " + rxNoMbuf;
    }
}
