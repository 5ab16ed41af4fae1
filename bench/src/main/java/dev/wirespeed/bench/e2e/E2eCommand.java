package dev.wirespeed.bench.e2e;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.ToDoubleFunction;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code wirespeed e2e}: two Wirespeed engines in this process over a {@code net_ring} pair, against the Linux kernel
 * over loopback doing the same things from the same JVM: connections per second (connect, request, response,
 * close), ping-pong round-trip latency, bulk throughput. Rounds alternate the two stacks; the end is a table of
 * medians and the engine/kernel ratios against the targets. Exit code 0 when every phase ran clean (no bad byte,
 * reset, stall or leak), 1 otherwise.
 */
@Command(name = "e2e", mixinStandardHelpOptions = true,
    description = "Engine-to-engine benchmark over a net_ring pair against the Linux kernel over loopback.")
public final class E2eCommand implements Callable<Integer>
{
    /**
     * The command with its options unset; picocli creates it and fills them from the command line.
     */
    public E2eCommand()
    {
    }

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--seconds", defaultValue = "3", description = "measured seconds per phase (default ${DEFAULT-VALUE})")
    double seconds;

    @Option(names = "--warmup", defaultValue = "1", description = "warm-up seconds before each phase's window (default ${DEFAULT-VALUE})")
    double warmup;

    @Option(names = "--rounds", defaultValue = "3", description = "rounds; each runs every phase on every stack (default ${DEFAULT-VALUE})")
    int rounds;

    @Option(names = "--phases", split = ",", defaultValue = "cps,latency,bulk", description = "phases to run, of cps, latency, bulk (default ${DEFAULT-VALUE})")
    List<String> phases;

    @Option(names = "--stacks", split = ",", defaultValue = "engine,kernel", description = "stacks to run, of engine, kernel, api, api-shared, api-dedicated (the last three: latency through the application API from an application thread: a thread per shard; both shards on one thread; the client engine DEDICATED with the server engine invoked on its shard thread) (default ${DEFAULT-VALUE})")
    List<String> stacks;

    @Option(names = "--concurrency", defaultValue = "64", description = "connections in flight in the cps phase (default ${DEFAULT-VALUE})")
    int concurrency;

    @Option(names = "--size", defaultValue = "64", description = "request and response bytes (default ${DEFAULT-VALUE})")
    int size;

    @Option(names = "--time-wait-ms", defaultValue = "200", description = "engine TIME-WAIT, 2*MSL (default ${DEFAULT-VALUE}; the kernel's is 60 s)")
    long timeWaitMs;

    @Option(names = "--bulk-buffer-kb", defaultValue = "256", description = "engine send/receive buffer in the bulk phase, KiB, a power of two (default ${DEFAULT-VALUE})")
    int bulkBufferKb;

    @Option(names = "--verify", description = "check every bulk byte at the receiver (costs receiver CPU)")
    boolean verify;

    @Option(names = "--kernel-spin", negatable = true, defaultValue = "true", fallbackValue = "true",
        description = "also measure the kernel's latency with busy-polled non-blocking sockets, idling like the engine's --idle (default ${DEFAULT-VALUE})")
    boolean kernelSpin;

    @Option(names = "--engine-threads", defaultValue = "2", description = "engine shard threads: 2 (one per shard) or 1 (both shards composed on one thread) (default ${DEFAULT-VALUE})")
    int engineThreads;

    @Option(names = "--mtu", defaultValue = "1500", description = "engine IP MTU on the net_ring pair, 576..9000 (default ${DEFAULT-VALUE}; loopback's is 65536)")
    int mtu;

    @Option(names = "--jumbo-mtu", defaultValue = "9000", description = "also run the engine's bulk phase at this MTU, 0 for no (default ${DEFAULT-VALUE})")
    int jumboMtu;

    @Option(names = "--idle", defaultValue = "busy", description = "engine shard idle strategy: busy, yield or backoff (default ${DEFAULT-VALUE})")
    String idle;

    @Option(names = "--verbose", description = "print every non-zero engine TCP counter after each engine phase")
    boolean verbose;

    private static final String ENGINE = "engine";
    private static final String KERNEL = "kernel";
    private static final String KERNEL_SPIN = "kernel-spin";
    private static final String ENGINE_JUMBO = "engine-jumbo";
    private static final String API = "api";
    private static final String API_SHARED = "api-shared";
    private static final String API_DEDICATED = "api-dedicated";

