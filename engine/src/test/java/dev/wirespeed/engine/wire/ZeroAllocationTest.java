package dev.wirespeed.engine.wire;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The receive and transmit paths allocate nothing: parse a frame, build a frame, parse and write options,
 * many times, and compare the thread's allocated bytes before and after. Any per-packet allocation would
 * be at least 16 bytes per iteration.
 */
class ZeroAllocationTest
{
    @Test
    void parseAndBuildPathsAllocateNothing()
    {
        final com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        final UnsafeBuffer rx = new UnsafeBuffer(ByteBuffer.allocateDirect(WireFixturesTest.LINUX_SYN.length));
        rx.putBytes(0, WireFixturesTest.LINUX_SYN);
        final UnsafeBuffer tx = new UnsafeBuffer(ByteBuffer.allocateDirect(2048));
        final UnsafeBuffer payload = new UnsafeBuffer(ByteBuffer.allocateDirect(1460));
        final FrameParser parser = new FrameParser();
        final PacketBuilder builder = new PacketBuilder().srcAddress(1).dstAddress(2).srcPort(3).dstPort(4).flags(TcpHeader.ACK);
        final TcpOptions options = new TcpOptions();
        options.timestampPresent = true;
        options.sackBlockCount = 3;

        final int iterations = 100_000;
        long sink = run(parser, rx, builder, tx, payload, options, iterations); // warm up
        final long before = threads.getCurrentThreadAllocatedBytes();
        sink += run(parser, rx, builder, tx, payload, options, iterations);
        final long allocated = threads.getCurrentThreadAllocatedBytes() - before;

        assertTrue(sink != 0);
        assertTrue(allocated < iterations / 10, "allocated " + allocated + " bytes over " + iterations + " iterations");
    }

    private static long run(
        final FrameParser parser,
        final UnsafeBuffer rx,
        final PacketBuilder builder,
        final UnsafeBuffer tx,
        final UnsafeBuffer payload,
        final TcpOptions options,
        final int iterations)
    {
        long sink = 0;
        for (int i = 0; i < iterations; i++)
        {
            assertEquals(FrameParser.DROP_NONE, parser.parse(rx, 0, rx.capacity()));
            sink += parser.tcp().seq() + parser.tcpOptions().mss;
            final int length = builder.seq(i).writeTcp(tx, 0, options, payload, 0, 1460);
            sink += parser.parse(tx, 0, length) + parser.tcpOptions().sackBlockCount;
        }
        return sink;
    }
}
