package dev.wirespeed.apps.serve;

import java.util.ArrayDeque;

import dev.wirespeed.engine.tcp.TcpFrameCodec;
import dev.wirespeed.engine.tcp.SegmentEmitter;
import dev.wirespeed.engine.tcp.TcpEndpoint;
import dev.wirespeed.engine.tcp.TcpSegment;
import dev.wirespeed.engine.wire.FrameParser;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * One direction of a lossless in-memory link: segments are written as real frames (the runtime's codec, real
 * checksums) and parsed back (FrameParser) before they reach the other endpoint.
 */
public final class MemoryWire implements SegmentEmitter
{
    private final ArrayDeque<byte[]> frames = new ArrayDeque<>();
    private final TcpFrameCodec codec = new TcpFrameCodec();
    private final FrameParser parser = new FrameParser();
    private final TcpSegment segment = new TcpSegment();
    private final UnsafeBuffer scratch = new UnsafeBuffer(new byte[2048]);
    long frameCount;

    public void emit(final TcpSegment seg)
    {
        final int length = codec.encode(seg, 0x020000000001L, 0x020000000002L, false, scratch, 0);
        if (length < 0)
        {
            throw new IllegalStateException("segment does not fit a frame: " + seg);
        }
        final byte[] frame = new byte[length];
        scratch.getBytes(0, frame);
        frames.add(frame);
        frameCount++;
    }

    /** Delivers every queued frame to {@code to}; returns how many. */
    public int deliver(final TcpEndpoint to, final long nowNs)
    {
        int n = 0;
        byte[] frame;
        while ((frame = frames.poll()) != null)
        {
            final UnsafeBuffer buffer = new UnsafeBuffer(frame);
            final int reason = parser.parse(buffer, 0, frame.length);
            if (reason != FrameParser.DROP_NONE || parser.type() != FrameParser.TYPE_TCP)
            {
                throw new IllegalStateException("our own frame was rejected: " + FrameParser.dropReasonName(reason));
            }
            TcpFrameCodec.decode(parser, segment);
            if (Boolean.getBoolean("wire.trace")) System.out.println("DEBUG " + nowNs + " " + segment);
            to.onSegment(nowNs, segment);
            n++;
        }
        return n;
    }
}
