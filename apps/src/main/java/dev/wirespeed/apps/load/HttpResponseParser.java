package dev.wirespeed.apps.load;

import org.agrona.DirectBuffer;

/**
 * An incremental HTTP/1.1 response parser for one connection: status line, headers (only
 * {@code Content-Length}, {@code Transfer-Encoding: chunked} and {@code Connection: close} matter), then the
 * body framed by length, by chunks (with trailers) or by the end of the connection. Fed any split of the bytes;
 * keeps no copy of them and allocates nothing. One instance per connection slot, {@link #reset} per response.
 */
public final class HttpResponseParser
{
    /**
     * A parser for one connection slot, ready for its first response.
     */
    HttpResponseParser()
    {
    }

    /** More bytes needed. */
    public static final int MORE = -1;
    /** The response is malformed; {@link #error()} says how. */
    public static final int ERROR = -2;

    private static final int S_STATUS = 0;
    private static final int S_HEADER_LINE_START = 1;
    private static final int S_HEADER_NAME = 2;
    private static final int S_HEADER_VALUE = 3;
    private static final int S_HEADERS_CR = 4;
    private static final int S_BODY = 5;
    private static final int S_CHUNK_SIZE = 6;
    private static final int S_CHUNK_EXT = 7;
    private static final int S_CHUNK_DATA = 8;
    private static final int S_CHUNK_DATA_CR = 9;
    private static final int S_CHUNK_DATA_LF = 10;
    private static final int S_TRAILER_LINE_START = 11;
    private static final int S_TRAILER_LINE = 12;
    private static final int S_TRAILER_CR = 13;
    private static final int S_UNTIL_CLOSE = 14;
    private static final int S_DONE = 15;

    private static final byte[] STATUS_PREFIX = "HTTP/1.".getBytes();
    private static final byte[][] NAMES = {"content-length".getBytes(), "transfer-encoding".getBytes(),
        "connection".getBytes()};
    private static final int H_NONE = -1;
    private static final int H_CONTENT_LENGTH = 0;
    private static final int H_TRANSFER_ENCODING = 1;
    private static final int H_CONNECTION = 2;
    private static final byte[] CHUNKED = "chunked".getBytes();
    private static final byte[] CLOSE = "close".getBytes();
    private static final int MAX_HEADER_BYTES = 64 * 1024;

    private int state;
    private int pos;
    private int status;
    private int headerBytes;
    private int header;
    /** Bit i: header name i still matches at {@link #pos}. */
    private int nameMatch;
    private int valueMatch;
    private long contentLength;
    private boolean chunked;
    private boolean close;
    private long remaining;
    private int chunkDigits;
    private String error;

    /** Ready for a new response. */
    public void reset()
    {
        state = S_STATUS;
        pos = 0;
        status = 0;
        headerBytes = 0;
        header = H_NONE;
        contentLength = -1;
        chunked = false;
        close = false;
        remaining = 0;
        chunkDigits = 0;
        error = null;
    }

    /**
     * The status code, once the status line is in.
     *
     * @return 100..599, or 0 before the status line.
     */
    public int status()
    {
        return status;
    }

    /**
     * The server said {@code Connection: close}, or the body runs to the end of the connection.
     *
     * @return true if the connection ends after this response.
     */
    public boolean closes()
    {
        return close || state == S_UNTIL_CLOSE;
    }

    /**
     * Whether the whole response is in.
     *
     * @return true once head and body are complete.
     */
    public boolean done()
    {
        return state == S_DONE;
    }

    /**
     * Waiting for the end of the connection to end the body.
     *
     * @return true for a body delimited by the end of the connection.
     */
    public boolean untilClose()
    {
        return state == S_UNTIL_CLOSE;
    }

    /**
     * What was malformed, after {@link #feed} returned {@link #ERROR}.
     *
     * @return the description, or null.
     */
    public String error()
    {
        return error;
    }

