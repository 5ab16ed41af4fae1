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
    public static final int HTYPE_OFFSET = 0;
    public static final int PTYPE_OFFSET = 2;
    public static final int HLEN_OFFSET = 4;
    public static final int PLEN_OFFSET = 5;
    public static final int OPERATION_OFFSET = 6;
    public static final int SENDER_MAC_OFFSET = 8;
    public static final int SENDER_IP_OFFSET = 14;
    public static final int TARGET_MAC_OFFSET = 18;
    public static final int TARGET_IP_OFFSET = 24;
    public static final int LENGTH = 28;

    public static final int HTYPE_ETHERNET = 1;
    public static final int OPERATION_REQUEST = 1;
    public static final int OPERATION_REPLY = 2;

    private DirectBuffer buffer;
    private MutableDirectBuffer mutableBuffer;
    private int offset;
    private int length;

    /** Wraps for reading; {@code length} is the number of bytes available (padding included). */
    public ArpPacket wrap(final DirectBuffer buffer, final int offset, final int length)
    {
        this.buffer = buffer;
        this.mutableBuffer = null;
        this.offset = offset;
        this.length = length;
        return this;
    }

    /** Wraps for reading and writing. */
    public ArpPacket wrap(final MutableDirectBuffer buffer, final int offset, final int length)
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

    public int length()
    {
        return length;
    }

    /** True if 28 bytes are present and this is Ethernet/IPv4 ARP. Does not judge the operation. */
    public boolean isValid()
    {
        return length >= LENGTH &&
            htype() == HTYPE_ETHERNET &&
            ptype() == EthernetFrame.ETHERTYPE_IPV4 &&
            hlen() == EthernetFrame.MAC_LENGTH &&
            plen() == 4;
    }

    public int htype()
    {
        return buffer.getShort(offset + HTYPE_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
    }

    public int ptype()
    {
        return buffer.getShort(offset + PTYPE_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
    }

    public int hlen()
    {
        return buffer.getByte(offset + HLEN_OFFSET) & 0xFF;
    }

    public int plen()
    {
        return buffer.getByte(offset + PLEN_OFFSET) & 0xFF;
    }

    public int operation()
    {
        return buffer.getShort(offset + OPERATION_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
    }

    public ArpPacket operation(final int operation)
    {
        mutableBuffer.putShort(offset + OPERATION_OFFSET, (short)operation, ByteOrder.BIG_ENDIAN);
        return this;
    }

    public long senderMac()
    {
        return EthernetFrame.readMac(buffer, offset + SENDER_MAC_OFFSET);
    }

    public ArpPacket senderMac(final long mac)
    {
        EthernetFrame.writeMac(mutableBuffer, offset + SENDER_MAC_OFFSET, mac);
        return this;
    }

    public int senderIp()
    {
        return buffer.getInt(offset + SENDER_IP_OFFSET, ByteOrder.BIG_ENDIAN);
    }

    public ArpPacket senderIp(final int address)
    {
        mutableBuffer.putInt(offset + SENDER_IP_OFFSET, address, ByteOrder.BIG_ENDIAN);
        return this;
    }

    public long targetMac()
    {
        return EthernetFrame.readMac(buffer, offset + TARGET_MAC_OFFSET);
    }

    public ArpPacket targetMac(final long mac)
    {
        EthernetFrame.writeMac(mutableBuffer, offset + TARGET_MAC_OFFSET, mac);
        return this;
    }

    public int targetIp()
    {
        return buffer.getInt(offset + TARGET_IP_OFFSET, ByteOrder.BIG_ENDIAN);
    }

    public ArpPacket targetIp(final int address)
    {
        mutableBuffer.putInt(offset + TARGET_IP_OFFSET, address, ByteOrder.BIG_ENDIAN);
        return this;
    }

    /** Writes the fixed part: Ethernet, IPv4, lengths 6 and 4, and the operation. */
    public ArpPacket header(final int operation)
    {
        mutableBuffer.putShort(offset + HTYPE_OFFSET, (short)HTYPE_ETHERNET, ByteOrder.BIG_ENDIAN);
        mutableBuffer.putShort(offset + PTYPE_OFFSET, (short)EthernetFrame.ETHERTYPE_IPV4, ByteOrder.BIG_ENDIAN);
        mutableBuffer.putByte(offset + HLEN_OFFSET, (byte)EthernetFrame.MAC_LENGTH);
        mutableBuffer.putByte(offset + PLEN_OFFSET, (byte)4);
        return operation(operation);
    }

    /** Writes a whole request: who has {@code targetIp}? tell {@code senderIp}. Target MAC is zero. */
    public ArpPacket request(final long senderMac, final int senderIp, final int targetIp)
    {
        return header(OPERATION_REQUEST).senderMac(senderMac).senderIp(senderIp).targetMac(0).targetIp(targetIp);
    }

    /** Writes a whole reply: {@code senderIp} is at {@code senderMac}, to {@code targetMac}/{@code targetIp}. */
    public ArpPacket reply(final long senderMac, final int senderIp, final long targetMac, final int targetIp)
    {
        return header(OPERATION_REPLY).senderMac(senderMac).senderIp(senderIp).targetMac(targetMac).targetIp(targetIp);
    }

    /**
     * Turns a request for {@code ourIp} into the reply in place: the requester becomes the target and
     * we become the sender with {@code ourMac}.
     */
    public ArpPacket toReplyInPlace(final long ourMac, final int ourIp)
    {
        final long requesterMac = senderMac();
        final int requesterIp = senderIp();
        return reply(ourMac, ourIp, requesterMac, requesterIp);
    }
}
