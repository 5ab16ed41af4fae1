package dev.wirespeed.bench.wire;

import dev.wirespeed.engine.wire.FrameParser;
import dev.wirespeed.engine.wire.PacketBuilder;
import dev.wirespeed.engine.wire.TcpHeader;
import dev.wirespeed.engine.wire.TcpOptions;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

/**
 * Whole-frame wire cost per segment: {@link FrameParser#parse} of a full-sized data segment (Ethernet,
 * IPv4 and TCP checksums verified, options parsed) and {@link PacketBuilder#writeTcp} of the same frame
 * (payload copy and both checksums), over off-heap buffers as with mbufs.
 * <p>
 * Not thread safe (one state per benchmark thread).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class FrameParseBenchmark
{
    private static final int PAYLOAD = 1448;

    private final FrameParser parser = new FrameParser();
    private final PacketBuilder builder = new PacketBuilder();
    private final TcpOptions options = new TcpOptions();
    private UnsafeBuffer frame;
    private UnsafeBuffer payload;
    private UnsafeBuffer tx;
    private int frameLength;

    @Setup
    public void setup()
    {
        options.timestampPresent = true;
        options.tsVal = 123456;
        options.tsEcr = 654321;
        builder.srcMac(0x5254_00ab_cdefL).dstMac(0x5254_0012_3456L).srcAddress(0x0a000001).dstAddress(0x0a000002)
            .srcPort(40000).dstPort(80).seq(1).ack(2).flags(TcpHeader.ACK | TcpHeader.PSH).window(501);
        payload = new UnsafeBuffer(ByteBuffer.allocateDirect(PAYLOAD));
        for (int i = 0; i < PAYLOAD; i++)
        {
            payload.putByte(i, (byte)(i * 13));
        }
        frame = new UnsafeBuffer(ByteBuffer.allocateDirect(2048));
        tx = new UnsafeBuffer(ByteBuffer.allocateDirect(2048));
        frameLength = builder.writeTcp(frame, 0, options, payload, 0, PAYLOAD);
        if (parser.parse(frame, 0, frameLength) != FrameParser.DROP_NONE)
        {
            throw new IllegalStateException("benchmark frame does not parse");
        }
    }

    @Benchmark
    public int parseFullSizedSegment()
    {
        return parser.parse(frame, 0, frameLength) + parser.tcp().payloadLength() + parser.tcpOptions().tsVal;
    }

    @Benchmark
    public int parseFullSizedSegmentWithNicVerifiedChecksums()
    {
        return parser.parse(frame, 0, frameLength, FrameParser.RX_IPV4_CHECKSUM_GOOD | FrameParser.RX_L4_CHECKSUM_GOOD) +
            parser.tcp().payloadLength();
    }

    @Benchmark
    public int buildFullSizedSegment()
    {
        return builder.writeTcp(tx, 0, options, payload, 0, PAYLOAD);
    }
}
