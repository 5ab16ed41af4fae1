package dev.wirespeed.apps.nic;

import java.nio.ByteOrder;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * The benchmark's test frame: stateless UDP over IPv4 between TEST-NET-1 addresses (192.0.2.0/24 only), the UDP
 * checksum 0 (allowed for IPv4), and a payload that starts with the frame's sequence number, its send timestamp and
 * the sending stream:
 * <pre>
 *   0                   14                  34          42        50        58     60
 *   | Ethernet (IPv4)   | IPv4, proto UDP   | UDP :9    | seq u64 | tx ns   | strm | ... padding to size - 4
 * </pre>
 * Frame sizes follow RFC 2544: they include the 4-byte FCS the NIC appends, so a 64-byte frame is a 60-byte mbuf
 * and occupies 64 + 20 bytes (preamble, start delimiter, inter-frame gap) of line time.
 */
public final class TestFrame
{
    /** Bytes of the FCS the NIC appends (counted in every frame size). */
    public static final int FCS = 4;
    /** Preamble (7), start delimiter (1) and the inter-frame gap (12): line time per frame beyond its bytes. */
    public static final int L1_OVERHEAD = 20;
    /** Smallest Ethernet frame, FCS included, bytes. */
    public static final int MIN_SIZE = 64;
    /** Largest untagged Ethernet frame, FCS included, bytes. */
    public static final int MAX_SIZE = 1518;
    /** Offset of the IPv4 header. */
    public static final int IP_OFFSET = 14;
    /** Offset of the UDP header. */
    public static final int UDP_OFFSET = 34;
    /** Ethernet, IPv4 and UDP headers, bytes. */
    public static final int HEADER_LENGTH = 42;
    /** Offset of the sequence number (8 bytes, little-endian). */
    public static final int SEQ_OFFSET = 42;
    /** Offset of the send timestamp (8 bytes, little-endian, ns of the sender's clock). */
    public static final int TIMESTAMP_OFFSET = 50;
    /** Offset of the stream id (2 bytes, little-endian). */
    public static final int STREAM_OFFSET = 58;
    /** UDP destination port of test frames (discard). */
    public static final int UDP_PORT = 9;
    /** 192.0.2.0/24 (TEST-NET-1, RFC 5737). */
    public static final int TEST_NET = 0xC0000200;
    /** The tester's address, 192.0.2.1 (host-order int). */
    public static final int TESTER_IP = TEST_NET | 1;
    /** The reflector's address, 192.0.2.2 (host-order int). */
    public static final int REFLECTOR_IP = TEST_NET | 2;
    /** Destination MAC when none is given: locally administered, unicast. */
    public static final long DEFAULT_DST_MAC = 0x02_00_00_00_00_02L;

    /** The IMIX mix (7:4:1 of 64, 570 and 1518 bytes), interleaved so that no size comes in a long run. */
    public static final int[] IMIX = {64, 570, 64, 1518, 64, 570, 64, 64, 570, 64, 570, 64};

    private TestFrame()
    {
    }

