package dev.wirespeed.bindings;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * Every native function Wirespeed calls, each resolved once into a {@code static final} handle with its
 * descriptor beside it (jextract style). Calls go through {@code invokeExact}.
 * <p>
 * Touch this class only after {@link NativeLibrary#check()} succeeded (the public entry points do), so that a
 * missing library surfaces as one clear {@link NativeUnavailableException}, never as an initializer error.
 * <p>
 * The fast-path wrappers ({@code ws_rx_burst}, {@code ws_tx_burst}, mbuf alloc/free) are short, never call back
 * into Java and never block, so they are linked with {@link Linker.Option#critical(boolean)}.
 */
final class Dpdk
{
    static final Linker LINKER = Linker.nativeLinker();
    static final SymbolLookup LOOKUP = NativeLibrary.check();

    // ---- EAL ----
    static final MethodHandle RTE_EAL_INIT = handle("rte_eal_init", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
    static final MethodHandle RTE_EAL_CLEANUP = handle("rte_eal_cleanup", FunctionDescriptor.of(JAVA_INT));
    static final MethodHandle RTE_STRERROR = handle("rte_strerror", FunctionDescriptor.of(ADDRESS, JAVA_INT));
    static final MethodHandle WS_ERRNO = handle("ws_errno", FunctionDescriptor.of(JAVA_INT));
    static final MethodHandle WS_LCORE_ID = handle("ws_lcore_id", FunctionDescriptor.of(JAVA_INT));
    static final MethodHandle RTE_THREAD_REGISTER = handle("rte_thread_register", FunctionDescriptor.of(JAVA_INT));
    static final MethodHandle RTE_THREAD_UNREGISTER = handle("rte_thread_unregister", FunctionDescriptor.ofVoid());
    static final MethodHandle RTE_SOCKET_ID = handle("rte_socket_id", FunctionDescriptor.of(JAVA_INT));
    static final MethodHandle RTE_DEV_PROBE = handle("rte_dev_probe", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    static final MethodHandle RTE_EAL_HOTPLUG_REMOVE =
        handle("rte_eal_hotplug_remove", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));

    // ---- ethdev ----
    static final MethodHandle RTE_ETH_DEV_COUNT_AVAIL = handle("rte_eth_dev_count_avail", FunctionDescriptor.of(JAVA_SHORT));
    static final MethodHandle RTE_ETH_DEV_GET_PORT_BY_NAME =
        handle("rte_eth_dev_get_port_by_name", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    static final MethodHandle RTE_ETH_DEV_GET_NAME_BY_PORT =
        handle("rte_eth_dev_get_name_by_port", FunctionDescriptor.of(JAVA_INT, JAVA_SHORT, ADDRESS));
    static final MethodHandle RTE_ETH_DEV_IS_VALID_PORT =
        handle("rte_eth_dev_is_valid_port", FunctionDescriptor.of(JAVA_INT, JAVA_SHORT));
    static final MethodHandle RTE_ETH_DEV_INFO_GET =
        handle("rte_eth_dev_info_get", FunctionDescriptor.of(JAVA_INT, JAVA_SHORT, ADDRESS));
    static final MethodHandle RTE_ETH_DEV_CONFIGURE =
        handle("rte_eth_dev_configure", FunctionDescriptor.of(JAVA_INT, JAVA_SHORT, JAVA_SHORT, JAVA_SHORT, ADDRESS));
    static final MethodHandle RTE_ETH_DEV_ADJUST_NB_RX_TX_DESC =
        handle("rte_eth_dev_adjust_nb_rx_tx_desc", FunctionDescriptor.of(JAVA_INT, JAVA_SHORT, ADDRESS, ADDRESS));
    static final MethodHandle RTE_ETH_RX_QUEUE_SETUP = handle("rte_eth_rx_queue_setup",
        FunctionDescriptor.of(JAVA_INT, JAVA_SHORT, JAVA_SHORT, JAVA_SHORT, JAVA_INT, ADDRESS, ADDRESS));
    static final MethodHandle RTE_ETH_TX_QUEUE_SETUP = handle("rte_eth_tx_queue_setup",
        FunctionDescriptor.of(JAVA_INT, JAVA_SHORT, JAVA_SHORT, JAVA_SHORT, JAVA_INT, ADDRESS));
    static final MethodHandle RTE_ETH_DEV_START = handle("rte_eth_dev_start", FunctionDescriptor.of(JAVA_INT, JAVA_SHORT));
    static final MethodHandle RTE_ETH_DEV_STOP = handle("rte_eth_dev_stop", FunctionDescriptor.of(JAVA_INT, JAVA_SHORT));
    static final MethodHandle RTE_ETH_DEV_CLOSE = handle("rte_eth_dev_close", FunctionDescriptor.of(JAVA_INT, JAVA_SHORT));
    static final MethodHandle RTE_ETH_DEV_SOCKET_ID =
        handle("rte_eth_dev_socket_id", FunctionDescriptor.of(JAVA_INT, JAVA_SHORT));
    static final MethodHandle RTE_ETH_MACADDR_GET =
        handle("rte_eth_macaddr_get", FunctionDescriptor.of(JAVA_INT, JAVA_SHORT, ADDRESS));
    static final MethodHandle RTE_ETH_LINK_GET_NOWAIT =
        handle("rte_eth_link_get_nowait", FunctionDescriptor.of(JAVA_INT, JAVA_SHORT, ADDRESS));
    static final MethodHandle RTE_ETH_PROMISCUOUS_ENABLE =
        handle("rte_eth_promiscuous_enable", FunctionDescriptor.of(JAVA_INT, JAVA_SHORT));
    static final MethodHandle RTE_ETH_PROMISCUOUS_GET =
        handle("rte_eth_promiscuous_get", FunctionDescriptor.of(JAVA_INT, JAVA_SHORT));
    static final MethodHandle RTE_ETH_STATS_GET =
        handle("rte_eth_stats_get", FunctionDescriptor.of(JAVA_INT, JAVA_SHORT, ADDRESS));
    static final MethodHandle RTE_ETH_STATS_RESET =
        handle("rte_eth_stats_reset", FunctionDescriptor.of(JAVA_INT, JAVA_SHORT));

    // ---- mempool / ring ----
    static final MethodHandle RTE_PKTMBUF_POOL_CREATE = handle("rte_pktmbuf_pool_create",
        FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT, JAVA_INT, JAVA_SHORT, JAVA_SHORT, JAVA_INT));
    static final MethodHandle RTE_MEMPOOL_FREE = handle("rte_mempool_free", FunctionDescriptor.ofVoid(ADDRESS));
    static final MethodHandle RTE_MEMPOOL_AVAIL_COUNT =
        handle("rte_mempool_avail_count", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    static final MethodHandle RTE_MEMPOOL_IN_USE_COUNT =
        handle("rte_mempool_in_use_count", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    static final MethodHandle RTE_RING_CREATE =
        handle("rte_ring_create", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT));
    static final MethodHandle RTE_RING_FREE = handle("rte_ring_free", FunctionDescriptor.ofVoid(ADDRESS));
    static final MethodHandle WS_ETH_FROM_RINGS = handle("ws_eth_from_rings",
        FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));

    // ---- libc ----
    /** {@code sched_getaffinity(pid, cpusetsize, mask)} / {@code sched_setaffinity}: pid 0 is the calling thread. */
    static final MethodHandle SCHED_GETAFFINITY =
        libc("sched_getaffinity", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS));
    static final MethodHandle SCHED_SETAFFINITY =
        libc("sched_setaffinity", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS));
    /** Bytes of a {@code cpu_set_t} as glibc defines it (1024 CPUs). */
    static final long CPU_SET_SIZE = 128;

    // ---- fast path (critical: short, no upcalls) ----
    static final MethodHandle WS_RX_BURST = critical("ws_rx_burst",
        FunctionDescriptor.of(JAVA_SHORT, JAVA_SHORT, JAVA_SHORT, ADDRESS, JAVA_SHORT));
    static final MethodHandle WS_TX_BURST = critical("ws_tx_burst",
        FunctionDescriptor.of(JAVA_SHORT, JAVA_SHORT, JAVA_SHORT, ADDRESS, JAVA_SHORT));
    static final MethodHandle WS_PKTMBUF_ALLOC = critical("ws_pktmbuf_alloc", FunctionDescriptor.of(ADDRESS, ADDRESS));
    static final MethodHandle WS_PKTMBUF_ALLOC_BULK =
        critical("ws_pktmbuf_alloc_bulk", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
    static final MethodHandle WS_PKTMBUF_FREE = critical("ws_pktmbuf_free", FunctionDescriptor.ofVoid(ADDRESS));
    static final MethodHandle WS_PKTMBUF_FREE_BULK =
        critical("ws_pktmbuf_free_bulk", FunctionDescriptor.ofVoid(ADDRESS, JAVA_INT));
    static final MethodHandle WS_RDTSC = critical("ws_rdtsc", FunctionDescriptor.of(JAVA_LONG));
    static final MethodHandle RTE_GET_TSC_HZ = handle("rte_get_tsc_hz", FunctionDescriptor.of(JAVA_LONG));
    static final MethodHandle RTE_ETH_TIMESYNC_ENABLE =
        handle("rte_eth_timesync_enable", FunctionDescriptor.of(JAVA_INT, JAVA_SHORT));
    static final MethodHandle RTE_ETH_TIMESYNC_DISABLE =
        handle("rte_eth_timesync_disable", FunctionDescriptor.of(JAVA_INT, JAVA_SHORT));

    static final MethodHandle RTE_ETH_TIMESYNC_READ_RX_TIMESTAMP = handle("rte_eth_timesync_read_rx_timestamp",
        FunctionDescriptor.of(JAVA_INT, JAVA_SHORT, ADDRESS, JAVA_INT));
    static final MethodHandle RTE_ETH_TIMESYNC_READ_TX_TIMESTAMP =
        handle("rte_eth_timesync_read_tx_timestamp", FunctionDescriptor.of(JAVA_INT, JAVA_SHORT, ADDRESS));
    static final MethodHandle RTE_ETH_TIMESYNC_READ_TIME =
        handle("rte_eth_timesync_read_time", FunctionDescriptor.of(JAVA_INT, JAVA_SHORT, ADDRESS));
    /** Experimental in DPDK 22.11 (exported as {@code rte_eth_read_clock@@EXPERIMENTAL}). */
    static final MethodHandle RTE_ETH_READ_CLOCK =
        handle("rte_eth_read_clock", FunctionDescriptor.of(JAVA_INT, JAVA_SHORT, ADDRESS));
    static final MethodHandle RTE_MBUF_DYN_RX_TIMESTAMP_REGISTER =
        handle("rte_mbuf_dyn_rx_timestamp_register", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    /** {@code rte_thread_set_affinity(rte_cpuset_t *)}: pins the calling thread and updates its lcore's socket. */
    static final MethodHandle RTE_THREAD_SET_AFFINITY =
        handle("rte_thread_set_affinity", FunctionDescriptor.of(JAVA_INT, ADDRESS));

    private Dpdk()
    {
    }

    static MemorySegment symbol(final String name)
    {
        return LOOKUP.find(name).orElseThrow(() -> new NativeUnavailableException(
            "symbol " + name + " not found in libwirespeed.so or DPDK: the shim and the installed DPDK do not match. " +
            "Rebuild with './wirespeed build' against DPDK 22.11 (apt-get install -y dpdk-dev libdpdk-dev)"));
    }

    private static MethodHandle handle(final String name, final FunctionDescriptor descriptor)
    {
        return LINKER.downcallHandle(symbol(name), descriptor);
    }

    private static MethodHandle libc(final String name, final FunctionDescriptor descriptor)
    {
        return LINKER.downcallHandle(LINKER.defaultLookup().find(name).orElseThrow(() ->
            new NativeUnavailableException("libc has no " + name + ": Wirespeed needs glibc on Linux")), descriptor);
    }

    private static MethodHandle critical(final String name, final FunctionDescriptor descriptor)
    {
        return LINKER.downcallHandle(symbol(name), descriptor, Linker.Option.critical(false));
    }

    /** The text DPDK gives for an error code ({@code rte_strerror}). */
    static String strerror(final int code)
    {
        try
        {
            final MemorySegment s = (MemorySegment)RTE_STRERROR.invokeExact(code);
            return s.reinterpret(1024).getString(0);
        }
        catch (final Throwable t)
        {
            return "error " + code;
        }
    }

    /** The calling thread's {@code rte_errno}. */
    static int rteErrno()
    {
        try
        {
            return (int)WS_ERRNO.invokeExact();
        }
        catch (final Throwable t)
        {
            throw rethrow(t);
        }
    }

    /** Throws a {@link DpdkException} for a negative return code (DPDK returns {@code -errno}). */
    static int check(final int rc, final String what)
    {
        if (rc < 0)
        {
            throw error(what, -rc);
        }
        return rc;
    }

    static DpdkException error(final String what, final int code)
    {
        return new DpdkException(what + " failed: " + strerror(code) + " (" + code + ")", code);
    }

    static MemorySegment cString(final Arena arena, final String s)
    {
        return arena.allocateFrom(s);
    }

    static RuntimeException rethrow(final Throwable t)
    {
        if (t instanceof RuntimeException re)
        {
            return re;
        }
        if (t instanceof Error e)
        {
            throw e;
        }
        return new IllegalStateException(t);
    }
}
