package dev.wirespeed.bench.e2e;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Connections per second, client side: keeps {@code concurrency} connections in flight; each one connects, sends
 * one request of {@code size} bytes, reads the echoed response (checked byte by byte), sees the server's FIN and
 * closes. A connection counts when its {@code onClosed} falls inside the measurement window; a new one is opened
 * in the next duty cycle. Per-connection state lives in arrays indexed by the id's slot: nothing is allocated per
 * connection once the arrays have grown to the pool size.
 */
final class CpsClient extends EngineSide
{
    private final int localIp;
    private final int serverIp;
    private final int serverPort;
    private final int concurrency;
    private final int size;
    private final UnsafeBuffer request;

    private int[] received = new int[64];
    private long[] messageSeq = new long[64];
    private long nextSeq;
    private int inFlight;

    long opened;
    long closed;
    long completedInWindow;
    long badBytes;
    long shortResponses;
    long resets;
    long timeouts;
    long connectErrors;
    long writeErrors;

    CpsClient(final long warmupEndNs, final long endNs, final int localIp, final int serverIp, final int serverPort,
        final int concurrency, final int size)
    {
        super(warmupEndNs, endNs);
        this.localIp = localIp;
        this.serverIp = serverIp;
        this.serverPort = serverPort;
        this.concurrency = concurrency;
        this.size = size;
        this.request = new UnsafeBuffer(new byte[size]);
    }

    int work(final long nowNs)
    {
        if (ended(nowNs))
        {
            if (inFlight == 0)
            {
                markFinished();
            }
            return 0;
        }
        int n = 0;
        while (inFlight < concurrency)
        {
            if (inFlight > 0 && !shard.neighbourKnown(serverIp, nowNs))
            {
                // the first connection resolves the server's MAC; the rest wait rather than overflow the ARP queue
                break;
            }
            final long id = endpoint.connect(nowNs, localIp, serverIp, serverPort);
            if (id < 0)
            {
                connectErrors++;
                break;
            }
            final int slot = (int)id;
            received = grow(received, slot);
            messageSeq = grow(messageSeq, slot);
            received[slot] = 0;
            messageSeq[slot] = nextSeq++;
            inFlight++;
            opened++;
            n++;
        }
        return n;
    }

    public void onConnected(final long id)
    {
        final int slot = (int)id;
        Payload.fillMessage(request, size, messageSeq[slot]);
        if (endpoint.write(id, request, 0, size) != size)
        {
            writeErrors++;
        }
    }

    public int onData(final long id, final DirectBuffer buffer, final int offset, final int length)
    {
        final int slot = (int)id;
        final int got = received[slot];
        if (got + length > size || !Payload.messageMatches(buffer, offset, length, messageSeq[slot], got))
        {
            badBytes += length;
        }
        received[slot] = got + length;
        return length;
    }

    public void onPeerClosed(final long id)
    {
        if (received[(int)id] != size)
        {
            shortResponses++;
        }
        endpoint.close(id);
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
        inFlight--;
        closed++;
        if (inWindow(shard.nowNs()))
        {
            completedInWindow++;
        }
    }

    long errors()
    {
        return badBytes + shortResponses + resets + timeouts + writeErrors;
    }

    void describe(final StringBuilder sb)
    {
        sb.append("client: opened ").append(opened).append(", closed ").append(closed)
            .append(", bad bytes ").append(badBytes).append(", short responses ").append(shortResponses)
            .append(", resets ").append(resets).append(", timeouts ").append(timeouts)
            .append(", connect errors ").append(connectErrors).append(", write errors ").append(writeErrors);
    }
}
