package dev.wirespeed.apps.load;

import java.util.concurrent.atomic.AtomicLongArray;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.SingleWriterRecorder;

/**
 * What one load shard publishes to the thread that reports: counters (written by the shard with release stores,
 * read from anywhere) and three latency recorders (connect time, time to first byte, request latency, in
 * nanoseconds). Recording is allocation-free; the reader swaps interval histograms out with
 * {@link SingleWriterRecorder#getIntervalHistogram(Histogram)}, giving the previous one back for reuse.
 * <p>
 * One writer (the shard thread) per instance.
 */
public final class LoadStats
{
    /** Connections the shard asked the endpoint to open. */
    public static final int OPENED = 0;
    /** Connections that completed the handshake. */
    public static final int CONNECTED = 1;
    /** Connections gone (any way). */
    public static final int CLOSED = 2;
    /** Requests sent (http, echo). */
    public static final int REQUESTS = 3;
    /** Requests answered in full and correctly (http, echo); connections completed (connect); transfers (bulk). */
    public static final int COMPLETED = 4;
    /** Counter: request and stream bytes written. */
    public static final int BYTES_SENT = 5;
    /** Counter: response and stream bytes read. */
    public static final int BYTES_RECEIVED = 6;
    /** The target answered our SYN with RST. */
    public static final int ERR_REFUSED = 7;
    /** No handshake within the connect timeout (or TCP gave up on the SYN). */
    public static final int ERR_CONNECT_TIMEOUT = 8;
    /** Reset by the peer after the handshake. */
    public static final int ERR_RESET = 9;
    /** No complete response within the read timeout (or TCP gave up retransmitting). */
    public static final int ERR_READ_TIMEOUT = 10;
    /** A response that is not HTTP/1.x, not 2xx/3xx, or badly framed, or cut short by the peer's FIN. */
    public static final int ERR_BAD_RESPONSE = 11;
    /** An echo that differs from what was sent. */
    public static final int ERR_ECHO_MISMATCH = 12;
    /** The endpoint had no free (address, port) for an active open. */
    public static final int NO_PORT = 13;
    /** The endpoint's connection table was full. */
    public static final int TABLE_FULL = 14;
    /** Due requests (or connections) that waited because the concurrency cap was reached, summed per ms. */
    public static final int CAP_WAITS = 15;
    /** Requests (or connections) issued more than 1 ms after they were due while the cap was not the reason. */
    public static final int LATE = 16;
    /** Gauge: connections open now (connecting or established). */
    public static final int OPEN = 17;
    /** Gauge: requests due but not yet issued. */
    public static final int BACKLOG = 18;
    /** Gauge: 1 once the target's MAC is known. */
    public static final int ARP_RESOLVED = 19;
    /** Gauge: the shard's phase ({@link LoadShard#PHASE_DONE} at the end). */
    public static final int PHASE = 20;
    /** Connections aborted at the end of the run with a request still in flight (not an error). */
    public static final int CUT_AT_END = 21;
    /** Requests issued, with the lateness of their issue (ns) summed: the generator's own lag. */
    public static final int LATENESS_NS = 22;
    /** Gauge: most connections open at once while the run was on. */
    public static final int PEAK_OPEN = 23;
    /** The shard thread's CPU time while the run was on (warmup included), ns; published when it ends. */
    public static final int RUN_CPU_NS = 24;
    /** Gauge: most requests (or connections) ever due and not yet issued, the open loop's largest backlog. */
    public static final int MAX_BACKLOG = 25;
    /** Time the open loop was behind: its oldest unissued request more than 1 ms past due, ns. */
    public static final int BEHIND_NS = 26;
    static final int COUNT = 27;

    /** Error counters, in the order the summary lists them. */
    public static final int[] ERRORS =
        {ERR_REFUSED, ERR_CONNECT_TIMEOUT, ERR_RESET, ERR_READ_TIMEOUT, ERR_BAD_RESPONSE, ERR_ECHO_MISMATCH};