    /**
     * Parses bytes [offset, offset + length).
     *
     * @param buffer holds the bytes.
     * @param offset of the first byte.
     * @param length bytes offered.
     * @return bytes consumed when the response is complete (the rest belong to whatever follows), else
     * {@link #MORE} or {@link #ERROR}.
     */
    public int feed(final DirectBuffer buffer, final int offset, final int length)
    {
        int i = offset;
        final int end = offset + length;
        while (i < end)
        {
            switch (state)
            {
                case S_BODY, S_CHUNK_DATA ->
                {
                    final int n = (int)Math.min(remaining, end - i);
                    remaining -= n;
                    i += n;
                    if (remaining == 0)
                    {
                        if (state == S_BODY)
                        {
                            state = S_DONE;
                            return i - offset;
                        }
                        state = S_CHUNK_DATA_CR;
                    }
                }
                case S_UNTIL_CLOSE -> i = end;
                case S_DONE ->
                {
                    return i - offset;
                }
                default ->
                {
                    if (!step(buffer.getByte(i++)))
                    {
                        return ERROR;
                    }
                    if (state == S_DONE)
                    {
                        return i - offset;
                    }
                }
            }
        }
        return MORE;
    }

    private boolean fail(final String why)
    {
        error = why;
        return false;
    }

    private boolean step(final byte b)
    {
        if (state <= S_HEADERS_CR && ++headerBytes > MAX_HEADER_BYTES)
        {
            return fail("headers longer than " + MAX_HEADER_BYTES + " bytes");
        }
        switch (state)
        {
            case S_STATUS:
                return statusByte(b);
            case S_HEADER_LINE_START:
                if (b == '\r')
                {
                    state = S_HEADERS_CR;
                    return true;
                }
                if (b == '\n')
                {
                    return endOfHeaders();
                }
                state = S_HEADER_NAME;
                pos = 0;
                nameMatch = (1 << NAMES.length) - 1;
                header = H_NONE;
                return nameByte(b);
            case S_HEADER_NAME:
                return nameByte(b);
            case S_HEADER_VALUE:
                return valueByte(b);
            case S_HEADERS_CR:
                return b == '\n' ? endOfHeaders() : fail("CR without LF after the headers");
            case S_CHUNK_SIZE:
                return chunkSizeByte(b);
            case S_CHUNK_EXT:
                if (b == '\n')
                {
                    return endOfChunkSize();
                }
                return true;
            case S_CHUNK_DATA_CR:
                if (b == '\r')
                {
                    state = S_CHUNK_DATA_LF;
                    return true;
                }
                return b == '\n' ? startChunkSize() : fail("chunk data longer than its size");
            case S_CHUNK_DATA_LF:
                return b == '\n' ? startChunkSize() : fail("chunk data longer than its size");
            case S_TRAILER_LINE_START:
                if (b == '\r')
                {
                    state = S_TRAILER_CR;
                    return true;
                }
                if (b == '\n')
                {
                    state = S_DONE;
                    return true;
                }
                state = S_TRAILER_LINE;
                return true;
            case S_TRAILER_LINE:
                if (b == '\n')
                {
                    state = S_TRAILER_LINE_START;
                }
                return true;
            case S_TRAILER_CR:
                if (b == '\n')
                {
                    state = S_DONE;
                    return true;
                }
                return fail("CR without LF after the trailers");
            default:
                return fail("parser state " + state);
        }
    }

    private boolean statusByte(final byte b)
    {
        // "HTTP/1.x NNN reason\r\n"
        if (pos < STATUS_PREFIX.length)
        {
            if (b != STATUS_PREFIX[pos])
            {
                return fail("not an HTTP/1.x status line");
            }
        }
        else if (pos == STATUS_PREFIX.length)
        {
            if (b != '0' && b != '1')
            {
                return fail("not an HTTP/1.x status line");
            }
        }
        else if (pos == STATUS_PREFIX.length + 1)
        {
            if (b != ' ')
            {
                return fail("no space after the HTTP version");
            }
        }
        else if (pos <= STATUS_PREFIX.length + 4)
        {
            if (b < '0' || b > '9')
            {
                return fail("status code is not three digits");
            }
            status = status * 10 + (b - '0');
        }
        else if (b == '\n')
        {
            state = S_HEADER_LINE_START;
            return true;
        }
        pos++;
        return true;
    }

