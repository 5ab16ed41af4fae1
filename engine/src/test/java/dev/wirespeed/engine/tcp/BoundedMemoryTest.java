package dev.wirespeed.engine.tcp;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 10 part 2: what an idle connection holds and what a burst leaves behind. The timer wheel's memory is
 * fixed per slot whatever lands on one spoke, range sets hold storage only while not empty, and pools and the
 * connection table shrink back after a burst.
 */
class BoundedMemoryTest
{
    private static final long START_NS = 1_000_000_000L;

    @Test
    void timerWheelBurstOnOneSpokeCostsNothingExtraAndExpiresInDeadlineOrderByValue()
    {
        final SlotTimerWheel wheel = new SlotTimerWheel(20, 64, 16, 0);
        wheel.ensureSlots(100_000);
        final long footprint = wheel.footprintBytes();
        // a burst: 100k timers on the same tick (Agrona's wheel grew every spoke to 100k entries here)
        for (int s = 0; s < 100_000; s++)
        {
            wheel.schedule(s, 5L << 20);
        }
        assertEquals(100_000, wheel.count());
        assertEquals(footprint, wheel.footprintBytes());
        // one turn later on the same spoke: checked by value, not fired early
        wheel.schedule(7, (5L + 64) << 20);
        final List<Integer> fired = new ArrayList<>();
        assertEquals(0, wheel.poll(4L << 20, (slot, now) -> fired.add(slot)));
        assertEquals(99_999, wheel.poll(5L << 20, (slot, now) -> fired.add(slot)));
        assertFalse(fired.contains(7));
        assertEquals(1, wheel.count());
        assertEquals(1, wheel.poll((5L + 64) << 20, (slot, now) -> fired.add(slot)));
        assertEquals(7, fired.get(fired.size() - 1));
        assertEquals(0, wheel.count());
    }

    @Test
    void timerWheelRescheduleCancelAndAClockJumpLongerThanATurn()
    {
        final SlotTimerWheel wheel = new SlotTimerWheel(10, 8, 4, 0);
        wheel.schedule(0, 3_000);
        wheel.schedule(1, 2_000);
        wheel.schedule(2, 50_000);
        wheel.schedule(1, 9_000);
        wheel.cancel(0);
        assertEquals(2, wheel.count());
        assertEquals(9_000, wheel.deadline(1));
        assertEquals(SlotTimerWheel.NONE, wheel.deadline(0));
        final List<Integer> fired = new ArrayList<>();
        assertEquals(0, wheel.poll(8_000, (slot, now) -> fired.add(slot)));
        // far past everything: every spoke is visited once
        assertEquals(2, wheel.poll(1_000_000, (slot, now) -> fired.add(slot)));
        assertEquals(List.of(1, 2), fired.stream().sorted().toList());
    }

    @Test
    void rangeSetsHoldStorageOnlyWhileNotEmpty()
    {
        final RangeArrayPool pool = new RangeArrayPool();
        final SeqRangeSet a = new SeqRangeSet(pool);
        final SeqRangeSet b = new SeqRangeSet(pool);
        assertFalse(a.holdsStorage());
        a.add(100, 200);
        a.add(300, 400);
        b.add(-5, 5);
        assertEquals(2, pool.inUse());
        assertEquals(250, a.absorb(250));
        a.removeBelow(400);
        assertFalse(a.holdsStorage());
        b.clear();
        assertEquals(0, pool.inUse());
        assertEquals(2, pool.idle());
        a.add(1, 2);
        assertEquals(2, pool.created(), "reused, not created");
        a.clear();
        assertEquals(2, pool.trim(0));
        assertEquals(0, pool.idle());
    }

    @Test
    void aBurstOfConnectionsLeavesNoStandingPoolsOrTableAfterTheSlowDuty()
    {
        final List<Long> accepted = new ArrayList<>();
        final TcpConfig config = new TcpConfig();
        config.halfOpenBound = 1 << 16;
        final TcpEndpoint server = new TcpEndpoint(config, new TcpHandler()
        {
            public void onAccepted(final int listenerPort, final long id)
            {
                accepted.add(id);
            }
        }, START_NS);
        final TcpEndpoint client = quietEndpoint(config);
        server.listen(0xc000_0201, 80, 1 << 16);
        final TestLink link = new TestLink().side(0, client).side(1, server);
        link.advanceTo(START_NS);
        final Runnable pump = () -> pump(link, client, server);
        final int n = 5_000;
        for (int i = 0; i < n; i++)
        {
            assertTrue(client.connect(link.now(), 0xc000_0202 + i / 10_000, 0xc000_0201, 80) >= 0);
            if (i % 100 == 99)
            {
                pump.run();
            }
        }
        pump.run();
        assertEquals(n, accepted.size());
        final String busy = server.memoryReport();
        for (final long id : accepted)
        {
            server.abort(id);
        }
        pump.run();
        assertEquals(0, server.connectionCount(), server.memoryReport());
        assertEquals(0, client.connectionCount(), client.memoryReport());
        assertTrue(server.pooledConnections() >= n - 1, server.memoryReport());
        link.advanceTo(link.now() + 2 * TcpEndpoint.TRIM_INTERVAL_NS);
        server.poll(link.now());
        client.poll(link.now());
        assertEquals(TcpEndpoint.TRIM_KEEP_MIN, server.pooledConnections(), busy + " -> " + server.memoryReport());
        assertEquals(TcpEndpoint.TRIM_KEEP_MIN, client.pooledConnections(), client.memoryReport());
        assertTrue(server.memoryReport().contains(" table=1024 "), busy + " -> " + server.memoryReport());
    }

