package dev.wirespeed.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bad input to {@code wirespeed load}: exit 2 and exactly one {@code wirespeed: error:} line, each case. */
class LoadCommandTest
{
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(final String... args)
    {
        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);
        final CommandLine cli = WirespeedCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        final List<String> full = new ArrayList<>(List.of("load", "--vdev", "net_null0", "--ip", "192.0.2.1/24"));
        full.addAll(List.of(args));
        return cli.execute(full.toArray(new String[0]));
    }

    private void assertRefused(final String expected, final String... args)
    {
        assertEquals(2, run(args), String.join(" ", args) + ": " + err);
        final String e = err.toString();
        assertTrue(e.startsWith("wirespeed: error: ") && e.strip().lines().count() == 1, "one line: " + e);
        assertTrue(e.contains(expected), "'" + expected + "' in: " + e);
    }

    @Test
    void malformedTargets()
    {
        assertRefused("--target must look like 192.0.2.2:80", "--target", "192.0.2.2");
        assertRefused("--target must look like 192.0.2.2:80", "--target", "192.0.2.2:http");
        assertRefused("--target must look like 192.0.2.2:80", "--target", "192.0.2.300:80");
        assertRefused("--target must look like 192.0.2.2:80", "--target", "192.0.2.2:70000");
        assertRefused("not on the local network", "--target", "198.51.100.7:80");
        assertRefused("our own addresses", "--target", "192.0.2.1:80");
        assertRefused("broadcast", "--target", "192.0.2.255:80");
    }

    @Test
    void badRatesAndCounts()
    {
        assertRefused("--rate must be more than 0", "--target", "192.0.2.2:80", "--rate", "0");
        assertRefused("--catch-up must be 1..1000", "--target", "192.0.2.2:80", "--rate", "10", "--catch-up", "0.5");
        assertRefused("--rate must be more than 0", "--target", "192.0.2.2:80", "--rate", "-5");
        assertRefused("--connections must be", "--target", "192.0.2.2:80", "--connections", "0");
        assertRefused("--mode must be", "--target", "192.0.2.2:80", "--mode", "ftp");
        assertRefused("--duration must be a time", "--target", "192.0.2.2:80", "--duration", "soon");
        assertRefused("--close must be fin or rst", "--target", "192.0.2.2:80", "--close", "slam");
        assertRefused("larger than the send buffer", "--target", "192.0.2.2:7", "--mode", "echo", "--size", "1M");
        assertRefused("--header must look like", "--target", "192.0.2.2:80", "--header", "NoColon");
        assertRefused("Unknown option", "--target", "192.0.2.2:80", "--frobnicate");
    }

    @Test
    void sourceAddressesOutsideThePrefix()
    {
        assertRefused("--src-ips 198.51.100.1-198.51.100.4: 198.51.100.1 is not in the network 192.0.2.0/24",
            "--target", "192.0.2.2:80", "--src-ips", "198.51.100.1-198.51.100.4");
        assertRefused("--src-ips", "--target", "192.0.2.2:80", "--src-ips", "192.0.2.10-nonsense");
    }

    @Test
    void aRunThatCannotFitInMemoryIsRefusedBeforeItStarts()
    {
        assertRefused("does not fit in memory", "--target", "192.0.2.2:80", "--connections", "10000000",
            "--buffer-kib", "1024");
    }

    @Test
    void aTargetThatAnswersNoArpIsBadInput() throws Exception
    {
        // a child JVM: EAL starts once per process, and this run starts it (on a net_null port nothing answers)
        final List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "--enable-native-access=ALL-UNNAMED", "--add-exports",
            "java.base/jdk.internal.misc=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
            WirespeedCli.class.getName(), "load", "--vdev", "net_null_ldarp0", "--ip", "192.0.2.1/24", "--target",
            "192.0.2.2:80", "--duration", "1s"));
        final Process p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        final String stderr = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(2, p.exitValue(), stderr);
        final List<String> errors = stderr.lines().filter(l -> l.startsWith("wirespeed: error:")).toList();
        assertEquals(1, errors.size(), stderr);
        assertTrue(errors.get(0).contains("192.0.2.2 answers no ARP within 3 s"), stderr);
    }
}