    private boolean nameByte(final byte b)
    {
        if (b == ':')
        {
            header = H_NONE;
            for (int h = 0; h < NAMES.length; h++)
            {
                if ((nameMatch & (1 << h)) != 0 && NAMES[h].length == pos)
                {
                    header = h;
                }
            }
            state = S_HEADER_VALUE;
            pos = 0;
            valueMatch = 0;
            if (header == H_CONTENT_LENGTH)
            {
                if (contentLength >= 0)
                {
                    return fail("two Content-Length headers");
                }
                contentLength = 0;
            }
            return true;
        }
        if (b == '\n')
        {
            return fail("header line without a colon");
        }
        final byte lower = b >= 'A' && b <= 'Z' ? (byte)(b + 32) : b;
        for (int h = 0; h < NAMES.length; h++)
        {
            if ((nameMatch & (1 << h)) != 0 && (pos >= NAMES[h].length || NAMES[h][pos] != lower))
            {
                nameMatch &= ~(1 << h);
            }
        }
        pos++;
        return true;
    }

    private boolean valueByte(final byte b)
    {
        if (b == '\n')
        {
            state = S_HEADER_LINE_START;
            return true;
        }
        if (b == '\r' || b == ' ' || b == '\t')
        {
            return true;
        }
        switch (header)
        {
            case H_CONTENT_LENGTH ->
            {
                if (b < '0' || b > '9' || contentLength > Long.MAX_VALUE / 10 - 10)
                {
                    return fail("bad Content-Length");
                }
                contentLength = contentLength * 10 + (b - '0');
            }
            case H_TRANSFER_ENCODING ->
            {
                if (matchWord(b, CHUNKED))
                {
                    chunked = true;
                }
            }
            case H_CONNECTION ->
            {
                if (matchWord(b, CLOSE))
                {
                    close = true;
                }
            }
            default ->
            {
            }
        }
        return true;
    }

    /** Case-insensitive substring match of {@code word} across calls ({@code word} has no repeated prefix). */
    private boolean matchWord(final byte b, final byte[] word)
    {
        final byte lower = b >= 'A' && b <= 'Z' ? (byte)(b + 32) : b;
        if (valueMatch < word.length && word[valueMatch] == lower)
        {
            valueMatch++;
        }
        else
        {
            valueMatch = word[0] == lower ? 1 : 0;
        }
        return valueMatch == word.length;
    }

    private boolean endOfHeaders()
    {
        if (status >= 100 && status < 200)
        {
            // an interim response (100 Continue): the real one follows
            final int s = headerBytes;
            reset();
            headerBytes = s;
            return true;
        }
        if (status == 204 || status == 304)
        {
            state = S_DONE;
        }
        else if (chunked)
        {
            return startChunkSize();
        }
        else if (contentLength >= 0)
        {
            remaining = contentLength;
            state = contentLength == 0 ? S_DONE : S_BODY;
        }
        else
        {
            state = S_UNTIL_CLOSE;
        }
        return true;
    }

    private boolean startChunkSize()
    {
        state = S_CHUNK_SIZE;
        remaining = 0;
        chunkDigits = 0;
        return true;
    }

    private boolean chunkSizeByte(final byte b)
    {
        final int digit = b >= '0' && b <= '9' ? b - '0' : b >= 'a' && b <= 'f' ? b - 'a' + 10 :
            b >= 'A' && b <= 'F' ? b - 'A' + 10 : -1;
        if (digit >= 0)
        {
            if (++chunkDigits > 15)
            {
                return fail("chunk size too large");
            }
            remaining = remaining * 16 + digit;
            return true;
        }
        if (chunkDigits == 0)
        {
            return fail("chunk size is not hexadecimal");
        }
        if (b == '\n')
        {
            return endOfChunkSize();
        }
        state = S_CHUNK_EXT;
        return true;
    }

    private boolean endOfChunkSize()
    {
        state = remaining == 0 ? S_TRAILER_LINE_START : S_CHUNK_DATA;
        return true;
    }
}
