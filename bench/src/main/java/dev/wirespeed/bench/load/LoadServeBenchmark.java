package dev.wirespeed.bench.load;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import dev.wirespeed.apps.load.InProcessTarget;
import dev.wirespeed.apps.load.LoadPlan;
import dev.wirespeed.apps.load.LoadResult;
import dev.wirespeed.apps.load.LoadRun;
import dev.wirespeed.engine.runtime.LocalAddresses;
import dev.wirespeed.engine.tcp.TcpConfig;
import org.agrona.concurrent.BusySpinIdleStrategy;

/**
 * {@code bench/run-load.sh}'s engine-to-engine part: {@code load} against {@code serve} in one process over a
 * crossed net_ring pair, one shard each (each a busy-polling thread), in connect mode (peak connections per
 * second, RST close so no TIME-WAIT pins ports) and in HTTP keep-alive mode (requests per second), median of
 * {@code rounds}, with the CPU each side's shard thread used.
 * <p>
 * Arguments: {@code [rounds] [seconds] [connections]} (default 3 5 256).
 */
public final class LoadServeBenchmark
{
    private LoadServeBenchmark()
    {
    }

    private static TcpConfig tcp()
    {
        final TcpConfig c = new TcpConfig();
        c.sendBufferSize = 16 * 1024;
        c.receiveBufferSize = 16 * 1024;
        c.mslNs = 50_000_000L;
        return c;
    }

    public static void main(final String[] args)
    {
        final int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        final int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        final int connections = args.length > 2 ? Integer.parseInt(args[2]) : 256;
        final PrintWriter out = new PrintWriter(System.out, true);
        for (final LoadPlan.Mode mode : new LoadPlan.Mode[] {LoadPlan.Mode.CONNECT, LoadPlan.Mode.HTTP})
        {
            final double[] rates = new double[rounds];
            for (int round = 0; round < rounds; round++)
            {
                final LoadPlan.Builder b = LoadPlan.builder();
                b.mode = mode;
                b.targetIp = InProcessTarget.SERVER_IP;
                b.targetPort = mode == LoadPlan.Mode.HTTP ? InProcessTarget.HTTP_PORT : InProcessTarget.DISCARD_PORT;
                b.srcIps = new int[] {InProcessTarget.LOAD_IP};
                b.connections = connections;
                b.closeRst = mode == LoadPlan.Mode.CONNECT;
                b.warmupNs = TimeUnit.SECONDS.toNanos(2);
                b.durationNs = TimeUnit.SECONDS.toNanos(seconds);
                final LoadResult r;
                final double serverCores;
                try (InProcessTarget target = InProcessTarget.start("ws_bench" + mode.ordinal() + round, 1,
                    BusySpinIdleStrategy::new, LoadServeBenchmark::tcp))
                {
                    final long cpu0 = target.serverCpuNs();
                    final long t0 = System.nanoTime();
                    r = LoadRun.run(target.loadEngine(LocalAddresses.of(24, InProcessTarget.LOAD_IP), 1)
                        .tcpConfig(LoadServeBenchmark::tcp).idleStrategy(BusySpinIdleStrategy::new)
                        .preallocate(connections + 64), 1, b.build(), "bench", null, null, () -> false);
                    serverCores = (target.serverCpuNs() - cpu0) / (double)(System.nanoTime() - t0);
                }
                final long errors = r.errors.values().stream().mapToLong(Long::longValue).sum();
                rates[round] = mode == LoadPlan.Mode.CONNECT ? r.connPerS : r.reqPerS;
                out.printf(Locale.ROOT, "%s round %d: %.0f %s/s, errors %d, p50 %.1f us, p99 %.1f us, cpu: load " +
                    "%.2f cores, serve %.2f cores%n", mode.name().toLowerCase(Locale.ROOT), round + 1, rates[round],
                    mode == LoadPlan.Mode.CONNECT ? "conn" : "req", errors, r.latencyUs.get("latency").p50,
                    r.latencyUs.get("latency").p99, r.loadCpuCores, serverCores);
            }
            Arrays.sort(rates);
            out.printf(Locale.ROOT, "%s median of %d: %.0f %s/s%n", mode.name().toLowerCase(Locale.ROOT), rounds,
                rates[rounds / 2], mode == LoadPlan.Mode.CONNECT ? "conn" : "req");
        }
        System.exit(0);
    }
}
