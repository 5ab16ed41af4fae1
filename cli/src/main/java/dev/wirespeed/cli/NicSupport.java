package dev.wirespeed.cli;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Locale;
import java.util.TreeSet;

import dev.wirespeed.bindings.Cpus;
import dev.wirespeed.bindings.DpdkException;
import dev.wirespeed.bindings.Eal;
import dev.wirespeed.bindings.EthPort;
import dev.wirespeed.bindings.PortConfig;
import dev.wirespeed.bindings.PortSpec;

/** What the nicbench commands share: EAL start, opening ports with N queues, and parsing rates and durations. */
final class NicSupport
{
    private NicSupport()
    {
    }

    static void startEal(final PortOptions options)
    {
        if (Eal.current() == null)
        {
            Eal.init(options.ealOptions());
        }
        Eal.registerThread();
    }

    /** Opens and starts a port with {@code queues} RX and TX queues ({@code --iface} ports get {@code qpairs}). */
    static EthPort open(final PortSpec spec, final int queues, final int mempoolSize)
    {
        return open(spec, queues, mempoolSize, false);
    }

    /** As above; {@code rxTimestamps} turns on the RX timestamp offload where the port has it. */
    static EthPort open(final PortSpec spec, final int queues, final int mempoolSize, final boolean rxTimestamps)
    {
        final PortSpec s = queues > 1 && spec.kind() == PortSpec.Kind.IFACE ?
            PortSpec.vdev(spec.devargs() + ",qpairs=" + queues) : spec;
        final EthPort port = EthPort.open(s);
        try
        {
            port.start(new PortConfig().queues(queues, queues).mempool(mempoolSize, 256).rxTimestamps(rxTimestamps));
        }
        catch (final RuntimeException ex)
        {
            port.close();
            throw ex;
        }
        return port;
    }

    /** A CPU list as taskset and DPDK's {@code -l} write it: {@code 1}, {@code 1,3}, {@code 2-5}, {@code 0,2-3}. */
    static int[] parseCpuList(final String text)
    {
        final TreeSet<Integer> cpus = new TreeSet<>();
        for (final String part : text.strip().split(","))
        {
            final String p = part.strip();
            try
            {
                final int dash = p.indexOf('-');
                final int lo = Integer.parseInt(dash < 0 ? p : p.substring(0, dash).strip());
                final int hi = dash < 0 ? lo : Integer.parseInt(p.substring(dash + 1).strip());
                if (lo < 0 || hi < lo || hi > 1023)
                {
                    throw new NumberFormatException();
                }
                for (int c = lo; c <= hi; c++)
                {
                    if (!cpus.add(c))
                    {
                        throw new IllegalArgumentException("--cores lists CPU " + c + " twice: one queue per core");
                    }
                }
            }
            catch (final NumberFormatException ex)
            {
                throw new IllegalArgumentException("--cores must be a CPU list like 1,3 or 2-5, not '" + text + "'");
            }
        }
        return cpus.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * The CPU each of {@code streams} worker threads (one per port queue) is pinned to. {@code --cores} given: its
     * CPUs in order, each one the process may use. Default: the process's CPUs after the first (left to the main
     * thread, the JIT and the GC, as testpmd leaves its main lcore) when there are at least streams + 2 of them, else
     * -1 for every stream: unpinned (a box with no spare core).
     *
     * @param allowed the CPUs this process may run on ({@link Cpus#allowed()}).
     * @throws IllegalArgumentException for a CPU outside {@code allowed}, or more streams than CPUs.
     */
    static int[] planCores(final String coresOption, final int streams, final int[] allowed)
    {
        final String have = describeCpus(allowed);
        if (coresOption != null)
        {
            final int[] cores = parseCpuList(coresOption);
            for (final int c : cores)
            {
                if (Arrays.stream(allowed).noneMatch(a -> a == c))
                {
                    throw new IllegalArgumentException("--cores: CPU " + c + " is out of range: this process may use " +
                        "CPUs " + have);
                }
            }
            if (cores.length < streams)
            {
                throw new IllegalArgumentException(streams + " queues (ports x --queues) need " + streams +
                    " cores, one queue per core; --cores gives " + cores.length + " (" + coresOption + ")");
            }
            return Arrays.copyOf(cores, streams);
        }
        if (streams > allowed.length)
        {
            throw new IllegalArgumentException("more queues than cores: " + streams + " queues (ports x --queues) need " +
                streams + " cores, one queue per core, and this process may use " + allowed.length + " (CPUs " + have +
                "); lower --queues");
        }
        if (allowed.length < streams + 2)
        {
            // no core to spare beside the workers and the main thread: pinning cannot isolate a busy-polling worker
            // here and would only stop the scheduler moving it off a core that other work (the JIT, GC, a peer
            // process on a small box) has taken; so the workers stay unpinned (-1) unless --cores says otherwise
            final int[] unpinned = new int[streams];
            Arrays.fill(unpinned, -1);
            return unpinned;
        }
        return Arrays.copyOfRange(allowed, 1, 1 + streams);
    }

    /**
     * {@link #planCores} for a command: the cores its {@code streams} workers run on (-1 = unpinned), a bad
     * {@code --cores} becoming the command's usage error.
     */
    static int[] planCores(final picocli.CommandLine.Model.CommandSpec spec, final String coresOption,
        final int streams)
    {
        try
        {
            return planCores(coresOption, streams, Cpus.allowed());
        }
        catch (final IllegalArgumentException ex)
        {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), ex.getMessage());
        }
    }