    public Integer call() throws Exception
    {
        validate();
        final E2eSettings s = new E2eSettings();
        s.measureNs = (long)(seconds * 1e9);
        s.warmupNs = (long)(warmup * 1e9);
        s.concurrency = concurrency;
        s.messageSize = size;
        s.engineTimeWaitNs = timeWaitMs * 1_000_000L;
        s.engineBulkBufferBytes = bulkBufferKb * 1024;
        s.verifyBulk = verify;
        s.engineMtu = mtu;
        final E2eSettings jumbo = s.copy();
        jumbo.engineMtu = jumboMtu;

        final List<PhaseResult.Phase> phaseList = new ArrayList<>();
        for (final String p : phases)
        {
            phaseList.add(PhaseResult.Phase.valueOf(p.trim().toUpperCase(Locale.ROOT)));
        }
        final boolean runApi = stacks.contains(API);
        final boolean runApiShared = stacks.contains(API_SHARED);
        final boolean runApiDedicated = stacks.contains(API_DEDICATED);
        final boolean runEngine = stacks.contains(ENGINE) || runApi || runApiShared || runApiDedicated;
        final boolean runKernel = stacks.contains(KERNEL);
        System.out.printf(Locale.ROOT, "e2e: %d round(s) of %s on %s; %.1f s warm-up + %.1f s measured per phase; " +
            "cps concurrency %d, message %d B; engine TIME-WAIT %d ms, bulk buffer %d KiB, MTU %d, %d shard thread(s), " +
            "idle %s; %d cores%n", rounds, phaseList, stacks, warmup, seconds, concurrency, size, timeWaitMs, bulkBufferKb,
            mtu, engineThreads, idle, Runtime.getRuntime().availableProcessors());

        final Map<PhaseResult.Phase, Map<String, List<PhaseResult>>> results = new EnumMap<>(PhaseResult.Phase.class);
        final EngineE2e engine = runEngine ? EngineE2e.open("ws_e2e", Math.max(mtu, jumboMtu)).verbose(verbose)
            .sharedThread(engineThreads == 1).idle(idle) : null;
        final KernelE2e kernel = new KernelE2e();
        long errors = 0;
        try
        {
            for (int round = 1; round <= rounds; round++)
            {
                for (final PhaseResult.Phase phase : phaseList)
                {
                    final List<String> order = new ArrayList<>();
                    if (phase == PhaseResult.Phase.LATENCY && runApi)
                    {
                        order.add(API);
                    }
                    if (phase == PhaseResult.Phase.LATENCY && runApiShared)
                    {
                        order.add(API_SHARED);
                    }
                    if (phase == PhaseResult.Phase.LATENCY && runApiDedicated)
                    {
                        order.add(API_DEDICATED);
                    }
                    if (stacks.contains(ENGINE))
                    {
                        order.add(ENGINE);
                        if (phase == PhaseResult.Phase.BULK && jumboMtu != 0 && jumboMtu != mtu)
                        {
                            order.add(ENGINE_JUMBO);
                        }
                    }
                    if (runKernel)
                    {
                        order.add(KERNEL);
                        if (phase == PhaseResult.Phase.LATENCY && kernelSpin)
                        {
                            order.add(KERNEL_SPIN);
                        }
                    }
                    if (round % 2 == 0)
                    {
                        java.util.Collections.reverse(order);
                    }
                    for (final String stack : order)
                    {
                        System.out.printf(Locale.ROOT, "[round %d/%d] %-12s %-7s ... ", round, rounds, stack,
                            phase.name().toLowerCase(Locale.ROOT));
                        System.out.flush();
                        PhaseResult r;
                        try
                        {
                            r = run(engine, kernel, stack, phase, ENGINE_JUMBO.equals(stack) ? jumbo : s,
                                !"busy".equals(idle));
                        }
                        catch (final Exception ex)
                        {
                            r = PhaseResult.failed(stack, phase, ex);
                        }
                        System.out.println(r.summary());
                        errors += r.errors;
                        results.computeIfAbsent(phase, k -> new LinkedHashMap<>())
                            .computeIfAbsent(stack, k -> new ArrayList<>()).add(r);
                    }
                }
            }
        }
        finally
        {
            if (engine != null)
            {
                engine.close();
            }
        }
        report(results);
        System.out.println(errors == 0 ? "e2e: every phase ran clean" : "e2e: " + errors + " error(s), see above");
        return errors == 0 ? 0 : 1;
    }

