package dev.wirespeed.bench.serve;

import java.nio.charset.StandardCharsets;

import dev.wirespeed.engine.tcp.TcpEndpoint;
import dev.wirespeed.engine.tcp.TcpHandler;
import org.agrona.DirectBuffer;
import org.agrona.collections.Int2IntHashMap;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The small servers of {@code wirespeed serve}, run on the shard thread as its {@link TcpHandler}:
 * <ul>
 *   <li><b>echo</b> (RFC 862): every byte comes back. Bytes the send buffer cannot take stay unread (the window
 *       shrinks) until {@code onWritable}; after the peer's FIN the connection closes once all is echoed.</li>
 *   <li><b>discard</b> (RFC 863): every byte is consumed and dropped.</li>
 *   <li><b>http</b>: HTTP/1.1 with keep-alive; each request (headers up to {@value #MAX_HEADER} bytes, any
 *       Content-Length body skipped) gets a fixed small response; {@code Connection: close} closes after it.</li>
 * </ul>
 * Per-connection state lives in primitive maps and one pooled header buffer per connection slot; nothing is
 * allocated per segment. Not thread safe.
 */
public final class Services implements TcpHandler
{
    public static final int ECHO = 1;
    public static final int DISCARD = 2;
    public static final int HTTP = 3;
    static final int MAX_HEADER = 8192;

    static final byte[] BODY = "Hello from Wirespeed\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] RESPONSE = ("HTTP/1.1 200 OK\r\nServer: wirespeed\r\nContent-Type: text/plain\r\n" +
        "Content-Length: " + BODY.length + "\r\n\r\n" + new String(BODY, StandardCharsets.US_ASCII))
        .getBytes(StandardCharsets.US_ASCII);
    private static final byte[] RESPONSE_CLOSE = ("HTTP/1.1 200 OK\r\nServer: wirespeed\r\nContent-Type: text/plain\r\n" +
        "Content-Length: " + BODY.length + "\r\nConnection: close\r\n\r\n" + new String(BODY, StandardCharsets.US_ASCII))
        .getBytes(StandardCharsets.US_ASCII);
    private static final byte[] BAD_REQUEST = ("HTTP/1.1 431 Request Header Fields Too Large\r\nContent-Length: 0\r\n" +
        "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII);

    private final Int2IntHashMap serviceByPort = new Int2IntHashMap(0);
    /** id → service kind, plus flags in the high bits. */
    private final Long2LongHashMap connections = new Long2LongHashMap(0);
    private static final long PEER_CLOSED = 1L << 32;
    private static final long CLOSING = 1L << 33;
    /** id → HTTP parse state: bytes of header collected (low 32 bits), body bytes still to skip (high 32). */
    private final Long2LongHashMap httpState = new Long2LongHashMap(0);
    private final Long2LongHashMap httpBufferIndex = new Long2LongHashMap(-1);
    private final HeaderBuffers headerBuffers = new HeaderBuffers();
    private final UnsafeBuffer response = new UnsafeBuffer(RESPONSE);
    private final UnsafeBuffer responseClose = new UnsafeBuffer(RESPONSE_CLOSE);
    private final UnsafeBuffer badRequest = new UnsafeBuffer(BAD_REQUEST);
    private TcpEndpoint endpoint;

    private long requests;
    private long echoedBytes;
    private long discardedBytes;

    /** Serve {@code kind} on {@code port}. */
    public Services add(final int port, final int kind)
    {
        if (serviceByPort.containsKey(port))
        {
            throw new IllegalArgumentException("port " + port + " is already in use by another service");
        }
        serviceByPort.put(port, kind);
        return this;
    }

    public int[] ports()
    {
        final int[] ports = new int[serviceByPort.size()];
        final Int2IntHashMap.KeyIterator it = serviceByPort.keySet().iterator();
        for (int i = 0; it.hasNext(); i++)
        {
            ports[i] = it.nextValue();
        }
        return ports;
    }

    /** Binds to the endpoint (which needs this handler at construction, hence the two steps) and listens. */
    public void attach(final TcpEndpoint endpoint, final int localIp, final int backlog)
    {
        this.endpoint = endpoint;
        for (final int port : ports())
        {
            endpoint.listen(localIp, port, backlog);
        }
    }

    public void onAccepted(final int listenerPort, final long id)
    {
        connections.put(id, serviceByPort.get(listenerPort));
    }

    public int onData(final long id, final DirectBuffer buffer, final int offset, final int length)
    {
        final long entry = connections.get(id);
        switch ((int)entry)
        {
            case ECHO:
            {
                final int written = Math.max(0, endpoint.write(id, buffer, offset, length));
                echoedBytes += written;
                if ((entry & PEER_CLOSED) != 0 && written == length)
                {
                    // unread still counts this chunk; more may follow it (the receive ring wraps)
                    final int unread = endpoint.unreadBytes(id);
                    closeAfterDrain(id, entry, unread < 0 ? 0 : unread - length);
                }
                return written;
            }
            case DISCARD:
                discardedBytes += length;
                return length;
            case HTTP:
                return onHttp(id, buffer, offset, length);
            default:
                return length;
        }
    }

    private int onHttp(final long id, final DirectBuffer buffer, final int offset, final int length)
    {
        final long state = httpState.get(id);
        int headerLength = (int)state;
        int skip = (int)(state >>> 32);
        UnsafeBuffer header = null;
        int i = offset;
        final int end = offset + length;
        while (i < end)
        {
            if (skip > 0)
            {
                final int n = Math.min(skip, end - i);
                skip -= n;
                i += n;
                continue;
            }
            if (header == null)
            {
                header = headerBuffers.forConnection(httpBufferIndex, id);
            }
            final byte b = buffer.getByte(i++);
            if (headerLength == MAX_HEADER)
            {
                endpoint.write(id, badRequest, 0, badRequest.capacity());
                endpoint.shutdownOutput(id);
                connections.put(id, connections.get(id) | CLOSING);
                httpState.remove(id);
                return length;
            }
            header.putByte(headerLength++, b);
            if (headerLength >= 4 && b == '\n' && header.getByte(headerLength - 2) == '\r' &&
                header.getByte(headerLength - 3) == '\n' && header.getByte(headerLength - 4) == '\r')
            {
                requests++;
                final boolean close = HttpHeaders.wantsClose(header, headerLength);
                skip = HttpHeaders.contentLength(header, headerLength);
                headerLength = 0;
                final UnsafeBuffer r = close ? responseClose : response;
                endpoint.write(id, r, 0, r.capacity());
                if (close)
                {
                    // FIN now; the full close follows the peer's FIN (close() here would find this very request
                    // still unread and reset the connection, RFC 2525 §2.17).
                    endpoint.shutdownOutput(id);
                    connections.put(id, connections.get(id) | CLOSING);
                    httpState.remove(id);
                    return length;
                }
            }
        }
        final long newState = ((long)skip << 32) | headerLength;
        if (newState == 0)
        {
            httpState.remove(id);
        }
        else
        {
            httpState.put(id, newState);
        }
        return length;
    }

    public void onWritable(final long id)
    {
        endpoint.resumeReading(id);
    }

    public void onPeerClosed(final long id)
    {
        final long entry = connections.get(id) | PEER_CLOSED;
        connections.put(id, entry);
        closeAfterDrain(id, entry, Math.max(0, endpoint.unreadBytes(id)));
    }

    private void closeAfterDrain(final long id, final long entry, final int unread)
    {
        if (unread == 0 && (entry & CLOSING) == 0)
        {
            connections.put(id, entry | CLOSING);
            // The peer has closed its side: our FIN completes the close. (close() from inside onData would see the
            // bytes being delivered as unread and reset the connection.)
            endpoint.shutdownOutput(id);
        }
    }

    public void onClosed(final long id)
    {
        connections.remove(id);
        httpState.remove(id);
        headerBuffers.release(httpBufferIndex, id);
    }

    public long requests()
    {
        return requests;
    }

    public long echoedBytes()
    {
        return echoedBytes;
    }

    public long discardedBytes()
    {
        return discardedBytes;
    }
}
