package dev.wirespeed.engine.wire;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * Flyweight over an ARP packet for Ethernet and IPv4 (RFC 826), the only kind we speak.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |   Hardware type (1 = Ethernet) |  Protocol type (0x0800 IPv4) |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |  HW length (6) | Proto len (4) | Operation (1 request, 2 reply)|
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                 Sender hardware address (48 bits)             |
 *  +                               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                               |  Sender protocol address ...  |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |  ... (32 bits)                |  Target hardware address ...  |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+                               +
 *  |                          ... (48 bits)                        |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                 Target protocol address (32 bits)             |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * Network byte order throughout. MACs as in {@link EthernetFrame}, IPv4 addresses as ints.
 * <p>
 * Not thread safe.
 */
public final class ArpPacket
{
    /**
     * A flyweight wrapping no buffer yet; wrap one per packet.
     */
    public ArpPacket()
    {
    }

    /** Offset of the hardware type (1 for Ethernet). */
    public static final int HTYPE_OFFSET = 0;
    /** Offset of the protocol type (0x0800 for IPv4). */
    public static final int PTYPE_OFFSET = 2;
    /** Offset of the hardware address length (6). */
    public static final int HLEN_OFFSET = 4;
    /** Offset of the protocol address length (4). */
    public static final int PLEN_OFFSET = 5;
    /** Offset of the operation. */
    public static final int OPERATION_OFFSET = 6;
    /** Offset of the sender MAC. */
    public static final int SENDER_MAC_OFFSET = 8;
    /** Offset of the sender IPv4 address. */
    public static final int SENDER_IP_OFFSET = 14;
    /** Offset of the target MAC. */
    public static final int TARGET_MAC_OFFSET = 18;
    /** Offset of the target IPv4 address. */
    public static final int TARGET_IP_OFFSET = 24;
    /** Length of an Ethernet/IPv4 ARP packet, bytes. */
    public static final int LENGTH = 28;

    /** Hardware type of Ethernet. */
    public static final int HTYPE_ETHERNET = 1;
    /** Operation: request. */
    public static final int OPERATION_REQUEST = 1;
    /** Operation: reply. */
    public static final int OPERATION_REPLY = 2;

    private DirectBuffer buffer;
    private MutableDirectBuffer mutableBuffer;
    private int offset;
    private int length;

    /**
     * Wraps for reading; {@code length} is the number of bytes available (padding included).
     *
     * @param buffer containing the packet.
     * @param offset of its first byte.
     * @param length bytes available.
     * @return this for a fluent API.
     */
    public ArpPacket wrap(final DirectBuffer buffer, final int offset, final int length)
    {
        this.buffer = buffer;
        this.mutableBuffer = null;
        this.offset = offset;
        this.length = length;
        return this;
    }

    /**
     * Wraps for reading and writing.
     *
     * @param buffer containing the packet.
     * @param offset of its first byte.
     * @param length bytes available, at least {@link #LENGTH} for writing.
     * @return this for a fluent API.
     */
    public ArpPacket wrap(final MutableDirectBuffer buffer, final int offset, final int length)
    {
        this.buffer = buffer;
        this.mutableBuffer = buffer;
        this.offset = offset;
        this.length = length;
        return this;
    }

    /**
     * Offset of the packet's first byte in the buffer.
     *
     * @return the offset.
     */
    public int offset()
    {
        return offset;
    }

    /**
     * Bytes available, as wrapped.
     *
     * @return bytes.
     */
    public int length()
    {
        return length;
    }

    /**
     * True if 28 bytes are present and this is Ethernet/IPv4 ARP. Does not judge the operation.
     *
     * @return false for a short or non-Ethernet/IPv4 packet.
     */
    public boolean isValid()
    {
        return length >= LENGTH &&
            htype() == HTYPE_ETHERNET &&
            ptype() == EthernetFrame.ETHERTYPE_IPV4 &&
            hlen() == EthernetFrame.MAC_LENGTH &&
            plen() == 4;
    }

