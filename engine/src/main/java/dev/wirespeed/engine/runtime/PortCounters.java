package dev.wirespeed.engine.runtime;

import dev.wirespeed.bindings.PortStats;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * The port's own counters ({@code rte_eth_stats}, as the driver reports them) in {@link EngineCounters},
 * labelled {@code "port NAME"} with DPDK's field names: {@code imissed} (frames the NIC or the kernel ring dropped
 * because no descriptor was free), {@code ierrors}, {@code oerrors}, {@code rx_nombuf} (no mbuf to receive into),
 * and the packet and byte totals. Shard 0 publishes them about every {@link #INTERVAL_NS}.
 * <p>
 * Not thread safe: one writer.
 */
public final class PortCounters
{
    /** How often shard 0 reads the port's counters. */
    public static final long INTERVAL_NS = 100_000_000L;

    private final AtomicCounter ipackets;
    private final AtomicCounter opackets;
    private final AtomicCounter ibytes;
    private final AtomicCounter obytes;
    private final AtomicCounter imissed;
    private final AtomicCounter ierrors;
    private final AtomicCounter oerrors;
    private final AtomicCounter rxNombuf;

    PortCounters(final EngineCounters counters)
    {
        ipackets = counters.newCounter("port ipackets", EngineCounters.TYPE_PACKETS);
        opackets = counters.newCounter("port opackets", EngineCounters.TYPE_PACKETS);
        ibytes = counters.newCounter("port ibytes", EngineCounters.TYPE_BYTES);
        obytes = counters.newCounter("port obytes", EngineCounters.TYPE_BYTES);
        imissed = counters.newCounter("port imissed", EngineCounters.TYPE_DROPS);
        ierrors = counters.newCounter("port ierrors", EngineCounters.TYPE_DROPS);
        oerrors = counters.newCounter("port oerrors", EngineCounters.TYPE_DROPS);
        rxNombuf = counters.newCounter("port rx_nombuf", EngineCounters.TYPE_DROPS);
    }

    /**
     * Publishes one reading of the port's counters.
     *
     * @param stats the port's statistics as just read from DPDK (any thread that reads them, one at a time).
     */
    public void publish(final PortStats stats)
    {
        ipackets.setRelease(stats.rxPackets);
        opackets.setRelease(stats.txPackets);
        ibytes.setRelease(stats.rxBytes);
        obytes.setRelease(stats.txBytes);
        imissed.setRelease(stats.rxMissed);
        ierrors.setRelease(stats.rxErrors);
        oerrors.setRelease(stats.txErrors);
        rxNombuf.setRelease(stats.rxNoMbuf);
    }
}
