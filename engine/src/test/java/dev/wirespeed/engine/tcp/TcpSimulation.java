package dev.wirespeed.engine.tcp;

import dev.wirespeed.engine.wire.FrameParser;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

import static dev.wirespeed.engine.tcp.SeqNum.leq;
import static dev.wirespeed.engine.tcp.SeqNum.lt;

/**
 * One deterministic simulation run: two {@link TcpEndpoint}s (client 192.0.2.1, server 192.0.2.2) joined by the
 * tests' in-memory link in frame mode ({@link TestLink#frames}): every emitted segment becomes real
 * Ethernet/IPv4/TCP bytes ({@link TcpFrameCodec}, full checksums, within the larger side's MTU), is delayed (and so
 * reordered), dropped, duplicated and bit-flipped, and is parsed back with {@link FrameParser} on arrival. A
 * simulated clock drives the application's event queue, the endpoints' deadlines and the link's arrivals (ties at
 * one instant in the order they were scheduled or emitted). Everything (scenario, link, TCP configs) derives from
 * one seed.
 * <pre>
 *   client app ─► TcpEndpoint[0] ─emit─► TestLink: TcpFrameCodec ─► impair(delay, loss, dup, bit flip) ─► in flight
 *   in flight ─► FrameParser ─► TcpSegment (payload zero-copy over the frame) ─► TcpEndpoint[1].onSegment ─► app
 * </pre>
 * Checks: after every step the RFC 9293 state transitions, SND.UNA ≤ SND.NXT, SND.UNA and RCV.NXT monotonic; on
 * every emitted ACK the advertised right edge never moves left; every byte received is the byte sent at that
 * stream offset; at the end every stream is complete (or its receiver was told of a reset/timeout, or someone
 * aborted), and after the clock runs past 2MSL no TCB is left. A failure throws {@link Failure} with a trace.
 * <p>
 * Not thread safe: one instance per seed.
 * <p>
 * Behaviour numbers refer to the numbered list in docs/TCP-BEHAVIOUR.md.
 */
final class TcpSimulation
{
    static final int CLIENT_IP = 0xc0000201;
    static final int SERVER_IP = 0xc0000202;
    static final int LISTEN_PORT = 80;
    static final int CLIENT = 0;
    static final int SERVER = 1;
    static final long MS = 1_000_000L;
    static final long LIMIT_NS = 600_000 * MS;
    /** A quarter of the scenarios run on a small buffer budget; {@code -Dsim.budget=false} turns that off. */
    static final boolean SMALL_BUDGETS = Boolean.parseBoolean(System.getProperty("sim.budget", "true"));
    static final long TICK_NS = 1L << 20;
    static final boolean ANY_WINDOW_SCALE = Boolean.getBoolean("sim.anyWindowScale");

    // connection end modes
    static final int HALF_CLOSE = 0;       // both shutdownOutput after writing, close after EOF
    static final int ACTIVE_CLOSE = 1;     // closer = side closer: close() after writing and reading all
    static final int SIMULTANEOUS_CLOSE = 2; // both close() at the same instant once everything is delivered
    static final int ABORT = 3;            // side closer aborts at a random time; otherwise like HALF_CLOSE
    static final String[] MODE_NAMES = { "half-close", "active-close", "simultaneous-close", "abort" };

    /** A simulation failure; the message holds the seed, the replay command and the trace. */
    static final class Failure extends RuntimeException
    {
        final long seed;

        Failure(final long seed, final String message)
        {
            super(message, null, false, false);
            this.seed = seed;
        }
    }

    /** Totals over seeds, for the summary line. */
    static final class Stats
    {
        long frames;
        long lost;
        long duplicated;
        long corrupted;
        long corruptDropped;
        long corruptUncovered;
        long bytesDelivered;
        long connections;
        long resets;
        long timeouts;
        long lateResets;
        long simultaneousOpens;
        long events;
        long simulatedNs;

        void add(final Stats o)
        {
            frames += o.frames;
            lost += o.lost;
            duplicated += o.duplicated;
            corrupted += o.corrupted;
            corruptDropped += o.corruptDropped;
            corruptUncovered += o.corruptUncovered;
            bytesDelivered += o.bytesDelivered;
            connections += o.connections;
            resets += o.resets;
            timeouts += o.timeouts;
            lateResets += o.lateResets;
            simultaneousOpens += o.simultaneousOpens;
            events += o.events;
            simulatedNs += o.simulatedNs;
        }

        public String toString()
        {
            return "frames=" + frames + " lost=" + lost + " dup=" + duplicated + " corrupted=" + corrupted +
                " (dropped by parser " + corruptDropped + ", in uncovered Ethernet bytes " + corruptUncovered +
                ") bytesDelivered=" + bytesDelivered + " connections=" + connections + " simOpens=" +
                simultaneousOpens + " resets=" + resets + " timeouts=" + timeouts + " lateResets=" + lateResets +
                " events=" + events + " simulated=" + simulatedNs / 1_000_000_000L + "s";
        }
    }

    // ------------------------------------------------------------------------------------------- scenario model