    /**
     * Writes the 42 header bytes of a frame of {@code size} bytes (FCS included) at {@code buf[0..42)}.
     *
     * @param buf     the frame's buffer, at least 42 bytes.
     * @param size    the frame size, bytes, FCS included.
     * @param srcMac  source MAC, 48 bits in the low bytes.
     * @param dstMac  destination MAC, 48 bits in the low bytes.
     * @param srcIp   source IPv4 address, host-order int.
     * @param dstIp   destination IPv4 address, host-order int.
     * @param srcPort UDP source port.
     */
    public static void writeHeader(final MutableDirectBuffer buf, final int size, final long srcMac, final long dstMac,
        final int srcIp, final int dstIp, final int srcPort)
    {
        putMac(buf, 0, dstMac);
        putMac(buf, 6, srcMac);
        buf.putShort(12, (short)0x0800, ByteOrder.BIG_ENDIAN);
        final int ipLength = size - FCS - IP_OFFSET;
        buf.putByte(IP_OFFSET, (byte)0x45);
        buf.putByte(IP_OFFSET + 1, (byte)0);
        buf.putShort(IP_OFFSET + 2, (short)ipLength, ByteOrder.BIG_ENDIAN);
        buf.putShort(IP_OFFSET + 4, (short)0, ByteOrder.BIG_ENDIAN);
        buf.putShort(IP_OFFSET + 6, (short)0x4000, ByteOrder.BIG_ENDIAN); // DF
        buf.putByte(IP_OFFSET + 8, (byte)64);
        buf.putByte(IP_OFFSET + 9, (byte)17);
        buf.putShort(IP_OFFSET + 10, (short)0, ByteOrder.BIG_ENDIAN);
        buf.putInt(IP_OFFSET + 12, srcIp, ByteOrder.BIG_ENDIAN);
        buf.putInt(IP_OFFSET + 16, dstIp, ByteOrder.BIG_ENDIAN);
        buf.putShort(IP_OFFSET + 10, (short)ipv4Checksum(buf, IP_OFFSET), ByteOrder.BIG_ENDIAN);
        buf.putShort(UDP_OFFSET, (short)srcPort, ByteOrder.BIG_ENDIAN);
        buf.putShort(UDP_OFFSET + 2, (short)UDP_PORT, ByteOrder.BIG_ENDIAN);
        buf.putShort(UDP_OFFSET + 4, (short)(ipLength - 20), ByteOrder.BIG_ENDIAN);
        buf.putShort(UDP_OFFSET + 6, (short)0, ByteOrder.BIG_ENDIAN);
    }

    /**
     * True if {@code buf} (of {@code length} bytes) is a test frame: IPv4/UDP to port 9, both ends in 192.0.2.0/24.
     *
     * @param buf    the frame, from offset 0.
     * @param length its length in bytes.
     * @return true for a test frame.
     */
    public static boolean isTestFrame(final DirectBuffer buf, final int length)
    {
        return length >= STREAM_OFFSET + 2 && isTestNetUdp(buf, length) &&
            (buf.getShort(UDP_OFFSET + 2, ByteOrder.BIG_ENDIAN) & 0xFFFF) == UDP_PORT;
    }

    /**
     * True for an IPv4 frame between two TEST-NET-1 addresses (what the reflector may send back).
     *
     * @param buf    the frame, from offset 0.
     * @param length its length in bytes.
     * @return true for test-network IPv4.
     */
    public static boolean isTestNetUdp(final DirectBuffer buf, final int length)
    {
        return length >= HEADER_LENGTH && buf.getShort(12, ByteOrder.BIG_ENDIAN) == 0x0800 &&
            buf.getByte(IP_OFFSET + 9) == 17 &&
            (buf.getInt(IP_OFFSET + 12, ByteOrder.BIG_ENDIAN) & 0xFFFFFF00) == TEST_NET &&
            (buf.getInt(IP_OFFSET + 16, ByteOrder.BIG_ENDIAN) & 0xFFFFFF00) == TEST_NET;
    }

