package dev.wirespeed.engine.tcp;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.wirespeed.engine.tcp.TcpSegment.ACK;
import static dev.wirespeed.engine.tcp.TcpSegment.FIN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The application-facing surface of {@link TcpEndpoint}: bad input gets a named error at once, and what an
 * application may ask about a connection (unread bytes, send room, state, addresses) it asks by id.
 */
class TcpEndpointApiTest extends TcpTestSupport
{
    @BeforeEach
    void init()
    {
        setUp(c -> { });
    }

    @Test
    void listenRejectsBadPortsAndADuplicateListen()
    {
        assertEquals(TcpEndpoint.ERR_BAD_PORT, ep.listen(LOCAL_IP, 0, 16));
        assertEquals(TcpEndpoint.ERR_BAD_PORT, ep.listen(LOCAL_IP, 65536, 16));
        assertEquals(TcpEndpoint.ERR_BAD_PORT, ep.listen(LOCAL_IP, -80, 16));
        assertEquals(0, ep.listen(LOCAL_IP, LOCAL_PORT, 16));
        assertEquals(TcpEndpoint.ERR_ALREADY_LISTENING, ep.listen(LOCAL_IP, LOCAL_PORT, 99));
        assertEquals(TcpState.LISTEN, ep.state(LOCAL_IP, LOCAL_PORT, REMOTE_IP, REMOTE_PORT));
        ep.unlisten(LOCAL_PORT);
        assertEquals(0, ep.listen(LOCAL_IP, LOCAL_PORT, 16));
    }

    @Test
    void connectRejectsBadPortsAndNonUnicastAddressesAtOnce()
    {
        assertEquals(TcpEndpoint.ERR_BAD_PORT, ep.connect(now, LOCAL_IP, REMOTE_IP, 0));
        assertEquals(TcpEndpoint.ERR_BAD_PORT, ep.connect(now, LOCAL_IP, REMOTE_IP, 70000));
        assertEquals(TcpEndpoint.ERR_BAD_PORT, ep.connect(now, LOCAL_IP, 0, REMOTE_IP, 80));
        assertEquals(TcpEndpoint.ERR_BAD_PORT, ep.connect(now, LOCAL_IP, 65536, REMOTE_IP, 80));
        assertEquals(TcpEndpoint.ERR_BAD_ADDRESS, ep.connect(now, LOCAL_IP, 0, 80));
        assertEquals(TcpEndpoint.ERR_BAD_ADDRESS, ep.connect(now, LOCAL_IP, 0xffffffff, 80));
        assertEquals(TcpEndpoint.ERR_BAD_ADDRESS, ep.connect(now, LOCAL_IP, 0xe0000001, 80));
        assertEquals(0, ep.connectionCount());
        assertTrue(recv().isEmpty());
    }

    /**
     * The endpoint settles a dirty connection's timer once, in the dispatch that visits it. A poll that comes first,
     * at a later time than the first segment since the last dispatch, must still fire what that segment armed, even
     * when another connection's segment came in between (a simulation or test may call poll at any time).
     */
    @Test
    void aDelayedAckArmedBeforeAnotherConnectionsSegmentFiresAtTheNextPoll()
    {
        established();
        final int portB = REMOTE_PORT + 1;
        send(syn().tuple(LOCAL_IP, LOCAL_PORT, REMOTE_IP, portB));
        assertEquals(1, recv().size(), "B's SYN-ACK");
        send(in().tuple(LOCAL_IP, LOCAL_PORT, REMOTE_IP, portB));
        assertTrue(recv().isEmpty());

        send(data(in(), "x")); // A's one byte arms its delayed ACK; no dispatch follows
        advance(ep.config().delayedAckNs + MS);
        send(data(in().tuple(LOCAL_IP, LOCAL_PORT, REMOTE_IP, portB), "z")); // B's, after A's delay is up
        final List<TcpSegment> got = recv(); // poll, then dispatch
        assertEquals(1, got.size(), describe(got));
        assertEquals(REMOTE_PORT, got.get(0).remotePort, "A's delayed ACK");
        assertEquals(REMOTE_SEQ + 2, got.get(0).ack);
    }

