package dev.wirespeed.apps.load;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;

import dev.wirespeed.engine.wire.Ipv4Header;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;

/**
 * The reporting side of a run, on the thread that started it: once a second (and exactly at the end of warmup and
 * of the run) it swaps every shard's interval histograms out, merges them ({@link Histogram#add}), sums the
 * counters, prints the progress line, appends the interval to the {@code --hlog} file, and keeps the timeline
 * and the measured window's totals for the {@link LoadResult}.
 * <p>
 * Not thread safe: one reporting thread.
 */
public final class LoadReporter implements AutoCloseable
{
    private static final int KINDS = LoadStats.HISTOGRAM_NAMES.length;

    private final LoadPlan plan;
    private final LoadStats[] stats;
    private final Histogram[][] recycle;
    private final Histogram[] interval = new Histogram[KINDS];
    private final Histogram[] total = new Histogram[KINDS];
    private final long[] last = new long[LoadStats.COUNT];
    private final long[] now = new long[LoadStats.COUNT];
    private final long[] atWarmupEnd = new long[LoadStats.COUNT];
    private final long[] atEnd = new long[LoadStats.COUNT];
    private final HistogramLogWriter hlog;
    private final PrintStream hlogStream;
    private final LoadResult result = new LoadResult();
    private long t0;
    private long startEpochMs;
    private long warmupEndNs;
    private long endNs;
    private long lastSampleNs;
    private boolean endSeen;
    private long endSampleNs;

    /**
     * A reporter of one run, reading every shard's stats from the reporting thread.
     *
     * @param plan     the run's plan.
     * @param stats    one per shard.
     * @param hlogFile the HdrHistogram interval log to write, or null.
     */
    public LoadReporter(final LoadPlan plan, final LoadStats[] stats, final Path hlogFile)
    {
        this.plan = plan;
        this.stats = stats;
        recycle = new Histogram[stats.length][KINDS];
        for (int k = 0; k < KINDS; k++)
        {
            interval[k] = LoadStats.newHistogram();
            total[k] = LoadStats.newHistogram();
        }
        if (hlogFile == null)
        {
            hlog = null;
            hlogStream = null;
        }
        else
        {
            try
            {
                hlogStream = new PrintStream(hlogFile.toFile(), java.nio.charset.StandardCharsets.US_ASCII);
            }
            catch (final java.io.IOException ex)
            {
                throw new IllegalArgumentException("cannot write --hlog " + hlogFile + ": " + ex.getMessage());
            }
            hlog = new HistogramLogWriter(hlogStream);
        }
    }

    /**
     * The run starts at {@code t0} (nanoTime), which is {@code startEpochMs} on the wall clock.
     *
     * @param t0           the start, {@link System#nanoTime()} scale.
     * @param startEpochMs the same instant, ms since the epoch.
     */
    public void start(final long t0, final long startEpochMs)
    {
        this.t0 = t0;
        this.startEpochMs = startEpochMs;
        this.lastSampleNs = t0;
        warmupEndNs = t0 + plan.warmupNs;
        endNs = warmupEndNs + plan.durationNs;
        if (hlog != null)
        {
            hlog.outputComment("wirespeed load: values in ns; tags: connect (SYN to established), ttfb (request " +
                "to first response byte), latency (request due to response complete)");
            hlog.outputLogFormatVersion();
            hlog.outputStartTime(startEpochMs);
            hlog.setBaseTime(0);
            hlog.outputLegend();
        }
    }

    /**
     * When the warmup ends and measuring begins.
     *
     * @return {@link System#nanoTime()} scale.
     */
    public long warmupEndNs()
    {
        return warmupEndNs;
    }

    /**
     * When the measured duration ends.
     *
     * @return {@link System#nanoTime()} scale.
     */
    public long endNs()
    {
        return endNs;
    }

