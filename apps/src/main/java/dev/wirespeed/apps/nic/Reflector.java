package dev.wirespeed.apps.nic;

import java.lang.foreign.Arena;

import dev.wirespeed.bindings.EthPort;
import dev.wirespeed.bindings.Mbuf;
import dev.wirespeed.bindings.MbufBurst;
import dev.wirespeed.bindings.MbufView;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The far end of a benchmark: receives frames on one queue, swaps their MAC and IPv4 addresses and sends them back
 * (testpmd's macswap, plus the IPs). Only IPv4 frames between two 192.0.2.0/24 addresses are sent back; anything
 * else (IPv6 neighbour discovery from a kernel, ...) is freed and counted as ignored.
 * <p>
 * With a rate limit it is a device under test with a known answer: each test frame is judged as if it had entered
 * a FIFO of {@code bufferFrames} frames served at {@code maxPps}, like a port buffer in front of a slower link, and
 * is dropped if that FIFO is full. The FIFO runs in the frames' own time: a frame arrives at the send timestamp in
 * its payload (only differences between timestamps are used, so the tester's clock need not be ours), and a
 * forwarded frame is sent back at once. So the answer depends on what the tester offered, not on how this thread or
 * the tester's was scheduled on a busy machine:
 * <ul>
 * <li>offered loads up to {@code maxPps} pass without loss, and above it the excess is lost once the FIFO is full:
 * RFC 2544 throughput = {@code maxPps};</li>
 * <li>a burst at rate R &gt; maxPps is lossless up to about {@code bufferFrames / (1 - maxPps / R)} frames: the
 * RFC 9004 back-to-back answer, whose corrected buffer is {@code bufferFrames}.</li>
 * </ul>
 * Frames that are not test frames (no timestamp) are reflected without the limit.
 * <p>
 * Allocates nothing after construction. Not thread safe: one thread per queue.
 */
public final class Reflector
{
    private static final long TIME_JUMP_NS = 1_000_000_000L;

    private final EthPort rxPort;
    private final EthPort txPort;
    private final int queue;
    private final MbufBurst in;
    private final MbufBurst out;
    private final MbufBurst drop;
    private final MbufView view = new MbufView();
    private final double periodNs;
    private final double[] departures;
    private final int fifoMask;
    private final int fifoLimit;
    private long head;
    private long tail;
    private double lastDepartureNs;
    private long lastArrivalNs = Long.MIN_VALUE;
    private long received;
    private long reflected;
    private long ignored;
    private long policed;

    /**
     * A reflector that sends every test frame it receives back with the addresses swapped, optionally rate limited by a
     * modelled FIFO.
     *
     * @param maxPps       0 for a plain reflector, else the service rate of the FIFO.
     * @param bufferFrames FIFO length (used only with a rate limit).
     * @param arena  owns the burst arrays.
     * @param rxPort the port to receive from, started.
     * @param txPort the port to send on, started.
     * @param queue  the queue used on both ports.
     */
    public Reflector(final Arena arena, final EthPort rxPort, final EthPort txPort, final int queue, final double maxPps,
        final int bufferFrames)
    {
        if (maxPps > 0 && bufferFrames < 1)
        {
            throw new IllegalArgumentException("--buffer must be at least 1 frame");
        }
        this.rxPort = rxPort;
        this.txPort = txPort;
        this.queue = queue;
        this.in = new MbufBurst(arena, MbufBurst.DEFAULT_CAPACITY);
        this.out = new MbufBurst(arena, MbufBurst.DEFAULT_CAPACITY);
        this.drop = new MbufBurst(arena, MbufBurst.DEFAULT_CAPACITY);
        this.periodNs = maxPps > 0 ? 1e9 / maxPps : 0;
        final int capacity = maxPps > 0 ? Integer.highestOneBit(Math.max(1, bufferFrames - 1)) << 1 : 1;
        this.departures = new double[capacity];
        this.fifoMask = capacity - 1;
        this.fifoLimit = bufferFrames;
    }

    /**
     * One duty cycle: send what is waiting, receive a burst, reflect it. Returns frames received.
     *
     * @return frames received.
     */
    public int doWork()
    {
        final MbufBurst o = out;
        if (o.size() > 0)
        {
            reflected += txPort.txBurst(queue, o);
            if (o.size() > 0)
            {
                return 0; // the TX queue is full: leave frames in the RX ring (the port counts what it misses)
            }
        }
        final int n = rxPort.rxBurst(queue, in);
        for (int i = 0; i < n; i++)
        {
            final long m = in.get(i);
            final int len = Mbuf.dataLength(m);
            final UnsafeBuffer buf = view.wrap(m);
            if (!TestFrame.isTestNetUdp(buf, len))
            {
                drop.add(m);
                ignored++;
                continue;
            }
            if (periodNs > 0 && TestFrame.isTestFrame(buf, len) && !admit(TestFrame.timestampNs(buf)))
            {
                drop.add(m);
                policed++;
                continue;
            }
            TestFrame.swapAddresses(buf);
            o.add(m);
        }
        received += n;
        in.clear();
        drop.freeAll();
        if (o.size() > 0)
        {
            reflected += txPort.txBurst(queue, o);
        }
        return n;
    }

    /** The FIFO model: true if a frame arriving at {@code arrivalNs} finds room (and takes it). */
    private boolean admit(final long arrivalNs)
    {
        if (arrivalNs < lastArrivalNs - TIME_JUMP_NS)
        {
            head = tail; // another tester (another clock): start empty
            lastDepartureNs = 0;
        }
        lastArrivalNs = arrivalNs;
        while (head != tail && departures[(int)(head & fifoMask)] <= arrivalNs)
        {
            head++;
        }
        if (tail - head >= fifoLimit)
        {
            return false;
        }
        if (head == tail && lastDepartureNs < arrivalNs)
        {
            lastDepartureNs = arrivalNs;
        }
        lastDepartureNs += periodNs;
        departures[(int)(tail++ & fifoMask)] = lastDepartureNs;
        return true;
    }

    /** Frees every frame still held (end of a run). */
    public void discardPending()
    {
        out.freeAll();
    }

    /**
     * Frames received.
     *
     * @return the count.
     */
    public long received()
    {
        return received;
    }

    /**
     * Frames sent back.
     *
     * @return the count.
     */
    public long reflected()
    {
        return reflected;
    }

    /**
     * Frames that were not test-network IPv4 and were not sent back.
     *
     * @return the count.
     */
    public long ignored()
    {
        return ignored;
    }

    /**
     * Test frames dropped because the modelled FIFO was full (rate limit).
     *
     * @return the count.
     */
    public long policed()
    {
        return policed;
    }
}
