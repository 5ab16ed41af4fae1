package dev.wirespeed.engine.api;

import dev.wirespeed.engine.runtime.ShardContext;
import dev.wirespeed.engine.runtime.ShardDuty;
import dev.wirespeed.engine.tcp.TcpEndpoint;
import dev.wirespeed.engine.tcp.TcpHandler;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static dev.wirespeed.engine.api.EnginePair.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * 8 MiB of seeded random bytes from an application thread through {@link CommandProxy} → client shard → wire →
 * server shard, echoed there by a zero-copy {@link TcpHandler} on the shard thread, and back through
 * {@link EventProxy} → {@link EventAdapter} to the application, verified byte for byte; then an orderly close and
 * both tables empty. The shards are two real engines on their own threads over an in-process ring pair
 * ({@link EnginePair}); the test thread is the application.
 */
class ApiTransferTest
{
    static final int PORT = 7;
    static final int SIZE = 8 << 20;
    static final int APP_WRITE = 64 * 1024;

    EnginePair pair;

    @AfterEach
    void stop()
    {
        if (pair != null)
        {
            pair.close();
        }
    }

    /** Echoes on the shard thread: writes the received view straight back, consuming only what TCP accepted. */
    static final class EchoHandler implements TcpHandler, ShardDuty
    {
        final ShardContext ctx;
        long id = -1;
        boolean resume;
        boolean peerClosed;
        boolean closeCalled;
        long echoed;

        EchoHandler(final ShardContext ctx)
        {
            this.ctx = ctx;
        }

        public void onAccepted(final int listenerPort, final long id)
        {
            this.id = id;
        }

        public int onData(final long id, final DirectBuffer buffer, final int offset, final int length)
        {
            final int n = ctx.endpoint().write(id, buffer, offset, length);
            if (n < 0)
            {
                return length;
            }
            echoed += n;
            return n;
        }

        public void onWritable(final long id)
        {
            // the unconsumed bytes wait in the receive buffer; offer them again outside TCP's ACK processing
            resume = true;
        }

        public void onPeerClosed(final long id)
        {
            peerClosed = true;
        }

        public int doWork(final long nowNs)
        {
            final TcpEndpoint endpoint = ctx.endpoint();
            int work = 0;
            if (resume)
            {
                resume = false;
                endpoint.resumeReading(id);
                work++;
            }
            if (peerClosed && !closeCalled && id >= 0 && endpoint.unreadBytes(id) == 0)
            {
                closeCalled = true;
                endpoint.close(id);
                work++;
            }
            return work;
        }
    }

    @Test
    void eightMebibytesEchoedByAZeroCopyHandlerOnTheServerShard()
    {
        final byte[] data = new byte[SIZE];
        new SplittableRandom(0x5eedL).nextBytes(data);

        final ManyToOneRingBuffer commandRing = CommandProxy.newCommandRing(1 << 20);
        final OneToOneRingBuffer eventRing = EventProxy.newEventRing(1 << 20);
        final EventProxy events = new EventProxy(3, eventRing);
        final CommandAdapter[] commandAdapter = new CommandAdapter[1];
        final EchoHandler[] echoes = new EchoHandler[1];
        pair = new EnginePair("ws_t_xfer");
        pair.client().tcpConfig(() -> config(1)).handlers(ctx -> events).duties(ctx ->
            commandAdapter[0] = new CommandAdapter(3, ctx.endpoint(), commandRing, events, CLIENT_IP));
        pair.server().tcpConfig(() -> config(2)).handlers(ctx -> echoes[0] = new EchoHandler(ctx))
            .duties(ctx -> echoes[0]);
        pair.build();
        final EchoHandler echo = echoes[0];
        pair.engine(SERVER).context(0).endpoint().listen(SERVER_IP, PORT, 16);
        pair.start();

        final CommandProxy commands = new CommandProxy(commandRing);
        final App app = new App(data);
        final EventAdapter adapter = new EventAdapter(eventRing, app);
        final UnsafeBuffer src = new UnsafeBuffer(data);

        assertTrue(commands.connect(42, SERVER_IP, PORT));
        pair.runUntil("the echo to complete and the connection to close", 120 * SEC, () -> app.closed, () ->
        {
            int work = adapter.poll(256);
            if (app.connectionId >= 0 && app.written < SIZE)
            {
                final int n = commands.write(app.connectionId, src, app.written,
                    Math.min(APP_WRITE, SIZE - app.written));
                app.written += n;
                work += n;
            }
            if (app.written == SIZE && !app.shutdownSent)
            {
                app.shutdownSent = commands.shutdownOutput(app.connectionId);
            }
            if (app.peerClosed && !app.closeSent)
            {
                app.closeSent = commands.close(app.connectionId);
            }
            return work;
        });
        pair.awaitDrained(() -> adapter.poll(256));
        // what each shard published last, before closing the engines (which would reset any connection left)
        final int clientConnections = pair.connections(CLIENT);
        final int serverConnections = pair.connections(SERVER);
        pair.close();

        assertEquals(42, app.correlationId);
        assertEquals(3, ConnectionId.shardIndex(app.connectionId));
        assertEquals(-1, app.mismatchAt, "first byte that differs");
        assertEquals(SIZE, app.received);
        assertEquals(SIZE, echo.echoed);
        assertTrue(app.peerClosed);
        assertFalse(app.failed, app.failure);
        assertEquals(SIZE, events.dataBytes());
        assertEquals(0, clientConnections);
        assertEquals(0, serverConnections);
        assertEquals(0, commandAdapter[0].parkedConnections());
        assertEquals(0, commandAdapter[0].commandsFailed());
        assertEquals(0, pair.framesRejected(CLIENT) + pair.framesRejected(SERVER));
    }

    /** The application: checks every received byte against the stream it sent. */
    static final class App implements ConnectionListener
    {
        final byte[] expected;
        long connectionId = -1;
        long correlationId;
        int written;
        int received;
        int mismatchAt = -1;
        boolean shutdownSent;
        boolean closeSent;
        boolean peerClosed;
        boolean closed;
        boolean failed;
        String failure = "";

        App(final byte[] expected)
        {
            this.expected = expected;
        }

        public void onConnected(final long correlationId, final long connectionId)
        {
            this.correlationId = correlationId;
            this.connectionId = connectionId;
        }

        public void onConnectFailed(final long correlationId, final int reason, final int errorCode)
        {
            fail("connect failed " + reason + " " + errorCode);
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

        public void onPeerClosed(final long connectionId)
        {
            if (received != expected.length)
            {
                fail("end of stream after " + received + " bytes");
            }
            peerClosed = true;
        }

        public void onReset(final long connectionId)
        {
            fail("reset");
        }

        public void onTimeout(final long connectionId)
        {
            fail("timeout");
        }

        public void onClosed(final long connectionId)
        {
            closed = true;
        }

        public void onCommandFailed(final long connectionId, final int commandTypeId, final int errorCode)
        {
            fail("command " + ApiMessages.commandName(commandTypeId) + " failed " + errorCode);
        }

        private void fail(final String why)
        {
            failed = true;
            failure += why + "; ";
            closed = true;
        }
    }
}
