package dev.wirespeed.engine.api;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

import static dev.wirespeed.engine.api.ApiMessages.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Connection id encoding, the command layouts as bytes, write splitting and ring-full, event decoding and backlog. */
class ApiMessagesTest
{
    @Test
    void connectionIdsCarryTheShardAndRoundTripTheEndpointId()
    {
        final long[] endpointIds = {
            (1L << 32), (1L << 32) | 5, (0x7fff_ffffL << 32) | (ConnectionId.MAX_SLOTS - 1), (12345L << 32) | 777 };
        for (final int shard : new int[] { 0, 1, 17, 255 })
        {
            for (final long id : endpointIds)
            {
                final long appId = ConnectionId.encode(shard, id);
                assertTrue(appId >= 0, ConnectionId.toString(appId));
                assertEquals(shard, ConnectionId.shardIndex(appId));
                assertEquals(id, ConnectionId.endpointId(appId));
            }
        }
        assertTrue(ConnectionId.encode(1, 1L << 32) != ConnectionId.encode(2, 1L << 32));
        assertTrue(ConnectionId.encode(1, 1L << 32) != ConnectionId.encode(1, 2L << 32));
        assertThrows(IllegalStateException.class, () -> ConnectionId.encode(0, ConnectionId.MAX_SLOTS));
        assertThrows(IllegalStateException.class, () -> ConnectionId.encode(256, 1));
        assertThrows(IllegalStateException.class, () -> ConnectionId.encode(0, -1));
        assertEquals("3:9:42", ConnectionId.toString(ConnectionId.encode(3, (9L << 32) | 42)));
    }

    record Message(int type, byte[] body) { }

    static List<Message> drain(final org.agrona.concurrent.ringbuffer.RingBuffer ring)
    {
        final List<Message> out = new ArrayList<>();
        // a read stops at the end of the buffer: read again for what wrapped
        while (ring.read((type, buffer, index, length) ->
        {
            final byte[] b = new byte[length];
            buffer.getBytes(index, b);
            out.add(new Message(type, b));
        }, Integer.MAX_VALUE) > 0)
        {
        }
        return out;
    }

    static long leLong(final byte[] b, final int offset)
    {
        return new UnsafeBuffer(b).getLong(offset, ByteOrder.LITTLE_ENDIAN);
    }

    static int leInt(final byte[] b, final int offset)
    {
        return new UnsafeBuffer(b).getInt(offset, ByteOrder.LITTLE_ENDIAN);
    }

    @Test
    void commandsAreLittleEndianAtTheDocumentedOffsets()
    {
        final ManyToOneRingBuffer ring = CommandProxy.newCommandRing(4096);
        final CommandProxy proxy = new CommandProxy(ring);
        assertTrue(proxy.connect(0x0102030405060708L, 0xc0000202, 8080));
        assertTrue(proxy.listen(0xc0000201, 80, 16));
        assertTrue(proxy.close(77));
        final List<Message> m = drain(ring);
        assertEquals(3, m.size());

        assertEquals(CMD_CONNECT, m.get(0).type());
        assertEquals(CONNECT_LENGTH, m.get(0).body().length);
        assertEquals(0x08, m.get(0).body()[0], "little-endian: low byte first");
        assertEquals(0x0102030405060708L, leLong(m.get(0).body(), CONNECT_CORRELATION_ID_OFFSET));
        assertEquals(0xc0000202, leInt(m.get(0).body(), CONNECT_REMOTE_IP_OFFSET));
        assertEquals(8080, leInt(m.get(0).body(), CONNECT_REMOTE_PORT_OFFSET));
        assertEquals(0, leInt(m.get(0).body(), CONNECT_LOCAL_IP_OFFSET));

        assertEquals(CMD_LISTEN, m.get(1).type());
        assertEquals(0xc0000201L, leLong(m.get(1).body(), ID_OFFSET));
        assertEquals(80, leInt(m.get(1).body(), A_OFFSET));
        assertEquals(16, leInt(m.get(1).body(), B_OFFSET));

        assertEquals(CMD_CLOSE, m.get(2).type());
        assertEquals(ID_LENGTH, m.get(2).body().length);
        assertEquals(77, leLong(m.get(2).body(), ID_OFFSET));
    }

    /**
     * An application that writes until the ring refuses and then shuts its side down must not lose the FIN: the
     * writes leave room for control commands. Byte-sized writes pack the ring tighter than any control command, so
     * without the reserve the shutdown would not fit (the README echo example once stalled on exactly this).
     */
    @Test
    void aControlCommandFitsAfterWritesHaveFilledTheRing()
    {
        for (final int capacity : new int[] { 1024, 4096, 1 << 16 })
        {
            final ManyToOneRingBuffer ring = CommandProxy.newCommandRing(capacity);
            final CommandProxy proxy = new CommandProxy(ring);
            final UnsafeBuffer one = new UnsafeBuffer(new byte[] { 42 });
            int written = 0;
            while (proxy.write(7, one, 0, 1) == 1)
            {
                written++;
            }
            assertTrue(written > capacity / 64, "the ring took " + written + " writes");
            assertTrue(proxy.shutdownOutput(7), "a shutdown after a refused write fits");
            assertTrue(proxy.close(7));
            assertTrue(proxy.abort(7));
            assertTrue(proxy.connect(8, 0x0a000001, 80));
            assertEquals(0, proxy.write(7, one, 0, 1), "writes stay refused while only the reserve is left");
            final List<Message> m = drain(ring);
            assertEquals(written + 4, m.size());
            assertEquals(List.of(CMD_SHUTDOWN_OUTPUT, CMD_CLOSE, CMD_ABORT, CMD_CONNECT),
                m.subList(written, written + 4).stream().map(Message::type).toList());
        }
    }

