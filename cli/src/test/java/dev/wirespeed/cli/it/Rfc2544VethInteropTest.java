package dev.wirespeed.cli.it;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.wirespeed.cli.WirespeedCli;
import dev.wirespeed.apps.testing.HeadlessChromium;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code nicbench rfc2544} against {@code nicbench reflect --max-pps} through a veth pair with net_af_packet on
 * both ends, each command in its own namespace and process, as a user would run them. Line rate is set to
 * 20 Mbit/s (29 762 pps at 64 B), so that the kernel's AF_PACKET rings (2048 frames) never overflow here: the only
 * loss is the reflector's. The run must find the reflector's rate within its resolution and the back-to-back burst
 * its buffer allows; the JSON and the HTML report (checked in headless Chromium) are written under target/.
 */
class Rfc2544VethInteropTest
{
    private static final int MAX_PPS = 10_000;
    private static final int BUFFER = 512;
    private static final double LINE_PPS = 20e6 / ((64 + 20) * 8.0);

    @Test
    void rfc2544OverAVethFindsTheReflectorsLimitAndBuffer() throws Exception
    {
        final Path dir = Path.of("target/rfc2544-test").toAbsolutePath();
        Files.createDirectories(dir);
        final Path json = dir.resolve("veth.json");
        final Path html = dir.resolve("veth.html");
        Files.deleteIfExists(json);
        try (NetNs net = NetNs.create())
        {
            for (final String[] side : new String[][] {{net.nsA, net.ifA}, {net.nsB, net.ifB}})
            {
                NetNs.run(NetNs.prefix(side[0], "sysctl", "-q", "-w", "net.ipv6.conf." + side[1] + ".disable_ipv6=1"));
            }
            try (ServeProcess reflector = ServeProcess.startCli(net.nsB, "nicbench", "reflect", "--iface", net.ifB,
                "--max-pps", Integer.toString(MAX_PPS), "--buffer", Integer.toString(BUFFER), "--seconds", "300", "--quiet"))
            {
                final List<String> cmd = new ArrayList<>(NetNs.prefix(net.nsA,
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "--enable-native-access=ALL-UNNAMED", "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
                    "-cp", System.getProperty("java.class.path"), WirespeedCli.class.getName(),
                    "nicbench", "rfc2544", "--port", net.ifA, "--sizes", "64", "--trial", "1s", "--warmup", "0.5s",
                    "--line-rate", "20M", "--resolution", "1%", "--b2b-repeats", "2", "--b2b-max", "50ms",
                    "--settle", "1s", "--json", json.toString(), "--html", html.toString()));
                final Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
                final String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(p.waitFor(240, TimeUnit.SECONDS), "rfc2544 did not finish");
                System.out.println(out);
                assertEquals(0, p.exitValue(), out);
                assertTrue(out.contains("timestamps: software") && out.contains("--timestamps auto fell back because port " +
                    "net_af_packet"), out);
                assertEquals(0, reflector.stop(), reflector.output());
                assertTrue(reflector.output().contains("result: reflect"), reflector.output());
            }
        }

        final JsonNode r = new ObjectMapper().readTree(json.toFile()).get("results").get(0);
        final double resolutionPps = LINE_PPS * 0.01;
        final double hidden = BUFFER / 1.5;
        final double found = r.get("throughputPps").asDouble();
        assertTrue(found >= MAX_PPS - resolutionPps && found <= MAX_PPS + resolutionPps + hidden,
            "throughput " + found + " pps, expected " + MAX_PPS + " +- " + resolutionPps);
        assertTrue(r.get("latency").get("count").asLong() > 0.9 * found, r.get("latency").toString());
        final double expectedBurst = BUFFER / (1 - MAX_PPS / LINE_PPS);
        final double burst = r.get("backToBack").get("meanFrames").asDouble();
        assertEquals(expectedBurst, burst, expectedBurst * 0.2, "back-to-back frames");
        assertFalse(r.get("backToBack").get("unbounded").asBoolean());

        final HeadlessChromium.Page page = HeadlessChromium.open(html, Path.of("target/report-screenshots/rfc2544-veth.png"));
        page.assertClean();
        assertEquals(2, page.points("throughput against frame size"));
    }
}
