package dev.wirespeed.engine.api;

import dev.wirespeed.engine.tcp.TcpConfig;
import dev.wirespeed.engine.tcp.TcpEndpoint;
import dev.wirespeed.engine.tcp.TcpHandler;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static dev.wirespeed.engine.api.ApiMessages.*;
import static dev.wirespeed.engine.api.ApiTestShard.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Connection set-up and tear-down through the application API, both shards on their own threads and the test
 * thread as the application of both: refused, timed out and rejected connects; LISTEN through the command ring;
 * half-close; a write after shutdown; a command for another shard; abort seen by the peer as a reset.
 */
class ApiConnectTest
{
    ApiTestShard client;
    ApiTestShard server;

    @AfterEach
    void stop()
    {
        if (client != null)
        {
            client.stop();
        }
        if (server != null)
        {
            server.stop();
        }
    }

    /** Records events as strings (connection ids replaced by "c"). */
    static final class Recorder implements ConnectionListener
    {
        final List<String> events = new ArrayList<>();
        final StringBuilder data = new StringBuilder();
        long connectionId = -1;

        public void onConnected(final long correlationId, final long connectionId)
        {
            this.connectionId = connectionId;
            events.add("connected " + correlationId);
        }

        public void onConnectFailed(final long correlationId, final int reason, final int errorCode)
        {
            events.add("connect failed " + correlationId + " reason " + reason + " error " + errorCode);
        }

        public void onAccepted(final int listenerPort, final long connectionId)
        {
            this.connectionId = connectionId;
            events.add("accepted " + listenerPort);
        }

        public int onData(final long connectionId, final DirectBuffer buffer, final int offset, final int length)
        {
            data.append(buffer.getStringWithoutLengthAscii(offset, length));
            return length;
        }

        public void onPeerClosed(final long connectionId)
        {
            events.add("peer closed");
        }

        public void onReset(final long connectionId)
        {
            events.add("reset");
        }

        public void onTimeout(final long connectionId)
        {
            events.add("timeout");
        }

        public void onClosed(final long connectionId)
        {
            events.add(connectionId == this.connectionId ? "closed" : "closed other");
        }

        public void onCommandFailed(final long connectionId, final int commandTypeId, final int errorCode)
        {
            events.add(commandName(commandTypeId) + " failed " + errorCode);
        }
    }

    final class Side
    {
        final ManyToOneRingBuffer commandRing = CommandProxy.newCommandRing(64 * 1024);
        final OneToOneRingBuffer eventRing = EventProxy.newEventRing(64 * 1024);
        final EventProxy proxy;
        final TcpEndpoint endpoint;
        final CommandAdapter adapter;
        final ApiTestShard shard;
        final CommandProxy commands = new CommandProxy(commandRing);
        final Recorder app = new Recorder();
        final EventAdapter events = new EventAdapter(eventRing, app);
        final AtomicLong commandsApplied = new AtomicLong();

        Side(final String name, final int shardIndex, final TcpConfig config, final int ip, final long mac,
            final long peerMac)
        {
            proxy = new EventProxy(shardIndex, eventRing);
            endpoint = new TcpEndpoint(config, proxy, System.nanoTime());
            endpoint.addLocalAddress(ip, 24);
            adapter = new CommandAdapter(shardIndex, endpoint, commandRing, proxy, ip);
            shard = new ApiTestShard(name, endpoint, mac, peerMac);
            shard.addDuty(adapter);
            shard.addDuty(nowNs ->
            {
                commandsApplied.lazySet(adapter.commands());
                return 0;
            });
        }
    }

    Side clientSide;
    Side serverSide;

    void startBoth(final TcpConfig clientConfig)
    {
        clientSide = new Side("client", 0, clientConfig, CLIENT_IP, CLIENT_MAC, SERVER_MAC);
        serverSide = new Side("server", 1, config(22), SERVER_IP, SERVER_MAC, CLIENT_MAC);
        client = clientSide.shard;
        server = serverSide.shard;
        ApiTestShard.link(client, server);
        client.start();
        server.start();
    }

    int pollBoth()
    {
        return clientSide.events.poll(64) + serverSide.events.poll(64);
    }

    void awaitEvents(final Recorder app, final int count)
    {
        runUntil(count + " events, have " + app.events, 30 * SEC, () -> app.events.size() >= count, this::pollBoth,
            client, server);
    }

    void awaitDrained()
    {
        runUntil("both tables to drain", 30 * SEC, () -> client.connections == 0 && server.connections == 0,
            this::pollBoth, client, server);
    }

    @Test
    void connectToAClosedPortFailsAsRefusedAndABadAddressAsAnError()
    {
        startBoth(config(21));
        assertTrue(clientSide.commands.connect(1001, SERVER_IP, 81));
        assertTrue(clientSide.commands.connect(1002, 0xffffffff, 80));
        awaitEvents(clientSide.app, 2);
        awaitDrained();
        assertEquals(List.of(
            "connect failed 1002 reason " + CONNECT_ERROR + " error " + TcpEndpoint.ERR_BAD_ADDRESS,
            "connect failed 1001 reason " + CONNECT_REFUSED + " error 0"), clientSide.app.events);
        assertEquals(List.of(), serverSide.app.events);
    }

    @Test
    void connectWithNoAnswerTimesOut()
    {
        final TcpConfig config = config(23);
        config.synRetries = 1;
        config.initialRtoNs = 5_000_000L;
        startBoth(config);
        // the server drops SYNs for an address that is not its own: no RST, only silence
        assertTrue(clientSide.commands.connect(7, 0xc0000209, 80));
        awaitEvents(clientSide.app, 1);
        awaitDrained();
        assertEquals(List.of("connect failed 7 reason " + CONNECT_TIMED_OUT + " error 0"), clientSide.app.events);
    }

