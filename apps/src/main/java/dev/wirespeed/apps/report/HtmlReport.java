package dev.wirespeed.apps.report;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A benchmark report as one self-contained HTML file: headings, text, tables and charts, with the charting library
 * (uPlot, from its Maven webjar) and the data inlined, so the page needs no network and can be mailed or attached to
 * a CI run. Built from plain data (arrays, {@link Series}, {@link PercentileSeries}); shared by every command that
 * writes a report ({@code nicbench rfc2544}, {@code load}).
 * <pre>{@code
 * HtmlReport.titled("RFC 2544: net_ring pair")
 *     .paragraph("clock: TSC, resolution 10 ns")
 *     .section("Throughput")
 *     .lineChart("throughput", "frame size (B)", "Mpps", sizes, Series.of("found", mpps))
 *     .table(List.of("size", "Mpps"), rows)
 *     .section("Latency")
 *     .logXPercentileChart("latency", "µs", PercentileSeries.fromHistogram("64 B", histogram, 1000.0))
 *     .write(Path.of("report.html"));
 * }</pre>
 * <p>
 * What a browser can check: once every chart is drawn the page sets {@code data-report="rendered"} on
 * {@code <body>}; each chart's element ({@code class="ws-chart"}) carries {@code data-chart} (its name),
 * {@code data-expected} (the points the report holds) and {@code data-points} (the points the page handed to the
 * chart); any script error is written into {@code data-errors} on {@code <body>} and shown on the page.
 * <p>
 * Not thread safe; build and write on one thread.
 */
public final class HtmlReport
{
    private static final java.util.regex.Pattern NUMBER =
        java.util.regex.Pattern.compile("[-+>=< ]*[0-9][0-9.,eE+-]*( ?[%a-zA-Zµ/]{0,8})?");
    private static final String UPLOT_DIR = "META-INF/resources/webjars/uplot/";
    private static final String UPLOT_POM = "META-INF/maven/org.webjars.npm/uplot/pom.properties";
    /** The log axis ends here at most (99.99999%). */
    private static final double MAX_PERCENTILE_X = 1e7;

    private final ObjectMapper json = new ObjectMapper();
    private final String title;
    private final StringBuilder body = new StringBuilder();
    private final ArrayNode charts;
    private int chartCount;

    private HtmlReport(final String title)
    {
        this.title = title;
        this.charts = json.createArrayNode();
    }

    /**
     * A new report with this title (the page title and its first heading).
     *
     * @param title plain text, escaped.
     * @return the report.
     */
    public static HtmlReport titled(final String title)
    {
        return new HtmlReport(title);
    }

    /**
     * Starts a section with a heading.
     *
     * @param heading plain text, escaped.
     * @return this.
     */
    public HtmlReport section(final String heading)
    {
        body.append("<h2>").append(escape(heading)).append("</h2>\n");
        return this;
    }

    /**
     * A smaller heading inside a section.
     *
     * @param heading plain text, escaped.
     * @return this.
     */
    public HtmlReport subsection(final String heading)
    {
        body.append("<h3>").append(escape(heading)).append("</h3>\n");
        return this;
    }

    /**
     * A paragraph of plain text.
     *
     * @param text plain text, escaped.
     * @return this.
     */
    public HtmlReport paragraph(final String text)
    {
        body.append("<p>").append(escape(text)).append("</p>\n");
        return this;
    }

    /**
     * Preformatted text (a command line, raw output), shown as it is.
     *
     * @param text plain text, escaped.
     * @return this.
     */
    public HtmlReport preformatted(final String text)
    {
        body.append("<pre>").append(escape(text)).append("</pre>\n");
        return this;
    }

    /**
     * A table with a header row; each row should have as many cells as the header.
     *
     * @param header the column names.
     * @param rows   the cells, row by row, plain text.
     * @return this.
     */
    public HtmlReport table(final List<String> header, final List<List<String>> rows)
    {
        body.append("<table>\n<thead><tr>");
        header.forEach(h -> body.append("<th>").append(escape(h)).append("</th>"));
        body.append("</tr></thead>\n<tbody>\n");
        for (final List<String> row : rows)
        {
            body.append("<tr>");
            row.forEach(c -> body.append(NUMBER.matcher(c).matches() ? "<td class=\"num\">" : "<td>").append(escape(c))
                .append("</td>"));
            body.append("</tr>\n");
        }
        body.append("</tbody>\n</table>\n");
        return this;
    }

    /**
     * A table with a header row, from arrays.
     *
     * @param header the column names.
     * @param rows   the cells, row by row, plain text.
     * @return this.
     */
    public HtmlReport table(final String[] header, final List<String[]> rows)
    {
        return table(Arrays.asList(header), rows.stream().map(Arrays::asList).toList());
    }

