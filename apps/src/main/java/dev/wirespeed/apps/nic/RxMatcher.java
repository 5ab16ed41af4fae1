package dev.wirespeed.apps.nic;

import java.lang.foreign.Arena;

import dev.wirespeed.bindings.EthPort;
import dev.wirespeed.bindings.Mbuf;
import dev.wirespeed.bindings.MbufBurst;
import dev.wirespeed.bindings.MbufView;
import dev.wirespeed.bindings.RxTimestampField;
import org.HdrHistogram.Histogram;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The receiving side of a trial: counts the test frames whose sequence number lies in the trial's window (frames of
 * an earlier trial or of the warm-up arriving late are counted apart, never as this trial's), and records each
 * one's latency (receive time minus the send timestamp in its payload) into an HdrHistogram.
 * <p>
 * Allocates nothing after construction. Not thread safe.
 */
public final class RxMatcher
{
    private final EthPort port;
    private final int queue;
    private final MbufBurst burst;
    private final MbufView view = new MbufView();
    private final PacketClock clock;
    private final long highestTrackable;
    private int stream;
    private long firstSeq;
    private long endSeq;
    private Histogram histogram;
    private long matched;
    private long outOfWindow;
    private long other;
    private long lastMatchNs;
    private HwLatencySampler sampler;
    private RxTimestampField rxField;
    private HwTimestampMath.ClockTracker tickMap;
    private long hwStamped;

    /**
     * A matcher receiving from {@code queue} of {@code port}.
     *
     * @param arena owns the burst array.
     * @param port  the receiving port, started.
     * @param queue the RX queue.
     * @param clock stamps each frame's arrival (software).
     */
    public RxMatcher(final Arena arena, final EthPort port, final int queue, final PacketClock clock)
    {
        this.port = port;
        this.queue = queue;
        this.burst = new MbufBurst(arena, MbufBurst.DEFAULT_CAPACITY);
        this.clock = clock;
        this.highestTrackable = 60_000_000_000L;
    }

    /**
     * A histogram this matcher can record into (1 ns to 60 s, 3 significant digits).
     *
     * @return an empty histogram.
     */
    public static Histogram newHistogram()
    {
        return new Histogram(1, 60_000_000_000L, 3);
    }

    /**
     * Starts counting frames of {@code stream} with {@code firstSeq <= seq < endSeq}; latencies go into
     * {@code histogram} when it is not null. Resets the counters.
     *
     * @param stream    the stream id to count.
     * @param firstSeq  the first sequence number of the window.
     * @param endSeq    the end of the window, exclusive.
     * @param histogram receives latencies in ns, or null.
     */
    public void window(final int stream, final long firstSeq, final long endSeq, final Histogram histogram)
    {
        this.stream = stream;
        this.firstSeq = firstSeq;
        this.endSeq = endSeq;
        this.histogram = histogram;
        this.matched = 0;
        this.outOfWindow = 0;
        this.lastMatchNs = clock.nowNs();
    }

    /**
     * IEEE 1588 samples: the sampler sees every frame of the window (null: none).
     *
     * @param sampler the sampler, or null.
     */
    public void sampler(final HwLatencySampler sampler)
    {
        this.sampler = sampler;
    }

    /**
     * RX timestamp offload: latencies count to the NIC's arrival stamp of each frame, mapped by {@code map} into
     * the software clock, instead of the software read after rx_burst (null: software).
     *
     * @param field the RX timestamp field, or null for software stamps.
     * @param map   device ticks to the software clock.
     */
    public void rxOffload(final RxTimestampField field, final HwTimestampMath.ClockTracker map)
    {
        this.rxField = field;
        this.tickMap = map;
        this.hwStamped = 0;
    }

    /**
     * Frames whose latency used the NIC's RX timestamp (offload) since {@link #rxOffload}.
     *
     * @return the count.
     */
    public long hwStamped()
    {
        return hwStamped;
    }

    /**
     * Narrows the window's end once the trial's last sequence number is known.
     *
     * @param endSeq the end of the window, exclusive.
     */
    public void end(final long endSeq)
    {
        this.endSeq = endSeq;
    }

    /**
     * Receives one burst. Returns frames received (any kind).
     *
     * @return frames received.
     */
    public int poll()
    {
        final int n = port.rxBurst(queue, burst);
        if (n == 0)
        {
            return 0;
        }
        final long nowNs = clock.nowNs();
        for (int i = 0; i < n; i++)
        {
            final long m = burst.get(i);
            final UnsafeBuffer buf = view.wrap(m);
            if (!TestFrame.isTestFrame(buf, Mbuf.dataLength(m)))
            {
                other++;
                continue;
            }
            final long seq = TestFrame.sequence(buf);
            if (seq >= firstSeq && seq < endSeq && TestFrame.stream(buf) == stream)
            {
                matched++;
                lastMatchNs = nowNs;
                if (sampler != null)
                {
                    sampler.received(m, seq);
                }
                if (histogram != null)
                {
                    long arrivalNs = nowNs;
                    if (rxField != null)
                    {
                        final long ticks = rxField.ticks(m);
                        if (ticks >= 0)
                        {
                            arrivalNs = tickMap.toNs(ticks);
                            hwStamped++;
                        }
                    }
                    final long latency = arrivalNs - TestFrame.timestampNs(buf);
                    histogram.recordValue(Math.max(1, Math.min(latency, highestTrackable)));
                }
            }
            else
            {
                outOfWindow++;
            }
        }
        burst.freeAll();
        return n;
    }

    /**
     * Frames of the window received.
     *
     * @return the count.
     */
    public long matched()
    {
        return matched;
    }

    /**
     * Test frames outside the window (late frames of an earlier trial).
     *
     * @return the count.
     */
    public long outOfWindow()
    {
        return outOfWindow;
    }

    /**
     * Frames that were not test frames.
     *
     * @return the count.
     */
    public long other()
    {
        return other;
    }

    /**
     * When the last frame of the window arrived (or the window started).
     *
     * @return the time, in the matcher's clock, ns.
     */
    public long lastMatchNs()
    {
        return lastMatchNs;
    }
}
