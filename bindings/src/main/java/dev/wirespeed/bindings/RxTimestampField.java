package dev.wirespeed.bindings;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Where the RX timestamp offload ({@code RTE_ETH_RX_OFFLOAD_TIMESTAMP}) puts a received frame's NIC time: the mbuf
 * dynamic field and flag that {@code rte_mbuf_dyn_rx_timestamp_register} returns. The value is the raw device clock
 * ({@link EthPort#readClock()} reads the same counter now), in ticks of the device's own frequency.
 *
 * @param offset the dynamic field's byte offset in the mbuf.
 * @param flag   the {@code ol_flags} bit set on a stamped frame.
 */
public record RxTimestampField(int offset, long flag)
{
    /**
     * Registers (or looks up: registration is idempotent) the field and flag. Needs a running EAL.
     *
     * @return the field and flag.
     * @throws DpdkException when DPDK cannot register them.
     */
    public static RxTimestampField register()
    {
        try (Arena a = Arena.ofConfined())
        {
            final MemorySegment offset = a.allocate(JAVA_INT);
            final MemorySegment flag = a.allocate(JAVA_LONG);
            final int rc = (int)Dpdk.RTE_MBUF_DYN_RX_TIMESTAMP_REGISTER.invokeExact(offset, flag);
            if (rc < 0)
            {
                throw Dpdk.error("rte_mbuf_dyn_rx_timestamp_register", Dpdk.rteErrno());
            }
            return new RxTimestampField(offset.get(JAVA_INT, 0), flag.get(JAVA_LONG, 0));
        }
        catch (final Throwable t)
        {
            throw Dpdk.rethrow(t);
        }
    }

    /**
     * The frame's NIC timestamp in device ticks, or -1 when the NIC did not stamp it.
     *
     * @param mbuf a received mbuf's address.
     * @return ticks, or -1.
     */
    public long ticks(final long mbuf)
    {
        return (Mbuf.offloadFlags(mbuf) & flag) != 0 ? Mbuf.dynamicField64(mbuf, offset) : -1;
    }
}
