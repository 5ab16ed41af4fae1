package dev.wirespeed.bindings;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * Frames the kernel dropped because an AF_PACKET ring of DPDK's {@code net_af_packet} was full. DPDK 22.11's
 * driver does not report them ({@code imissed} stays 0), so they are read here from the kernel, as
 * {@code getsockopt(PACKET_STATISTICS)} on each of the driver's sockets bound to the interface (found through
 * {@code /proc/self/fd} and {@code /proc/self/net/packet}). The kernel resets its counts on every read, so this
 * class keeps the running total. Reads make a system call per socket: call it about every 100 ms, not per burst.
 * <p>
 * Not thread safe.
 */
final class PacketRingDrops
{
    private static final int SOL_PACKET = 263;
    private static final int PACKET_STATISTICS = 6;
    private static final MethodHandle GETSOCKOPT = Dpdk.LINKER.downcallHandle(
        Dpdk.LINKER.defaultLookup().find("getsockopt").orElseThrow(),
        FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle IF_NAMETOINDEX = Dpdk.LINKER.downcallHandle(
        Dpdk.LINKER.defaultLookup().find("if_nametoindex").orElseThrow(),
        FunctionDescriptor.of(JAVA_INT, ADDRESS));

    private final int[] fds;
    private final Arena arena = Arena.ofAuto();
    private final MemorySegment stats = arena.allocate(16, 4);
    private final MemorySegment length = arena.allocate(4, 4);
    private long drops;

    private PacketRingDrops(final int[] fds)
    {
        this.fds = fds;
    }

    /** The drop reader of the AF_PACKET sockets this process has bound to {@code iface}; none found: an empty one. */
    static PacketRingDrops forInterface(final String iface)
    {
        try (Arena a = Arena.ofConfined())
        {
            final int ifindex = (int)IF_NAMETOINDEX.invokeExact(a.allocateFrom(iface));
            return new PacketRingDrops(ifindex == 0 ? new int[0] : socketsBoundTo(ifindex));
        }
        catch (final Throwable t)
        {
            return new PacketRingDrops(new int[0]);
        }
    }

    /** Sockets of this process whose /proc/self/net/packet line names {@code ifindex}. */
    private static int[] socketsBoundTo(final int ifindex) throws IOException
    {
        final Map<Long, Integer> fdByInode = new HashMap<>();
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/self/fd")))
        {
            for (final Path fd : fds)
            {
                try
                {
                    final String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[") && target.endsWith("]"))
                    {
                        fdByInode.put(Long.parseLong(target.substring(8, target.length() - 1)),
                            Integer.parseInt(fd.getFileName().toString()));
                    }
                }
                catch (final IOException | NumberFormatException ignored)
                {
                    // closed meanwhile, or not a socket
                }
            }
        }
        // sk RefCnt Type Proto Iface R Rmem User Inode
        final List<String> lines = Files.readAllLines(Path.of("/proc/self/net/packet"));
        return lines.stream().skip(1).map(String::trim).map(l -> l.split("\\s+")).filter(f -> f.length >= 9)
            .filter(f -> Integer.parseInt(f[4]) == ifindex)
            .map(f -> fdByInode.get(Long.parseLong(f[8]))).filter(fd -> fd != null)
            .mapToInt(Integer::intValue).toArray();
    }

    /** AF_PACKET sockets found (one per queue pair of the port). */
    int sockets()
    {
        return fds.length;
    }

    /** Frames dropped for a full ring since the port was opened. */
    long drops()
    {
        for (final int fd : fds)
        {
            length.set(JAVA_INT, 0, (int)stats.byteSize());
            try
            {
                if ((int)GETSOCKOPT.invokeExact(fd, SOL_PACKET, PACKET_STATISTICS, stats, length) == 0)
                {
                    drops += stats.get(JAVA_INT, 4) & 0xFFFF_FFFFL; // struct tpacket_stats { tp_packets; tp_drops; }
                }
            }
            catch (final Throwable t)
            {
                throw Dpdk.rethrow(t);
            }
        }
        return drops;
    }
}
