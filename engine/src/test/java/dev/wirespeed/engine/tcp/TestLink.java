package dev.wirespeed.engine.tcp;

import java.util.Arrays;

import org.agrona.concurrent.UnsafeBuffer;

/**
 * The in-memory link of the engine's tests: two {@link TcpEndpoint}s (side 0 and side 1) wired back to back on a
 * virtual clock, used by the TCP tests and the application-API tests alike. What a side emits is copied, payload
 * included, into a slot (an emitter must copy before it returns: a payload view may point at scratch memory the
 * next segment reuses), addressed to the other side, and delivered once its arrival time has come, in
 * (arrival time, emission order) order.
 * <p>
 * Lossless with no delay unless told otherwise. With a seed ({@link SplitMix64}, so a seed replays exactly) it can
 * drop, delay with jitter (which reorders), hold some segments back longer (reordering) and duplicate. Slots and
 * their payload buffers are kept and reused, so once warmed up the link allocates nothing (the API allocation
 * tests rely on that).
 * <p>
 * Three ways to drive it: {@link #step(long)} (fixed time steps: deliver what is due, then one duty cycle of each
 * side: timers, its {@link Duty}, dispatch), {@link #exchange()} (dispatch and deliver at a standing clock) and
 * {@link #runUntilQuiet(int)} (event-driven: jump the clock to the next arrival or timer until nothing is left).
 * <p>
 * The threaded, frame-level stand-in for a runtime shard ({@code api.ApiTestShard}: real frames through the codec
 * between two threads) and the simulation's event scheduler ({@code TcpSimulation}: corruption, MTU, simultaneous
 * events) are other tools; the link between two endpoints on one thread is this one.
 */
public final class TestLink
{
    /** Work a side does in each {@link #step} between its timers and its dispatch (e.g. an API command adapter). */
    @FunctionalInterface
    public interface Duty
    {
        int doWork(long nowNs);
    }

    private static final int INITIAL_SLOTS = 64;
    private static final int MIN_PAYLOAD = 2048;

    private final TcpEndpoint[] endpoints = new TcpEndpoint[2];
    private final Duty[] duties = new Duty[2];
    private final SegmentEmitter[] emitters = {s -> send(0, s), s -> send(1, s)};
    private SplitMix64 random;
    private int lossPercent;
    private long delayNs;
    private long jitterNs;
    private int reorderPercent;
    private long reorderNs;
    private int duplicatePercent;
    private long duplicateNs;

    private TcpSegment[] segments = new TcpSegment[0];
    private UnsafeBuffer[] payloads = new UnsafeBuffer[0];
    private long[] arrival = new long[0];
    private long[] order = new long[0];
    private int[] to = new int[0];
    private int[] free = new int[0];
    private int freeCount;
    /** Min-heap of slots by (arrival, order). */
    private int[] heap = new int[0];
    private int heapSize;
    private long emitted;
    private long now;
    private long delivered;
    private long dropped;

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

    /** The randomness of loss, jitter, reordering and duplicates. */
    public TestLink seed(final long seed)
    {
        random = new SplitMix64(seed);
        return this;
    }

    /** Drops this percentage of segments (needs a {@link #seed}). */
    public TestLink loss(final int percent)
    {
        lossPercent = percent;
        return this;
    }

    /** Every segment takes {@code baseNs} plus up to {@code jitterNs} (uniform; jitter reorders). */
    public TestLink delay(final long baseNs, final long jitterNs)
    {
        delayNs = baseNs;
        this.jitterNs = jitterNs;
        return this;
    }

    /** This percentage of segments is held back up to {@code extraNs} more. */
    public TestLink reorder(final int percent, final long extraNs)
    {
        reorderPercent = percent;
        reorderNs = extraNs;
        return this;
    }

    /** This percentage of the segments that get through arrive a second time, up to {@code extraNs} later. */
    public TestLink duplicates(final int percent, final long extraNs)
    {
        duplicatePercent = percent;
        duplicateNs = extraNs;
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

    /** Segments in flight. */
    public int inFlight()
    {
        return heapSize;
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
            long next = Math.min(a.nextDeadlineNs(), b.nextDeadlineNs());
            if (heapSize > 0)
            {
                next = Math.min(next, arrival[heap[0]]);
            }
            if (next == Long.MAX_VALUE)
            {
                return true;
            }
            now = Math.max(now, next);
        }
        return false;
    }

    private int deliverDue()
    {
        int n = 0;
        while (heapSize > 0 && arrival[heap[0]] <= now)
        {
            final int slot = pop();
            final TcpSegment seg = segments[slot];
            endpoints[to[slot]].onSegment(now, seg);
            seg.payload = null;
            free[freeCount++] = slot;
            delivered++;
            n++;
        }
        return n;
    }

    private void send(final int from, final TcpSegment s)
    {
        if (lossPercent > 0 && random.nextInt(100) < lossPercent)
        {
            dropped++;
            return;
        }
        long at = now + delayNs + (jitterNs > 0 ? random.range(0, jitterNs) : 0);
        if (reorderPercent > 0 && random.nextInt(100) < reorderPercent)
        {
            at += random.range(0, reorderNs);
        }
        enqueue(1 - from, s, at);
        if (duplicatePercent > 0 && random.nextInt(100) < duplicatePercent)
        {
            enqueue(1 - from, s, now + delayNs + random.range(0, duplicateNs));
        }
    }

    private void enqueue(final int side, final TcpSegment s, final long at)
    {
        if (freeCount == 0)
        {
            grow(segments.length * 2, MIN_PAYLOAD);
        }
        final int slot = free[--freeCount];
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
            UnsafeBuffer p = payloads[slot];
            if (p.capacity() < s.payloadLength)
            {
                p = new UnsafeBuffer(new byte[Math.max(s.payloadLength, MIN_PAYLOAD)]);
                payloads[slot] = p;
            }
            p.putBytes(0, s.payload, s.payloadOffset, s.payloadLength);
            d.payload = p;
        }
        arrival[slot] = at;
        order[slot] = emitted++;
        to[slot] = side;
        push(slot);
    }

    private void grow(final int slots, final int payloadBytes)
    {
        final int old = segments.length;
        if (slots > old)
        {
            segments = Arrays.copyOf(segments, slots);
            payloads = Arrays.copyOf(payloads, slots);
            arrival = Arrays.copyOf(arrival, slots);
            order = Arrays.copyOf(order, slots);
            to = Arrays.copyOf(to, slots);
            heap = Arrays.copyOf(heap, slots);
            free = Arrays.copyOf(free, slots);
            for (int i = old; i < slots; i++)
            {
                segments[i] = new TcpSegment();
                payloads[i] = new UnsafeBuffer(new byte[Math.max(payloadBytes, MIN_PAYLOAD)]);
                free[freeCount++] = i;
            }
        }
        for (int i = 0; i < segments.length; i++)
        {
            if (payloads[i].capacity() < payloadBytes)
            {
                payloads[i] = new UnsafeBuffer(new byte[payloadBytes]);
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