    /** One scenario connection, both sides' application state. Index 0 = client side, 1 = server side. */
    final class Conn
    {
        final int index;
        final boolean simultaneousOpen;
        final int mode;
        final int closer;
        final long startNs;
        final long abortAtNs;
        int clientPort;
        int serverPort;
        final long[] total = new long[2];       // bytes side s sends
        final long[] sent = new long[2];
        final long[] received = new long[2];   // bytes side s consumed from the peer
        final long[] id = { -1, -1 };
        final boolean[] opened = new boolean[2];
        final boolean[] eof = new boolean[2];
        final boolean[] reset = new boolean[2];
        final boolean[] timedOut = new boolean[2];
        final boolean[] closedEvent = new boolean[2];
        final boolean[] aborted = new boolean[2];
        final boolean[] shutOut = new boolean[2];
        final boolean[] closeCalled = new boolean[2];
        final boolean[] writePending = new boolean[2];
        final boolean[] resumePending = new boolean[2];
        final int[] maxChunk = new int[2];
        final int[] readBudget = new int[2];
        final boolean[] slowReader = new boolean[2];
        final long[] trackedId = { -1, -1 };
        boolean simultaneousCloseScheduled;

        Conn(final int index, final SplitMix64 r)
        {
            this.index = index;
            simultaneousOpen = r.chance(0.15);
            mode = r.nextInt(4);
            closer = r.nextInt(2);
            startNs = r.chance(0.3) ? 0 : r.range(0, 1000) * MS;
            abortAtNs = startNs + (r.chance(0.5) ? r.range(0, 50) * MS : r.range(0, 3000) * MS);
            for (int s = 0; s < 2; s++)
            {
                total[s] = size(r);
                maxChunk[s] = r.chance(0.3) ? (int)r.range(1, 100) : (int)r.range(1, 65536);
                slowReader[s] = r.chance(0.2);
            }
        }

        long streamKey(final int fromSide)
        {
            return SplitMix64.mix(seed * 31 + index * 2L + fromSide);
        }

        int localPort(final int side)
        {
            return side == CLIENT ? clientPort : serverPort;
        }

        int remotePort(final int side)
        {
            return side == CLIENT ? serverPort : clientPort;
        }

        public String toString()
        {
            return "conn " + index + " (" + (simultaneousOpen ? "simultaneous open" : "connect") + ", " +
                MODE_NAMES[mode] + (mode == ACTIVE_CLOSE || mode == ABORT ? " by " + SIDE[closer] : "") +
                ", ports " + clientPort + "->" + serverPort + ", client sends " + total[0] + " B, server sends " +
                total[1] + " B, received c=" + received[0] + " s=" + received[1] + ", eof c=" + eof[0] + " s=" +
                eof[1] + ", reset c=" + reset[0] + " s=" + reset[1] + ", timeout c=" + timedOut[0] + " s=" +
                timedOut[1] + ", closed c=" + closedEvent[0] + " s=" + closedEvent[1] + ")";
        }
    }

    /** Byte {@code pos} of the stream named {@code key}: the sent data is never stored, only regenerated. */
    static byte patternByte(final long key, final long pos)
    {
        return (byte)(SplitMix64.mix(key + (pos >>> 3) * SplitMix64.GOLDEN_GAMMA) >>> ((pos & 7) << 3));
    }

    static long size(final SplitMix64 r)
    {
        switch (r.nextInt(6))
        {
            case 0:
                return 0;
            case 1:
                return r.range(0, 100);
            case 2:
                return r.range(0, 4096);
            case 3:
                return r.range(0, 65536);
            default:
                return r.range(0, 262144);
        }
    }

    static final String[] SIDE = { "client", "server" };

    // ------------------------------------------------------------------------------------------- state

    final long seed;
    final String replay;
    /**
     * Both ends run {@link Bbr} instead of NewReno (behaviour 68); the draws stay the same. The BBR run found seed
     * 264's stall on a small buffer budget (four connections whose receiver advertised a zero window for good with
     * nothing unread, while two of them held 24 KB of out-of-order data of the client's 39 KiB budget in 1 KiB
     * chunks), fixed by the pool's in-order reserve (behaviour 67).
     */
    final boolean bbr;
    final Stats stats = new Stats();
    private final SplitMix64 scenarioRandom;
    private final SplitMix64 appRandom;
    final double loss;
    final double duplicate;
    final double corrupt;
    final long delayMinNs;
    final long delayMaxNs;
    final TcpConfig[] configs = new TcpConfig[2];
    final TcpEndpoint[] endpoints = new TcpEndpoint[2];
    final TestLink link;
    private final UnsafeBuffer scratch = new UnsafeBuffer(new byte[65536]);
    final List<Conn> conns = new ArrayList<>();
    private final Map<Integer, Conn> byClientPort = new HashMap<>();
    @SuppressWarnings("unchecked")
    private final Map<Long, Track>[] tracks = new Map[] { new HashMap<Long, Track>(), new HashMap<Long, Track>() };
    /** The application's events; the frames in flight are the link's. */
    private final PriorityQueue<Event> queue = new PriorityQueue<>((a, b) ->
        a.timeNs != b.timeNs ? Long.compare(a.timeNs, b.timeNs) : Long.compare(a.order, b.order));
    private long nowNs;
    private final long[] pollFloorNs = new long[2];
    private final Trace trace = new Trace(Integer.getInteger("sim.traceSize", 64));

    /** Per TCB instance (connection id): the last values seen, for the monotonicity checks. */
    static final class Track
    {
        TcpState state;
        int sndUna;
        int rcvNxt;
        int rightEdge;
        boolean edgeSeen;
    }

    static final int EV_OPEN = 1;
    static final int EV_WRITE = 2;
    static final int EV_ADVANCE = 3;
    static final int EV_RESUME = 4;
    static final int EV_ABORT = 5;
    static final int EV_SIMULTANEOUS_CLOSE = 6;

    static final class Event
    {
        long timeNs;
        long order;
        int kind;
        int side;
        Conn conn;
    }

