package dev.wirespeed.apps.nic;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.wirespeed.apps.report.HtmlReport;
import dev.wirespeed.apps.report.PercentileSeries;
import dev.wirespeed.apps.report.Series;

/**
 * An RFC 2544 run's results as text tables, JSON (Jackson) and a self-contained HTML page ({@link HtmlReport}).
 *
 * @param setup   what was measured how: ports, line rate and where it came from, clock, timestamping, settings.
 * @param results one entry per frame size.
 */
public record Rfc2544Report(Map<String, Object> setup, List<Rfc2544.SizeResult> results)
{
    /**
     * Setup facts in the order they are shown.
     *
     * @return an empty, ordered map.
     */
    public static Map<String, Object> newSetup()
    {
        return new LinkedHashMap<>();
    }

    /**
     * The tables, one per test, as printed at the end of a run.
     *
     * @return the text, several lines.
     */
    public String text()
    {
        final StringBuilder sb = new StringBuilder();
        setup.forEach((k, v) -> sb.append(k).append(": ").append(v).append('\n'));
        for (final Table t : tables())
        {
            sb.append('\n').append(t.title).append('\n');
            final int[] widths = new int[t.header.size()];
            for (int i = 0; i < widths.length; i++)
            {
                widths[i] = t.header.get(i).length();
                for (final List<String> row : t.rows)
                {
                    widths[i] = Math.max(widths[i], row.get(i).length());
                }
            }
            appendRow(sb, t.header, widths);
            for (final List<String> row : t.rows)
            {
                appendRow(sb, row, widths);
            }
        }
        return sb.toString();
    }

    private static void appendRow(final StringBuilder sb, final List<String> cells, final int[] widths)
    {
        for (int i = 0; i < cells.size(); i++)
        {
            sb.append(i == 0 ? "  " : "  ").append(String.format(Locale.ROOT, "%" + widths[i] + "s", cells.get(i)));
        }
        sb.append('\n');
    }

    private record Table(String title, List<String> header, List<List<String>> rows)
    {
    }

    private List<Table> tables()
    {
        final List<Table> tables = new ArrayList<>();
        final List<List<String>> tput = new ArrayList<>();
        final List<List<String>> lat = new ArrayList<>();
        final List<List<String>> loss = new ArrayList<>();
        final List<List<String>> b2b = new ArrayList<>();
        for (final Rfc2544.SizeResult r : results)
        {
            if (!r.throughputTrials.isEmpty())
            {
                tput.add(List.of(Integer.toString(r.frameSize), f("%.2f", r.throughputPct), f("%.0f", r.throughputPps),
                    f("%.2f", r.throughputL2Mbps), f("%.2f", r.throughputL1Mbps), f("%.0f", r.linePps),
                    f("%.0f", r.resolutionPps), Integer.toString(r.throughputTrials.size()),
                    r.testerLimited ? "tester-limited" : ""));
            }
            if (r.latency != null)
            {
                final Rfc2544.Latency l = r.latency;
                lat.add(List.of(Integer.toString(r.frameSize), f("%.0f", l.ratePps()), Long.toString(l.count()),
                    us(l.minNs()), us(l.p50Ns()), us(l.p99Ns()), us(l.p999Ns()), us(l.maxNs()), String.valueOf(l.source())));
                final Rfc2544.Latency h = r.hwLatency;
                if (h != null)
                {
                    lat.add(List.of(Integer.toString(r.frameSize), f("%.0f", h.ratePps()), Long.toString(h.count()),
                        h.count() == 0 ? "-" : us(h.minNs()), h.count() == 0 ? "-" : us(h.p50Ns()),
                        h.count() == 0 ? "-" : us(h.p99Ns()), h.count() == 0 ? "-" : us(h.p999Ns()),
                        h.count() == 0 ? "-" : us(h.maxNs()), h.source() + ": " + r.hwSamples));
                }
            }
            for (final Rfc2544.LossStep s : r.loss)
            {
                loss.add(List.of(Integer.toString(r.frameSize), f("%.0f", s.offeredPct()), f("%.0f", s.offeredPps()),
                    Long.toString(s.sent()), Long.toString(s.received()), f("%.4f", s.lossPct())));
            }
            if (r.backToBack != null)
            {
                final Rfc2544.BackToBack b = r.backToBack;
                b2b.add(List.of(Integer.toString(r.frameSize), f("%.0f", b.linePps()),
                    (b.unbounded() ? ">= " : "") + f("%.1f", b.meanFrames()), Long.toString(b.minFrames()),
                    Long.toString(b.maxFrames()), Integer.toString(b.bursts().size()),
                    b.unbounded() ? "n/a" : f("%.1f", b.impliedBufferTimeUs()),
                    b.unbounded() ? "n/a" : f("%.1f", b.correctedBufferTimeUs()),
                    b.unbounded() ? "no loss at the longest burst" : f("%.1f", b.correctedBufferFrames())));
            }
        }
        if (!tput.isEmpty())
        {
            tables.add(new Table("Throughput (RFC 2544 26.1)", List.of("size B", "% line", "pps", "L2 Mbit/s",
                "L1 Mbit/s", "line pps", "resolution pps", "trials", "note"), tput));
        }
        if (!lat.isEmpty())
        {
            tables.add(new Table("Latency at the throughput rate (RFC 2544 26.2, percentiles per RFC 8219), us",
                List.of("size B", "rate pps", "frames", "min", "p50", "p99", "p99.9", "max", "timestamps"), lat));
        }
        if (!loss.isEmpty())
        {
            tables.add(new Table("Frame loss rate (RFC 2544 26.3)", List.of("size B", "% line", "offered pps", "sent",
                "received", "loss %"), loss));
        }
        if (!b2b.isEmpty())
        {
            tables.add(new Table("Back-to-back frames at line rate (RFC 2544 26.4, RFC 9004)", List.of("size B",
                "line pps", "mean frames", "min", "max", "repeats", "implied buffer us", "corrected buffer us",
                "corrected buffer frames"), b2b));
        }
        return tables;
    }