    /** {@code 0-3,6}: a CPU list, ranges folded. */
    static String describeCpus(final int[] cpus)
    {
        if (cpus.length > 0 && cpus[0] < 0)
        {
            return "any (unpinned: no spare core; --cores pins)";
        }
        final StringBuilder b = new StringBuilder();
        for (int i = 0; i < cpus.length; i++)
        {
            int j = i;
            while (j + 1 < cpus.length && cpus[j + 1] == cpus[j] + 1)
            {
                j++;
            }
            b.append(b.length() > 0 ? "," : "").append(cpus[i]);
            if (j > i)
            {
                b.append('-').append(cpus[j]);
            }
            i = j;
        }
        return b.toString();
    }

    /**
     * Warns (on stderr, once per CPU and port) when a worker's CPU is on another NUMA node than its port: every
     * frame would then cross the socket interconnect. Silent when either side does not say (vdevs, one-node boxes).
     */
    static void warnNuma(final EthPort port, final int cpu)
    {
        final int portNode = port.socketId();
        if (cpu < 0)
        {
            return;
        }
        final int cpuNode = Cpus.numaNode(cpu);
        if (portNode >= 0 && cpuNode >= 0 && portNode != cpuNode)
        {
            System.err.println("wirespeed: warning: CPU " + cpu + " is on NUMA node " + cpuNode + " but port " +
                port.name() + " is on node " + portNode + ": pick cores of node " + portNode + " with --cores");
        }
    }

    /**
     * Registers the calling worker thread with DPDK and pins it to {@code cpu}. A refusal is one warning line and
     * the thread runs unpinned (the plan was checked against the process's CPUs before any thread started).
     */
    static void pinWorker(final String who, final int cpu)
    {
        Eal.registerThread();
        if (cpu < 0)
        {
            return;
        }
        try
        {
            Cpus.pinCurrentThread(cpu);
        }
        catch (final DpdkException ex)
        {
            System.err.println("wirespeed: warning: " + who + " could not be pinned to CPU " + cpu + ": " +
                ex.getMessage() + "; it runs unpinned");
        }
    }

    /** A port named {@code iface:NAME}, {@code vdev:SPEC}, {@code pci:ADDR} or a bare interface name. */
    static PortSpec parsePort(final String text)
    {
        final int colon = text.indexOf(':');
        final String kind = colon < 0 ? "" : text.substring(0, colon);
        return switch (kind)
        {
            case "iface" -> PortSpec.iface(text.substring(colon + 1));
            case "vdev" -> PortSpec.vdev(text.substring(colon + 1));
            case "pci" -> PortSpec.pci(text.substring(colon + 1));
            default -> colon < 0 ? PortSpec.iface(text) :
                text.matches("[0-9a-fA-F]{4}:[0-9a-fA-F]{2}:.*|[0-9a-fA-F]{2}:[0-9a-fA-F]{2}\\..*") ? PortSpec.pci(text) :
                    PortSpec.iface(text);
        };
    }

