package dev.wirespeed.engine.tcp;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Issue 3's proof: the TCP core over bad links, seed by seed ({@link TcpSimulation}). {@code -Dsim.seeds=N}
 * (default 2000) seeds from {@code -Dsim.seed=S} (default 1), once with both ends on NewReno and once on
 * {@link Bbr} ({@code -Dsim.cc=newreno} or {@code bbr} runs one); {@code -Dsim.verbose=true} prints each
 * scenario. A failing seed prints its one-line replay command and the last events.
 */
class TcpSimulationTest
{
    /** The one-line replay of a seed, with the switches that change what a seed runs (small budgets, controller). */
    static final String REPLAY = "./wirespeed test -pl engine -am -Dtest=TcpSimulationTest -Dsim.seed=%d " +
        "-Dsim.seeds=1" + (TcpSimulation.SMALL_BUDGETS ? "" : " -Dsim.budget=false") +
        " -Dsim.cc=%s -Dsurefire.failIfNoSpecifiedTests=false";
    static final int MAX_REPORTED = 5;

    @Test
    void seedsPassWithNewReno()
    {
        seedsPass("newreno");
    }

    @Test
    void seedsPassWithBbr()
    {
        seedsPass("bbr");
    }

    private static void seedsPass(final String cc)
    {
        final String only = System.getProperty("sim.cc", "");
        if (!only.isEmpty() && !only.equals("newreno") && !only.equals("bbr"))
        {
            fail("-Dsim.cc must be newreno or bbr, not '" + only + "'");
        }
        assumeTrue(only.isEmpty() || only.equals(cc), "-Dsim.cc=" + only + " runs only that controller");
        final long start = Long.getLong("sim.seed", 1L);
        final int seeds = Integer.getInteger("sim.seeds", 2000);
        final boolean verbose = Boolean.getBoolean("sim.verbose");
        final TcpSimulation.Stats total = new TcpSimulation.Stats();
        final List<TcpSimulation.Failure> failures = new ArrayList<>();
        final long t0 = System.nanoTime();
        for (long seed = start; seed < start + seeds; seed++)
        {
            final TcpSimulation sim = new TcpSimulation(seed, cc.equals("bbr"), String.format(REPLAY, seed, cc));
            try
            {
                sim.run();
                if (verbose)
                {
                    System.out.println("seed " + seed + " ok: " + sim.summary());
                }
            }
            catch (final TcpSimulation.Failure f)
            {
                failures.add(f);
                if (failures.size() <= MAX_REPORTED)
                {
                    System.out.println("SIMULATION FAILURE " + f.getMessage() + "  scenario: " + sim.summary());
                }
                else
                {
                    System.out.println("SIMULATION FAILURE " + f.getMessage().lines().findFirst().orElse(""));
                }
            }
            total.add(sim.stats);
        }
        final long ms = (System.nanoTime() - t0) / 1_000_000;
        System.out.println("simulation (" + cc + "): " + seeds + " seeds from " + start + " in " + ms + " ms, " +
            failures.size() + " failed; " + total);
        if (!failures.isEmpty())
        {
            final StringBuilder sb = new StringBuilder(failures.size() + " of " + seeds + " seeds failed (" + cc + "):");
            for (final TcpSimulation.Failure f : failures)
            {
                sb.append("\n  ").append(f.getMessage().lines().findFirst().orElse(""))
                    .append("\n    ").append(String.format(REPLAY, f.seed, cc));
            }
            fail(sb.toString());
        }
    }
}
