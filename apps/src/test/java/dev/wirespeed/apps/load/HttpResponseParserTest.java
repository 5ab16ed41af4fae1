package dev.wirespeed.apps.load;

import java.nio.charset.StandardCharsets;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The response parser on whole responses and on every split of them into two reads. */
class HttpResponseParserTest
{
    private final HttpResponseParser parser = new HttpResponseParser();

    private static UnsafeBuffer bytes(final String s)
    {
        return new UnsafeBuffer(s.getBytes(StandardCharsets.US_ASCII));
    }

    /** Feeds {@code text} split at {@code split}; returns the final result (bytes used or a negative code). */
    private int feedSplit(final String text, final int split)
    {
        parser.reset();
        final UnsafeBuffer b = bytes(text);
        final int first = parser.feed(b, 0, split);
        if (first == HttpResponseParser.ERROR)
        {
            return first;
        }
        if (first >= 0)
        {
            return first;
        }
        final int second = parser.feed(b, split, text.length() - split);
        return second >= 0 ? split + second : second;
    }

    private void assertCompleteAtEverySplit(final String text)
    {
        for (int split = 0; split <= text.length(); split++)
        {
            assertEquals(text.length(), feedSplit(text, split), "split at " + split + " of: " + text);
            assertTrue(parser.done());
        }
    }

    @Test
    void contentLengthBody()
    {
        assertCompleteAtEverySplit("HTTP/1.1 200 OK\r\nServer: x\r\nContent-Length: 5\r\n\r\nhello");
        assertEquals(200, parser.status());
        assertFalse(parser.closes());
    }

    @Test
    void chunkedBodyWithExtensionAndTrailer()
    {
        assertCompleteAtEverySplit("HTTP/1.1 200 OK\r\ntransfer-encoding: gzip, Chunked\r\n\r\n" +
            "5;ext=1\r\nhello\r\n1A\r\nabcdefghijklmnopqrstuvwxyz\r\n0\r\nX-Trailer: y\r\n\r\n");
    }

    @Test
    void connectionCloseIsNoticed()
    {
        assertCompleteAtEverySplit("HTTP/1.1 404 Not Found\r\nCONNECTION: Close\r\ncontent-length: 0\r\n\r\n");
        assertEquals(404, parser.status());
        assertTrue(parser.closes());
    }

    @Test
    void noContentHasNoBody()
    {
        assertCompleteAtEverySplit("HTTP/1.1 204 No Content\r\nDate: now\r\n\r\n");
    }

    @Test
    void interimResponseIsSkipped()
    {
        assertCompleteAtEverySplit("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        assertEquals(200, parser.status());
    }

    @Test
    void bodyUntilCloseWaitsForTheEnd()
    {
        parser.reset();
        final String text = "HTTP/1.0 200 OK\r\n\r\nsome body";
        assertEquals(HttpResponseParser.MORE, parser.feed(bytes(text), 0, text.length()));
        assertTrue(parser.untilClose());
        assertTrue(parser.closes());
    }

    @Test
    void bytesAfterTheResponseAreLeft()
    {
        parser.reset();
        final String text = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokEXTRA";
        assertEquals(text.length() - 5, parser.feed(bytes(text), 0, text.length()));
    }

    @Test
    void malformedResponsesAreErrors()
    {
        for (final String bad : new String[] {"SSH-2.0-OpenSSH\r\n", "HTTP/2.0 200 OK\r\n\r\n", "HTTP/1.1 2x0 OK\r\n",
            "HTTP/1.1 200 OK\r\nContent-Length: 1x\r\n\r\n", "HTTP/1.1 200 OK\r\nno colon here\n\r\n",
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n0\r\n\r\n",
            "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\nx"})
        {
            parser.reset();
            assertEquals(HttpResponseParser.ERROR, parser.feed(bytes(bad), 0, bad.length()), bad);
            assertTrue(parser.error() != null, bad);
        }
    }
}
