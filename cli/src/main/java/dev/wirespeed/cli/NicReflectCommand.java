package dev.wirespeed.cli;

import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLongArray;

import dev.wirespeed.apps.nic.Reflector;
import dev.wirespeed.bindings.Eal;
import dev.wirespeed.bindings.EthPort;
import dev.wirespeed.bindings.PortSpec;
import dev.wirespeed.bindings.PortStats;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code nicbench reflect}: sends every TEST-NET-1 IPv4 frame back out of the port it came in on with MAC and IP
 * addresses swapped, one thread per queue; with {@code --max-pps} a device under test with a known answer (see
 * {@link Reflector}). Runs for {@code --seconds} or until SIGINT/SIGTERM; prints {@code ready} once its ports are up
 * and a line per second.
 */
@Command(name = "reflect", mixinStandardHelpOptions = true,
    description = "Reflects test frames back (MAC and IP swap, like testpmd macswap); --max-pps makes it a known-answer DUT.")
public final class NicReflectCommand implements Callable<Integer>
{
    private static final int SLOTS = 8;
    /** Slot of the thread's allocated-bytes counter (published with the frame counters). */
    private static final int ALLOCATED = 6;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    PortOptions portOptions;

    @Option(names = "--queues", defaultValue = "1", description = "queues (and threads) per port (default ${DEFAULT-VALUE})")
    int queues;

    @Option(names = "--cores", paramLabel = "LIST", description = "CPUs for the reflecting threads, one queue per core " +
        "(1,3 or 2-5); default: the process's CPUs after the first")
    String coresOption;

    @Option(names = "--max-pps", description = "forward at most this many frames per second per port (k/M suffixes); " +
        "frames that find the buffer full are dropped")
    String maxPps;

    @Option(names = "--buffer", defaultValue = "1024", description = "frames the rate-limited reflector buffers (default ${DEFAULT-VALUE})")
    int buffer;

    @Option(names = "--seconds", defaultValue = "600", description = "stop after this long (default ${DEFAULT-VALUE})")
    int seconds;

    @Option(names = "--quiet", description = "no per-second line")
    boolean quiet;

    private volatile boolean stop;

