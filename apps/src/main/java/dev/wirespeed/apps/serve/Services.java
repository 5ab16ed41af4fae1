package dev.wirespeed.apps.serve;

import java.nio.charset.StandardCharsets;

import dev.wirespeed.engine.runtime.ShardDuty;
import dev.wirespeed.engine.tcp.TcpEndpoint;
import dev.wirespeed.engine.tcp.TcpHandler;
import org.agrona.DirectBuffer;
import org.agrona.collections.Int2IntHashMap;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The small servers of {@code wirespeed serve}, run on the shard thread as its {@link TcpHandler} (and as a
 * {@link ShardDuty}, for the idle timeout):
 * <ul>
 *   <li><b>echo</b> (RFC 862): every byte comes back. Bytes the send buffer cannot take stay unread (the window
 *       shrinks) until {@code onWritable}; after the peer's FIN the connection closes once all is echoed.</li>
 *   <li><b>discard</b> (RFC 863): every byte is consumed and dropped.</li>
 *   <li><b>http</b>: HTTP/1.1 with keep-alive and pipelining; each request gets a fixed small response (no body
 *       for HEAD), {@code Connection: close} closes after it. Request heads up to {@value #MAX_HEADER} bytes are
 *       validated ({@link HttpHeaders}: 400, 501, 505, 431 answered, then the connection is closed); bodies are
 *       read as bodies, framed by Content-Length or chunked (RFC 9112 §6, §7.1), never parsed as requests; lines
 *       may end with a bare LF. Like the echo, a response is written only as far as the send buffer accepts it:
 *       the rest waits for {@code onWritable}, and until then the following requests stay unread (the window
 *       shrinks), so pipelined responses are never cut or glued. A connection with no complete request head (or
 *       no body progress) for the idle timeout is closed (FIN when it was idle between requests, RST when it
 *       sat on an unfinished request: a slowloris gets nothing more); echo and discard have no timeout.</li>
 * </ul>
 * Per-connection state: a kind in a primitive map, and for HTTP a pooled {@link HttpSession} plus a header buffer
 * borrowed only while a head is incomplete; both pools keep a bounded number of spares. Nothing is allocated per
 * segment. Not thread safe.
 */
public final class Services implements TcpHandler, ShardDuty
{
    /**
     * No services yet: {@link #add} them, then {@link #attach} the shard's endpoint.
     */
    public Services()
    {
    }

    /** Service kind: echo every byte back (RFC 862). */
    public static final int ECHO = 1;
    /** Service kind: read and drop every byte (RFC 863). */
    public static final int DISCARD = 2;
    /** Service kind: a minimal HTTP/1.1 server. */
    public static final int HTTP = 3;
    static final int MAX_HEADER = 8192;
    /** Longest chunk-size line (size and extensions) and longest trailer section. */
    static final int MAX_CHUNK_LINE = 4096;
    /** Chunk sizes above this are refused (400): 2^40. */
    static final long MAX_CHUNK_SIZE = 1L << 40;
    /** Default HTTP idle timeout: 60 s, in ns. */
    public static final long DEFAULT_IDLE_TIMEOUT_NS = 60_000_000_000L;
    /** Spare header buffers (8 KiB each) and spare sessions kept for reuse; beyond that they are freed. */
    static final int MAX_SPARE_HEADER_BUFFERS = 256;
    static final int MAX_SPARE_SESSIONS = 4096;

    static final byte[] BODY = "Hello from Wirespeed\n".getBytes(StandardCharsets.US_ASCII);
    private static final String OK_HEAD = "HTTP/1.1 200 OK\r\nServer: wirespeed\r\nContent-Type: text/plain\r\n" +
        "Content-Length: " + BODY.length + "\r\n";
    private final UnsafeBuffer response = ascii(OK_HEAD + "\r\n" + new String(BODY, StandardCharsets.US_ASCII));
    private final UnsafeBuffer responseClose = ascii(OK_HEAD + "Connection: close\r\n\r\n" +
        new String(BODY, StandardCharsets.US_ASCII));
    private final UnsafeBuffer responseHead = ascii(OK_HEAD + "\r\n");
    private final UnsafeBuffer responseHeadClose = ascii(OK_HEAD + "Connection: close\r\n\r\n");
    private final UnsafeBuffer continue100 = ascii("HTTP/1.1 100 Continue\r\n\r\n");
    private final UnsafeBuffer badRequest = error("400 Bad Request");
    private final UnsafeBuffer headerTooLarge = error("431 Request Header Fields Too Large");
    private final UnsafeBuffer notImplemented = error("501 Not Implemented");
    private final UnsafeBuffer versionNotSupported = error("505 HTTP Version Not Supported");

    private final Int2IntHashMap serviceByPort = new Int2IntHashMap(0);
    /** id → service kind, plus flags in the high bits. */
    private final Long2LongHashMap connections = new Long2LongHashMap(0);
    private static final long PEER_CLOSED = 1L << 32;
    private static final long CLOSING = 1L << 33;
    private final Long2ObjectHashMap<HttpSession> sessions = new Long2ObjectHashMap<>();
    private final HttpSession[] spareSessions = new HttpSession[MAX_SPARE_SESSIONS];
    private int spareSessionCount;
    private final HeaderBuffers headerBuffers = new HeaderBuffers(MAX_SPARE_HEADER_BUFFERS);
    private final HttpHeaders parser = new HttpHeaders();
    private HttpSession oldest;
    private HttpSession newest;
    private long idleTimeoutNs = DEFAULT_IDLE_TIMEOUT_NS;
    private long nowNs;
    private TcpEndpoint endpoint;

    private long requests;
    private long errors;
    private long timeouts;
    private long echoedBytes;
    private long discardedBytes;

    private static UnsafeBuffer ascii(final String s)
    {
        return new UnsafeBuffer(s.getBytes(StandardCharsets.US_ASCII));
    }

    private static UnsafeBuffer error(final String status)
    {
        return ascii("HTTP/1.1 " + status + "\r\nServer: wirespeed\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    }

    /**
     * Serve {@code kind} on {@code port}.
     *
     * @param port TCP port, 1..65535, not yet used by another service.
     * @param kind {@link #ECHO}, {@link #DISCARD} or {@link #HTTP}.
     * @return this.
     * @throws IllegalArgumentException if the port already has a service.
     */
    public Services add(final int port, final int kind)
    {
        if (serviceByPort.containsKey(port))
        {
            throw new IllegalArgumentException("port " + port + " is already in use by another service");
        }
        serviceByPort.put(port, kind);
        return this;
    }

    /**
     * How long an HTTP connection may go without a complete request head or body progress (default 60 s).
     *
     * @param idleTimeoutNs nanoseconds, positive.
     * @return this.
     */
    public Services idleTimeoutNs(final long idleTimeoutNs)
    {
        if (idleTimeoutNs <= 0)
        {
            throw new IllegalArgumentException("idle timeout must be positive: " + idleTimeoutNs);
        }
        this.idleTimeoutNs = idleTimeoutNs;
        return this;
    }

    /**
     * The ports that have a service.
     *
     * @return a fresh array, in no particular order.
     */
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

    /**
     * Binds to the endpoint (which needs this handler at construction, hence the two steps) and listens.
     *
     * @param endpoint the shard's endpoint, built with this handler.
     * @param localIp  the address to listen on as a host-order int, 0 for any.
     * @param backlog  half-open connections queued at most per port.
     */
    public void attach(final TcpEndpoint endpoint, final int localIp, final int backlog)
    {
        attach(endpoint);
        for (final int port : ports())
        {
            endpoint.listen(localIp, port, backlog);
        }
    }

    /**
     * Binds to the endpoint without listening, for a caller that listens on the {@link #ports()} itself.
     *
     * @param endpoint the shard's endpoint, built with this handler.
     */
    public void attach(final TcpEndpoint endpoint)
    {
        this.endpoint = endpoint;
    }

    public void onAccepted(final int listenerPort, final long id)
    {
        final int kind = serviceByPort.get(listenerPort);
        connections.put(id, kind);
        if (kind == HTTP)
        {
            final HttpSession session = spareSessionCount > 0 ? spareSessions[--spareSessionCount] : new HttpSession();
            spareSessions[spareSessionCount] = null;
            session.reset(id);
            sessions.put(id, session);
            touch(session);
        }
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
                    closeAfterDrain(id, entry, unreadBytes(id) - length);
                }
                return written;
            }
            case DISCARD:
                discardedBytes += length;
                return length;
            case HTTP:
            {
                final HttpSession session = sessions.get(id);
                final int consumed = session == null ? length : onHttp(session, buffer, offset, length);
                if ((connections.get(id) & PEER_CLOSED) != 0 && consumed == length &&
                    (session == null || session.pending == null))
                {
                    closeAfterDrain(id, connections.get(id), unreadBytes(id) - length);
                }
                return consumed;
            }
            default:
                return length;
        }
    }

    /** Parses as far as the responses fit the send buffer; returns the bytes consumed. */
    private int onHttp(final HttpSession s, final DirectBuffer buffer, final int offset, final int length)
    {
        if (s.pending != null)
        {
            return 0; // an answer still waits for send room: later requests wait unread
        }
        final int end = offset + length;
        int i = offset;
        while (i < end)
        {
            switch (s.phase)
            {
                case HttpSession.DISCARD:
                    return length;

                case HttpSession.HEAD:
                {
                    final byte b = buffer.getByte(i++);
                    if (s.length == 0 && (b == '\r' || b == '\n'))
                    {
                        continue; // empty lines before a request line are ignored (RFC 9112 §2.2)
                    }
                    if (s.length == MAX_HEADER)
                    {
                        fail(s, headerTooLarge);
                        return length;
                    }
                    if (s.header == null)
                    {
                        s.header = headerBuffers.borrow();
                    }
                    s.header.putByte(s.length++, b);
                    if (b == '\n')
                    {
                        final int lineLength = s.length - 1 - s.lineStart;
                        final boolean empty = lineLength == 0 ||
                            lineLength == 1 && s.header.getByte(s.lineStart) == '\r';
                        s.lineStart = s.length;
                        if (empty && !onHead(s))
                        {
                            return s.pending != null ? i - offset : length;
                        }
                    }
                    break;
                }

                case HttpSession.BODY:
                case HttpSession.CHUNK_DATA:
                {
                    final int n = (int)Math.min(s.bodyRemaining, end - i);
                    s.bodyRemaining -= n;
                    i += n;
                    touch(s);
                    if (s.bodyRemaining == 0)
                    {
                        if (s.phase == HttpSession.CHUNK_DATA)
                        {
                            s.phase = HttpSession.CHUNK_DATA_END;
                            s.sawCr = false;
                        }
                        else if (!onRequest(s))
                        {
                            return s.pending != null ? i - offset : length;
                        }
                    }
                    break;
                }

                case HttpSession.CHUNK_SIZE:
                    if (!chunkSizeByte(s, buffer.getByte(i++)))
                    {
                        fail(s, badRequest);
                        return length;
                    }
                    break;

                case HttpSession.CHUNK_DATA_END:
                {
                    final byte b = buffer.getByte(i++);
                    if (b == '\r' && !s.sawCr)
                    {
                        s.sawCr = true;
                    }
                    else if (b == '\n')
                    {
                        startChunkSize(s);
                    }
                    else
                    {
                        fail(s, badRequest);
                        return length;
                    }
                    break;
                }

                case HttpSession.TRAILER:
                {
                    final byte b = buffer.getByte(i++);
                    if (++s.length > MAX_CHUNK_LINE)
                    {
                        fail(s, headerTooLarge);
                        return length;
                    }
                    if (b == '\n')
                    {
                        if (!s.lineHasContent && !onRequest(s))
                        {
                            return s.pending != null ? i - offset : length;
                        }
                        s.lineHasContent = false;
                    }
                    else if (b != '\r')
                    {
                        s.lineHasContent = true;
                    }
                    break;
                }

                default:
                    throw new IllegalStateException("phase " + s.phase);
            }
        }
        return length;
    }

    /**
     * A whole head is in the buffer: validate it and go on to its body, or answer it.
     *
     * @return false if parsing must stop here (an answer waits for room, or the connection is closing).
     */
    private boolean onHead(final HttpSession s)
    {
        final int status = parser.parse(s.header, s.length);
        headerBuffers.giveBack(s.header);
        s.header = null;
        s.length = 0;
        s.lineStart = 0;
        touch(s);
        if (status != HttpHeaders.OK)
        {
            fail(s, status == HttpHeaders.NOT_IMPLEMENTED ? notImplemented :
                status == HttpHeaders.VERSION_NOT_SUPPORTED ? versionNotSupported : badRequest);
            return false;
        }
        s.headRequest = parser.isHead();
        s.closeRequested = parser.wantsClose();
        switch (parser.bodyKind())
        {
            case HttpHeaders.BODY_LENGTH:
                s.phase = HttpSession.BODY;
                s.bodyRemaining = parser.contentLength();
                break;
            case HttpHeaders.BODY_CHUNKED:
                startChunkSize(s);
                break;
            default:
                return onRequest(s);
        }
        if (parser.expectContinue())
        {
            return send(s, continue100, false);
        }
        return true;
    }

    private static void startChunkSize(final HttpSession s)
    {
        s.phase = HttpSession.CHUNK_SIZE;
        s.length = 0;
        s.chunkDigits = 0;
        s.bodyRemaining = 0;
        s.sawCr = false;
    }

    /** One byte of a chunk-size line: {@code 1*HEXDIG [ BWS ";" ext ] CRLF} (RFC 9112 §7.1). False if malformed. */
    private boolean chunkSizeByte(final HttpSession s, final byte b)
    {
        if (++s.length > MAX_CHUNK_LINE || s.sawCr && b != '\n')
        {
            return false;
        }
        if (b == '\n')
        {
            if (s.chunkDigits == 0)
            {
                return false;
            }
            if (s.bodyRemaining == 0)
            {
                s.phase = HttpSession.TRAILER;
                s.length = 0;
                s.lineHasContent = false;
            }
            else
            {
                s.phase = HttpSession.CHUNK_DATA;
            }
            return true;
        }
        if (b == '\r')
        {
            s.sawCr = true;
            return true;
        }
        if (s.chunkDigits >= 0)
        {
            final int digit = Character.digit(b, 16);
            if (digit >= 0)
            {
                s.bodyRemaining = s.bodyRemaining * 16 + digit;
                s.chunkDigits++;
                return s.bodyRemaining <= MAX_CHUNK_SIZE;
            }
            if (s.chunkDigits == 0 || b != ';' && b != ' ' && b != '\t')
            {
                return false;
            }
            s.chunkDigits = -1; // extensions follow: read and ignored
            return true;
        }
        return b >= ' ' && b != 0x7F || b == '\t';
    }

    /** A whole request (head and body) has been read: answer it. False if parsing must stop here. */
    private boolean onRequest(final HttpSession s)
    {
        requests++;
        s.phase = HttpSession.HEAD;
        s.length = 0;
        s.lineStart = 0;
        touch(s);
        final UnsafeBuffer r = s.headRequest ? (s.closeRequested ? responseHeadClose : responseHead) :
            (s.closeRequested ? responseClose : response);
        if (s.closeRequested)
        {
            // FIN after the answer; the full close follows the peer's FIN (close() here would find this very
            // request still unread and reset the connection, RFC 2525 §2.17)
            s.phase = HttpSession.DISCARD;
        }
        return send(s, r, s.closeRequested) && !s.closeRequested;
    }

    /** Answers with an error (or 431) and closes our side after it; what the peer sends then is dropped. */
    private void fail(final HttpSession s, final UnsafeBuffer answer)
    {
        errors++;
        s.phase = HttpSession.DISCARD;
        if (s.header != null)
        {
            headerBuffers.giveBack(s.header);
            s.header = null;
        }
        untime(s);
        send(s, answer, true);
    }

    /**
     * Writes {@code r} as far as the send buffer takes it; what it does not take waits for {@link #onWritable}.
     *
     * @return true if it was written whole.
     */
    private boolean send(final HttpSession s, final UnsafeBuffer r, final boolean thenClose)
    {
        s.pending = r;
        s.pendingOffset = 0;
        s.closeAfterPending = thenClose;
        return writePending(s);
    }

    private boolean writePending(final HttpSession s)
    {
        final UnsafeBuffer r = s.pending;
        final int written = endpoint.write(s.id, r, s.pendingOffset, r.capacity() - s.pendingOffset);
        if (written < 0)
        {
            s.pending = null; // the connection is gone or shut down: nothing more can be sent
            s.phase = HttpSession.DISCARD;
            return false;
        }
        s.pendingOffset += written;
        if (s.pendingOffset < r.capacity())
        {
            return false;
        }
        s.pending = null;
        if (s.closeAfterPending)
        {
            endpoint.shutdownOutput(s.id);
            connections.put(s.id, connections.get(s.id) | CLOSING);
        }
        return true;
    }

    public void onWritable(final long id)
    {
        final HttpSession s = sessions.get(id);
        if (s != null && s.pending != null)
        {
            if (!writePending(s))
            {
                return;
            }
            final long entry = connections.get(id);
            if ((entry & PEER_CLOSED) != 0 && unreadBytes(id) == 0)
            {
                closeAfterDrain(id, entry, 0);
                return;
            }
        }
        endpoint.resumeReading(id);
    }

    public void onPeerClosed(final long id)
    {
        final long entry = connections.get(id) | PEER_CLOSED;
        connections.put(id, entry);
        final HttpSession s = sessions.get(id);
        if (s == null || s.pending == null)
        {
            closeAfterDrain(id, entry, unreadBytes(id));
        }
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

    private int unreadBytes(final long id)
    {
        return Math.max(0, endpoint.unreadBytes(id)); // negative: the id is gone (an error code)
    }

    public void onClosed(final long id)
    {
        connections.remove(id);
        final HttpSession s = sessions.remove(id);
        if (s != null)
        {
            untime(s);
            if (s.header != null)
            {
                headerBuffers.giveBack(s.header);
            }
            s.reset(-1);
            if (spareSessionCount < spareSessions.length)
            {
                spareSessions[spareSessionCount++] = s;
            }
        }
    }

    /**
     * {@link ShardDuty}: closes the HTTP connections whose idle deadline has passed, oldest first; O(expired).
     */
    public int doWork(final long nowNs)
    {
        this.nowNs = nowNs;
        int work = 0;
        while (oldest != null && oldest.deadlineNs - nowNs <= 0)
        {
            final HttpSession s = oldest;
            untime(s);
            timeouts++;
            work++;
            final boolean midRequest = s.phase != HttpSession.HEAD || s.length > 0 || s.pending != null;
            s.phase = HttpSession.DISCARD;
            s.pending = null;
            if (s.header != null)
            {
                headerBuffers.giveBack(s.header);
                s.header = null;
            }
            connections.put(s.id, connections.get(s.id) | CLOSING);
            if (midRequest)
            {
                endpoint.abort(s.id);
            }
            else
            {
                endpoint.close(s.id);
            }
        }
        return work;
    }

    /** Restarts the connection's idle deadline: it moves to the young end of the list. */
    private void touch(final HttpSession s)
    {
        untime(s);
        s.deadlineNs = nowNs + idleTimeoutNs;
        s.timed = true;
        s.prev = newest;
        if (newest == null)
        {
            oldest = s;
        }
        else
        {
            newest.next = s;
        }
        newest = s;
    }

    private void untime(final HttpSession s)
    {
        if (!s.timed)
        {
            return;
        }
        if (s.prev == null)
        {
            oldest = s.next;
        }
        else
        {
            s.prev.next = s.next;
        }
        if (s.next == null)
        {
            newest = s.prev;
        }
        else
        {
            s.next.prev = s.prev;
        }
        s.prev = null;
        s.next = null;
        s.timed = false;
    }

    /**
     * HTTP requests answered, errors included. Shard thread, or after it stopped.
     *
     * @return the count.
     */
    public long requests()
    {
        return requests;
    }

    /**
     * Requests answered with 400, 431, 501 or 505.
     *
     * @return the count.
     */
    public long errors()
    {
        return errors;
    }

    /**
     * HTTP connections closed by the idle timeout.
     *
     * @return the count.
     */
    public long timeouts()
    {
        return timeouts;
    }

    /**
     * Header buffers held by connections now, and kept spare (bounded).
     *
     * @return buffers lent now.
     */
    public int headerBuffersLent()
    {
        return headerBuffers.lent();
    }

    /**
     * Header buffers kept spare for reuse (bounded).
     *
     * @return buffers.
     */
    public int headerBuffersSpare()
    {
        return headerBuffers.spare();
    }

    /**
     * Bytes echoed back by the echo service.
     *
     * @return bytes.
     */
    public long echoedBytes()
    {
        return echoedBytes;
    }

    /**
     * Bytes read and dropped by the discard service.
     *
     * @return bytes.
     */
    public long discardedBytes()
    {
        return discardedBytes;
    }
}
