package dev.wirespeed.bench.serve;

import org.agrona.DirectBuffer;

/** Just enough of HTTP/1.1 header parsing for the fixed-response server: no allocation, case-insensitive names. */
final class HttpHeaders
{
    private static final byte[] CONNECTION = "\nconnection:".getBytes();
    private static final byte[] CONTENT_LENGTH = "\ncontent-length:".getBytes();
    private static final byte[] CLOSE = "close".getBytes();
    private static final byte[] HTTP10 = "HTTP/1.0".getBytes();

    private HttpHeaders()
    {
    }

    /** True for {@code Connection: close}, or an HTTP/1.0 request without {@code Connection: keep-alive}. */
    static boolean wantsClose(final DirectBuffer header, final int length)
    {
        final int v = valueOffset(header, length, CONNECTION);
        if (v >= 0)
        {
            return startsWithIgnoreCase(header, v, length, CLOSE);
        }
        final int lineEnd = indexOf(header, 0, length, (byte)'\r');
        return lineEnd >= 8 && startsWithIgnoreCase(header, lineEnd - 8, length, HTTP10);
    }

    /** The Content-Length value, 0 if absent or malformed. */
    static int contentLength(final DirectBuffer header, final int length)
    {
        int v = valueOffset(header, length, CONTENT_LENGTH);
        if (v < 0)
        {
            return 0;
        }
        long n = 0;
        while (v < length)
        {
            final byte b = header.getByte(v++);
            if (b < '0' || b > '9')
            {
                break;
            }
            n = n * 10 + (b - '0');
            if (n > Integer.MAX_VALUE)
            {
                return 0;
            }
        }
        return (int)n;
    }

    private static int valueOffset(final DirectBuffer header, final int length, final byte[] name)
    {
        for (int i = 0; i + name.length <= length; i++)
        {
            if (startsWithIgnoreCase(header, i, length, name))
            {
                int v = i + name.length;
                while (v < length && (header.getByte(v) == ' ' || header.getByte(v) == '\t'))
                {
                    v++;
                }
                return v;
            }
        }
        return -1;
    }

    private static boolean startsWithIgnoreCase(final DirectBuffer b, final int at, final int length, final byte[] s)
    {
        if (at + s.length > length)
        {
            return false;
        }
        for (int i = 0; i < s.length; i++)
        {
            if (Character.toLowerCase(b.getByte(at + i)) != s[i] && b.getByte(at + i) != s[i])
            {
                return false;
            }
        }
        return true;
    }

    private static int indexOf(final DirectBuffer b, final int from, final int length, final byte c)
    {
        for (int i = from; i < length; i++)
        {
            if (b.getByte(i) == c)
            {
                return i;
            }
        }
        return -1;
    }
}
