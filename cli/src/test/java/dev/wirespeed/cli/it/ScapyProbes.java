package dev.wirespeed.cli.it;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A probe script of the test resources ({@code interop/probes.py}, {@code interop/hostile.py}) run once with
 * Debian's scapy in the Linux namespace against {@code wirespeed serve}: it prints {@code PROBE <name> ok|FAIL
 * <detail>} per probe and then {@code DONE}; each test checks one probe's line.
 */
final class ScapyProbes
{
    /** Debian's interpreter: the one with python3-scapy (a python3 earlier on PATH may lack it). */
    static final String PYTHON = "/usr/bin/python3";

    final String output;
    private final Map<String, String> results = new HashMap<>();

    private ScapyProbes(final String output)
    {
        this.output = output;
        output.lines().filter(l -> l.startsWith("PROBE ")).forEach(l ->
        {
            final String[] parts = l.split(" ", 3);
            results.put(parts[1], parts.length > 2 ? parts[2] : "");
        });
    }

    /** Fails clearly when Debian's scapy is missing. */
    static void requireScapy() throws InterruptedException
    {
        try
        {
            NetNs.run(PYTHON, "-c", "import scapy.all");
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException("Debian's scapy is missing from " + PYTHON +
                ": apt-get install python3-scapy (./wirespeed test installs it)", ex);
        }
    }

    /** Runs {@code script IFACE ENGINE_IP ENGINE_MAC DEADLINE_S} in namespace B. */
    static ScapyProbes run(final NetNs net, final Path script, final String engineMac, final int deadlineS)
        throws IOException, InterruptedException
    {
        return new ScapyProbes(net.inB(PYTHON, script.toString(), net.ifB, NetNs.ENGINE_IP, engineMac,
            Integer.toString(deadlineS)));
    }

    void assertOk(final String name)
    {
        final String result = results.get(name);
        assertNotNull(result, "the script printed no line for " + name + ":\n" + output);
        assertTrue(result.startsWith("ok"), name + ": " + result + "\n--- script output:\n" + output);
    }

    void assertDone()
    {
        assertTrue(output.lines().anyMatch("DONE"::equals), "the script did not finish:\n" + output);
    }
}