    TcpSimulation(final long seed, final boolean bbr, final String replay)
    {
        this.seed = seed;
        this.replay = replay;
        this.bbr = bbr;
        final SplitMix64 root = new SplitMix64(seed);
        scenarioRandom = new SplitMix64(root.nextLong());
        final long linkSeed = root.nextLong();
        appRandom = new SplitMix64(root.nextLong());
        final SplitMix64 r = scenarioRandom;
        final boolean clean = r.chance(0.1);
        loss = clean ? 0 : r.nextDouble() * 0.10;
        duplicate = clean ? 0 : r.nextDouble() * 0.05;
        corrupt = clean ? 0 : r.nextDouble() * 0.02;
        delayMinNs = r.range(100_000, 5_000_000);
        delayMaxNs = delayMinNs + (r.chance(0.2) ? 0 : r.range(0, 15_000_000));
        int mtu = 0;
        for (int s = 0; s < 2; s++)
        {
            final TcpConfig c = new TcpConfig();
            c.seed = root.nextLong();
            c.mslNs = 1_000 * MS;
            c.keepAlive = true;
            c.keepAliveIdleNs = 10_000 * MS;
            c.keepAliveIntervalNs = 1_000 * MS;
            c.keepAliveProbes = 5;
            c.mtu = r.chance(0.2) ? 576 : r.chance(0.1) ? 9000 : 1500;
            c.sendBufferSize = 1 << r.range(12, 16);
            final int rcvLog = (int)r.range(12, 16);
            c.receiveBufferSize = 1 << rcvLog;
            c.windowScaleEnabled = r.chance(0.8);
            // TcpConnection reserves 1 << windowScale bytes of the receive ring: a shift near log2(buffer) leaves
            // a zero window for ever (finding 1 of the report); -Dsim.anyWindowScale=true draws it unconstrained
            c.windowScale = (int)r.range(0, ANY_WINDOW_SCALE ? 14 : rcvLog - 2);
            c.timestampsEnabled = r.chance(0.8);
            c.sackEnabled = r.chance(0.8);
            c.noDelay = r.chance(0.3);
            // a quarter of the scenarios run on a small buffer budget (drawn from its own stream, so the other draws
            // stay as they were): windows shrink, writes are accepted partly, bytes without a chunk drop. It found
            // three deadlocks (ACKs from beyond a shrunk window edge dropped, SND.NXT rewound below bytes the peer
            // holds, both ends' budgets filled by unacknowledged writes); -Dsim.budget=false leaves it out
            final SplitMix64 budget = new SplitMix64(c.seed ^ 0xb0d6e7L);
            if (SMALL_BUDGETS && budget.chance(0.25))
            {
                c.bufferChunkSize = 1 << budget.range(10, 13);
                c.bufferBudgetBytes = (long)c.bufferChunkSize * budget.range(32, 96);
            }
            if (bbr)
            {
                c.congestionControl = Bbr::new;
            }
            mtu = Math.max(mtu, c.mtu);
            configs[s] = c;
        }
        for (int s = 0; s < 2; s++)
        {
            endpoints[s] = new TcpEndpoint(configs[s], new App(s), 0);
        }
        // every copy takes delayMin..delayMax, duplicates included; frames no bigger than the larger MTU
        link = new TestLink().side(CLIENT, endpoints[CLIENT]).side(SERVER, endpoints[SERVER]).frames(mtu)
            .seed(linkSeed).loss(loss).duplicates(duplicate, 0).delay(delayMinNs, delayMaxNs - delayMinNs)
            .corrupt(corrupt).tap(this::onLinkEvent);
        endpoints[SERVER].listen(SERVER_IP, LISTEN_PORT, 16);
        final int n = (int)r.range(1, 8);
        for (int i = 0; i < n; i++)
        {
            final Conn c = new Conn(i, r);
            conns.add(c);
            schedule(c.startNs, EV_OPEN, 0, c);
            if (c.mode == ABORT)
            {
                schedule(c.abortAtNs, EV_ABORT, c.closer, c);
            }
        }
        stats.connections = n;
    }

    String describe()
    {
        return String.format("loss=%.3f dup=%.3f corrupt=%.3f delay=%.1f..%.1fms conns=%d mtu=%d/%d " +
            "buf snd=%d/%d rcv=%d/%d budget=%d/%d chunk=%d/%d ws=%s/%s ts=%s/%s sack=%s/%s", loss, duplicate, corrupt, delayMinNs / 1e6,
            delayMaxNs / 1e6, conns.size(), configs[0].mtu, configs[1].mtu, configs[0].sendBufferSize,
            configs[1].sendBufferSize, configs[0].receiveBufferSize, configs[1].receiveBufferSize,
            configs[0].bufferBudgetBytes, configs[1].bufferBudgetBytes, configs[0].bufferChunkSize,
            configs[1].bufferChunkSize,
            configs[0].windowScaleEnabled ? configs[0].windowScale : "off",
            configs[1].windowScaleEnabled ? configs[1].windowScale : "off",
            configs[0].timestampsEnabled, configs[1].timestampsEnabled, configs[0].sackEnabled,
            configs[1].sackEnabled);
    }

    private Event schedule(final long timeNs, final int kind, final int side, final Conn conn)
    {
        final Event e = new Event();
        e.timeNs = timeNs;
        e.order = link.nextOrder();
        e.kind = kind;
        e.side = side;
        e.conn = conn;
        queue.add(e);
        return e;
    }

    // ------------------------------------------------------------------------------------------- main loop