    private static String f(final String format, final double v)
    {
        return String.format(Locale.ROOT, format, v);
    }

    private static String us(final long ns)
    {
        return String.format(Locale.ROOT, "%.2f", ns / 1000.0);
    }

    /**
     * Writes the JSON document (setup and every result, trials included).
     *
     * @param path the JSON file to write.
     */
    public void writeJson(final Path path)
    {
        try
        {
            final Path parent = path.toAbsolutePath().getParent();
            if (parent != null)
            {
                Files.createDirectories(parent);
            }
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(path.toFile(), this);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot write " + path + ": " + ex.getMessage(), ex);
        }
    }

    /**
     * The HTML page: setup, then per test a chart and its table.
     *
     * @param title the page title.
     * @return the report, not yet written.
     */
    public HtmlReport html(final String title)
    {
        final HtmlReport page = HtmlReport.titled(title);
        page.section("Set-up");
        final List<List<String>> rows = new ArrayList<>();
        setup.forEach((k, v) -> rows.add(List.of(k, String.valueOf(v))));
        page.table(List.of("what", "value"), rows);
        final List<Table> tables = tables();
        final double[] sizes = results.stream().mapToDouble(r -> r.frameSize).toArray();
        for (final Table t : tables)
        {
            page.section(t.title);
            if (t.title.startsWith("Throughput"))
            {
                page.lineChart("throughput against frame size", "frame size (B)", "Mpps", sizes,
                    Series.of("throughput", results.stream().mapToDouble(r -> r.throughputTrials.isEmpty() ? Double.NaN :
                        r.throughputPps / 1e6).toArray()),
                    Series.of("line rate", results.stream().mapToDouble(r -> r.linePps / 1e6).toArray()));
                page.lineChart("throughput against frame size, bit rate", "frame size (B)", "Mbit/s (L1)", sizes,
                    Series.of("throughput", results.stream().mapToDouble(r -> r.throughputTrials.isEmpty() ? Double.NaN :
                        r.throughputL1Mbps).toArray()));
            }
            else if (t.title.startsWith("Latency"))
            {
                final PercentileSeries[] dists = results.stream()
                    .filter(r -> r.latency != null && r.latency.count() > 0 && r.latency.histogram() != null)
                    .map(r -> PercentileSeries.fromHistogram(r.frameSize + " B", r.latency.histogram(), 1000.0))
                    .toArray(PercentileSeries[]::new);
                if (dists.length > 0)
                {
                    page.logXPercentileChart("latency distribution at the throughput rate", "latency (us)", dists);
                }
            }
            else if (t.title.startsWith("Frame loss"))
            {
                final double[] steps = {10, 20, 30, 40, 50, 60, 70, 80, 90, 100};
                page.lineChart("frame loss rate against offered load", "offered load (% of line rate)", "loss (%)", steps,
                    results.stream().filter(r -> !r.loss.isEmpty()).map(r ->
                    {
                        final double[] y = new double[steps.length];
                        java.util.Arrays.fill(y, Double.NaN);
                        for (final Rfc2544.LossStep s : r.loss)
                        {
                            y[(int)Math.round(s.offeredPct() / 10) - 1] = s.lossPct();
                        }
                        return Series.of(r.frameSize + " B", y);
                    }).toArray(Series[]::new));
            }
            page.table(t.header, t.rows);
        }
        return page;
    }
}
