package dev.wirespeed.engine.api;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static dev.wirespeed.engine.api.EnginePair.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Backpressure end to end with 4 KiB rings (504-byte messages) on both shards, and an echo server that is itself an
 * application thread (EventAdapter → CommandProxy). The server application first stalls, which forces every stage
 * to fill in turn: its event ring (the server shard leaves data in TCP: read blocked), the TCP window, the client's
 * send buffer (the client adapter parks and then stalls at the head of its ring), and the client's command ring
 * ({@link CommandProxy#write} returns short). Only once each of those has been observed does the server resume. Then
 * every byte must come back, in order, and both sides close cleanly. The shards are two real engines on their own
 * threads over an in-process ring pair ({@link EnginePair}).
 */
class ApiBackpressureTest
{
    static final int PORT = 9;
    static final int SIZE = 1 << 20;
    static final int RING = 4096;
    static final int APP_WRITE = 4096;

    EnginePair pair;
    Thread serverApp;

    @AfterEach
    void stop() throws InterruptedException
    {
        if (serverApp != null)
        {
            serverApp.interrupt();
            serverApp.join(10_000);
        }
        if (pair != null)
        {
            pair.close();
        }
    }

    @Test
    void stalledReceiverFillsEveryStageAndNoByteIsLost() throws InterruptedException
    {
        final byte[] data = new byte[SIZE];
        new SplittableRandom(7).nextBytes(data);

        final ManyToOneRingBuffer clientCommands = CommandProxy.newCommandRing(RING);
        final OneToOneRingBuffer clientEvents = EventProxy.newEventRing(RING);
        final EventProxy clientProxy = new EventProxy(0, clientEvents);
        final ManyToOneRingBuffer serverCommands = CommandProxy.newCommandRing(RING);
        final OneToOneRingBuffer serverEvents = EventProxy.newEventRing(RING);
        final EventProxy serverProxy = new EventProxy(1, serverEvents);
        final CommandAdapter[] adapters = new CommandAdapter[2];

        // probes: shard-thread counters published for the application threads
        final AtomicLong serverCommandsApplied = new AtomicLong();
        final AtomicLong serverReadBlocks = new AtomicLong();
        final AtomicLong clientHeadOfLineStalls = new AtomicLong();
        pair = new EnginePair("ws_t_bp");
        pair.client().tcpConfig(() -> config(11)).handlers(ctx -> clientProxy)
            .duties(ctx -> adapters[CLIENT] = new CommandAdapter(0, ctx.endpoint(), clientCommands, clientProxy,
                CLIENT_IP, 16, 0))
            .duties(ctx -> nowNs ->
            {
                clientHeadOfLineStalls.lazySet(adapters[CLIENT].headOfLineStalls());
                return 0;
            });
        pair.server().tcpConfig(() -> config(12)).handlers(ctx -> serverProxy)
            .duties(ctx -> adapters[SERVER] = new CommandAdapter(1, ctx.endpoint(), serverCommands, serverProxy,
                SERVER_IP, 16, 0))
            .duties(ctx -> nowNs ->
            {
                serverCommandsApplied.lazySet(adapters[SERVER].commands());
                serverReadBlocks.lazySet(serverProxy.readBlocks());
                return 0;
            });
        pair.build().start();
        final CommandAdapter clientAdapter = adapters[CLIENT];
        final CommandAdapter serverAdapter = adapters[SERVER];

        // the server application: listen, then stall until the whole chain is full, then echo
        final CommandProxy serverCommandProxy = new CommandProxy(serverCommands);
        assertTrue(serverCommandProxy.listen(PORT, 16));
        pair.runUntil("LISTEN to be applied", 30 * SEC, () -> serverCommandsApplied.get() >= 1, () -> 0);

        final AtomicBoolean clientShortWriteWhileFull = new AtomicBoolean();
        final AtomicReference<Throwable> serverAppError = new AtomicReference<>();
        final EchoApp echo = new EchoApp(serverCommandProxy);
        final EventAdapter serverAdapterApp = new EventAdapter(serverEvents, echo);
        serverApp = new Thread(() ->
        {
            try
            {
                final IdleStrategy idle = new BackoffIdleStrategy(10, 20, 1_000, 100_000);
                final long deadline = System.nanoTime() + 120 * SEC;
                while (!(serverReadBlocks.get() > 0 && clientHeadOfLineStalls.get() > 0 &&
                    clientShortWriteWhileFull.get()))
                {
                    if (System.nanoTime() - deadline > 0 || Thread.currentThread().isInterrupted())
                    {
                        throw new AssertionError("the chain never filled: readBlocks " + serverReadBlocks.get() +
                            " hol " + clientHeadOfLineStalls.get() + " short " + clientShortWriteWhileFull.get());
                    }
                    idle.idle();
                }
                echo.resumedAfterStall = true;
                while (!echo.closed)
                {
                    if (System.nanoTime() - deadline > 0 || Thread.currentThread().isInterrupted())
                    {
                        throw new AssertionError("server application timed out, echoed " + echo.echoed);
                    }
                    int work = serverAdapterApp.poll(64);
                    if (echo.peerClosed && !echo.closeSent)
                    {
                        echo.closeSent = serverCommandProxy.close(echo.connectionId);
                    }
                    idle.idle(work);
                }
            }
            catch (final Throwable t)
            {
                serverAppError.set(t);
            }
        }, "server-app");
        serverApp.start();

        // the client application on this thread
        final CommandProxy commands = new CommandProxy(clientCommands);
        final ClientApp app = new ClientApp(data);
        final EventAdapter adapter = new EventAdapter(clientEvents, app);
        final UnsafeBuffer src = new UnsafeBuffer(data);
        assertTrue(commands.connect(5, SERVER_IP, PORT));
        pair.runUntil("the echo to complete and the connection to close", 120 * SEC,
            () -> app.closed || serverAppError.get() != null, () ->
            {
                int work = adapter.poll(64);
                if (app.connectionId >= 0 && app.written < SIZE)
                {
                    final int want = Math.min(APP_WRITE, SIZE - app.written);
                    final int n = commands.write(app.connectionId, src, app.written, want);
                    if (n < want)
                    {
                        app.shortWrites++;
                        if (serverReadBlocks.get() > 0 && clientHeadOfLineStalls.get() > 0)
                        {
                            clientShortWriteWhileFull.set(true);
                        }
                    }
                    app.written += n;
                    work += n;
                }
                if (app.written == SIZE && !app.shutdownSent)
                {
                    app.shutdownSent = commands.shutdownOutput(app.connectionId);
                }
                return work;
            });
        serverApp.join(60_000);
        assertNull(serverAppError.get(), () -> String.valueOf(serverAppError.get()));
        pair.awaitDrained(() -> adapter.poll(64));
        // what each shard published last, before closing the engines (which would reset any connection left)
        final int clientConnections = pair.connections(CLIENT);
        final int serverConnections = pair.connections(SERVER);
        pair.close();

        assertTrue(app.failure.isEmpty(), app.failure);
        assertTrue(echo.failure.isEmpty(), echo.failure);
        assertEquals(-1, app.mismatchAt, "first byte that differs");
        assertEquals(SIZE, app.received);
        assertEquals(SIZE, echo.echoed);
        assertTrue(app.peerClosed && echo.peerClosed && echo.closed);
        assertTrue(echo.resumedAfterStall);

        // every stage was full at least once
        assertTrue(serverProxy.readBlocks() > 0, "server shard left data in TCP");
        assertTrue(clientAdapter.writesParked() > 0, "client shard parked a write");
        assertTrue(clientAdapter.headOfLineStalls() > 0, "client shard stalled at the head of its ring");
        assertTrue(app.shortWrites > 0, "client CommandProxy reported a full ring");
        assertTrue(app.writeBlocked > 0);
        assertEquals(app.writeBlocked, app.writable, "every WRITE_BLOCKED is followed by WRITABLE");

        assertEquals(0, clientConnections);
        assertEquals(0, serverConnections);
        assertEquals(0, clientAdapter.parkedConnections() + serverAdapter.parkedConnections());
        assertEquals(0, clientProxy.readBlockedConnections() + serverProxy.readBlockedConnections());
        assertEquals(0, clientProxy.backlogSize() + serverProxy.backlogSize());
        assertEquals(0, clientAdapter.commandsFailed() + serverAdapter.commandsFailed());
    }

    /** Echoes on an application thread: consumes only what its own command ring accepted. */
    static final class EchoApp implements ConnectionListener
    {
        final CommandProxy commands;
        volatile boolean resumedAfterStall;
        long connectionId = -1;
        long echoed;
        boolean peerClosed;
        boolean closeSent;
        volatile boolean closed;
        String failure = "";

        EchoApp(final CommandProxy commands)
        {
            this.commands = commands;
        }

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

        public void onPeerClosed(final long connectionId)
        {
            peerClosed = true;
        }

        public void onReset(final long connectionId)
        {
            failure += "reset; ";
        }

        public void onTimeout(final long connectionId)
        {
            failure += "timeout; ";
        }

        public void onCommandFailed(final long connectionId, final int commandTypeId, final int errorCode)
        {
            failure += ApiMessages.commandName(commandTypeId) + " failed " + errorCode + "; ";
        }

        public void onClosed(final long connectionId)
        {
            closed = true;
        }
    }

    static final class ClientApp implements ConnectionListener
    {
        final byte[] expected;
        long connectionId = -1;
        int written;
        int received;
        int mismatchAt = -1;
        long shortWrites;
        long writeBlocked;
        long writable;
        boolean shutdownSent;
        boolean peerClosed;
        boolean closed;
        String failure = "";

        ClientApp(final byte[] expected)
        {
            this.expected = expected;
        }

        public void onConnected(final long correlationId, final long connectionId)
        {
            this.connectionId = connectionId;
        }

        public void onConnectFailed(final long correlationId, final int reason, final int errorCode)
        {
            failure += "connect failed " + reason + "/" + errorCode + "; ";
            closed = true;
        }

        public int onData(final long connectionId, final DirectBuffer buffer, final int offset, final int length)
        {
            if (mismatchAt < 0 && !sameBytes(buffer, offset, expected, received, length))
            {
                mismatchAt = received;
            }
            received += length;
            return length;
        }

        public void onWriteBlocked(final long connectionId)
        {
            writeBlocked++;
        }

        public void onWritable(final long connectionId)
        {
            writable++;
        }

        public void onPeerClosed(final long connectionId)
        {
            if (received != expected.length)
            {
                failure += "end of stream after " + received + "; ";
            }
            peerClosed = true;
        }

        public void onReset(final long connectionId)
        {
            failure += "reset; ";
        }

        public void onTimeout(final long connectionId)
        {
            failure += "timeout; ";
        }

        public void onCommandFailed(final long connectionId, final int commandTypeId, final int errorCode)
        {
            failure += ApiMessages.commandName(commandTypeId) + " failed " + errorCode + "; ";
        }

        public void onClosed(final long connectionId)
        {
            closed = true;
        }
    }
}
