package dev.wirespeed.examples;

import java.net.InetSocketAddress;

import dev.wirespeed.engine.api.ApiError;
import dev.wirespeed.engine.api.Client;
import dev.wirespeed.engine.api.ConnectionListener;
import org.agrona.DirectBuffer;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A client on an application thread, through {@link Client}: opens {@code connections} connections to an echo
 * server, sends {@code bytesEach} bytes of a known pattern on each, checks every byte that comes back, half-closes,
 * and closes once the server has closed too. Commands never block: a write that finds the command ring full queues
 * what fits and the rest is offered again on the next turn of the loop, and a shutdown or close the ring refuses is
 * queued again on the next turn too.
 */
public final class EchoClient implements ConnectionListener
{
    private final Client client;
    private final int bytesEach;
    private final long[] ids;
    private final long[] sent;
    private final long[] received;
    private final boolean[] finQueued;
    private final boolean[] peerClosed;
    private final boolean[] closeQueued;
    private final boolean[] closed;
    private final Long2LongHashMap indexById = new Long2LongHashMap(-1);
    private final Long2LongHashMap indexByCorrelation = new Long2LongHashMap(-1);
    private final UnsafeBuffer chunk = new UnsafeBuffer(new byte[16 * 1024]);
    private int done;
    private long mismatches;
    private String failure;

    public EchoClient(final Client client, final int connections, final int bytesEach)
    {
        this.client = client;
        this.bytesEach = bytesEach;
        ids = new long[connections];
        sent = new long[connections];
        received = new long[connections];
        finQueued = new boolean[connections];
        peerClosed = new boolean[connections];
        closeQueued = new boolean[connections];
        closed = new boolean[connections];
    }

    /** The byte at {@code position} of connection {@code i}'s stream. */
    static byte patternByte(final int i, final long position)
    {
        return (byte)(position * 31 + i * 7 + (position >>> 8));
    }

    /**
     * Runs to the end or the deadline on the calling thread.
     *
     * @param doWork the engine's duty cycle for an invoker-mode engine ({@code ws::doWork}), or {@code () -> 0}.
     * @return true if every connection echoed every byte and closed cleanly.
     */
    public boolean run(final InetSocketAddress server, final java.util.function.IntSupplier doWork,
        final IdleStrategy idle, final long timeoutNs)
    {
        for (int i = 0; i < ids.length; i++)
        {
            ids[i] = -1;
            indexByCorrelation.put(client.connect(server), i);
        }
        final long deadline = System.nanoTime() + timeoutNs;
        while (done < ids.length && failure == null && System.nanoTime() - deadline < 0)
        {
            int work = doWork.getAsInt() + client.poll(this, 64);
            for (int i = 0; i < ids.length; i++)
            {
                work += send(i);
            }
            idle.idle(work);
        }
        if (failure == null && done < ids.length)
        {
            failure = "timed out: " + done + " of " + ids.length + " connections done";
        }
        return failure == null && mismatches == 0;
    }

    private int send(final int i)
    {
        final long id = ids[i];
        if (id <= 0 || closed[i])
        {
            return 0;
        }
        if (sent[i] >= bytesEach)
        {
            return finishCommands(i, id);
        }
        final int n = (int)Math.min(chunk.capacity(), bytesEach - sent[i]);
        for (int k = 0; k < n; k++)
        {
            chunk.putByte(k, patternByte(i, sent[i] + k));
        }
        final int queued = client.write(id, chunk, 0, n);
        sent[i] += queued;
        return queued > 0 ? 1 : 0;
    }

    /** FIN after the last byte (keep reading the echo), then close once the server has closed; each until queued. */
    private int finishCommands(final int i, final long id)
    {
        if (!finQueued[i])
        {
            finQueued[i] = client.shutdownOutput(id);
            return finQueued[i] ? 1 : 0;
        }
        if (peerClosed[i] && !closeQueued[i])
        {
            closeQueued[i] = client.close(id);
            return closeQueued[i] ? 1 : 0;
        }
        return 0;
    }

    public void onConnected(final long correlationId, final long connectionId)
    {
        final int i = (int)indexByCorrelation.remove(correlationId);
        ids[i] = connectionId;
        indexById.put(connectionId, i);
    }

    public void onConnectFailed(final long correlationId, final int reason, final int errorCode)
    {
        failure = "connect " + correlationId + " failed: reason " + reason + ", " + ApiError.of(errorCode).message();
    }

    public int onData(final long connectionId, final DirectBuffer buffer, final int offset, final int length)
    {
        final int i = (int)indexById.get(connectionId);
        for (int k = 0; k < length; k++)
        {
            if (buffer.getByte(offset + k) != patternByte(i, received[i] + k))
            {
                mismatches++;
            }
        }
        received[i] += length;
        return length;
    }

    public void onPeerClosed(final long connectionId)
    {
        // every byte came before this event: closing now loses nothing (the loop queues the close)
        peerClosed[(int)indexById.get(connectionId)] = true;
    }

    public void onReset(final long connectionId)
    {
        failure = "connection " + connectionId + " was reset";
    }

    public void onTimeout(final long connectionId)
    {
        failure = "connection " + connectionId + " timed out";
    }

    public void onClosed(final long connectionId)
    {
        final int i = (int)indexById.remove(connectionId);
        closed[i] = true;
        if (received[i] != bytesEach)
        {
            failure = "connection " + i + " closed after " + received[i] + " of " + bytesEach + " bytes";
        }
        done++;
    }

    public long receivedBytes()
    {
        long total = 0;
        for (final long r : received)
        {
            total += r;
        }
        return total;
    }

    public long mismatches()
    {
        return mismatches;
    }

    /** What went wrong, or null. */
    public String failure()
    {
        return failure;
    }
}
