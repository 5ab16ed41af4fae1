package dev.wirespeed.engine.wire;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Write then parse gives back what was written; any well-formed option list that fits in 40 bytes parses
 * as a simple model says; arbitrary bytes never throw and never read outside the options area.
 * <p>
 * Behaviour numbers refer to the numbered list in docs/TCP-BEHAVIOUR.md.
 */
class TcpOptionsCodecProperties
{
    @Property(tries = 3000)
    void writeThenParseRoundTrips(
        @ForAll final boolean syn,
        @ForAll final boolean mss,
        @ForAll @IntRange(max = 0xFFFF) final int mssValue,
        @ForAll final boolean ws,
        @ForAll @IntRange(max = 0xFF) final int wsValue,
        @ForAll final boolean sackOk,
        @ForAll final boolean ts,
        @ForAll final int tsVal,
        @ForAll final int tsEcr,
        @ForAll @IntRange(max = 4) final int sackBlocks,
        @ForAll @Size(8) final int[] edges,
        @ForAll @IntRange(max = 23) final int offset)
    {
        final TcpOptions in = new TcpOptions();
        in.mssPresent = mss;
        in.mss = mssValue;
        in.windowScalePresent = ws;
        in.windowScale = wsValue;
        in.sackPermitted = sackOk;
        in.timestampPresent = ts;
        in.tsVal = tsVal;
        in.tsEcr = tsEcr;
        in.sackBlockCount = sackBlocks;
        for (int i = 0; i < 4; i++)
        {
            in.sackLeft[i] = edges[2 * i];
            in.sackRight[i] = edges[2 * i + 1];
        }

        final byte[] bytes = new byte[offset + 40 + 8];
        Arrays.fill(bytes, (byte)0xA5);
        final UnsafeBuffer buffer = new UnsafeBuffer(bytes);
        final int length = TcpOptionsCodec.write(buffer, offset, in, syn);
        assertEquals(TcpOptionsCodec.length(in, syn), length);
        assertTrue(length <= 40 && (length & 3) == 0, "length " + length);
        for (int i = offset + length; i < bytes.length; i++)
        {
            assertEquals((byte)0xA5, bytes[i], "wrote past the options");
        }

        final TcpOptions out = new TcpOptions();
        assertTrue(TcpOptionsCodec.parse(new UnsafeBuffer(bytes, offset, length), 0, length, out));

        final TcpOptions expected = new TcpOptions();
        expected.timestampPresent = ts;
        expected.tsVal = ts ? tsVal : 0;
        expected.tsEcr = ts ? tsEcr : 0;
        if (syn)
        {
            expected.mssPresent = mss;
            expected.mss = mss ? mssValue : 0;
            expected.windowScalePresent = ws;
            expected.windowScale = ws ? wsValue : 0;
            expected.sackPermitted = sackOk;
        }
        else
        {
            expected.sackBlockCount = Math.min(sackBlocks, ts ? 3 : 4);
            for (int i = 0; i < expected.sackBlockCount; i++)
            {
                expected.sackLeft[i] = in.sackLeft[i];
                expected.sackRight[i] = in.sackRight[i];
            }
        }
        assertEquals(expected.toString(), out.toString());
    }

