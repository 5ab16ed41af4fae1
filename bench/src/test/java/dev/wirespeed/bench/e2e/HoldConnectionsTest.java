package dev.wirespeed.bench.e2e;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The million-connection benchmark's path ({@code bench/run-million.sh}), small enough for CI: two engines over a
 * net_ring pair, 10,000 connections from two client addresses, held 3 s with keepalives (idle and interval
 * 2 s, so every connection probes during the hold, and a loaded CI box that falls behind for a few seconds loses no
 * connection to 9 unanswered probes) and 4 of them echoing, then all closed. Asserts that every
 * connection was established, held and closed with none lost, keepalive probes were answered, the sample echoed,
 * and both engines ended with no TCB and no mbuf outstanding. No speed is asserted.
 */
class HoldConnectionsTest
{
    private static long figure(final String result, final String name)
    {
        final Matcher m = Pattern.compile("\\b" + Pattern.quote(name) + "=([0-9]+)").matcher(result);
        assertTrue(m.find(), () -> name + " missing in " + result);
        return Long.parseLong(m.group(1));
    }

    @Test
    void tenThousandConnectionsFromTwoAddressesAreHeldWithKeepalivesAndAllClosedWithNoneLost()
    {
        try (EngineE2e e2e = EngineE2e.open("ws_t_hold").idle("yield").sharedThread(true).verbose(true))
        {
            final String r = e2e.hold(10_000, 2, 3_000_000_000L, 4, 2_000_000_000L, 60_000_000_000L);
            System.out.println("hold: " + r);
            assertTrue(r.startsWith("RESULT ok=true "), r);
            assertEquals(10_000, figure(r, "n"));
            assertEquals(0, figure(r, "lost"), r);
            assertTrue(figure(r, "echoes") > 0, r);
            final Matcher probes = Pattern.compile("keepalive_probes_c/s=([0-9]+)/([0-9]+)").matcher(r);
            assertTrue(probes.find(), r);
            assertTrue(Long.parseLong(probes.group(1)) + Long.parseLong(probes.group(2)) >= 10_000,
                () -> "every connection idle for 3 s probes at least once: " + r);
        }
    }
}
