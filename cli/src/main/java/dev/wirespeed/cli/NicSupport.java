package dev.wirespeed.cli;

import java.lang.management.ManagementFactory;
import java.util.Locale;

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
        final PortSpec s = queues > 1 && spec.kind() == PortSpec.Kind.IFACE ?
            PortSpec.vdev(spec.devargs() + ",qpairs=" + queues) : spec;
        final EthPort port = EthPort.open(s);
        try
        {
            port.start(new PortConfig().queues(queues, queues).mempool(mempoolSize, 256));
        }
        catch (final RuntimeException ex)
        {
            port.close();
            throw ex;
        }
        return port;
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
