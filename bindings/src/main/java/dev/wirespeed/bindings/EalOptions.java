package dev.wirespeed.bindings;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What EAL is started with: ports to attach at start ({@code --vdev}, {@code -a PCI}), memory mode, and raw
 * pass-through arguments ({@code --eal "..."}). Hugepages are used when enough are free and hugetlbfs is mounted;
 * otherwise {@code --no-huge -m N} is added and {@link Eal#init} says so once on stderr.
 */
public final class EalOptions
{
    /**
     * Options with the defaults; set what differs, then pass them to {@link Eal#init}.
     */
    public EalOptions()
    {
    }

    private final List<String> vdevs = new ArrayList<>();
    private final List<String> pciAllow = new ArrayList<>();
    private final List<String> extra = new ArrayList<>();
    private String lcores = "0";
    private int memoryMb = 512;
    private Boolean hugepages;
    private String filePrefix;
    private String logLevel = "*:error";
    private boolean announceFallback = true;

    /**
     * Adds a virtual device ({@code --vdev}), e.g. {@code net_ring0} or {@code net_af_packet0,iface=veth0}.
     *
     * @param spec the vdev name and its devargs.
     * @return this.
     */
    public EalOptions vdev(final String spec)
    {
        vdevs.add(spec);
        return this;
    }

    /**
     * Allows a PCI device ({@code -a}); without any, EAL runs with {@code --no-pci}.
     *
     * @param address the PCI address, e.g. {@code 0000:01:00.0}.
     * @return this.
     */
    public EalOptions pci(final String address)
    {
        pciAllow.add(address);
        return this;
    }

    /**
     * Raw arguments passed to EAL after ours, split on white space (quotes are not interpreted).
     *
     * @param rawArgs EAL arguments, or null for none.
     * @return this.
     */
    public EalOptions extra(final String rawArgs)
    {
        if (rawArgs != null)
        {
            for (final String a : rawArgs.trim().split("\\s+"))
            {
                if (!a.isEmpty())
                {
                    extra.add(a);
                }
            }
        }
        return this;
    }

    /**
     * The lcore list ({@code -l}); {@code "0"} by default.
     *
     * @param lcores an EAL lcore list, e.g. {@code "0-3"}.
     * @return this.
     */
    public EalOptions lcores(final String lcores)
    {
        this.lcores = lcores;
        return this;
    }

    /**
     * Memory for {@code --no-huge} mode, in MiB.
     *
     * @param memoryMb MiB; 512 by default.
     * @return this.
     */
    public EalOptions memoryMb(final int memoryMb)
    {
        this.memoryMb = memoryMb;
        return this;
    }

    /**
     * Memory for {@code --no-huge} mode, and the hugepage memory looked for when detecting them.
     *
     * @return MiB.
     */
    public int memoryMb()
    {
        return memoryMb;
    }

    /**
     * Force hugepages on or off; by default they are detected.
     *
     * @param use true for {@code --in-memory} on hugepages, false for {@code --no-huge}.
     * @return this.
     */
    public EalOptions hugepages(final boolean use)
    {
        this.hugepages = use;
        return this;
    }

    /**
     * The runtime file prefix ({@code --file-prefix}) when not running in memory; {@code wirespeed-PID} by default.
     *
     * @param prefix the prefix.
     * @return this.
     */
    public EalOptions filePrefix(final String prefix)
    {
        this.filePrefix = prefix;
        return this;
    }

    /**
     * EAL's log level ({@code --log-level}); {@code "*:error"} by default, null for EAL's own.
     *
     * @param level the level, e.g. {@code "*:info"}.
     * @return this.
     */
    public EalOptions logLevel(final String level)
    {
        this.logLevel = level;
        return this;
    }

    /**
     * Whether {@link Eal#init} prints one line on stderr when it falls back to {@code --no-huge}; true by default.
     *
     * @param announce false for silence.
     * @return this.
     */
    public EalOptions announceFallback(final boolean announce)
    {
        this.announceFallback = announce;
        return this;
    }

    boolean announceFallback()
    {
        return announceFallback;
    }

    /**
     * The full argv, program name first.
     *
     * @return a fresh list.
     */
    public List<String> toArgs()
    {
        final List<String> argv = new ArrayList<>();
        argv.add("wirespeed");
        if (!hasExtra("-l") && !hasExtra("--lcores") && !hasExtra("-c"))
        {
            argv.add("-l");
            argv.add(lcores);
        }
        if (pciAllow.isEmpty())
        {
            if (!hasExtra("-a") && !hasExtra("--allow") && !hasExtra("-b"))
            {
                argv.add("--no-pci");
            }
        }
        else
        {
            for (final String pci : pciAllow)
            {
                argv.add("-a");
                argv.add(pci);
            }
        }
        final boolean userMemory = hasExtra("--no-huge") || hasExtra("--in-memory") || hasExtra("-m") ||
            hasExtra("--socket-mem");
        if (!userMemory)
        {
            final boolean huge = hugepages != null ? hugepages : hugepagesAvailable(memoryMb);
            if (huge)
            {
                argv.add("--in-memory");
            }
            else
            {
                argv.add("--no-huge");
                argv.add("-m");
                argv.add(Integer.toString(memoryMb));
            }
        }
        if (!hasExtra("--file-prefix") && !hasExtra("--in-memory") && !argv.contains("--in-memory"))
        {
            argv.add("--file-prefix");
            argv.add(filePrefix != null ? filePrefix : "wirespeed-" + ProcessHandle.current().pid());
        }
        if (!hasExtra("--telemetry"))
        {
            argv.add("--no-telemetry");
        }
        if (logLevel != null && !hasExtra("--log-level"))
        {
            argv.add("--log-level=" + logLevel);
        }
        for (final String v : vdevs)
        {
            argv.add("--vdev");
            argv.add(v);
        }
        argv.addAll(extra);
        return argv;
    }

    private boolean hasExtra(final String flag)
    {
        for (final String a : extra)
        {
            if (a.equals(flag) || a.startsWith(flag + "="))
            {
                return true;
            }
        }
        return false;
    }

    /**
     * True if hugetlbfs is mounted and at least {@code memoryMb} of free hugepages are reserved.
     *
     * @param memoryMb MiB needed.
     * @return false if hugetlbfs is not mounted or too few free pages are reserved.
     */
    public static boolean hugepagesAvailable(final int memoryMb)
    {
        try
        {
            final List<String> mounts = Files.readAllLines(Path.of("/proc/mounts"));
            boolean mounted = false;
            for (final String m : mounts)
            {
                if (m.contains(" hugetlbfs "))
                {
                    mounted = true;
                    break;
                }
            }
            if (!mounted)
            {
                return false;
            }
            long free = 0;
            long sizeKb = 0;
            for (final String line : Files.readAllLines(Path.of("/proc/meminfo")))
            {
                if (line.startsWith("HugePages_Free:"))
                {
                    free = Long.parseLong(line.substring(15).trim());
                }
                else if (line.startsWith("Hugepagesize:"))
                {
                    sizeKb = Long.parseLong(line.substring(13).replace("kB", "").trim());
                }
            }
            return free * sizeKb >= memoryMb * 1024L;
        }
        catch (final IOException | RuntimeException ex)
        {
            return false;
        }
    }
}
