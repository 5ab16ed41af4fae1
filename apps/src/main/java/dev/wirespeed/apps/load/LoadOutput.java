package dev.wirespeed.apps.load;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.wirespeed.apps.report.HtmlReport;
import dev.wirespeed.apps.report.PercentileSeries;
import dev.wirespeed.apps.report.Series;
import org.HdrHistogram.Histogram;

/**
 * How a {@link LoadResult} is shown: the text summary, the {@code --hgrm} percentile distributions (HdrHistogram's
 * own format, in µs, which its plotter reads), and the self-contained HTML page (rates and errors over time, the
 * latency distributions on a log percentile axis) through the shared {@link HtmlReport}.
 */
public final class LoadOutput
{
    private LoadOutput()
    {
    }

    /**
     * The end-of-run summary.
     *
     * @param r   the result.
     * @param out receives the summary lines.
     */
    public static void summary(final LoadResult r, final PrintWriter out)
    {
        out.printf(Locale.ROOT, "summary: %s%s to %s, %s loop, %d shard(s), %.3f s measured (after %.1f s warmup)%n",
            r.runs > 1 ? r.runs + " runs of " : "", r.mode, r.target, r.loop, r.shards, r.measuredS, r.warmupS);
        out.printf(Locale.ROOT, "  %-10s %10.1f conn/s  %10.1f req/s  %10.1f Mbit/s%n", "rates", r.connPerS, r.reqPerS,
            r.mbitPerS);
        out.println("  totals     " + line(r.totals));
        out.println("  whole run  " + line(r.wholeRun));
        out.printf(Locale.ROOT, "  errors     %s (error rate %.4f%%)%n", line(r.errors), 100 * r.errorRate);
        out.printf(Locale.ROOT, "  %-10s %8s %10s %10s %10s %10s %10s %10s %10s%n", "latency", "count", "min",
            "p50", "p90", "p99", "p99.9", "p99.99", "max");
        final String[] labels = {"connect", "ttfb", "latency"};
        for (final String k : labels)
        {
            final LoadResult.Percentiles p = r.latencyUs.get(k);
            if (p == null || p.count == 0)
            {
                continue;
            }
            out.printf(Locale.ROOT, "  %-10s %8d %10s %10s %10s %10s %10s %10s %10s%n", k, p.count,
                LoadReporter.us(p.min), LoadReporter.us(p.p50), LoadReporter.us(p.p90), LoadReporter.us(p.p99),
                LoadReporter.us(p.p999), LoadReporter.us(p.p9999), LoadReporter.us(p.max));
        }
        if (r.loadCpuCores > 0)
        {
            out.printf(Locale.ROOT, "  cpu        %.2f cores on the load shard thread(s) while the run was on%n",
                r.loadCpuCores);
        }
        if (r.connectionsBySource.size() > 1)
        {
            out.println("  sources    " + line(r.connectionsBySource));
        }
        out.println((r.reached ? "  reached:   yes, " : "  reached:   NO, ") + r.achieved);
        for (final String why : r.whyNot)
        {
            out.println("  why not:   " + why);
        }
        out.flush();
    }

    private static String line(final Map<String, Long> m)
    {
        final StringBuilder sb = new StringBuilder();
        m.forEach((k, v) -> sb.append(k).append('=').append(v).append(' '));
        return sb.toString().stripTrailing();
    }

    /**
     * Writes the request latency distribution to {@code file} and connect time and time to first byte beside it
     * ({@code NAME-connect.hgrm}, {@code NAME-ttfb.hgrm}); returns the files written.
     *
     * @param r    the result.
     * @param file the request latency file ({@code .hgrm}).
     * @return the files written.
     */
    public static List<Path> hgrm(final LoadResult r, final Path file)
    {
        final List<Path> written = new ArrayList<>();
        final String name = file.getFileName().toString();
        final String base = name.endsWith(".hgrm") ? name.substring(0, name.length() - 5) : name;
        for (final String k : LoadStats.HISTOGRAM_NAMES)
        {
            final Histogram h = r.histogram(k);
            final Path target = "latency".equals(k) ? file : file.resolveSibling(base + "-" + k + ".hgrm");
            if (h.getTotalCount() == 0 && !"latency".equals(k))
            {
                continue;
            }
            try (PrintStream ps = new PrintStream(Files.newOutputStream(target), true, StandardCharsets.US_ASCII))
            {
                h.outputPercentileDistribution(ps, 1000.0);
            }
            catch (final IOException ex)
            {
                throw new IllegalArgumentException("cannot write " + target + ": " + ex.getMessage());
            }
            written.add(target);
        }
        return written;
    }

    /**
     * The HTML page of one result (or of several runs merged into {@code r}).
     *
     * @param r    the result.
     * @param file the page to write.
     * @return {@code file}.
     */
    public static Path html(final LoadResult r, final Path file)
    {
        final HtmlReport page = HtmlReport.titled("wirespeed load: " + r.mode + " to " + r.target);
        page.preformatted(r.command == null ? "" : r.command);
        final java.io.StringWriter text = new java.io.StringWriter();
        summary(r, new PrintWriter(text));
        page.section("Summary").preformatted(text.toString());
        final int n = r.timeline.size();
        final double[] t = new double[n];
        final double[] conn = new double[n];
        final double[] req = new double[n];
        final double[] mbit = new double[n];
        final double[] open = new double[n];
        final double[] p50 = new double[n];
        final double[] p99 = new double[n];
        final List<String> kinds = new ArrayList<>();
        for (final LoadResult.Second s : r.timeline)
        {
            s.errors.keySet().forEach(k ->
            {
                if (!kinds.contains(k))
                {
                    kinds.add(k);
                }
            });
        }
        final double[][] errors = new double[kinds.size()][n];
        for (int i = 0; i < n; i++)
        {
            final LoadResult.Second s = r.timeline.get(i);
            t[i] = s.t;
            conn[i] = s.connPerS;
            req[i] = s.reqPerS;
            mbit[i] = s.mbitPerS;
            open[i] = s.open;
            p50[i] = s.p50Us;
            p99[i] = s.p99Us;
            for (int k = 0; k < kinds.size(); k++)
            {
                errors[k][i] = s.errors.getOrDefault(kinds.get(k), 0L) / Math.max(1e-9, s.seconds);
            }
        }
        page.section("Rates over time");
        page.lineChart("rates", "time (s)", "per second", t, Series.of("connections/s", conn),
            Series.of("requests/s", req));
        page.lineChart("throughput", "time (s)", "Mbit/s", t, Series.of("Mbit/s", mbit));
        page.lineChart("open connections", "time (s)", "connections", t, Series.of("open", open));
        page.section("Errors over time");
        final Series[] errorSeries = new Series[kinds.size()];
        for (int k = 0; k < kinds.size(); k++)
        {
            errorSeries[k] = Series.of(kinds.get(k) + "/s", errors[k]);
        }
        page.lineChart("errors", "time (s)", "errors per second", t, errorSeries);
        page.section("Latency");
        page.lineChart("latency over time", "time (s)", "latency (µs)", t, Series.of("p50", p50),
            Series.of("p99", p99));
        final List<PercentileSeries> dists = new ArrayList<>();
        for (final String k : LoadStats.HISTOGRAM_NAMES)
        {
            final Histogram h = r.histogram(k);
            if (h.getTotalCount() > 0)
            {
                dists.add(PercentileSeries.fromHistogram(k, h, 1000.0));
            }
        }
        if (!dists.isEmpty())
        {
            page.logXPercentileChart("latency distribution", "latency (µs)", dists.toArray(new PercentileSeries[0]));
        }
        return page.write(file);
    }
}