    @Test
    void writesAreSplitIntoMaxMessageChunksAndAFullRingQueuesPartOfAWrite()
    {
        final ManyToOneRingBuffer ring = CommandProxy.newCommandRing(1024);
        final CommandProxy proxy = new CommandProxy(ring);
        assertEquals(ring.maxMsgLength() - DATA_OFFSET, proxy.maxWriteChunk());
        final int chunk = proxy.maxWriteChunk();
        final byte[] src = new byte[4 * chunk];
        for (int i = 0; i < src.length; i++)
        {
            src[i] = (byte)i;
        }
        assertEquals(2 * chunk + 10, proxy.write(5, new UnsafeBuffer(src), 0, 2 * chunk + 10));
        final List<Message> m = drain(ring);
        assertEquals(3, m.size());
        int at = 0;
        for (final Message msg : m)
        {
            assertEquals(CMD_WRITE, msg.type());
            assertEquals(5, leLong(msg.body(), DATA_CONNECTION_ID_OFFSET));
            for (int i = DATA_OFFSET; i < msg.body().length; i++)
            {
                assertEquals(src[at++], msg.body()[i]);
            }
        }
        assertEquals(2 * chunk + 10, at);

        // fill the ring: the last write is short, and exactly what it reports is in the ring
        long queued = 0;
        int n;
        do
        {
            n = proxy.write(6, new UnsafeBuffer(src), 0, src.length);
            queued += n;
        }
        while (n == src.length);
        assertTrue(n < src.length);
        int closes = 0;
        while (proxy.close(6))
        {
            closes++;
        }
        assertFalse(proxy.close(6), "full ring: commands report backpressure");
        long inRing = 0;
        int closesInRing = 0;
        for (final Message msg : drain(ring))
        {
            if (msg.type() == CMD_WRITE)
            {
                inRing += msg.body().length - DATA_OFFSET;
            }
            else
            {
                closesInRing++;
            }
        }
        assertEquals(queued, inRing);
        assertEquals(closes, closesInRing);
        assertTrue(proxy.close(6));
    }

    static final class Recorder implements ConnectionListener
    {
        final List<String> events = new ArrayList<>();

        public void onConnected(final long correlationId, final long connectionId)
        {
            events.add("connected " + correlationId + " " + ConnectionId.toString(connectionId));
        }

        public void onConnectFailed(final long correlationId, final int reason, final int errorCode)
        {
            events.add("connect failed " + correlationId + " " + reason + " " + errorCode);
        }

        public void onAccepted(final int listenerPort, final long connectionId)
        {
            events.add("accepted " + listenerPort + " " + ConnectionId.toString(connectionId));
        }

        public int onData(final long connectionId, final DirectBuffer buffer, final int offset, final int length)
        {
            events.add("data " + ConnectionId.toString(connectionId) + " " +
                buffer.getStringWithoutLengthAscii(offset, length));
            return length;
        }

        public void onPeerClosed(final long connectionId)
        {
            events.add("peer closed " + ConnectionId.toString(connectionId));
        }

        public void onReset(final long connectionId)
        {
            events.add("reset " + ConnectionId.toString(connectionId));
        }

        public void onClosed(final long connectionId)
        {
            events.add("closed " + ConnectionId.toString(connectionId));
        }

        public void onCommandFailed(final long connectionId, final int commandTypeId, final int errorCode)
        {
            events.add(commandName(commandTypeId) + " failed " + errorCode);
        }
    }

    @Test
    void eventsDecodeAsEncodedAndWaitInTheBacklogInOrderWhenTheRingIsFull()
    {
        final OneToOneRingBuffer ring = EventProxy.newEventRing(256);
        final EventProxy proxy = new EventProxy(7, ring);
        // an endpoint without connections: data left blocked for connection b is dropped from the resume list
        new CommandAdapter(7, new dev.wirespeed.engine.tcp.TcpEndpoint(new dev.wirespeed.engine.tcp.TcpConfig(), proxy, 0),
            CommandProxy.newCommandRing(1024), proxy, 0);
        final Recorder app = new Recorder();
        final EventAdapter adapter = new EventAdapter(ring, app);
        final long a = (3L << 32) | 1;
        final long b = (4L << 32) | 2;
        final byte[] hi = "hi".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

        proxy.onAccepted(80, a);
        assertEquals(2, proxy.onData(a, new UnsafeBuffer(hi), 0, 2));
        proxy.onPeerClosed(a);
        proxy.onClosed(a);
        assertEquals(4, adapter.poll(100));
        assertEquals(List.of("accepted 80 7:3:1", "data 7:3:1 hi", "peer closed 7:3:1", "closed 7:3:1"), app.events);
        app.events.clear();

        // a 256-byte ring holds 10 ID events; the rest wait, in order
        for (int i = 0; i < 12; i++)
        {
            proxy.onAccepted(1000 + i, b);
        }
        proxy.onReset(b);
        proxy.onClosed(b);
        proxy.commandFailed(b, CMD_WRITE, -4);
        assertTrue(proxy.backlogSize() > 0);
        assertEquals(0, proxy.onData(b, new UnsafeBuffer(hi), 0, 2), "no data overtakes the backlog");
        while (app.events.size() < 15)
        {
            adapter.poll(3);
            proxy.doWork();
        }
        assertEquals(0, proxy.backlogSize());
        final List<String> expected = new ArrayList<>();
        for (int i = 0; i < 12; i++)
        {
            expected.add("accepted " + (1000 + i) + " 7:4:2");
        }
        expected.add("reset 7:4:2");
        expected.add("closed 7:4:2");
        expected.add("WRITE failed -4");
        assertEquals(expected, app.events);
    }
}
