package dev.wirespeed.apps.load;

import java.io.FileNotFoundException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogReader;

/**
 * Merges the results of several runs (one instance per NIC or machine, run side by side) into one: counters and
 * errors add up, rates add up (the runs ran at the same time), histograms are added ({@link Histogram#add}: exact
 * percentiles of the whole), and the timelines are lined up by wall-clock second. {@code --json} files carry
 * everything; {@code --hlog} files carry the histograms per interval, from which the latency percentiles and the
 * completed requests per second are rebuilt exactly.
 */
public final class LoadMerge
{
    /**
     * An empty merge: {@link #add} each run to it.
     */
    public LoadMerge()
    {
    }

    private final List<LoadResult> results = new ArrayList<>();
    private final Map<String, Histogram> logged = new LinkedHashMap<>();
    /** Per wall-clock second: the latency intervals of every hlog, merged. */
    private final TreeMap<Long, Histogram> loggedSeconds = new TreeMap<>();
    private int logs;

    /**
     * Adds a {@code --json} result or a {@code --hlog} interval log (by its content).
     *
     * @param file a result JSON or an interval log.
     * @return this.
     */
    public LoadMerge add(final Path file)
    {
        final String name = file.getFileName().toString();
        if (name.endsWith(".json"))
        {
            results.add(LoadResult.read(file));
        }
        else
        {
            addLog(file);
        }
        return this;
    }

    private void addLog(final Path file)
    {
        int intervals = 0;
        try (HistogramLogReader reader = new HistogramLogReader(file.toFile()))
        {
            EncodableHistogram e;
            while ((e = reader.nextIntervalHistogram()) != null)
            {
                if (!(e instanceof Histogram h))
                {
                    continue;
                }
                final String tag = h.getTag() == null ? "latency" : h.getTag();
                logged.computeIfAbsent(tag, t -> LoadStats.newHistogram()).add(h);
                if ("latency".equals(tag))
                {
                    loggedSeconds.computeIfAbsent(h.getStartTimeStamp() / 1000, s -> LoadStats.newHistogram()).add(h);
                }
                intervals++;
            }
        }
        catch (final FileNotFoundException ex)
        {
            throw new IllegalArgumentException("cannot read " + file + ": no such file");
        }
        catch (final RuntimeException ex)
        {
            throw new IllegalArgumentException(file + " is not an HdrHistogram interval log: " + ex.getMessage());
        }
        if (intervals == 0)
        {
            throw new IllegalArgumentException(file + " holds no interval histograms (not a --hlog file?)");
        }
        logs++;
    }

    /**
     * The merged result.
     *
     * @return the merged result.
     */
    public LoadResult result()
    {
        if (results.isEmpty() && logs == 0)
        {
            throw new IllegalArgumentException("nothing to merge");
        }
        final LoadResult m = new LoadResult();
        m.runs = results.size() + (results.isEmpty() ? logs : 0);
        m.command = "wirespeed report (" + m.runs + " runs)";
        m.loop = "";
        final Map<String, Histogram> histograms = new LinkedHashMap<>();
        long earliest = Long.MAX_VALUE;
        boolean reached = true;
        for (final LoadResult r : results)
        {
            m.mode = same(m.mode, r.mode);
            m.target = same(m.target, r.target);
            m.loop = same(m.loop.isEmpty() ? null : m.loop, r.loop);
            m.shards += r.shards;
            m.connections += r.connections;
            m.rate += r.rate;
            m.maxOpen += r.maxOpen;
            m.warmupS = Math.max(m.warmupS, r.warmupS);
            m.durationS = Math.max(m.durationS, r.durationS);
            m.measuredS = Math.max(m.measuredS, r.measuredS);
            m.connPerS += r.connPerS;
            m.reqPerS += r.reqPerS;
            m.mbitPerS += r.mbitPerS;
            m.loadCpuCores += r.loadCpuCores;
            sum(m.totals, r.totals);
            sum(m.wholeRun, r.wholeRun);
            sum(m.errors, r.errors);
            sum(m.connectionsBySource, r.connectionsBySource);
            m.sourceAddresses.addAll(r.sourceAddresses);
            reached &= r.reached;
            for (final String w : r.whyNot)
            {
                m.whyNot.add(r.target + " (" + r.startEpochMs + "): " + w);
            }
            for (final String k : LoadStats.HISTOGRAM_NAMES)
            {
                histograms.computeIfAbsent(k, x -> LoadStats.newHistogram()).add(r.histogram(k));
            }
            earliest = Math.min(earliest, r.startEpochMs);
        }
        if (!results.isEmpty())
        {
            m.startEpochMs = earliest;
            mergeTimelines(m, earliest);
            final long completed = m.wholeRun.getOrDefault("completed", 0L);
            final long errors = m.errors.values().stream().mapToLong(Long::longValue).sum();
            m.errorRate = completed + errors == 0 ? 0 : (double)errors / (completed + errors);
            m.reached = reached;
            m.achieved = reached ? "every run reached what it was asked" : "not every run reached what it was asked";
        }
        if (logs > 0)
        {
            // the logs' histograms are the exact ones (the JSON's, if given too, are the same data)
            histograms.clear();
            histograms.putAll(logged);
            if (results.isEmpty())
            {
                logOnlyTimeline(m);
            }
        }
        for (final String k : LoadStats.HISTOGRAM_NAMES)
        {
            m.putHistogram(k, histograms.getOrDefault(k, LoadStats.newHistogram()));
        }
        return m;
    }

