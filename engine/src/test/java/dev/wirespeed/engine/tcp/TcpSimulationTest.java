package dev.wirespeed.engine.tcp;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Issue 3's proof: the TCP core over bad links, seed by seed ({@link TcpSimulation}). {@code -Dsim.seeds=N}
 * (default 2000) seeds from {@code -Dsim.seed=S} (default 1); {@code -Dsim.verbose=true} prints each scenario.
 * A failing seed prints its one-line replay command and the last events.
 */
class TcpSimulationTest
{
    /** The one-line replay of a seed, with the switches that change what a seed runs (small budgets, controller). */
    static final String REPLAY = "./wirespeed test -pl engine -am -Dtest=TcpSimulationTest -Dsim.seed=%d " +
        "-Dsim.seeds=1" + (TcpSimulation.SMALL_BUDGETS ? "" : " -Dsim.budget=false") +
        (TcpSimulation.BBR ? " -Dsim.cc=bbr" : "") + " -Dsurefire.failIfNoSpecifiedTests=false";
    static final int MAX_REPORTED = 5;

    @Test
    void seedsPass()
    {
        final long start = Long.getLong("sim.seed", 1L);
        final int seeds = Integer.getInteger("sim.seeds", 2000);
        final boolean verbose = Boolean.getBoolean("sim.verbose");
        final TcpSimulation.Stats total = new TcpSimulation.Stats();
        final List<TcpSimulation.Failure> failures = new ArrayList<>();
        final long t0 = System.nanoTime();
        for (long seed = start; seed < start + seeds; seed++)
        {
            final TcpSimulation sim = new TcpSimulation(seed, String.format(REPLAY, seed));
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
        System.out.println("simulation: " + seeds + " seeds from " + start + " in " + ms + " ms, " +
            failures.size() + " failed; " + total);
        if (!failures.isEmpty())
        {
            final StringBuilder sb = new StringBuilder(failures.size() + " of " + seeds + " seeds failed:");
            for (final TcpSimulation.Failure f : failures)
            {
                sb.append("\n  ").append(f.getMessage().lines().findFirst().orElse(""))
                    .append("\n    ").append(String.format(REPLAY, f.seed));
            }
            fail(sb.toString());
        }
    }
}
