package dev.wirespeed.engine.api;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

import dev.wirespeed.bindings.Eal;
import dev.wirespeed.bindings.EalOptions;
import dev.wirespeed.bindings.RingPair;
import dev.wirespeed.engine.runtime.Engine;
import dev.wirespeed.engine.runtime.ThreadingMode;
import dev.wirespeed.engine.tcp.TcpConfig;
import dev.wirespeed.engine.tcp.TcpHandler;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The application API wired into an engine by {@link Wirespeed#launch}: bad input is refused at the call with a
 * named {@link ApiError}, and a client on the test thread echoes 256 KiB byte-exactly through a shard-thread echo
 * server in a second engine, over an in-process ring pair, then finds its id stale.
 */
class WirespeedTest
{
    private static final int SERVER_IP = Ipv4Address.parse("192.0.2.1").value();
    private static final int CLIENT_IP = Ipv4Address.parse("192.0.2.2").value();

    @BeforeAll
    static void eal()
    {
        if (Eal.current() == null)
        {
            Eal.init(new EalOptions().memoryMb(256));
        }
    }

    private static TcpConfig tcp()
    {
        final TcpConfig c = new TcpConfig();
        c.mslNs = 5_000_000L;
        return c;
    }

    private static ApiError refused(final Runnable call)
    {
        return assertThrows(ApiException.class, call::run).error();
    }

    /** The safe echo on the shard thread: write back what fits, take the rest on onWritable, close after FIN. */
    static final class ShardEcho implements TcpHandler
    {
        private final dev.wirespeed.engine.runtime.ShardContext ctx;

        ShardEcho(final dev.wirespeed.engine.runtime.ShardContext ctx)
        {
            this.ctx = ctx;
        }

        public int onData(final long id, final DirectBuffer buffer, final int offset, final int length)
        {
            return Math.max(0, ctx.endpoint().write(id, buffer, offset, length));
        }

        public void onWritable(final long id)
        {
            ctx.endpoint().resumeReading(id);
        }

        public void onPeerClosed(final long id)
        {
            ctx.endpoint().closeWhenRead(id);
        }
    }

    @Test
    void badInputIsRefusedAtTheCallAndAnEchoIsByteExact()
    {
        try (RingPair pair = RingPair.create("ws_t_api", 1024))
        {
            final Engine server = Engine.builder().name("ws_t_api-server").port(pair.a()).address(SERVER_IP, 24)
                .tcpConfig(WirespeedTest::tcp).handlers(ShardEcho::new).mempoolSize(2047).preallocate(16)
                .counters(false, null).build();
            server.context(0).endpoint().listen(0, 7, 16);
            server.start();
            try (Wirespeed ws = Wirespeed.launch(Engine.builder().name("ws_t_api-client").port(pair.b())
                .address(CLIENT_IP, 24).tcpConfig(WirespeedTest::tcp).threading(ThreadingMode.INVOKER)
                .mempoolSize(2047).preallocate(16).counters(false, null)))
            {
                final Client client = ws.client();
                assertEquals(ApiError.ADDRESS_UNSPECIFIED, refused(() -> client.connect(new Ipv4Address(0), 7)));
                assertEquals(ApiError.ADDRESS_BROADCAST, refused(() -> client.connect(Ipv4Address.parse("255.255.255.255"), 7)));
                assertEquals(ApiError.ADDRESS_BROADCAST, refused(() -> client.connect(Ipv4Address.parse("192.0.2.255"), 7)));
                assertEquals(ApiError.ADDRESS_MULTICAST, refused(() -> client.connect(Ipv4Address.parse("224.0.0.1"), 7)));
                assertEquals(ApiError.ADDRESS_OFF_SUBNET, refused(() -> client.connect(Ipv4Address.parse("198.51.100.7"), 7)));
                assertEquals(ApiError.ADDRESS_NOT_USABLE, refused(() -> client.connect(new Ipv4Address(CLIENT_IP), 7)));
                assertEquals(ApiError.PORT_OUT_OF_RANGE, refused(() -> client.connect(new Ipv4Address(SERVER_IP), 70000)));
                assertEquals(ApiError.PORT_OUT_OF_RANGE, refused(() -> client.connect(new Ipv4Address(SERVER_IP), 0)));
                assertEquals(ApiError.LISTEN_PORT_ZERO, refused(() -> client.listen(0)));
                assertEquals(ApiError.PORT_OUT_OF_RANGE, refused(() -> client.listen(70000)));
                client.listen(8080);
                assertEquals(ApiError.PORT_IN_USE, refused(() -> client.listen(8080)));
                final UnsafeBuffer one = new UnsafeBuffer(new byte[1]);
                assertEquals(ApiError.UNKNOWN_CONNECTION, refused(() -> client.write(-1, one, 0, 1)));
                assertEquals(ApiError.UNKNOWN_CONNECTION, refused(() -> client.close(ConnectionId.encode(9, 5))));
                assertEquals(ApiError.STALE_CONNECTION, refused(() -> client.abort(ConnectionId.encode(0, 5))));

                final byte[] sent = new byte[256 * 1024];
                new java.util.Random(7).nextBytes(sent);
                final ExpandableArrayBuffer received = new ExpandableArrayBuffer(sent.length);
                final long[] id = {-1};
                final int[] got = {0};
                final boolean[] closed = {false};
                final int[] written = {0};
                final ConnectionListener listener = new ConnectionListener()
                {
                    public void onConnected(final long correlationId, final long connectionId)
                    {
                        id[0] = connectionId;
                    }

                    public int onData(final long connectionId, final DirectBuffer buffer, final int offset,
                        final int length)
                    {
                        received.putBytes(got[0], buffer, offset, length);
                        got[0] += length;
                        return length;
                    }

                    public void onPeerClosed(final long connectionId)
                    {
                        client.close(connectionId);
                    }

                    public void onClosed(final long connectionId)
                    {
                        closed[0] = true;
                    }
                };
                client.connect(new InetSocketAddress("192.0.2.1", 7));
                final UnsafeBuffer src = new UnsafeBuffer(sent);
                final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                boolean shut = false;
                while (!closed[0] && System.nanoTime() - deadline < 0)
                {
                    ws.doWork();
                    client.poll(listener, 64);
                    if (id[0] > 0 && written[0] < sent.length)
                    {
                        written[0] += client.write(id[0], src, written[0], Math.min(4096, sent.length - written[0]));
                    }
                    else if (id[0] > 0 && !shut && got[0] == sent.length)
                    {
                        shut = client.shutdownOutput(id[0]);
                    }
                }
                assertTrue(closed[0], "closed after the echo: got " + got[0] + " of " + sent.length);
                final byte[] echo = new byte[sent.length];
                received.getBytes(0, echo);
                assertArrayEquals(sent, echo);
                assertFalse(client.isOpen(id[0]));
                assertEquals(ApiError.STALE_CONNECTION, refused(() -> client.write(id[0], one, 0, 1)));
            }
            finally
            {
                server.close();
            }
        }
    }

    /**
     * The conveniences the README's program uses: {@code Builder.address(String)}, {@code Builder.listen},
     * {@code Builder.start()}, {@code connectAndAwait} (an open id at once, or a named failure), writing an array,
     * {@code ConnectionListener.ofData} and {@code Wirespeed.poll} driving an INVOKER engine.
     */
    @Test
    void connectAndAwaitGivesAnOpenIdOrANamedFailure()
    {
        assertThrows(IllegalArgumentException.class, () -> Engine.builder().listen(0));
        assertThrows(IllegalArgumentException.class, () -> Engine.builder().listen(70000));
        assertThrows(IllegalArgumentException.class, () -> Engine.builder().listen(7).listen(7));
        assertThrows(IllegalArgumentException.class, () -> Engine.builder().address("192.0.2.1"));
        try (RingPair pair = RingPair.create("ws_t_await", 1024);
            Engine server = Engine.builder().name("ws_t_await-server").port(pair.a()).address("192.0.2.1/24")
                .tcpConfig(WirespeedTest::tcp).handlers(ShardEcho::new).listen(7).mempoolSize(2047).preallocate(16)
                .counters(false, null).start();
            Wirespeed ws = Wirespeed.launch(Engine.builder().name("ws_t_await-client").port(pair.b())
                .address("192.0.2.2/24").tcpConfig(WirespeedTest::tcp).threading(ThreadingMode.INVOKER)
                .mempoolSize(2047).preallocate(16).counters(false, null)))
        {
            final Client client = ws.client();
            final StringBuilder reply = new StringBuilder();
            final ConnectionListener listener =
                ConnectionListener.ofData((id, b, off, len) -> reply.append(b.getStringWithoutLengthAscii(off, len)));
            final long id = client.connectAndAwait(new InetSocketAddress("192.0.2.1", 7), listener);
            assertTrue(client.isOpen(id));
            assertEquals(5, client.write(id, "hello".getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
            assertTrue(client.shutdownOutput(id));
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (reply.length() < 5 && System.nanoTime() - deadline < 0)
            {
                ws.poll(listener, 16);
            }
            assertEquals("hello", reply.toString());
            assertEquals(ApiError.CONNECT_REFUSED, refused(() -> client.connectAndAwait(
                new InetSocketAddress("192.0.2.1", 9), listener)));
        }
    }
}
