package dev.wirespeed.apps.load;

import java.util.Locale;

/**
 * The heap a run needs, worked out from its flags before anything starts: per open connection its send and
 * receive rings plus the TCB and the load state; per TIME-WAIT TCB (no rings) its bare state, for as many as the
 * ports and the TIME-WAIT length allow; and the histograms (three recorders of two histograms per shard, plus
 * the merged ones). A run whose budget exceeds {@link #HEAP_SHARE} of the heap is refused with the numbers.
 */
public final class LoadBudget
{
    /** Share of the maximum heap a run may plan to use. */
    public static final double HEAP_SHARE = 0.85;
    /** TCB, load state and parser of one connection, without its rings (measured order of magnitude). */
    static final long CONNECTION_OVERHEAD = 2048;
    static final long TIME_WAIT_TCB = 1024;
    static final int EPHEMERAL_PORTS = 65535 - 49152 + 1;
    private static final long MIB = 1L << 20;

    private final long connections;
    private final long ringBytes;
    private final long timeWaitTcbs;
    private final long histogramBytes;
    private final int preallocatePerShard;

    private LoadBudget(final long connections, final long ringBytes, final long timeWaitTcbs,
        final long histogramBytes, final int preallocatePerShard)
    {
        this.connections = connections;
        this.ringBytes = ringBytes;
        this.timeWaitTcbs = timeWaitTcbs;
        this.histogramBytes = histogramBytes;
        this.preallocatePerShard = preallocatePerShard;
    }

    /**
     * The budget of {@code plan} on {@code shards} shards.
     *
     * @param bufferBytes send and receive buffer per connection (each).
     * @param plan   the run's plan (its concurrency and source addresses count).
     * @param shards the engine's shard count.
     * @return the budget.
     */
    public static LoadBudget of(final LoadPlan plan, final int shards, final int bufferBytes)
    {
        final long connections = plan.concurrency();
        final long rings = 2L * bufferBytes + 1500;
        // every (source, port) pair toward the target could sit in TIME-WAIT at once
        final long timeWait = (long)EPHEMERAL_PORTS * plan.srcIps.length;
        final long histogram = LoadStats.newHistogram().getEstimatedFootprintInBytes();
        final long histograms = histogram * (LoadStats.HISTOGRAM_NAMES.length * 3L * shards + 2L *
            LoadStats.HISTOGRAM_NAMES.length);
        // TCBs and rings built up front (the rest, if the run needs them, as it goes)
        final int perShard = (int)Math.min(1024, (connections + shards - 1) / shards + 16);
        return new LoadBudget(connections, rings, timeWait, histograms, perShard);
    }

    /**
     * The heap the run plans to use.
     *
     * @return bytes.
     */
    public long bytes()
    {
        return connections * (ringBytes + CONNECTION_OVERHEAD) + timeWaitTcbs * TIME_WAIT_TCB + histogramBytes;
    }

    /**
     * Whether the run fits in {@link #HEAP_SHARE} of the heap.
     *
     * @param maxHeap the JVM's maximum heap, bytes.
     * @return true if it fits.
     */
    public boolean fits(final long maxHeap)
    {
        return bytes() <= maxHeap * HEAP_SHARE;
    }

    /**
     * Connections to build up front on each shard (TCBs and rings), so the run allocates none.
     *
     * @return connections per shard, at most 1024.
     */
    public int preallocatePerShard()
    {
        return preallocatePerShard;
    }

    /**
     * The budget in one line, MiB, for the run's header and the refusal.
     *
     * @param maxHeap the JVM's maximum heap, bytes.
     * @return the line.
     */
    public String describe(final long maxHeap)
    {
        return String.format(Locale.ROOT, "%d MiB budgeted of %d MiB heap: %d connections x %d KiB (rings and " +
            "state), up to %d TIME-WAIT TCBs x 1 KiB, histograms %d MiB", ceilMib(bytes()), maxHeap / MIB,
            connections, (ringBytes + CONNECTION_OVERHEAD + 1023) / 1024, timeWaitTcbs, ceilMib(histogramBytes));
    }

    /**
     * The error line for a run that does not fit, naming the flags to change.
     *
     * @param maxHeap the JVM's maximum heap, bytes.
     * @return the line (without the {@code wirespeed: error:} prefix).
     */
    public String refusal(final long maxHeap)
    {
        return "the run does not fit in memory: " + describe(maxHeap) + " (at most " + (int)(HEAP_SHARE * 100) +
            "% of the heap may be planned). Lower --connections/--max-open or --buffer-kib, or give the JVM more " +
            "heap (WIRESPEED_JAVA_OPTS=-Xmx...)";
    }

    private static long ceilMib(final long bytes)
    {
        return (bytes + MIB - 1) / MIB;
    }
}
