package dev.wirespeed.bench.e2e;

import org.HdrHistogram.Histogram;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Round-trip latency, client side: {@code connections} keep-alive connections (no-delay), each with one message of
 * {@code size} bytes in flight: send, wait for the whole echo (checked byte by byte), record
 * {@code System.nanoTime()} from just before the write to the delivery of its last byte, send the next. Round trips
 * that complete inside the measurement window go into the histogram. At the end each connection half-closes; the
 * server answers with its own FIN.
 */
final class PingClient extends EngineSide
{
    private final int localIp;
    private final int serverIp;
    private final int serverPort;
    private final int connections;
    private final int size;
    private final UnsafeBuffer request;
    final Histogram histogram = new Histogram(60_000_000_000L, 3);

    private int[] received = new int[8];
    private long[] sent = new long[8];
    private long[] startNs = new long[8];
    private int opened;
    private int open;

    long roundTrips;
    long roundTripsInWindow;
    long badBytes;
    long resets;
    long timeouts;
    long connectErrors;
    long writeErrors;

    PingClient(final long warmupEndNs, final long endNs, final int localIp, final int serverIp, final int serverPort,
        final int connections, final int size)
    {
        super(warmupEndNs, endNs);
        this.localIp = localIp;
        this.serverIp = serverIp;
        this.serverPort = serverPort;
        this.connections = connections;
        this.size = size;
        this.request = new UnsafeBuffer(new byte[size]);
    }

    int work(final long nowNs)
    {
        if (opened == connections || ended(nowNs))
        {
            if (open == 0 && (opened == connections || ended(nowNs)))
            {
                markFinished();
            }
            return 0;
        }
        if (opened > 0 && !shard.neighbourKnown(serverIp, nowNs))
        {
            return 0;
        }
        final long id = endpoint.connect(nowNs, localIp, serverIp, serverPort);
        if (id < 0)
        {
            connectErrors++;
            return 0;
        }
        final int slot = (int)id;
        received = grow(received, slot);
        sent = grow(sent, slot);
        startNs = grow(startNs, slot);
        received[slot] = 0;
        sent[slot] = 0;
        opened++;
        open++;
        return 1;
    }

    public void onConnected(final long id)
    {
        endpoint.setNoDelay(id, true);
        send(id, (int)id);
    }

    private void send(final long id, final int slot)
    {
        Payload.fillMessage(request, size, sent[slot]);
        startNs[slot] = System.nanoTime();
        if (endpoint.write(id, request, 0, size) != size)
        {
            writeErrors++;
        }
    }

    public int onData(final long id, final DirectBuffer buffer, final int offset, final int length)
    {
        final int slot = (int)id;
        final int got = received[slot];
        if (got + length > size || !Payload.messageMatches(buffer, offset, length, sent[slot], got))
        {
            badBytes += length;
        }
        if (got + length < size)
        {
            received[slot] = got + length;
            return length;
        }
        final long rttNs = System.nanoTime() - startNs[slot];
        roundTrips++;
        if (inWindow(shard.nowNs()))
        {
            histogram.recordValue(Math.min(rttNs, histogram.getHighestTrackableValue()));
            roundTripsInWindow++;
        }
        received[slot] = 0;
        sent[slot]++;
        if (ended(shard.nowNs()))
        {
            // close() would find this very response unread and reset; a FIN, and the server's FIN ends it
            endpoint.shutdownOutput(id);
        }
        else
        {
            send(id, slot);
        }
        return length;
    }

    public void onReset(final long id)
    {
        resets++;
    }

    public void onTimeout(final long id)
    {
        timeouts++;
    }

    public void onClosed(final long id)
    {
        open--;
    }

    long errors()
    {
        return badBytes + resets + timeouts + writeErrors + connectErrors;
    }

    void describe(final StringBuilder sb)
    {
        sb.append("client: round trips ").append(roundTrips).append(" (").append(roundTripsInWindow)
            .append(" measured), bad bytes ").append(badBytes).append(", resets ").append(resets)
            .append(", timeouts ").append(timeouts).append(", connect errors ").append(connectErrors)
            .append(", write errors ").append(writeErrors);
    }
}