    /** Latency histograms. */
    public static final int CONNECT_TIME = 0;
    /** Histogram: request sent to first response byte. */
    public static final int FIRST_BYTE = 1;
    /** Histogram: request sent to complete response. */
    public static final int LATENCY = 2;
    /** Histogram names, by index, for reports and interval logs. */
    public static final String[] HISTOGRAM_NAMES = {"connect", "ttfb", "latency"};

    /** Largest value a histogram tracks (ns); longer times are recorded as this. */
    public static final long HIGHEST_NS = 100_000_000_000L;
    /** Significant decimal digits of every histogram. */
    public static final int DIGITS = 3;

    private final AtomicLongArray counters = new AtomicLongArray(COUNT);
    private final AtomicLongArray bySource;
    private final SingleWriterRecorder[] recorders = new SingleWriterRecorder[HISTOGRAM_NAMES.length];

    /**
     * Counters and recorders of one shard.
     *
     * @param sources the plan's source address count.
     */
    public LoadStats(final int sources)
    {
        bySource = new AtomicLongArray(sources);
        for (int i = 0; i < recorders.length; i++)
        {
            recorders[i] = new SingleWriterRecorder(1, HIGHEST_NS, DIGITS);
        }
    }

    /**
     * The report name of an error counter.
     *
     * @param counter an {@code ERR_*} index.
     * @return e.g. {@code "read_timeout"}.
     */
    public static String errorName(final int counter)
    {
        return switch (counter)
        {
            case ERR_REFUSED -> "refused";
            case ERR_CONNECT_TIMEOUT -> "connect_timeout";
            case ERR_RESET -> "reset";
            case ERR_READ_TIMEOUT -> "read_timeout";
            case ERR_BAD_RESPONSE -> "bad_response";
            case ERR_ECHO_MISMATCH -> "echo_mismatch";
            default -> "counter" + counter;
        };
    }

    /**
     * A fresh histogram shaped like the recorders' (for merging).
     *
     * @return an empty histogram, 1 ns to {@link #HIGHEST_NS}.
     */
    public static Histogram newHistogram()
    {
        return new Histogram(1, HIGHEST_NS, DIGITS);
    }

    // ------------------------------------------------------------------------------------------ shard thread

    void add(final int counter, final long delta)
    {
        counters.lazySet(counter, counters.get(counter) + delta);
    }

    void increment(final int counter)
    {
        counters.lazySet(counter, counters.get(counter) + 1);
    }

    void set(final int counter, final long value)
    {
        counters.lazySet(counter, value);
    }

    void countSource(final int sourceIndex)
    {
        bySource.lazySet(sourceIndex, bySource.get(sourceIndex) + 1);
    }

    void record(final int histogram, final long ns)
    {
        recorders[histogram].recordValue(Math.max(1, Math.min(ns, HIGHEST_NS)));
    }

    // ------------------------------------------------------------------------------------------ any thread

    /**
     * A counter's value now; any thread.
     *
     * @param counter a counter index, e.g. {@link #COMPLETED}.
     * @return the value.
     */
    public long get(final int counter)
    {
        return counters.get(counter);
    }

    /**
     * Connections opened from one source address; any thread.
     *
     * @param sourceIndex index into the plan's source addresses.
     * @return the count.
     */
    public long connectionsFromSource(final int sourceIndex)
    {
        return bySource.get(sourceIndex);
    }

    /**
     * Source addresses counted.
     *
     * @return the count.
     */
    public int sources()
    {
        return bySource.length();
    }

    /**
     * The values recorded since the last call, into {@code recycle} (null the first time).
     *
     * Any thread (one reader at a time).
     *
     * @param histogram {@link #CONNECT_TIME}, {@link #FIRST_BYTE} or {@link #LATENCY}.
     * @param recycle   a histogram to reuse, or null.
     * @return the interval histogram.
     */
    public Histogram interval(final int histogram, final Histogram recycle)
    {
        return recorders[histogram].getIntervalHistogram(recycle);
    }
}