    private static PhaseResult run(final EngineE2e engine, final KernelE2e kernel, final String stack,
        final PhaseResult.Phase phase, final E2eSettings s, final boolean yieldWhenIdle) throws Exception
    {
        return switch (stack)
        {
            case ENGINE, ENGINE_JUMBO -> switch (phase)
            {
                case CPS -> engine.cps(s);
                case LATENCY -> engine.latency(s);
                case BULK -> engine.bulk(s);
            };
            case API -> engine.apiLatency(s, EngineE2e.ApiThreads.A_THREAD_PER_SHARD);
            case API_SHARED -> engine.apiLatency(s, EngineE2e.ApiThreads.SHARED);
            case API_DEDICATED -> engine.apiLatency(s, EngineE2e.ApiThreads.DEDICATED_SERVER_INVOKED);
            case KERNEL -> switch (phase)
            {
                case CPS -> kernel.cps(s);
                case LATENCY -> kernel.latency(s, false);
                case BULK -> kernel.bulk(s);
            };
            default -> kernel.latency(s, true, yieldWhenIdle);
        };
    }

    private void report(final Map<PhaseResult.Phase, Map<String, List<PhaseResult>>> results)
    {
        System.out.println();
        System.out.println("medians over the rounds (per-round values in brackets):");
        final Map<String, List<PhaseResult>> cps = results.getOrDefault(PhaseResult.Phase.CPS, Map.of());
        final Map<String, List<PhaseResult>> lat = results.getOrDefault(PhaseResult.Phase.LATENCY, Map.of());
        final Map<String, List<PhaseResult>> bulk = results.getOrDefault(PhaseResult.Phase.BULK, Map.of());
        cps.forEach((stack, rs) -> row("connections/s", stack, rs, r -> r.rate, "%,.0f"));
        lat.forEach((stack, rs) ->
        {
            row("latency p50 us", stack, rs, r -> r.p50Ns / 1e3, "%.2f");
            row("latency p99 us", stack, rs, r -> r.p99Ns / 1e3, "%.2f");
            row("latency p99.9 us", stack, rs, r -> r.p999Ns / 1e3, "%.2f");
        });
        bulk.forEach((stack, rs) -> row("bulk Gbit/s", stack, rs, r -> r.rate, "%.2f"));

        System.out.println();
        if (cps.containsKey(ENGINE) && cps.containsKey(KERNEL))
        {
            final double ratio = median(cps.get(ENGINE), r -> r.rate) / median(cps.get(KERNEL), r -> r.rate);
            System.out.printf(Locale.ROOT, "ratio cps     engine/kernel          = %8.2fx   (target >= 10x: %s)%n",
                ratio, ratio >= 10 ? "met" : "NOT met");
        }
        if (lat.containsKey(ENGINE) && lat.containsKey(KERNEL))
        {
            final double engineP99 = median(lat.get(ENGINE), r -> r.p99Ns);
            final double kernelP50 = median(lat.get(KERNEL), r -> r.p50Ns);
            System.out.printf(Locale.ROOT, "ratio latency engine p99/kernel p50  = %8.3f    (%.2f us vs %.2f us; target < 1: %s)%n",
                engineP99 / kernelP50, engineP99 / 1e3, kernelP50 / 1e3, engineP99 < kernelP50 ? "met" : "NOT met");
            if (lat.containsKey(KERNEL_SPIN))
            {
                final double spinP50 = median(lat.get(KERNEL_SPIN), r -> r.p50Ns);
                System.out.printf(Locale.ROOT, "      against the busy-polling kernel  = %8.3f    (%.2f us vs %.2f us)%n",
                    engineP99 / spinP50, engineP99 / 1e3, spinP50 / 1e3);
            }
        }
        for (final String api : List.of(API, API_SHARED, API_DEDICATED))
        {
            if (lat.containsKey(api) && lat.containsKey(KERNEL_SPIN))
            {
                final double apiP99 = median(lat.get(api), r -> r.p99Ns);
                final double spinP50 = median(lat.get(KERNEL_SPIN), r -> r.p50Ns);
                System.out.printf(Locale.ROOT, "ratio latency %-13s p99/kernel-spin p50 = %8.3f (%.2f us vs %.2f us; target < 1: %s)%n",
                    api, apiP99 / spinP50, apiP99 / 1e3, spinP50 / 1e3, apiP99 < spinP50 ? "met" : "NOT met");
            }
        }
        if (bulk.containsKey(ENGINE) && bulk.containsKey(KERNEL))
        {
            final double ratio = median(bulk.get(ENGINE), r -> r.rate) / median(bulk.get(KERNEL), r -> r.rate);
            System.out.printf(Locale.ROOT, "ratio bulk    engine/kernel          = %8.2fx   (target >= 1x: %s; engine MTU %d, loopback 65536)%n",
                ratio, ratio >= 1 ? "met" : "NOT met", mtu);
            if (bulk.containsKey(ENGINE_JUMBO))
            {
                final double jumboRatio = median(bulk.get(ENGINE_JUMBO), r -> r.rate) / median(bulk.get(KERNEL), r -> r.rate);
                System.out.printf(Locale.ROOT, "      at engine MTU %-5d              = %8.2fx   (target >= 1x: %s)%n",
                    jumboMtu, jumboRatio, jumboRatio >= 1 ? "met" : "NOT met");
            }
        }
    }

