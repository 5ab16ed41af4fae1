package dev.wirespeed.apps.serve;

import org.agrona.DirectBuffer;

/**
 * Validates one complete HTTP/1.1 request head (request line and header fields, RFC 9112 §3 and §5) and extracts
 * what the fixed-response server needs: the status to answer with, the method (HEAD gets no body), how the body
 * is framed (Content-Length or chunked, RFC 9112 §6.3), {@code Connection: close} and {@code Expect:
 * 100-continue}. Lines end with LF, with or without a CR before it (RFC 9112 §2.2 allows a recipient to accept a
 * bare LF, as nginx does). No allocation; reused for every request. Not thread safe.
 * <p>
 * Answers, as nginx does where RFC 9112 leaves a choice:
 * <ul>
 *   <li>400: a malformed request line (not three parts separated by single spaces, a method that is not a token,
 *       a target with spaces or control characters, a version that is not {@code HTTP/d.d}), a malformed field
 *       line (no colon, whitespace before the colon, obsolete line folding, control characters), an HTTP/1.1
 *       request without exactly one Host, a bad or repeated Content-Length, Transfer-Encoding together with
 *       Content-Length or on HTTP/1.0, or chunked not the final coding (RFC 9112 §6.3, request smuggling);</li>
 *   <li>501: a well-formed method we do not implement, or a transfer coding other than chunked;</li>
 *   <li>505: any major version but 1 ({@code HTTP/9.9}, {@code HTTP/2.0} in text).</li>
 * </ul>
 */
final class HttpHeaders
{
    static final int OK = 0;
    static final int BAD_REQUEST = 400;
    static final int NOT_IMPLEMENTED = 501;
    static final int VERSION_NOT_SUPPORTED = 505;

    static final int BODY_NONE = 0;
    static final int BODY_LENGTH = 1;
    static final int BODY_CHUNKED = 2;

    private static final byte[][] METHODS =
    {
        bytes("GET"), bytes("HEAD"), bytes("POST"), bytes("PUT"), bytes("DELETE"), bytes("OPTIONS"),
        bytes("TRACE"), bytes("PATCH"),
    };
    private static final byte[] HEAD = bytes("HEAD");
    private static final byte[] HOST = bytes("host");
    private static final byte[] CONTENT_LENGTH = bytes("content-length");
    private static final byte[] TRANSFER_ENCODING = bytes("transfer-encoding");
    private static final byte[] CONNECTION = bytes("connection");
    private static final byte[] EXPECT = bytes("expect");
    private static final byte[] CLOSE = bytes("close");
    private static final byte[] KEEP_ALIVE = bytes("keep-alive");
    private static final byte[] CHUNKED = bytes("chunked");
    private static final byte[] CONTINUE = bytes("100-continue");
    /** Content-Length values above this are refused (400): 2^53, far beyond any test, safe from overflow. */
    static final long MAX_CONTENT_LENGTH = 1L << 53;

    private DirectBuffer b;
    private int status;
    private boolean head;
    private boolean http10;
    private boolean close;
    private boolean keepAlive;
    private boolean expectContinue;
    private int bodyKind;
    private long contentLength;
    private int hosts;
    private boolean chunkedSeen;
    private boolean transferEncodingSeen;
    private boolean contentLengthSeen;

