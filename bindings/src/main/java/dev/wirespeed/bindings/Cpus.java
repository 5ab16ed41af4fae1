package dev.wirespeed.bindings;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/**
 * CPU placement of the calling thread: the CPUs it may run on ({@code sched_getaffinity}), pinning it to one CPU
 * ({@code rte_thread_set_affinity}, which also tells DPDK the thread's NUMA socket), and the NUMA node of a CPU
 * (from sysfs).
 */
public final class Cpus
{
    private Cpus()
    {
    }

    /**
     * The CPUs the calling thread may run on, ascending.
     *
     * @return CPU numbers, from {@code sched_getaffinity}.
     */
    public static int[] allowed()
    {
        try (Arena a = Arena.ofConfined())
        {
            final MemorySegment set = a.allocate(Dpdk.CPU_SET_SIZE);
            final int rc = (int)Dpdk.SCHED_GETAFFINITY.invokeExact(0, Dpdk.CPU_SET_SIZE, set);
            if (rc != 0)
            {
                final int n = Runtime.getRuntime().availableProcessors();
                final int[] all = new int[n];
                for (int i = 0; i < n; i++)
                {
                    all[i] = i;
                }
                return all;
            }
            return Stream.iterate(0, i -> i < Dpdk.CPU_SET_SIZE * 8, i -> i + 1)
                .filter(cpu -> (set.get(JAVA_BYTE, cpu >> 3) & (1 << (cpu & 7))) != 0)
                .mapToInt(Integer::intValue).toArray();
        }
        catch (final Throwable t)
        {
            throw Dpdk.rethrow(t);
        }
    }

    /**
     * Pins the calling thread to {@code cpu} with {@code rte_thread_set_affinity} (EAL must be running; register
     * the thread first with {@link Eal#registerThread()} so its lcore records the CPU too).
     *
     * @param cpu the CPU number, 0..CPU_SETSIZE - 1.
     * @throws DpdkException when the kernel refuses (the CPU is offline or outside the process's set).
     */
    public static void pinCurrentThread(final int cpu)
    {
        if (cpu < 0 || cpu >= Dpdk.CPU_SET_SIZE * 8)
        {
            throw new IllegalArgumentException("no CPU " + cpu);
        }
        try (Arena a = Arena.ofConfined())
        {
            final MemorySegment set = a.allocate(Dpdk.CPU_SET_SIZE);
            set.set(JAVA_BYTE, cpu >> 3, (byte)(1 << (cpu & 7)));
            final int rc = (int)Dpdk.RTE_THREAD_SET_AFFINITY.invokeExact(set);
            if (rc != 0)
            {
                throw new DpdkException("rte_thread_set_affinity(cpu " + cpu + ") failed (" + rc + ")", -rc);
            }
        }
        catch (final Throwable t)
        {
            throw Dpdk.rethrow(t);
        }
    }

    /**
     * The NUMA node of {@code cpu} (the {@code nodeN} entry in its sysfs directory), or -1 if the kernel does not say.
     *
     * @param cpu the CPU number.
     * @return the node, or -1.
     */
    public static int numaNode(final int cpu)
    {
        try (Stream<Path> entries = Files.list(Path.of("/sys/devices/system/cpu/cpu" + cpu)))
        {
            return entries.map(p -> p.getFileName().toString()).filter(n -> n.matches("node[0-9]+"))
                .mapToInt(n -> Integer.parseInt(n.substring(4))).findFirst().orElse(-1);
        }
        catch (final IOException ex)
        {
            return -1;
        }
    }
}
