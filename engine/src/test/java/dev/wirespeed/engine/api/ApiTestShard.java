package dev.wirespeed.engine.api;

import dev.wirespeed.engine.runtime.ShardDuty;
import dev.wirespeed.engine.tcp.SegmentEmitter;
import dev.wirespeed.engine.tcp.TcpConfig;
import dev.wirespeed.engine.tcp.TcpEndpoint;
import dev.wirespeed.engine.tcp.TcpFrameCodec;
import dev.wirespeed.engine.tcp.TcpSegment;
import dev.wirespeed.engine.wire.FrameParser;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;

import java.util.concurrent.atomic.AtomicReference;

/**
 * A stand-in for a runtime shard in API tests: an Agrona {@link Agent} with the same duty cycle as
 * {@code runtime.Shard} (clock once, RX, timers, duties, dispatch) over an in-memory wire instead of a NIC. Each
 * direction of the wire is a {@link OneToOneRingBuffer} of complete Ethernet/IPv4/TCP frames, built by
 * {@link TcpFrameCodec} and parsed back by {@link FrameParser} (checksums included), so the two shards can run on
 * their own threads. The wire is lossless unless a ring is full (then the frame is dropped and TCP retransmits).
 */
final class ApiTestShard implements Agent, SegmentEmitter, MessageHandler
{
    static final int CLIENT_IP = 0xc0000201;
    static final int SERVER_IP = 0xc0000202;
    static final long CLIENT_MAC = 0x02_00_00_00_00_01L;
    static final long SERVER_MAC = 0x02_00_00_00_00_02L;
    static final int WIRE_RING_CAPACITY = 4 << 20;
    static final long SEC = 1_000_000_000L;

    final String name;
    final TcpEndpoint endpoint;
    private final long mac;
    private final long peerMac;
    private final FrameParser parser = new FrameParser();
    private final TcpFrameCodec codec = new TcpFrameCodec();
    private final TcpSegment rxSegment = new TcpSegment();
    private final UnsafeBuffer frame = new UnsafeBuffer(new byte[2048]);
    private OneToOneRingBuffer rx;
    private OneToOneRingBuffer tx;
    private ShardDuty[] duties = new ShardDuty[0];
    private long nowNs;
    private AgentRunner runner;

    final AtomicReference<Throwable> error = new AtomicReference<>();
    /** The endpoint's connection count, published every duty cycle for other threads. */
    volatile int connections = -1;
    long framesDropped;
    long framesRejected;

    ApiTestShard(final String name, final TcpEndpoint endpoint, final long mac, final long peerMac)
    {
        this.name = name;
        this.endpoint = endpoint;
        this.mac = mac;
        this.peerMac = peerMac;
    }

    /** A config for tests: short TIME-WAIT so that tables drain, fixed seed. */
    static TcpConfig config(final long seed)
    {
        final TcpConfig config = new TcpConfig();
        config.seed = seed;
        config.mslNs = 2_000_000L;
        return config;
    }

    static void link(final ApiTestShard a, final ApiTestShard b)
    {
        final OneToOneRingBuffer ab = EventProxy.newEventRing(WIRE_RING_CAPACITY);
        final OneToOneRingBuffer ba = EventProxy.newEventRing(WIRE_RING_CAPACITY);
        a.tx = ab;
        b.rx = ab;
        b.tx = ba;
        a.rx = ba;
    }

    void addDuty(final ShardDuty duty)
    {
        duties = java.util.Arrays.copyOf(duties, duties.length + 1);
        duties[duties.length - 1] = duty;
    }

    void start()
    {
        final IdleStrategy idle = new BackoffIdleStrategy(10, 20, 1_000, 100_000);
        runner = new AgentRunner(idle, t -> error.compareAndSet(null, t), null, this);
        AgentRunner.startOnThread(runner);
    }

    /** Stops the thread and waits for it: afterwards its plain fields are safe to read. */
    void stop()
    {
        if (runner != null)
        {
            runner.close();
            runner = null;
        }
    }

    public String roleName()
    {
        return name;
    }

    public int doWork()
    {
        nowNs = System.nanoTime();
        int work = rx.read(this, 64);
        work += endpoint.poll(nowNs);
        final ShardDuty[] duties = this.duties;
        for (int i = 0; i < duties.length; i++)
        {
            work += duties[i].doWork(nowNs);
        }
        work += endpoint.dispatch(nowNs, this);
        connections = endpoint.connectionCount();
        return work;
    }

    /** A frame from the peer. */
    public void onMessage(final int msgTypeId, final org.agrona.MutableDirectBuffer buffer, final int index,
        final int length)
    {
        if (parser.parse(buffer, index, length) != FrameParser.DROP_NONE || parser.type() != FrameParser.TYPE_TCP)
        {
            framesRejected++;
            return;
        }
        endpoint.onSegment(nowNs, TcpFrameCodec.decode(parser, rxSegment));
        rxSegment.payload = null;
    }

    /** A segment to the peer. */
    public void emit(final TcpSegment segment)
    {
        final int length = codec.encode(segment, mac, peerMac, false, frame, 0);
        if (length < 0 || !tx.write(1, frame, 0, length))
        {
            framesDropped++;
        }
    }

    /** Runs {@code step} on the calling thread until {@code done} or the deadline; fails on timeout. */
    static void runUntil(final String what, final long timeoutNs, final java.util.function.BooleanSupplier done,
        final java.util.function.IntSupplier step, final ApiTestShard... shards)
    {
        final IdleStrategy idle = new BackoffIdleStrategy(10, 20, 1_000, 100_000);
        final long deadline = System.nanoTime() + timeoutNs;
        while (!done.getAsBoolean())
        {
            for (final ApiTestShard s : shards)
            {
                if (s.error.get() != null)
                {
                    throw new AssertionError(s.name + " failed", s.error.get());
                }
            }
            if (System.nanoTime() - deadline > 0)
            {
                throw new AssertionError("timed out waiting for " + what);
            }
            idle.idle(step.getAsInt());
        }
    }

    static boolean sameBytes(final DirectBuffer buffer, final int offset, final byte[] expected, final int from,
        final int length)
    {
        if (from + length > expected.length)
        {
            return false;
        }
        for (int i = 0; i < length; i++)
        {
            if (buffer.getByte(offset + i) != expected[from + i])
            {
                return false;
            }
        }
        return true;
    }
}
