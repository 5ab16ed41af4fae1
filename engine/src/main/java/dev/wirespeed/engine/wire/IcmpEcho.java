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
    /**
     * A flyweight wrapping no buffer yet; wrap one per message.
     */
    public IcmpEcho()
    {
    }

    /** Offset of the ICMP type. */
    public static final int TYPE_OFFSET = 0;
    /** Offset of the ICMP code. */
    public static final int CODE_OFFSET = 1;
    /** Offset of the checksum. */
    public static final int CHECKSUM_OFFSET = 2;
    /** Offset of the echo identifier. */
    public static final int IDENTIFIER_OFFSET = 4;
    /** Offset of the echo sequence number. */
    public static final int SEQUENCE_OFFSET = 6;
    /** Offset of the echo data. */
    public static final int DATA_OFFSET = 8;
    /** Length of the echo header, bytes. */
    public static final int HEADER_LENGTH = 8;

    /** ICMP type of an echo reply. */
    public static final int TYPE_ECHO_REPLY = 0;
    /** ICMP type of an echo request. */
    public static final int TYPE_ECHO_REQUEST = 8;

    private DirectBuffer buffer;
    private MutableDirectBuffer mutableBuffer;
    private int offset;
    private int length;

    /**
     * Wraps a received message for reading.
     *
     * @param buffer containing the message.
     * @param offset of its first byte.
     * @param length of the whole message in bytes.
     * @return this for a fluent API.
     */
    public IcmpEcho wrap(final DirectBuffer buffer, final int offset, final int length)
    {
        this.buffer = buffer;
        this.mutableBuffer = null;
        this.offset = offset;
        this.length = length;
        return this;
    }

    /**
     * Wraps a message for reading and writing.
     *
     * @param buffer containing the message.
     * @param offset of its first byte.
     * @param length of the whole message in bytes.
     * @return this for a fluent API.
     */
    public IcmpEcho wrap(final MutableDirectBuffer buffer, final int offset, final int length)
    {
        this.buffer = buffer;
        this.mutableBuffer = buffer;
        this.offset = offset;
        this.length = length;
        return this;
    }

    /**
     * Offset of the message's first byte in the buffer.
     *
     * @return the offset.
     */
    public int offset()
    {
        return offset;
    }

    /**
     * The whole ICMP message length.
     *
     * @return bytes.
     */
    public int length()
    {
        return length;
    }

    /**
     * True if at least the 8-byte header is present.
     *
     * @return false for a runt.
     */
    public boolean isValid()
    {
        return length >= HEADER_LENGTH;
    }

    /**
     * Whether this is an echo request (type 8, code 0).
     *
     * @return true for a ping to answer.
     */
    public boolean isEchoRequest()
    {
        return type() == TYPE_ECHO_REQUEST && code() == 0;
    }

    /**
     * Whether this is an echo reply (type 0, code 0).
     *
     * @return true for a ping's answer.
     */
    public boolean isEchoReply()
    {
        return type() == TYPE_ECHO_REPLY && code() == 0;
    }

    /**
     * The ICMP type.
     *
     * @return {@code 0..255}.
     */
    public int type()
    {
        return buffer.getByte(offset + TYPE_OFFSET) & 0xFF;
    }

    /**
     * Sets the ICMP type.
     *
     * @param type {@code 0..255}.
     * @return this for a fluent API.
     */
    public IcmpEcho type(final int type)
    {
        mutableBuffer.putByte(offset + TYPE_OFFSET, (byte)type);
        return this;
    }

    /**
     * The ICMP code.
     *
     * @return {@code 0..255}.
     */
    public int code()
    {
        return buffer.getByte(offset + CODE_OFFSET) & 0xFF;
    }

    /**
     * Sets the ICMP code.
     *
     * @param code {@code 0..255}.
     * @return this for a fluent API.
     */
    public IcmpEcho code(final int code)
    {
        mutableBuffer.putByte(offset + CODE_OFFSET, (byte)code);
        return this;
    }

    /**
     * The checksum field as stored.
     *
     * @return {@code 0..0xFFFF}.
     */
    public int checksum()
    {
        return buffer.getShort(offset + CHECKSUM_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
    }

    /**
     * Sets the checksum field.
     *
     * @param checksum {@code 0..0xFFFF}.
     * @return this for a fluent API.
     */
    public IcmpEcho checksum(final int checksum)
    {
        mutableBuffer.putShort(offset + CHECKSUM_OFFSET, (short)checksum, ByteOrder.BIG_ENDIAN);
        return this;
    }

    /**
     * The echo identifier.
     *
     * @return {@code 0..0xFFFF}.
     */
    public int identifier()
    {
        return buffer.getShort(offset + IDENTIFIER_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
    }

    /**
     * Sets the echo identifier.
     *
     * @param identifier {@code 0..0xFFFF}.
     * @return this for a fluent API.
     */
    public IcmpEcho identifier(final int identifier)
    {
        mutableBuffer.putShort(offset + IDENTIFIER_OFFSET, (short)identifier, ByteOrder.BIG_ENDIAN);
        return this;
    }

    /**
     * The echo sequence number.
     *
     * @return {@code 0..0xFFFF}.
     */
    public int sequence()
    {
        return buffer.getShort(offset + SEQUENCE_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
    }

    /**
     * Sets the echo sequence number.
     *
     * @param sequence {@code 0..0xFFFF}.
     * @return this for a fluent API.
     */
    public IcmpEcho sequence(final int sequence)
    {
        mutableBuffer.putShort(offset + SEQUENCE_OFFSET, (short)sequence, ByteOrder.BIG_ENDIAN);
        return this;
    }

    /**
     * Absolute offset of the echo data.
     *
     * @return the offset in the buffer.
     */
    public int dataOffset()
    {
        return offset + DATA_OFFSET;
    }

    /**
     * Bytes of echo data after the header.
     *
     * @return bytes.
     */
    public int dataLength()
    {
        return length - HEADER_LENGTH;
    }

    /**
     * True if the message sums to 0xFFFF with its checksum.
     *
     * @return true if the checksum is right.
     */
    public boolean isChecksumValid()
    {
        return Checksum.sum(buffer, offset, length, 0) == 0xFFFF;
    }

    /**
     * Computes the checksum over the whole message and stores it.
     *
     * @return this for a fluent API.
     */
    public IcmpEcho updateChecksum()
    {
        checksum(0);
        return checksum(Checksum.checksum(buffer, offset, length));
    }

    /**
     * Turns an echo request into the echo reply in place: type 8 becomes 0, identifier, sequence and data
     * stay, and the checksum is patched incrementally (RFC 1624) rather than recomputed over the data
     * (except when the patched value is 0, see {@link Checksum#update16(int, int, int)}).
     * The caller swaps the IPv4 addresses ({@link Ipv4Header#swapAddresses()}) and MACs.
     *
     * @return this for a fluent API.
     */
    public IcmpEcho toReplyInPlace()
    {
        final int oldWord = buffer.getShort(offset + TYPE_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
        final int newWord = (TYPE_ECHO_REPLY << 8) | (oldWord & 0xFF);
        mutableBuffer.putShort(offset + TYPE_OFFSET, (short)newWord, ByteOrder.BIG_ENDIAN);
        final int updated = Checksum.update16(checksum(), oldWord, newWord);
        // RFC 1624 cannot tell an all-zero message (checksum 0xFFFF) from one summing to 0xFFFF (checksum 0):
        // a reply with id 0, seq 0 and zero data is all zero, so recompute in that one ambiguous case
        return updated == 0 ? updateChecksum() : checksum(updated);
    }
}
