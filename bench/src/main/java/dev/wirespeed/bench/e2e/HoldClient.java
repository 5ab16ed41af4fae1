package dev.wirespeed.bench.e2e;

import org.HdrHistogram.Histogram;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Many concurrent connections, client side: ramps up to {@code target} established connections from several local
 * addresses (the endpoint picks each one's port), at most {@code maxHandshakes} half-open at a time; once all are
 * up it waits for the driver ({@link #release}) to measure memory, holds them for {@code holdNs} while the first
 * {@code sample} of them ping-pong a 64-byte message (the latency of a live connection while all the others are
 * held; keepalives run on every connection if the config enables them), then closes them all, {@code closeBurst}
 * per duty cycle (and opens as many per cycle, at most). Any reset, timeout or close before the close phase counts as a lost connection.
 * <p>
 * Not thread safe: runs on the client shard's thread; the phase and its timestamps are published for the driver.
 */
final class HoldClient extends EngineSide
{
    static final int RAMP = 0;
    static final int WAITING = 1;
    static final int HOLD = 2;
    static final int CLOSING = 3;
    static final int DONE = 4;
    static final int MESSAGE = 64;

    private final int[] localIps;
    private final int serverIp;
    private final int serverPort;
    private final int target;
    private final int maxHandshakes;
    private final int sample;
    private final long holdNs;
    private final int closeBurst;
    private final UnsafeBuffer message = new UnsafeBuffer(new byte[MESSAGE]);

    private long[] ids;
    /** Per slot: 1 while its connection is established (counted in {@link #up}). */
    private byte[] upMark = new byte[64];
    private int up;
    private int toClose;
    /** Per slot: 1 + the index of a sampling connection, 0 for the others. */
    private int[] sampleOf = new int[64];
    private final long[] sentAtNs;
    private final int[] echoed;
    private final long[] messageSeq;
    private long nextSeq;

    private volatile int phase = RAMP;
    private volatile boolean released;
    private int opened;
    private int established;
    private int closeNext;
    long startNs;
    long rampEndNs;
    long holdStartNs;
    long closeStartNs;
    long closeEndNs;
    long closed;
    /** Connections that closed before the close phase (any reason), of which after the ramp, by reset, by timeout. */
    long lost;
    long lostHeld;
    long lostHandshakes;
    long lostReset;
    long lostTimeout;
    long connectErrors;
    long badBytes;
    final Histogram histogram = new Histogram(60_000_000_000L, 3);

    HoldClient(final int[] localIps, final int serverIp, final int serverPort, final int target,
        final int maxHandshakes, final int sample, final long holdNs, final int closeBurst)
    {
        super(0, Long.MAX_VALUE);
        this.localIps = localIps;
        this.serverIp = serverIp;
        this.serverPort = serverPort;
        this.target = target;
        this.maxHandshakes = maxHandshakes;
        this.sample = Math.min(sample, target);
        this.holdNs = holdNs;
        this.closeBurst = closeBurst;
        this.ids = new long[target];
        this.sentAtNs = new long[this.sample];
        this.echoed = new int[this.sample];
        this.messageSeq = new long[this.sample];
    }

    int phase()
    {
        return phase;
    }

    /** The driver has measured what it wanted with every connection up: start the hold. */
    void release()
    {
        released = true;
    }

    int work(final long nowNs)
    {
        switch (phase)
        {
            case RAMP:
                if (startNs == 0)
                {
                    startNs = nowNs;
                }
                return ramp(nowNs);
            case WAITING:
                if (released)
                {
                    holdStartNs = nowNs;
                    phase = HOLD;
                }
                return 0;
            case HOLD:
                if (nowNs - holdStartNs >= holdNs)
                {
                    closeStartNs = nowNs;
                    toClose = up;
                    phase = CLOSING;
                    if (toClose == 0)
                    {
                        closeEndNs = nowNs;
                        phase = DONE;
                        markFinished();
                    }
                }
                return 0;
            case CLOSING:
                int n = 0;
                while (closeNext < established && n < closeBurst)
                {
                    final long id = ids[closeNext++];
                    if (upMark[(int)id] == 1)
                    {
                        endpoint.close(id);
                        n++;
                    }
                }
                return n;
            default:
                return 0;
        }
    }

    private int ramp(final long nowNs)
    {
        int n = 0;
        // a connection lost on the way up is replaced (and counted): the target is concurrent established ones
        while (opened - lost < target && opened - established - lostHandshakes < maxHandshakes && n < closeBurst)
        {
            if (opened > 0 && !shard.neighbourKnown(serverIp, nowNs))
            {
                break; // the first connection resolves the server's MAC; the rest wait rather than fill the ARP queue
            }
            final long id = endpoint.connect(nowNs, localIps[opened % localIps.length], serverIp, serverPort);
            if (id < 0)
            {
                connectErrors++;
                break;
            }
            opened++;
            n++;
        }
        return n;
    }

    public void onConnected(final long id)
    {
        if (phase != RAMP)
        {
            return;
        }
        final int slot = (int)id;
        sampleOf = grow(sampleOf, slot);
        sampleOf[slot] = 0;
        if (slot >= upMark.length)
        {
            upMark = java.util.Arrays.copyOf(upMark, Math.max(slot + 1, upMark.length * 2));
        }
        upMark[slot] = 1;
        up++;
        if (established < sample)
        {
            sampleOf[slot] = established + 1;
            send(established, id, shard.nowNs());
        }
        ids = grow(ids, established);
        ids[established++] = id;
        if (up == target)
        {
            rampEndNs = shard.nowNs();
            phase = WAITING;
        }
    }

    private void send(final int s, final long id, final long nowNs)
    {
        messageSeq[s] = nextSeq++;
        Payload.fillMessage(message, MESSAGE, messageSeq[s]);
        echoed[s] = 0;
        sentAtNs[s] = nowNs;
        if (endpoint.write(id, message, 0, MESSAGE) != MESSAGE)
        {
            badBytes += MESSAGE;
        }
    }

    public int onData(final long id, final DirectBuffer buffer, final int offset, final int length)
    {
        final int slot = (int)id;
        final int s = slot < sampleOf.length ? sampleOf[slot] - 1 : -1;
        if (s < 0)
        {
            badBytes += length;
            return length;
        }
        if (echoed[s] + length > MESSAGE || !Payload.messageMatches(buffer, offset, length, messageSeq[s], echoed[s]))
        {
            badBytes += length;
        }
        echoed[s] += length;
        if (echoed[s] >= MESSAGE && phase != CLOSING && phase != DONE)
        {
            final long nowNs = shard.nowNs();
            if (phase == HOLD)
            {
                histogram.recordValue(Math.max(1, nowNs - sentAtNs[s]));
            }
            send(s, id, nowNs);
        }
        return length;
    }

    public void onPeerClosed(final long id)
    {
        endpoint.close(id);
    }

    public void onReset(final long id)
    {
        lostReset++;
    }

    public void onTimeout(final long id)
    {
        lostTimeout++;
    }

    public void onClosed(final long id)
    {
        final int slot = (int)id;
        if (slot < sampleOf.length)
        {
            sampleOf[slot] = 0;
        }
        final boolean wasUp = slot < upMark.length && upMark[slot] == 1;
        if (wasUp)
        {
            upMark[slot] = 0;
            up--;
        }
        if (phase != CLOSING && phase != DONE)
        {
            lost++;
            if (!wasUp)
            {
                lostHandshakes++;
            }
            if (phase != RAMP)
            {
                lostHeld++;
            }
            return;
        }
        if (wasUp && ++closed == toClose)
        {
            closeEndNs = shard.nowNs();
            phase = DONE;
            markFinished();
        }
    }

    long errors()
    {
        return lost + badBytes + connectErrors;
    }

    void describe(final StringBuilder sb)
    {
        sb.append("client: opened ").append(opened).append(", established ").append(established)
            .append(", closed ").append(closed).append(", lost ").append(lost).append(" (while held ").append(lostHeld)
            .append("; reset ").append(lostReset).append(", timed out ").append(lostTimeout).append("), connect errors ")
            .append(connectErrors).append(", bad bytes ").append(badBytes).append(", echoes in the hold ")
            .append(histogram.getTotalCount());
    }
}
