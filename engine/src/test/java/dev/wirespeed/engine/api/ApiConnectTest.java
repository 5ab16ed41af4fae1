package dev.wirespeed.engine.api;

import dev.wirespeed.engine.runtime.Engine;
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
import static dev.wirespeed.engine.api.EnginePair.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Connection set-up and tear-down through the application API, both shards on their own threads (two real engines
 * over an in-process ring pair, {@link EnginePair}) and the test thread as the application of both: refused, timed
 * out and rejected connects; LISTEN through the command ring; half-close; a write after shutdown; a command for
 * another shard; abort seen by the peer as a reset.
 */
class ApiConnectTest
{
    EnginePair pair;

    @AfterEach
    void stop()
    {
        if (pair != null)
        {
            pair.close();
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

    /** One side's application API: its rings, the proxy (the engine's handler) and the adapter (a duty). */
    static final class Side
    {
        final ManyToOneRingBuffer commandRing = CommandProxy.newCommandRing(64 * 1024);
        final OneToOneRingBuffer eventRing = EventProxy.newEventRing(64 * 1024);
        final EventProxy proxy;
        CommandAdapter adapter;
        final CommandProxy commands = new CommandProxy(commandRing);
        final Recorder app = new Recorder();
        final EventAdapter events = new EventAdapter(eventRing, app);
        final AtomicLong commandsApplied = new AtomicLong();

        Side(final Engine.Builder builder, final int shardIndex, final TcpConfig config, final int ip)
        {
            proxy = new EventProxy(shardIndex, eventRing);
            builder.tcpConfig(() -> config).handlers(ctx -> proxy)
                .duties(ctx -> adapter = new CommandAdapter(shardIndex, ctx.endpoint(), commandRing, proxy, ip))
                .duties(ctx -> nowNs ->
                {
                    commandsApplied.lazySet(adapter.commands());
                    return 0;
                });
        }
    }

    Side clientSide;
    Side serverSide;

    void startBoth(final String name, final TcpConfig clientConfig)
    {
        pair = new EnginePair(name);
        clientSide = new Side(pair.client(), 0, clientConfig, CLIENT_IP);
        serverSide = new Side(pair.server(), 1, config(22), SERVER_IP);
        pair.build().start();
    }

    int pollBoth()
    {
        return clientSide.events.poll(64) + serverSide.events.poll(64);
    }

    void awaitEvents(final Recorder app, final int count)
    {
        pair.runUntil(count + " events, have " + app.events, 30 * SEC, () -> app.events.size() >= count,
            this::pollBoth);
    }

    void awaitDrained()
    {
        pair.awaitDrained(this::pollBoth);
    }

    @Test
    void connectToAClosedPortFailsAsRefusedAndABadAddressAsAnError()
    {
        startBoth("ws_t_refused", config(21));
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
        startBoth("ws_t_silent", config);
        // no host has that address: the client's ARP requests go unanswered, its SYNs never leave, only silence
        assertTrue(clientSide.commands.connect(7, 0xc0000209, 80));
        awaitEvents(clientSide.app, 1);
        awaitDrained();
        assertEquals(List.of("connect failed 7 reason " + CONNECT_TIMED_OUT + " error 0"), clientSide.app.events);
    }

    @Test
    void listenHalfCloseWriteAfterShutdownWrongShardAndAbortSeenByThePeerAsReset()
    {
        startBoth("ws_t_listen", config(24));
        assertTrue(serverSide.commands.listen(SERVER_IP, 80, 8));
        pair.runUntil("LISTEN applied", 30 * SEC, () -> serverSide.commandsApplied.get() >= 1, this::pollBoth);

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
        pair.runUntil("hello/world", 30 * SEC,
            () -> serverSide.app.data.length() == 5 && clientSide.app.data.length() == 5, this::pollBoth);
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
        pair.runUntil("again", 30 * SEC, () -> clientSide.app.data.length() == 10, this::pollBoth);

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
        pair = new EnginePair("ws_t_mixed");
        clientSide = new Side(pair.client(), 2, config(25), CLIENT_IP);
        final TcpEndpoint[] serverEndpoint = new TcpEndpoint[1];
        final long[] toClose = { -1 };
        pair.server().tcpConfig(() -> config(26)).handlers(ctx -> new TcpHandler()
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
        }).duties(ctx -> nowNs ->
        {
            if (toClose[0] >= 0)
            {
                serverEndpoint[0].close(toClose[0]);
                toClose[0] = -1;
            }
            return 0;
        });
        pair.build();
        serverEndpoint[0] = pair.engine(SERVER).context(0).endpoint();
        serverEndpoint[0].listen(SERVER_IP, 80, 4);
        pair.start();

        assertTrue(clientSide.commands.connect(3, SERVER_IP, 80));
        pair.runUntil("connected", 30 * SEC, () -> clientSide.app.connectionId >= 0, () -> clientSide.events.poll(64));
        final long c = clientSide.app.connectionId;
        assertEquals(2, ConnectionId.shardIndex(c));
        assertEquals(3, clientSide.commands.write(c, new UnsafeBuffer("abc".getBytes(StandardCharsets.US_ASCII)), 0, 3));
        pair.runUntil("peer closed", 30 * SEC, () -> clientSide.app.events.contains("peer closed"),
            () -> clientSide.events.poll(64));
        assertTrue(clientSide.commands.close(c));
        pair.awaitDrained(() -> clientSide.events.poll(64));
        assertEquals("ABC", clientSide.app.data.toString());
        assertEquals(List.of("connected 3", "peer closed", "closed"), clientSide.app.events);
    }
}
