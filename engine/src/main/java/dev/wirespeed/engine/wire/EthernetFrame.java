package dev.wirespeed.engine.wire;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * Flyweight over an Ethernet II frame, optionally with one IEEE 802.1Q VLAN tag. The FCS is not part of
 * the frame (NICs strip it).
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                    Destination MAC (48 bits)                  |
 *  +                               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                               |                               |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+                               +
 *  |                      Source MAC (48 bits)                     |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |   EtherType, or TPID 0x8100   | PCP |D|  VLAN id (if tagged)  |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |  inner EtherType (if tagged)  |           payload ...         |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * All multi-byte fields are in network byte order. MAC addresses are held in the low 48 bits of a
 * {@code long}, first octet most significant ({@code 0x0000_AABB_CCDD_EEFFL} is {@code aa:bb:cc:dd:ee:ff}).
 * <p>
 * {@link #wrap(DirectBuffer, int, int)} makes a read-only view; setters need
 * {@link #wrap(MutableDirectBuffer, int, int)}. Getters do not check bounds beyond what the buffer does:
 * call {@link #isValid()} first on received frames.
 * <p>
 * Not thread safe.
 */
public final class EthernetFrame
{
    /**
     * A flyweight wrapping no buffer yet; wrap one per frame.
     */
    public EthernetFrame()
    {
    }

    /** Offset of the destination MAC. */
    public static final int DST_MAC_OFFSET = 0;
    /** Offset of the source MAC. */
    public static final int SRC_MAC_OFFSET = 6;
    /** EtherType of an untagged frame, or the TPID of a tagged one. */
    public static final int ETHERTYPE_OFFSET = 12;
    /** Tag control information (PCP, DEI, VLAN id), only when tagged. */
    public static final int VLAN_TCI_OFFSET = 14;
    /** EtherType of the payload, only when tagged. */
    public static final int INNER_ETHERTYPE_OFFSET = 16;

    /** Header length of an untagged frame, bytes. */
    public static final int HEADER_LENGTH = 14;
    /** Length of one 802.1Q tag (TPID and TCI), bytes. */
    public static final int VLAN_TAG_LENGTH = 4;
    /** Header length of a tagged frame, bytes. */
    public static final int VLAN_HEADER_LENGTH = HEADER_LENGTH + VLAN_TAG_LENGTH;
    /** Length of a MAC address, bytes. */
    public static final int MAC_LENGTH = 6;

    /** EtherType of IPv4. */
    public static final int ETHERTYPE_IPV4 = 0x0800;
    /** EtherType of ARP. */
    public static final int ETHERTYPE_ARP = 0x0806;
    /** IEEE 802.1Q tag protocol identifier. */
    public static final int ETHERTYPE_VLAN = 0x8100;
    /** EtherType of IPv6 (recognised, not handled). */
    public static final int ETHERTYPE_IPV6 = 0x86DD;

    /** The broadcast MAC, ff:ff:ff:ff:ff:ff. */
    public static final long BROADCAST_MAC = 0xFFFF_FFFF_FFFFL;
    /** The 48 bits of a MAC in a {@code long}. */
    public static final long MAC_MASK = 0xFFFF_FFFF_FFFFL;
    /** Returned by {@link #parseMac(CharSequence)} for malformed text; never a valid 48-bit MAC. */
    public static final long INVALID_MAC = -1L;

    private DirectBuffer buffer;
    private MutableDirectBuffer mutableBuffer;
    private int offset;
    private int length;

    /**
     * Wraps a received frame for reading.
     *
     * @param buffer containing the frame.
     * @param offset of the first byte (destination MAC).
     * @param length of the frame in bytes (without FCS).
     * @return this for a fluent API.
     */
    public EthernetFrame wrap(final DirectBuffer buffer, final int offset, final int length)
    {
        this.buffer = buffer;
        this.mutableBuffer = null;
        this.offset = offset;
        this.length = length;
        return this;
    }

    /**
     * Wraps a frame for reading and writing.
     *
     * @param buffer containing the frame.
     * @param offset of the first byte (destination MAC).
     * @param length of the frame, or of the space available for it, in bytes.
     * @return this for a fluent API.
     */
    public EthernetFrame wrap(final MutableDirectBuffer buffer, final int offset, final int length)
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
     * Offset of the frame's first byte in {@link #buffer()}.
     *
     * @return the offset.
     */
    public int offset()
    {
        return offset;
    }

    /**
     * Length of the frame (or of the space for it), as wrapped.
     *
     * @return bytes.
     */
    public int length()
    {
        return length;
    }

    /**
     * True if the frame holds a whole header: 14 bytes, or 18 when it carries an 802.1Q tag.
     * Reads at most the bytes it has checked exist.
     *
     * @return false for a runt.
     */
    public boolean isValid()
    {
        if (length < HEADER_LENGTH)
        {
            return false;
        }
        return !isVlanTagged() || length >= VLAN_HEADER_LENGTH;
    }

    /**
     * The destination MAC.
     *
     * @return 48 bits in the low bytes.
     */
    public long dstMac()
    {
        return readMac(buffer, offset + DST_MAC_OFFSET);
    }

    /**
     * Sets the destination MAC.
     *
     * @param mac 48 bits in the low bytes.
     * @return this for a fluent API.
     */
    public EthernetFrame dstMac(final long mac)
    {
        writeMac(mutableBuffer, offset + DST_MAC_OFFSET, mac);
        return this;
    }

    /**
     * The source MAC.
     *
     * @return 48 bits in the low bytes.
     */
    public long srcMac()
    {
        return readMac(buffer, offset + SRC_MAC_OFFSET);
    }

    /**
     * Sets the source MAC.
     *
     * @param mac 48 bits in the low bytes.
     * @return this for a fluent API.
     */
    public EthernetFrame srcMac(final long mac)
    {
        writeMac(mutableBuffer, offset + SRC_MAC_OFFSET, mac);
        return this;
    }

    /**
     * Octet {@code i} (0..5) of the destination MAC, 0..255.
     *
     * @param i the octet, 0 first on the wire.
     * @return the octet.
     */
    public int dstMacByte(final int i)
    {
        return buffer.getByte(offset + DST_MAC_OFFSET + i) & 0xFF;
    }

    /**
     * Octet {@code i} (0..5) of the source MAC, 0..255.
     *
     * @param i the octet, 0 first on the wire.
     * @return the octet.
     */
    public int srcMacByte(final int i)
    {
        return buffer.getByte(offset + SRC_MAC_OFFSET + i) & 0xFF;
    }

    /**
     * Swaps source and destination MAC in place (to answer a frame).
     *
     * @return this for a fluent API.
     */
    public EthernetFrame swapMacs()
    {
        final long dst = dstMac();
        dstMac(srcMac());
        srcMac(dst);
        return this;
    }

    /**
     * The EtherType field at offset 12: the TPID {@link #ETHERTYPE_VLAN} when tagged.
     *
     * @return {@code 0..0xFFFF}.
     */
    public int etherType()
    {
        return buffer.getShort(offset + ETHERTYPE_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
    }

    /**
     * Sets the EtherType field at offset 12 (untagged frames).
     *
     * @param etherType e.g. {@link #ETHERTYPE_IPV4}.
     * @return this for a fluent API.
     */
    public EthernetFrame etherType(final int etherType)
    {
        mutableBuffer.putShort(offset + ETHERTYPE_OFFSET, (short)etherType, ByteOrder.BIG_ENDIAN);
        return this;
    }

    /**
     * Whether the frame carries an 802.1Q tag.
     *
     * @return true if the EtherType field is {@link #ETHERTYPE_VLAN}.
     */
    public boolean isVlanTagged()
    {
        return etherType() == ETHERTYPE_VLAN;
    }

    /**
     * The EtherType of the payload: the inner one when tagged.
     *
     * @return {@code 0..0xFFFF}.
     */
    public int payloadEtherType()
    {
        return isVlanTagged() ?
            buffer.getShort(offset + INNER_ETHERTYPE_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF : etherType();
    }

    /**
     * The 16-bit tag control information; only meaningful when {@link #isVlanTagged()}.
     *
     * @return {@code 0..0xFFFF}.
     */
    public int vlanTci()
    {
        return buffer.getShort(offset + VLAN_TCI_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
    }

    /**
     * VLAN id (12 bits); only meaningful when {@link #isVlanTagged()}.
     *
     * @return {@code 0..4095}.
     */
    public int vlanId()
    {
        return vlanTci() & 0x0FFF;
    }

    /**
     * Priority code point (3 bits); only meaningful when {@link #isVlanTagged()}.
     *
     * @return {@code 0..7}.
     */
    public int vlanPcp()
    {
        return vlanTci() >>> 13;
    }

    /**
     * Drop eligible indicator; only meaningful when {@link #isVlanTagged()}.
     *
     * @return the DEI bit.
     */
    public boolean vlanDei()
    {
        return (vlanTci() & 0x1000) != 0;
    }

    /**
     * Writes an 802.1Q tag: TPID, TCI and the inner EtherType.
     *
     * @param pcp            priority code point, 0..7.
     * @param vlanId         VLAN id, 0..4095.
     * @param innerEtherType EtherType of the payload.
     * @return this for a fluent API.
     */
    public EthernetFrame vlan(final int pcp, final int vlanId, final int innerEtherType)
    {
        etherType(ETHERTYPE_VLAN);
        mutableBuffer.putShort(
            offset + VLAN_TCI_OFFSET, (short)(((pcp & 0x7) << 13) | (vlanId & 0x0FFF)), ByteOrder.BIG_ENDIAN);
        mutableBuffer.putShort(offset + INNER_ETHERTYPE_OFFSET, (short)innerEtherType, ByteOrder.BIG_ENDIAN);
        return this;
    }

    /**
     * 14, or 18 when tagged.
     *
     * @return bytes.
     */
    public int headerLength()
    {
        return isVlanTagged() ? VLAN_HEADER_LENGTH : HEADER_LENGTH;
    }

    /**
     * Absolute offset in the buffer of the first payload byte, after the VLAN tag if any.
     *
     * @return the offset.
     */
    public int payloadOffset()
    {
        return offset + headerLength();
    }

    /**
     * Bytes after the header (including any Ethernet padding).
     *
     * @return bytes.
     */
    public int payloadLength()
    {
        return length - headerLength();
    }

    // ---------------------------------------------------------------- MAC helpers

    /**
     * Reads a 48-bit MAC in network order at {@code index}.
     *
     * @param buffer holding the MAC.
     * @param index  of its first octet.
     * @return 48 bits in the low bytes.
     */
    public static long readMac(final DirectBuffer buffer, final int index)
    {
        return ((buffer.getShort(index, ByteOrder.BIG_ENDIAN) & 0xFFFFL) << 32) |
            (buffer.getInt(index + 2, ByteOrder.BIG_ENDIAN) & 0xFFFF_FFFFL);
    }

    /**
     * Writes the low 48 bits of {@code mac} in network order at {@code index}.
     *
     * @param buffer to write into.
     * @param index  of the first octet.
     * @param mac    48 bits in the low bytes.
     */
    public static void writeMac(final MutableDirectBuffer buffer, final int index, final long mac)
    {
        buffer.putShort(index, (short)(mac >>> 32), ByteOrder.BIG_ENDIAN);
        buffer.putInt(index + 2, (int)mac, ByteOrder.BIG_ENDIAN);
    }

    /**
     * Whether a MAC is the broadcast address.
     *
     * @param mac 48 bits in the low bytes; the high bits are ignored.
     * @return true for ff:ff:ff:ff:ff:ff.
     */
    public static boolean isBroadcast(final long mac)
    {
        return (mac & MAC_MASK) == BROADCAST_MAC;
    }

    /**
     * True for group addresses (I/G bit of the first octet set), broadcast included.
     *
     * @param mac 48 bits in the low bytes.
     * @return true for a group address.
     */
    public static boolean isMulticast(final long mac)
    {
        return ((mac >>> 40) & 1) != 0;
    }

    /**
     * Parses {@code aa:bb:cc:dd:ee:ff} (or with {@code -}), hex digits of either case, one or two per octet.
     *
     * @param text the MAC as text.
     * @return the MAC, or {@link #INVALID_MAC} if the text is malformed.
     */
    public static long parseMac(final CharSequence text)
    {
        long mac = 0;
        int octets = 0;
        int digits = 0;
        int value = 0;
        final int n = text.length();
        for (int i = 0; i < n; i++)
        {
            final char c = text.charAt(i);
            final int d = Character.digit(c, 16);
            if (d >= 0)
            {
                if (++digits > 2)
                {
                    return INVALID_MAC;
                }
                value = (value << 4) | d;
            }
            else if ((c == ':' || c == '-') && digits > 0 && octets < 5)
            {
                mac = (mac << 8) | value;
                octets++;
                digits = 0;
                value = 0;
            }
            else
            {
                return INVALID_MAC;
            }
        }
        if (octets != 5 || digits == 0)
        {
            return INVALID_MAC;
        }
        return (mac << 8) | value;
    }

    /**
     * Formats a MAC as {@code aa:bb:cc:dd:ee:ff} (allocates: not for the data path).
     *
     * @param mac 48 bits in the low bytes.
     * @return the text, lower-case hex.
     */
    public static String formatMac(final long mac)
    {
        return appendMac(new StringBuilder(17), mac).toString();
    }

    /**
     * Appends a MAC as {@code aa:bb:cc:dd:ee:ff}.
     *
     * @param sb  to append to.
     * @param mac 48 bits in the low bytes.
     * @return {@code sb}.
     */
    public static StringBuilder appendMac(final StringBuilder sb, final long mac)
    {
        for (int i = 5; i >= 0; i--)
        {
            final int octet = (int)(mac >>> (8 * i)) & 0xFF;
            sb.append(Character.forDigit(octet >>> 4, 16)).append(Character.forDigit(octet & 0xF, 16));
            if (i != 0)
            {
                sb.append(':');
            }
        }
        return sb;
    }
}
