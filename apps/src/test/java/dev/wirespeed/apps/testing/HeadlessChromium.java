package dev.wirespeed.apps.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Opens an {@link dev.wirespeed.apps.report.HtmlReport} page in Debian's headless Chromium (the {@code chromium} package, which the launcher
 * installs) and reports what the page did: whether it finished drawing, the script errors it caught, and the points
 * each chart was handed; it also saves a screenshot. Every run has a fresh profile directory, no network services
 * (no sync, component update or background networking) and a time limit.
 * <pre>{@code
 * HeadlessChromium.Page page = HeadlessChromium.open(html, Path.of("target/report-screenshots/x.png"));
 * page.assertClean();                       // rendered, no script error, no console error
 * assertEquals(7, page.points("throughput"));
 * }</pre>
 */
public final class HeadlessChromium
{
    private static final long TIMEOUT_SECONDS = 90;
    private static final Pattern CHART = Pattern.compile("<div[^>]*class=\"ws-chart\"[^>]*>");
    private static final Pattern ATTR = Pattern.compile("data-([a-z-]+)=\"([^\"]*)\"");
    private static final Pattern BODY = Pattern.compile("<body[^>]*>");

    private HeadlessChromium()
    {
    }

    /** What the browser made of a page. */
    public record Page(String dom, String report, String errors, List<String> consoleErrors,
        Map<String, Integer> points, Map<String, Integer> expected, Map<String, String> last, Path screenshot)
    {
        /** The last value the page plotted for one series of a chart (NaN when there is none). */
        public double last(final String chart, final String series)
        {
            for (final String kv : last.getOrDefault(chart, "").split(";"))
            {
                final int eq = kv.lastIndexOf('=');
                if (eq > 0 && kv.substring(0, eq).equals(series) && eq + 1 < kv.length() &&
                    !"null".equals(kv.substring(eq + 1)))
                {
                    return Double.parseDouble(kv.substring(eq + 1));
                }
            }
            return Double.NaN;
        }

        /** Points the page handed to the chart named {@code name}, or -1 if there is no such chart. */
        public int points(final String name)
        {
            return points.getOrDefault(name, -1);
        }

        /** Throws unless the page rendered, caught no error, logged no console error and every chart got its points. */
        public void assertClean()
        {
            final List<String> problems = new ArrayList<>();
            if (!"rendered".equals(report))
            {
                problems.add("data-report=" + report);
            }
            if (!errors.isEmpty())
            {
                problems.add("script errors: " + errors);
            }
            if (!consoleErrors.isEmpty())
            {
                problems.add("console errors: " + consoleErrors);
            }
            for (final var e : expected.entrySet())
            {
                final int got = points.getOrDefault(e.getKey(), -1);
                if (got != e.getValue() || got <= 0)
                {
                    problems.add("chart '" + e.getKey() + "' holds " + got + " points, the report has " + e.getValue());
                }
            }
            if (!problems.isEmpty())
            {
                throw new AssertionError("report page in Chromium: " + String.join("; ", problems));
            }
        }
    }

    /** The Chromium binary, or null when none is installed. */
    public static Path binary()
    {
        for (final String name : new String[] {"/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"})
        {
            final Path p = Path.of(name);
            if (Files.isExecutable(p))
            {
                return p;
            }
        }
        return null;
    }

    /**
     * Loads {@code html} twice (once to dump the DOM after its scripts ran, once for a 1280-pixel-wide screenshot
     * saved at {@code screenshot}) and parses what the page recorded.
     */
    public static Page open(final Path html, final Path screenshot) throws IOException, InterruptedException
    {
        final Path chromium = binary();
        if (chromium == null)
        {
            throw new IllegalStateException("Chromium is not installed (apt-get install chromium; ./wirespeed setup does it)");
        }
        final String url = html.toAbsolutePath().toUri().toString();
        final Run dump = run(chromium, List.of("--enable-logging=stderr", "--v=0", "--dump-dom", url));
        Files.createDirectories(screenshot.toAbsolutePath().getParent());
        run(chromium, List.of("--hide-scrollbars", "--window-size=1280,2400",
            "--screenshot=" + screenshot.toAbsolutePath(), url));
        if (!Files.isRegularFile(screenshot) || Files.size(screenshot) == 0)
        {
            throw new IOException("Chromium wrote no screenshot at " + screenshot);
        }

        final String dom = dump.stdout;
        final Matcher body = BODY.matcher(dom);
        final Map<String, String> bodyAttrs = body.find() ? attributes(body.group()) : Map.of();
        final Map<String, Integer> points = new LinkedHashMap<>();
        final Map<String, Integer> expected = new LinkedHashMap<>();
        final Map<String, String> last = new LinkedHashMap<>();
        final Matcher chart = CHART.matcher(dom);
        while (chart.find())
        {
            final Map<String, String> a = attributes(chart.group());
            final String name = unescape(a.getOrDefault("chart", "?"));
            points.put(name, Integer.parseInt(a.getOrDefault("points", "-1")));
            expected.put(name, Integer.parseInt(a.getOrDefault("expected", "-1")));
            last.put(name, unescape(a.getOrDefault("last", "")));
        }
        final List<String> console = dump.stderr.lines()
            .filter(l -> l.contains("CONSOLE") && (l.contains("Uncaught") || l.contains(":ERROR:") || l.contains("Error")))
            .toList();
        return new Page(dom, bodyAttrs.getOrDefault("report", "(none)"), unescape(bodyAttrs.getOrDefault("errors", "")),
            console, points, expected, last, screenshot);
    }

    private static Map<String, String> attributes(final String tag)
    {
        final Map<String, String> m = new LinkedHashMap<>();
        final Matcher a = ATTR.matcher(tag);
        while (a.find())
        {
            m.put(a.group(1), a.group(2));
        }
        return m;
    }

    private static String unescape(final String s)
    {
        return s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'")
            .replace("&amp;", "&");
    }

    private record Run(String stdout, String stderr)
    {
    }

    private static Run run(final Path chromium, final List<String> args) throws IOException, InterruptedException
    {
        final Path profile = Files.createTempDirectory("ws-chromium-");
        try
        {
            final List<String> cmd = new ArrayList<>(List.of(chromium.toString(), "--headless", "--no-sandbox",
                "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-default-apps", "--mute-audio",
                "--user-data-dir=" + profile));
            cmd.addAll(args);
            final Path out = profile.resolve("stdout.txt");
            final Path err = profile.resolve("stderr.txt");
            final Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS))
            {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                throw new IOException("Chromium did not finish within " + TIMEOUT_SECONDS + " s: " + String.join(" ", cmd));
            }
            final String stdout = Files.readString(out, StandardCharsets.UTF_8);
            final String stderr = Files.readString(err, StandardCharsets.UTF_8);
            if (p.exitValue() != 0)
            {
                throw new IOException("Chromium exited " + p.exitValue() + ": " + stderr.strip());
            }
            return new Run(stdout, stderr);
        }
        finally
        {
            try (Stream<Path> files = Files.walk(profile))
            {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }
}
