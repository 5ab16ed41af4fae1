package dev.wirespeed.examples;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The examples, run as a user would run them (through the public artifact only), so that they cannot rot: the echo
 * of 4 x 1 MiB is byte-exact (the server's default 64 KiB buffers make it push back many times, and every
 * connection half-closes with bytes in flight), and the latency probe completes its round trips. No speed is
 * asserted.
 */
class ExamplesTest
{
    @Test
    void echoServerClientAndLatencyProbeRunOverAnInProcessRingPair()
    {
        final InProcessExample.Result r = InProcessExample.run("ws_t_examples", 4, 1 << 20, 2_000);
        assertTrue(r.echoOk(), r.failure());
        assertEquals(4L << 20, r.echoedBytes());
        assertEquals(2_000, r.roundTripsNs().length);
        assertTrue(LatencyProbe.percentile(r.roundTripsNs(), 0.5) > 0);
        System.out.printf("examples: 64 B round trip p50 %.2f us, p99 %.2f us%n",
            LatencyProbe.percentile(r.roundTripsNs(), 0.5) / 1e3, LatencyProbe.percentile(r.roundTripsNs(), 0.99) / 1e3);
    }

    @Test
    void theReadmeEchoServerAndClientWork()
    {
        assertEquals("hello, wirespeed", ReadmeEcho.echoOnce("hello, wirespeed"));
    }
}