    void run()
    {
        try
        {
            loop();
        }
        catch (final AssertionError e)
        {
            // the link's own checks: an intact frame rejected, a bit flip past the checksums, a frame over the MTU
            fail(e.getMessage());
        }
        finally
        {
            stats.frames = link.emitted();
            stats.lost = link.dropped();
            stats.duplicated = link.duplicated();
            stats.corrupted = link.corrupted();
            stats.corruptDropped = link.corruptCaught();
            stats.corruptUncovered = link.corruptUncovered();
        }
        stats.simulatedNs = nowNs;
        finalChecks();
    }

    private void loop()
    {
        while (true)
        {
            final Event head = queue.peek();
            final long app = head == null ? Long.MAX_VALUE : head.timeNs;
            final long arrival = link.nextArrivalNs();
            final long q = Math.min(app, arrival);
            final long d0 = deadline(CLIENT);
            final long d1 = deadline(SERVER);
            final long t = Math.min(q, Math.min(d0, d1));
            if (t == Long.MAX_VALUE)
            {
                break;
            }
            if (t > LIMIT_NS)
            {
                fail("no quiescence after " + LIMIT_NS / 1_000_000_000L + " s simulated" + stallDiagnosis() +
                    connectionStates());
            }
            nowNs = Math.max(nowNs, t);
            link.advanceTo(nowNs);
            stats.events++;
            if (d0 <= q && d0 <= d1)
            {
                timer(CLIENT);
            }
            else if (d1 <= q)
            {
                timer(SERVER);
            }
            else if (arrival < app || (arrival == app && link.nextArrivalOrder() < head.order))
            {
                link.deliverNext();
                step();
            }
            else
            {
                handle(queue.poll());
            }
        }
    }

    private long deadline(final int side)
    {
        final long d = endpoints[side].nextDeadlineNs();
        return d == Long.MAX_VALUE ? d : Math.max(d, pollFloorNs[side]);
    }

    private void timer(final int side)
    {
        trace.add(nowNs, Trace.TIMER, side, 0, 0, 0, 0, 0);
        endpoints[side].poll(nowNs);
        step();
        if (endpoints[side].nextDeadlineNs() <= nowNs)
        {
            // the timer wheel fires on tick boundaries (~1.05 ms): come back one tick later
            pollFloorNs[side] = nowNs + TICK_NS;
        }
    }

    /** After any input: check, emit, check again. */
    private void step()
    {
        checkInvariants();
        endpoints[CLIENT].dispatch(nowNs, link.emitter(CLIENT));
        endpoints[SERVER].dispatch(nowNs, link.emitter(SERVER));
        checkInvariants();
    }

    private void handle(final Event e)
    {
        switch (e.kind)
        {
            case EV_OPEN:
                open(e.conn);
                break;
            case EV_WRITE:
                e.conn.writePending[e.side] = false;
                write(e.conn, e.side);
                break;
            case EV_ADVANCE:
                advance(e.conn, e.side);
                break;
            case EV_RESUME:
                resume(e.conn, e.side);
                break;
            case EV_ABORT:
                abort(e.conn, e.side);
                break;
            case EV_SIMULTANEOUS_CLOSE:
                simultaneousClose(e.conn);
                break;
            default:
                throw new IllegalStateException();
        }
        step();
    }

    // ------------------------------------------------------------------------------------------- the wire

    /** What the link reports goes into the trace; every emitted segment is checked on the wire (behaviour 17). */
    private void onLinkEvent(final int event, final int side, final TcpSegment s, final int a, final int b)
    {
        switch (event)
        {
            case TestLink.EMITTED:
                trace.add(nowNs, Trace.EMIT, side, s.flags, s.seq, s.ack, s.window, s.payloadLength,
                    s.localPort, s.remotePort);
                checkRightEdge(side, s);
                break;
            case TestLink.LOST:
                trace.add(nowNs, Trace.LOST, side, s.flags, s.seq, s.ack, 0, s.payloadLength);
                break;
            case TestLink.DUPLICATED:
                trace.add(nowNs, Trace.DUPLICATED, side, s.flags, s.seq, s.ack, 0, s.payloadLength);
                break;
            case TestLink.CORRUPTED:
                trace.add(nowNs, Trace.CORRUPTED, side, s.flags, s.seq, s.ack, a, s.payloadLength);
                break;
            case TestLink.REJECTED:
                trace.add(nowNs, Trace.PARSE_DROP, side, a, b, 0, 0, 0);
                break;
            case TestLink.DELIVERED:
                trace.add(nowNs, Trace.DELIVER, side, s.flags, s.seq, s.ack, s.window, s.payloadLength,
                    s.remotePort, s.localPort);
                break;
            default:
                throw new IllegalStateException();
        }
    }

    // ------------------------------------------------------------------------------------------- application

    private void open(final Conn c)
    {
        if (c.simultaneousOpen)
        {
            stats.simultaneousOpens++;
            c.clientPort = 20000 + c.index;
            c.serverPort = 30000 + c.index;
            byClientPort.put(c.clientPort, c);
            // both sides connect at the same instant, fixed ports, no listener: SYNs cross (behaviour 8)
            final long a = endpoints[CLIENT].connect(nowNs, CLIENT_IP, c.clientPort, SERVER_IP, c.serverPort);
            final long b = endpoints[SERVER].connect(nowNs, SERVER_IP, c.serverPort, CLIENT_IP, c.clientPort);
            if (a < 0 || b < 0)
            {
                fail("simultaneous open: connect returned " + a + "/" + b + " for " + c);
            }
            c.id[CLIENT] = a;
            c.id[SERVER] = b;
        }
        else
        {
            final long a = endpoints[CLIENT].connect(nowNs, CLIENT_IP, SERVER_IP, LISTEN_PORT);
            if (a < 0)
            {
                fail("connect returned " + a + " for " + c);
            }
            c.id[CLIENT] = a;
            c.clientPort = endpoints[CLIENT].connection(a).localPort();
            c.serverPort = LISTEN_PORT;
            byClientPort.put(c.clientPort, c);
        }
        trace.add(nowNs, Trace.APP, CLIENT, Trace.A_CONNECT, c.index, c.clientPort, c.serverPort, 0);
    }