    /** Seconds from {@code 60s}, {@code 500ms}, {@code 2m} or a bare number of seconds, as nanoseconds. */
    static long parseDurationNs(final String option, final String text)
    {
        final String t = text.strip().toLowerCase(Locale.ROOT);
        try
        {
            if (t.endsWith("ms"))
            {
                return (long)(Double.parseDouble(t.substring(0, t.length() - 2)) * 1e6);
            }
            if (t.endsWith("s"))
            {
                return (long)(Double.parseDouble(t.substring(0, t.length() - 1)) * 1e9);
            }
            if (t.endsWith("m"))
            {
                return (long)(Double.parseDouble(t.substring(0, t.length() - 1)) * 60e9);
            }
            return (long)(Double.parseDouble(t) * 1e9);
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException(option + " must be a duration like 60s, 500ms or 2m, not '" + text + "'");
        }
    }

    /** Bits per second from {@code 10G}, {@code 100M}, {@code 1.5k} or a bare number. */
    static double parseBitRate(final String option, final String text)
    {
        final double v = parseScaled(option, text.strip().replaceAll("(?i)(bps|bit/s|b/s)$", ""));
        if (v <= 0)
        {
            throw new IllegalArgumentException(option + " must be positive, not '" + text + "'");
        }
        return v;
    }

    /** A number with an optional k/M/G suffix (powers of 1000). */
    static double parseScaled(final String option, final String text)
    {
        String t = text.strip();
        double scale = 1;
        if (!t.isEmpty())
        {
            switch (Character.toLowerCase(t.charAt(t.length() - 1)))
            {
                case 'k' -> scale = 1e3;
                case 'm' -> scale = 1e6;
                case 'g' -> scale = 1e9;
                default -> scale = 1;
            }
            if (scale != 1)
            {
                t = t.substring(0, t.length() - 1);
            }
        }
        try
        {
            return Double.parseDouble(t) * scale;
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException(option + ": not a number: '" + text + "'");
        }
    }

    /** A percentage {@code 0.5%} or {@code 0.5} as a number of percent. */
    static double parsePercent(final String option, final String text)
    {
        final String t = text.strip();
        try
        {
            return Double.parseDouble(t.endsWith("%") ? t.substring(0, t.length() - 1) : t);
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException(option + " must be a percentage like 0.5%, not '" + text + "'");
        }
    }

    /**
     * The line rate (100%) of a port in bit/s: {@code --line-rate} when given, else the speed the port reports.
     *
     * @throws IllegalArgumentException when neither is known.
     */
    static double lineBps(final EthPort port, final String lineRate)
    {
        if (lineRate != null)
        {
            return parseBitRate("--line-rate", lineRate);
        }
        final int mbps = port.linkSpeedMbps();
        if (mbps <= 0)
        {
            throw new IllegalArgumentException("port " + port.name() + " reports no link speed: give --line-rate " +
                "(e.g. 10G) to say what 100% is");
        }
        return mbps * 1e6;
    }

    static String describeLineRate(final EthPort port, final String lineRate)
    {
        if (lineRate != null)
        {
            return "--line-rate " + lineRate;
        }
        return "link speed " + port.linkSpeedMbps() + " Mbit/s reported by " + port.name() + " (" +
            port.info().driverName() + (isVirtual(port) ? ", a nominal figure: virtual devices have no line rate)" : ")");
    }

    static boolean isVirtual(final EthPort port)
    {
        final String d = port.info().driverName();
        return d.startsWith("net_null") || d.startsWith("net_ring") || d.startsWith("net_af_packet") ||
            d.startsWith("net_af_xdp") || d.startsWith("net_tap") || d.startsWith("net_pcap") || d.startsWith("net_memif");
    }

    static com.sun.management.ThreadMXBean threads()
    {
        return (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
    }
}
