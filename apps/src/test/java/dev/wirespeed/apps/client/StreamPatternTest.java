package dev.wirespeed.apps.client;

import java.util.Arrays;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class StreamPatternTest
{
    @Test
    void aFillFromAnyOffsetEqualsTheBytesOneByOne()
    {
        final StreamPattern p = new StreamPattern(42);
        final SplittableRandom r = new SplittableRandom(7);
        final byte[] dst = new byte[300];
        for (int t = 0; t < 2000; t++)
        {
            final int stream = r.nextInt(5);
            final long offset = r.nextLong(1L << 40);
            final int at = r.nextInt(40);
            final int length = r.nextInt(dst.length - at);
            Arrays.fill(dst, (byte)0x5a);
            p.fill(stream, offset, dst, at, length);
            for (int i = 0; i < length; i++)
            {
                assertEquals(p.byteAt(stream, offset + i), dst[at + i], "stream " + stream + " offset " + (offset + i));
            }
            for (int i = at + length; i < dst.length; i++)
            {
                assertEquals((byte)0x5a, dst[i], "nothing written past the end");
            }
        }
    }

    @Test
    void piecesMakeTheSameStreamAsOneFill()
    {
        final StreamPattern p = new StreamPattern(1);
        final byte[] whole = new byte[10_000];
        p.fill(3, 5, whole, 0, whole.length);
        final byte[] pieces = new byte[whole.length];
        int done = 0;
        for (int n = 1; done < pieces.length; n = n * 3 % 1001 + 1)
        {
            final int len = Math.min(n, pieces.length - done);
            p.fill(3, 5 + done, pieces, done, len);
            done += len;
        }
        assertEquals(Arrays.toString(whole), Arrays.toString(pieces));
    }

    @Test
    void streamsAndSeedsDiffer()
    {
        final byte[] a = new byte[64];
        final byte[] b = new byte[64];
        final byte[] c = new byte[64];
        final byte[] d = new byte[64];
        new StreamPattern(1).fill(0, 0, a, 0, 64);
        new StreamPattern(1).fill(1, 0, b, 0, 64);
        new StreamPattern(2).fill(0, 0, c, 0, 64);
        new StreamPattern(1).fill(0, 0, d, 0, 64);
        assertFalse(Arrays.equals(a, b));
        assertFalse(Arrays.equals(a, c));
        assertEquals(Arrays.toString(a), Arrays.toString(d));
    }
}
