package dev.wirespeed.apps.load;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import dev.wirespeed.engine.runtime.Engine;
import dev.wirespeed.engine.runtime.ShardContext;
import dev.wirespeed.engine.wire.Ipv4Header;

/**
 * Runs a {@link LoadPlan} on an engine: every shard of the {@link Engine.Builder} it is given gets a
 * {@link LoadShard} (its handler and a duty) with its share of the plan. The calling thread waits until every
 * shard knows the target's MAC (ARP; a target that never answers is bad input), starts the shards at one common
 * time, samples once a second (progress line, {@code --hlog}), stops them at the end (or when
 * {@code interrupted} says so), and closes the engine.
 */
public final class LoadRun
{
    /** A target that answers no ARP within this long is refused as bad input. */
    public static final long ARP_TIMEOUT_NS = 3_000_000_000L;
    /** Beyond the planned end, how long draining and closing may take before the run is cut. */
    static final long END_GRACE_NS = LoadShard.DRAIN_NS + 2 * LoadShard.CLOSE_NS + 2_000_000_000L;
    private static final long SAMPLE_NS = 1_000_000_000L;

    private LoadRun()
    {
    }

    /**
     * Asks this shard's ARP cache for the target until it has the MAC. The cache holds the question as a pending
     * entry and retries it itself, so the answer is learned as a reply to our request (an ARP reply we never asked
     * for is not learned); after its retries it gives up, and the next call asks again.
     */
    private static final class ArpResolver implements LoadShard.Resolver
    {
        private final ShardContext ctx;
        private final int target;

        ArpResolver(final ShardContext ctx, final int target)
        {
            this.ctx = ctx;
            this.target = target;
        }

        public boolean resolved(final long nowNs)
        {
            return ctx.shard().requestNeighbour(target, nowNs);
        }
    }

    /**
     * Runs a load plan on an engine assembled from {@code builder}, on the calling thread, and returns its result.
     *
     * @param builder     the engine: port, addresses (every {@code plan.srcIps} among them), shards, TCP config,
     *                    threading; handlers and duties are added here.
     * @param n           the builder's shard count.
     * @param hlog        the interval log to write, or null.
     * @param out         progress lines go here (null: none).
     * @param interrupted polled once a sample: true ends the run early (Ctrl-C).
     * @param plan    the run's plan.
     * @param command the command line, recorded in the result.
     * @return the result of the run.
     */
    public static LoadResult run(final Engine.Builder builder, final int n, final LoadPlan plan,
        final String command, final Path hlog, final PrintWriter out, final BooleanSupplier interrupted)
    {
        final LoadStats[] stats = new LoadStats[n];
        final LoadShard[] shards = new LoadShard[n];
        for (int i = 0; i < n; i++)
        {
            stats[i] = new LoadStats(plan.srcIps.length);
        }
        builder.handlers(ctx ->
        {
            final int i = ctx.shardIndex();
            shards[i] = new LoadShard(plan.share(i, n), stats[i], ctx::nowNs, new ArpResolver(ctx, plan.targetIp),
                i, n);
            return shards[i];
        });
        builder.duties(ctx ->
        {
            shards[ctx.shardIndex()].attach(ctx.endpoint());
            return shards[ctx.shardIndex()];
        });
        try (LoadReporter reporter = new LoadReporter(plan, stats, hlog);
            Engine engine = builder.build())
        {
            engine.start();
            final long arpDeadline = System.nanoTime() + ARP_TIMEOUT_NS;
            while (!allResolved(stats))
            {
                if (System.nanoTime() - arpDeadline >= 0 || interrupted.getAsBoolean())
                {
                    for (final LoadShard s : shards)
                    {
                        s.stop();
                    }
                    throw new IllegalArgumentException("the target " + Ipv4Header.formatAddress(plan.targetIp) +
                        " answers no ARP within " + TimeUnit.NANOSECONDS.toSeconds(ARP_TIMEOUT_NS) + " s: is it on " +
                        "this link, up, and does it have that address?");
                }
                LockSupport.parkNanos(1_000_000L);
            }
            final long t0 = System.nanoTime() + 10_000_000L;
            reporter.start(t0, System.currentTimeMillis() + 10);
            for (final LoadShard s : shards)
            {
                s.start(t0);
            }
            final long hardStop = reporter.endNs() + END_GRACE_NS;
            long nextTick = t0 + SAMPLE_NS;
            boolean warmupSampled = plan.warmupNs == 0;
            boolean endSampled = false;
            boolean stopped = false;
            while (!allDone(stats))
            {
                long sampleAt = nextTick;
                if (!warmupSampled && reporter.warmupEndNs() - sampleAt <= 0)
                {
                    sampleAt = reporter.warmupEndNs();
                }
                if (!endSampled && reporter.endNs() - sampleAt <= 0)
                {
                    sampleAt = reporter.endNs();
                }
                long wait;
                while ((wait = sampleAt - System.nanoTime()) > 0 && !allDone(stats) &&
                    (stopped || !interrupted.getAsBoolean()))
                {
                    LockSupport.parkNanos(Math.min(wait, 20_000_000L));
                }
                final long now = System.nanoTime();
                if (now - sampleAt >= 0)
                {
                    final LoadResult.Second s = reporter.sample(now);
                    if (out != null)
                    {
                        out.println(reporter.progressLine(s));
                        out.flush();
                    }
                    warmupSampled |= sampleAt == reporter.warmupEndNs();
                    endSampled |= sampleAt == reporter.endNs();
                    if (sampleAt == nextTick)
                    {
                        nextTick += SAMPLE_NS;
                    }
                }
                if (!stopped && (interrupted.getAsBoolean() || now - hardStop >= 0))
                {
                    stopped = true;
                    for (final LoadShard s : shards)
                    {
                        s.stop();
                    }
                }
                if (now - hardStop - END_GRACE_NS >= 0)
                {
                    break; // a shard that never finishes: report what there is
                }
            }
            reporter.sample(System.nanoTime());
            engine.close(true, 1_000_000_000L);
            if (engine.errorCount() > 0)
            {
                throw new IllegalStateException("the engine hit " + engine.errorCount() + " error(s) on its shard " +
                    "threads; the first: " + engine.firstError());
            }
            return reporter.finish(command, true);
        }
    }

    private static boolean allResolved(final LoadStats[] stats)
    {
        for (final LoadStats s : stats)
        {
            if (s.get(LoadStats.ARP_RESOLVED) == 0)
            {
                return false;
            }
        }
        return true;
    }

    private static boolean allDone(final LoadStats[] stats)
    {
        for (final LoadStats s : stats)
        {
            if (s.get(LoadStats.PHASE) != LoadShard.PHASE_DONE)
            {
                return false;
            }
        }
        return true;
    }
}
