package dev.wirespeed.apps.serve;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

import dev.wirespeed.engine.tcp.TcpConfig;
import dev.wirespeed.engine.tcp.TcpEndpoint;
import dev.wirespeed.engine.tcp.TcpHandler;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

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
        services.doWork(nowNs);
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
            "POST /b HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello" +
            "GET /c HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        client.id = clientEndpoint.connect(nowNs, CLIENT_IP, SERVER_IP, 80);
        run(200_000, () -> client.closed);
        final String text = client.received.toString(StandardCharsets.US_ASCII);
        assertEquals(4, text.split("HTTP/1.1 200 OK", -1).length - 1, text);
        assertTrue(text.endsWith("Connection: close\r\n\r\nHello from Wirespeed\n"), text);
        assertTrue(client.peerClosed, "server closed after Connection: close");
        assertEquals(4, services.requests());
    }

    private String exchange(final String request)
    {
        start();
        client.toSend = request.getBytes(StandardCharsets.ISO_8859_1);
        client.id = clientEndpoint.connect(nowNs, CLIENT_IP, SERVER_IP, 80);
        run(500_000, () -> client.closed);
        assertTrue(client.closed, "the server closed the connection: " + client.received);
        return client.received.toString(StandardCharsets.ISO_8859_1);
    }

    private static String okResponse(final boolean close)
    {
        return "HTTP/1.1 200 OK\r\nServer: wirespeed\r\nContent-Type: text/plain\r\nContent-Length: 21\r\n" +
            (close ? "Connection: close\r\n" : "") + "\r\nHello from Wirespeed\n";
    }

    /** More responses than the 64 KiB send buffer holds: each waits for room, none is cut or glued (issue 10). */
    @Test
    void twoThousandPipelinedRequestsGetWholeResponsesInOrder()
    {
        final StringBuilder requests = new StringBuilder();
        final StringBuilder expected = new StringBuilder();
        for (int i = 0; i < 2000; i++)
        {
            requests.append("GET /").append(i).append(" HTTP/1.1\r\nHost: x\r\n\r\n");
            expected.append(okResponse(false));
        }
        requests.append("GET /last HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        expected.append(okResponse(true));
        assertEquals(expected.toString(), exchange(requests.toString()));
        assertEquals(2001, services.requests());
    }

    /** Bodies are read as bodies: a request inside a chunk or a Content-Length body is not answered. */
    @Test
    void chunkedAndContentLengthBodiesAreConsumedAsBodies()
    {
        final String inner = "GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n";
        final String response = exchange(
            "POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" +
            Integer.toHexString(inner.length()) + ";name=value\r\n" + inner + "\r\n" +
            "3\r\nabc\r\n0\r\nTrailer-Field: 1\r\n\r\n" +
            "POST /b HTTP/1.1\r\nHost: x\r\nContent-Length: " + inner.length() + "\r\n\r\n" + inner +
            "HEAD /c HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        final String headClose = okResponse(true);
        assertEquals(okResponse(false) + okResponse(false) + headClose.substring(0, headClose.indexOf("\r\n\r\n") + 4),
            response);
        assertEquals(3, services.requests());
    }

    /** Lines may end with a bare LF (RFC 9112 §2.2, as nginx accepts). */
    @Test
    void bareLineFeedRequestsAreAnswered()
    {
        assertEquals(okResponse(false) + okResponse(true),
            exchange("\nGET / HTTP/1.1\nHost: x\n\nGET / HTTP/1.1\nHost: x\nConnection: close\n\n"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "FOO / HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n|501 Not Implemented",
        "GET / HTTP/9.9\\r\\nHost: x\\r\\n\\r\\n|505 HTTP Version Not Supported",
        "GET / HTTP/2.0\\r\\nHost: x\\r\\n\\r\\n|505 HTTP Version Not Supported",
        "GARBAGE\\r\\n\\r\\n|400 Bad Request",
        "GET /\\r\\nHost: x\\r\\n\\r\\n|400 Bad Request",
        "GET  / HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n|400 Bad Request",
        "G(T / HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n|400 Bad Request",
        "GET / HTTP/1.1\\r\\n\\r\\n|400 Bad Request",
        "GET / HTTP/1.1\\r\\nHost : x\\r\\n\\r\\n|400 Bad Request",
        "GET / HTTP/1.1\\r\\nHost: x\\r\\n folded\\r\\n\\r\\n|400 Bad Request",
        "POST / HTTP/1.1\\r\\nHost: x\\r\\nContent-Length: 5\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n|400 Bad Request",
        "POST / HTTP/1.1\\r\\nHost: x\\r\\nContent-Length: -1\\r\\n\\r\\n|400 Bad Request",
        "POST / HTTP/1.1\\r\\nHost: x\\r\\nTransfer-Encoding: chunked, gzip\\r\\n\\r\\n|400 Bad Request",
        "POST / HTTP/1.1\\r\\nHost: x\\r\\nTransfer-Encoding: gzip\\r\\n\\r\\n|501 Not Implemented",
        "POST / HTTP/1.1\\r\\nHost: x\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\nxyz\\r\\n|400 Bad Request",
    })
    void invalidRequestsGetTheirStatusAndTheConnectionCloses(final String request, final String status)
    {
        final String text = exchange(request.replace("\\r", "\r").replace("\\n", "\n") + "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        assertEquals("HTTP/1.1 " + status + "\r\nServer: wirespeed\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            text, "one answer, then the close; the request after it is not answered");
        assertEquals(0, services.requests());
        assertEquals(1, services.errors());
    }

    /** A head that never completes is cut at the idle timeout, and its header buffer comes back to the pool. */
    @Test
    void unfinishedHeadIsResetAtTheIdleTimeoutAndItsBufferReturned()
    {
        services.idleTimeoutNs(1_000_000_000L);
        start();
        final long startNs = nowNs;
        client.toSend = "GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII);
        client.id = clientEndpoint.connect(nowNs, CLIENT_IP, SERVER_IP, 80);
        run(100_000, () -> client.closed);
        assertTrue(client.reset, "reset by the server");
        assertTrue(nowNs - startNs >= 1_000_000_000L && nowNs - startNs < 1_100_000_000L, "after 1 s: " + (nowNs - startNs));
        assertEquals(1, services.timeouts());
        assertEquals(0, services.headerBuffersLent());
        assertEquals(1, services.headerBuffersSpare());
        assertEquals("", client.received.toString(StandardCharsets.US_ASCII));
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
        boolean reset;
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
            closed = true;
        }

        public void onReset(final long id)
        {
            reset = true;
            closed = true;
        }
    }
}