    /**
     * A line chart with points: one x axis shared by every series, linear axes.
     *
     * @param name   the chart's title (and its {@code data-chart} name).
     * @param xLabel x axis label with its unit.
     * @param yLabel y axis label with its unit.
     * @param x      x values, ascending.
     * @param series y values per x value; NaN for a missing point.
     * @return this.
     */
    public HtmlReport lineChart(final String name, final String xLabel, final String yLabel, final double[] x,
        final Series... series)
    {
        for (final Series s : series)
        {
            if (s.values().length != x.length)
            {
                throw new IllegalArgumentException("series '" + s.name() + "' has " + s.values().length +
                    " values for " + x.length + " x values");
            }
        }
        final ObjectNode c = chart(name, "line", xLabel, yLabel);
        final ArrayNode data = c.putArray("data");
        data.add(numbers(x));
        final ArrayNode names = c.putArray("series");
        int expected = 0;
        for (final Series s : series)
        {
            names.add(s.name());
            data.add(numbers(s.values()));
            expected += s.points();
        }
        c.put("expected", expected);
        return placeChart(name, expected);
    }

    /**
     * A latency distribution chart in the HdrHistogram style: the x axis is the percentile on a log scale of
     * 1 / (1 - p) (so 90%, 99%, 99.9%, ... are evenly spaced), the y axis the value. Series may have different
     * percentiles; they are joined on one axis.
     *
     * @param name       the chart's title.
     * @param valueLabel y axis label with its unit (e.g. "latency (µs)").
     * @param series     one distribution per line.
     * @return this.
     */
    public HtmlReport logXPercentileChart(final String name, final String valueLabel, final PercentileSeries... series)
    {
        // 100% has no finite 1 / (1 - p): it sits at the first power of ten beyond the highest other percentile.
        double maxFinite = 1;
        for (final PercentileSeries s : series)
        {
            for (final double p : s.percentiles())
            {
                final double gap = 1.0 - p / 100.0;
                if (gap > 1.0 / MAX_PERCENTILE_X)
                {
                    maxFinite = Math.max(maxFinite, 1.0 / gap);
                }
            }
        }
        final double hundred = Math.min(MAX_PERCENTILE_X, Math.pow(10, Math.floor(Math.log10(maxFinite) + 1e-9) + 1));
        final TreeMap<Double, double[]> joined = new TreeMap<>();
        int expected = 0;
        for (int i = 0; i < series.length; i++)
        {
            final PercentileSeries s = series[i];
            for (int j = 0; j < s.percentiles().length; j++)
            {
                final double gap = 1.0 - s.percentiles()[j] / 100.0;
                final double xv = gap <= 1.0 / MAX_PERCENTILE_X ? hundred : Math.min(hundred, 1.0 / gap);
                final double[] row = joined.computeIfAbsent(xv, k ->
                {
                    final double[] r = new double[series.length];
                    Arrays.fill(r, Double.NaN);
                    return r;
                });
                if (Double.isNaN(row[i]))
                {
                    expected++;
                }
                row[i] = s.values()[j];
            }
        }
        final double[] x = new double[joined.size()];
        final double[][] y = new double[series.length][joined.size()];
        int k = 0;
        for (final var e : joined.entrySet())
        {
            x[k] = e.getKey();
            for (int i = 0; i < series.length; i++)
            {
                y[i][k] = e.getValue()[i];
            }
            k++;
        }
        final ObjectNode c = chart(name, "percentile", "percentile", valueLabel);
        final ArrayNode data = c.putArray("data");
        data.add(numbers(x));
        final ArrayNode names = c.putArray("series");
        for (int i = 0; i < series.length; i++)
        {
            names.add(series[i].name());
            data.add(numbers(y[i]));
        }
        c.put("expected", expected);
        return placeChart(name, expected);
    }

    private ObjectNode chart(final String name, final String kind, final String xLabel, final String yLabel)
    {
        final ObjectNode c = charts.addObject();
        c.put("id", "ws-chart-" + chartCount);
        c.put("name", name);
        c.put("kind", kind);
        c.put("xLabel", xLabel);
        c.put("yLabel", yLabel);
        return c;
    }

    private HtmlReport placeChart(final String name, final int expected)
    {
        body.append("<div class=\"ws-chart\" id=\"ws-chart-").append(chartCount).append("\" data-chart=\"")
            .append(escape(name)).append("\" data-expected=\"").append(expected).append("\"></div>\n");
        chartCount++;
        return this;
    }

    private ArrayNode numbers(final double[] values)
    {
        final ArrayNode a = json.createArrayNode();
        for (final double v : values)
        {
            if (Double.isNaN(v) || Double.isInfinite(v))
            {
                a.addNull();
            }
            else
            {
                a.add(v);
            }
        }
        return a;
    }

