package dev.wirespeed.cli;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLongArray;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.wirespeed.apps.nic.PacketClock;
import dev.wirespeed.apps.nic.TestFrame;
import dev.wirespeed.apps.nic.TxStream;
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
 * {@code nicbench gen}: stateless UDP/IPv4 test frames (192.0.2.1 to 192.0.2.2) on every queue of every port, one
 * thread per queue, evenly paced to {@code --rate}; a line per second per queue and in total, and the bytes each
 * sending thread allocated per frame (thread allocation counter, after the first second).
 */
@Command(name = "gen", mixinStandardHelpOptions = true,
    description = "UDP/IPv4 traffic generator (TEST-NET-1 addresses), one thread per queue, evenly paced.")
public final class NicGenCommand implements Callable<Integer>
{
    private static final int SENT = 0;
    private static final int BYTES = 1;
    private static final int SKIPPED = 2;
    private static final int ALLOC_BYTES = 3;
    private static final int ALLOC_FRAMES = 4;
    private static final int SLOTS = 8; // one cache line per stream

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    PortOptions portOptions;

    @Option(names = "--queues", defaultValue = "1", description = "TX queues (and threads) per port (default ${DEFAULT-VALUE})")
    int queues;

    @Option(names = "--cores", paramLabel = "LIST", description = "CPUs for the sending threads, one queue per core, in " +
        "stream order (1,3 or 2-5); default: the process's CPUs after the first")
    String coresOption;

    @Option(names = "--size", defaultValue = "64", description = "frame size 64..1518 with FCS, or imix (7:4:1 of 64/570/1518) (default ${DEFAULT-VALUE})")
    String size;

    @Option(names = "--rate", description = "total rate over all streams: PPS (1.5M) or PCT% of line rate; default: as fast as possible")
    String rate;

    @Option(names = "--line-rate", description = "what 100% is, in bit/s at L1 (10G, 100M); default: the port's link speed")
    String lineRate;

    @Option(names = "--seconds", defaultValue = "5", description = "run time (default ${DEFAULT-VALUE})")
    int seconds;

    @Option(names = "--dst-mac", description = "destination MAC (default 02:00:00:00:00:02)")
    String dstMac;

    @Option(names = "--clock", defaultValue = "tsc", description = "timestamp clock: tsc or nanotime (default ${DEFAULT-VALUE})")
    String clockName;

    @Option(names = "--json", paramLabel = "FILE", description = "write the per-second samples and the totals as JSON")
    File json;

    public Integer call() throws InterruptedException
    {
        if (seconds < 1 || seconds > 3600 || queues < 1 || queues > 64)
        {
            throw new ParameterException(spec.commandLine(), "--seconds must be 1..3600 and --queues 1..64");
        }
        final int[] sizes;
        final long dst;
        try
        {
            sizes = TestFrame.parseSizes(size);
            dst = dstMac == null ? TestFrame.DEFAULT_DST_MAC : TestFrame.parseMac(dstMac);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new ParameterException(spec.commandLine(), ex.getMessage());
        }
        final List<PortSpec> specs = portOptions.ports();
        if (specs.isEmpty())
        {
            throw new ParameterException(spec.commandLine(), "gen needs at least one port (--iface, --vdev or --pci)");
        }
        final int[] cores = NicSupport.planCores(spec, coresOption, specs.size() * queues);
        NicSupport.startEal(portOptions);
        final PacketClock clock = PacketClock.of(clockName);
        final List<EthPort> ports = new ArrayList<>();
        try (Arena arena = Arena.ofShared())
        {
            for (final PortSpec s : specs)
            {
                ports.add(NicSupport.open(s, queues, 8191));
            }
            final double meanSize = TestFrame.meanSize(sizes);
            final double lineBpsPerPort = lineRate != null || ports.get(0).linkSpeedMbps() > 0 ?
                NicSupport.lineBps(ports.get(0), lineRate) : 0;
            final double totalPps = totalPps(lineBpsPerPort * ports.size(), meanSize);
            final int streams = ports.size() * queues;
            final List<TxStream> tx = new ArrayList<>();
            for (int p = 0; p < ports.size(); p++)
            {
                for (int q = 0; q < queues; q++)
                {
                    tx.add(new TxStream(arena, ports.get(p), q, p * queues + q, sizes, ports.get(p).macAddress(), dst, clock));
                    NicSupport.warnNuma(ports.get(p), cores[p * queues + q]);
                }
            }
            System.out.printf(Locale.ROOT, "gen: %d port(s) x %d queue(s), frames %s (mean %.1f B with FCS), rate %s, " +
                "line rate %s, %d s%n", ports.size(), queues, size, meanSize,
                totalPps > 0 ? String.format(Locale.ROOT, "%.0f pps", totalPps) : "as fast as possible",
                lineBpsPerPort > 0 ? String.format(Locale.ROOT, "%.0f Mbit/s per port (%s)", lineBpsPerPort / 1e6,
                    NicSupport.describeLineRate(ports.get(0), lineRate)) : "unknown (no link speed, no --line-rate)",
                seconds);
            final StringBuilder placement = new StringBuilder("queues:");
            for (int i = 0; i < streams; i++)
            {
                final EthPort p = ports.get(i / queues);
                placement.append(String.format(Locale.ROOT, " q%d = %s queue %d on CPU %s (port socket %s)%s", i, p.name(),
                    i % queues, cores[i] < 0 ? "any (unpinned: no spare core; --cores pins)" : Integer.toString(cores[i]), p.socketId() < 0 ? "any" : Integer.toString(p.socketId()),
                    i + 1 < streams ? "," : ""));
            }
            System.out.println(placement);
            return run(ports, tx, streams, totalPps / streams, lineBpsPerPort, meanSize, cores);
        }
        finally
        {
            ports.forEach(EthPort::close);
        }
    }