    /**
     * The hardware type.
     *
     * @return {@code 0..0xFFFF}.
     */
    public int htype()
    {
        return buffer.getShort(offset + HTYPE_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
    }

    /**
     * The protocol type.
     *
     * @return {@code 0..0xFFFF}.
     */
    public int ptype()
    {
        return buffer.getShort(offset + PTYPE_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
    }

    /**
     * The hardware address length.
     *
     * @return bytes.
     */
    public int hlen()
    {
        return buffer.getByte(offset + HLEN_OFFSET) & 0xFF;
    }

    /**
     * The protocol address length.
     *
     * @return bytes.
     */
    public int plen()
    {
        return buffer.getByte(offset + PLEN_OFFSET) & 0xFF;
    }

    /**
     * The operation.
     *
     * @return {@link #OPERATION_REQUEST}, {@link #OPERATION_REPLY} or another value.
     */
    public int operation()
    {
        return buffer.getShort(offset + OPERATION_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
    }

    /**
     * Sets the operation.
     *
     * @param operation {@link #OPERATION_REQUEST} or {@link #OPERATION_REPLY}.
     * @return this for a fluent API.
     */
    public ArpPacket operation(final int operation)
    {
        mutableBuffer.putShort(offset + OPERATION_OFFSET, (short)operation, ByteOrder.BIG_ENDIAN);
        return this;
    }

    /**
     * The sender MAC.
     *
     * @return 48 bits in the low bytes.
     */
    public long senderMac()
    {
        return EthernetFrame.readMac(buffer, offset + SENDER_MAC_OFFSET);
    }

    /**
     * Sets the sender MAC.
     *
     * @param mac 48 bits in the low bytes.
     * @return this for a fluent API.
     */
    public ArpPacket senderMac(final long mac)
    {
        EthernetFrame.writeMac(mutableBuffer, offset + SENDER_MAC_OFFSET, mac);
        return this;
    }

    /**
     * The sender IPv4 address.
     *
     * @return host-order int.
     */
    public int senderIp()
    {
        return buffer.getInt(offset + SENDER_IP_OFFSET, ByteOrder.BIG_ENDIAN);
    }

    /**
     * Sets the sender IPv4 address.
     *
     * @param address host-order int.
     * @return this for a fluent API.
     */
    public ArpPacket senderIp(final int address)
    {
        mutableBuffer.putInt(offset + SENDER_IP_OFFSET, address, ByteOrder.BIG_ENDIAN);
        return this;
    }

    /**
     * The target MAC (zero in a request).
     *
     * @return 48 bits in the low bytes.
     */
    public long targetMac()
    {
        return EthernetFrame.readMac(buffer, offset + TARGET_MAC_OFFSET);
    }

    /**
     * Sets the target MAC.
     *
     * @param mac 48 bits in the low bytes.
     * @return this for a fluent API.
     */
    public ArpPacket targetMac(final long mac)
    {
        EthernetFrame.writeMac(mutableBuffer, offset + TARGET_MAC_OFFSET, mac);
        return this;
    }

    /**
     * The target IPv4 address.
     *
     * @return host-order int.
     */
    public int targetIp()
    {
        return buffer.getInt(offset + TARGET_IP_OFFSET, ByteOrder.BIG_ENDIAN);
    }

    /**
     * Sets the target IPv4 address.
     *
     * @param address host-order int.
     * @return this for a fluent API.
     */
    public ArpPacket targetIp(final int address)
    {
        mutableBuffer.putInt(offset + TARGET_IP_OFFSET, address, ByteOrder.BIG_ENDIAN);
        return this;
    }

    /**
     * Writes the fixed part: Ethernet, IPv4, lengths 6 and 4, and the operation.
     *
     * @param operation {@link #OPERATION_REQUEST} or {@link #OPERATION_REPLY}.
     * @return this for a fluent API.
     */
    public ArpPacket header(final int operation)
    {
        mutableBuffer.putShort(offset + HTYPE_OFFSET, (short)HTYPE_ETHERNET, ByteOrder.BIG_ENDIAN);
        mutableBuffer.putShort(offset + PTYPE_OFFSET, (short)EthernetFrame.ETHERTYPE_IPV4, ByteOrder.BIG_ENDIAN);
        mutableBuffer.putByte(offset + HLEN_OFFSET, (byte)EthernetFrame.MAC_LENGTH);
        mutableBuffer.putByte(offset + PLEN_OFFSET, (byte)4);
        return operation(operation);
    }

    /**
     * Writes a whole request: who has {@code targetIp}? tell {@code senderIp}. Target MAC is zero.
     *
     * @param senderMac our MAC, 48 bits in the low bytes.
     * @param senderIp  our IPv4 address, host-order int.
     * @param targetIp  the address asked for, host-order int.
     * @return this for a fluent API.
     */
    public ArpPacket request(final long senderMac, final int senderIp, final int targetIp)
    {
        return header(OPERATION_REQUEST).senderMac(senderMac).senderIp(senderIp).targetMac(0).targetIp(targetIp);
    }

    /**
     * Writes a whole reply: {@code senderIp} is at {@code senderMac}, to {@code targetMac}/{@code targetIp}.
     *
     * @param senderMac the answering MAC, 48 bits in the low bytes.
     * @param senderIp  the answered IPv4 address, host-order int.
     * @param targetMac the requester's MAC.
     * @param targetIp  the requester's IPv4 address, host-order int.
     * @return this for a fluent API.
     */
    public ArpPacket reply(final long senderMac, final int senderIp, final long targetMac, final int targetIp)
    {
        return header(OPERATION_REPLY).senderMac(senderMac).senderIp(senderIp).targetMac(targetMac).targetIp(targetIp);
    }

    /**
     * Turns a request for {@code ourIp} into the reply in place: the requester becomes the target and
     * we become the sender with {@code ourMac}.
     *
     * @param ourMac our MAC, 48 bits in the low bytes.
     * @param ourIp  our IPv4 address, host-order int.
     * @return this for a fluent API.
     */
    public ArpPacket toReplyInPlace(final long ourMac, final int ourIp)
    {
        final long requesterMac = senderMac();
        final int requesterIp = senderIp();
        return reply(ourMac, ourIp, requesterMac, requesterIp);
    }
}