    @Test
    void anIdleEstablishedConnectionHoldsNoTransferStateAfterTheNextTrimOnlyWhileDataMovesDoesIt()
    {
        final List<Long> accepted = new ArrayList<>();
        final TcpConfig config = new TcpConfig();
        final TcpEndpoint server = new TcpEndpoint(config, new TcpHandler()
        {
            public void onAccepted(final int listenerPort, final long id)
            {
                accepted.add(id);
            }

            public int onData(final long id, final org.agrona.DirectBuffer buffer, final int offset, final int length)
            {
                return length;
            }
        }, START_NS);
        final TcpEndpoint client = quietEndpoint(config);
        server.listen(0xc000_0201, 80, 1024);
        final TestLink link = new TestLink().side(0, client).side(1, server);
        link.advanceTo(START_NS);
        final Runnable pump = () -> pump(link, client, server);
        // the once-a-second trim runs within the first step past a second from now
        final Runnable pastTrim = () ->
        {
            link.advanceTo(link.now() + TcpEndpoint.TRIM_INTERVAL_NS);
            pump.run();
        };
        final int n = 20;
        final long[] ids = new long[n];
        for (int i = 0; i < n; i++)
        {
            ids[i] = client.connect(link.now(), 0xc000_0202, 0xc000_0201, 80);
            assertTrue(ids[i] >= 0);
        }
        pump.run();
        assertEquals(n, accepted.size());
        // the handshake's states are at rest now: kept (listed as resting) until the endpoint's next trim
        assertEquals(n, client.transfers.inUse(), client.memoryReport());
        assertEquals(n, client.transfers.resting(), client.memoryReport());
        assertEquals(n, server.transfers.resting(), server.memoryReport());
        pastTrim.run();
        assertEquals(0, client.transfers.inUse(), "established and idle: " + client.memoryReport());
        assertEquals(0, server.transfers.inUse(), "established and idle: " + server.memoryReport());

        final org.agrona.concurrent.UnsafeBuffer data = new org.agrona.concurrent.UnsafeBuffer(new byte[3000]);
        for (final long id : ids)
        {
            assertEquals(3000, client.write(id, data, 0, 3000));
        }
        client.dispatch(link.now(), link.emitter(0));
        assertEquals(n, client.transfers.inUse(), "data in flight: " + client.memoryReport());
        assertEquals(0, client.transfers.resting(), "data in flight: " + client.memoryReport());
        pump.run();
        // the server's delayed ACKs, if any, go out when their timer fires
        link.advanceTo(link.now() + 1_000_000_000L);
        pump.run();
        // all acknowledged and read: every state held is at rest, listed for the next trim
        assertEquals(n, client.transfers.inUse(), client.memoryReport());
        assertEquals(n, client.transfers.resting(), client.memoryReport());
        assertEquals(server.transfers.inUse(), server.transfers.resting(), server.memoryReport());

        // busy again before the trim: that connection keeps its state through the trim, the others give theirs back
        link.advanceTo(link.now() + TcpEndpoint.TRIM_INTERVAL_NS);
        assertEquals(3000, client.write(ids[0], data, 0, 3000));
        link.step(1_000);
        assertEquals(1, client.transfers.inUse(), "one connection busy at the trim: " + client.memoryReport());
        assertEquals(0, client.transfers.resting(), client.memoryReport());
        // the last runt waits for Nagle and the server's delayed ACK: a second at a time until all of it is acknowledged
        for (int i = 0; i < 5 && client.sendQueued(ids[0]) > 0; i++)
        {
            pump.run();
            link.advanceTo(link.now() + 1_000_000_000L);
        }
        pump.run();
        assertEquals(0, client.sendQueued(ids[0]));
        pastTrim.run();
        assertEquals(0, client.transfers.inUse(), "all acknowledged: " + client.memoryReport());
        assertEquals(0, server.transfers.inUse(), "all read and acknowledged: " + server.memoryReport());
        assertEquals(n, client.transfers.idle(), "states go back to the pool for reuse");
    }

