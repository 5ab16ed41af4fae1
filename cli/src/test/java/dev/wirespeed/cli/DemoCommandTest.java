package dev.wirespeed.cli;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.wirespeed.cli.it.NetNs;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code wirespeed demo}, shortened, in a child JVM (EAL starts once per process): part 1 (load against serve over
 * net_ring: progress, summary, an HTML report that exists) and part 2 (load and wrk against one nginx in namespaces
 * of the demo's own, side by side, and every namespace it made gone afterwards).
 */
class DemoCommandTest
{
    private static String demo(final String... args) throws Exception
    {
        final List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "--enable-native-access=ALL-UNNAMED", "--add-exports",
            "java.base/jdk.internal.misc=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
            WirespeedCli.class.getName(), "demo"));
        cmd.addAll(List.of(args));
        final Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        final String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(180, TimeUnit.SECONDS), out);
        System.out.println(out);
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("demo: OK"), out);
        return out;
    }

    @Test
    void partOneRunsLoadAgainstServeInProcess() throws Exception
    {
        final String out = demo("--part", "1", "--seconds", "3", "--connections", "8");
        assertTrue(out.contains("[1/2] wirespeed load -> wirespeed serve"), out);
        assertTrue(Pattern.compile("(?m)^ +[0-9.]+s[* ] conn/s").matcher(out).find(), "progress lines: " + out);
        assertTrue(out.contains("reached:   yes"), out);
        final Matcher html = Pattern.compile("html report: (\\S+)").matcher(out);
        assertTrue(html.find(), out);
        final Path page = Path.of(html.group(1));
        assertTrue(Files.size(page) > 10_000);
        Files.deleteIfExists(page);
        Files.deleteIfExists(page.getParent());
    }

    @Test
    void partTwoRunsLoadAndWrkAgainstOneNginxAndCleansUp() throws Exception
    {
        final String out = demo("--part", "2", "--seconds", "4", "--connections", "8");
        if (out.contains("[2/2] skipped"))
        {
            return; // not root, or no ip netns / nginx / wrk here: the demo says so itself
        }
        assertTrue(Pattern.compile("(?m)^  wirespeed load +[0-9]+ ").matcher(out).find(), out);
        assertTrue(Pattern.compile("(?m)^  wrk +[0-9]+ ").matcher(out).find(), out);
        assertFalse(NetNs.run("ip", "netns", "list").contains("wsdemo"), "the demo's namespaces are gone");
    }
}
