package dev.wirespeed.apps.load;

import dev.wirespeed.engine.runtime.ShardDuty;
import dev.wirespeed.engine.tcp.TcpEndpoint;
import dev.wirespeed.engine.tcp.TcpHandler;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * One shard's share of a load run: the endpoint's {@link TcpHandler} and a {@link ShardDuty} of the same shard,
 * so every endpoint call happens on the shard thread.
 * <p>
 * <b>Loops.</b> Closed ({@link LoadPlan#connections} and no rate): that many connections are kept open, each
 * sending its next request as soon as the previous response is in (latency from the send). Open ({@link
 * LoadPlan#rate}): request k (connection k in connect mode) is due at {@code first + k / rate}, the first one
 * interval after the start (no burst at start). An {@link OpenLoopSchedule} says when each may go out: at its due
 * time, but never sooner than {@code 1 / (catchUp * rate)} after the previous one. A request whose turn has come
 * goes out on an idle connection, else on a new one while fewer than {@link LoadPlan#maxOpen} are open, else it
 * waits (the cap). A shard that fell behind (the server stalled and held every connection, or the shard itself
 * was descheduled) therefore drains its backlog at {@link LoadPlan#catchUp} times the rate, evenly spaced, not in
 * a burst; slots missed by less than the thread's scheduling jitter ({@link #JITTER_NS}, 10 ms) go out at
 * once. Latency counts from the time a request was due, never from when it went out, as wrk2 does, so a
 * stalled server shows in the histogram as the queue of requests that waited on it, not as one slow request. What
 * went out more than 1 ms late, the largest backlog and the time spent behind are counted in {@link LoadStats}. With
 * both a rate and connections the connections are kept open (constant active flows) and the requests paced over
 * them.
 * <p>
 * <b>Phases.</b> ARP (until the target's MAC is known), READY (until {@link #start}), RUN (until the end time or
 * {@link #stop}), DRAIN (no new requests; in-flight ones may finish, up to a bound), CLOSE (every connection is
 * closed, FIN or RST per {@link LoadPlan#closeRst}), DONE.
 * <p>
 * Per-connection state lives in {@link Conn} objects indexed by the id's slot, allocated when a slot is first seen
 * (the endpoint's pool grows the same way) and reused; the per-request path allocates nothing. Failures are counted
 * by kind in {@link LoadStats}, never fatal. Not thread safe, except {@link #start} and {@link #stop}.
 */
public final class LoadShard implements TcpHandler, ShardDuty
{
    /** Phase: resolving the target's MAC (ARP). */
    public static final int PHASE_ARP = 0;
    /** Phase: resolved, waiting for the start. */
    public static final int PHASE_READY = 1;
    /** Phase: warmup and measured duration. */
    public static final int PHASE_RUN = 2;
    /** Phase: duration over, waiting for requests in flight. */
    public static final int PHASE_DRAIN = 3;
    /** Phase: closing the connections. */
    public static final int PHASE_CLOSE = 4;
    /** Phase: every connection gone. */
    public static final int PHASE_DONE = 5;

    /** Resolves the target's link-layer address (ARP), asking again as needed; true once it is known. */
    @FunctionalInterface
    public interface Resolver
    {
        /**
         * Asks for the target's MAC if it is not known yet; shard thread.
         *
         * @param nowNs the shard's time, ns.
         * @return true once the target's MAC is known.
         */
        boolean resolved(long nowNs);
    }

    static final int S_FREE = 0;
    static final int S_CONNECTING = 1;
    static final int S_IDLE = 2;
    static final int S_BUSY = 3;
    /** The last response is in; waiting for the server's FIN. */
    static final int S_AWAIT_CLOSE = 4;
    static final int S_CLOSING = 5;

    /** Most connections opened, and most due requests issued, per duty cycle: keeps a cycle short. */
    static final int OPEN_BURST = 64;
    static final int ISSUE_BURST = 256;
    static final long LATE_NS = 1_000_000L;
    /**
     * Issue slots missed by less than this still go out at once: the shard thread's own scheduling jitter (a
     * descheduled thread misses a few ms on a busy machine), not a stall to pace the catching up of.
     */
    static final long JITTER_NS = 10_000_000L;
    static final long SCAN_INTERVAL_NS = 10_000_000L;
    static final long DRAIN_NS = 2_000_000_000L;
    static final long CLOSE_NS = 2_000_000_000L;
    static final long AWAIT_CLOSE_NS = 2_000_000_000L;
    static final long NO_PORT_BACKOFF_NS = 1_000_000L;
    private static final int BULK_CHUNK = 64 * 1024;

    /** Per-connection state. */
    static final class Conn
    {
        long id = -1;
        int state = S_FREE;
        int src;
        long connectStartNs;
        long dueNs;
        long sentNs;
        long doneNs;
        boolean firstByte;
        /** A request waits for the handshake (it was issued on this connection while it was connecting). */
        boolean pending;
        boolean inIdle;
        boolean errored;
        int requests;
        long echoSeq;
        int echoReceived;
        long bulkBytes;
        final HttpResponseParser http = new HttpResponseParser();
    }

    private final LoadPlan plan;
    private final LoadStats stats;
    private final NanoClock clock;
    private final Resolver resolver;
    private final int shardIndex;
    private final int shardCount;
    private final UnsafeBuffer httpRequest;
    private final UnsafeBuffer httpRequestClose;
    private final UnsafeBuffer echoRequest;
    private final UnsafeBuffer bulkSource;
    private TcpEndpoint endpoint;

    private Conn[] conns;
    private int maxSlot;
    private int[] idle;
    private int idleCount;
    private int open;
    private int busy;
    private int nextSrc;
    private long nextEchoSeq;

    private volatile long startAtNs = Long.MAX_VALUE;
    private volatile boolean stopRequested;
    private int phase = PHASE_ARP;
    private long endNs;
    private long phaseDeadlineNs;
    private OpenLoopSchedule schedule;
    private long lastScanNs;
    private long noPortUntilNs;
    private int peakOpen;
    private long runCpuStartNs;
    private static final java.lang.management.ThreadMXBean THREADS =
        java.lang.management.ManagementFactory.getThreadMXBean();

    /**
     * The load of one shard: its connections, its schedule and its share of the stats. Built on the shard's thread by
     * the engine's handler factory.
     *
     * @param plan       this shard's share ({@link LoadPlan#share}).
     * @param clock      the shard's time (the duty cycle's: {@code shard::nowNs}).
     * @param shardIndex this shard's index among {@code shardCount}: the phase of its open-loop schedule.
     * @param stats      this shard's counters and recorders.
     * @param resolver   resolves the target's MAC before the run.
     * @param shardCount the engine's shard count.
     */
    public LoadShard(final LoadPlan plan, final LoadStats stats, final NanoClock clock, final Resolver resolver,
        final int shardIndex, final int shardCount)
    {
        this.plan = plan;
        this.stats = stats;
        this.clock = clock;
        this.resolver = resolver;
        this.shardIndex = shardIndex;
        this.shardCount = shardCount;
        httpRequest = new UnsafeBuffer(plan.httpRequest);
        httpRequestClose = new UnsafeBuffer(plan.httpRequestClose);
        echoRequest = new UnsafeBuffer(new byte[plan.mode == LoadPlan.Mode.ECHO ? (int)plan.size : 1]);
        bulkSource = new UnsafeBuffer(new byte[plan.mode == LoadPlan.Mode.BULK ? BULK_CHUNK + 256 : 1]);
        for (int i = 0; i < bulkSource.capacity(); i++)
        {
            bulkSource.putByte(i, (byte)(i % 251));
        }
        final int initial = Math.max(64, plan.concurrency() + 64);
        conns = new Conn[initial];
        for (int i = 0; i < initial; i++)
        {
            conns[i] = new Conn();
        }
        idle = new int[initial];
        nextEchoSeq = plan.seed;
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

    /**
     * From any thread: the run starts at {@code t0} (on the shard clock); warmup and duration count from there.
     *
     * @param t0 the start, shard clock ns.
     */
    public void start(final long t0)
    {
        startAtNs = t0;
    }

    /** From any thread: end the run now (drain, close). */
    public void stop()
    {
        stopRequested = true;
    }

    /**
     * The shard's phase now.
     *
     * @return a {@code PHASE_*} constant.
     */
    public int phase()
    {
        return phase;
    }

    // ============================================================================================= duty cycle

    public int doWork(final long nowNs)
    {
        int work = 0;
        switch (phase)
        {
            case PHASE_ARP ->
            {
                if (resolver.resolved(nowNs))
                {
                    stats.set(LoadStats.ARP_RESOLVED, 1);
                    setPhase(PHASE_READY);
                }
                else if (stopRequested)
                {
                    setPhase(PHASE_DONE);
                }
            }
            case PHASE_READY ->
            {
                if (stopRequested)
                {
                    setPhase(PHASE_DONE);
                }
                else if (nowNs - startAtNs >= 0)
                {
                    begin(startAtNs);
                    work += run(nowNs);
                }
            }
            case PHASE_RUN ->
            {
                if (stopRequested || nowNs - endNs >= 0)
                {
                    stats.set(LoadStats.RUN_CPU_NS, THREADS.getCurrentThreadCpuTime() - runCpuStartNs);
                    setPhase(PHASE_DRAIN);
                    phaseDeadlineNs = nowNs + Math.min(DRAIN_NS, plan.readTimeoutNs);
                    stats.set(LoadStats.BACKLOG, 0);
                }
                else
                {
                    work += run(nowNs);
                }
            }
            case PHASE_DRAIN ->
            {
                if (busy == 0 || nowNs - phaseDeadlineNs >= 0 || plan.mode == LoadPlan.Mode.BULK ||
                    plan.mode == LoadPlan.Mode.CONNECT)
                {
                    closeEverything();
                    setPhase(PHASE_CLOSE);
                    phaseDeadlineNs = nowNs + CLOSE_NS;
                    work++;
                }
            }
            case PHASE_CLOSE ->
            {
                if (open == 0)
                {
                    setPhase(PHASE_DONE);
                }
                else if (nowNs - phaseDeadlineNs >= 0)
                {
                    work += abortEverything();
                    phaseDeadlineNs = nowNs + CLOSE_NS;
                }
            }
            default ->
            {
            }
        }
        if (phase >= PHASE_RUN && phase < PHASE_DONE && nowNs - lastScanNs >= SCAN_INTERVAL_NS)
        {
            lastScanNs = nowNs;
            work += scanTimeouts(nowNs);
        }
        stats.set(LoadStats.OPEN, open);
        return work;
    }

    private void setPhase(final int p)
    {
        phase = p;
        stats.set(LoadStats.PHASE, p);
    }

    private void begin(final long t0)
    {
        endNs = t0 + plan.warmupNs + plan.durationNs;
        if (plan.openLoop())
        {
            final double intervalNs = 1e9 / plan.rate;
            // shards interleave their schedules; the first request is due one interval in: no burst at start
            final long firstDueNs = t0 + (long)(intervalNs * (shardIndex + 1) / shardCount);
            schedule = new OpenLoopSchedule(firstDueNs, intervalNs, plan.catchUp, JITTER_NS, LATE_NS);
        }
        lastScanNs = t0;
        runCpuStartNs = THREADS.getCurrentThreadCpuTime();
        setPhase(PHASE_RUN);
    }

    private int run(final long nowNs)
    {
        int work = 0;
        final boolean keepOpen = plan.connections > 0;
        if (keepOpen && nowNs - noPortUntilNs >= 0)
        {
            for (int n = 0; open < plan.connections && n < OPEN_BURST; n++)
            {
                if (!openConnection(nowNs, nowNs, !plan.openLoop()))
                {
                    break;
                }
                work++;
            }
        }
        if (plan.openLoop())
        {
            work += issueDue(nowNs, keepOpen);
        }
        if (open > peakOpen)
        {
            peakOpen = open;
            stats.set(LoadStats.PEAK_OPEN, open);
        }
        return work;
    }

    private int issueDue(final long nowNs, final boolean keepOpen)
    {
        final OpenLoopSchedule schedule = this.schedule;
        int n = 0;
        boolean capped = false;
        while (n < ISSUE_BURST && schedule.mayIssue(nowNs))
        {
            final long dueNs = schedule.dueNs(schedule.issued());
            if (plan.mode == LoadPlan.Mode.CONNECT || plan.mode == LoadPlan.Mode.BULK)
            {
                if (open >= plan.maxOpen)
                {
                    capped = true;
                    break;
                }
                if (nowNs - noPortUntilNs < 0 || !openConnection(nowNs, dueNs, true))
                {
                    break;
                }
            }
            else if (idleCount > 0 && sendOnIdle(nowNs, dueNs))
            {
                // sent
            }
            else if (!keepOpen && open < plan.maxOpen)
            {
                if (nowNs - noPortUntilNs < 0 || !openConnection(nowNs, dueNs, true))
                {
                    break;
                }
            }
            else
            {
                capped = true;
                break;
            }
            final long late = nowNs - dueNs;
            stats.add(LoadStats.LATENESS_NS, late);
            if (late > LATE_NS)
            {
                stats.increment(LoadStats.LATE);
            }
            schedule.issue(nowNs);
            n++;
        }
        if (capped)
        {
            stats.increment(LoadStats.CAP_WAITS);
        }
        schedule.observe(nowNs);
        stats.set(LoadStats.BACKLOG, schedule.backlog(nowNs));
        stats.set(LoadStats.MAX_BACKLOG, schedule.maxBacklog());
        stats.set(LoadStats.BEHIND_NS, schedule.behindNs());
        return n;
    }

    private boolean sendOnIdle(final long nowNs, final long dueNs)
    {
        while (idleCount > 0)
        {
            final int slot = idle[--idleCount];
            final Conn c = conns[slot];
            c.inIdle = false;
            if (c.state == S_IDLE)
            {
                sendRequest(c, nowNs, dueNs);
                return true;
            }
        }
        return false;
    }

    // ========================================================================================== connections

    private boolean openConnection(final long nowNs, final long dueNs, final boolean withRequest)
    {
        final int[] srcIps = plan.srcIps;
        for (int tries = 0; tries < srcIps.length; tries++)
        {
            final int src = nextSrc;
            nextSrc = nextSrc + 1 == srcIps.length ? 0 : nextSrc + 1;
            final long id = endpoint.connect(nowNs, srcIps[src], plan.targetIp, plan.targetPort);
            if (id >= 0)
            {
                final Conn c = conn(id);
                c.id = id;
                c.state = S_CONNECTING;
                c.src = src;
                c.connectStartNs = nowNs;
                c.dueNs = dueNs;
                c.pending = withRequest;
                c.errored = false;
                c.requests = 0;
                c.bulkBytes = 0;
                open++;
                stats.increment(LoadStats.OPENED);
                return true;
            }
            if (id == TcpEndpoint.ERR_TOO_MANY_CONNECTIONS)
            {
                stats.increment(LoadStats.TABLE_FULL);
                noPortUntilNs = nowNs + NO_PORT_BACKOFF_NS;
                return false;
            }
            if (id != TcpEndpoint.ERR_NO_EPHEMERAL_PORT)
            {
                throw new IllegalStateException("connect to the target failed: error " + id);
            }
        }
        stats.increment(LoadStats.NO_PORT);
        noPortUntilNs = nowNs + NO_PORT_BACKOFF_NS;
        return false;
    }

    private Conn conn(final long id)
    {
        final int slot = (int)id;
        if (slot >= conns.length)
        {
            final int size = Math.max(slot + 1, conns.length * 2);
            final Conn[] grown = java.util.Arrays.copyOf(conns, size);
            for (int i = conns.length; i < size; i++)
            {
                grown[i] = new Conn();
            }
            conns = grown;
            idle = java.util.Arrays.copyOf(idle, size);
        }
        maxSlot = Math.max(maxSlot, slot);
        return conns[slot];
    }

    /** The connection of a callback's id, or null for one this shard does not know (never expected). */
    private Conn known(final long id)
    {
        final int slot = (int)id;
        if (slot < 0 || slot >= conns.length)
        {
            return null;
        }
        final Conn c = conns[slot];
        return c.id == id ? c : null;
    }

    private void makeIdle(final Conn c)
    {
        c.state = S_IDLE;
        if (!c.inIdle)
        {
            c.inIdle = true;
            idle[idleCount++] = (int)c.id;
        }
    }

    private void sendRequest(final Conn c, final long nowNs, final long dueNs)
    {
        c.state = S_BUSY;
        c.dueNs = dueNs;
        c.sentNs = nowNs;
        c.firstByte = false;
        busy++;
        final int written;
        final int length;
        if (plan.mode == LoadPlan.Mode.HTTP)
        {
            final boolean last = plan.requestsPerConnection > 0 && c.requests + 1 >= plan.requestsPerConnection;
            final UnsafeBuffer request = last ? httpRequestClose : httpRequest;
            length = request.capacity();
            c.http.reset();
            written = endpoint.write(c.id, request, 0, length);
        }
        else
        {
            length = echoRequest.capacity();
            c.echoSeq = nextEchoSeq++;
            c.echoReceived = 0;
            for (int i = 0; i < length; i++)
            {
                echoRequest.putByte(i, echoByte(c.echoSeq, i));
            }
            written = endpoint.write(c.id, echoRequest, 0, length);
        }
        stats.increment(LoadStats.REQUESTS);
        if (written > 0)
        {
            stats.add(LoadStats.BYTES_SENT, written);
        }
        if (written != length)
        {
            // an idle connection's send buffer holds a whole request (the command line checks --size): a refused
            // write means the connection is already going away; it ends as a reset
            fail(c, LoadStats.ERR_RESET);
        }
    }

    static byte echoByte(final long seq, final int i)
    {
        return (byte)(seq * 31 + i * 7);
    }

    private void pumpUpload(final Conn c)
    {
        while (c.state == S_BUSY)
        {
            final long left = plan.size > 0 ? plan.size - c.bulkBytes : BULK_CHUNK;
            if (left <= 0)
            {
                c.state = S_CLOSING;
                busy--;
                stats.increment(LoadStats.COMPLETED);
                endpoint.close(c.id);
                return;
            }
            final int want = (int)Math.min(left, BULK_CHUNK);
            final int offset = (int)(c.bulkBytes % 251);
            final int n = endpoint.write(c.id, bulkSource, offset, want);
            if (n <= 0)
            {
                return;
            }
            c.bulkBytes += n;
            stats.add(LoadStats.BYTES_SENT, n);
            if (n < want)
            {
                return;
            }
        }
    }

    /** Counts an error once, and resets the connection. */
    private void fail(final Conn c, final int error)
    {
        if (!c.errored)
        {
            c.errored = true;
            stats.increment(error);
        }
        endConnection(c, true);
    }

    /** Closes (FIN, or RST when {@code abort}) and stops tracking work on it; onClosed frees it. */
    private void endConnection(final Conn c, final boolean abort)
    {
        if (c.state == S_CLOSING || c.state == S_FREE)
        {
            return;
        }
        if (c.state == S_BUSY)
        {
            busy--;
        }
        c.state = S_CLOSING;
        if (abort)
        {
            endpoint.abort(c.id);
        }
        else
        {
            endpoint.close(c.id);
        }
    }

    private void completeRequest(final Conn c, final long nowNs, final boolean serverCloses)
    {
        stats.record(LoadStats.LATENCY, nowNs - c.dueNs);
        stats.increment(LoadStats.COMPLETED);
        c.requests++;
        busy--;
        final boolean lastRequest = plan.requestsPerConnection > 0 && c.requests >= plan.requestsPerConnection;
        if (lastRequest && plan.mode != LoadPlan.Mode.HTTP)
        {
            // an echo server does not close by itself
            c.state = S_IDLE;
            endConnection(c, plan.closeRst);
        }
        else if (serverCloses || lastRequest)
        {
            c.doneNs = nowNs;
            if (plan.closeRst)
            {
                c.state = S_IDLE; // not busy any more
                endConnection(c, true);
            }
            else
            {
                // the server closes first (we asked it to, or it said so): TIME-WAIT stays on its side
                c.state = S_AWAIT_CLOSE;
            }
        }
        else if (phase != PHASE_RUN)
        {
            c.state = S_IDLE;
            endConnection(c, plan.closeRst);
        }
        else if (!plan.openLoop())
        {
            sendRequest(c, nowNs, nowNs);
        }
        else
        {
            makeIdle(c);
        }
    }

    private void closeEverything()
    {
        for (int i = 0; i <= maxSlot; i++)
        {
            final Conn c = conns[i];
            switch (c.state)
            {
                case S_CONNECTING -> endConnection(c, true);
                case S_BUSY ->
                {
                    if (plan.mode == LoadPlan.Mode.BULK)
                    {
                        endConnection(c, plan.closeRst);
                    }
                    else
                    {
                        stats.increment(LoadStats.CUT_AT_END);
                        endConnection(c, true);
                    }
                }
                case S_IDLE, S_AWAIT_CLOSE -> endConnection(c, plan.closeRst);
                default ->
                {
                }
            }
        }
    }

    private int abortEverything()
    {
        int n = 0;
        for (int i = 0; i <= maxSlot; i++)
        {
            final Conn c = conns[i];
            if (c.state != S_FREE)
            {
                endpoint.abort(c.id);
                n++;
            }
        }
        return n;
    }

    private int scanTimeouts(final long nowNs)
    {
        int n = 0;
        for (int i = 0; i <= maxSlot; i++)
        {
            final Conn c = conns[i];
            switch (c.state)
            {
                case S_CONNECTING ->
                {
                    if (nowNs - c.connectStartNs > plan.connectTimeoutNs)
                    {
                        fail(c, LoadStats.ERR_CONNECT_TIMEOUT);
                        n++;
                    }
                }
                case S_BUSY ->
                {
                    if (plan.mode != LoadPlan.Mode.BULK && nowNs - c.sentNs > plan.readTimeoutNs)
                    {
                        fail(c, LoadStats.ERR_READ_TIMEOUT);
                        n++;
                    }
                }
                case S_AWAIT_CLOSE ->
                {
                    if (nowNs - c.doneNs > AWAIT_CLOSE_NS)
                    {
                        endConnection(c, plan.closeRst);
                        n++;
                    }
                }
                default ->
                {
                }
            }
        }
        return n;
    }

    // ============================================================================================= callbacks

    public void onConnected(final long id)
    {
        final Conn c = known(id);
        if (c == null)
        {
            return;
        }
        final long nowNs = clock.nanoTime();
        stats.increment(LoadStats.CONNECTED);
        stats.countSource(c.src);
        stats.record(LoadStats.CONNECT_TIME, nowNs - c.connectStartNs);
        switch (plan.mode)
        {
            case CONNECT ->
            {
                stats.record(LoadStats.LATENCY, nowNs - c.dueNs);
                stats.increment(LoadStats.COMPLETED);
                c.state = S_IDLE;
                endConnection(c, plan.closeRst);
            }
            case BULK ->
            {
                c.state = S_BUSY;
                busy++;
                if (!plan.bulkDownload)
                {
                    pumpUpload(c);
                }
            }
            default ->
            {
                if (phase != PHASE_RUN)
                {
                    c.state = S_IDLE;
                    endConnection(c, plan.closeRst);
                }
                else if (c.pending)
                {
                    c.pending = false;
                    sendRequest(c, nowNs, plan.openLoop() ? c.dueNs : nowNs);
                }
                else
                {
                    makeIdle(c);
                }
            }
        }
    }

    public int onData(final long id, final DirectBuffer buffer, final int offset, final int length)
    {
        final Conn c = known(id);
        if (c == null)
        {
            return length;
        }
        stats.add(LoadStats.BYTES_RECEIVED, length);
        if (c.state != S_BUSY)
        {
            if (c.state == S_IDLE || c.state == S_AWAIT_CLOSE)
            {
                // bytes nobody asked for
                fail(c, LoadStats.ERR_BAD_RESPONSE);
            }
            return length;
        }
        final long nowNs = clock.nanoTime();
        if (!c.firstByte)
        {
            c.firstByte = true;
            stats.record(LoadStats.FIRST_BYTE, nowNs - c.sentNs);
        }
        switch (plan.mode)
        {
            case HTTP ->
            {
                final int used = c.http.feed(buffer, offset, length);
                if (used == HttpResponseParser.ERROR || used >= 0 && used < length)
                {
                    fail(c, LoadStats.ERR_BAD_RESPONSE);
                }
                else if (used >= 0)
                {
                    httpComplete(c, nowNs);
                }
            }
            case ECHO ->
            {
                final int got = c.echoReceived;
                boolean ok = got + length <= plan.size;
                for (int i = 0; ok && i < length; i++)
                {
                    ok = buffer.getByte(offset + i) == echoByte(c.echoSeq, got + i);
                }
                if (!ok)
                {
                    fail(c, LoadStats.ERR_ECHO_MISMATCH);
                }
                else
                {
                    c.echoReceived = got + length;
                    if (c.echoReceived == plan.size)
                    {
                        completeRequest(c, nowNs, false);
                    }
                }
            }
            case BULK ->
            {
                c.bulkBytes += length;
                if (plan.bulkDownload && plan.size > 0 && c.bulkBytes >= plan.size)
                {
                    stats.increment(LoadStats.COMPLETED);
                    endConnection(c, plan.closeRst);
                }
            }
            default ->
            {
            }
        }
        return length;
    }

    private void httpComplete(final Conn c, final long nowNs)
    {
        final int status = c.http.status();
        if (status < 200 || status >= 400)
        {
            fail(c, LoadStats.ERR_BAD_RESPONSE);
        }
        else
        {
            completeRequest(c, nowNs, c.http.closes());
        }
    }

    public void onWritable(final long id)
    {
        final Conn c = known(id);
        if (c != null && plan.mode == LoadPlan.Mode.BULK && !plan.bulkDownload)
        {
            pumpUpload(c);
        }
    }

    public void onPeerClosed(final long id)
    {
        final Conn c = known(id);
        if (c == null)
        {
            return;
        }
        switch (c.state)
        {
            case S_BUSY ->
            {
                if (plan.mode == LoadPlan.Mode.HTTP && c.http.untilClose())
                {
                    // a body framed by the end of the connection
                    final long nowNs = clock.nanoTime();
                    httpComplete(c, nowNs);
                }
                else if (plan.mode == LoadPlan.Mode.BULK)
                {
                    stats.increment(LoadStats.COMPLETED);
                }
                else
                {
                    // closed in the middle of a response
                    fail(c, LoadStats.ERR_BAD_RESPONSE);
                    return;
                }
            }
            default ->
            {
            }
        }
        // the server has closed: our FIN completes the close, with no TIME-WAIT on this side
        endConnection(c, false);
    }

    public void onReset(final long id)
    {
        final Conn c = known(id);
        if (c == null || c.errored)
        {
            return;
        }
        if (c.state == S_CONNECTING)
        {
            c.errored = true;
            stats.increment(LoadStats.ERR_REFUSED);
        }
        else if (c.state == S_BUSY || c.state == S_IDLE && plan.mode != LoadPlan.Mode.CONNECT)
        {
            c.errored = true;
            stats.increment(LoadStats.ERR_RESET);
        }
    }

    public void onTimeout(final long id)
    {
        final Conn c = known(id);
        if (c == null || c.errored)
        {
            return;
        }
        c.errored = true;
        stats.increment(c.state == S_CONNECTING ? LoadStats.ERR_CONNECT_TIMEOUT : LoadStats.ERR_READ_TIMEOUT);
    }

    public void onClosed(final long id)
    {
        final Conn c = known(id);
        if (c == null)
        {
            return;
        }
        if (c.state == S_BUSY)
        {
            busy--;
        }
        c.state = S_FREE;
        c.id = -1;
        open--;
        stats.increment(LoadStats.CLOSED);
    }
}
