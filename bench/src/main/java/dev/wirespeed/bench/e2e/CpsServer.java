package dev.wirespeed.bench.e2e;

import org.agrona.DirectBuffer;

/**
 * Connections per second, server side: reads a request of {@code size} bytes, echoes it as the response, then sends
 * its FIN at once (HTTP/1.0 style: the server closes first, so TIME-WAIT stays here and the client's ephemeral
 * ports are free again as soon as its connection closes). After the client's FIN the connection enters TIME-WAIT
 * and the handler hears {@code onClosed}; a later SYN on the same 4-tuple reopens it (RFC 6191).
 */
final class CpsServer extends EngineSide
{
    private final int size;
    private int[] received = new int[64];

    long accepted;
    long served;
    long writeErrors;
    long shortRequests;
    long resets;

    CpsServer(final long warmupEndNs, final long endNs, final int size)
    {
        super(warmupEndNs, endNs);
        this.size = size;
    }

    int work(final long nowNs)
    {
        return 0;
    }

    public void onAccepted(final int listenerPort, final long id)
    {
        final int slot = (int)id;
        received = grow(received, slot);
        received[slot] = 0;
        accepted++;
    }

    public int onData(final long id, final DirectBuffer buffer, final int offset, final int length)
    {
        final int slot = (int)id;
        final int n = Math.min(length, size - received[slot]);
        if (n > 0)
        {
            if (endpoint.write(id, buffer, offset, n) != n)
            {
                writeErrors++;
            }
            received[slot] += n;
            if (received[slot] == size)
            {
                // close() here would find this very request still unread and reset (RFC 2525 §2.17): FIN instead
                endpoint.shutdownOutput(id);
                served++;
            }
        }
        return length;
    }

    public void onPeerClosed(final long id)
    {
        if (received[(int)id] < size)
        {
            shortRequests++;
            endpoint.shutdownOutput(id);
        }
    }

    public void onReset(final long id)
    {
        resets++;
    }

    long errors()
    {
        return writeErrors + shortRequests + resets;
    }

    void describe(final StringBuilder sb)
    {
        sb.append("server: accepted ").append(accepted).append(", served ").append(served)
            .append(", short requests ").append(shortRequests).append(", resets ").append(resets)
            .append(", write errors ").append(writeErrors);
    }
}
