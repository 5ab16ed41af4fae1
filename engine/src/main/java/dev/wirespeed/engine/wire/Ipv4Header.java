package dev.wirespeed.engine.wire;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * Flyweight over an IPv4 header (RFC 791). Options are not interpreted: they are skipped, the payload
 * starts at IHL * 4.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |Version|  IHL  |   DSCP    |ECN|          Total Length         |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |         Identification        |0|D|M|     Fragment Offset     |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |  Time to Live |    Protocol   |         Header Checksum       |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                       Source Address                          |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                    Destination Address                        |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                    Options (IHL > 5)          |    Padding    |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * Network byte order throughout; addresses are ints, first octet most significant
 * ({@code 0xC0000201} is 192.0.2.1). {@code length} given to {@code wrap} is what the frame holds after
 * the Ethernet header, which may exceed {@link #totalLength()} by Ethernet padding.
 * <p>
 * Not thread safe.
 */
public final class Ipv4Header
{
    /**
     * A flyweight wrapping no buffer yet; wrap one per header.
     */
    public Ipv4Header()
    {
    }

    /** Offset of the version (high nibble) and IHL (low nibble). */
    public static final int VERSION_IHL_OFFSET = 0;
    /** Offset of the TOS byte (DSCP and ECN). */
    public static final int TOS_OFFSET = 1;
    /** Offset of the total length. */
    public static final int TOTAL_LENGTH_OFFSET = 2;
    /** Offset of the identification. */
    public static final int IDENTIFICATION_OFFSET = 4;
    /** Offset of the flags and fragment offset. */
    public static final int FLAGS_FRAGMENT_OFFSET = 6;
    /** Offset of the TTL. */
    public static final int TTL_OFFSET = 8;
    /** Offset of the protocol. */
    public static final int PROTOCOL_OFFSET = 9;
    /** Offset of the header checksum. */
    public static final int CHECKSUM_OFFSET = 10;
    /** Offset of the source address. */
    public static final int SRC_ADDRESS_OFFSET = 12;
    /** Offset of the destination address. */
    public static final int DST_ADDRESS_OFFSET = 16;
    /** Offset of the options, if IHL &gt; 5. */
    public static final int OPTIONS_OFFSET = 20;

    /** Header length without options, bytes. */
    public static final int MIN_HEADER_LENGTH = 20;
    /** Header length with the most options (IHL 15), bytes. */
    public static final int MAX_HEADER_LENGTH = 60;

    /** Flag: don't fragment. */
    public static final int FLAG_DF = 0x4000;
    /** Flag: more fragments. */
    public static final int FLAG_MF = 0x2000;
    /** The fragment offset's 13 bits in {@link #flagsAndFragmentOffset()}. */
    public static final int FRAGMENT_OFFSET_MASK = 0x1FFF;

    /** Protocol number of ICMP. */
    public static final int PROTOCOL_ICMP = 1;
    /** Protocol number of TCP. */
    public static final int PROTOCOL_TCP = 6;
    /** Protocol number of UDP. */
    public static final int PROTOCOL_UDP = 17;

    /** The limited broadcast address 255.255.255.255, as an int. */
    public static final int BROADCAST_ADDRESS = 0xFFFF_FFFF;
    /** Returned by {@link #parseAddress(CharSequence)} for malformed text; never a valid address. */
    public static final long INVALID_ADDRESS = -1L;

    /** {@link #validate()}: a well-formed header. */
    public static final int VALID = 0;
    /** {@link #validate()}: fewer than 20 bytes. */
    public static final int INVALID_TRUNCATED = 1;
    /** {@link #validate()}: version is not 4. */
    public static final int INVALID_VERSION = 2;
    /** {@link #validate()}: IHL below 5 or past the bytes present. */
    public static final int INVALID_IHL = 3;
    /** {@link #validate()}: total length below IHL * 4 or past the bytes present. */
    public static final int INVALID_TOTAL_LENGTH = 4;

    private DirectBuffer buffer;
    private MutableDirectBuffer mutableBuffer;
    private int offset;
    private int length;

    /**
     * Wraps for reading; {@code length} is the number of bytes available from {@code offset}.
     *
     * @param buffer containing the header.
     * @param offset of its first byte.
     * @param length bytes available from {@code offset}.
     * @return this for a fluent API.
     */
    public Ipv4Header wrap(final DirectBuffer buffer, final int offset, final int length)
    {
        this.buffer = buffer;
        this.mutableBuffer = null;
        this.offset = offset;
        this.length = length;
        return this;
    }

    /**
     * Wraps for reading and writing; {@code length} is the space available from {@code offset}.
     *
     * @param buffer containing the header.
     * @param offset of its first byte.
     * @param length bytes available from {@code offset}.
     * @return this for a fluent API.
     */
    public Ipv4Header wrap(final MutableDirectBuffer buffer, final int offset, final int length)
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
     * Bytes available from {@link #offset()}, as given to {@code wrap}.
     *
     * @return bytes.
     */
    public int length()
    {
        return length;
    }

    /**
     * Checks the structure (not the checksum, not fragmentation): enough bytes, version 4,
     * 5 &le; IHL, IHL * 4 &le; total length &le; bytes available. Reads only bytes it has checked exist.
     *
     * @return {@link #VALID} or one of the {@code INVALID_*} codes.
     */
    public int validate()
    {
        if (length < MIN_HEADER_LENGTH)
        {
            return INVALID_TRUNCATED;
        }
        if (version() != 4)
        {
            return INVALID_VERSION;
        }
        final int headerLength = headerLength();
        if (headerLength < MIN_HEADER_LENGTH || headerLength > length)
        {
            return INVALID_IHL;
        }
        final int totalLength = totalLength();
        if (totalLength < headerLength || totalLength > length)
        {
            return INVALID_TOTAL_LENGTH;
        }
        return VALID;
    }

    /**
     * The IP version.
     *
     * @return 4 for a valid header.
     */
    public int version()
    {
        return (buffer.getByte(offset + VERSION_IHL_OFFSET) & 0xF0) >>> 4;
    }

    /**
     * Internet header length in 32-bit words.
     *
     * @return {@code 0..15}.
     */
    public int ihl()
    {
        return buffer.getByte(offset + VERSION_IHL_OFFSET) & 0x0F;
    }

    /**
     * Sets version 4 and the IHL in 32-bit words (5..15).
     *
     * @param ihl 5..15.
     * @return this for a fluent API.
     */
    public Ipv4Header versionAndIhl(final int ihl)
    {
        mutableBuffer.putByte(offset + VERSION_IHL_OFFSET, (byte)(0x40 | (ihl & 0x0F)));
        return this;
    }

    /**
     * IHL * 4.
     *
     * @return bytes.
     */
    public int headerLength()
    {
        return ihl() << 2;
    }

    /**
     * Whether the header carries options.
     *
     * @return true if IHL &gt; 5.
     */
    public boolean hasOptions()
    {
        return ihl() > 5;
    }

    /**
     * Differentiated services code point and ECN, the old TOS byte.
     *
     * @return {@code 0..255}.
     */
    public int tos()
    {
        return buffer.getByte(offset + TOS_OFFSET) & 0xFF;
    }

    /**
     * Sets the TOS byte.
     *
     * @param tos {@code 0..255}.
     * @return this for a fluent API.
     */
    public Ipv4Header tos(final int tos)
    {
        mutableBuffer.putByte(offset + TOS_OFFSET, (byte)tos);
        return this;
    }

    /**
     * The differentiated services code point.
     *
     * @return {@code 0..63}.
     */
    public int dscp()
    {
        return tos() >>> 2;
    }

    /**
     * The ECN field.
     *
     * @return {@code 0..3}.
     */
    public int ecn()
    {
        return tos() & 0x3;
    }

    /**
     * The total length of the datagram, header included.
     *
     * @return bytes.
     */
    public int totalLength()
    {
        return buffer.getShort(offset + TOTAL_LENGTH_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
    }

    /**
     * Sets the total length.
     *
     * @param totalLength bytes, header included.
     * @return this for a fluent API.
     */
    public Ipv4Header totalLength(final int totalLength)
    {
        mutableBuffer.putShort(offset + TOTAL_LENGTH_OFFSET, (short)totalLength, ByteOrder.BIG_ENDIAN);
        return this;
    }

    /**
     * The identification.
     *
     * @return {@code 0..0xFFFF}.
     */
    public int identification()
    {
        return buffer.getShort(offset + IDENTIFICATION_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
    }

    /**
     * Sets the identification.
     *
     * @param identification {@code 0..0xFFFF}.
     * @return this for a fluent API.
     */
    public Ipv4Header identification(final int identification)
    {
        mutableBuffer.putShort(offset + IDENTIFICATION_OFFSET, (short)identification, ByteOrder.BIG_ENDIAN);
        return this;
    }

    /**
     * The 16 bits of flags and fragment offset together.
     *
     * @return {@code 0..0xFFFF}.
     */
    public int flagsAndFragmentOffset()
    {
        return buffer.getShort(offset + FLAGS_FRAGMENT_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
    }

    /**
     * Sets flags ({@link #FLAG_DF}, {@link #FLAG_MF}) and the fragment offset in 8-byte units together.
     *
     * @param value flags ORed with the offset.
     * @return this for a fluent API.
     */
    public Ipv4Header flagsAndFragmentOffset(final int value)
    {
        mutableBuffer.putShort(offset + FLAGS_FRAGMENT_OFFSET, (short)value, ByteOrder.BIG_ENDIAN);
        return this;
    }

    /**
     * Whether the DF flag is set.
     *
     * @return true for don't fragment.
     */
    public boolean dontFragment()
    {
        return (flagsAndFragmentOffset() & FLAG_DF) != 0;
    }

    /**
     * Whether the MF flag is set.
     *
     * @return true if more fragments follow.
     */
    public boolean moreFragments()
    {
        return (flagsAndFragmentOffset() & FLAG_MF) != 0;
    }

    /**
     * Fragment offset in 8-byte units.
     *
     * @return {@code 0..8191}.
     */
    public int fragmentOffset()
    {
        return flagsAndFragmentOffset() & FRAGMENT_OFFSET_MASK;
    }

    /**
     * True for any fragment: MF set or a nonzero offset. We do not reassemble; the caller drops and counts.
     *
     * @return true for a fragment.
     */
    public boolean isFragment()
    {
        return (flagsAndFragmentOffset() & (FLAG_MF | FRAGMENT_OFFSET_MASK)) != 0;
    }

    /**
     * The time to live.
     *
     * @return {@code 0..255}.
     */
    public int ttl()
    {
        return buffer.getByte(offset + TTL_OFFSET) & 0xFF;
    }

    /**
     * Sets the time to live.
     *
     * @param ttl {@code 0..255}.
     * @return this for a fluent API.
     */
    public Ipv4Header ttl(final int ttl)
    {
        mutableBuffer.putByte(offset + TTL_OFFSET, (byte)ttl);
        return this;
    }

    /**
     * The payload's protocol number.
     *
     * @return e.g. {@link #PROTOCOL_TCP}.
     */
    public int protocol()
    {
        return buffer.getByte(offset + PROTOCOL_OFFSET) & 0xFF;
    }

    /**
     * Sets the payload's protocol number.
     *
     * @param protocol e.g. {@link #PROTOCOL_TCP}.
     * @return this for a fluent API.
     */
    public Ipv4Header protocol(final int protocol)
    {
        mutableBuffer.putByte(offset + PROTOCOL_OFFSET, (byte)protocol);
        return this;
    }

    /**
     * The header checksum field as stored.
     *
     * @return {@code 0..0xFFFF}.
     */
    public int checksum()
    {
        return buffer.getShort(offset + CHECKSUM_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
    }

    /**
     * Sets the header checksum field.
     *
     * @param checksum {@code 0..0xFFFF}.
     * @return this for a fluent API.
     */
    public Ipv4Header checksum(final int checksum)
    {
        mutableBuffer.putShort(offset + CHECKSUM_OFFSET, (short)checksum, ByteOrder.BIG_ENDIAN);
        return this;
    }

    /**
     * The source address.
     *
     * @return host-order int.
     */
    public int srcAddress()
    {
        return buffer.getInt(offset + SRC_ADDRESS_OFFSET, ByteOrder.BIG_ENDIAN);
    }

    /**
     * Sets the source address.
     *
     * @param address host-order int.
     * @return this for a fluent API.
     */
    public Ipv4Header srcAddress(final int address)
    {
        mutableBuffer.putInt(offset + SRC_ADDRESS_OFFSET, address, ByteOrder.BIG_ENDIAN);
        return this;
    }

    /**
     * The destination address.
     *
     * @return host-order int.
     */
    public int dstAddress()
    {
        return buffer.getInt(offset + DST_ADDRESS_OFFSET, ByteOrder.BIG_ENDIAN);
    }

    /**
     * Sets the destination address.
     *
     * @param address host-order int.
     * @return this for a fluent API.
     */
    public Ipv4Header dstAddress(final int address)
    {
        mutableBuffer.putInt(offset + DST_ADDRESS_OFFSET, address, ByteOrder.BIG_ENDIAN);
        return this;
    }

    /**
     * Swaps source and destination in place; the header checksum does not change (the sum commutes).
     *
     * @return this for a fluent API.
     */
    public Ipv4Header swapAddresses()
    {
        final int src = srcAddress();
        srcAddress(dstAddress());
        dstAddress(src);
        return this;
    }

    /**
     * Absolute offset in the buffer of the payload: {@code offset + IHL * 4}, options skipped.
     *
     * @return the offset in the buffer.
     */
    public int payloadOffset()
    {
        return offset + headerLength();
    }

    /**
     * {@code totalLength - IHL * 4}: Ethernet padding after the datagram is excluded.
     *
     * @return bytes.
     */
    public int payloadLength()
    {
        return totalLength() - headerLength();
    }

    /**
     * Computes the header checksum (field treated as zero) and stores it.
     *
     * @return this for a fluent API.
     */
    public Ipv4Header updateChecksum()
    {
        return checksum(Checksum.ipv4HeaderChecksum(buffer, offset, headerLength()));
    }

    /**
     * True if the header sums to 0xFFFF with its checksum. Call after {@link #validate()}.
     *
     * @return true if the checksum is right.
     */
    public boolean isChecksumValid()
    {
        return Checksum.verifyIpv4Header(buffer, offset, headerLength());
    }

    /**
     * Decrements the TTL and patches the checksum incrementally (RFC 1624), as a router would.
     *
     * @return the new TTL; 0 if it was already 0 (nothing is changed: the caller drops the datagram).
     */
    public int decrementTtl()
    {
        if (ttl() == 0)
        {
            return 0;
        }
        final int word = buffer.getShort(offset + TTL_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
        final int newWord = word - 0x100;
        mutableBuffer.putShort(offset + TTL_OFFSET, (short)newWord, ByteOrder.BIG_ENDIAN);
        checksum(Checksum.update16(checksum(), word, newWord));
        return ttl();
    }

    // ---------------------------------------------------------------- address helpers

    /**
     * The limited broadcast 255.255.255.255.
     *
     * @param address host-order int.
     * @return true for 255.255.255.255.
     */
    public static boolean isBroadcast(final int address)
    {
        return address == BROADCAST_ADDRESS;
    }

    /**
     * Limited broadcast, or the directed broadcast of the subnet given by {@code netmask}.
     *
     * @param address to test.
     * @param netmask of the local subnet, e.g. {@code 0xFFFFFF00} for a /24.
     * @return true for a broadcast address.
     */
    public static boolean isBroadcast(final int address, final int netmask)
    {
        return address == BROADCAST_ADDRESS || (netmask != BROADCAST_ADDRESS && (address | netmask) == BROADCAST_ADDRESS);
    }

    /**
     * Class D, 224.0.0.0/4.
     *
     * @param address host-order int.
     * @return true for 224.0.0.0/4.
     */
    public static boolean isMulticast(final int address)
    {
        return (address >>> 28) == 0xE;
    }

    /**
     * Parses a dotted quad {@code a.b.c.d}, each part 0..255 in decimal.
     *
     * @param text the address as text.
     * @return the address in the low 32 bits, or {@link #INVALID_ADDRESS}.
     */
    public static long parseAddress(final CharSequence text)
    {
        long address = 0;
        int parts = 0;
        int digits = 0;
        int value = 0;
        final int n = text.length();
        for (int i = 0; i < n; i++)
        {
            final char c = text.charAt(i);
            if (c >= '0' && c <= '9')
            {
                value = value * 10 + (c - '0');
                if (++digits > 3 || value > 255)
                {
                    return INVALID_ADDRESS;
                }
            }
            else if (c == '.' && digits > 0 && parts < 3)
            {
                address = (address << 8) | value;
                parts++;
                digits = 0;
                value = 0;
            }
            else
            {
                return INVALID_ADDRESS;
            }
        }
        if (parts != 3 || digits == 0)
        {
            return INVALID_ADDRESS;
        }
        return (address << 8) | value;
    }

    /**
     * Formats as a dotted quad (allocates: not for the data path).
     *
     * @param address host-order int.
     * @return e.g. {@code "192.0.2.1"}.
     */
    public static String formatAddress(final int address)
    {
        return appendAddress(new StringBuilder(15), address).toString();
    }

    /**
     * Appends a dotted quad.
     *
     * @param sb      to append to.
     * @param address host-order int.
     * @return {@code sb}.
     */
    public static StringBuilder appendAddress(final StringBuilder sb, final int address)
    {
        return sb.append(address >>> 24).append('.')
            .append((address >>> 16) & 0xFF).append('.')
            .append((address >>> 8) & 0xFF).append('.')
            .append(address & 0xFF);
    }
}