    private void write(final Conn c, final int side)
    {
        if (!c.opened[side] || c.sent[side] == c.total[side] || c.id[side] < 0 || c.aborted[side])
        {
            return;
        }
        final int chunk = (int)Math.min(c.total[side] - c.sent[side], appRandom.range(1, c.maxChunk[side]));
        final long key = c.streamKey(side);
        final long base = c.sent[side];
        for (int i = 0; i < chunk; i++)
        {
            scratch.putByte(i, patternByte(key, base + i));
        }
        final int n = endpoints[side].write(c.id[side], scratch, 0, chunk);
        trace.add(nowNs, Trace.APP, side, Trace.A_WRITE, c.index, chunk, n, 0);
        if (n < 0)
        {
            if (c.reset[side] || c.timedOut[side] || c.closedEvent[side])
            {
                return;
            }
            fail(SIDE[side] + " write returned " + n + " on a live connection: " + c);
        }
        c.sent[side] += n;
        if (c.sent[side] == c.total[side])
        {
            advance(c, side);
        }
        else if (n == chunk)
        {
            // more to write after some think time; a partial write waits for onWritable
            scheduleWrite(c, side, appRandom.chance(0.5) ? 0 : appRandom.range(0, 5) * MS);
        }
    }

    private void scheduleWrite(final Conn c, final int side, final long delayNs)
    {
        if (!c.writePending[side])
        {
            c.writePending[side] = true;
            schedule(nowNs + delayNs, EV_WRITE, side, c);
        }
    }

    private boolean readAll(final Conn c, final int side)
    {
        return c.eof[side] && c.received[side] == c.total[1 - side];
    }

    /** The application's next orderly step, by mode. */
    private void advance(final Conn c, final int side)
    {
        if (!c.opened[side] || c.closedEvent[side] || c.aborted[side] || c.closeCalled[side])
        {
            return;
        }
        final boolean written = c.sent[side] == c.total[side];
        final long id = c.id[side];
        switch (c.mode)
        {
            case HALF_CLOSE:
            case ABORT:
                if (written && !c.shutOut[side])
                {
                    c.shutOut[side] = true;
                    trace.add(nowNs, Trace.APP, side, Trace.A_SHUTDOWN, c.index, 0, 0, 0);
                    endpoints[side].shutdownOutput(id);
                }
                if (c.shutOut[side] && readAll(c, side))
                {
                    close(c, side);
                }
                break;
            case ACTIVE_CLOSE:
                if (side == c.closer ? written && c.received[side] == c.total[1 - side] :
                    written && readAll(c, side))
                {
                    close(c, side);
                }
                break;
            case SIMULTANEOUS_CLOSE:
                if (!c.simultaneousCloseScheduled && c.opened[0] && c.opened[1] &&
                    c.sent[0] == c.total[0] && c.sent[1] == c.total[1] &&
                    c.received[0] == c.total[1] && c.received[1] == c.total[0])
                {
                    c.simultaneousCloseScheduled = true;
                    schedule(nowNs + appRandom.range(0, 30) * MS, EV_SIMULTANEOUS_CLOSE, 0, c);
                }
                break;
            default:
                throw new IllegalStateException();
        }
    }

    private void close(final Conn c, final int side)
    {
        c.closeCalled[side] = true;
        trace.add(nowNs, Trace.APP, side, Trace.A_CLOSE, c.index, 0, 0, 0);
        endpoints[side].close(c.id[side]);
    }

    private void simultaneousClose(final Conn c)
    {
        // both sides close in the same instant: their FINs cross (behaviour 36)
        for (int s = 0; s < 2; s++)
        {
            if (!c.closedEvent[s] && !c.closeCalled[s])
            {
                close(c, s);
            }
        }
    }

    private void abort(final Conn c, final int side)
    {
        if (c.id[side] < 0 || c.closedEvent[side] || c.aborted[side])
        {
            return;
        }
        c.aborted[side] = true;
        trace.add(nowNs, Trace.APP, side, Trace.A_ABORT, c.index, 0, 0, 0);
        endpoints[side].abort(c.id[side]);
    }

    private void resume(final Conn c, final int side)
    {
        c.resumePending[side] = false;
        if (c.closedEvent[side] || c.id[side] < 0)
        {
            return;
        }
        c.readBudget[side] = (int)appRandom.range(1, 32768);
        trace.add(nowNs, Trace.APP, side, Trace.A_RESUME, c.index, c.readBudget[side], 0, 0);
        endpoints[side].resumeReading(c.id[side]);
        advance(c, side);
    }

    /** The application on one side. Callbacks only record and schedule; actions run as their own events. */
    final class App implements TcpHandler
    {
        final int side;

        App(final int side)
        {
            this.side = side;
        }

        private Conn conn(final long id)
        {
            for (int i = 0; i < conns.size(); i++)
            {
                final Conn c = conns.get(i);
                if (c.id[side] == id)
                {
                    return c;
                }
            }
            return null;
        }