    /**
     * RFC 6056 algorithm 3: where the search for a free ephemeral port starts depends on the remote end (plus a
     * counter that moves one per connect), whatever was connected before. The endpoint remembers the last remote
     * end's offset; a stale one would start B's search at A's offset.
     */
    @Test
    void theEphemeralPortForARemoteEndDependsOnlyOnThatEndAndTheCounter()
    {
        final int remoteA = REMOTE_IP;
        final int remoteB = REMOTE_IP + 1;
        final TcpConfig cfg = new TcpConfig();
        cfg.ephemeralLow = 10_000;
        cfg.ephemeralHigh = 59_999;
        final TcpEndpoint direct = new TcpEndpoint(cfg, new TcpHandler() { }, 0);
        final TcpEndpoint viaA = new TcpEndpoint(cfg, new TcpHandler() { }, 0);
        final int directB = direct.localPort(direct.connect(0, LOCAL_IP, remoteB, 80));
        final int aFirst = viaA.localPort(viaA.connect(0, LOCAL_IP, remoteA, 80));
        final int thenB = viaA.localPort(viaA.connect(0, LOCAL_IP, remoteB, 80));
        final int againA = viaA.localPort(viaA.connect(0, LOCAL_IP, remoteA, 80));
        assertEquals(10_000 + (directB - 10_000 + 1) % 50_000, thenB, "B's offset, one step of the counter on");
        assertEquals(10_000 + (aFirst - 10_000 + 2) % 50_000, againA, "A's offset, two steps on");
        assertTrue(Math.abs(directB - aFirst) > 2, "A and B start far apart (they did for this seed): " + directB +
            " " + aFirst);
    }

    @Test
    void withDeclaredAddressesConnectRejectsSubnetBroadcastAndOffSubnet()
    {
        ep.addLocalAddress(LOCAL_IP, 24);
        assertEquals(TcpEndpoint.ERR_BAD_ADDRESS, ep.connect(now, LOCAL_IP, 0x0a0000ff, 80));
        assertEquals(TcpEndpoint.ERR_OFF_SUBNET, ep.connect(now, LOCAL_IP, 0x0a000102, 80));
        assertEquals(TcpEndpoint.ERR_OFF_SUBNET, ep.connect(now, LOCAL_IP, 0xc0000202, 80));
        assertEquals(0, ep.connectionCount());
        assertTrue(ep.connect(now, LOCAL_IP, REMOTE_IP, 80) >= 0);
    }

    @Test
    void unknownAndStaleIdsGetTheirOwnError()
    {
        final UnsafeBuffer b = new UnsafeBuffer(new byte[4]);
        for (final long bad : new long[] { -5, 0, 12345, (7L << 32) | 3 })
        {
            assertEquals(TcpEndpoint.ERR_INVALID_ID, ep.write(bad, b, 0, 4));
            assertEquals(TcpEndpoint.ERR_INVALID_ID, ep.close(bad));
            assertEquals(TcpEndpoint.ERR_INVALID_ID, ep.abort(bad));
            assertEquals(TcpEndpoint.ERR_INVALID_ID, ep.shutdownOutput(bad));
            assertEquals(TcpEndpoint.ERR_INVALID_ID, ep.shutdownInput(bad));
            assertEquals(TcpEndpoint.ERR_INVALID_ID, ep.unreadBytes(bad));
            assertEquals(TcpEndpoint.ERR_INVALID_ID, ep.sendRoom(bad));
            assertEquals(TcpEndpoint.ERR_INVALID_ID, ep.localPort(bad));
            assertEquals(TcpState.CLOSED, ep.state(bad));
        }
        // a connection that ended and was released: its id is stale, not someone else's
        established();
        final long old = id;
        ep.abort(old);
        recv();
        assertEquals(TcpEndpoint.ERR_INVALID_ID, ep.write(old, b, 0, 4));
        assertEquals(TcpEndpoint.ERR_INVALID_ID, ep.close(old));
        assertEquals(TcpError.UNKNOWN_CONNECTION, TcpError.of(ep.unreadBytes(old)));
        // the next connection reuses the pool slot under a new id; the old id still means nothing
        setUpSecondConnectionOnSameSlot();
        assertTrue(id != old && (int)id == (int)old);
        assertEquals(TcpEndpoint.ERR_INVALID_ID, ep.close(old));
        assertEquals(TcpState.ESTABLISHED, ep.state(id));
    }