    /**
     * The sequence number of a test frame.
     *
     * @param buf the frame, from offset 0.
     * @return the sequence number.
     */
    public static long sequence(final DirectBuffer buf)
    {
        return buf.getLong(SEQ_OFFSET, ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * The send timestamp of a test frame.
     *
     * @param buf the frame, from offset 0.
     * @return ns of the sender's clock.
     */
    public static long timestampNs(final DirectBuffer buf)
    {
        return buf.getLong(TIMESTAMP_OFFSET, ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * The stream id of a test frame.
     *
     * @param buf the frame, from offset 0.
     * @return 0..65535.
     */
    public static int stream(final DirectBuffer buf)
    {
        return buf.getShort(STREAM_OFFSET, ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
    }

    /**
     * The per-send patch: sequence number, timestamp and stream.
     *
     * @param buf         the frame's buffer.
     * @param seq         the sequence number.
     * @param timestampNs the send timestamp, ns of the sender's clock.
     * @param stream      the stream id, 0..65535.
     */
    public static void patch(final MutableDirectBuffer buf, final long seq, final long timestampNs, final int stream)
    {
        buf.putLong(SEQ_OFFSET, seq, ByteOrder.LITTLE_ENDIAN);
        buf.putLong(TIMESTAMP_OFFSET, timestampNs, ByteOrder.LITTLE_ENDIAN);
        buf.putShort(STREAM_OFFSET, (short)stream, ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * Swaps the MAC addresses and the IPv4 addresses in place (the IPv4 checksum stays valid).
     *
     * @param buf the received frame.
     */
    public static void swapAddresses(final MutableDirectBuffer buf)
    {
        final int dstHi = buf.getInt(0);
        final short dstLo = buf.getShort(4);
        buf.putInt(0, buf.getInt(6));
        buf.putShort(4, buf.getShort(10));
        buf.putInt(6, dstHi);
        buf.putShort(10, dstLo);
        final int src = buf.getInt(IP_OFFSET + 12);
        buf.putInt(IP_OFFSET + 12, buf.getInt(IP_OFFSET + 16));
        buf.putInt(IP_OFFSET + 16, src);
    }

    static int ipv4Checksum(final DirectBuffer buf, final int offset)
    {
        int sum = 0;
        for (int i = 0; i < 20; i += 2)
        {
            sum += buf.getShort(offset + i, ByteOrder.BIG_ENDIAN) & 0xFFFF;
        }
        while ((sum >>> 16) != 0)
        {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return ~sum & 0xFFFF;
    }

    private static void putMac(final MutableDirectBuffer buf, final int offset, final long mac)
    {
        for (int i = 0; i < 6; i++)
        {
            buf.putByte(offset + i, (byte)(mac >>> (8 * (5 - i))));
        }
    }

    /**
     * Parses a {@code --size}: a frame size 64..1518 or {@code imix}.
     *
     * @param spec the {@code --size} value.
     * @return the size pattern sent in a loop.
     * @throws IllegalArgumentException with a one-line reason.
     */
    public static int[] parseSizes(final String spec)
    {
        if ("imix".equalsIgnoreCase(spec.strip()))
        {
            return IMIX.clone();
        }
        final int size;
        try
        {
            size = Integer.parseInt(spec.strip());
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException("--size must be a frame size " + MIN_SIZE + ".." + MAX_SIZE +
                " or 'imix', not '" + spec + "'");
        }
        if (size < MIN_SIZE || size > MAX_SIZE)
        {
            throw new IllegalArgumentException("frame size " + size + " is outside " + MIN_SIZE + ".." + MAX_SIZE);
        }
        return new int[] {size};
    }

    /**
     * Mean frame size of a size pattern (FCS included).
     *
     * @param sizes frame sizes, bytes.
     * @return bytes.
     */
    public static double meanSize(final int[] sizes)
    {
        double sum = 0;
        for (final int s : sizes)
        {
            sum += s;
        }
        return sum / sizes.length;
    }

    /**
     * Frames per second that fill {@code lineBps} with frames of this mean size (L1: +20 bytes each).
     *
     * @param lineBps  the line rate, bit/s.
     * @param meanSize the mean frame size, bytes.
     * @return frames per second.
     */
    public static double lineRatePps(final double lineBps, final double meanSize)
    {
        return lineBps / ((meanSize + L1_OVERHEAD) * 8.0);
    }

    /**
     * Parses a MAC address {@code aa:bb:cc:dd:ee:ff}.
     *
     * @param text the MAC as text.
     * @return 48 bits in the low bytes.
     */
    public static long parseMac(final String text)
    {
        final String[] parts = text.split(":");
        if (parts.length != 6)
        {
            throw new IllegalArgumentException("not a MAC address: '" + text + "'");
        }
        long mac = 0;
        for (final String p : parts)
        {
            try
            {
                mac = (mac << 8) | (Integer.parseInt(p, 16) & 0xFF);
            }
            catch (final NumberFormatException ex)
            {
                throw new IllegalArgumentException("not a MAC address: '" + text + "'");
            }
        }
        return mac;
    }
}