    /**
     * The whole page.
     *
     * @return self-contained HTML (the chart library inlined).
     */
    public String html()
    {
        final String data;
        try
        {
            data = json.writeValueAsString(charts).replace("</", "<\\/");
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        final String version = uplotVersion();
        final String js = resource(UPLOT_DIR + version + "/dist/uPlot.iife.min.js").replace("</script", "<\\/script");
        final String css = resource(UPLOT_DIR + version + "/dist/uPlot.min.css");
        return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>" + escape(title) +
            "</title>\n<style>\n" + css + "\n" + PAGE_CSS + "</style>\n<script>\n" + js + "\n</script>\n</head>\n" +
            "<body data-report=\"loading\">\n<pre id=\"ws-errors\" hidden></pre>\n<h1>" + escape(title) + "</h1>\n" +
            body + "<p class=\"ws-footer\">Written by Wirespeed; charts by uPlot " + escape(version) + ", inlined.</p>\n" +
            "<script type=\"application/json\" id=\"ws-data\">" + data + "</script>\n<script>\n" + PAGE_JS +
            "</script>\n</body>\n</html>\n";
    }

    /**
     * Writes the page to {@code path} (UTF-8), creating missing parent directories.
     *
     * @param path the file to write.
     * @return {@code path}.
     */
    public Path write(final Path path)
    {
        try
        {
            final Path parent = path.toAbsolutePath().getParent();
            if (parent != null)
            {
                Files.createDirectories(parent);
            }
            Files.writeString(path, html(), StandardCharsets.UTF_8);
            return path;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot write report " + path + ": " + ex.getMessage(), ex);
        }
    }

    /**
     * Number of charts added so far.
     *
     * @return the count.
     */
    public int chartCount()
    {
        return chartCount;
    }

    static String escape(final String s)
    {
        final StringBuilder sb = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++)
        {
            final char ch = s.charAt(i);
            switch (ch)
            {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> sb.append(ch);
            }
        }
        return sb.toString();
    }

    private static String uplotVersion()
    {
        try (InputStream in = HtmlReport.class.getClassLoader().getResourceAsStream(UPLOT_POM))
        {
            if (in == null)
            {
                throw new IllegalStateException("uPlot webjar (org.webjars.npm:uplot) is not on the class path");
            }
            final Properties p = new Properties();
            p.load(in);
            return p.getProperty("version");
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    private static String resource(final String name)
    {
        try (InputStream in = HtmlReport.class.getClassLoader().getResourceAsStream(name))
        {
            if (in == null)
            {
                throw new IllegalStateException("missing resource " + name + " (uPlot webjar)");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    private static final String PAGE_CSS = """
        body { font-family: sans-serif; margin: 1.5em; color: #222; max-width: 1100px; }
        table { border-collapse: collapse; margin: 0.5em 0 1em; font-size: 0.9em; }
        th, td { border: 1px solid #bbb; padding: 0.2em 0.6em; text-align: left; }
        th { background: #eee; }
        td.num { text-align: right; font-variant-numeric: tabular-nums; }
        pre { background: #f6f6f6; padding: 0.5em; overflow-x: auto; }
        #ws-errors { background: #fdd; color: #900; }
        .ws-chart { margin: 0.5em 0 1.5em; }
        .ws-footer { color: #888; font-size: 0.8em; }
        """;

    /** Draws every chart from the inlined data; records points and errors where a browser test can read them. */
    private static final String PAGE_JS = """
        (function () {
          const errors = [];
          function fail(msg) {
            errors.push(msg);
            document.body.dataset.errors = errors.join(' | ');
            const e = document.getElementById('ws-errors');
            e.hidden = false;
            e.textContent = 'report error: ' + errors.join('\\n');
          }
          window.addEventListener('error', ev => fail(String(ev.message)));
          const palette = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf',
            '#7f7f7f', '#bcbd22'];
          function pct(x) {
            const p = 100 * (1 - 1 / x);
            return (Math.round(p * 100000) / 100000) + '%';
          }
          try {
            const charts = JSON.parse(document.getElementById('ws-data').textContent);
            for (const c of charts) {
              const el = document.getElementById(c.id);
              const logX = c.kind === 'percentile';
              const series = [{ label: c.xLabel, value: logX ? (u, v) => v == null ? '' : pct(v) : undefined }];
              c.series.forEach((name, i) => series.push({ label: name, stroke: palette[i % palette.length],
                width: 2, spanGaps: true, points: { show: true, size: 5 } }));
              const opts = {
                title: c.name, width: Math.min(1050, window.innerWidth - 40), height: 360, series: series,
                scales: { x: logX ? { time: false, distr: 3, log: 10 } : { time: false } },
                axes: [
                  { label: c.xLabel, values: logX ? (u, splits) => splits.map(pct) : undefined,
                    splits: logX ? (u, i, min, max) => {
                      const s = [];
                      for (let v = 1; v <= max * 1.0001; v *= 10) { s.push(v); }
                      return s;
                    } : undefined },
                  { label: c.yLabel, size: 70 }
                ]
              };
              const u = new uPlot(opts, c.data, el);
              let points = 0;
              for (let i = 1; i < u.data.length; i++) {
                for (const v of u.data[i]) { if (v != null) { points++; } }
              }
              el.dataset.points = String(points);
              el.dataset.xPoints = String(u.data[0].length);
              el.dataset.last = c.series.map((name, i) => {
                const d = u.data[i + 1];
                return name + '=' + (d.length ? d[d.length - 1] : '');
              }).join(';');
            }
          } catch (ex) {
            fail(String(ex && ex.stack || ex));
          }
          document.body.dataset.report = errors.length ? 'failed' : 'rendered';
        })();
        """;
}
