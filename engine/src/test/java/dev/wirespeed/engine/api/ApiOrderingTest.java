package dev.wirespeed.engine.api;

import dev.wirespeed.engine.tcp.TcpEndpoint;
import org.agrona.DirectBuffer;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static dev.wirespeed.engine.api.ApiLoop.CLIENT_IP;
import static dev.wirespeed.engine.api.ApiLoop.SERVER_IP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Event order under backpressure, deterministic on one thread ({@link ApiLoop}): end of stream after the last byte
 * when TCP reports the FIN while bytes still wait for room in the event ring; a connection that ends on the wire
 * with unread bytes closes only after they are read; control events that wait in the backlog keep their order;
 * CLOSE waits for parked write bytes; a listener that consumes part of a DATA event gets the rest first.
 */
class ApiOrderingTest
{
    static final int PORT = 80;

    /** Per connection: its events in order ("DATA n" merges consecutive data), its bytes. */
    static final class Recorder implements ConnectionListener
    {
        final Long2ObjectHashMap<List<String>> events = new Long2ObjectHashMap<>();
        final Long2ObjectHashMap<StringBuilder> data = new Long2ObjectHashMap<>();
        final List<Long> order = new ArrayList<>();
        final List<Long> toClose = new ArrayList<>();
        CommandProxy commands;
        boolean closeOnPeerClosed;
        int maxConsume = Integer.MAX_VALUE;
        boolean shutdownOnAccept;

        List<String> of(final long id)
        {
            return events.computeIfAbsent(id, k ->
            {
                order.add(k);
                return new ArrayList<>();
            });
        }

        void add(final long id, final String event)
        {
            of(id).add(event);
        }

        public void onConnected(final long correlationId, final long connectionId)
        {
            add(connectionId, "CONNECTED " + correlationId);
        }

        public void onAccepted(final int listenerPort, final long connectionId)
        {
            add(connectionId, "ACCEPTED");
            if (shutdownOnAccept)
            {
                assertTrue(commands.shutdownOutput(connectionId));
            }
        }

        public int onData(final long connectionId, final DirectBuffer buffer, final int offset, final int length)
        {
            final int n = Math.min(length, maxConsume);
            data.computeIfAbsent(connectionId, k -> new StringBuilder())
                .append(buffer.getStringWithoutLengthAscii(offset, n));
            final List<String> list = of(connectionId);
            if (!list.isEmpty() && list.get(list.size() - 1).equals("DATA"))
            {
                return n;
            }
            list.add("DATA");
            return n;
        }

        public void onWriteBlocked(final long connectionId)
        {
            add(connectionId, "WRITE_BLOCKED");
        }

        public void onWritable(final long connectionId)
        {
            add(connectionId, "WRITABLE");
        }

        public void onPeerClosed(final long connectionId)
        {
            add(connectionId, "PEER_CLOSED");
            if (closeOnPeerClosed)
            {
                toClose.add(connectionId);
            }
        }

        public void onReset(final long connectionId)
        {
            add(connectionId, "RESET");
        }

        public void onTimeout(final long connectionId)
        {
            add(connectionId, "TIMEOUT");
        }

        public void onClosed(final long connectionId)
        {
            add(connectionId, "CLOSED");
        }

        public void onCommandFailed(final long connectionId, final int commandTypeId, final int errorCode)
        {
            add(connectionId, ApiMessages.commandName(commandTypeId) + " FAILED " + errorCode);
        }

        int poll(final EventAdapter adapter)
        {
            final int n = adapter.poll(16);
            for (final long id : toClose)
            {
                assertTrue(commands.close(id));
            }
            toClose.clear();
            return n;
        }

        String data(final long id)
        {
            final StringBuilder sb = data.get(id);
            return sb == null ? "" : sb.toString();
        }
    }

    static String text(final int length, final int salt)
    {
        final StringBuilder sb = new StringBuilder(length);
        for (int i = 0; i < length; i++)
        {
            sb.append((char)('a' + (i * 7 + salt + i / 26) % 26));
        }
        return sb.toString();
    }

