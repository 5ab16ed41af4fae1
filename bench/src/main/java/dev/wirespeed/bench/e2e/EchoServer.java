package dev.wirespeed.bench.e2e;

import org.agrona.DirectBuffer;

/**
 * Echo (RFC 862) for the latency phase: every byte goes back as it arrives. Bytes the send buffer cannot take stay
 * unread (the window shrinks) until {@code onWritable}. The peer's FIN is answered with a close.
 */
final class EchoServer extends EngineSide
{
    long accepted;
    long echoedBytes;
    long resets;

    EchoServer(final long warmupEndNs, final long endNs)
    {
        super(warmupEndNs, endNs);
    }

    int work(final long nowNs)
    {
        return 0;
    }

    public void onAccepted(final int listenerPort, final long id)
    {
        accepted++;
        endpoint.setNoDelay(id, true);
    }

    public int onData(final long id, final DirectBuffer buffer, final int offset, final int length)
    {
        final int written = Math.max(0, endpoint.write(id, buffer, offset, length));
        echoedBytes += written;
        return written;
    }

    public void onWritable(final long id)
    {
        endpoint.resumeReading(id);
    }

    public void onPeerClosed(final long id)
    {
        endpoint.close(id);
    }

    public void onReset(final long id)
    {
        resets++;
    }

    long errors()
    {
        return resets;
    }

    void describe(final StringBuilder sb)
    {
        sb.append("server: accepted ").append(accepted).append(", echoed ").append(echoedBytes)
            .append(" B, resets ").append(resets);
    }
}
