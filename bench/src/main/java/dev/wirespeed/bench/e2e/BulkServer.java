package dev.wirespeed.bench.e2e;

import org.agrona.DirectBuffer;

/**
 * Bulk throughput, receiving side: consumes and counts every byte (zero-copy, straight from the mbuf when in
 * order), optionally checking each one against the bulk pattern; bytes delivered inside the measurement window
 * make the figure. The sender's FIN is answered with a close.
 */
final class BulkServer extends EngineSide
{
    private final boolean verify;
    long receivedBytes;
    long bytesInWindow;
    long badChunks;
    long resets;

    BulkServer(final long warmupEndNs, final long endNs, final boolean verify)
    {
        super(warmupEndNs, endNs);
        this.verify = verify;
    }

    int work(final long nowNs)
    {
        return 0;
    }

    public int onData(final long id, final DirectBuffer buffer, final int offset, final int length)
    {
        if (verify && !Payload.bulkMatches(buffer, offset, length, receivedBytes))
        {
            badChunks++;
        }
        receivedBytes += length;
        if (inWindow(shard.nowNs()))
        {
            bytesInWindow += length;
        }
        return length;
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
        return badChunks + resets;
    }

    void describe(final StringBuilder sb)
    {
        sb.append("server: received ").append(receivedBytes).append(" B");
        if (verify)
        {
            sb.append(", bad chunks ").append(badChunks);
        }
        sb.append(", resets ").append(resets);
    }
}
