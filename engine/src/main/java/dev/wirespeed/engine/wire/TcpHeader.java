package dev.wirespeed.engine.wire;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * Flyweight over a TCP segment: header, options and payload (RFC 9293 §3.1).
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |          Source Port          |       Destination Port        |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                        Sequence Number                        |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                    Acknowledgment Number                      |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |  Data |       |C|E|U|A|P|R|S|F|                               |
 *  | Offset| Rsrvd |W|C|R|C|S|S|Y|I|            Window             |
 *  |       |       |R|E|G|K|H|T|N|N|                               |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |           Checksum            |         Urgent Pointer        |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                    Options                    |    Padding    |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                             data                              |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * Network byte order. Sequence and acknowledgment numbers are unsigned 32-bit values held in ints (compare
 * them with wrap-around arithmetic, never with {@code <}). {@code length} given to {@code wrap} is the
 * segment length: the IPv4 payload length.
 * <p>
 * Not thread safe.
 * <p>
 * Behaviour numbers refer to the numbered list in docs/TCP-BEHAVIOUR.md.
 */
public final class TcpHeader
{
    /**
     * A flyweight wrapping no buffer yet; wrap one per header.
     */
    public TcpHeader()
    {
    }

    /** Offset of the source port. */
    public static final int SRC_PORT_OFFSET = 0;
    /** Offset of the destination port. */
    public static final int DST_PORT_OFFSET = 2;
    /** Offset of the sequence number. */
    public static final int SEQ_OFFSET = 4;
    /** Offset of the acknowledgment number. */
    public static final int ACK_OFFSET = 8;
    /** Data offset (high 4 bits) and reserved bits. */
    public static final int DATA_OFFSET_OFFSET = 12;
    /** Offset of the flag bits. */
    public static final int FLAGS_OFFSET = 13;
    /** Offset of the window. */
    public static final int WINDOW_OFFSET = 14;
    /** Offset of the checksum. */
    public static final int CHECKSUM_OFFSET = 16;
    /** Offset of the urgent pointer. */
    public static final int URGENT_POINTER_OFFSET = 18;
    /** Offset of the options, if the data offset is above 5. */
    public static final int OPTIONS_OFFSET = 20;

    /** Header length without options, bytes. */
    public static final int MIN_HEADER_LENGTH = 20;
    /** Header length with the most options (data offset 15), bytes. */
    public static final int MAX_HEADER_LENGTH = 60;
    /** Most option bytes a header holds. */
    public static final int MAX_OPTIONS_LENGTH = 40;

    /** Flag bit: no more data from the sender. */
    public static final int FIN = 0x01;
    /** Flag bit: synchronize sequence numbers. */
    public static final int SYN = 0x02;
    /** Flag bit: reset the connection. */
    public static final int RST = 0x04;
    /** Flag bit: push. */
    public static final int PSH = 0x08;
    /** Flag bit: the acknowledgment number is significant. */
    public static final int ACK = 0x10;
    /** Flag bit: the urgent pointer is significant. */
    public static final int URG = 0x20;
    /** Flag bit: ECN echo (RFC 3168). */
    public static final int ECE = 0x40;
    /** Flag bit: congestion window reduced (RFC 3168). */
    public static final int CWR = 0x80;

    /** {@link #validate()}: a well-formed header. */
    public static final int VALID = 0;
    /** {@link #validate()}: fewer than 20 bytes in the segment. */
    public static final int INVALID_TRUNCATED = 1;
    /** {@link #validate()}: data offset below 5, or pointing past the end of the segment. */
    public static final int INVALID_DATA_OFFSET = 2;

    private DirectBuffer buffer;
    private MutableDirectBuffer mutableBuffer;
    private int offset;
    private int length;

    /**
     * Wraps a received segment; {@code length} is the segment length (header and payload).
     *
     * @param buffer containing the segment.
     * @param offset of its first byte.
     * @param length of the segment in bytes.
     * @return this for a fluent API.
     */
    public TcpHeader wrap(final DirectBuffer buffer, final int offset, final int length)
    {
        this.buffer = buffer;
        this.mutableBuffer = null;
        this.offset = offset;
        this.length = length;
        return this;
    }

    /**
     * Wraps for reading and writing; {@code length} is the segment length or the space available.
     *
     * @param buffer containing the segment.
     * @param offset of its first byte.
     * @param length of the segment, or of the space available, in bytes.
     * @return this for a fluent API.
     */
    public TcpHeader wrap(final MutableDirectBuffer buffer, final int offset, final int length)
    {
        this.buffer = buffer;
        this.mutableBuffer = buffer;
        this.offset = offset;
        this.length = length;
        return this;
    }

