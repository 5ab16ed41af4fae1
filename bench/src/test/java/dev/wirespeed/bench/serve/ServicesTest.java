package dev.wirespeed.bench.serve;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

import dev.wirespeed.engine.tcp.TcpConfig;
import dev.wirespeed.engine.tcp.TcpEndpoint;
import dev.wirespeed.engine.tcp.TcpHandler;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The serve services against a Wirespeed client endpoint over an in-memory wire of real frames: echo returns every
 * byte (SHA-256) even when the client writes far more than the buffers hold; HTTP answers keep-alive requests and
 * closes on {@code Connection: close}. Both endpoints end with no connection left.
 */
class ServicesTest
{
    private static final int CLIENT_IP = 0xC0000202;
    private static final int SERVER_IP = 0xC0000201;
    private static final long STEP_NS = 20_000;

    private final MemoryWire toServer = new MemoryWire();
    private final MemoryWire toClient = new MemoryWire();
    private final Services services = new Services().add(7, Services.ECHO).add(80, Services.HTTP).add(9, Services.DISCARD);
    private final Client client = new Client();
    static TcpEndpoint serverRef;
    private TcpEndpoint server;
    private TcpEndpoint clientEndpoint;
    private long nowNs = 1_000_000_000L;

    private void start()
    {
        final TcpConfig serverConfig = new TcpConfig();
        serverConfig.mslNs = 1_000_000_000L;
        final TcpConfig clientConfig = new TcpConfig();
        clientConfig.mslNs = 1_000_000_000L;
        clientConfig.seed = 99;
        server = new TcpEndpoint(serverConfig, services, nowNs);
        serverRef = server;
        services.attach(server, SERVER_IP, 128);
        clientEndpoint = new TcpEndpoint(clientConfig, client, nowNs);
        client.endpoint = clientEndpoint;
    }

    private void run(final long maxSteps, final java.util.function.BooleanSupplier done)
    {
        for (long i = 0; i < maxSteps && !done.getAsBoolean(); i++)
        {
            step();
        }
    }

    private void step()
    {
        nowNs += STEP_NS;
        toServer.deliver(server, nowNs);
        toClient.deliver(clientEndpoint, nowNs);
        server.poll(nowNs);
        clientEndpoint.poll(nowNs);
        client.pump();
        server.dispatch(nowNs, toClient);
        clientEndpoint.dispatch(nowNs, toServer);
        if (Boolean.getBoolean("wire.trace")) System.out.println("DEBUG conns server=" + server.connectionCount() + " client=" + clientEndpoint.connectionCount());
    }

    @Test
    void echoReturnsFourMebibytesIntactAndBothSidesEndClean() throws Exception
    {
        start();
        final byte[] data = new byte[Integer.getInteger("echo.size", 4 << 20)];
        new java.util.SplittableRandom(1).nextBytes(data);
        client.toSend = data;
        client.id = clientEndpoint.connect(nowNs, CLIENT_IP, SERVER_IP, 7);
        run(2_000_000, () -> client.closed);
        assertEquals(data.length, client.received.size(), "echoed bytes (sent " + client.sent + ")");
        assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(data),
            MessageDigest.getInstance("SHA-256").digest(client.received.toByteArray()));
        run(200_000, () -> server.connectionCount() == 0 && clientEndpoint.connectionCount() == 0);
        assertEquals(0, server.connectionCount());
        assertEquals(0, clientEndpoint.connectionCount());
    }

    @Test
    void httpKeepAliveThenConnectionClose()
    {
        start();
        client.toSend = ("GET / HTTP/1.1\r\nHost: x\r\n\r\nGET /a HTTP/1.1\r\nHost: x\r\n\r\n" +
            "POST /b HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello" +
            "GET /c HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        client.id = clientEndpoint.connect(nowNs, CLIENT_IP, SERVER_IP, 80);
        run(200_000, () -> client.closed);
        final String text = client.received.toString(StandardCharsets.US_ASCII);
        assertEquals(4, text.split("HTTP/1.1 200 OK", -1).length - 1, text);
        assertTrue(text.endsWith("Connection: close\r\n\r\nHello from Wirespeed\n"), text);
        assertTrue(client.peerClosed, "server closed after Connection: close");
        assertEquals(4, services.requests());
    }

    /** A client that writes {@code toSend} as the send buffer allows, reads everything, and closes after EOF. */
    static final class Client implements TcpHandler
    {
        TcpEndpoint endpoint;
        long id = -1;
        byte[] toSend;
        int sent;
        boolean shutdown;
        boolean peerClosed;
        boolean closed;
        final java.io.ByteArrayOutputStream received = new java.io.ByteArrayOutputStream();
        private final byte[] chunk = new byte[65536];

        void pump()
        {
            if (id < 0 || closed || toSend == null)
            {
                return;
            }
            while (sent < toSend.length)
            {
                final int n = Math.min(chunk.length, toSend.length - sent);
                final int w = endpoint.write(id, new UnsafeBuffer(toSend, sent, n), 0, n);
                if (w <= 0)
                {
                    break;
                }
                sent += w;
            }
            if (sent == toSend.length && !shutdown && endpoint.state(id) != null &&
                endpoint.state(id).name().equals("ESTABLISHED"))
            {
                shutdown = true;
                if (toSend.length > 65536)
                {
                    endpoint.shutdownOutput(id);
                }
            }
        }

        public int onData(final long id, final DirectBuffer buffer, final int offset, final int length)
        {
            final byte[] b = new byte[length];
            buffer.getBytes(offset, b);
            received.write(b, 0, length);
            return length;
        }

        public void onPeerClosed(final long id)
        {
            peerClosed = true;
            endpoint.close(id);
        }

        public void onClosed(final long id)
        {
            System.out.println("DEBUG closed sent=" + sent + " recv=" + received.size() + " peerClosed=" + peerClosed);
            closed = true;
        }

        public void onReset(final long id)
        {
            System.out.println("DEBUG reset client " + endpoint.counters() + " server " + ServicesTest.serverRef.counters());
            closed = true;
        }
    }
}