    @Test
    void connectionsGoingQuietTogetherKeepAtMostTheRestingLimitOfStatesUntilTheTrim()
    {
        final TcpConfig config = new TcpConfig();
        final TcpEndpoint server = quietEndpoint(config);
        final TcpEndpoint client = quietEndpoint(config);
        server.listen(0xc000_0201, 80, 1024);
        final TestLink link = new TestLink().side(0, client).side(1, server);
        link.advanceTo(START_NS);
        final int n = TcpEndpoint.TRIM_KEEP_MIN + 100;
        for (int i = 0; i < n; i++)
        {
            assertTrue(client.connect(link.now(), 0xc000_0202, 0xc000_0201, 80) >= 0);
        }
        pump(link, client, server);
        assertEquals(n, server.connectionCount());
        // before the first trim the list takes TRIM_KEEP_MIN; the other connections gave their states back at once
        assertEquals(TcpEndpoint.TRIM_KEEP_MIN, client.transfers.resting(), client.memoryReport());
        assertEquals(TcpEndpoint.TRIM_KEEP_MIN, client.transfers.inUse(), client.memoryReport());
        assertEquals(TcpEndpoint.TRIM_KEEP_MIN, server.transfers.inUse(), server.memoryReport());
        link.advanceTo(link.now() + TcpEndpoint.TRIM_INTERVAL_NS);
        pump(link, client, server);
        assertEquals(0, client.transfers.inUse(), client.memoryReport());
        assertEquals(0, server.transfers.inUse(), server.memoryReport());
    }

    @Test
    void aConnectionClosedFromItsOwnCallbackNeverListsItsStateAsRestingAndGivesItBackAtRelease()
    {
        // the client closes as soon as it is connected, the server as soon as the client's FIN arrives: with the FIN
        // queued the next dispatch sends it and keeps the state, so listing it as resting in between is wasted work
        final TcpEndpoint[] ends = new TcpEndpoint[2];
        final int[] restingSeen = new int[2];
        final TcpConfig config = new TcpConfig();
        ends[1] = new TcpEndpoint(config, new TcpHandler()
        {
            public void onPeerClosed(final long id)
            {
                ends[1].close(id);
                restingSeen[1] = Math.max(restingSeen[1], ends[1].transfers.resting());
            }
        }, START_NS);
        ends[0] = new TcpEndpoint(config, new TcpHandler()
        {
            public void onConnected(final long id)
            {
                ends[0].close(id);
                restingSeen[0] = Math.max(restingSeen[0], ends[0].transfers.resting());
            }
        }, START_NS);
        final TcpEndpoint client = ends[0];
        final TcpEndpoint server = ends[1];
        server.listen(0xc000_0201, 80, 1024);
        final TestLink link = new TestLink().side(0, client).side(1, server);
        link.advanceTo(START_NS);
        final int n = 10;
        for (int i = 0; i < n; i++)
        {
            assertTrue(client.connect(link.now(), 0xc000_0202, 0xc000_0201, 80) >= 0);
        }
        do
        {
            link.step(1_000);
            restingSeen[0] = Math.max(restingSeen[0], client.transfers.resting());
            restingSeen[1] = Math.max(restingSeen[1], server.transfers.resting());
        }
        while (link.inFlight() > 0 || client.hasPendingOutput() || server.hasPendingOutput());
        // the client's tuples are TIME-WAIT records now (no TCB), the server's are gone
        assertTrue(client.memoryReport().endsWith(" timeWait=" + n), client.memoryReport());
        assertEquals(0, server.connectionCount(), server.memoryReport());
        assertEquals(0, restingSeen[0], "client: " + client.memoryReport());
        assertEquals(0, restingSeen[1], "server: " + server.memoryReport());
        assertEquals(0, client.transfers.inUse(), client.memoryReport());
        assertEquals(0, server.transfers.inUse(), server.memoryReport());
        assertEquals(n, client.transfers.idle(), "each lifetime's state went back to the pool");
    }

    /** The link in 1 µs steps, segments arriving at the next step, until nothing is in flight or waiting to go out. */
    private static void pump(final TestLink link, final TcpEndpoint a, final TcpEndpoint b)
    {
        do
        {
            link.step(1_000);
        }
        while (link.inFlight() > 0 || a.hasPendingOutput() || b.hasPendingOutput());
    }

    /** An endpoint whose application ignores every event. */
    private static TcpEndpoint quietEndpoint(final TcpConfig config)
    {
        return new TcpEndpoint(config, new TcpHandler()
        {
        }, START_NS);
    }
}
