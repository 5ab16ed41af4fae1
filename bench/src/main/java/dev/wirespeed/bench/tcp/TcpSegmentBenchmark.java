package dev.wirespeed.bench.tcp;

import dev.wirespeed.engine.tcp.SegmentEmitter;
import dev.wirespeed.engine.tcp.TcpConfig;
import dev.wirespeed.engine.tcp.TcpEndpoint;
import dev.wirespeed.engine.tcp.TcpHandler;
import dev.wirespeed.engine.tcp.TcpSegment;
import dev.wirespeed.engine.tcp.TcpState;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.util.concurrent.TimeUnit;

/**
 * Established-state receive path: one in-order 1460-byte data segment in, through onSegment, poll and dispatch
 * (an ACK goes out for every second segment, the others arm the delayed ACK). One connection reused, SEQ advanced
 * each operation, the clock advanced 100 ns per segment.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class TcpSegmentBenchmark
{
    static final int LOCAL_IP = 0x0a000001;
    static final int REMOTE_IP = 0x0a000002;
    static final int LOCAL_PORT = 80;
    static final int REMOTE_PORT = 40000;
    static final int REMOTE_ISN = 7_000_000;
    static final int PAYLOAD = 1460;

    /** With timestamps both sides carry TSval/TSecr and PAWS runs on every segment. */
    @Param({ "false", "true" })
    public boolean timestamps;

    private TcpEndpoint ep;
    private final TcpSegment seg = new TcpSegment();
    private final UnsafeBuffer payload = new UnsafeBuffer(new byte[PAYLOAD]);
    private long now;
    private int seq;
    private long acks;
    private long bytes;

    private final SegmentEmitter emitter = s -> acks += s.ack;

    private final TcpHandler handler = new TcpHandler()
    {
        public int onData(final long id, final DirectBuffer buffer, final int offset, final int length)
        {
            bytes += length;
            return length;
        }
    };

    @Setup
    public void setup()
    {
        final TcpConfig cfg = new TcpConfig();
        cfg.timestampsEnabled = timestamps;
        ep = new TcpEndpoint(cfg, handler, 0);
        ep.listen(LOCAL_IP, LOCAL_PORT, 16);
        seg.tuple(LOCAL_IP, LOCAL_PORT, REMOTE_IP, REMOTE_PORT);
        seg.flags = TcpSegment.SYN;
        seg.seq = REMOTE_ISN;
        seg.window = 65535;
        seg.options.mssPresent = true;
        seg.options.mss = 1460;
        seg.options.timestampPresent = timestamps;
        seg.options.tsVal = 1;
        ep.onSegment(now, seg);
        final int[] iss = new int[1];
        ep.dispatch(now, s -> iss[0] = s.seq);
        seg.options.reset();
        seg.options.timestampPresent = timestamps;
        seg.options.tsVal = 1;
        seg.flags = TcpSegment.ACK;
        seg.seq = REMOTE_ISN + 1;
        seg.ack = iss[0] + 1;
        ep.onSegment(now, seg);
        ep.dispatch(now, emitter);
        if (ep.state(LOCAL_IP, LOCAL_PORT, REMOTE_IP, REMOTE_PORT) != TcpState.ESTABLISHED)
        {
            throw new IllegalStateException("not established");
        }
        seq = REMOTE_ISN + 1;
        seg.payload(payload, 0, PAYLOAD);
    }

    @Benchmark
    public long inOrderSegmentInAckOut()
    {
        now += 100;
        seg.seq = seq;
        seq += PAYLOAD;
        ep.onSegment(now, seg);
        ep.poll(now);
        ep.dispatch(now, emitter);
        return acks;
    }
}