    private void logOnlyTimeline(final LoadResult m)
    {
        m.mode = "from interval logs";
        m.target = logs + " log(s)";
        m.loop = "unknown";
        m.achieved = "unknown (interval logs hold latencies only)";
        m.reached = true;
        final long first = loggedSeconds.isEmpty() ? 0 : loggedSeconds.firstKey();
        m.startEpochMs = first * 1000;
        long completed = 0;
        for (final Map.Entry<Long, Histogram> e : loggedSeconds.entrySet())
        {
            final LoadResult.Second s = new LoadResult.Second();
            s.startEpochMs = e.getKey() * 1000;
            s.t = e.getKey() - first + 1;
            s.seconds = 1;
            s.measured = true;
            s.reqPerS = e.getValue().getTotalCount();
            s.p50Us = e.getValue().getValueAtPercentile(50) / 1e3;
            s.p99Us = e.getValue().getValueAtPercentile(99) / 1e3;
            completed += e.getValue().getTotalCount();
            m.timeline.add(s);
        }
        m.measuredS = loggedSeconds.size();
        m.totals.put("completed", completed);
        m.wholeRun.put("completed", completed);
        m.reqPerS = m.measuredS == 0 ? 0 : completed / m.measuredS;
    }

    private void mergeTimelines(final LoadResult m, final long earliest)
    {
        final TreeMap<Long, LoadResult.Second> seconds = new TreeMap<>();
        for (final LoadResult r : results)
        {
            for (final LoadResult.Second s : r.timeline)
            {
                final long key = Math.round((s.startEpochMs - earliest) / 1000.0);
                final LoadResult.Second t = seconds.computeIfAbsent(key, k ->
                {
                    final LoadResult.Second n = new LoadResult.Second();
                    n.t = k + 1;
                    n.startEpochMs = earliest + k * 1000;
                    n.seconds = 1;
                    n.measured = true;
                    return n;
                });
                t.connPerS += s.connPerS;
                t.reqPerS += s.reqPerS;
                t.mbitPerS += s.mbitPerS;
                t.open += s.open;
                t.measured &= s.measured;
                sum(t.errors, s.errors);
                // per-second percentiles of several runs cannot be merged from the JSON: the worst is shown
                t.p50Us = Math.max(t.p50Us, s.p50Us);
                t.p99Us = Math.max(t.p99Us, s.p99Us);
            }
        }
        for (final Map.Entry<Long, LoadResult.Second> e : seconds.entrySet())
        {
            final Histogram h = loggedSeconds.get((earliest / 1000) + e.getKey());
            if (h != null)
            {
                e.getValue().p50Us = h.getValueAtPercentile(50) / 1e3;
                e.getValue().p99Us = h.getValueAtPercentile(99) / 1e3;
            }
            m.timeline.add(e.getValue());
        }
    }

    private static String same(final String a, final String b)
    {
        return a == null || a.equals(b) ? b : "mixed";
    }

    private static void sum(final Map<String, Long> into, final Map<String, Long> from)
    {
        // the runs ran side by side: counts add up, the time behind is the longest (as across shards)
        from.forEach((k, v) -> into.merge(k, v, (a, b) -> "behind_ms".equals(k) ? Math.max(a, b) : a + b));
    }
}