    /**
     * The wrapped buffer.
     *
     * @return the buffer, null before the first wrap.
     */
    public DirectBuffer buffer()
    {
        return buffer;
    }

    /**
     * Offset of the header's first byte in the buffer.
     *
     * @return the offset.
     */
    public int offset()
    {
        return offset;
    }

    /**
     * Segment length: header, options and payload.
     *
     * @return bytes.
     */
    public int length()
    {
        return length;
    }

    /**
     * Checks the structure (not the checksum, not the options): at least 20 bytes, and
     * 5 &le; data offset with data offset * 4 &le; segment length (behaviour 60).
     * Reads only bytes it has checked exist.
     *
     * @return {@link #VALID} or one of the {@code INVALID_*} codes.
     */
    public int validate()
    {
        if (length < MIN_HEADER_LENGTH)
        {
            return INVALID_TRUNCATED;
        }
        final int headerLength = headerLength();
        if (headerLength < MIN_HEADER_LENGTH || headerLength > length)
        {
            return INVALID_DATA_OFFSET;
        }
        return VALID;
    }

    /**
     * The source port.
     *
     * @return {@code 0..65535}.
     */
    public int srcPort()
    {
        return buffer.getShort(offset + SRC_PORT_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
    }

    /**
     * Sets the source port.
     *
     * @param port {@code 0..65535}.
     * @return this for a fluent API.
     */
    public TcpHeader srcPort(final int port)
    {
        mutableBuffer.putShort(offset + SRC_PORT_OFFSET, (short)port, ByteOrder.BIG_ENDIAN);
        return this;
    }

    /**
     * The destination port.
     *
     * @return {@code 0..65535}.
     */
    public int dstPort()
    {
        return buffer.getShort(offset + DST_PORT_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
    }

    /**
     * Sets the destination port.
     *
     * @param port {@code 0..65535}.
     * @return this for a fluent API.
     */
    public TcpHeader dstPort(final int port)
    {
        mutableBuffer.putShort(offset + DST_PORT_OFFSET, (short)port, ByteOrder.BIG_ENDIAN);
        return this;
    }

    /**
     * Sequence number, unsigned 32 bits in an int.
     *
     * @return the sequence number.
     */
    public int seq()
    {
        return buffer.getInt(offset + SEQ_OFFSET, ByteOrder.BIG_ENDIAN);
    }

    /**
     * Sets the sequence number.
     *
     * @param seq unsigned 32 bits in an int.
     * @return this for a fluent API.
     */
    public TcpHeader seq(final int seq)
    {
        mutableBuffer.putInt(offset + SEQ_OFFSET, seq, ByteOrder.BIG_ENDIAN);
        return this;
    }

    /**
     * Acknowledgment number, unsigned 32 bits in an int.
     *
     * @return the acknowledgment number.
     */
    public int ack()
    {
        return buffer.getInt(offset + ACK_OFFSET, ByteOrder.BIG_ENDIAN);
    }

    /**
     * Sets the acknowledgment number.
     *
     * @param ack unsigned 32 bits in an int.
     * @return this for a fluent API.
     */
    public TcpHeader ack(final int ack)
    {
        mutableBuffer.putInt(offset + ACK_OFFSET, ack, ByteOrder.BIG_ENDIAN);
        return this;
    }

    /**
     * Data offset in 32-bit words (the raw 4-bit field).
     *
     * @return {@code 0..15}.
     */
    public int dataOffset()
    {
        return (buffer.getByte(offset + DATA_OFFSET_OFFSET) & 0xF0) >>> 4;
    }

    /**
     * Sets the data offset in 32-bit words (5..15); clears the reserved bits.
     *
     * @param words 5..15.
     * @return this for a fluent API.
     */
    public TcpHeader dataOffset(final int words)
    {
        mutableBuffer.putByte(offset + DATA_OFFSET_OFFSET, (byte)((words & 0x0F) << 4));
        return this;
    }

    /**
     * Data offset * 4: header length in bytes, options included.
     *
     * @return bytes.
     */
    public int headerLength()
    {
        return dataOffset() << 2;
    }

    /**
     * The 8 flag bits: {@link #FIN} .. {@link #CWR}.
     *
     * @return {@code 0..255}.
     */
    public int flags()
    {
        return buffer.getByte(offset + FLAGS_OFFSET) & 0xFF;
    }

    /**
     * Sets the 8 flag bits.
     *
     * @param flags e.g. {@code SYN | ACK}.
     * @return this for a fluent API.
     */
    public TcpHeader flags(final int flags)
    {
        mutableBuffer.putByte(offset + FLAGS_OFFSET, (byte)flags);
        return this;
    }

    /**
     * True if every bit of {@code mask} is set.
     *
     * @param mask flag bits.
     * @return true if all are set.
     */
    public boolean hasFlags(final int mask)
    {
        return (flags() & mask) == mask;
    }

    /**
     * Whether FIN is set.
     *
     * @return true if set.
     */
    public boolean fin()
    {
        return (flags() & FIN) != 0;
    }

    /**
     * Whether SYN is set.
     *
     * @return true if set.
     */
    public boolean syn()
    {
        return (flags() & SYN) != 0;
    }

    /**
     * Whether RST is set.
     *
     * @return true if set.
     */
    public boolean rst()
    {
        return (flags() & RST) != 0;
    }

    /**
     * Whether PSH is set.
     *
     * @return true if set.
     */
    public boolean psh()
    {
        return (flags() & PSH) != 0;
    }

    /**
     * Whether ACK is set.
     *
     * @return true if set.
     */
    public boolean ackFlag()
    {
        return (flags() & ACK) != 0;
    }

    /**
     * Whether URG is set.
     *
     * @return true if set.
     */
    public boolean urg()
    {
        return (flags() & URG) != 0;
    }

    /**
     * Window, unscaled, 0..65535.
     *
     * @return the raw window field.
     */
    public int window()
    {
        return buffer.getShort(offset + WINDOW_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
    }

    /**
     * Sets the window field (already scaled down by the sender's shift).
     *
     * @param window {@code 0..65535}.
     * @return this for a fluent API.
     */
    public TcpHeader window(final int window)
    {
        mutableBuffer.putShort(offset + WINDOW_OFFSET, (short)window, ByteOrder.BIG_ENDIAN);
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
    public TcpHeader checksum(final int checksum)
    {
        mutableBuffer.putShort(offset + CHECKSUM_OFFSET, (short)checksum, ByteOrder.BIG_ENDIAN);
        return this;
    }

    /**
     * The urgent pointer field.
     *
     * @return {@code 0..65535}.
     */
    public int urgentPointer()
    {
        return buffer.getShort(offset + URGENT_POINTER_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
    }

    /**
     * Sets the urgent pointer field.
     *
     * @param urgentPointer {@code 0..65535}.
     * @return this for a fluent API.
     */
    public TcpHeader urgentPointer(final int urgentPointer)
    {
        mutableBuffer.putShort(offset + URGENT_POINTER_OFFSET, (short)urgentPointer, ByteOrder.BIG_ENDIAN);
        return this;
    }

    /**
     * Absolute offset of the options area.
     *
     * @return the offset in the buffer.
     */
    public int optionsOffset()
    {
        return offset + OPTIONS_OFFSET;
    }

    /**
     * Length of the options area, 0..40: header length minus 20. Valid after {@link #validate()}.
     *
     * @return bytes.
     */
    public int optionsLength()
    {
        return headerLength() - MIN_HEADER_LENGTH;
    }

    /**
     * Absolute offset of the payload.
     *
     * @return the offset in the buffer.
     */
    public int payloadOffset()
    {
        return offset + headerLength();
    }

    /**
     * Segment length minus header length. Valid after {@link #validate()}.
     *
     * @return bytes.
     */
    public int payloadLength()
    {
        return length - headerLength();
    }

    /**
     * True if the segment, its checksum and the IPv4 pseudo-header sum to 0xFFFF.
     *
     * @param srcAddress IPv4 source address, host-order int.
     * @param dstAddress IPv4 destination address, host-order int.
     * @return true if the checksum is right.
     */
    public boolean isChecksumValid(final int srcAddress, final int dstAddress)
    {
        return Checksum.verifyTcp(buffer, offset, length, srcAddress, dstAddress);
    }

    /**
     * Computes the full checksum of the {@code length()} bytes over the pseudo-header and stores it.
     *
     * @param srcAddress IPv4 source address, host-order int.
     * @param dstAddress IPv4 destination address, host-order int.
     * @return this for a fluent API.
     */
    public TcpHeader updateChecksum(final int srcAddress, final int dstAddress)
    {
        return checksum(Checksum.tcpChecksum(buffer, offset, length, srcAddress, dstAddress));
    }

    /**
     * For NIC TX checksum offload: stores only the non-complemented pseudo-header sum, as DPDK's
     * {@code rte_ipv4_phdr_cksum} does; the NIC adds the segment and complements.
     *
     * @param srcAddress IPv4 source address, host-order int.
     * @param dstAddress IPv4 destination address, host-order int.
     * @return this for a fluent API.
     */
    public TcpHeader checksumForOffload(final int srcAddress, final int dstAddress)
    {
        return checksum(Checksum.ipv4PseudoHeaderSum(srcAddress, dstAddress, Checksum.PROTOCOL_TCP, length));
    }
}