    @Test
    void listenHalfCloseWriteAfterShutdownWrongShardAndAbortSeenByThePeerAsReset()
    {
        startBoth(config(24));
        assertTrue(serverSide.commands.listen(SERVER_IP, 80, 8));
        runUntil("LISTEN applied", 30 * SEC, () -> serverSide.commandsApplied.get() >= 1, this::pollBoth, server);

        assertTrue(clientSide.commands.connect(99, SERVER_IP, 80));
        awaitEvents(clientSide.app, 1);
        awaitEvents(serverSide.app, 1);
        final long c = clientSide.app.connectionId;
        final long s = serverSide.app.connectionId;
        assertEquals(0, ConnectionId.shardIndex(c));
        assertEquals(1, ConnectionId.shardIndex(s));

        final byte[] hello = "hello".getBytes(StandardCharsets.US_ASCII);
        assertEquals(5, clientSide.commands.write(c, new UnsafeBuffer(hello), 0, 5));
        assertEquals(5, serverSide.commands.write(s, new UnsafeBuffer("world".getBytes(StandardCharsets.US_ASCII)),
            0, 5));
        runUntil("hello/world", 30 * SEC,
            () -> serverSide.app.data.length() == 5 && clientSide.app.data.length() == 5, this::pollBoth,
            client, server);
        assertEquals("hello", serverSide.app.data.toString());
        assertEquals("world", clientSide.app.data.toString());

        // half-close: the server hears end of stream and can still send
        assertTrue(clientSide.commands.shutdownOutput(c));
        awaitEvents(serverSide.app, 2);
        assertEquals(5, clientSide.commands.write(c, new UnsafeBuffer(hello), 0, 5));
        // the client's shard index with a connection of shard 1: not this shard's
        assertTrue(clientSide.commands.close(s));
        awaitEvents(clientSide.app, 3);
        assertEquals(List.of(
            "connected 99",
            "WRITE failed " + TcpEndpoint.ERR_OUTPUT_SHUTDOWN,
            "CLOSE failed " + ERR_WRONG_SHARD), clientSide.app.events);
        assertEquals(5, serverSide.commands.write(s, new UnsafeBuffer("again".getBytes(StandardCharsets.US_ASCII)),
            0, 5));
        runUntil("again", 30 * SEC, () -> clientSide.app.data.length() == 10, this::pollBoth, client, server);

        assertTrue(clientSide.commands.abort(c));
        awaitEvents(clientSide.app, 4);
        awaitEvents(serverSide.app, 4);
        awaitDrained();
        assertEquals("worldagain", clientSide.app.data.toString());
        assertEquals(List.of(
            "connected 99",
            "WRITE failed " + TcpEndpoint.ERR_OUTPUT_SHUTDOWN,
            "CLOSE failed " + ERR_WRONG_SHARD,
            "closed"), clientSide.app.events);
        assertEquals(List.of("accepted 80", "peer closed", "reset", "closed"), serverSide.app.events);
    }

    @Test
    void shardThreadHandlerAndApplicationEventsCanBeMixedOnOneEndpoint()
    {
        // a zero-copy handler on the server shard, the API on the client shard: the client sees the same events
        final TcpConfig cfg = config(25);
        clientSide = new Side("client", 2, cfg, CLIENT_IP, CLIENT_MAC, SERVER_MAC);
        final TcpEndpoint[] serverEndpoint = new TcpEndpoint[1];
        final long[] toClose = { -1 };
        serverEndpoint[0] = new TcpEndpoint(config(26), new TcpHandler()
        {
            public int onData(final long id, final DirectBuffer buffer, final int offset, final int length)
            {
                // uppercase echo, straight from the received view
                final UnsafeBuffer out = new UnsafeBuffer(new byte[length]);
                for (int i = 0; i < length; i++)
                {
                    out.putByte(i, (byte)Character.toUpperCase(buffer.getByte(offset + i)));
                }
                serverEndpoint[0].write(id, out, 0, length);
                // closed after this call returns: closing with the bytes still unconsumed would reset
                toClose[0] = id;
                return length;
            }
        }, System.nanoTime());
        serverEndpoint[0].listen(SERVER_IP, 80, 4);
        client = clientSide.shard;
        server = new ApiTestShard("server", serverEndpoint[0], SERVER_MAC, CLIENT_MAC);
        server.addDuty(nowNs ->
        {
            if (toClose[0] >= 0)
            {
                serverEndpoint[0].close(toClose[0]);
                toClose[0] = -1;
            }
            return 0;
        });
        ApiTestShard.link(client, server);
        client.start();
        server.start();

        assertTrue(clientSide.commands.connect(3, SERVER_IP, 80));
        runUntil("connected", 30 * SEC, () -> clientSide.app.connectionId >= 0, () -> clientSide.events.poll(64),
            client, server);
        final long c = clientSide.app.connectionId;
        assertEquals(2, ConnectionId.shardIndex(c));
        assertEquals(3, clientSide.commands.write(c, new UnsafeBuffer("abc".getBytes(StandardCharsets.US_ASCII)), 0, 3));
        runUntil("peer closed", 30 * SEC, () -> clientSide.app.events.contains("peer closed"),
            () -> clientSide.events.poll(64), client, server);
        assertTrue(clientSide.commands.close(c));
        runUntil("both tables to drain", 30 * SEC, () -> client.connections == 0 && server.connections == 0,
            () -> clientSide.events.poll(64), client, server);
        assertEquals("ABC", clientSide.app.data.toString());
        assertEquals(List.of("connected 3", "peer closed", "closed"), clientSide.app.events);
    }
}
