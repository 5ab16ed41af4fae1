package dev.wirespeed.apps.client;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

import dev.wirespeed.engine.tcp.TcpEndpoint;
import dev.wirespeed.engine.tcp.TcpHandler;
import dev.wirespeed.engine.tcp.TcpState;
import dev.wirespeed.engine.wire.Ipv4Header;
import org.agrona.DirectBuffer;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The engine as a TCP client: opens {@code connections} connections to one server, sends {@code sendBytes} of
 * {@link StreamPattern} data on each, reads what comes back (checked byte for byte against what was sent when the
 * server is an echo), half-closes with FIN once everything is sent, closes once the server's FIN is in, and ends
 * when every TCB it made is gone or in TIME-WAIT.
 * <p>
 * It is the endpoint's {@link TcpHandler} and its {@link #step(long)} is a duty of the same shard (run after rx
 * and timers, before the endpoint's dispatch), so every endpoint call happens on the shard thread. It knows nothing about DPDK: tests drive it over an in-memory wire.
 * Writing happens in {@code step}, at most {@link #SEND_BUDGET_PER_STEP} bytes per step over the connections that
 * can send (a ring, each connection once), so a duty cycle stays short however many connect at once; callbacks
 * only queue. Per-connection state sits in arrays indexed by connection number, allocated once; the data path
 * (fill, write, compare, digest) allocates nothing. Failure messages are built when they happen.
 * <p>
 * Not thread safe.
 */
public final class ClientSession implements TcpHandler
{
    /** Outcome of one connection. */
    public static final int RUNNING = 0;
    /** Outcome: the exchange completed and both sides closed in order. */
    public static final int OK = 1;
    /** The server answered our SYN with RST: nothing listens on that port. */
    public static final int REFUSED = 2;
    /** Reset by the server after the handshake. */
    public static final int RESET = 3;
    /** TCP gave up: the SYN or data retransmissions went unanswered. */
    public static final int TIMED_OUT = 4;
    /** Closed in order, but the echo differed from what was sent (or was short). */
    public static final int MISMATCH = 5;
    /** Closed in order before the exchange was complete. */
    public static final int INCOMPLETE = 6;
    /** Aborted by us: the run's time limit passed or it was interrupted. */
    public static final int ABORTED = 7;
    /** The endpoint refused to open it (no free ephemeral port, table full). */
    public static final int CONNECT_FAILED = 8;
    private static final String[] OUTCOME_NAMES =
        {"running", "ok", "refused", "reset", "timeout", "mismatch", "incomplete", "aborted", "connect-failed"};

    /** Connections in SYN-SENT at once: below the ARP pending queue (64), so no SYN waits a full RTO for ARP. */
    static final int MAX_OPENING = 32;
    /** After every connection has closed, how long to wait for the non-TIME-WAIT TCBs to go. */
    static final long LINGER_NS = 2_000_000_000L;
    /**
     * After aborting, stay this long: an RST that is in the server's window but not exactly at its RCV.NXT draws a
     * challenge ACK (RFC 5961 §3.2), which the endpoint, having no TCB any more, answers with an RST at exactly
     * SEG.ACK. Exiting at once would leave the server's socket open.
     */
    static final long ABORT_LINGER_NS = 200_000_000L;
    private static final int CHUNK = 64 * 1024;
    /**
     * Bytes written per step at most, so one duty cycle stays short (the shard polls rx and timers between steps):
     * a long cycle makes acknowledgements wait in the rx ring while retransmission timers fire.
     */
    static final int SEND_BUDGET_PER_STEP = 256 * 1024;
    private static final int MAX_MESSAGES = 10;

    private static final byte CONNECTED = 1;
    private static final byte OUTPUT_SHUT = 2;
    private static final byte PEER_CLOSED = 4;
    private static final byte CLOSE_CALLED = 8;
    private static final byte CLOSED = 16;
    private static final byte SEND_QUEUED = 32;

    private static final int PHASE_RUNNING = 0;
    private static final int PHASE_LINGER = 1;
    private static final int PHASE_DONE = 2;

    private final int localIp;
    private final int remoteIp;
    private final int remotePort;
    private final int count;
    private final long sendBytes;
    private final boolean expectEcho;
    private final long runLimitNs;
    private final boolean waitTimeWait;
    private final StreamPattern pattern;

    private final long[] ids;
    private final long[] sent;
    private final long[] received;
    private final long[] firstMismatch;
    private final int[] localPorts;
    private final byte[] flags;
    private final byte[] outcome;
    private final MessageDigest[] sentDigest;
    private final MessageDigest[] receivedDigest;
    private final Long2LongHashMap indexById = new Long2LongHashMap(-1);
    /** Connections with bytes to send and room to send them, in a ring (each at most once: SEND_QUEUED). */
    private final int[] sendQueue;
    private int sendQueueHead;
    private int sendQueueSize;

    private final byte[] sendScratch = new byte[CHUNK];
    private final UnsafeBuffer sendBuffer = new UnsafeBuffer(sendScratch);
    private final byte[] receiveScratch = new byte[CHUNK];
    private final byte[] expectScratch = new byte[CHUNK];

    private TcpEndpoint endpoint;
    /** Volatile: {@link #isDone()} and {@link #stop} may be called from a thread other than the shard's. */
    private volatile int phase = PHASE_RUNNING;
    private boolean started;
    private long startNs;
    private long deadlineNs;
    private long lingerDeadlineNs;
    private long lingerAtLeastUntilNs;
    private long endNs;
    private volatile String stopReason;

    private int nextToOpen;
    private int opening;
    private int established;
    private int finished;
    private long totalSent;
    private long totalReceived;
    private final int[] outcomeCounts = new int[OUTCOME_NAMES.length];
    private int timeWaitLeft;
    private int tcbsLeft;
    private final List<String> messages = new ArrayList<>();
    private int messagesDropped;

    /**
     * A client of {@code connections} connections to one server port, each sending {@code sendBytes} of its own
     * pattern.
     *
     * @param runLimitNs   after this long, whatever is still open is aborted (RST) and counted {@link #ABORTED}.
     * @param waitTimeWait also wait for TIME-WAIT to end (up to the endpoint's 2·MSL) before finishing.
     * @param localIp     our IPv4 address, host-order int.
     * @param remoteIp    the server's IPv4 address, host-order int.
     * @param remotePort  the server's TCP port, 1..65535.
     * @param connections connections to make, at least 1.
     * @param sendBytes   bytes each connection sends, at least 0.
     * @param expectEcho  true to check that each connection gets back exactly what it sent.
     * @param seed        seed of the {@link StreamPattern}.
     * @throws IllegalArgumentException for a count, size, limit or port out of range.
     */
    public ClientSession(
        final int localIp,
        final int remoteIp,
        final int remotePort,
        final int connections,
        final long sendBytes,
        final boolean expectEcho,
        final long seed,
        final long runLimitNs,
        final boolean waitTimeWait)
    {
        if (connections < 1 || sendBytes < 0 || runLimitNs <= 0 || remotePort < 1 || remotePort > 65535)
        {
            throw new IllegalArgumentException("connections >= 1, sendBytes >= 0, runLimitNs > 0, port 1..65535");
        }
        this.localIp = localIp;
        this.remoteIp = remoteIp;
        this.remotePort = remotePort;
        this.count = connections;
        this.sendBytes = sendBytes;
        this.expectEcho = expectEcho;
        this.runLimitNs = runLimitNs;
        this.waitTimeWait = waitTimeWait;
        this.pattern = new StreamPattern(seed);
        ids = new long[connections];
        Arrays.fill(ids, -1);
        sent = new long[connections];
        received = new long[connections];
        firstMismatch = new long[connections];
        Arrays.fill(firstMismatch, -1);
        localPorts = new int[connections];
        flags = new byte[connections];
        sendQueue = new int[connections];
        outcome = new byte[connections];
        sentDigest = new MessageDigest[connections];
        receivedDigest = new MessageDigest[connections];
        try
        {
            for (int i = 0; i < connections; i++)
            {
                sentDigest[i] = MessageDigest.getInstance("SHA-256");
                receivedDigest[i] = MessageDigest.getInstance("SHA-256");
            }
        }
        catch (final NoSuchAlgorithmException ex)
        {
            throw new IllegalStateException("this JDK has no SHA-256", ex);
        }
    }

    /**
     * Binds to the endpoint (which needs this handler at construction, hence the two steps).
     *
     * @param endpoint the shard's endpoint, built with this handler.
     */
    public void attach(final TcpEndpoint endpoint)
    {
        this.endpoint = endpoint;
    }

    // ============================================================================================= duty cycle

    /**
     * One step of the client, run in the shard's duty cycle after the endpoint's. Returns work done.
     *
     * @param nowNs the shard's time, ns.
     * @return work done (0 when idle).
     */
    public int step(final long nowNs)
    {
        if (!started)
        {
            started = true;
            startNs = nowNs;
            deadlineNs = nowNs + runLimitNs;
        }
        switch (phase)
        {
            case PHASE_RUNNING:
                return stepRunning(nowNs);
            case PHASE_LINGER:
                return stepLinger(nowNs);
            default:
                return 0;
        }
    }

    private int stepRunning(final long nowNs)
    {
        if (stopReason == null && nowNs - deadlineNs >= 0)
        {
            stopReason = "the time limit of " + (runLimitNs / 1_000_000L) + " ms passed";
        }
        if (stopReason != null)
        {
            abortAll();
            enterLinger(nowNs);
            return 1;
        }
        int work = 0;
        while (nextToOpen < count && opening < MAX_OPENING)
        {
            open(nextToOpen++, nowNs);
            work++;
        }
        work += sendQueued();
        if (finished == count)
        {
            enterLinger(nowNs);
            work++;
        }
        return work;
    }

    private void enterLinger(final long nowNs)
    {
        phase = PHASE_LINGER;
        final long timeWaitNs = waitTimeWait && stopReason == null ? 2 * endpoint.config().mslNs : 0;
        lingerDeadlineNs = nowNs + LINGER_NS + timeWaitNs;
        lingerAtLeastUntilNs = stopReason == null ? nowNs : nowNs + ABORT_LINGER_NS;
    }

    private int stepLinger(final long nowNs)
    {
        countTcbs();
        final boolean settled = tcbsLeft == 0 && (timeWaitLeft == 0 || !waitTimeWait || stopReason != null) &&
            !endpoint.hasPendingOutput() && nowNs - lingerAtLeastUntilNs >= 0;
        if (settled || nowNs - lingerDeadlineNs >= 0)
        {
            phase = PHASE_DONE;
            endNs = nowNs;
            return 1;
        }
        return 0;
    }

    private void countTcbs()
    {
        timeWaitLeft = (int)endpoint.counters().connections(TcpState.TIME_WAIT);
        tcbsLeft = endpoint.liveConnectionCount();
    }

    /**
     * Ends the run early: open connections are aborted at the next step.
     *
     * @param reason why, reported by {@link #stopReason()}; any thread.
     */
    public void stop(final String reason)
    {
        if (stopReason == null && phase == PHASE_RUNNING)
        {
            stopReason = reason;
        }
    }

    private void abortAll()
    {
        for (int i = 0; i < count; i++)
        {
            if (outcome[i] != RUNNING)
            {
                continue;
            }
            finish(i, ABORTED);
            if (ids[i] >= 0 && (flags[i] & CLOSED) == 0)
            {
                endpoint.abort(ids[i]);
            }
        }
    }

    private void open(final int i, final long nowNs)
    {
        final long id = endpoint.connect(nowNs, localIp, remoteIp, remotePort);
        if (id < 0)
        {
            fail(i, CONNECT_FAILED, "the endpoint could not open it: " + connectError(id));
            return;
        }
        ids[i] = id;
        indexById.put(id, i);
        opening++;
        localPorts[i] = Math.max(0, endpoint.localPort(id));
    }

    private static String connectError(final long code)
    {
        if (code == TcpEndpoint.ERR_NO_EPHEMERAL_PORT)
        {
            return "no free ephemeral port";
        }
        if (code == TcpEndpoint.ERR_TOO_MANY_CONNECTIONS)
        {
            return "connection table full";
        }
        if (code == TcpEndpoint.ERR_BAD_ADDRESS)
        {
            return "bad address";
        }
        return "error " + code;
    }

    // ================================================================================================ sending

    /** Connection {@code i} can send: it is served by a following step. */
    private void queueSend(final int i)
    {
        if ((flags[i] & (SEND_QUEUED | OUTPUT_SHUT | CLOSED)) == 0)
        {
            flags[i] |= SEND_QUEUED;
            sendQueue[(sendQueueHead + sendQueueSize++) % count] = i;
        }
    }

    /** Serves queued connections up to the step's byte budget. Returns how many were served. */
    private int sendQueued()
    {
        int budget = SEND_BUDGET_PER_STEP;
        int served = 0;
        for (int n = sendQueueSize; n > 0 && budget > 0; n--)
        {
            final int i = sendQueue[sendQueueHead];
            sendQueueHead = (sendQueueHead + 1) % count;
            sendQueueSize--;
            flags[i] &= ~SEND_QUEUED;
            if ((flags[i] & CLOSED) != 0 || outcome[i] != RUNNING)
            {
                continue;
            }
            final int written = pump(i, budget);
            budget -= written;
            served++;
            if (budget <= 0 && sent[i] < sendBytes)
            {
                // out of budget, not out of room: its turn comes again
                queueSend(i);
            }
        }
        return served;
    }

    /**
     * Writes up to {@code budget} bytes of connection {@code i}'s stream, then FIN once all is written. Stops
     * early when the send buffer is full: the refused write marks the connection write-blocked, so onWritable
     * follows when the peer acknowledges. Returns the bytes written.
     */
    private int pump(final int i, final int budget)
    {
        final long id = ids[i];
        int total = 0;
        while (sent[i] < sendBytes && total < budget)
        {
            final int free = endpoint.sendRoom(id);
            if (free < 0)
            {
                return total;
            }
            // with a full buffer, a 1-byte try is refused (and marks the connection write-blocked)
            final int room = Math.max(1, free);
            final int n = (int)Math.min(Math.min(CHUNK, Math.min(room, budget - total)), sendBytes - sent[i]);
            pattern.fill(i, sent[i], sendScratch, 0, n);
            final int written = endpoint.write(id, sendBuffer, 0, n);
            if (written < 0)
            {
                return total;
            }
            sentDigest[i].update(sendScratch, 0, written);
            sent[i] += written;
            totalSent += written;
            total += written;
            if (written < n)
            {
                return total;
            }
        }
        if (sent[i] == sendBytes && (flags[i] & OUTPUT_SHUT) == 0)
        {
            flags[i] |= OUTPUT_SHUT;
            endpoint.shutdownOutput(id);
            closeWhenDone(i);
        }
        return total;
    }

    private void closeWhenDone(final int i)
    {
        if ((flags[i] & (OUTPUT_SHUT | PEER_CLOSED | CLOSE_CALLED)) == (OUTPUT_SHUT | PEER_CLOSED))
        {
            flags[i] |= CLOSE_CALLED;
            endpoint.close(ids[i]);
        }
    }

    // ============================================================================================= TcpHandler

    public void onConnected(final long id)
    {
        final int i = index(id);
        if (i < 0)
        {
            return;
        }
        flags[i] |= CONNECTED;
        opening--;
        established++;
        queueSend(i);
    }

    public int onData(final long id, final DirectBuffer buffer, final int offset, final int length)
    {
        final int i = index(id);
        if (i < 0)
        {
            return length;
        }
        long position = received[i];
        for (int done = 0; done < length; )
        {
            final int n = Math.min(CHUNK, length - done);
            buffer.getBytes(offset + done, receiveScratch, 0, n);
            receivedDigest[i].update(receiveScratch, 0, n);
            if (expectEcho && firstMismatch[i] < 0)
            {
                compareEcho(i, position, n);
            }
            position += n;
            done += n;
        }
        received[i] = position;
        totalReceived += length;
        return length;
    }

    /** Checks {@code n} echoed bytes in the receive scratch, stream offset {@code position}, against what was sent. */
    private void compareEcho(final int i, final long position, final int n)
    {
        final int comparable = (int)Math.max(0, Math.min(n, sent[i] - position));
        if (comparable > 0)
        {
            pattern.fill(i, position, expectScratch, 0, comparable);
            final int m = Arrays.mismatch(receiveScratch, 0, comparable, expectScratch, 0, comparable);
            if (m >= 0)
            {
                firstMismatch[i] = position + m;
                message(i, String.format("echo differs at byte %d: expected 0x%02x, got 0x%02x", position + m,
                    expectScratch[m] & 0xff, receiveScratch[m] & 0xff));
                return;
            }
        }
        if (comparable < n)
        {
            firstMismatch[i] = position + comparable;
            message(i, "the echo returned more bytes than were sent (" + (position + n) + " > " + sent[i] + ")");
        }
    }

    public void onWritable(final long id)
    {
        final int i = index(id);
        if (i >= 0)
        {
            queueSend(i);
        }
    }

    public void onPeerClosed(final long id)
    {
        final int i = index(id);
        if (i >= 0)
        {
            flags[i] |= PEER_CLOSED;
            closeWhenDone(i);
        }
    }

    public void onReset(final long id)
    {
        final int i = index(id);
        if (i < 0 || outcome[i] != RUNNING)
        {
            return;
        }
        if ((flags[i] & CONNECTED) == 0)
        {
            fail(i, REFUSED, "connection refused: the server answered the SYN with RST (nothing listening?)");
        }
        else
        {
            fail(i, RESET, "connection reset by the server after " + sent[i] + " bytes sent, " + received[i] +
                " received");
        }
    }

    public void onTimeout(final long id)
    {
        final int i = index(id);
        if (i < 0 || outcome[i] != RUNNING)
        {
            return;
        }
        if ((flags[i] & CONNECTED) == 0)
        {
            fail(i, TIMED_OUT, "connect timed out: no answer to " + (endpoint.config().synRetries + 1) + " SYNs");
        }
        else
        {
            fail(i, TIMED_OUT, "timed out: retransmissions unanswered after " + sent[i] + " bytes sent, " +
                received[i] + " received");
        }
    }

    public void onClosed(final long id)
    {
        final int i = index(id);
        if (i < 0)
        {
            return;
        }
        indexById.remove(id);
        if ((flags[i] & CONNECTED) == 0)
        {
            opening--;
        }
        else
        {
            established--;
        }
        flags[i] |= CLOSED;
        if (outcome[i] != RUNNING)
        {
            return;
        }
        final boolean exchanged = sent[i] == sendBytes && (flags[i] & PEER_CLOSED) != 0;
        if (expectEcho && (firstMismatch[i] >= 0 || received[i] != sent[i]))
        {
            if (firstMismatch[i] < 0)
            {
                message(i, "short echo: " + received[i] + " of " + sent[i] + " bytes came back");
            }
            finish(i, MISMATCH);
        }
        else if (exchanged)
        {
            finish(i, OK);
        }
        else
        {
            fail(i, INCOMPLETE, "closed after " + sent[i] + " of " + sendBytes + " bytes sent" +
                ((flags[i] & PEER_CLOSED) == 0 ? ", without the server's FIN" : ""));
        }
    }

    private int index(final long id)
    {
        return (int)indexById.get(id);
    }

    private void fail(final int i, final int result, final String why)
    {
        message(i, why);
        finish(i, result);
    }

    private void finish(final int i, final int result)
    {
        outcome[i] = (byte)result;
        outcomeCounts[result]++;
        finished++;
    }

    private void message(final int i, final String text)
    {
        if (messages.size() < MAX_MESSAGES)
        {
            messages.add("connection " + i + " (" + Ipv4Header.formatAddress(localIp) + ":" + localPorts[i] +
                " -> " + Ipv4Header.formatAddress(remoteIp) + ":" + remotePort + "): " + text);
        }
        else
        {
            messagesDropped++;
        }
    }

    // ================================================================================================ results

    /**
     * Whether the run has finished.
     *
     * @return true once every connection ended and the TCBs are gone (or in TIME-WAIT).
     */
    public boolean isDone()
    {
        return phase == PHASE_DONE;
    }

    /**
     * Every connection ended OK and no TCB other than TIME-WAIT ones is left.
     *
     * @return true for a fully successful run.
     */
    public boolean succeeded()
    {
        return isDone() && outcomeCounts[OK] == count && tcbsLeft == 0;
    }

    /**
     * Why the run was stopped early, or null.
     *
     * @return the reason given to {@link #stop}, or null.
     */
    public String stopReason()
    {
        return stopReason;
    }

    /**
     * Connections the run makes in all.
     *
     * @return the count given at construction.
     */
    public int connections()
    {
        return count;
    }

    /**
     * Connections opened (connect called) so far.
     *
     * @return the count.
     */
    public int opened()
    {
        return nextToOpen;
    }

    /**
     * Connections established and not yet ended now.
     *
     * @return the count.
     */
    public int establishedNow()
    {
        return established;
    }

    /**
     * Connections ended so far, whatever their outcome.
     *
     * @return the count.
     */
    public int finished()
    {
        return finished;
    }

    /**
     * Connections with an outcome.
     *
     * @param result an outcome, {@link #RUNNING} .. {@link #CONNECT_FAILED}.
     * @return the count.
     */
    public int count(final int result)
    {
        return outcomeCounts[result];
    }

    /**
     * Connections that were never opened (the run stopped first).
     *
     * @return the count.
     */
    public int neverOpened()
    {
        int n = 0;
        for (int i = 0; i < count; i++)
        {
            if (ids[i] < 0 && outcome[i] == ABORTED)
            {
                n++;
            }
        }
        return n;
    }

    /**
     * Connections aborted while still connecting (SYN-SENT).
     *
     * @return the count.
     */
    public int abortedConnecting()
    {
        int n = 0;
        for (int i = 0; i < count; i++)
        {
            if (ids[i] >= 0 && outcome[i] == ABORTED && (flags[i] & CONNECTED) == 0)
            {
                n++;
            }
        }
        return n;
    }

    /**
     * Bytes written by all connections.
     *
     * @return bytes.
     */
    public long totalSent()
    {
        return totalSent;
    }

    /**
     * Bytes received by all connections.
     *
     * @return bytes.
     */
    public long totalReceived()
    {
        return totalReceived;
    }

    /**
     * Connections whose echo was not byte-exact.
     *
     * @return the count.
     */
    public int mismatches()
    {
        return outcomeCounts[MISMATCH];
    }

    /**
     * TCBs left at the end that are not in TIME-WAIT (should be 0).
     *
     * @return the count.
     */
    public int tcbsLeft()
    {
        return tcbsLeft;
    }

    /**
     * TCBs left in TIME-WAIT at the end.
     *
     * @return the count.
     */
    public int timeWaitLeft()
    {
        return timeWaitLeft;
    }

    /**
     * Time from the first step to the end (or to the first step while not done).
     *
     * @return nanoseconds.
     */
    public long elapsedNs()
    {
        return (phase == PHASE_DONE ? endNs : startNs) - startNs;
    }

    /**
     * The outcome of connection {@code i}.
     *
     * @param i the connection number, 0..connections - 1.
     * @return an outcome constant.
     */
    public int outcome(final int i)
    {
        return outcome[i];
    }

    /**
     * The name of an outcome, for reports.
     *
     * @param result an outcome constant.
     * @return e.g. {@code "ok"} or {@code "timeout"}.
     */
    public static String outcomeName(final int result)
    {
        return OUTCOME_NAMES[result];
    }

    /**
     * Bytes connection {@code i} wrote.
     *
     * @param i the connection number.
     * @return bytes.
     */
    public long sent(final int i)
    {
        return sent[i];
    }

    /**
     * Bytes connection {@code i} received.
     *
     * @param i the connection number.
     * @return bytes.
     */
    public long received(final int i)
    {
        return received[i];
    }

    /**
     * The local port connection {@code i} used.
     *
     * @param i the connection number.
     * @return the port, 0 if it was never opened.
     */
    public int localPort(final int i)
    {
        return localPorts[i];
    }

    /**
     * SHA-256 of what connection {@code i} sent (call once, at the end).
     *
     * @param i the connection number.
     * @return the digest, lower-case hex.
     */
    public String sha256Sent(final int i)
    {
        return HexFormat.of().formatHex(sentDigest[i].digest());
    }

    /**
     * SHA-256 of what connection {@code i} received (call once, at the end).
     *
     * @param i the connection number.
     * @return the digest, lower-case hex.
     */
    public String sha256Received(final int i)
    {
        return HexFormat.of().formatHex(receivedDigest[i].digest());
    }

    /**
     * The first failure messages, one per line (at most 10, then how many more there were).
     *
     * @return a fresh list.
     */
    public List<String> messages()
    {
        final List<String> all = new ArrayList<>(messages);
        if (messagesDropped > 0)
        {
            all.add("... and " + messagesDropped + " more");
        }
        return all;
    }
}