    /** Expected state built by applying options in order, last wins. */
    @Property(tries = 5000)
    void anyWellFormedOptionListThatFitsParsesPerTheModel(
        @ForAll @Size(max = 24) final List<@IntRange(max = 8) Integer> kinds,
        @ForAll final long seed,
        @ForAll final boolean eolThenGarbage)
    {
        final Random random = new Random(seed);
        final byte[] area = new byte[40];
        final UnsafeBuffer b = new UnsafeBuffer(area);
        final TcpOptions model = new TcpOptions();
        int p = 0;
        for (final int kind : kinds)
        {
            final int before = p;
            switch (kind)
            {
                case 0: // NOP
                    if (p + 1 > 40)
                    {
                        break;
                    }
                    b.putByte(p++, (byte)1);
                    break;
                case 1: // MSS
                    if (p + 4 > 40)
                    {
                        break;
                    }
                    final int mss = random.nextInt(0x10000);
                    b.putByte(p, (byte)2);
                    b.putByte(p + 1, (byte)4);
                    b.putShort(p + 2, (short)mss, java.nio.ByteOrder.BIG_ENDIAN);
                    p += 4;
                    model.mssPresent = true;
                    model.mss = mss;
                    break;
                case 2: // WS
                    if (p + 3 > 40)
                    {
                        break;
                    }
                    final int shift = random.nextInt(256);
                    b.putByte(p, (byte)3);
                    b.putByte(p + 1, (byte)3);
                    b.putByte(p + 2, (byte)shift);
                    p += 3;
                    model.windowScalePresent = true;
                    model.windowScale = shift;
                    break;
                case 3: // SACK permitted
                    if (p + 2 > 40)
                    {
                        break;
                    }
                    b.putByte(p, (byte)4);
                    b.putByte(p + 1, (byte)2);
                    p += 2;
                    model.sackPermitted = true;
                    break;
                case 4: // SACK with 1..4 blocks
                {
                    final int blocks = 1 + random.nextInt(4);
                    if (p + 2 + 8 * blocks > 40)
                    {
                        break;
                    }
                    b.putByte(p, (byte)5);
                    b.putByte(p + 1, (byte)(2 + 8 * blocks));
                    for (int i = 0; i < blocks; i++)
                    {
                        model.sackLeft[i] = random.nextInt();
                        model.sackRight[i] = random.nextInt();
                        b.putInt(p + 2 + 8 * i, model.sackLeft[i], java.nio.ByteOrder.BIG_ENDIAN);
                        b.putInt(p + 6 + 8 * i, model.sackRight[i], java.nio.ByteOrder.BIG_ENDIAN);
                    }
                    model.sackBlockCount = blocks;
                    p += 2 + 8 * blocks;
                    break;
                }
                case 5: // timestamps
                    if (p + 10 > 40)
                    {
                        break;
                    }
                    model.timestampPresent = true;
                    model.tsVal = random.nextInt();
                    model.tsEcr = random.nextInt();
                    b.putByte(p, (byte)8);
                    b.putByte(p + 1, (byte)10);
                    b.putInt(p + 2, model.tsVal, java.nio.ByteOrder.BIG_ENDIAN);
                    b.putInt(p + 6, model.tsEcr, java.nio.ByteOrder.BIG_ENDIAN);
                    p += 10;
                    break;
                case 6: // unknown kind, valid length: skipped (behaviour 33)
                {
                    final int len = 2 + random.nextInt(9);
                    if (p + len > 40)
                    {
                        break;
                    }
                    int k;
                    do
                    {
                        k = 6 + random.nextInt(250);
                    }
                    while (k == 8);
                    b.putByte(p, (byte)k);
                    b.putByte(p + 1, (byte)len);
                    for (int i = 2; i < len; i++)
                    {
                        b.putByte(p + i, (byte)random.nextInt());
                    }
                    p += len;
                    break;
                }
                default: // a known kind with a wrong but structurally valid length: ignored (behaviour 61)
                {
                    final int[] known = {2, 3, 4, 5, 8};
                    final int[] right = {4, 3, 2, 10, 10};
                    final int which = random.nextInt(known.length);
                    int len;
                    do
                    {
                        len = 2 + random.nextInt(12);
                    }
                    while (len == right[which] || (known[which] == 5 && len >= 10 && (len - 2) % 8 == 0));
                    if (p + len > 40)
                    {
                        break;
                    }
                    b.putByte(p, (byte)known[which]);
                    b.putByte(p + 1, (byte)len);
                    for (int i = 2; i < len; i++)
                    {
                        b.putByte(p + i, (byte)random.nextInt());
                    }
                    p += len;
                    break;
                }
            }
            assertTrue(p >= before && p <= 40);
        }
        int length = p;
        if (eolThenGarbage && p < 40)
        {
            b.putByte(p, (byte)0);
            for (int i = p + 1; i < 40; i++)
            {
                b.putByte(i, (byte)random.nextInt());
            }
            length = 40;
        }

        final TcpOptions out = new TcpOptions();
        assertTrue(TcpOptionsCodec.parse(new UnsafeBuffer(area, 0, length), 0, length, out));
        assertEquals(model.toString(), out.toString());
    }

    @Property(tries = 10000)
    void arbitraryBytesNeverThrowNorReadOutside(
        @ForAll @Size(max = 60) final byte[] area, @ForAll @IntRange(min = 1, max = 16) final int pad)
    {
        final TcpOptions exact = new TcpOptions();
        final boolean exactResult = TcpOptionsCodec.parse(new UnsafeBuffer(area), 0, area.length, exact);

        for (final byte sentinel : new byte[] {0, 1, 2, (byte)0xFF})
        {
            final byte[] big = new byte[pad + area.length + pad];
            Arrays.fill(big, sentinel);
            System.arraycopy(area, 0, big, pad, area.length);
            final TcpOptions placed = new TcpOptions();
            assertEquals(exactResult, TcpOptionsCodec.parse(new UnsafeBuffer(big), pad, area.length, placed));
            assertEquals(exact.toString(), placed.toString());
        }
        assertTrue(exact.sackBlockCount >= 0 && exact.sackBlockCount <= TcpOptions.MAX_SACK_BLOCKS);
    }
}
