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
    public static final int VERSION_IHL_OFFSET = 0;
    public static final int TOS_OFFSET = 1;
    public static final int TOTAL_LENGTH_OFFSET = 2;
    public static final int IDENTIFICATION_OFFSET = 4;
    public static final int FLAGS_FRAGMENT_OFFSET = 6;
    public static final int TTL_OFFSET = 8;
    public static final int PROTOCOL_OFFSET = 9;
    public static final int CHECKSUM_OFFSET = 10;
    public static final int SRC_ADDRESS_OFFSET = 12;
    public static final int DST_ADDRESS_OFFSET = 16;
    public static final int OPTIONS_OFFSET = 20;

    public static final int MIN_HEADER_LENGTH = 20;
    public static final int MAX_HEADER_LENGTH = 60;

    public static final int FLAG_DF = 0x4000;
    public static final int FLAG_MF = 0x2000;
    public static final int FRAGMENT_OFFSET_MASK = 0x1FFF;

    public static final int PROTOCOL_ICMP = 1;
    public static final int PROTOCOL_TCP = 6;
    public static final int PROTOCOL_UDP = 17;

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

    /** Wraps for reading; {@code length} is the number of bytes available from {@code offset}. */
    public Ipv4Header wrap(final DirectBuffer buffer, final int offset, final int length)
    {
        this.buffer = buffer;
        this.mutableBuffer = null;
        this.offset = offset;
        this.length = length;
        return this;
    }

    /** Wraps for reading and writing; {@code length} is the space available from {@code offset}. */
    public Ipv4Header wrap(final MutableDirectBuffer buffer, final int offset, final int length)
    {
        this.buffer = buffer;
        this.mutableBuffer = buffer;
        this.offset = offset;
        this.length = length;
        return this;
    }

    public DirectBuffer buffer()
    {
        return buffer;
    }

    public int offset()
    {
        return offset;
    }

    /** Bytes available from {@link #offset()}, as given to {@code wrap}. */
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

    public int version()
    {
        return (buffer.getByte(offset + VERSION_IHL_OFFSET) & 0xF0) >>> 4;
    }

    /** Internet header length in 32-bit words. */
    public int ihl()
    {
        return buffer.getByte(offset + VERSION_IHL_OFFSET) & 0x0F;
    }

    /** Sets version 4 and the IHL in 32-bit words (5..15). */
    public Ipv4Header versionAndIhl(final int ihl)
    {
        mutableBuffer.putByte(offset + VERSION_IHL_OFFSET, (byte)(0x40 | (ihl & 0x0F)));
        return this;
    }

    /** IHL * 4. */
    public int headerLength()
    {
        return ihl() << 2;
    }

    public boolean hasOptions()
    {
        return ihl() > 5;
    }

    /** Differentiated services code point and ECN, the old TOS byte. */
    public int tos()
    {
        return buffer.getByte(offset + TOS_OFFSET) & 0xFF;
    }

    public Ipv4Header tos(final int tos)
    {
        mutableBuffer.putByte(offset + TOS_OFFSET, (byte)tos);
        return this;
    }

    public int dscp()
    {
        return tos() >>> 2;
    }

    public int ecn()
    {
        return tos() & 0x3;
    }

    public int totalLength()
    {
        return buffer.getShort(offset + TOTAL_LENGTH_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
    }

    public Ipv4Header totalLength(final int totalLength)
    {
        mutableBuffer.putShort(offset + TOTAL_LENGTH_OFFSET, (short)totalLength, ByteOrder.BIG_ENDIAN);
        return this;
    }

    public int identification()
    {
        return buffer.getShort(offset + IDENTIFICATION_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
    }

    public Ipv4Header identification(final int identification)
    {
        mutableBuffer.putShort(offset + IDENTIFICATION_OFFSET, (short)identification, ByteOrder.BIG_ENDIAN);
        return this;
    }

    /** The 16 bits of flags and fragment offset together. */
    public int flagsAndFragmentOffset()
    {
        return buffer.getShort(offset + FLAGS_FRAGMENT_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
    }

    /** Sets flags ({@link #FLAG_DF}, {@link #FLAG_MF}) and the fragment offset in 8-byte units together. */
    public Ipv4Header flagsAndFragmentOffset(final int value)
    {
        mutableBuffer.putShort(offset + FLAGS_FRAGMENT_OFFSET, (short)value, ByteOrder.BIG_ENDIAN);
        return this;
    }

    public boolean dontFragment()
    {
        return (flagsAndFragmentOffset() & FLAG_DF) != 0;
    }

    public boolean moreFragments()
    {
        return (flagsAndFragmentOffset() & FLAG_MF) != 0;
    }

    /** Fragment offset in 8-byte units. */
    public int fragmentOffset()
    {
        return flagsAndFragmentOffset() & FRAGMENT_OFFSET_MASK;
    }

    /** True for any fragment: MF set or a nonzero offset. We do not reassemble; the caller drops and counts. */
    public boolean isFragment()
    {
        return (flagsAndFragmentOffset() & (FLAG_MF | FRAGMENT_OFFSET_MASK)) != 0;
    }

    public int ttl()
    {
        return buffer.getByte(offset + TTL_OFFSET) & 0xFF;
    }

    public Ipv4Header ttl(final int ttl)
    {
        mutableBuffer.putByte(offset + TTL_OFFSET, (byte)ttl);
        return this;
    }

    public int protocol()
    {
        return buffer.getByte(offset + PROTOCOL_OFFSET) & 0xFF;
    }

    public Ipv4Header protocol(final int protocol)
    {
        mutableBuffer.putByte(offset + PROTOCOL_OFFSET, (byte)protocol);
        return this;
    }

    public int checksum()
    {
        return buffer.getShort(offset + CHECKSUM_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
    }

    public Ipv4Header checksum(final int checksum)
    {
        mutableBuffer.putShort(offset + CHECKSUM_OFFSET, (short)checksum, ByteOrder.BIG_ENDIAN);
        return this;
    }

    public int srcAddress()
    {
        return buffer.getInt(offset + SRC_ADDRESS_OFFSET, ByteOrder.BIG_ENDIAN);
    }

    public Ipv4Header srcAddress(final int address)
    {
        mutableBuffer.putInt(offset + SRC_ADDRESS_OFFSET, address, ByteOrder.BIG_ENDIAN);
        return this;
    }

    public int dstAddress()
    {
        return buffer.getInt(offset + DST_ADDRESS_OFFSET, ByteOrder.BIG_ENDIAN);
    }

    public Ipv4Header dstAddress(final int address)
    {
        mutableBuffer.putInt(offset + DST_ADDRESS_OFFSET, address, ByteOrder.BIG_ENDIAN);
        return this;
    }

    /** Swaps source and destination in place; the header checksum does not change (the sum commutes). */
    public Ipv4Header swapAddresses()
    {
        final int src = srcAddress();
        srcAddress(dstAddress());
        dstAddress(src);
        return this;
    }

    /** Absolute offset in the buffer of the payload: {@code offset + IHL * 4}, options skipped. */
    public int payloadOffset()
    {
        return offset + headerLength();
    }

    /** {@code totalLength - IHL * 4}: Ethernet padding after the datagram is excluded. */
    public int payloadLength()
    {
        return totalLength() - headerLength();
    }

    /** Computes the header checksum (field treated as zero) and stores it. */
    public Ipv4Header updateChecksum()
    {
        return checksum(Checksum.ipv4HeaderChecksum(buffer, offset, headerLength()));
    }

    /** True if the header sums to 0xFFFF with its checksum. Call after {@link #validate()}. */
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

    /** The limited broadcast 255.255.255.255. */
    public static boolean isBroadcast(final int address)
    {
        return address == BROADCAST_ADDRESS;
    }

    /**
     * Limited broadcast, or the directed broadcast of the subnet given by {@code netmask}.
     *
     * @param address to test.
     * @param netmask of the local subnet, e.g. {@code 0xFFFFFF00} for a /24.
     */
    public static boolean isBroadcast(final int address, final int netmask)
    {
        return address == BROADCAST_ADDRESS || (netmask != BROADCAST_ADDRESS && (address | netmask) == BROADCAST_ADDRESS);
    }

    /** Class D, 224.0.0.0/4. */
    public static boolean isMulticast(final int address)
    {
        return (address >>> 28) == 0xE;
    }

    /**
     * Parses a dotted quad {@code a.b.c.d}, each part 0..255 in decimal.
     *
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

    /** Formats as a dotted quad (allocates: not for the data path). */
    public static String formatAddress(final int address)
    {
        return appendAddress(new StringBuilder(15), address).toString();
    }

    /** Appends a dotted quad. */
    public static StringBuilder appendAddress(final StringBuilder sb, final int address)
    {
        return sb.append(address >>> 24).append('.')
            .append((address >>> 16) & 0xFF).append('.')
            .append((address >>> 8) & 0xFF).append('.')
            .append(address & 0xFF);
    }
}
