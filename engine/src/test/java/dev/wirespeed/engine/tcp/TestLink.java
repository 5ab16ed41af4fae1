package dev.wirespeed.engine.tcp;

import java.util.Arrays;

import dev.wirespeed.engine.wire.EthernetFrame;
import dev.wirespeed.engine.wire.FrameParser;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The one in-memory link of the engine's tests: two {@link TcpEndpoint}s (side 0 and side 1) wired back to back on
 * a virtual clock, used by the TCP tests, the TCP simulation ({@code TcpSimulation}) and the single-threaded
 * application-API tests ({@code api.ApiLoop}) alike; the API tests that need threads run two real engines instead
 * ({@code api.EnginePair}). What a side emits is copied into a slot (an emitter must copy before it returns: a
 * payload view may point at scratch memory the next segment reuses), addressed to the other side, and delivered once
 * its arrival time has come, in (arrival time, emission order) order.
 * <p>
 * Two modes. By default a slot holds the segment itself, payload copied. With {@link #frames(int)} a slot holds the
 * complete Ethernet/IPv4/TCP frame the runtime would send ({@link TcpFrameCodec}, software checksums), which must
 * fit the link's MTU, and on arrival {@link FrameParser} parses it back (checksums verified) and
 * {@link TcpFrameCodec#decode} hands the receiver a segment whose payload is a view into the frame: only in this
 * mode can the link {@link #corrupt} frames (one bit flipped), and it then checks that the parser drops every
 * flipped frame except those flipped in a MAC address (no checksum covers those, and TCP does not read them); an
 * intact frame the parser rejects, or a flip that passes the checksums, fails with an {@link AssertionError}.
 * <p>
 * Lossless with no delay unless told otherwise. With a seed ({@link SplitMix64}, so a seed replays exactly) it can
 * drop, delay with jitter (which reorders), hold some segments back longer (reordering), duplicate and corrupt.
 * The draws per emitted segment, in this order: loss; duplicate; then for each copy its delay, (the first copy
 * only) reordering, corruption. Slots and their buffers are kept and reused, so once warmed up the link allocates
 * nothing (the API allocation tests rely on that).
 * <p>
 * Three ways to drive it: {@link #step(long)} (fixed time steps: deliver what is due, then one duty cycle of each
 * side: timers, its {@link Duty}, dispatch), {@link #exchange()} (dispatch and deliver at a standing clock) and
 * {@link #runUntilQuiet(int)} (event-driven: jump the clock to the next arrival or timer until nothing is left). A
 * caller with its own scheduler (the simulation, whose application events and timers interleave with arrivals)
 * moves the clock with {@link #advanceTo}, looks at {@link #nextArrivalNs()} and {@link #nextArrivalOrder()}, takes
 * its own events' order from {@link #nextOrder()} so that ties at one instant keep one order, delivers with
 * {@link #deliverNext()}, and watches the link through a {@link Tap}.
 */
public final class TestLink
{
    /** Work a side does in each {@link #step} between its timers and its dispatch (e.g. an API command adapter). */
    @FunctionalInterface
    public interface Duty
    {
        int doWork(long nowNs);
    }

    /** A segment was emitted (before any impairment); {@code side} sent it. */
    public static final int EMITTED = 0;
    /** The link dropped it; {@code side} sent it. */
    public static final int LOST = 1;
    /** It will arrive twice; {@code side} sent it. */
    public static final int DUPLICATED = 2;
    /** One copy had bit {@code a} of its frame flipped; {@code side} sent it. */
    public static final int CORRUPTED = 3;
    /** {@link FrameParser} dropped a corrupted frame for reason {@code a} (bit flipped in byte {@code b}). */
    public static final int REJECTED = 4;
    /** It is about to be handed to side {@code side} (as parsed from the frame in frame mode). */
    public static final int DELIVERED = 5;

    /** Watches what happens on the link (e.g. to trace it, or to check each emitted segment). */
    @FunctionalInterface
    public interface Tap
    {
        /**
     * One of {@link #EMITTED} ... {@link #DELIVERED}. {@code side} is the sender, but the receiver for
     * {@link #REJECTED} and {@link #DELIVERED}; {@code segment} is null for {@link #REJECTED}.
     */
        void onLinkEvent(int event, int side, TcpSegment segment, int a, int b);
    }

    private static final int INITIAL_SLOTS = 64;
    private static final int MIN_PAYLOAD = 2048;
    private static final long[] MACS = {0x02_00_00_00_00_01L, 0x02_00_00_00_00_02L};

    private final TcpEndpoint[] endpoints = new TcpEndpoint[2];
    private final Duty[] duties = new Duty[2];
    private final SegmentEmitter[] emitters = {s -> send(0, s), s -> send(1, s)};
    private SplitMix64 random;
    private double loss;
    private long delayNs;
    private long jitterNs;
    private double reorder;
    private long reorderNs;
    private double duplicate;
    private long duplicateNs;
    private double corrupt;
    private Tap tap;

    /** Frame mode: the MTU (0 = segment mode), the codec, the parser and the segment frames are decoded into. */
    private int mtu;
    private TcpFrameCodec codec;
    private FrameParser parser;
    private TcpSegment rx;

    private TcpSegment[] segments = new TcpSegment[0];
    /** A slot's payload copy (segment mode) or its frame (frame mode). */
    private UnsafeBuffer[] buffers = new UnsafeBuffer[0];
    private int[] frameLength = new int[0];
    /** The frame byte whose bit was flipped, or -1. */
    private int[] flippedByte = new int[0];
    private long[] arrival = new long[0];
    private long[] order = new long[0];
    private int[] to = new int[0];
    private int[] free = new int[0];
    private int freeCount;
    /** Min-heap of slots by (arrival, order). */
    private int[] heap = new int[0];
    private int heapSize;
    private long orders;
    private long now;
    private long emitted;
    private long delivered;
    private long dropped;
    private long duplicated;
    private long corrupted;
    private long corruptCaught;
    private long corruptUncovered;

    public TestLink()
    {
        grow(INITIAL_SLOTS, MIN_PAYLOAD);
    }

    /** Side {@code side} (0 or 1) is {@code endpoint}. */
    public TestLink side(final int side, final TcpEndpoint endpoint)
    {
        endpoints[side] = endpoint;
        return this;
    }

    /** Runs {@code duty} in each {@link #step} of side {@code side}, after its timers and before its dispatch. */
    public TestLink duty(final int side, final Duty duty)
    {
        duties[side] = duty;
        return this;
    }

    /** The randomness of loss, jitter, reordering, duplicates and corruption. */
    public TestLink seed(final long seed)
    {
        random = new SplitMix64(seed);
        return this;
    }

    /**
     * Frame mode: every segment crosses as a real frame of at most {@code mtu} bytes of IPv4 (a bigger one fails
     * with an {@link AssertionError}), encoded by {@link TcpFrameCodec} and parsed back by {@link FrameParser}.
     */
    public TestLink frames(final int mtu)
    {
        this.mtu = mtu;
        codec = new TcpFrameCodec();
        parser = new FrameParser();
        rx = new TcpSegment();
        for (int i = 0; i < buffers.length; i++)
        {
            buffers[i] = new UnsafeBuffer(new byte[frameCapacity()]);
        }
        return this;
    }

    /** Drops a segment with this probability (needs a {@link #seed}). */
    public TestLink loss(final double probability)
    {
        loss = probability;
        return this;
    }

    /** Every copy takes {@code baseNs} plus up to {@code jitterNs} (uniform, drawn when seeded; jitter reorders). */
    public TestLink delay(final long baseNs, final long jitterNs)
    {
        delayNs = baseNs;
        this.jitterNs = jitterNs;
        return this;
    }

    /** A segment is held back up to {@code extraNs} more with this probability. */
    public TestLink reorder(final double probability, final long extraNs)
    {
        reorder = probability;
        reorderNs = extraNs;
        return this;
    }

    /** A segment that gets through arrives a second time with this probability, up to {@code extraNs} later. */
    public TestLink duplicates(final double probability, final long extraNs)
    {
        duplicate = probability;
        duplicateNs = extraNs;
        return this;
    }

    /** Flips one bit of a copy's frame with this probability (frame mode only). */
    public TestLink corrupt(final double probability)
    {
        if (mtu == 0)
        {
            throw new IllegalStateException("corruption needs frame mode");
        }
        corrupt = probability;
        return this;
    }

    /** Watches every emission, impairment and delivery. */
    public TestLink tap(final Tap tap)
    {
        this.tap = tap;
        return this;
    }

    /** Room for {@code slots} segments in flight with payloads of up to {@code payloadBytes}, made now. */
    public TestLink preallocate(final int slots, final int payloadBytes)
    {
        grow(slots, payloadBytes);
        return this;
    }

    /** What side {@code side} emits into (for a test that dispatches by hand). */
    public SegmentEmitter emitter(final int side)
    {
        return emitters[side];
    }

    public long now()
    {
        return now;
    }

    public void advanceTo(final long nowNs)
    {
        now = Math.max(now, nowNs);
    }

    /** Segments emitted so far (before impairments). */
    public long emitted()
    {
        return emitted;
    }

    /** Segments delivered so far (duplicates included). */
    public long delivered()
    {
        return delivered;
    }

    /** Segments the link dropped so far. */
    public long dropped()
    {
        return dropped;
    }

    /** Segments the link sent twice so far. */
    public long duplicated()
    {
        return duplicated;
    }

    /** Copies with a bit flipped so far. */
    public long corrupted()
    {
        return corrupted;
    }

    /** Corrupted frames {@link FrameParser} dropped (a checksum or a header check caught the flip). */
    public long corruptCaught()
    {
        return corruptCaught;
    }

    /** Corrupted frames delivered because the flip was in a MAC address, which no checksum covers. */
    public long corruptUncovered()
    {
        return corruptUncovered;
    }

    /** Segments in flight. */
    public int inFlight()
    {
        return heapSize;
    }

    /** When the next segment in flight arrives, or {@link Long#MAX_VALUE} if none is. */
    public long nextArrivalNs()
    {
        return heapSize > 0 ? arrival[heap[0]] : Long.MAX_VALUE;
    }

    /** The emission order of the next segment in flight (ties at one arrival time go by it). */
    public long nextArrivalOrder()
    {
        return heapSize > 0 ? order[heap[0]] : Long.MAX_VALUE;
    }

    /** Takes the next number of the order segments are emitted in, for a caller's own event at the same instant. */
    public long nextOrder()
    {
        return orders++;
    }

    /**
     * The clock moves by {@code stepNs}; what is due is delivered; then each side runs one duty cycle: timers, its
     * duty, dispatch (what it emits is due at the next step at the earliest).
     */
    public void step(final long stepNs)
    {
        now += stepNs;
        deliverDue();
        for (int side = 0; side < 2; side++)
        {
            final TcpEndpoint ep = endpoints[side];
            ep.poll(now);
            if (duties[side] != null)
            {
                duties[side].doWork(now);
            }
            ep.dispatch(now, emitters[side]);
        }
    }

    /** Both sides dispatch, then what is due is delivered, at a standing clock. @return segments delivered. */
    public int exchange()
    {
        endpoints[0].dispatch(now, emitters[0]);
        endpoints[1].dispatch(now, emitters[1]);
        return deliverDue();
    }

    /**
     * Event-driven: timers, dispatch and delivery of both sides, jumping the clock to the next arrival or timer
     * deadline whenever nothing is left to do at the present one, until nothing at all is left (or
     * {@code maxIterations}).
     *
     * @return true if it went quiet, false if it stopped at {@code maxIterations}.
     */
    public boolean runUntilQuiet(final int maxIterations)
    {
        final TcpEndpoint a = endpoints[0];
        final TcpEndpoint b = endpoints[1];
        for (int i = 0; i < maxIterations; i++)
        {
            a.poll(now);
            b.poll(now);
            a.dispatch(now, emitters[0]);
            b.dispatch(now, emitters[1]);
            if (deliverDue() > 0 || a.hasPendingOutput() || b.hasPendingOutput())
            {
                continue;
            }
            final long next = Math.min(Math.min(a.nextDeadlineNs(), b.nextDeadlineNs()), nextArrivalNs());
            if (next == Long.MAX_VALUE)
            {
                return true;
            }
            now = Math.max(now, next);
        }
        return false;
    }

    /** Delivers the next segment in flight if it is due. @return whether one was. */
    public boolean deliverNext()
    {
        if (heapSize == 0 || arrival[heap[0]] > now)
        {
            return false;
        }
        deliver(pop());
        return true;
    }

    private int deliverDue()
    {
        int n = 0;
        while (deliverNext())
        {
            n++;
        }
        return n;
    }

    private void deliver(final int slot)
    {
        final int side = to[slot];
        TcpSegment seg = segments[slot];
        if (mtu > 0)
        {
            final int reason = parser.parse(buffers[slot], 0, frameLength[slot]);
            final int flipped = flippedByte[slot];
            if (reason != FrameParser.DROP_NONE || parser.type() != FrameParser.TYPE_TCP)
            {
                if (flipped < 0)
                {
                    throw new AssertionError("FrameParser rejected an intact frame: " +
                        FrameParser.dropReasonName(reason));
                }
                corruptCaught++;
                if (tap != null)
                {
                    tap.onLinkEvent(REJECTED, side, null, reason, flipped);
                }
                free[freeCount++] = slot;
                return;
            }
            if (flipped >= 0)
            {
                if (flipped >= 2 * EthernetFrame.MAC_LENGTH)
                {
                    throw new AssertionError("a bit flip at frame byte " + flipped + " passed FrameParser's checks");
                }
                corruptUncovered++;
            }
            // the runtime's own decoder: the payload stays a view over the frame
            seg = TcpFrameCodec.decode(parser, rx.reset());
        }
        if (tap != null)
        {
            tap.onLinkEvent(DELIVERED, side, seg, 0, 0);
        }
        delivered++;
        endpoints[side].onSegment(now, seg);
        seg.payload = null;
        free[freeCount++] = slot;
    }

    private void send(final int from, final TcpSegment s)
    {
        emitted++;
        if (tap != null)
        {
            tap.onLinkEvent(EMITTED, from, s, 0, 0);
        }
        final int slot = take();
        fill(slot, from, s);
        if (random != null && random.chance(loss))
        {
            dropped++;
            if (tap != null)
            {
                tap.onLinkEvent(LOST, from, s, 0, 0);
            }
            free[freeCount++] = slot;
            return;
        }
        int second = -1;
        if (random != null && random.chance(duplicate))
        {
            duplicated++;
            if (tap != null)
            {
                tap.onLinkEvent(DUPLICATED, from, s, 0, 0);
            }
            // copied before any bit flip: each copy is impaired on its own
            second = take();
            copy(slot, second);
        }
        long at = now + delay();
        if (random != null && random.chance(reorder))
        {
            at += random.range(0, reorderNs);
        }
        schedule(slot, from, s, at);
        if (second >= 0)
        {
            schedule(second, from, s, now + delay() + (duplicateNs > 0 ? random.range(0, duplicateNs) : 0));
        }
    }

    private long delay()
    {
        return random != null ? random.range(delayNs, delayNs + jitterNs) : delayNs;
    }

    private void schedule(final int slot, final int from, final TcpSegment s, final long at)
    {
        flippedByte[slot] = -1;
        if (random != null && random.chance(corrupt))
        {
            corrupted++;
            final int bit = random.nextInt(frameLength[slot] * 8);
            final UnsafeBuffer frame = buffers[slot];
            frame.putByte(bit >>> 3, (byte)(frame.getByte(bit >>> 3) ^ (1 << (bit & 7))));
            flippedByte[slot] = bit >>> 3;
            if (tap != null)
            {
                tap.onLinkEvent(CORRUPTED, from, s, bit, 0);
            }
        }
        arrival[slot] = at;
        order[slot] = orders++;
        to[slot] = 1 - from;
        push(slot);
    }

    private int take()
    {
        if (freeCount == 0)
        {
            grow(segments.length * 2, MIN_PAYLOAD);
        }
        return free[--freeCount];
    }

    /** The segment into the slot: as a frame (frame mode) or as a segment addressed to the receiver. */
    private void fill(final int slot, final int from, final TcpSegment s)
    {
        if (mtu > 0)
        {
            final int length = codec.encode(s, MACS[from], MACS[1 - from], false, buffers[slot], 0);
            if (length < 0)
            {
                free[freeCount++] = slot;
                throw new AssertionError("a segment does not fit a " + mtu + " B MTU: " + s);
            }
            frameLength[slot] = length;
            return;
        }
        final TcpSegment d = segments[slot];
        d.copyFrom(s);
        d.localIp = s.remoteIp;
        d.remoteIp = s.localIp;
        d.localPort = s.remotePort;
        d.remotePort = s.localPort;
        d.payload = null;
        d.payloadOffset = 0;
        if (s.payloadLength > 0)
        {
            final UnsafeBuffer p = payloadRoom(slot, s.payloadLength);
            p.putBytes(0, s.payload, s.payloadOffset, s.payloadLength);
            d.payload = p;
        }
    }

    private void copy(final int from, final int into)
    {
        if (mtu > 0)
        {
            buffers[into].putBytes(0, buffers[from], 0, frameLength[from]);
            frameLength[into] = frameLength[from];
            return;
        }
        final TcpSegment s = segments[from];
        final TcpSegment d = segments[into];
        d.copyFrom(s);
        d.payload = null;
        d.payloadOffset = 0;
        if (s.payloadLength > 0)
        {
            final UnsafeBuffer p = payloadRoom(into, s.payloadLength);
            p.putBytes(0, s.payload, s.payloadOffset, s.payloadLength);
            d.payload = p;
        }
    }

    private UnsafeBuffer payloadRoom(final int slot, final int length)
    {
        UnsafeBuffer p = buffers[slot];
        if (p.capacity() < length)
        {
            p = new UnsafeBuffer(new byte[Math.max(length, MIN_PAYLOAD)]);
            buffers[slot] = p;
        }
        return p;
    }

    /** A frame buffer holds exactly an Ethernet header and an MTU: a bigger frame does not fit. */
    private int frameCapacity()
    {
        return EthernetFrame.HEADER_LENGTH + mtu;
    }

    private void grow(final int slots, final int payloadBytes)
    {
        final int old = segments.length;
        final int bytes = mtu > 0 ? frameCapacity() : Math.max(payloadBytes, MIN_PAYLOAD);
        if (slots > old)
        {
            segments = Arrays.copyOf(segments, slots);
            buffers = Arrays.copyOf(buffers, slots);
            frameLength = Arrays.copyOf(frameLength, slots);
            flippedByte = Arrays.copyOf(flippedByte, slots);
            arrival = Arrays.copyOf(arrival, slots);
            order = Arrays.copyOf(order, slots);
            to = Arrays.copyOf(to, slots);
            heap = Arrays.copyOf(heap, slots);
            free = Arrays.copyOf(free, slots);
            for (int i = old; i < slots; i++)
            {
                segments[i] = new TcpSegment();
                buffers[i] = new UnsafeBuffer(new byte[bytes]);
                free[freeCount++] = i;
            }
        }
        if (mtu == 0)
        {
            for (int i = 0; i < segments.length; i++)
            {
                if (buffers[i].capacity() < payloadBytes)
                {
                    buffers[i] = new UnsafeBuffer(new byte[payloadBytes]);
                }
            }
        }
    }

    private boolean before(final int x, final int y)
    {
        return arrival[x] < arrival[y] || (arrival[x] == arrival[y] && order[x] < order[y]);
    }

    private void push(final int slot)
    {
        int i = heapSize++;
        heap[i] = slot;
        while (i > 0)
        {
            final int parent = (i - 1) >>> 1;
            if (!before(heap[i], heap[parent]))
            {
                break;
            }
            final int t = heap[i];
            heap[i] = heap[parent];
            heap[parent] = t;
            i = parent;
        }
    }

    private int pop()
    {
        final int top = heap[0];
        heap[0] = heap[--heapSize];
        int i = 0;
        while (true)
        {
            final int l = 2 * i + 1;
            final int r = l + 1;
            int m = i;
            if (l < heapSize && before(heap[l], heap[m]))
            {
                m = l;
            }
            if (r < heapSize && before(heap[r], heap[m]))
            {
                m = r;
            }
            if (m == i)
            {
                return top;
            }
            final int t = heap[i];
            heap[i] = heap[m];
            heap[m] = t;
            i = m;
        }
    }
}
