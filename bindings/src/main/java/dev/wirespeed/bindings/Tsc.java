package dev.wirespeed.bindings;

/**
 * The CPU's time-stamp counter through DPDK: {@code rte_rdtsc} (inline in DPDK, one line in the shim) and the
 * counter's frequency {@code rte_get_tsc_hz} as EAL measured it at start. Needs a running EAL for {@link #hz()}.
 */
public final class Tsc
{
    private Tsc()
    {
    }

    /**
     * The raw counter ({@code rte_rdtsc}).
     *
     * @return TSC ticks.
     */
    public static long read()
    {
        try
        {
            return (long)Dpdk.WS_RDTSC.invokeExact();
        }
        catch (final Throwable t)
        {
            throw Dpdk.rethrow(t);
        }
    }

    /**
     * Counter ticks per second ({@code rte_get_tsc_hz}).
     *
     * @return ticks per second.
     * @throws IllegalStateException if EAL is not running.
     */
    public static long hz()
    {
        EthPort.requireEal();
        try
        {
            return (long)Dpdk.RTE_GET_TSC_HZ.invokeExact();
        }
        catch (final Throwable t)
        {
            throw Dpdk.rethrow(t);
        }
    }
}