        public void onConnected(final long id)
        {
            final Conn c = conn(id);
            if (c == null)
            {
                fail(SIDE[side] + " onConnected for an unknown id " + id);
            }
            opened(c);
        }

        public void onAccepted(final int listenerPort, final long id)
        {
            final TcpConnection tc = endpoints[side].connection(id);
            final Conn c = tc == null ? null : byClientPort.get(tc.remotePort());
            if (c == null || c.simultaneousOpen || c.id[side] >= 0)
            {
                fail(SIDE[side] + " accepted an unexpected connection " + tc + " on port " + listenerPort);
            }
            c.id[side] = id;
            opened(c);
        }

        private void opened(final Conn c)
        {
            if (c.opened[side])
            {
                fail(SIDE[side] + " connection opened twice: " + c);
            }
            c.opened[side] = true;
            c.readBudget[side] = (int)appRandom.range(1, 32768);
            trace.add(nowNs, Trace.APP, side, Trace.A_OPENED, c.index, 0, 0, 0);
            scheduleWrite(c, side, 0);
            schedule(nowNs, EV_ADVANCE, side, c);
        }

        public int onData(final long id, final DirectBuffer buffer, final int offset, final int length)
        {
            final Conn c = conn(id);
            if (c == null)
            {
                fail(SIDE[side] + " onData for an unknown id " + id);
            }
            int n = length;
            if (c.slowReader[side])
            {
                n = Math.min(length, c.readBudget[side]);
                c.readBudget[side] -= n;
                if (n < length && !c.resumePending[side])
                {
                    c.resumePending[side] = true;
                    schedule(nowNs + appRandom.range(1, 300) * MS, EV_RESUME, side, c);
                }
            }
            final long key = c.streamKey(1 - side);
            final long base = c.received[side];
            if (base + n > c.total[1 - side])
            {
                fail(SIDE[side] + " received " + (base + n) + " bytes, more than the " + c.total[1 - side] +
                    " sent: " + c);
            }
            for (int i = 0; i < n; i++)
            {
                if (buffer.getByte(offset + i) != patternByte(key, base + i))
                {
                    fail(SIDE[side] + " stream byte " + (base + i) + " differs from the byte sent: " + c);
                }
            }
            c.received[side] += n;
            stats.bytesDelivered += n;
            trace.add(nowNs, Trace.APP, side, Trace.A_DATA, c.index, length, n, 0);
            if (c.received[side] == c.total[1 - side])
            {
                schedule(nowNs, EV_ADVANCE, side, c);
            }
            return n;
        }

        public void onWritable(final long id)
        {
            final Conn c = conn(id);
            if (c != null)
            {
                scheduleWrite(c, side, 0);
            }
        }

        public void onPeerClosed(final long id)
        {
            final Conn c = conn(id);
            if (c == null)
            {
                fail(SIDE[side] + " onPeerClosed for an unknown id " + id);
            }
            if (c.eof[side])
            {
                fail(SIDE[side] + " onPeerClosed twice: " + c);
            }
            c.eof[side] = true;
            trace.add(nowNs, Trace.APP, side, Trace.A_EOF, c.index, 0, 0, 0);
            schedule(nowNs, EV_ADVANCE, side, c);
        }

        public void onReset(final long id)
        {
            final Conn c = conn(id);
            if (c == null)
            {
                fail(SIDE[side] + " onReset for an unknown id " + id);
            }
            c.reset[side] = true;
            stats.resets++;
            trace.add(nowNs, Trace.APP, side, Trace.A_RESET, c.index, 0, 0, 0);
        }

        public void onTimeout(final long id)
        {
            final Conn c = conn(id);
            if (c == null)
            {
                fail(SIDE[side] + " onTimeout for an unknown id " + id);
            }
            c.timedOut[side] = true;
            stats.timeouts++;
            trace.add(nowNs, Trace.APP, side, Trace.A_TIMEOUT, c.index, 0, 0, 0);
        }

        public void onClosed(final long id)
        {
            final Conn c = conn(id);
            if (c == null)
            {
                fail(SIDE[side] + " onClosed for an unknown id " + id);
            }
            if (c.closedEvent[side])
            {
                fail(SIDE[side] + " onClosed twice: " + c);
            }
            c.closedEvent[side] = true;
            trace.add(nowNs, Trace.APP, side, Trace.A_CLOSED, c.index, 0, 0, 0);
        }
    }

    // ------------------------------------------------------------------------------------------- checks

    /** RFC 9293 §3.3.2 figure 5 edges, plus composites one segment can take (noted below). */
    static final Map<TcpState, EnumSet<TcpState>> ALLOWED = new HashMap<>();

