package dev.wirespeed.apps.client;

import java.security.MessageDigest;
import java.util.HexFormat;

import dev.wirespeed.apps.serve.MemoryWire;
import dev.wirespeed.apps.serve.Services;
import dev.wirespeed.engine.tcp.TcpConfig;
import dev.wirespeed.engine.tcp.TcpEndpoint;
import dev.wirespeed.engine.tcp.TcpHandler;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The client session against Wirespeed servers over an in-memory wire of real frames (the serve services, and
 * small misbehaving servers), with a fake clock: echo byte-exact, refused, a corrupted echo, the time limit, and
 * the TCB accounting at the end (TIME-WAIT counted apart, or waited out).
 */
class ClientSessionTest
{
    private static final int CLIENT_IP = 0xC0000201;
    private static final int SERVER_IP = 0xC0000202;
    private static final long STEP_NS = 20_000;
    private static final long MSL_NS = 50_000_000L;
    private static final long SEED = 7;

    private final MemoryWire toServer = new MemoryWire();
    private final MemoryWire toClient = new MemoryWire();
    private TcpEndpoint server;
    private TcpEndpoint client;
    private ClientSession session;
    private long nowNs = 1_000_000_000L;

    private void server(final TcpHandler handler)
    {
        final TcpConfig config = new TcpConfig();
        config.mslNs = MSL_NS;
        server = new TcpEndpoint(config, handler, nowNs);
    }

    private void services(final int port, final int kind)
    {
        final Services services = new Services().add(port, kind);
        server(services);
        services.attach(server, SERVER_IP, 128);
    }

    private void client(final int port, final int connections, final long bytes, final boolean echo,
        final long limitNs, final boolean waitTimeWait)
    {
        session = new ClientSession(CLIENT_IP, SERVER_IP, port, connections, bytes, echo, SEED, limitNs, waitTimeWait);
        final TcpConfig config = new TcpConfig();
        config.seed = 99;
        config.mslNs = MSL_NS;
        client = new TcpEndpoint(config, session, nowNs);
        client.addLocalAddress(CLIENT_IP, 24);
        session.attach(client);
    }

    private void run()
    {
        for (int i = 0; i < 5_000_000 && !session.isDone(); i++)
        {
            nowNs += STEP_NS;
            toServer.deliver(server, nowNs);
            toClient.deliver(client, nowNs);
            server.poll(nowNs);
            client.poll(nowNs);
            session.step(nowNs); // a shard duty: after rx and timers, before dispatch
            server.dispatch(nowNs, toClient);
            client.dispatch(nowNs, toServer);
        }
        assertTrue(session.isDone(), "the session ends");
    }

    private static String sha256OfPattern(final int stream, final long length) throws Exception
    {
        final StreamPattern p = new StreamPattern(SEED);
        final MessageDigest md = MessageDigest.getInstance("SHA-256");
        final byte[] chunk = new byte[8192];
        for (long done = 0; done < length; )
        {
            final int n = (int)Math.min(chunk.length, length - done);
            p.fill(stream, done, chunk, 0, n);
            md.update(chunk, 0, n);
            done += n;
        }
        return HexFormat.of().formatHex(md.digest());
    }

    @Test
    void echoOfFortyConnectionsIsByteExactAndNoTcbIsLeftAfterTimeWait() throws Exception
    {
        // 40 > MAX_OPENING: the connects go out in two waves
        services(7, Services.ECHO);
        client(7, 40, 100_000, true, 60_000_000_000L, true);
        run();
        assertTrue(session.succeeded(), String.join("\n", session.messages()));
        assertEquals(40, session.count(ClientSession.OK));
        assertEquals(40 * 100_000L, session.totalSent());
        assertEquals(40 * 100_000L, session.totalReceived());
        assertEquals(0, session.mismatches());
        assertEquals(0, session.tcbsLeft());
        assertEquals(0, session.timeWaitLeft(), "TIME-WAIT waited out");
        assertEquals(0, client.connectionCount());
        assertEquals(0, server.connectionCount(), "the server closed every connection too");
        for (int i = 0; i < 40; i += 13)
        {
            final String expected = sha256OfPattern(i, 100_000);
            assertEquals(expected, session.sha256Sent(i), "connection " + i + " sent its own stream");
            assertEquals(expected, session.sha256Received(i), "connection " + i + " got it back");
        }
    }