    private double totalPps(final double lineBps, final double meanSize)
    {
        if (rate == null)
        {
            return 0;
        }
        try
        {
            if (rate.strip().endsWith("%"))
            {
                final double pct = NicSupport.parsePercent("--rate", rate);
                if (lineBps <= 0)
                {
                    throw new IllegalArgumentException("--rate " + rate + " needs a line rate: the port reports no link " +
                        "speed, give --line-rate");
                }
                if (pct <= 0 || pct > 100)
                {
                    throw new IllegalArgumentException("--rate must be 0..100%, not " + rate);
                }
                return TestFrame.lineRatePps(lineBps, meanSize) * pct / 100.0;
            }
            final double pps = NicSupport.parseScaled("--rate", rate);
            if (pps <= 0)
            {
                throw new IllegalArgumentException("--rate must be positive");
            }
            return pps;
        }
        catch (final IllegalArgumentException ex)
        {
            throw new ParameterException(spec.commandLine(), ex.getMessage());
        }
    }

    private int run(final List<EthPort> ports, final List<TxStream> tx, final int streams, final double ppsPerStream,
        final double lineBpsPerPort, final double meanSize, final int[] cores) throws InterruptedException
    {
        final AtomicLongArray counters = new AtomicLongArray(streams * SLOTS);
        final long startNs = System.nanoTime();
        final long endNs = startNs + seconds * 1_000_000_000L;
        final List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < streams; i++)
        {
            final TxStream s = tx.get(i);
            final int base = i * SLOTS;
            final int cpu = cores[i];
            final Thread t = new Thread(() -> sendLoop(s, cpu, ppsPerStream, startNs + 1_000_000_000L, endNs, counters,
                base), "gen-" + i);
            threads.add(t);
        }
        threads.forEach(Thread::start);

