package dev.wirespeed.engine.api;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;

import static dev.wirespeed.engine.api.ApiLoop.CLIENT_IP;
import static dev.wirespeed.engine.api.ApiLoop.SERVER_IP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The steady-state write and data paths allocate nothing, backpressure included: an application writing through
 * {@link CommandProxy} as fast as the ring takes, {@link CommandAdapter} parking and stalling at the head of the
 * ring, {@link EventProxy} leaving data in TCP when the event ring is full and resuming it, {@link EventAdapter}
 * handing views to an application that echoes them (partially consuming when its own command ring is full).
 * Single-threaded ({@link ApiLoop}), measured with the thread's allocation counter like {@code TcpAllocationTest}.
 */
class ApiAllocationTest
{
    private static final com.sun.management.ThreadMXBean MX =
        (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();

    static
    {
        for (int i = 0; i < 20_000; i++)
        {
            MX.getCurrentThreadAllocatedBytes();
        }
    }

    private static long allocatedSince(final long before)
    {
        final long after = MX.getCurrentThreadAllocatedBytes();
        long overhead = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++)
        {
            final long a = MX.getCurrentThreadAllocatedBytes();
            overhead = Math.min(overhead, MX.getCurrentThreadAllocatedBytes() - a);
        }
        return (after - before) - overhead;
    }

    static final class Sender implements ConnectionListener
    {
        long connectionId = -1;
        long received;
        long writeBlocked;

        public void onConnected(final long correlationId, final long connectionId)
        {
            this.connectionId = connectionId;
        }

        public int onData(final long connectionId, final DirectBuffer buffer, final int offset, final int length)
        {
            received += length;
            return length;
        }

        public void onWriteBlocked(final long connectionId)
        {
            writeBlocked++;
        }
    }

    static final class Echo implements ConnectionListener
    {
        CommandProxy commands;
        long connectionId = -1;
        long echoed;

        public void onAccepted(final int listenerPort, final long connectionId)
        {
            this.connectionId = connectionId;
        }

        public int onData(final long connectionId, final DirectBuffer buffer, final int offset, final int length)
        {
            final int n = commands.write(connectionId, buffer, offset, length);
            echoed += n;
            return n;
        }
    }

    final Sender sender = new Sender();
    final Echo echo = new Echo();
    final UnsafeBuffer source = new UnsafeBuffer(new byte[16 * 1024]);
    long sent;

    /** One round: the applications poll and write, then both shards run a duty cycle. */
    void round(final ApiLoop loop)
    {
        sent += loop.client.commands.write(sender.connectionId, source, 0, source.capacity());
        loop.client.events.poll(8);
        loop.server.events.poll(8);
        loop.step();
    }

    @Test
    void echoThroughRingsWithBackpressureAllocatesNothingInSteadyState()
    {
        for (int i = 0; i < source.capacity(); i++)
        {
            source.putByte(i, (byte)(i * 7));
        }
        final ApiLoop loop = new ApiLoop(
            new ApiLoop.Node(0, CLIENT_IP, ApiLoop.config(31), 64 * 1024, 16 * 1024, 0, sender),
            new ApiLoop.Node(1, SERVER_IP, ApiLoop.config(32), 16 * 1024, 16 * 1024, 0, echo));
        echo.commands = loop.server.commands;
        loop.server.endpoint.listen(SERVER_IP, 80, 8);
        assertTrue(loop.client.commands.connect(1, SERVER_IP, 80));
        loop.stepUntil("connected", 100, () ->
        {
            loop.client.events.poll(8);
            loop.server.events.poll(8);
            return sender.connectionId >= 0 && echo.connectionId >= 0;
        });

        for (int i = 0; i < 20_000; i++)
        {
            round(loop);
        }
        final long parkedBefore = loop.client.adapter.writesParked() + loop.server.adapter.writesParked();
        final long stallsBefore = loop.client.adapter.headOfLineStalls() + loop.server.adapter.headOfLineStalls();
        final long readBlocksBefore = loop.client.proxy.readBlocks() + loop.server.proxy.readBlocks();
        final long receivedBefore = sender.received;

        // a steady-state allocation shows in every window; a one-off JIT event (a deoptimization materialising a
        // scalar-replaced object, a late class initialisation) in at most one
        final long[] windows = new long[3];
        long allocated = Long.MAX_VALUE;
        for (int w = 0; w < windows.length && allocated != 0; w++)
        {
            final long before = MX.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 5_000; i++)
            {
                round(loop);
            }
            windows[w] = allocatedSince(before);
            allocated = Math.min(allocated, windows[w]);
        }

        assertTrue(sender.received - receivedBefore > 10L << 20, "echoed " + (sender.received - receivedBefore));
        assertTrue(loop.client.adapter.writesParked() + loop.server.adapter.writesParked() > parkedBefore);
        assertTrue(loop.client.adapter.headOfLineStalls() + loop.server.adapter.headOfLineStalls() > stallsBefore);
        assertTrue(loop.client.proxy.readBlocks() + loop.server.proxy.readBlocks() > readBlocksBefore);
        assertEquals(0, allocated, "bytes allocated per window of 5000 steady-state rounds: " +
            java.util.Arrays.toString(windows));
    }
}
