package dev.wirespeed.apps.nic;

import java.lang.foreign.Arena;

import dev.wirespeed.bindings.EthPort;
import dev.wirespeed.bindings.MbufBurst;

/**
 * testpmd's {@code io} forwarding mode in Java: rx_burst on one port, tx_burst the same mbufs on the other,
 * both directions, one thread, busy polling. Whatever the TX queue does not take is freed (counted as dropped),
 * exactly like testpmd.
 * <p>
 * The loop allocates nothing: bursts are off-heap arrays made once. Not thread safe.
 */
public final class IoForwarder
{
    private final EthPort port0;
    private final EthPort port1;
    private final MbufBurst burst;
    private long forwarded;
    private long dropped;

    /**
     * A forwarder between two started ports, on queue 0 of each.
     *
     * @param arena     owns the burst array.
     * @param port0     one port.
     * @param port1     the other port.
     * @param burstSize frames per rx_burst at most.
     */
    public IoForwarder(final Arena arena, final EthPort port0, final EthPort port1, final int burstSize)
    {
        this.port0 = port0;
        this.port1 = port1;
        this.burst = new MbufBurst(arena, burstSize);
    }

    /**
     * One duty cycle: port0 → port1, then port1 → port0. Returns packets received.
     *
     * @return frames received.
     */
    public int doWork()
    {
        return forward(port0, port1) + forward(port1, port0);
    }

    private int forward(final EthPort from, final EthPort to)
    {
        final MbufBurst b = burst;
        final int n = from.rxBurst(0, b);
        if (n > 0)
        {
            final int sent = to.txBurst(0, b);
            forwarded += sent;
            if (sent < n)
            {
                dropped += n - sent;
                b.freeAll();
            }
        }
        return n;
    }

    /**
     * Runs {@link #doWork()} for {@code durationNs}, checking the clock every 1024 cycles.
     *
     * @param durationNs how long to run, ns.
     */
    public void runFor(final long durationNs)
    {
        final long end = System.nanoTime() + durationNs;
        do
        {
            for (int i = 0; i < 1024; i++)
            {
                doWork();
            }
        }
        while (System.nanoTime() - end < 0);
    }

    /**
     * Frames the other port took.
     *
     * @return the count.
     */
    public long forwarded()
    {
        return forwarded;
    }

    /**
     * Frames received that the other port did not take (freed).
     *
     * @return the count.
     */
    public long dropped()
    {
        return dropped;
    }
}
