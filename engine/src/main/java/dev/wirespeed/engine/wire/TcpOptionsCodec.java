package dev.wirespeed.engine.wire;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * Reads and writes the TCP options area to and from a {@link TcpOptions} holder.
 * <pre>
 *  EOL             +--------+
 *                  |00000000|                                   kind 0, ends the list
 *                  +--------+
 *  NOP             +--------+
 *                  |00000001|                                   kind 1, padding
 *                  +--------+
 *  MSS             +--------+--------+--------+--------+
 *                  |00000010|00000100|   max seg size  |        kind 2, length 4 (SYN only)
 *                  +--------+--------+--------+--------+
 *  Window scale    +--------+--------+--------+
 *                  |00000011|00000011| shift  |                  kind 3, length 3 (SYN only)
 *                  +--------+--------+--------+
 *  SACK-permitted  +--------+--------+
 *                  |00000100|00000010|                          kind 4, length 2 (SYN only)
 *                  +--------+--------+
 *  SACK            +--------+--------+-----------------+-----------------+--
 *                  |00000101| 2 + 8n |  left edge 1    |  right edge 1   | ... n = 1..4
 *                  +--------+--------+-----------------+-----------------+--
 *  Timestamps      +--------+--------+-----------------+-----------------+
 *                  |00001000|00001010|      TSval      |      TSecr      |  kind 8, length 10
 *                  +--------+--------+-----------------+-----------------+
 * </pre>
 * Parsing rules (behaviours 33 and 61 in docs/TCP-BEHAVIOUR.md):
 * <ul>
 * <li>an option whose length byte is 0 or 1, one that runs past the options area, or a kind (other than
 * EOL/NOP) in the last byte with no room for its length: parsing stops and {@code parse} returns false,
 * the caller drops the segment;</li>
 * <li>a known option with the wrong length (MSS &ne; 4, WS &ne; 3, SACK-permitted &ne; 2, SACK not 2 + 8n
 * with n &ge; 1, timestamps &ne; 10) is ignored and parsing continues after it;</li>
 * <li>an unknown kind with a valid length is skipped;</li>
 * <li>EOL ends the list, whatever follows it.</li>
 * </ul>
 * When an option appears twice the last one wins. SACK blocks beyond {@link TcpOptions#MAX_SACK_BLOCKS}
 * are ignored. The parser does not judge whether an option is allowed on this segment (MSS on a non-SYN):
 * that is the TCP layer's policy.
 * <p>
 * The writer uses the Linux layouts, every option aligned so the total is a multiple of 4:
 * SYN {@code MSS, SACKOK, TS, NOP, WS} (20 bytes, or {@code NOP, NOP, SACKOK} / {@code NOP, NOP, TS} when
 * only one of the two is on); other segments {@code NOP, NOP, TS} then {@code NOP, NOP, SACK}.
 * <p>
 * Stateless and allocation free.
 */
public final class TcpOptionsCodec
{
    /** Option kind: end of option list. */
    public static final int KIND_EOL = 0;
    /** Option kind: no-operation (padding). */
    public static final int KIND_NOP = 1;
    /** Option kind: maximum segment size (RFC 9293). */
    public static final int KIND_MSS = 2;
    /** Option kind: window scale (RFC 7323). */
    public static final int KIND_WINDOW_SCALE = 3;
    /** Option kind: SACK permitted (RFC 2018). */
    public static final int KIND_SACK_PERMITTED = 4;
    /** Option kind: SACK blocks (RFC 2018). */
    public static final int KIND_SACK = 5;
    /** Option kind: timestamps (RFC 7323). */
    public static final int KIND_TIMESTAMPS = 8;

    /** Length of the MSS option, bytes. */
    public static final int LENGTH_MSS = 4;
    /** Length of the window scale option, bytes. */
    public static final int LENGTH_WINDOW_SCALE = 3;
    /** Length of the SACK-permitted option, bytes. */
    public static final int LENGTH_SACK_PERMITTED = 2;
    /** Length of one SACK block, bytes. */
    public static final int LENGTH_SACK_BLOCK = 8;
    /** Length of the timestamps option, bytes. */
    public static final int LENGTH_TIMESTAMPS = 10;

    /** Most bytes {@link #write(MutableDirectBuffer, int, TcpOptions, boolean)} can produce. */
    public static final int MAX_LENGTH = TcpHeader.MAX_OPTIONS_LENGTH;

    private TcpOptionsCodec()
    {
    }

    /**
     * Parses the options area into {@code out}, which is reset first.
     *
     * @param buffer holding the segment.
     * @param offset absolute offset of the first option byte ({@link TcpHeader#optionsOffset()}).
     * @param length of the options area in bytes ({@link TcpHeader#optionsLength()}); only
     *               {@code [offset, offset + length)} is read.
     * @param out    receives the options; on a false return it holds what was parsed before the fault.
     * @return true if the area is well formed; false if the segment must be dropped (behaviour 61).
     */
    public static boolean parse(final DirectBuffer buffer, final int offset, final int length, final TcpOptions out)
    {
        out.reset();
        final int end = offset + length;
        int i = offset;
        while (i < end)
        {
            final int kind = buffer.getByte(i) & 0xFF;
            if (kind == KIND_EOL)
            {
                return true;
            }
            if (kind == KIND_NOP)
            {
                i++;
                continue;
            }
            if (i + 1 >= end)
            {
                return false;
            }
            final int optionLength = buffer.getByte(i + 1) & 0xFF;
            if (optionLength < 2 || optionLength > end - i)
            {
                return false;
            }

            switch (kind)
            {
                case KIND_MSS:
                    if (optionLength == LENGTH_MSS)
                    {
                        out.mssPresent = true;
                        out.mss = buffer.getShort(i + 2, ByteOrder.BIG_ENDIAN) & 0xFFFF;
                    }
                    break;

                case KIND_WINDOW_SCALE:
                    if (optionLength == LENGTH_WINDOW_SCALE)
                    {
                        out.windowScalePresent = true;
                        out.windowScale = buffer.getByte(i + 2) & 0xFF;
                    }
                    break;

                case KIND_SACK_PERMITTED:
                    if (optionLength == LENGTH_SACK_PERMITTED)
                    {
                        out.sackPermitted = true;
                    }
                    break;

                case KIND_SACK:
                    if (optionLength >= 2 + LENGTH_SACK_BLOCK && ((optionLength - 2) & (LENGTH_SACK_BLOCK - 1)) == 0)
                    {
                        final int blocks = Math.min((optionLength - 2) >>> 3, TcpOptions.MAX_SACK_BLOCKS);
                        int p = i + 2;
                        for (int b = 0; b < blocks; b++)
                        {
                            out.sackLeft[b] = buffer.getInt(p, ByteOrder.BIG_ENDIAN);
                            out.sackRight[b] = buffer.getInt(p + 4, ByteOrder.BIG_ENDIAN);
                            p += LENGTH_SACK_BLOCK;
                        }
                        out.sackBlockCount = blocks;
                    }
                    break;

                case KIND_TIMESTAMPS:
                    if (optionLength == LENGTH_TIMESTAMPS)
                    {
                        out.timestampPresent = true;
                        out.tsVal = buffer.getInt(i + 2, ByteOrder.BIG_ENDIAN);
                        out.tsEcr = buffer.getInt(i + 6, ByteOrder.BIG_ENDIAN);
                    }
                    break;

                default:
                    // unknown kind with a valid length: skipped (behaviour 33)
                    break;
            }
            i += optionLength;
        }
        return true;
    }

    /**
     * Writes the options of {@code in} at {@code offset}, Linux layout, padded to a multiple of 4.
     * On a SYN: MSS (if present), SACK-permitted (if set), timestamps (if present), window scale (if present);
     * SACK blocks are never written on a SYN. On other segments: timestamps (if present) and as many SACK
     * blocks as fit (4, or 3 with timestamps); MSS, window scale and SACK-permitted are never written.
     *
     * @param buffer to write into; at most {@link #MAX_LENGTH} bytes are written.
     * @param offset absolute offset of the first option byte.
     * @param in     the options to write.
     * @param syn    true if the segment carries SYN.
     * @return bytes written, a multiple of 4 between 0 and 40.
     */
    public static int write(final MutableDirectBuffer buffer, final int offset, final TcpOptions in, final boolean syn)
    {
        int p = offset;
        if (syn)
        {
            if (in.mssPresent)
            {
                buffer.putInt(p, (KIND_MSS << 24) | (LENGTH_MSS << 16) | (in.mss & 0xFFFF), ByteOrder.BIG_ENDIAN);
                p += 4;
            }
            if (in.sackPermitted && in.timestampPresent)
            {
                buffer.putShort(p, (short)((KIND_SACK_PERMITTED << 8) | LENGTH_SACK_PERMITTED), ByteOrder.BIG_ENDIAN);
                p = putTimestamps(buffer, p + 2, in);
            }
            else if (in.sackPermitted)
            {
                buffer.putInt(
                    p,
                    (KIND_NOP << 24) | (KIND_NOP << 16) | (KIND_SACK_PERMITTED << 8) | LENGTH_SACK_PERMITTED,
                    ByteOrder.BIG_ENDIAN);
                p += 4;
            }
            else if (in.timestampPresent)
            {
                p = putNopNopTimestamps(buffer, p, in);
            }
            if (in.windowScalePresent)
            {
                buffer.putInt(
                    p,
                    (KIND_NOP << 24) | (KIND_WINDOW_SCALE << 16) | (LENGTH_WINDOW_SCALE << 8) | (in.windowScale & 0xFF),
                    ByteOrder.BIG_ENDIAN);
                p += 4;
            }
        }
        else
        {
            int maxBlocks = TcpOptions.MAX_SACK_BLOCKS;
            if (in.timestampPresent)
            {
                p = putNopNopTimestamps(buffer, p, in);
                maxBlocks = 3;
            }
            final int blocks = Math.min(Math.max(in.sackBlockCount, 0), maxBlocks);
            if (blocks > 0)
            {
                buffer.putInt(
                    p,
                    (KIND_NOP << 24) | (KIND_NOP << 16) | (KIND_SACK << 8) | (2 + blocks * LENGTH_SACK_BLOCK),
                    ByteOrder.BIG_ENDIAN);
                p += 4;
                for (int b = 0; b < blocks; b++)
                {
                    buffer.putInt(p, in.sackLeft[b], ByteOrder.BIG_ENDIAN);
                    buffer.putInt(p + 4, in.sackRight[b], ByteOrder.BIG_ENDIAN);
                    p += LENGTH_SACK_BLOCK;
                }
            }
        }
        return p - offset;
    }

    /**
     * Length {@link #write(MutableDirectBuffer, int, TcpOptions, boolean)} would produce, without writing.
     *
     * @param in  the options.
     * @param syn true if the segment carries SYN (the SYN layout, as {@code write} describes).
     * @return bytes, a multiple of 4 between 0 and 40.
     */
    public static int length(final TcpOptions in, final boolean syn)
    {
        if (syn)
        {
            return (in.mssPresent ? 4 : 0) +
                (in.sackPermitted && in.timestampPresent ? 12 : (in.sackPermitted ? 4 : 0) + (in.timestampPresent ? 12 : 0)) +
                (in.windowScalePresent ? 4 : 0);
        }
        final int blocks = Math.min(Math.max(in.sackBlockCount, 0), in.timestampPresent ? 3 : TcpOptions.MAX_SACK_BLOCKS);
        return (in.timestampPresent ? 12 : 0) + (blocks > 0 ? 4 + blocks * LENGTH_SACK_BLOCK : 0);
    }

    private static int putNopNopTimestamps(final MutableDirectBuffer buffer, final int p, final TcpOptions in)
    {
        buffer.putShort(p, (short)((KIND_NOP << 8) | KIND_NOP), ByteOrder.BIG_ENDIAN);
        return putTimestamps(buffer, p + 2, in);
    }

    private static int putTimestamps(final MutableDirectBuffer buffer, final int p, final TcpOptions in)
    {
        buffer.putShort(p, (short)((KIND_TIMESTAMPS << 8) | LENGTH_TIMESTAMPS), ByteOrder.BIG_ENDIAN);
        buffer.putInt(p + 2, in.tsVal, ByteOrder.BIG_ENDIAN);
        buffer.putInt(p + 6, in.tsEcr, ByteOrder.BIG_ENDIAN);
        return p + LENGTH_TIMESTAMPS;
    }
}