    @Test
    void withoutWaitingTimeWaitIsCountedApart()
    {
        services(7, Services.ECHO);
        client(7, 3, 5000, true, 60_000_000_000L, false);
        run();
        assertTrue(session.succeeded(), String.join("\n", session.messages()));
        assertEquals(0, session.tcbsLeft());
        assertEquals(3, session.timeWaitLeft(), "we closed first: our TCBs wait in TIME-WAIT");
        assertEquals(3, client.connectionCount());
    }

    @Test
    void aDiscardServerReturnsNothingAndTheRunStillSucceeds()
    {
        services(9, Services.DISCARD);
        client(9, 2, 300_000, false, 60_000_000_000L, true);
        run();
        assertTrue(session.succeeded(), String.join("\n", session.messages()));
        assertEquals(600_000, session.totalSent());
        assertEquals(0, session.totalReceived());
    }

    @Test
    void noListenerIsRefused()
    {
        services(7, Services.ECHO);
        client(8, 2, 1000, true, 60_000_000_000L, true);
        run();
        assertFalse(session.succeeded());
        assertEquals(2, session.count(ClientSession.REFUSED));
        assertEquals(0, session.tcbsLeft());
        assertTrue(session.messages().get(0).contains("connection refused"), session.messages().get(0));
        assertTrue(session.elapsedNs() < 100_000_000L, "refused at once, not after a timeout: " + session.elapsedNs());
    }

    @Test
    void aCorruptedEchoIsAMismatchAtTheRightByte()
    {
        final CorruptingEcho echo = new CorruptingEcho(5000);
        server(echo);
        echo.endpoint = server;
        server.listen(SERVER_IP, 7, 16);
        client(7, 1, 8192, true, 60_000_000_000L, true);
        run();
        assertFalse(session.succeeded());
        assertEquals(1, session.mismatches());
        assertEquals(8192, session.totalReceived());
        final String m = session.messages().get(0);
        assertTrue(m.contains("echo differs at byte 5000"), m);
    }

    @Test
    void theTimeLimitAbortsWhatIsStillOpenWithRst()
    {
        // a server that reads but never closes: the client waits in FIN-WAIT-2 until its time limit
        final TcpHandler silent = new TcpHandler()
        {
        };
        server(silent);
        server.listen(SERVER_IP, 7, 16);
        client(7, 2, 1000, false, 300_000_000L, true);
        run();
        assertFalse(session.succeeded());
        assertEquals(2, session.count(ClientSession.ABORTED));
        assertNotNull(session.stopReason());
        assertTrue(session.stopReason().contains("time limit"), session.stopReason());
        assertEquals(0, session.tcbsLeft(), "aborted TCBs are gone");
        for (int i = 0; i < 1000 && server.connectionCount() > 0; i++)
        {
            nowNs += STEP_NS;
            toServer.deliver(server, nowNs);
        }
        assertEquals(0, server.connectionCount(), "our RSTs reached the server");
    }

    @Test
    void stopAbortsAndNamesTheReason()
    {
        services(7, Services.ECHO);
        client(7, 1, 50_000_000, true, 60_000_000_000L, true);
        for (int i = 0; i < 200; i++)
        {
            nowNs += STEP_NS;
            toServer.deliver(server, nowNs);
            toClient.deliver(client, nowNs);
            session.step(nowNs);
            server.dispatch(nowNs, toClient);
            client.dispatch(nowNs, toServer);
        }
        assertTrue(session.totalSent() > 0);
        session.stop("interrupted");
        run();
        assertEquals(1, session.count(ClientSession.ABORTED));
        assertEquals("interrupted", session.stopReason());
        assertEquals(0, session.tcbsLeft());
    }

    /** Echo that flips one byte of the stream; closes after the client's FIN. Small streams only (no backpressure). */
    private static final class CorruptingEcho implements TcpHandler
    {
        TcpEndpoint endpoint;
        private final long flipAt;
        private long position;
        private final UnsafeBuffer copy = new UnsafeBuffer(new byte[1 << 16]);

        CorruptingEcho(final long flipAt)
        {
            this.flipAt = flipAt;
        }

        public int onData(final long id, final DirectBuffer buffer, final int offset, final int length)
        {
            buffer.getBytes(offset, copy, 0, length);
            if (flipAt >= position && flipAt < position + length)
            {
                final int at = (int)(flipAt - position);
                copy.putByte(at, (byte)~copy.getByte(at));
            }
            position += length;
            assertEquals(length, endpoint.write(id, copy, 0, length));
            return length;
        }

        public void onPeerClosed(final long id)
        {
            endpoint.shutdownOutput(id);
        }
    }
}
