package dev.wirespeed.apps.nic;

import dev.wirespeed.bindings.EthPort;
import dev.wirespeed.bindings.Mbuf;
import dev.wirespeed.bindings.NativeLayout;
import org.HdrHistogram.Histogram;

/**
 * IEEE 1588 latency samples in the MoonGen manner: a NIC latches one transmit and one receive time at a time, so
 * one test frame is in flight at a time. Every {@code intervalNs} the next frame of the stream is sent with
 * {@code RTE_MBUF_F_TX_IEEE1588_TMST}; its transmit time is read with {@code rte_eth_timesync_read_tx_timestamp},
 * and when it comes back (matched by stream and sequence number) carrying {@code RTE_MBUF_F_RX_IEEE1588_TMST}, its
 * receive time with {@code rte_eth_timesync_read_rx_timestamp} (the mbuf's {@code timesync} register index as
 * flags, for i40e). The latency is {@link HwTimestampMath#latencyNs} of the two, corrected by the clock offset of
 * two ports. A sample whose stamps do not both arrive within {@code timeoutNs} is counted by what was missing.
 * <p>
 * Unverified here: no device on the development machine has timesync (every vdev returns ENOTSUP).
 * Allocates nothing after construction. Not thread safe: the trial's thread.
 */
public final class HwLatencySampler
{
    private static final int IDLE = 0;
    private static final int MARKED = 1;
    private static final int IN_FLIGHT = 2;

    private final EthPort tx;
    private final EthPort rx;
    private final long intervalNs;
    private final long timeoutNs;
    private Histogram histogram;
    private TxStream stream;
    private int state;
    private long nextNs;
    private long sentAtNs;
    private long awaitedSeq;
    private long txNs;
    private long rxNs;
    private boolean arrived;
    private long rxMinusTxNs;
    private long offsetUncertaintyNs;
    private long samples;
    private long noTxStamp;
    private long notBack;
    private long noRxStamp;

    /**
     * A sampler from {@code tx} to {@code rx} (the same port when looped back).
     *
     * @param tx         the sending port, with timesync enabled.
     * @param rx         the receiving port, with timesync enabled.
     * @param intervalNs time between samples, ns.
     * @param timeoutNs  how long a sample waits for its stamps, ns.
     */
    public HwLatencySampler(final EthPort tx, final EthPort rx, final long intervalNs, final long timeoutNs)
    {
        this.tx = tx;
        this.rx = rx;
        this.intervalNs = intervalNs;
        this.timeoutNs = timeoutNs;
    }

    /**
     * Starts sampling {@code stream}'s frames into {@code histogram}: clears latched stamps, measures the offset of
     * the two ports' clocks (0 on one port), resets the counters.
     *
     * @param stream    the stream whose frames are sampled.
     * @param histogram receives latencies, ns.
     * @param nowNs     the trial's clock now, ns.
     */
    public void begin(final TxStream stream, final Histogram histogram, final long nowNs)
    {
        this.stream = stream;
        this.histogram = histogram;
        tx.readTxTimestampNs();
        rx.readRxTimestampNs(0);
        if (rx == tx)
        {
            rxMinusTxNs = 0;
            offsetUncertaintyNs = 0;
        }
        else
        {
            final long a0 = tx.readTimesyncTimeNs();
            final long b = rx.readTimesyncTimeNs();
            final long a1 = tx.readTimesyncTimeNs();
            rxMinusTxNs = HwTimestampMath.offsetNs(a0, b, a1);
            offsetUncertaintyNs = (a1 - a0) / 2;
        }
        state = IDLE;
        nextNs = nowNs;
        samples = 0;
        noTxStamp = 0;
        notBack = 0;
        noRxStamp = 0;
    }

    /** Stops sampling (a frame still marked is abandoned, and its mark taken off the stream). */
    public void end()
    {
        if (stream != null)
        {
            stream.clearMark();
        }
        stream = null;
        state = IDLE;
    }

    /**
     * Called before each {@link TxStream#doWork()}: marks the next frame when a sample is due.
     *
     * @param nowNs the trial's clock now, ns.
     */
    public void beforeSend(final long nowNs)
    {
        if (stream != null && state == IDLE && nowNs - nextNs >= 0)
        {
            stream.markNext(NativeLayout.MBUF_F_TX_IEEE1588_TMST);
            state = MARKED;
            sentAtNs = nowNs;
        }
    }

    /**
     * Called after each send and receive: collects the transmit stamp, completes or times out the sample.
     *
     * @param nowNs the trial's clock now, ns.
     */
    public void poll(final long nowNs)
    {
        if (state == MARKED)
        {
            final long seq = stream.markedSequence();
            if (seq >= 0)
            {
                awaitedSeq = seq;
                txNs = -1;
                rxNs = -1;
                arrived = false;
                state = IN_FLIGHT;
            }
            return;
        }
        if (state != IN_FLIGHT)
        {
            return;
        }
        if (txNs < 0)
        {
            txNs = tx.readTxTimestampNs();
        }
        if (txNs >= 0 && rxNs >= 0)
        {
            histogram.recordValue(Math.max(1, HwTimestampMath.latencyNs(txNs, rxNs, rxMinusTxNs)));
            samples++;
            idle(nowNs);
        }
        else if (nowNs - sentAtNs > timeoutNs)
        {
            if (txNs < 0)
            {
                noTxStamp++;
            }
            else if (!arrived)
            {
                notBack++;
            }
            else
            {
                noRxStamp++;
            }
            idle(nowNs);
        }
    }

    /**
     * Called by the receiver for every frame of the sampled stream that arrives.
     *
     * @param mbuf the received mbuf's address.
     * @param seq  its sequence number.
     */
    public void received(final long mbuf, final long seq)
    {
        if (state == IN_FLIGHT && seq == awaitedSeq && !arrived)
        {
            arrived = true;
            if ((Mbuf.offloadFlags(mbuf) & NativeLayout.MBUF_F_RX_IEEE1588_TMST) != 0)
            {
                rxNs = rx.readRxTimestampNs(Mbuf.timesync(mbuf));
            }
        }
    }

    private void idle(final long nowNs)
    {
        state = IDLE;
        nextNs = nowNs + intervalNs;
        stream.clearMark();
    }

    /**
     * Samples completed (both stamps read) since {@link #begin}.
     *
     * @return the count.
     */
    public long samples()
    {
        return samples;
    }

    /**
     * What became of the samples that did not complete, and the clock offset used: for the report.
     *
     * @return one line.
     */
    public String describe()
    {
        return samples + " samples; incomplete: " + noTxStamp + " without a transmit stamp, " + notBack +
            " not back in time, " + noRxStamp + " back without a receive stamp (the NIC's RX timestamp filter may " +
            "take only PTP frames); clock offset rx - tx " + rxMinusTxNs + " ns +- " + offsetUncertaintyNs + " ns";
    }
}