    /**
     * Takes the interval since the last sample; returns it (the progress line is {@link #progressLine}). Samples
     * after the end's (the drain) feed the histograms and the log, not the timeline.
     *
     * @param nowNs the time now, {@link System#nanoTime()} scale.
     * @return the second's rates, errors and percentiles.
     */
    public LoadResult.Second sample(final long nowNs)
    {
        sum(now);
        // after the end sample the shards only drain and close: their latencies still count, but such an interval
        // is no second of load (it is short, and nothing new starts in it), so it stays out of the timeline
        final boolean afterEnd = endSeen;
        final double seconds = Math.max(1e-9, (nowNs - lastSampleNs) / 1e9);
        final boolean measured = lastSampleNs - warmupEndNs >= 0 && !endSeen;
        for (int k = 0; k < KINDS; k++)
        {
            interval[k].reset();
            for (int s = 0; s < stats.length; s++)
            {
                recycle[s][k] = stats[s].interval(k, recycle[s][k]);
                interval[k].add(recycle[s][k]);
            }
            if (lastSampleNs - warmupEndNs >= 0)
            {
                // the end's drain still completes requests of the run: their latencies count
                total[k].add(interval[k]);
                if (hlog != null && interval[k].getTotalCount() > 0)
                {
                    interval[k].setStartTimeStamp(startEpochMs + (lastSampleNs - t0) / 1_000_000L);
                    interval[k].setEndTimeStamp(startEpochMs + (nowNs - t0) / 1_000_000L);
                    interval[k].setTag(LoadStats.HISTOGRAM_NAMES[k]);
                    hlog.outputIntervalHistogram(interval[k]);
                }
            }
        }
        final LoadResult.Second s = new LoadResult.Second();
        s.t = round3((nowNs - t0) / 1e9);
        s.startEpochMs = startEpochMs + (lastSampleNs - t0) / 1_000_000L;
        s.seconds = round3(seconds);
        s.measured = measured;
        s.connPerS = round1((now[LoadStats.CONNECTED] - last[LoadStats.CONNECTED]) / seconds);
        s.reqPerS = round1((now[LoadStats.COMPLETED] - last[LoadStats.COMPLETED]) / seconds);
        s.mbitPerS = round1((now[LoadStats.BYTES_SENT] + now[LoadStats.BYTES_RECEIVED] -
            last[LoadStats.BYTES_SENT] - last[LoadStats.BYTES_RECEIVED]) * 8 / seconds / 1e6);
        s.open = now[LoadStats.OPEN];
        for (final int e : LoadStats.ERRORS)
        {
            s.errors.put(LoadStats.errorName(e), now[e] - last[e]);
        }
        final Histogram lat = interval[LoadStats.LATENCY];
        s.p50Us = lat.getTotalCount() == 0 ? 0 : round1(lat.getValueAtPercentile(50) / 1e3);
        s.p99Us = lat.getTotalCount() == 0 ? 0 : round1(lat.getValueAtPercentile(99) / 1e3);
        if (lastSampleNs - warmupEndNs < 0 && nowNs - warmupEndNs >= 0)
        {
            System.arraycopy(now, 0, atWarmupEnd, 0, now.length);
        }
        if (!endSeen && nowNs - endNs >= 0)
        {
            endSeen = true;
            endSampleNs = nowNs;
            System.arraycopy(now, 0, atEnd, 0, now.length);
        }
        System.arraycopy(now, 0, last, 0, now.length);
        lastSampleNs = nowNs;
        if (!afterEnd)
        {
            result.timeline.add(s);
        }
        return s;
    }