    public Integer call() throws InterruptedException
    {
        if (seconds < 1 || seconds > 86_400 || queues < 1 || queues > 64 || buffer < 1 || buffer > 1 << 20)
        {
            throw new ParameterException(spec.commandLine(), "--seconds must be 1..86400, --queues 1..64, --buffer 1..1048576");
        }
        final double limit;
        try
        {
            limit = maxPps == null ? 0 : NicSupport.parseScaled("--max-pps", maxPps);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new ParameterException(spec.commandLine(), ex.getMessage());
        }
        if (maxPps != null && limit < 1)
        {
            throw new ParameterException(spec.commandLine(), "--max-pps must be at least 1");
        }
        final List<PortSpec> specs = portOptions.ports();
        if (specs.isEmpty())
        {
            throw new ParameterException(spec.commandLine(), "reflect needs at least one port (--iface, --vdev or --pci)");
        }
        final int[] cores = NicSupport.planCores(spec, coresOption, specs.size() * queues);
        NicSupport.startEal(portOptions);
        final List<EthPort> ports = new ArrayList<>();
        try (Arena arena = Arena.ofShared())
        {
            for (final PortSpec s : specs)
            {
                ports.add(NicSupport.open(s, queues, 8191));
            }
            final List<Reflector> reflectors = new ArrayList<>();
            for (final EthPort p : ports)
            {
                for (int q = 0; q < queues; q++)
                {
                    NicSupport.warnNuma(p, cores[reflectors.size()]);
                    reflectors.add(new Reflector(arena, p, p, q, limit / queues, buffer));
                }
            }
            sun.misc.Signal.handle(new sun.misc.Signal("INT"), signal -> stop = true);
            sun.misc.Signal.handle(new sun.misc.Signal("TERM"), signal -> stop = true);
            final AtomicLongArray counters = new AtomicLongArray(reflectors.size() * SLOTS);
            final List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < reflectors.size(); i++)
            {
                final Reflector r = reflectors.get(i);
                final int base = i * SLOTS;
                final int cpu = cores[i];
                final String name = "reflect-" + i;
                threads.add(new Thread(() -> loop(r, name, cpu, counters, base), name));
            }
            threads.forEach(Thread::start);
            System.out.printf(Locale.ROOT, "ready: reflecting on %s, %d queue(s) each on CPUs %s%s%n", specs, queues,
                NicSupport.describeCpus(cores), limit > 0 ? String.format(Locale.ROOT, ", at most %.0f pps per port through a %d-frame buffer", limit,
                    buffer) : "");
            System.out.flush();
            final long start = System.nanoTime();
            long lastRx = 0;
            long lastTx = 0;
            long lastAlloc = 0;
            final PortStats stats = new PortStats();
            for (int sec = 1; sec <= seconds && !stop; sec++)
            {
                while (!stop && System.nanoTime() - (start + sec * 1_000_000_000L) < 0)
                {
                    Thread.sleep(10);
                }
                final long rx = sum(counters, reflectors.size(), 0);
                final long tx = sum(counters, reflectors.size(), 1);
                final long alloc = sum(counters, reflectors.size(), ALLOCATED);
                if (!quiet)
                {
                    long missed = 0;
                    for (final EthPort p : ports)
                    {
                        missed += p.stats(stats).rxMissed;
                    }
                    System.out.printf(Locale.ROOT, "%3d s  rx %9d pps  reflected %9d pps  dropped by the limit %d  " +
                        "ignored %d  imissed %d  allocated %d B%n", sec, rx - lastRx, tx - lastTx, sum(counters, reflectors.size(), 2),
                        sum(counters, reflectors.size(), 3), missed, alloc - lastAlloc);
                }
                lastRx = rx;
                lastTx = tx;
                lastAlloc = alloc;
            }
            stop = true;
            for (final Thread t : threads)
            {
                t.join();
            }
            long missed = 0;
            for (final EthPort p : ports)
            {
                missed += p.stats(stats).rxMissed;
            }
            System.out.printf(Locale.ROOT, "result: reflect received %d, reflected %d, dropped by the limit %d, " +
                "ignored %d, missed by the port (imissed) %d, allocated %.4f B/frame (%d B over %d frames after each thread's " +
                "first 3 s of traffic)%n", sum(counters, reflectors.size(), 0),
                sum(counters, reflectors.size(), 1), sum(counters, reflectors.size(), 2),
                sum(counters, reflectors.size(), 3), missed, perFrame(counters, reflectors.size()),
                sum(counters, reflectors.size(), 4), sum(counters, reflectors.size(), 5));
            return 0;
        }
        finally
        {
            ports.forEach(EthPort::close);
        }
    }

    private static long sum(final AtomicLongArray c, final int n, final int slot)
    {
        long s = 0;
        for (int i = 0; i < n; i++)
        {
            s += c.get(i * SLOTS + slot);
        }
        return s;
    }

    private static double perFrame(final AtomicLongArray c, final int n)
    {
        final long frames = sum(c, n, 5);
        return frames == 0 ? 0 : (double)sum(c, n, 4) / frames;
    }

    /**
     * A reflecting thread. The allocation baseline is taken 3 s after the thread received its first frame, not 3 s
     * after it started: the first frames run the frame path for the first time (class initialisation, the first
     * tx_burst call linking its method handle, JIT compilation: about 430 KB once, measured), and a reflector that
     * waits idle for its tester would otherwise count that one-time cost against the frames (it printed 0.26 and
     * 7.4 B/frame that way). The counter is also published every 256 duty cycles for the per-second line.
     */
    private void loop(final Reflector r, final String name, final int cpu, final AtomicLongArray counters,
        final int base)
    {
        NicSupport.pinWorker(name, cpu);
        final com.sun.management.ThreadMXBean threads = NicSupport.threads();
        long warmEnd = 0;
        boolean traffic = false;
        long alloc0 = -1;
        long frames0 = 0;
        while (!stop)
        {
            for (int i = 0; i < 256; i++)
            {
                r.doWork();
            }
            if (alloc0 < 0)
            {
                final long now = System.nanoTime();
                if (!traffic && r.received() > 0)
                {
                    traffic = true;
                    warmEnd = now + 3_000_000_000L; // JIT warm-up, slower on a busy machine
                }
                if (traffic && now - warmEnd >= 0)
                {
                    alloc0 = threads.getCurrentThreadAllocatedBytes();
                    frames0 = r.received();
                }
            }
            counters.lazySet(base, r.received());
            counters.lazySet(base + 1, r.reflected());
            counters.lazySet(base + 2, r.policed());
            counters.lazySet(base + 3, r.ignored());
            counters.lazySet(base + ALLOCATED, threads.getCurrentThreadAllocatedBytes());
        }
        if (alloc0 >= 0)
        {
            counters.set(base + 4, threads.getCurrentThreadAllocatedBytes() - alloc0);
            counters.set(base + 5, r.received() - frames0);
        }
        r.discardPending();
        counters.set(base, r.received());
        counters.set(base + 1, r.reflected());
    }
}