    static
    {
        ALLOWED.put(TcpState.SYN_SENT, EnumSet.of(TcpState.SYN_RECEIVED, TcpState.ESTABLISHED, TcpState.CLOSED));
        // SYN-RECEIVED → CLOSE-WAIT: an ACK+FIN segment, processed ACK first then FIN (§3.10.7.4)
        ALLOWED.put(TcpState.SYN_RECEIVED, EnumSet.of(TcpState.ESTABLISHED, TcpState.FIN_WAIT_1,
            TcpState.CLOSE_WAIT, TcpState.CLOSED));
        ALLOWED.put(TcpState.ESTABLISHED, EnumSet.of(TcpState.FIN_WAIT_1, TcpState.CLOSE_WAIT, TcpState.CLOSED));
        ALLOWED.put(TcpState.FIN_WAIT_1, EnumSet.of(TcpState.FIN_WAIT_2, TcpState.CLOSING, TcpState.TIME_WAIT,
            TcpState.CLOSED));
        ALLOWED.put(TcpState.FIN_WAIT_2, EnumSet.of(TcpState.TIME_WAIT, TcpState.CLOSED));
        ALLOWED.put(TcpState.CLOSE_WAIT, EnumSet.of(TcpState.LAST_ACK, TcpState.CLOSED));
        ALLOWED.put(TcpState.CLOSING, EnumSet.of(TcpState.TIME_WAIT, TcpState.CLOSED));
        ALLOWED.put(TcpState.LAST_ACK, EnumSet.of(TcpState.CLOSED));
        ALLOWED.put(TcpState.TIME_WAIT, EnumSet.of(TcpState.CLOSED));
        ALLOWED.put(TcpState.CLOSED, EnumSet.noneOf(TcpState.class));
        ALLOWED.put(TcpState.LISTEN, EnumSet.noneOf(TcpState.class));
    }

    /** A SYN cookie's ACK may carry the peer's FIN too: that connection appears in CLOSE-WAIT. */
    static final EnumSet<TcpState> INITIAL = EnumSet.of(TcpState.SYN_SENT, TcpState.SYN_RECEIVED,
        TcpState.ESTABLISHED, TcpState.CLOSE_WAIT);

    private void checkInvariants()
    {
        for (int i = 0; i < conns.size(); i++)
        {
            final Conn c = conns.get(i);
            if (c.clientPort == 0)
            {
                continue;
            }
            for (int side = 0; side < 2; side++)
            {
                final TcpConnection tc = endpoints[side].find(side == CLIENT ? CLIENT_IP : SERVER_IP,
                    c.localPort(side), side == CLIENT ? SERVER_IP : CLIENT_IP, c.remotePort(side));
                final long old = c.trackedId[side];
                if (tc == null || tc.id() != old)
                {
                    if (old >= 0)
                    {
                        final Track t = tracks[side].remove(old);
                        transition(c, side, t, TcpState.CLOSED);
                        c.trackedId[side] = -1;
                    }
                    if (tc == null)
                    {
                        continue;
                    }
                    final TcpState s = tc.state();
                    if (!INITIAL.contains(s))
                    {
                        fail(SIDE[side] + " TCB appeared in state " + s + ": " + tc);
                    }
                    final Track t = new Track();
                    t.state = s;
                    t.sndUna = tc.sndUna();
                    t.rcvNxt = tc.rcvNxt();
                    tracks[side].put(tc.id(), t);
                    c.trackedId[side] = tc.id();
                    trace.add(nowNs, Trace.STATE, side, c.index, TcpState.CLOSED.ordinal(), s.ordinal(), 0, 0);
                    continue;
                }
                final Track t = tracks[side].get(old);
                final TcpState s = tc.state();
                final TcpState before = t.state;
                if (s != t.state)
                {
                    transition(c, side, t, s);
                }
                final int una = tc.sndUna();
                final int nxt = tc.sndNxt();
                if (!leq(una, nxt))
                {
                    fail(SIDE[side] + " SND.UNA " + Integer.toUnsignedString(una) + " > SND.NXT " +
                        Integer.toUnsignedString(nxt) + ": " + tc);
                }
                if (lt(una, t.sndUna))
                {
                    fail(SIDE[side] + " SND.UNA moved back from " + Integer.toUnsignedString(t.sndUna) + ": " + tc);
                }
                t.sndUna = una;
                final int rn = tc.rcvNxt();
                if (before != TcpState.SYN_SENT && lt(rn, t.rcvNxt))
                {
                    fail(SIDE[side] + " RCV.NXT moved back from " + Integer.toUnsignedString(t.rcvNxt) + ": " + tc);
                }
                t.rcvNxt = rn;
                t.state = s;
            }
        }
        for (int side = 0; side < 2; side++)
        {
            long gauged = 0;
            for (final TcpState s : TcpState.values())
            {
                final long n = endpoints[side].counters().connections(s);
                if (n < 0)
                {
                    fail(SIDE[side] + " per-state gauge " + s + " is negative: " + n);
                }
                gauged += n;
            }
            if (gauged != endpoints[side].connectionCount())
            {
                fail(SIDE[side] + " per-state gauges add up to " + gauged + ", the table holds " +
                    endpoints[side].connectionCount());
            }
        }
    }

    private void transition(final Conn c, final int side, final Track t, final TcpState to)
    {
        trace.add(nowNs, Trace.STATE, side, c.index, t.state.ordinal(), to.ordinal(), 0, 0);
        if (t.state != to && !ALLOWED.get(t.state).contains(to))
        {
            fail(SIDE[side] + " illegal transition " + t.state + " -> " + to + " on " + c);
        }
        t.state = to;
    }

    /** Behaviour 17, from the wire: ACK + (window << our shift) never decreases for one TCB. */
    /** Budget shrinks counted so far per side: only a segment whose window a budget shrank may move the edge left. */
    private final long[] shrunkSeen = new long[2];

