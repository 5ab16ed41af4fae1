package dev.wirespeed.bench.e2e;

import java.util.function.IntSupplier;

import dev.wirespeed.engine.api.Client;
import dev.wirespeed.engine.api.ConnectionListener;
import dev.wirespeed.engine.api.Ipv4Address;
import org.HdrHistogram.Histogram;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Ping-pong of one message on one keep-alive connection from an application thread, through the application API
 * ({@link Client}: command ring in, event ring out), timed on that thread; the round trips that start in the
 * measurement window go into the histogram. Busy-polls, like {@link PingClient} on the shard thread.
 * <p>
 * Not thread safe: the calling thread runs it all.
 */
final class ApiPingClient implements ConnectionListener
{
    static final long CONNECT_TIMEOUT_NS = 5_000_000_000L;

    final Histogram histogram = new Histogram(60_000_000_000L, 3);
    private final Client client;
    private final UnsafeBuffer request;
    private long id = -1;
    private int pending;
    long roundTrips;
    long badBytes;
    long errors;
    String failure;

    ApiPingClient(final Client client, final int size)
    {
        this.client = client;
        this.request = new UnsafeBuffer(new byte[size]);
        for (int i = 0; i < size; i++)
        {
            request.putByte(i, (byte)(i * 7));
        }
    }

    /**
     * Connects (within {@link #CONNECT_TIMEOUT_NS}), then ping-pongs for {@code warmupNs} untimed and
     * {@code measureNs} timed; closes the connection at the end.
     */
    void run(final int serverIp, final int port, final long warmupNs, final long measureNs, final IntSupplier doWork)
    {
        client.connect(new Ipv4Address(serverIp), port);
        final long connectBy = System.nanoTime() + CONNECT_TIMEOUT_NS;
        while (id < 0 && failure == null && System.nanoTime() - connectBy < 0)
        {
            doWork.getAsInt();
            client.poll(this, 16);
        }
        if (id < 0 && failure == null)
        {
            failure = "not connected within " + CONNECT_TIMEOUT_NS / 1_000_000 + " ms";
        }
        final long warmupEndNs = System.nanoTime() + warmupNs;
        final long endNs = warmupEndNs + measureNs;
        while (failure == null)
        {
            final long start = System.nanoTime();
            if (start - endNs >= 0)
            {
                break;
            }
            pending = request.capacity();
            int queued = 0;
            while (queued < request.capacity())
            {
                queued += client.write(id, request, queued, request.capacity() - queued);
                doWork.getAsInt();
            }
            while (pending > 0 && failure == null && System.nanoTime() - endNs < 1_000_000_000L)
            {
                doWork.getAsInt();
                client.poll(this, 16);
            }
            if (pending > 0)
            {
                failure = "no echo within a second";
                break;
            }
            roundTrips++;
            if (start - warmupEndNs >= 0)
            {
                histogram.recordValue(System.nanoTime() - start);
            }
        }
        if (id > 0 && client.isOpen(id))
        {
            client.close(id);
        }
        final long closeBy = System.nanoTime() + 1_000_000_000L;
        while (id > 0 && client.isOpen(id) && System.nanoTime() - closeBy < 0)
        {
            doWork.getAsInt();
            client.poll(this, 16);
        }
        if (failure != null)
        {
            errors++;
        }
    }

    public void onConnected(final long correlationId, final long connectionId)
    {
        id = connectionId;
    }

    public void onConnectFailed(final long correlationId, final int reason, final int errorCode)
    {
        failure = "connect failed, reason " + reason;
    }

    public int onData(final long connectionId, final DirectBuffer buffer, final int offset, final int length)
    {
        final int at = request.capacity() - pending;
        for (int i = 0; i < length; i++)
        {
            if (buffer.getByte(offset + i) != request.getByte(at + i))
            {
                badBytes++;
            }
        }
        pending -= length;
        return length;
    }

    public void onReset(final long connectionId)
    {
        failure = "reset";
    }

    public void onTimeout(final long connectionId)
    {
        failure = "timeout";
    }

    void describe(final StringBuilder sb)
    {
        sb.append("api client: round trips ").append(roundTrips).append(" (").append(histogram.getTotalCount())
            .append(" measured), bad bytes ").append(badBytes);
        if (failure != null)
        {
            sb.append(", FAILED: ").append(failure);
        }
    }
}
