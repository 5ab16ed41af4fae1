package dev.wirespeed.examples;

import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.function.IntSupplier;

import dev.wirespeed.engine.api.Client;
import dev.wirespeed.engine.api.ConnectionListener;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Request/response latency from an application thread: one connection to an echo server, a {@code size}-byte
 * request, wait for the whole echo, repeat; each round trip is timed with {@link System#nanoTime()}. The loop
 * busy-polls (as a latency-sensitive application would), so it wants a core of its own.
 */
public final class LatencyProbe implements ConnectionListener
{
    private final Client client;
    private final UnsafeBuffer request;
    private long id = -1;
    private int pending;
    private boolean failed;

    public LatencyProbe(final Client client, final int size)
    {
        this.client = client;
        this.request = new UnsafeBuffer(new byte[size]);
    }

    /**
     * @param roundTrips how many to time (after {@code warmup} untimed ones).
     * @return the round-trip times in ns, sorted; shorter than asked if the deadline passed.
     */
    public long[] run(final InetSocketAddress server, final IntSupplier doWork, final int warmup,
        final int roundTrips, final long timeoutNs)
    {
        final long deadline = System.nanoTime() + timeoutNs;
        client.connect(server);
        while (id < 0 && !failed && System.nanoTime() - deadline < 0)
        {
            doWork.getAsInt();
            client.poll(this, 16);
        }
        final long[] times = new long[roundTrips];
        int measured = 0;
        for (int i = 0; i < warmup + roundTrips && !failed && System.nanoTime() - deadline < 0; i++)
        {
            final long start = System.nanoTime();
            pending = request.capacity();
            int queued = 0;
            while (queued < request.capacity())
            {
                queued += client.write(id, request, queued, request.capacity() - queued);
                doWork.getAsInt();
            }
            while (pending > 0 && !failed && System.nanoTime() - deadline < 0)
            {
                doWork.getAsInt();
                client.poll(this, 16);
            }
            if (i >= warmup && pending == 0)
            {
                times[measured++] = System.nanoTime() - start;
            }
        }
        if (id > 0)
        {
            client.close(id);
        }
        final long[] result = Arrays.copyOf(times, measured);
        Arrays.sort(result);
        return result;
    }

    /** The value at quantile {@code q} (0..1) of sorted times. */
    public static long percentile(final long[] sorted, final double q)
    {
        return sorted.length == 0 ? -1 : sorted[(int)Math.min(sorted.length - 1, Math.round(q * (sorted.length - 1)))];
    }

    public void onConnected(final long correlationId, final long connectionId)
    {
        id = connectionId;
    }

    public void onConnectFailed(final long correlationId, final int reason, final int errorCode)
    {
        failed = true;
    }

    public int onData(final long connectionId, final DirectBuffer buffer, final int offset, final int length)
    {
        pending -= length;
        return length;
    }

    public void onReset(final long connectionId)
    {
        failed = true;
    }
}