    private void checkRightEdge(final int side, final TcpSegment s)
    {
        if ((s.flags & (TcpSegment.ACK | TcpSegment.SYN | TcpSegment.RST)) != TcpSegment.ACK)
        {
            return;
        }
        final TcpConnection tc = endpoints[side].find(s.localIp, s.localPort, s.remoteIp, s.remotePort);
        if (tc == null)
        {
            return;
        }
        Track t = tracks[side].get(tc.id());
        if (t == null)
        {
            return;
        }
        final int shift = tc.windowScaling() ? Math.min(14, configs[side].windowScale) : 0;
        final int edge = s.ack + (s.window << shift);
        final long shrunk = endpoints[side].counters().get(TcpCounters.WINDOW_BUDGET_SHRUNK);
        final boolean budgetShrank = shrunk != shrunkSeen[side];
        shrunkSeen[side] = shrunk;
        if (t.edgeSeen && lt(edge, t.rightEdge) && !budgetShrank)
        {
            fail(SIDE[side] + " advertised right edge moved left from " + Integer.toUnsignedString(t.rightEdge) +
                " to " + Integer.toUnsignedString(edge) + " (ack " + Integer.toUnsignedString(s.ack) + " win " +
                s.window + "<<" + shift + "): " + tc);
        }
        t.edgeSeen = true;
        t.rightEdge = edge;
    }

    private void finalChecks()
    {
        for (int side = 0; side < 2; side++)
        {
            if (endpoints[side].connectionCount() != 0 || endpoints[side].halfOpenCount() != 0)
            {
                fail(SIDE[side] + " leaks TCBs after the clock ran dry: connectionCount=" +
                    endpoints[side].connectionCount() + " halfOpenCount=" + endpoints[side].halfOpenCount() +
                    connectionStates());
            }
            if (endpoints[side].bufferChunksInUse() != 0 || endpoints[side].pool.ringsOut() != 0)
            {
                fail(SIDE[side] + " leaks buffer chunks after every connection closed: " +
                    endpoints[side].bufferChunksInUse() + " chunks, " + endpoints[side].pool.ringsOut() + " rings");
            }
        }
        for (final Conn c : conns)
        {
            for (int side = 0; side < 2; side++)
            {
                if (c.id[side] >= 0 && !c.closedEvent[side])
                {
                    fail(SIDE[side] + " never got onClosed: " + c);
                }
                final int from = 1 - side;
                // once the application has called close() the endpoint no longer reports the peer's FIN
                final boolean complete = c.received[side] == c.total[from] && (c.eof[side] || c.closeCalled[side]);
                final boolean told = c.reset[side] || c.timedOut[side];
                final boolean someoneAborted = c.aborted[0] || c.aborted[1];
                if (!complete)
                {
                    if (c.mode != ABORT)
                    {
                        fail(SIDE[side] + " did not get the whole stream in an orderly " + MODE_NAMES[c.mode] +
                            ": " + c);
                    }
                    if (!told && !c.aborted[side] && !(someoneAborted && !c.opened[side]))
                    {
                        fail(SIDE[side] + " got a partial stream and was never told of a reset or timeout: " + c);
                    }
                }
                else if (told && c.mode != ABORT)
                {
                    stats.lateResets++;
                }
            }
        }
    }

    /** Names the known stall: data queued, nothing in flight, window open, yet nothing sent. */
    private String stallDiagnosis()
    {
        for (final Conn c : conns)
        {
            for (int side = 0; side < 2; side++)
            {
                final TcpConnection tc = c.clientPort == 0 ? null : endpoints[side].find(
                    side == CLIENT ? CLIENT_IP : SERVER_IP, c.localPort(side),
                    side == CLIENT ? SERVER_IP : CLIENT_IP, c.remotePort(side));
                if (tc != null && tc.sendQueued() > 0 && tc.sndUna() == tc.sndNxt() && tc.sndWnd() > 0)
                {
                    final int sendBuffer = configs[side].sendBufferSize;
                    final int toRingEnd = sendBuffer - (tc.sndNxt() & (sendBuffer - 1));
                    return " [send stall: " + SIDE[side] + " conn " + c.index + " has " + tc.sendQueued() +
                        " B queued, nothing in flight, SND.WND " + tc.sndWnd() + ", " + toRingEnd +
                        " B to the send ring's end]";
                }
                if (tc != null && tc.sndWnd() == 0 && tc.sendQueued() > 0)
                {
                    return " [zero-window stall: " + SIDE[side] + " conn " + c.index + "]";
                }
            }
        }
        return "";
    }

    private String connectionStates()
    {
        final StringBuilder sb = new StringBuilder();
        for (final Conn c : conns)
        {
            sb.append("\n  ").append(c);
            for (int side = 0; side < 2; side++)
            {
                if (c.clientPort != 0)
                {
                    final TcpConnection tc = endpoints[side].find(side == CLIENT ? CLIENT_IP : SERVER_IP,
                        c.localPort(side), side == CLIENT ? SERVER_IP : CLIENT_IP, c.remotePort(side));
                    if (tc != null)
                    {
                        sb.append("\n    ").append(SIDE[side]).append(": ").append(tc).append(" sndWnd=").append(tc.sndWnd())
                            .append(" cwnd=").append(tc.cwnd()).append(" queued=").append(tc.sendQueued())
                            .append(" unread=").append(tc.unreadBytes()).append(" mss=").append(tc.effectiveMss())
                            .append(" deadline=").append(tc.nextDeadlineNs());
                    }
                }
            }
        }
        return sb.toString();
    }

    void fail(final String what)
    {
        throw new Failure(seed, "seed " + seed + " at t=" + nowNs / 1e6 + " ms: " + what + "\n  replay: " + replay +
            "\n  link: " + describe() + "\n  last events:\n" + trace.format());
    }

    String summary()
    {
        final StringBuilder sb = new StringBuilder(describe());
        for (final Conn c : conns)
        {
            sb.append("\n  ").append(c);
        }
        return sb.toString();
    }
}
