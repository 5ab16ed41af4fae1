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

    public IoForwarder(final Arena arena, final EthPort port0, final EthPort port1, final int burstSize)
    {
        this.port0 = port0;
        this.port1 = port1;
        this.burst = new MbufBurst(arena, burstSize);
    }

    /** One duty cycle: port0 → port1, then port1 → port0. Returns packets received. */
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

    /** Runs {@link #doWork()} for {@code durationNs}, checking the clock every 1024 cycles. */
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

    public long forwarded()
    {
        return forwarded;
    }

    public long dropped()
    {
        return dropped;
    }
}
