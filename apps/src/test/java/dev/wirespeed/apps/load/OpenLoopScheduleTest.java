package dev.wirespeed.apps.load;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The open loop's schedule, driven with simulated time: a consumer looks every microsecond and issues whatever the
 * schedule allows, except during a stall, when it can issue nothing (every connection is held by the server).
 */
class OpenLoopScheduleTest
{
    private static final long MS = 1_000_000L;
    private static final long STEP_NS = 1_000L;

    /** Issue instants of a 1 s run at {@code rate}, stalled during [stallFrom, stallTo). */
    private static List<Long> run(final OpenLoopSchedule s, final long endNs, final long stallFrom, final long stallTo,
        final List<Long> dues)
    {
        final List<Long> instants = new ArrayList<>();
        for (long now = 0; now < endNs; now += STEP_NS)
        {
            final boolean stalled = now >= stallFrom && now < stallTo;
            while (!stalled && s.mayIssue(now))
            {
                dues.add(s.issue(now));
                instants.add(now);
            }
            s.observe(now);
        }
        return instants;
    }

    private static int mostInAnyWindow(final List<Long> instants, final long windowNs)
    {
        int most = 0;
        int from = 0;
        for (int to = 0; to < instants.size(); to++)
        {
            while (instants.get(to) - instants.get(from) >= windowNs)
            {
                from++;
            }
            most = Math.max(most, to - from + 1);
        }
        return most;
    }

    @Test
    void afterAStallNoWindowSeesMoreThanCatchUpTimesTheRateAndTheBacklogDrains()
    {
        final double rate = 10_000;
        for (final double catchUp : new double[] {1.5, 2, 4})
        {
            final OpenLoopSchedule s = new OpenLoopSchedule(100_000, 1e9 / rate, catchUp, 0, MS);
            final List<Long> dues = new ArrayList<>();
            final List<Long> instants = run(s, 1_000 * MS, 200 * MS, 300 * MS, dues);
            for (final long w : new long[] {10_000, 100_000, MS, 10 * MS, 100 * MS})
            {
                final int most = mostInAnyWindow(instants, w);
                assertTrue(most <= catchUp * rate * w / 1e9 + 1, "catch-up " + catchUp + ": " + most +
                    " issues in a window of " + w + " ns");
            }
            // the 100 ms stall leaves 1000 due; they drain at (catchUp - 1) x rate: 100 ms / (catchUp - 1)
            final long drainNs = (long)(100 * MS / (catchUp - 1));
            assertTrue(s.maxBacklog() >= 999 && s.maxBacklog() <= 1001, "largest backlog " + s.maxBacklog());
            assertTrue(s.behindNs() > 100 * MS - 2 * MS && s.behindNs() < 100 * MS + drainNs + 2 * MS,
                "behind for " + s.behindNs() + " ns, drain " + drainNs);
            assertTrue(300 * MS + drainNs + 2 * MS < 1_000 * MS);
            assertEquals(0, s.backlog(1_000 * MS - STEP_NS), "the backlog drained");
            // every request due went out, in order, and its latency origin is its due time, never the issue
            assertEquals(s.dueCount(1_000 * MS - STEP_NS), dues.size());
            for (int k = 0; k < dues.size(); k++)
            {
                assertEquals(s.dueNs(k), dues.get(k));
                assertTrue(instants.get(k) >= dues.get(k));
            }
            // the first due after the stall ended waited the whole stall: latency from due, not from issue
            final int firstStalled = (int)((200 * MS - 100_000) / (1e9 / rate)) + 1;
            assertTrue(instants.get(firstStalled) - dues.get(firstStalled) >= 99 * MS);
        }
    }

    @Test
    void withoutAStallEveryRequestGoesOutWhenDueAndNoneIsLate()
    {
        final OpenLoopSchedule s = new OpenLoopSchedule(50_000, 1e9 / 3_000, 2, 0, MS);
        final List<Long> dues = new ArrayList<>();
        final List<Long> instants = run(s, 500 * MS, Long.MAX_VALUE, Long.MAX_VALUE, dues);
        assertEquals(1500, instants.size());
        for (int k = 0; k < instants.size(); k++)
        {
            assertTrue(instants.get(k) - dues.get(k) < STEP_NS, "request " + k + " waited");
        }
        assertEquals(0, s.behindNs());
        assertTrue(s.maxBacklog() <= 1);
    }

    @Test
    void catchUpOfOneNeverDrainsFasterThanTheRate()
    {
        final double rate = 10_000;
        final OpenLoopSchedule s = new OpenLoopSchedule(0, 1e9 / rate, 1, 0, MS);
        final List<Long> instants = run(s, 500 * MS, 100 * MS, 150 * MS, new ArrayList<>());
        assertTrue(mostInAnyWindow(instants, MS) <= rate * MS / 1e9 + 1);
        assertTrue(s.backlog(500 * MS - STEP_NS) >= 499, "the stall's 500 requests stay behind");
    }

    @Test
    void aSlowLookerGetsAtMostTheJitterAtOnce()
    {
        // looks every 5 ms, jitter 1 ms: a look issues what the last 1 ms of slots allow plus the pace, not 5 ms' worth
        final double rate = 100_000;
        final OpenLoopSchedule s = new OpenLoopSchedule(0, 1e9 / rate, 2, MS, MS);
        long most = 0;
        for (long now = 0; now < 200 * MS; now += 5 * MS)
        {
            long n = 0;
            while (s.mayIssue(now))
            {
                s.issue(now);
                n++;
            }
            most = Math.max(most, n);
        }
        assertTrue(most <= 2 * rate * MS / 1e9 + 1, most + " at one look");
    }

    @Test
    void refusesACatchUpBelowOne()
    {
        assertThrows(IllegalArgumentException.class, () -> new OpenLoopSchedule(0, 1000, 0.9, 0, MS));
    }
}
