package dev.wirespeed.bench.e2e;

/**
 * Bulk throughput, sending side: one connection; writes the bulk pattern ({@link Payload}) as fast as the send
 * buffer takes it, refilling on {@code onWritable}, until the end of the phase; then closes (FIN after the queued
 * bytes). The receiver measures.
 */
final class BulkClient extends EngineSide
{
    private final int localIp;
    private final int serverIp;
    private final int serverPort;
    private long id = -1;
    private boolean connected;
    private boolean closing;
    private boolean closed;

    long sentBytes;
    long resets;
    long timeouts;
    long connectErrors;

    BulkClient(final long warmupEndNs, final long endNs, final int localIp, final int serverIp, final int serverPort)
    {
        super(warmupEndNs, endNs);
        this.localIp = localIp;
        this.serverIp = serverIp;
        this.serverPort = serverPort;
    }

    int work(final long nowNs)
    {
        if (id < 0)
        {
            if (ended(nowNs))
            {
                markFinished();
                return 0;
            }
            id = endpoint.connect(nowNs, localIp, serverIp, serverPort);
            if (id < 0)
            {
                connectErrors++;
                id = -1;
            }
            return 1;
        }
        if (closed)
        {
            markFinished();
            return 0;
        }
        if (connected && !closing && ended(nowNs))
        {
            closing = true;
            endpoint.close(id);
            return 1;
        }
        return 0;
    }

    public void onConnected(final long id)
    {
        connected = true;
        fill(id);
    }

    public void onWritable(final long id)
    {
        fill(id);
    }

    private void fill(final long id)
    {
        while (!closing && !ended(shard.nowNs()))
        {
            final int n = endpoint.write(id, Payload.BULK_SOURCE, Payload.bulkSourceOffset(sentBytes), Payload.BULK_CHUNK);
            if (n <= 0)
            {
                return;
            }
            sentBytes += n;
        }
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
        closed = true;
    }

    long errors()
    {
        return resets + timeouts + connectErrors;
    }

    void describe(final StringBuilder sb)
    {
        sb.append("client: sent ").append(sentBytes).append(" B, resets ").append(resets).append(", timeouts ")
            .append(timeouts).append(", connect errors ").append(connectErrors);
    }
}
