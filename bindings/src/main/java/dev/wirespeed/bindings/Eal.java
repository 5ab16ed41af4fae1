package dev.wirespeed.bindings;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;

import static java.lang.foreign.ValueLayout.ADDRESS;

/**
 * DPDK's Environment Abstraction Layer: started at most once per process and never again after cleanup
 * (DPDK does not support re-initialisation). Both misuses raise a clear {@link IllegalStateException}.
 */
public final class Eal
{
    private static final Object LOCK = new Object();
    private static volatile Eal instance;
    private static boolean everStarted;

    private final List<String> args;
    private final boolean noHuge;
    private volatile boolean closed;

    private Eal(final List<String> args, final boolean noHuge)
    {
        this.args = List.copyOf(args);
        this.noHuge = noHuge;
    }

    /**
     * Starts EAL with arguments built from {@code options}.
     *
     * @param options the EAL arguments' source.
     * @return the running EAL of this process.
     * @throws IllegalStateException if EAL was already started in this process (even if since cleaned up).
     * @throws DpdkException if {@code rte_eal_init} fails; the message carries {@code rte_strerror}.
     * @throws NativeUnavailableException if DPDK or native access is missing.
     */
    public static Eal init(final EalOptions options)
    {
        NativeLibrary.check();
        synchronized (LOCK)
        {
            if (everStarted)
            {
                throw new IllegalStateException("DPDK EAL is already initialised in this process" +
                    (instance == null ? " (and was cleaned up; DPDK cannot start it again)" : "") +
                    ": call Eal.init once per process and share it (Eal.current())");
            }
            final List<String> argv = options.toArgs();
            final boolean noHuge = argv.contains("--no-huge");
            if (noHuge && options.announceFallback())
            {
                System.err.println("wirespeed: no free hugepages found; running DPDK with --no-huge -m " +
                    options.memoryMb() + " (reserve some: echo 512 > /sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages)");
            }
            // argv strings must outlive init: EAL keeps pointers into some of them.
            final Arena arena = Arena.global();
            final MemorySegment array = arena.allocate(ADDRESS, argv.size() + 1L);
            for (int i = 0; i < argv.size(); i++)
            {
                array.setAtIndex(ADDRESS, i, arena.allocateFrom(argv.get(i)));
            }
            array.setAtIndex(ADDRESS, argv.size(), MemorySegment.NULL);
            final int rc;
            try
            {
                // rte_eal_init pins the calling thread to the main lcore (-l 0: CPU 0), and every thread this one
                // starts afterwards would inherit that pin: all shards on one CPU. This thread is no DPDK worker,
                // so it gets its own CPU set back.
                final MemorySegment cpus = arena.allocate(Dpdk.CPU_SET_SIZE);
                final boolean saved = (int)Dpdk.SCHED_GETAFFINITY.invokeExact(0, Dpdk.CPU_SET_SIZE, cpus) == 0;
                rc = (int)Dpdk.RTE_EAL_INIT.invokeExact(argv.size(), array);
                if (saved)
                {
                    final int restored = (int)Dpdk.SCHED_SETAFFINITY.invokeExact(0, Dpdk.CPU_SET_SIZE, cpus);
                    if (restored != 0)
                    {
                        System.err.println("wirespeed: could not restore the thread's CPU affinity after " +
                            "rte_eal_init; threads started from it stay on the main lcore");
                    }
                }
            }
            catch (final Throwable t)
            {
                throw Dpdk.rethrow(t);
            }
            everStarted = true;
            if (rc < 0)
            {
                final int code = Dpdk.rteErrno();
                throw new DpdkException("rte_eal_init(" + String.join(" ", argv) + ") failed: " +
                    Dpdk.strerror(code) + " (" + code + ")" + hint(code), code);
            }
            instance = new Eal(argv, noHuge);
            return instance;
        }
    }

    private static String hint(final int code)
    {
        return switch (code)
        {
            case 13 /* EACCES */ -> ". DPDK needs root (or CAP_SYS_ADMIN, CAP_IPC_LOCK, CAP_NET_RAW)";
            case 12 /* ENOMEM */ -> ". Not enough memory: reserve hugepages or lower -m";
            case 114 /* EALREADY */ -> ". EAL was already initialised by someone else in this process";
            default -> "";
        };
    }

    /**
     * The running EAL, or null.
     *
     * @return the instance, null before {@link #init} or after close.
     */
    public static Eal current()
    {
        final Eal eal = instance;
        return eal == null || eal.closed ? null : eal;
    }

    /**
     * The arguments EAL was started with.
     *
     * @return the argv, program name first.
     */
    public List<String> args()
    {
        return args;
    }

    /**
     * True when EAL runs without hugepages ({@code --no-huge}).
     *
     * @return true in {@code --no-huge} mode.
     */
    public boolean noHuge()
    {
        return noHuge;
    }

    /**
     * Registers the calling (Java) thread with DPDK so it gets an lcore id and mempool per-lcore caches.
     * Idempotent per thread.
     *
     * @return the lcore id.
     */
    public static int registerThread()
    {
        try
        {
            int lcore = (int)Dpdk.WS_LCORE_ID.invokeExact();
            if (lcore != NativeLayout.LCORE_ID_ANY)
            {
                return lcore;
            }
            final int rc = (int)Dpdk.RTE_THREAD_REGISTER.invokeExact();
            if (rc < 0)
            {
                final int code = Dpdk.rteErrno();
                throw Dpdk.error("rte_thread_register", code);
            }
            lcore = (int)Dpdk.WS_LCORE_ID.invokeExact();
            return lcore;
        }
        catch (final Throwable t)
        {
            throw Dpdk.rethrow(t);
        }
    }

    /** Releases the calling thread's lcore id (a no-op for an unregistered thread). */
    public static void unregisterThread()
    {
        try
        {
            Dpdk.RTE_THREAD_UNREGISTER.invokeExact();
        }
        catch (final Throwable t)
        {
            throw Dpdk.rethrow(t);
        }
    }

    /**
     * The calling thread's lcore id, or {@link NativeLayout#LCORE_ID_ANY} if it is not registered.
     *
     * @return the lcore id.
     */
    public static int lcoreId()
    {
        try
        {
            return (int)Dpdk.WS_LCORE_ID.invokeExact();
        }
        catch (final Throwable t)
        {
            throw Dpdk.rethrow(t);
        }
    }

    /**
     * The text DPDK gives for an errno value ({@code rte_strerror}), e.g. for the negative codes ethdev returns.
     *
     * @param errno an errno or {@code E_RTE_*} value, either sign.
     * @return the text.
     */
    public static String strerror(final int errno)
    {
        return Dpdk.strerror(Math.abs(errno));
    }

    /**
     * NUMA socket of the calling thread.
     *
     * @return the socket id, or {@link NativeLayout#SOCKET_ID_ANY} if unknown.
     */
    public static int socketId()
    {
        try
        {
            return (int)Dpdk.RTE_SOCKET_ID.invokeExact();
        }
        catch (final Throwable t)
        {
            throw Dpdk.rethrow(t);
        }
    }

    /**
     * {@code rte_eal_cleanup}. After this, no DPDK call is allowed and EAL cannot be started again in this process.
     */
    public void close()
    {
        synchronized (LOCK)
        {
            if (closed)
            {
                return;
            }
            closed = true;
            instance = null;
            try
            {
                Dpdk.check((int)Dpdk.RTE_EAL_CLEANUP.invokeExact(), "rte_eal_cleanup");
            }
            catch (final Throwable t)
            {
                throw Dpdk.rethrow(t);
            }
        }
    }
}