    /**
     * The progress line of a sample: elapsed, rates, open connections, errors by kind, p50/p99 of that second.
     *
     * @param s a sample.
     * @return one line, no newline.
     */
    public String progressLine(final LoadResult.Second s)
    {
        final StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
            "%6.1fs%s conn/s %9.0f  req/s %9.0f  %8.1f Mbit/s  open %6d  p50 %s  p99 %s  errors ",
            s.t, s.measured ? " " : "*", s.connPerS, s.reqPerS, s.mbitPerS, s.open, us(s.p50Us), us(s.p99Us)));
        final int before = sb.length();
        s.errors.forEach((k, v) ->
        {
            if (v > 0)
            {
                sb.append(k).append('=').append(v).append(' ');
            }
        });
        if (sb.length() == before)
        {
            sb.append('0');
        }
        return sb.toString().stripTrailing();
    }

    static String us(final double us)
    {
        if (us >= 1_000_000)
        {
            return String.format(Locale.ROOT, "%.2fs", us / 1e6);
        }
        if (us >= 1000)
        {
            return String.format(Locale.ROOT, "%.2fms", us / 1e3);
        }
        return String.format(Locale.ROOT, "%.1fus", us);
    }

    private void sum(final long[] into)
    {
        java.util.Arrays.fill(into, 0);
        for (final LoadStats s : stats)
        {
            for (int c = 0; c < LoadStats.COUNT; c++)
            {
                into[c] += s.get(c);
            }
        }
    }

    /**
     * The result, after the last sample: totals of the measured window, reached or why not.
     *
     * @param command     the command line, recorded in the result.
     * @param arpResolved false if the target never answered ARP (the result says so).
     * @return the result.
     */
    public LoadResult finish(final String command, final boolean arpResolved)
    {
        final LoadResult r = result;
        r.command = command;
        r.mode = plan.mode.name().toLowerCase(Locale.ROOT);
        r.target = Ipv4Header.formatAddress(plan.targetIp) + ":" + plan.targetPort;
        r.loop = !plan.openLoop() ? "closed" : plan.connections > 0 ? "constant-flows" : "open";
        r.connections = plan.connections;
        r.rate = plan.rate;
        r.maxOpen = plan.openLoop() ? plan.maxOpen : 0;
        r.requestsPerConnection = plan.requestsPerConnection;
        r.size = plan.size;
        r.shards = stats.length;
        r.startEpochMs = startEpochMs;
        r.warmupS = plan.warmupNs / 1e9;
        r.durationS = plan.durationNs / 1e9;
        final long windowEnd = endSeen ? endSampleNs : lastSampleNs;
        if (!endSeen)
        {
            System.arraycopy(last, 0, atEnd, 0, last.length);
        }
        final double measuredS = Math.max(1e-9, (windowEnd - warmupEndNs) / 1e9);
        r.measuredS = round3(measuredS);
        final String[] names = {"opened", "connected", "closed", "requests", "completed", "bytes_sent",
            "bytes_received"};
        final int[] counters = {LoadStats.OPENED, LoadStats.CONNECTED, LoadStats.CLOSED, LoadStats.REQUESTS,
            LoadStats.COMPLETED, LoadStats.BYTES_SENT, LoadStats.BYTES_RECEIVED};
        for (int i = 0; i < names.length; i++)
        {
            r.totals.put(names[i], atEnd[counters[i]] - atWarmupEnd[counters[i]]);
            r.wholeRun.put(names[i], last[counters[i]]);
        }
        r.wholeRun.put("cut_at_end", last[LoadStats.CUT_AT_END]);
        r.wholeRun.put("no_port", last[LoadStats.NO_PORT]);
        r.wholeRun.put("table_full", last[LoadStats.TABLE_FULL]);
        r.wholeRun.put("late", last[LoadStats.LATE]);
        r.wholeRun.put("cap_waits", last[LoadStats.CAP_WAITS]);
        if (plan.openLoop())
        {
            // per shard: the backlogs add up (an upper bound of the run's largest), the time behind is the longest
            long behindNs = 0;
            for (final LoadStats st : stats)
            {
                behindNs = Math.max(behindNs, st.get(LoadStats.BEHIND_NS));
            }
            r.wholeRun.put("max_backlog", last[LoadStats.MAX_BACKLOG]);
            r.wholeRun.put("behind_ms", behindNs / 1_000_000L);
        }
        long errors = 0;
        for (final int e : LoadStats.ERRORS)
        {
            r.errors.put(LoadStats.errorName(e), last[e]);
            errors += last[e];
        }
        final long attempts = last[LoadStats.COMPLETED] + errors;
        r.errorRate = attempts == 0 ? 0 : (double)errors / attempts;
        r.connPerS = round1(r.totals.get("connected") / measuredS);
        r.reqPerS = round1(r.totals.get("completed") / measuredS);
        r.mbitPerS = round1((r.totals.get("bytes_sent") + r.totals.get("bytes_received")) * 8 / measuredS / 1e6);
        for (int s = 0; s < plan.srcIps.length; s++)
        {
            long n = 0;
            for (final LoadStats st : stats)
            {
                n += st.connectionsFromSource(s);
            }
            r.sourceAddresses.add(Ipv4Header.formatAddress(plan.srcIps[s]));
            r.connectionsBySource.put(Ipv4Header.formatAddress(plan.srcIps[s]), n);
        }
        for (int k = 0; k < KINDS; k++)
        {
            r.putHistogram(LoadStats.HISTOGRAM_NAMES[k], total[k]);
        }
        r.loadCpuCores = Math.round(last[LoadStats.RUN_CPU_NS] / (double)Math.max(1, plan.warmupNs +
            plan.durationNs) * 100) / 100.0;
        judge(r, arpResolved, measuredS);
        return r;
    }

    private void judge(final LoadResult r, final boolean arpResolved, final double measuredS)
    {
        final boolean connectLike = plan.mode == LoadPlan.Mode.CONNECT || plan.mode == LoadPlan.Mode.BULK;
        if (plan.openLoop())
        {
            final long issued = r.totals.get(connectLike ? "opened" : "requests");
            final double issuedRate = issued / measuredS;
            r.reached = issuedRate >= plan.rate * 0.98;
            r.achieved = String.format(Locale.ROOT, "%.1f %s/s issued of %.1f/s requested (%.1f%%)", issuedRate,
                connectLike ? "connections" : "requests", plan.rate, 100 * issuedRate / plan.rate);
        }
        else
        {
            r.reached = last[LoadStats.PEAK_OPEN] >= plan.connections;
            r.achieved = "at most " + last[LoadStats.PEAK_OPEN] + " of " + plan.connections +
                " connections open at once";
        }
        if (!arpResolved)
        {
            r.whyNot.add("ARP unresolved: the target never answered");
        }
        if (last[LoadStats.NO_PORT] > 0)
        {
            r.whyNot.add("out of ports: " + last[LoadStats.NO_PORT] + " opens found no free (address, port) toward " +
                r.target + " (TIME-WAIT holds them: try --close rst, a shorter --time-wait-ms, or more --src-ips)");
        }
        if (last[LoadStats.TABLE_FULL] > 0)
        {
            r.whyNot.add("connection table full " + last[LoadStats.TABLE_FULL] + " times");
        }
        if (last[LoadStats.ERR_REFUSED] > 0)
        {
            r.whyNot.add("refused: " + last[LoadStats.ERR_REFUSED] + " connections were answered with RST");
        }
        if (last[LoadStats.ERR_CONNECT_TIMEOUT] > 0)
        {
            r.whyNot.add("connect timeouts: " + last[LoadStats.ERR_CONNECT_TIMEOUT]);
        }
        if (plan.openLoop() && last[LoadStats.CAP_WAITS] > 0)
        {
            r.whyNot.add("the cap: every one of the " + (plan.connections > 0 ? plan.connections +
                " connections (--connections)" : plan.maxOpen + " allowed connections (--max-open)") +
                " was busy while requests were due (" + last[LoadStats.CAP_WAITS] + " duty cycles)");
        }
        final long issuedAll = Math.max(1, last[connectLike ? LoadStats.OPENED : LoadStats.REQUESTS]);
        if (plan.openLoop() && last[LoadStats.LATE] > issuedAll / 100)
        {
            r.whyNot.add(String.format(Locale.ROOT, "shard saturated: %d of %d went out more than 1 ms after " +
                "they were due (mean lag %.1f us)", last[LoadStats.LATE], issuedAll,
                last[LoadStats.LATENESS_NS] / 1e3 / issuedAll));
        }
        if (r.reached)
        {
            r.whyNot.clear();
        }
        else if (r.whyNot.isEmpty())
        {
            r.whyNot.add(plan.openLoop() ? "shard saturated: the shard could not issue faster" :
                "connections ended faster than they were replaced (shard saturated)");
        }
    }

    public void close()
    {
        if (hlogStream != null)
        {
            hlogStream.close();
        }
    }

    private static double round1(final double v)
    {
        return Math.round(v * 10) / 10.0;
    }

    private static double round3(final double v)
    {
        return Math.round(v * 1000) / 1000.0;
    }
}
