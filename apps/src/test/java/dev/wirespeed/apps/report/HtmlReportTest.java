package dev.wirespeed.apps.report;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import dev.wirespeed.apps.testing.HeadlessChromium;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The shared HTML report, rendered by real headless Chromium; screenshots land in target/report-screenshots/. */
class HtmlReportTest
{
    @TempDir
    Path dir;

    @Test
    void chartsHoldEveryPointAndThePageRendersWithoutErrorsOrNetwork() throws Exception
    {
        final Histogram a = new Histogram(3);
        final Histogram b = new Histogram(3);
        for (int i = 1; i <= 10_000; i++)
        {
            a.recordValue(1000 + i % 500);
            b.recordValue(2000 + i % 3000);
        }
        final PercentileSeries pa = PercentileSeries.fromHistogram("64 B", a, 1000.0);
        final PercentileSeries pb = PercentileSeries.fromHistogram("1518 B", b, 1000.0);
        assertTrue(pa.points() > 10, "percentile points: " + pa.points());
        assertEquals(100.0, pa.percentiles()[pa.points() - 1]);

        final Path html = HtmlReport.titled("Report test <&> \"quoted\"")
            .paragraph("clock: System.nanoTime, </script> in text is escaped")
            .section("Throughput")
            .lineChart("throughput", "frame size (B)", "Mpps", new double[] {64, 128, 256, 512},
                Series.of("found", 1.5, 1.2, Double.NaN, 0.6), Series.of("line rate", 14.88, 8.45, 4.53, 2.35))
            .table(List.of("size", "Mpps"), List.of(List.of("64", "1.5"), List.of("128", "1.2")))
            .section("Latency")
            .logXPercentileChart("latency", "latency (µs)", pa, pb)
            .write(dir.resolve("sub/report.html"));

        final String text = Files.readString(html);
        assertFalse(text.contains("http://") || text.contains("https://cdn"), "the page must not load anything");
        assertTrue(text.contains("&lt;/script&gt; in text is escaped"));

        final HeadlessChromium.Page page = HeadlessChromium.open(html, Path.of("target/report-screenshots/html-report-test.png"));
        page.assertClean();
        assertEquals(7, page.points("throughput"));
        assertEquals(pa.points() + pb.points(), page.points("latency"));
        assertTrue(Files.size(page.screenshot()) > 10_000, "screenshot size " + Files.size(page.screenshot()));
    }

    @Test
    void aScriptErrorInThePageIsReported() throws Exception
    {
        final Path html = HtmlReport.titled("broken")
            .lineChart("one", "x", "y", new double[] {1, 2}, Series.of("s", 1, 2))
            .write(dir.resolve("broken.html"));
        // break the page the way a bad library build or bad data would: the chart library is gone
        Files.writeString(html, Files.readString(html).replace("var uPlot=", "var notUPlot="));
        final HeadlessChromium.Page page = HeadlessChromium.open(html, dir.resolve("broken.png"));
        assertEquals("failed", page.report());
        assertTrue(page.errors().contains("uPlot"), page.errors());
        assertThrows(AssertionError.class, page::assertClean);
    }

    @Test
    void seriesLengthMustMatchTheXAxis()
    {
        assertThrows(IllegalArgumentException.class, () -> HtmlReport.titled("t")
            .lineChart("c", "x", "y", new double[] {1, 2, 3}, Series.of("s", 1, 2)));
    }
}