    private static void row(final String figure, final String stack, final List<PhaseResult> rs,
        final ToDoubleFunction<PhaseResult> f, final String format)
    {
        final StringBuilder each = new StringBuilder();
        for (final PhaseResult r : rs)
        {
            each.append(each.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, format, f.applyAsDouble(r)));
        }
        System.out.printf(Locale.ROOT, "  %-17s %-12s %14s   [%s]%n", figure, stack,
            String.format(Locale.ROOT, format, median(rs, f)), each);
    }

    static double median(final List<PhaseResult> rs, final ToDoubleFunction<PhaseResult> f)
    {
        final double[] v = new double[rs.size()];
        for (int i = 0; i < v.length; i++)
        {
            v[i] = f.applyAsDouble(rs.get(i));
        }
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private void validate()
    {
        if (seconds <= 0 || seconds > 600 || warmup < 0 || warmup > 600 || rounds < 1 || rounds > 100)
        {
            throw new ParameterException(spec.commandLine(), "--seconds must be in (0, 600], --warmup in [0, 600], --rounds 1..100");
        }
        if (concurrency < 1 || concurrency > 10_000 || size < 1 || size > 16_384)
        {
            throw new ParameterException(spec.commandLine(), "--concurrency must be 1..10000 and --size 1..16384");
        }
        if (timeWaitMs < 1 || bulkBufferKb < 4 || Integer.bitCount(bulkBufferKb) != 1 || bulkBufferKb > 65536)
        {
            throw new ParameterException(spec.commandLine(), "--time-wait-ms must be >= 1, --bulk-buffer-kb a power of two in 4..65536");
        }
        if (!List.of("busy", "yield", "backoff").contains(idle))
        {
            throw new ParameterException(spec.commandLine(), "--idle must be busy, yield or backoff");
        }
        if (mtu < 576 || mtu > 9000 || (jumboMtu != 0 && (jumboMtu < 576 || jumboMtu > 9000)))
        {
            throw new ParameterException(spec.commandLine(), "--mtu and --jumbo-mtu must be 576..9000 (--jumbo-mtu 0: none)");
        }
        if (engineThreads != 1 && engineThreads != 2)
        {
            throw new ParameterException(spec.commandLine(), "--engine-threads must be 1 or 2");
        }
        for (final String p : phases)
        {
            if (!List.of("cps", "latency", "bulk").contains(p.trim()))
            {
                throw new ParameterException(spec.commandLine(), "--phases: unknown phase '" + p + "' (cps, latency, bulk)");
            }
        }
        for (final String st : stacks)
        {
            if (!List.of(ENGINE, KERNEL, API, API_SHARED, API_DEDICATED).contains(st.trim()))
            {
                throw new ParameterException(spec.commandLine(), "--stacks: unknown stack '" + st + "' (engine, kernel, api, api-shared, api-dedicated)");
            }
        }
    }
}
