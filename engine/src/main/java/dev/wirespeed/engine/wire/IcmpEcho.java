package dev.wirespeed.engine.wire;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * Flyweight over an ICMP echo request or reply (RFC 792). The checksum covers the whole ICMP message
 * (header and data), with no pseudo-header.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |  Type (8 / 0) |    Code (0)   |           Checksum            |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |           Identifier          |        Sequence Number        |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |     Data ...
 *  +-+-+-+-+-
 * </pre>
 * Network byte order. {@code length} given to {@code wrap} is the ICMP message length (the IPv4 payload length).
 * <p>
 * Not thread safe.
 */
public final class IcmpEcho
{
    public static final int TYPE_OFFSET = 0;
    public static final int CODE_OFFSET = 1;
    public static final int CHECKSUM_OFFSET = 2;
    public static final int IDENTIFIER_OFFSET = 4;
    public static final int SEQUENCE_OFFSET = 6;
    public static final int DATA_OFFSET = 8;
    public static final int HEADER_LENGTH = 8;

    public static final int TYPE_ECHO_REPLY = 0;
    public static final int TYPE_ECHO_REQUEST = 8;

    private DirectBuffer buffer;
    private MutableDirectBuffer mutableBuffer;
    private int offset;
    private int length;

    public IcmpEcho wrap(final DirectBuffer buffer, final int offset, final int length)
    {
        this.buffer = buffer;
        this.mutableBuffer = null;
        this.offset = offset;
        this.length = length;
        return this;
    }

    public IcmpEcho wrap(final MutableDirectBuffer buffer, final int offset, final int length)
    {
        this.buffer = buffer;
        this.mutableBuffer = buffer;
        this.offset = offset;
        this.length = length;
        return this;
    }

    public int offset()
    {
        return offset;
    }

    /** The whole ICMP message length. */
    public int length()
    {
        return length;
    }

    /** True if at least the 8-byte header is present. */
    public boolean isValid()
    {
        return length >= HEADER_LENGTH;
    }

    public boolean isEchoRequest()
    {
        return type() == TYPE_ECHO_REQUEST && code() == 0;
    }

    public boolean isEchoReply()
    {
        return type() == TYPE_ECHO_REPLY && code() == 0;
    }

    public int type()
    {
        return buffer.getByte(offset + TYPE_OFFSET) & 0xFF;
    }

    public IcmpEcho type(final int type)
    {
        mutableBuffer.putByte(offset + TYPE_OFFSET, (byte)type);
        return this;
    }

    public int code()
    {
        return buffer.getByte(offset + CODE_OFFSET) & 0xFF;
    }

    public IcmpEcho code(final int code)
    {
        mutableBuffer.putByte(offset + CODE_OFFSET, (byte)code);
        return this;
    }

    public int checksum()
    {
        return buffer.getShort(offset + CHECKSUM_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
    }

    public IcmpEcho checksum(final int checksum)
    {
        mutableBuffer.putShort(offset + CHECKSUM_OFFSET, (short)checksum, ByteOrder.BIG_ENDIAN);
        return this;
    }

    public int identifier()
    {
        return buffer.getShort(offset + IDENTIFIER_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
    }

    public IcmpEcho identifier(final int identifier)
    {
        mutableBuffer.putShort(offset + IDENTIFIER_OFFSET, (short)identifier, ByteOrder.BIG_ENDIAN);
        return this;
    }

    public int sequence()
    {
        return buffer.getShort(offset + SEQUENCE_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
    }

    public IcmpEcho sequence(final int sequence)
    {
        mutableBuffer.putShort(offset + SEQUENCE_OFFSET, (short)sequence, ByteOrder.BIG_ENDIAN);
        return this;
    }

    /** Absolute offset of the echo data. */
    public int dataOffset()
    {
        return offset + DATA_OFFSET;
    }

    public int dataLength()
    {
        return length - HEADER_LENGTH;
    }

    /** True if the message sums to 0xFFFF with its checksum. */
    public boolean isChecksumValid()
    {
        return Checksum.sum(buffer, offset, length, 0) == 0xFFFF;
    }

    /** Computes the checksum over the whole message and stores it. */
    public IcmpEcho updateChecksum()
    {
        checksum(0);
        return checksum(Checksum.checksum(buffer, offset, length));
    }

    /**
     * Turns an echo request into the echo reply in place: type 8 becomes 0, identifier, sequence and data
     * stay, and the checksum is patched incrementally (RFC 1624) rather than recomputed over the data.
     * The caller swaps the IPv4 addresses ({@link Ipv4Header#swapAddresses()}) and MACs.
     */
    public IcmpEcho toReplyInPlace()
    {
        final int oldWord = buffer.getShort(offset + TYPE_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
        final int newWord = (TYPE_ECHO_REPLY << 8) | (oldWord & 0xFF);
        mutableBuffer.putShort(offset + TYPE_OFFSET, (short)newWord, ByteOrder.BIG_ENDIAN);
        return checksum(Checksum.update16(checksum(), oldWord, newWord));
    }
}