    private static byte[] bytes(final String s)
    {
        return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    /**
     * Parses the head in {@code [0, length)}: the request line first (leading empty lines already skipped), the
     * empty line that ends the head included.
     *
     * @return {@link #OK} or the status to answer with (then the connection is closed after the answer).
     */
    int parse(final DirectBuffer buffer, final int length)
    {
        b = buffer;
        status = OK;
        head = false;
        http10 = false;
        close = false;
        keepAlive = false;
        expectContinue = false;
        bodyKind = BODY_NONE;
        contentLength = 0;
        hosts = 0;
        chunkedSeen = false;
        transferEncodingSeen = false;
        contentLengthSeen = false;

        final int lineEnd = lineEnd(0, length);
        if (lineEnd < 0 || !requestLine(0, contentEnd(0, lineEnd)))
        {
            return status == OK ? BAD_REQUEST : status;
        }
        int start = lineEnd + 1;
        while (start < length)
        {
            final int end = lineEnd(start, length);
            if (end < 0)
            {
                return BAD_REQUEST;
            }
            final int contentEnd = contentEnd(start, end);
            if (contentEnd == start)
            {
                break; // the empty line that ends the head
            }
            if (!fieldLine(start, contentEnd))
            {
                return BAD_REQUEST;
            }
            start = end + 1;
        }
        if (!http10 && hosts != 1 || http10 && hosts > 1)
        {
            return BAD_REQUEST; // RFC 9112 §3.2
        }
        if (transferEncodingSeen)
        {
            if (contentLengthSeen || http10)
            {
                return BAD_REQUEST; // RFC 9112 §6.1, §6.3: faulty framing, a smuggling attempt
            }
            if (bodyKind != BODY_CHUNKED)
            {
                return chunkedSeen ? BAD_REQUEST : NOT_IMPLEMENTED;
            }
        }
        close |= http10 && !keepAlive;
        return status;
    }

    boolean isHead()
    {
        return head;
    }

    boolean wantsClose()
    {
        return close;
    }

    boolean expectContinue()
    {
        return expectContinue && !http10;
    }

    int bodyKind()
    {
        return bodyKind;
    }

    long contentLength()
    {
        return contentLength;
    }

    private boolean requestLine(final int start, final int end)
    {
        final int sp1 = indexOf(start, end, (byte)' ');
        if (sp1 <= start)
        {
            return false;
        }
        final int sp2 = indexOf(sp1 + 1, end, (byte)' ');
        if (sp2 <= sp1 + 1 || indexOf(sp2 + 1, end, (byte)' ') >= 0)
        {
            return false;
        }
        for (int i = start; i < sp1; i++)
        {
            if (!isTchar(b.getByte(i)))
            {
                return false;
            }
        }
        for (int i = sp1 + 1; i < sp2; i++)
        {
            final byte c = b.getByte(i);
            if (c <= ' ' || c == 0x7F)
            {
                return false;
            }
        }
        // HTTP-version = "HTTP/" DIGIT "." DIGIT (RFC 9112 §2.3)
        final int v = sp2 + 1;
        if (end - v != 8 || b.getByte(v) != 'H' || b.getByte(v + 1) != 'T' || b.getByte(v + 2) != 'T' ||
            b.getByte(v + 3) != 'P' || b.getByte(v + 4) != '/' || !isDigit(b.getByte(v + 5)) ||
            b.getByte(v + 6) != '.' || !isDigit(b.getByte(v + 7)))
        {
            return false;
        }
        if (b.getByte(v + 5) != '1')
        {
            status = VERSION_NOT_SUPPORTED;
            return false;
        }
        http10 = b.getByte(v + 7) == '0';
        boolean known = false;
        for (final byte[] method : METHODS)
        {
            known |= equals(start, sp1, method, false);
        }
        if (!known)
        {
            status = NOT_IMPLEMENTED;
            return false;
        }
        head = equals(start, sp1, HEAD, false);
        return true;
    }

    private boolean fieldLine(final int start, final int end)
    {
        final int colon = indexOf(start, end, (byte)':');
        if (colon <= start)
        {
            return false; // no name, or obsolete line folding (a line starting with whitespace has no tchar name)
        }
        for (int i = start; i < colon; i++)
        {
            if (!isTchar(b.getByte(i)))
            {
                return false; // includes whitespace before the colon (RFC 9112 §5.1)
            }
        }
        int vs = colon + 1;
        int ve = end;
        while (vs < ve && isOws(b.getByte(vs)))
        {
            vs++;
        }
        while (ve > vs && isOws(b.getByte(ve - 1)))
        {
            ve--;
        }
        for (int i = vs; i < ve; i++)
        {
            final byte c = b.getByte(i);
            if ((c < ' ' && c != '\t') || c == 0x7F)
            {
                return false;
            }
        }
        if (equals(start, colon, HOST, true))
        {
            hosts++;
        }
        else if (equals(start, colon, CONTENT_LENGTH, true))
        {
            return contentLength(vs, ve);
        }
        else if (equals(start, colon, TRANSFER_ENCODING, true))
        {
            transferEncoding(vs, ve);
        }
        else if (equals(start, colon, CONNECTION, true))
        {
            close |= hasToken(vs, ve, CLOSE);
            keepAlive |= hasToken(vs, ve, KEEP_ALIVE);
        }
        else if (equals(start, colon, EXPECT, true))
        {
            expectContinue |= equals(vs, ve, CONTINUE, true);
        }
        return true;
    }

    private boolean contentLength(final int vs, final int ve)
    {
        if (contentLengthSeen || vs == ve)
        {
            return false;
        }
        contentLengthSeen = true;
        long n = 0;
        for (int i = vs; i < ve; i++)
        {
            final byte c = b.getByte(i);
            if (!isDigit(c))
            {
                return false;
            }
            n = n * 10 + (c - '0');
            if (n > MAX_CONTENT_LENGTH)
            {
                return false;
            }
        }
        contentLength = n;
        if (bodyKind != BODY_CHUNKED)
        {
            bodyKind = n > 0 ? BODY_LENGTH : BODY_NONE;
        }
        return true;
    }

    /** Records whether chunked is the final coding of the list (several fields form one list). */
    private void transferEncoding(final int vs, final int ve)
    {
        transferEncodingSeen = true;
        chunkedSeen |= hasToken(vs, ve, CHUNKED);
        int last = ve;
        int i = ve;
        while (i > vs && b.getByte(i - 1) != ',')
        {
            i--;
        }
        int first = i;
        while (first < last && isOws(b.getByte(first)))
        {
            first++;
        }
        bodyKind = equals(first, last, CHUNKED, true) ? BODY_CHUNKED : BODY_NONE;
    }

    private boolean hasToken(final int vs, final int ve, final byte[] token)
    {
        int i = vs;
        while (i < ve)
        {
            int end = indexOf(i, ve, (byte)',');
            if (end < 0)
            {
                end = ve;
            }
            int s = i;
            int e = end;
            while (s < e && isOws(b.getByte(s)))
            {
                s++;
            }
            while (e > s && isOws(b.getByte(e - 1)))
            {
                e--;
            }
            if (equals(s, e, token, true))
            {
                return true;
            }
            i = end + 1;
        }
        return false;
    }

    /** The index of the LF that ends the line starting at {@code start}, or -1. */
    private int lineEnd(final int start, final int length)
    {
        return indexOf(start, length, (byte)'\n');
    }

    /** The end of a line's content: before its LF, and before a CR right before it. */
    private int contentEnd(final int start, final int lf)
    {
        return lf > start && b.getByte(lf - 1) == '\r' ? lf - 1 : lf;
    }

    private int indexOf(final int from, final int to, final byte c)
    {
        for (int i = from; i < to; i++)
        {
            if (b.getByte(i) == c)
            {
                return i;
            }
        }
        return -1;
    }

    private boolean equals(final int start, final int end, final byte[] s, final boolean ignoreCase)
    {
        if (end - start != s.length)
        {
            return false;
        }
        for (int i = 0; i < s.length; i++)
        {
            final byte c = b.getByte(start + i);
            if (c != s[i] && !(ignoreCase && c >= 'A' && c <= 'Z' && c + ('a' - 'A') == s[i]))
            {
                return false;
            }
        }
        return true;
    }

    private static boolean isDigit(final byte c)
    {
        return c >= '0' && c <= '9';
    }

    private static boolean isOws(final byte c)
    {
        return c == ' ' || c == '\t';
    }

    /** RFC 9110 §5.6.2 tchar. */
    static boolean isTchar(final byte c)
    {
        if (c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z')
        {
            return true;
        }
        switch (c)
        {
            case '!': case '#': case '$': case '%': case '&': case '\'': case '*': case '+': case '-': case '.':
            case '^': case '_': case '`': case '|': case '~':
                return true;
            default:
                return false;
        }
    }
}