        final PortStats stats = new PortStats();
        final long[] missed0 = new long[ports.size()];
        final long[] oerr0 = new long[ports.size()];
        for (int p = 0; p < ports.size(); p++)
        {
            ports.get(p).stats(stats);
            missed0[p] = stats.rxMissed;
            oerr0[p] = stats.txErrors;
        }
        final long[] lastSent = new long[streams];
        final long[] lastBytes = new long[streams];
        final List<Map<String, Object>> samples = new ArrayList<>();
        long lastNs = startNs;
        for (int sec = 1; sec <= seconds; sec++)
        {
            Thread.sleep(Math.max(0, (startNs + sec * 1_000_000_000L - System.nanoTime()) / 1_000_000L));
            final long now = System.nanoTime();
            final double dt = (now - lastNs) / 1e9;
            lastNs = now;
            long totalFrames = 0;
            long totalBytes = 0;
            for (int i = 0; i < streams; i++)
            {
                final long sent = counters.get(i * SLOTS + SENT);
                final long bytes = counters.get(i * SLOTS + BYTES);
                final long df = sent - lastSent[i];
                final long db = bytes - lastBytes[i];
                lastSent[i] = sent;
                lastBytes[i] = bytes;
                totalFrames += df;
                totalBytes += db;
                if (streams > 1)
                {
                    System.out.println("  " + line(sec, "q" + i + (cores[i] < 0 ? "" : "@cpu" + cores[i]), df / dt, db / dt, lineBpsPerPort, ""));
                }
                final Map<String, Object> one = sample(sec, "q" + i, df / dt, db / dt);
                one.put("cpu", cores[i]);
                samples.add(one);
            }
            long missed = 0;
            long oerr = 0;
            for (int p = 0; p < ports.size(); p++)
            {
                ports.get(p).stats(stats);
                missed += stats.rxMissed - missed0[p];
                oerr += stats.txErrors - oerr0[p];
            }
            System.out.println(line(sec, "total", totalFrames / dt, totalBytes / dt, lineBpsPerPort * ports.size(),
                " port drops: imissed " + missed + " oerrors " + oerr));
            final Map<String, Object> total = sample(sec, "total", totalFrames / dt, totalBytes / dt);
            total.put("imissed", missed);
            total.put("oerrors", oerr);
            samples.add(total);
        }
        for (final Thread t : threads)
        {
            t.join();
        }
        long frames = 0;
        long bytes = 0;
        long skipped = 0;
        long allocBytes = 0;
        long allocFrames = 0;
        for (int i = 0; i < streams; i++)
        {
            frames += counters.get(i * SLOTS + SENT);
            bytes += counters.get(i * SLOTS + BYTES);
            skipped += counters.get(i * SLOTS + SKIPPED);
            allocBytes += counters.get(i * SLOTS + ALLOC_BYTES);
            allocFrames += counters.get(i * SLOTS + ALLOC_FRAMES);
        }
        final double elapsed = (System.nanoTime() - startNs) / 1e9;
        final double perFrame = allocFrames == 0 ? 0 : (double)allocBytes / allocFrames;
        System.out.printf(Locale.ROOT, "result: gen %.3f Mpps, %.3f Gbit/s L2, %.3f Gbit/s L1 over %.1f s (%d frames, " +
            "%d schedule slots skipped), allocated %.4f B/frame%n", frames / elapsed / 1e6, bytes * 8 / elapsed / 1e9,
            (bytes + frames * (double)TestFrame.L1_OVERHEAD) * 8 / elapsed / 1e9, elapsed, frames, skipped, perFrame);
        if (json != null)
        {
            final Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("ports", portOptions.ports().stream().map(PortSpec::toString).toList());
            doc.put("queues", queues);
            doc.put("cores", cores);
            doc.put("size", size);
            doc.put("meanFrameBytes", meanSize);
            doc.put("ratePpsRequested", ppsPerStream * streams);
            doc.put("lineRateBpsPerPort", lineBpsPerPort);
            doc.put("seconds", elapsed);
            doc.put("frames", frames);
            doc.put("bytes", bytes);
            doc.put("mpps", frames / elapsed / 1e6);
            doc.put("skippedSlots", skipped);
            doc.put("allocatedBytesPerFrame", perFrame);
            doc.put("samples", samples);
            try
            {
                new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json, doc);
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException("cannot write " + json + ": " + ex.getMessage(), ex);
            }
        }
        return 0;
    }

    private static String line(final int sec, final String who, final double pps, final double bytesPerSec,
        final double lineBps, final String tail)
    {
        final double l1 = (bytesPerSec + pps * TestFrame.L1_OVERHEAD) * 8;
        return String.format(Locale.ROOT, "%3d s %-9s %10.0f pps  L2 %8.3f Gbit/s  L1 %8.3f Gbit/s%s%s", sec, who, pps,
            bytesPerSec * 8 / 1e9, l1 / 1e9, lineBps > 0 ? String.format(Locale.ROOT, "  %6.2f%% of line rate",
                100 * l1 / lineBps) : "", tail);
    }

    private static Map<String, Object> sample(final int sec, final String who, final double pps, final double bytesPerSec)
    {
        final Map<String, Object> m = new LinkedHashMap<>();
        m.put("second", sec);
        m.put("stream", who);
        m.put("pps", pps);
        m.put("l2bps", bytesPerSec * 8);
        m.put("l1bps", (bytesPerSec + pps * TestFrame.L1_OVERHEAD) * 8);
        return m;
    }

    /** The sending thread, pinned to its CPU: paced sends until the end, counters published every 256 duty cycles. */
    private static void sendLoop(final TxStream s, final int cpu, final double pps, final long warmEndNs,
        final long endNs, final AtomicLongArray counters, final int base)
    {
        NicSupport.pinWorker("gen-" + s.stream(), cpu);
        final com.sun.management.ThreadMXBean threads = NicSupport.threads();
        s.start(pps, Long.MAX_VALUE);
        long alloc0 = -1;
        long frames0 = 0;
        long now;
        do
        {
            for (int i = 0; i < 256; i++)
            {
                s.doWork();
            }
            now = System.nanoTime();
            if (alloc0 < 0 && now - warmEndNs >= 0)
            {
                alloc0 = threads.getCurrentThreadAllocatedBytes();
                frames0 = s.sent();
            }
            counters.lazySet(base + SENT, s.sent());
            counters.lazySet(base + BYTES, s.sentBytes());
        }
        while (now - endNs < 0);
        if (alloc0 >= 0)
        {
            counters.set(base + ALLOC_BYTES, threads.getCurrentThreadAllocatedBytes() - alloc0);
            counters.set(base + ALLOC_FRAMES, s.sent() - frames0);
        }
        s.discardPending();
        counters.set(base + SENT, s.sent());
        counters.set(base + BYTES, s.sentBytes());
        counters.set(base + SKIPPED, s.skipped());
    }
}
