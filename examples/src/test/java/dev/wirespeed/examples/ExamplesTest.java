package dev.wirespeed.examples;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The examples, run as a user would run them (through the public artifact only), so that they cannot rot: the echo
 * of 4 x 1 MiB through the README's echo handler is byte-exact (the server's default 64 KiB buffers make it push back many times, and every
 * connection half-closes with bytes in flight), and the latency probe completes its round trips. No speed is
 * asserted.
 */
class ExamplesTest
{
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void theReadmeEchoAndTheClientAndLatencyProbeRunOverAnInProcessRingPair()
    {
        // the README's 13-line echo handler, byte-exact under backpressure and half-close (with close() instead of
        // closeWhenRead it loses bytes); twice, as a second run in one JVM used to stall a connection now and
        // then (none in 16 runs in a row in one JVM since TCP behaviour 67, the one-MSS receive allowance)
        final InProcessExample.Result first = InProcessExample.run("ws_t_examples1", ReadmeEcho.Echo::new, 4, 1 << 20, 100);
        assertTrue(first.echoOk(), "first run: " + first.failure());
        final InProcessExample.Result r = InProcessExample.run("ws_t_examples", ReadmeEcho.Echo::new, 4, 1 << 20, 2_000);
        assertTrue(r.echoOk(), r.failure());
        assertEquals(4L << 20, r.echoedBytes());
        assertEquals(2_000, r.roundTripsNs().length);
        assertTrue(LatencyProbe.percentile(r.roundTripsNs(), 0.5) > 0);
        System.out.printf("examples: 64 B round trip p50 %.2f us, p99 %.2f us%n",
            LatencyProbe.percentile(r.roundTripsNs(), 0.5) / 1e3, LatencyProbe.percentile(r.roundTripsNs(), 0.99) / 1e3);
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void theReadmeEchoServerAndClientWork()
    {
        assertEquals("hello, wirespeed", ReadmeEcho.echo("hello, wirespeed"));
    }

    /** The README shows ReadmeEcho.java verbatim (from the line after its package line) and says how long it is. */
    @Test
    void theReadmeShowsReadmeEchoVerbatim() throws IOException
    {
        final String readme = Files.readString(Path.of("..", "README.md"));
        final String source = Files.readString(Path.of("src/main/java/dev/wirespeed/examples/ReadmeEcho.java"));
        final String program = source.substring(source.indexOf('\n', source.indexOf("\npackage ") + 1) + 1).strip();
        final int start = readme.indexOf("```java\nimport java.net.InetSocketAddress;");
        assertTrue(start >= 0, "the README's Use as a library section has no program starting with its imports");
        final String shown = readme.substring(start + "```java\n".length(), readme.indexOf("```", start + 7)).strip();
        assertEquals(program, shown, "README.md and examples/.../ReadmeEcho.java differ: change both");
        final long lines = program.lines().count();
        assertTrue(lines < 40, "the README program has " + lines + " lines");
        assertTrue(readme.contains(lines + " lines with its imports"), "the README does not say " + lines + " lines");
    }
}