    private void setUpSecondConnectionOnSameSlot()
    {
        send(syn());
        recv();
        send(in());
        recv();
        id = app.lastId;
    }

    @Test
    void errorsHaveStableCodesAndMessages()
    {
        for (final TcpError e : TcpError.values())
        {
            assertEquals(e, TcpError.of(e.code()));
            assertTrue(!e.message().isEmpty());
        }
        assertEquals(-1, TcpError.UNKNOWN_CONNECTION.code());
        assertEquals(-7, TcpError.TOO_MANY_CONNECTIONS.code());
        assertEquals(-10, TcpError.OFF_SUBNET.code());
        assertNull(TcpError.of(0));
        assertNull(TcpError.of(-11));
        assertNull(TcpError.of(5));
    }

    @Test
    void applicationQueriesGoThroughTheEndpoint()
    {
        established();
        assertEquals(LOCAL_IP, ep.localIp(id));
        assertEquals(LOCAL_PORT, ep.localPort(id));
        assertEquals(REMOTE_IP, ep.remoteIp(id));
        assertEquals(REMOTE_PORT, ep.remotePort(id));
        assertEquals(TcpState.ESTABLISHED, ep.state(id));
        assertEquals(65536, ep.sendRoom(id));
        assertEquals(100, write(100));
        assertEquals(65436, ep.sendRoom(id));
        assertEquals(100, ep.sendQueued(id));
        recv();
        app.consume = false;
        send(data(in().ack(LOCAL_SEQ + 101), "hello"));
        assertEquals(5, ep.unreadBytes(id));
        assertEquals(0, ep.sendQueued(id));
        app.consume = true;
        ep.resumeReading(id);
        assertEquals(0, ep.unreadBytes(id));
        assertEquals("hello", app.data.toString());
        send(in().seq(REMOTE_SEQ + 6).ack(LOCAL_SEQ + 101).flags(FIN | ACK));
        assertEquals(TcpState.CLOSE_WAIT, ep.state(id));
        assertEquals(TcpEndpoint.ERR_OUTPUT_SHUTDOWN, ep.shutdownOutput(id) == 0 ? write(1) : 0);
        assertEquals(ACK, in().flags);
    }

    /**
     * The echo's close: at the peer's FIN with bytes still unread, {@code close} would reset (and lose them);
     * {@code closeWhenRead} waits, and its FIN follows the last byte read, in the resumeReading that reads it.
     */
    @Test
    void closeWhenReadWaitsForTheUnreadBytesThenSendsFinNotRst()
    {
        established();
        app.consume = false;
        send(data(in(), "hello"));
        send(in().seq(REMOTE_SEQ + 6).flags(FIN | ACK));
        recv();
        assertEquals(5, ep.unreadBytes(id));
        assertEquals(0, ep.closeWhenRead(id));
        assertEquals("", flagsSent(), "nothing but ACKs while bytes are unread");
        assertEquals(TcpState.CLOSE_WAIT, ep.state(id));
        app.consume = true;
        app.budget = 2;
        ep.resumeReading(id);
        assertEquals(3, ep.unreadBytes(id));
        assertEquals("", flagsSent());
        app.budget = -1;
        ep.resumeReading(id);
        assertEquals("hello", app.data.toString());
        assertEquals("FIN ", flagsSent());
        assertEquals(TcpState.LAST_ACK, ep.state(id));
        assertEquals(TcpEndpoint.ERR_INVALID_ID, ep.closeWhenRead(12345));
    }

    @Test
    void closeWhenReadWithNothingUnreadIsAnOrdinaryClose()
    {
        established();
        send(data(in(), "hi"));
        send(in().seq(REMOTE_SEQ + 3).flags(FIN | ACK));
        recv();
        assertEquals(0, ep.closeWhenRead(id));
        assertEquals("FIN ", flagsSent());
        assertEquals(TcpState.LAST_ACK, ep.state(id));
    }

    /** "FIN " and "RST " for each such segment emitted now (ACK-only segments say nothing). */
    private String flagsSent()
    {
        final StringBuilder sb = new StringBuilder();
        for (final TcpSegment seg : recv())
        {
            sb.append((seg.flags & FIN) != 0 ? "FIN " : "").append((seg.flags & TcpSegment.RST) != 0 ? "RST " : "");
        }
        return sb.toString();
    }
}
