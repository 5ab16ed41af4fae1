package dev.wirespeed.bench.wire;

import dev.wirespeed.engine.wire.Checksum;
import dev.wirespeed.engine.wire.TcpHeader;
import dev.wirespeed.engine.wire.TcpOptions;
import dev.wirespeed.engine.wire.TcpOptionsCodec;
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
 * Cost of the per-segment wire work on the receive path: parsing the TCP options of a Linux SYN and of an
 * ACK carrying timestamps and three SACK blocks, and the full TCP checksum of a 1460-byte segment.
 * Buffers are off-heap {@link UnsafeBuffer}s, like the mbuf memory the runtime wraps; Agrona bounds checks
 * are left on (the default). Must allocate nothing: run with {@code -prof gc} and look at
 * {@code gc.alloc.rate.norm}.
 * <pre>
 * java --enable-native-access=ALL-UNNAMED --add-exports java.base/jdk.internal.misc=ALL-UNNAMED \
 *   -cp 'cli/target/wirespeed.jar:cli/target/lib/*' org.openjdk.jmh.Main TcpOptionParse -f 1 -wi 3 -i 3 -w 1 -r 1 -prof gc
 * </pre>
 * Not thread safe (one state per benchmark thread).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class TcpOptionParseBenchmark
{
    private static final int SRC = 0xac100a63;
    private static final int DST = 0xac100a0c;
    private static final int PAYLOAD = 1460;

    private final TcpOptions out = new TcpOptions();
    private final TcpOptions ackOptions = new TcpOptions();
    private UnsafeBuffer synOptionBytes;
    private UnsafeBuffer ackOptionBytes;
    private UnsafeBuffer writeBuffer;
    private UnsafeBuffer segment;

    @Setup
    public void setup()
    {
        // MSS 1460, SACK permitted, TS, NOP, WS 7: what Linux puts in a SYN
        synOptionBytes = offHeap(20);
        final byte[] syn = {
            2, 4, 0x05, (byte)0xb4, 4, 2, 8, 10, 0x00, (byte)0x9f, 0x5a, 0x3c, 0, 0, 0, 0, 1, 3, 3, 7};
        synOptionBytes.putBytes(0, syn);

        // NOP, NOP, TS, NOP, NOP, SACK with 3 blocks: 40 bytes, an ACK during loss recovery
        ackOptions.timestampPresent = true;
        ackOptions.tsVal = 0x12345678;
        ackOptions.tsEcr = 0x0badcafe;
        ackOptions.sackBlockCount = 3;
        for (int i = 0; i < 3; i++)
        {
            ackOptions.sackLeft[i] = 1_000_000 + i * 10_000;
            ackOptions.sackRight[i] = 1_000_000 + i * 10_000 + 2920;
        }
        ackOptionBytes = offHeap(40);
        if (TcpOptionsCodec.write(ackOptionBytes, 0, ackOptions, false) != 40)
        {
            throw new IllegalStateException("expected 40 bytes of options");
        }
        writeBuffer = offHeap(40);

        // a full-sized segment: 20-byte header + 1460 bytes of payload
        segment = offHeap(TcpHeader.MIN_HEADER_LENGTH + PAYLOAD);
        final TcpHeader tcp = new TcpHeader().wrap(segment, 0, segment.capacity());
        tcp.srcPort(41668).dstPort(80).seq(0x6c3b7e61).ack(0x01020304).dataOffset(5).flags(TcpHeader.ACK).window(501);
        for (int i = 0; i < PAYLOAD; i++)
        {
            segment.putByte(TcpHeader.MIN_HEADER_LENGTH + i, (byte)(i * 31 + 7));
        }
        tcp.updateChecksum(SRC, DST);
    }

    private static UnsafeBuffer offHeap(final int length)
    {
        return new UnsafeBuffer(ByteBuffer.allocateDirect(length));
    }

    @Benchmark
    public int parseLinuxSynOptions()
    {
        return TcpOptionsCodec.parse(synOptionBytes, 0, 20, out) ? out.mss + out.windowScale + out.tsVal : -1;
    }

    @Benchmark
    public int parseAckTimestampsAndThreeSackBlocks()
    {
        return TcpOptionsCodec.parse(ackOptionBytes, 0, 40, out) ? out.tsVal + out.sackRight[2] : -1;
    }

    @Benchmark
    public int writeAckTimestampsAndThreeSackBlocks()
    {
        return TcpOptionsCodec.write(writeBuffer, 0, ackOptions, false);
    }

    @Benchmark
    public int tcpChecksum1460()
    {
        return Checksum.tcpChecksum(segment, 0, TcpHeader.MIN_HEADER_LENGTH + PAYLOAD, SRC, DST);
    }

    @Benchmark
    public boolean verifyTcpChecksum1460()
    {
        return Checksum.verifyTcp(segment, 0, TcpHeader.MIN_HEADER_LENGTH + PAYLOAD, SRC, DST);
    }
}