    static UnsafeBuffer ascii(final String s)
    {
        return new UnsafeBuffer(s.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }

    final Recorder clientApp = new Recorder();
    final Recorder serverApp = new Recorder();

    ApiLoop loop(final int serverEventRing, final int clientCommandRing, final int parkCapacity)
    {
        final ApiLoop loop = new ApiLoop(
            new ApiLoop.Node(0, CLIENT_IP, ApiLoop.config(41), clientCommandRing, 64 * 1024, parkCapacity,
                clientApp),
            new ApiLoop.Node(1, SERVER_IP, ApiLoop.config(42), 64 * 1024, serverEventRing, 0, serverApp));
        clientApp.commands = loop.client.commands;
        serverApp.commands = loop.server.commands;
        loop.server.endpoint.listen(SERVER_IP, PORT, 128);
        return loop;
    }

    long connect(final ApiLoop loop, final long correlationId)
    {
        assertTrue(loop.client.commands.connect(correlationId, SERVER_IP, PORT));
        final int before = clientApp.order.size();
        loop.stepUntil("connected", 100, () ->
        {
            clientApp.poll(loop.client.events);
            return clientApp.order.size() > before;
        });
        return clientApp.order.get(clientApp.order.size() - 1);
    }

    void drain(final ApiLoop loop, final int steps)
    {
        for (int i = 0; i < steps; i++)
        {
            clientApp.poll(loop.client.events);
            serverApp.poll(loop.server.events);
            loop.step();
        }
    }

    @Test
    void peerClosedIsHeldUntilTheLastByteIsInTheEventRing()
    {
        final ApiLoop loop = loop(1024, 64 * 1024, 0);
        serverApp.closeOnPeerClosed = true;
        final long c = connect(loop, 1);
        final String message = text(10_000, 1);
        assertEquals(10_000, loop.client.commands.write(c, ascii(message), 0, 10_000));
        assertTrue(loop.client.commands.shutdownOutput(c));
        // the server application does not poll: the FIN arrives while most bytes wait in TCP
        for (int i = 0; i < 50; i++)
        {
            clientApp.poll(loop.client.events);
            loop.step();
        }
        assertTrue(loop.server.proxy.readBlocks() > 0);
        assertEquals(1, loop.server.proxy.readBlockedConnections());
        drain(loop, 400);

        assertEquals(1, serverApp.order.size());
        final long s = serverApp.order.get(0);
        assertEquals(message, serverApp.data(s));
        assertEquals(List.of("ACCEPTED", "DATA", "PEER_CLOSED", "CLOSED"), serverApp.of(s));
        assertEquals(List.of("CONNECTED 1", "PEER_CLOSED", "CLOSED"), clientApp.of(c));
        assertEquals(0, loop.client.endpoint.connectionCount() + loop.server.endpoint.connectionCount());
        assertEquals(0, loop.server.proxy.readBlockedConnections());
    }

    @Test
    void aConnectionEndedOnTheWireWithUnreadBytesClosesAfterTheLastRead()
    {
        final ApiLoop loop = loop(1024, 64 * 1024, 0);
        serverApp.shutdownOnAccept = true;
        final long c = connect(loop, 2);
        // the server's application sees ACCEPTED (and half-closes) before the data arrives
        loop.stepUntil("accepted", 20, () ->
        {
            serverApp.poll(loop.server.events);
            return !serverApp.order.isEmpty();
        });
        final String message = text(8_000, 2);
        assertEquals(8_000, loop.client.commands.write(c, ascii(message), 0, 8_000));
        loop.stepUntil("the server's FIN", 100, () ->
        {
            clientApp.poll(loop.client.events);
            return clientApp.of(c).contains("PEER_CLOSED");
        });
        assertTrue(loop.client.commands.close(c));
        // the server enters TIME-WAIT with bytes its application has not had yet
        for (int i = 0; i < 20; i++)
        {
            clientApp.poll(loop.client.events);
            loop.step();
        }
        final long s = serverApp.order.get(0);
        assertEquals(List.of("ACCEPTED"), serverApp.of(s));
        assertEquals(1, loop.server.proxy.readBlockedConnections());
        drain(loop, 400);

        assertEquals(message, serverApp.data(s));
        assertEquals(List.of("ACCEPTED", "DATA", "PEER_CLOSED", "CLOSED"), serverApp.of(s));
        assertEquals(List.of("CONNECTED 2", "PEER_CLOSED", "CLOSED"), clientApp.of(c));
        assertEquals(0, loop.client.endpoint.connectionCount() + loop.server.endpoint.connectionCount());
    }

    @Test
    void controlEventsWaitingInTheBacklogKeepTheirOrder()
    {
        final ApiLoop loop = loop(1024, 64 * 1024, 0);
        serverApp.closeOnPeerClosed = true;
        final int connections = 60;
        final long[] ids = new long[connections];
        for (int i = 0; i < connections; i++)
        {
            ids[i] = connect(loop, 100 + i);
        }
        for (int i = 0; i < connections; i++)
        {
            final String m = "hello " + i;
            assertEquals(m.length(), loop.client.commands.write(ids[i], ascii(m), 0, m.length()));
            assertTrue(loop.client.commands.shutdownOutput(ids[i]));
        }
        for (int i = 0; i < 30; i++)
        {
            clientApp.poll(loop.client.events);
            loop.step();
        }
        // 60 ACCEPTED alone overflow a 1 KiB ring
        assertTrue(loop.server.proxy.backloggedEvents() > 0);
        drain(loop, 400);

        assertEquals(connections, serverApp.order.size());
        final List<String> greetings = new ArrayList<>();
        for (final long s : serverApp.order)
        {
            assertEquals(List.of("ACCEPTED", "DATA", "PEER_CLOSED", "CLOSED"), serverApp.of(s), "" + s);
            greetings.add(serverApp.data(s));
        }
        for (int i = 0; i < connections; i++)
        {
            assertTrue(greetings.contains("hello " + i), greetings.toString());
            assertEquals(List.of("CONNECTED " + (100 + i), "PEER_CLOSED", "CLOSED"), clientApp.of(ids[i]));
        }
        assertEquals(0, loop.server.proxy.backlogSize());
        assertEquals(0, loop.client.endpoint.connectionCount() + loop.server.endpoint.connectionCount());
    }

    @Test
    void closeWaitsForParkedBytesAndPartialConsumptionKeepsOrder()
    {
        // 256 KiB command ring (32 KiB messages) against a 64 KiB send buffer: most of the write parks or waits
        final ApiLoop loop = loop(64 * 1024, 256 * 1024, 0);
        serverApp.closeOnPeerClosed = true;
        serverApp.maxConsume = 1000;
        final long c = connect(loop, 3);
        final String message = text(200_000, 3);
        assertEquals(200_000, loop.client.commands.write(c, ascii(message), 0, 200_000));
        assertTrue(loop.client.commands.close(c));
        boolean closeWaited = false;
        for (int i = 0; i < 2_000 && !clientApp.of(c).contains("CLOSED"); i++)
        {
            clientApp.poll(loop.client.events);
            serverApp.poll(loop.server.events);
            loop.step();
            // the CLOSE has left the ring while bytes before it are still parked
            closeWaited |= loop.client.commandRing.size() == 0 && loop.client.adapter.parkedConnections() > 0;
        }
        drain(loop, 50);
        assertTrue(closeWaited, "CLOSE was applied while bytes were parked");
        assertTrue(loop.client.adapter.writesParked() > 0);
        final long s = serverApp.order.get(0);
        assertEquals(message.length(), serverApp.data(s).length());
        assertEquals(message, serverApp.data(s));
        assertEquals(List.of("ACCEPTED", "DATA", "PEER_CLOSED", "CLOSED"), serverApp.of(s));
        final List<String> clientEvents = clientApp.of(c);
        assertEquals(List.of("CONNECTED 3", "PEER_CLOSED", "CLOSED"),
            clientEvents.stream().filter(e -> !e.startsWith("WRIT")).toList());
        final long blocked = clientEvents.stream().filter(e -> e.equals("WRITE_BLOCKED")).count();
        assertTrue(blocked > 0);
        assertEquals(blocked, clientEvents.stream().filter(e -> e.equals("WRITABLE")).count(), clientEvents.toString());
        assertEquals(0, loop.client.endpoint.connectionCount() + loop.server.endpoint.connectionCount());
        assertEquals(TcpEndpoint.ERR_INVALID_ID, loop.client.endpoint.write(ConnectionId.endpointId(c), ascii("x"), 0, 1));
    }
}
