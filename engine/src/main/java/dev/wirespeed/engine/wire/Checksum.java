package dev.wirespeed.engine.wire;

import org.agrona.DirectBuffer;
import org.agrona.UnsafeApi;

import java.nio.ByteOrder;

/**
 * The Internet checksum (RFC 1071): the 16-bit one's complement of the one's complement sum of 16-bit
 * big-endian words.
 * <p>
 * Vocabulary used by every method here:
 * <ul>
 * <li>a <b>sum</b> is a folded, non-complemented one's complement sum in {@code 0..0xFFFF};
 * several sums of even-length pieces combine with {@link #add(int, int)};</li>
 * <li>a <b>checksum</b> is {@code ~sum & 0xFFFF}, the value stored in a header field.</li>
 * </ul>
 * A block of data that contains its own correct checksum sums to {@code 0xFFFF}, so its checksum is 0;
 * that is what the {@code verify*} methods test.
 * <p>
 * The sum is computed 8 bytes at a time in native byte order into a 64-bit accumulator (each long is split
 * into two 32-bit halves so carries are never lost), folded once at the end (RFC 1071 §2 (C) "deferred
 * carries") and byte-swapped once (§2 (B) "byte order independence").
 * <p>
 * NIC offload: DPDK's TX L4 checksum offload ({@code RTE_MBUF_F_TX_TCP_CKSUM}) expects the TCP checksum
 * field to hold the <em>non-complemented</em> pseudo-header sum ({@code rte_ipv4_phdr_cksum}); that is
 * {@link #ipv4PseudoHeaderSum(int, int, int, int)}, written by {@link TcpHeader#checksumForOffload(int, int)}.
 * <p>
 * Stateless and allocation free; thread safe.
 */
public final class Checksum
{
    /** IP protocol number of TCP, for the pseudo-header. */
    public static final int PROTOCOL_TCP = 6;

    private static final boolean NATIVE_IS_BIG_ENDIAN = ByteOrder.nativeOrder() == ByteOrder.BIG_ENDIAN;

    private Checksum()
    {
    }

    /**
     * One's complement sum of {@code length} bytes starting at {@code index}, added to {@code initialSum}.
     * An odd trailing byte is padded with a zero byte on its right, as RFC 1071 says.
     *
     * @param buffer     to read; only {@code [index, index + length)} is read, after one bounds check of the
     *                   whole range ({@link DirectBuffer#boundsCheck(int, int)}, which throws if it is out of
     *                   range). Its {@code byteArray()}/{@code addressOffset()} must describe its memory, as
     *                   for every Agrona buffer.
     * @param index      of the first byte.
     * @param length     in bytes, may be odd.
     * @param initialSum a previous sum (e.g. the pseudo-header sum), {@code 0..0xFFFF}.
     * @return the folded sum, {@code 0..0xFFFF}.
     */
    public static int sum(final DirectBuffer buffer, final int index, final int length, final int initialSum)
    {
        // Sum in native byte order and swap the folded result once at the end: the one's complement sum is
        // byte-order independent (RFC 1071 §2 (B)), and this saves a byte swap per load on little-endian CPUs.
        // One bounds check for the whole range, then plain loads: a check per load costs a third of the time.
        buffer.boundsCheck(index, length);
        final byte[] array = buffer.byteArray();
        final long address = buffer.addressOffset();
        long acc = 0;
        long i = address + index;
        final long end = i + length;

        final long end32 = end - 31;
        while (i < end32)
        {
            final long a = UnsafeApi.getLong(array, i);
            final long b = UnsafeApi.getLong(array, i + 8);
            final long c = UnsafeApi.getLong(array, i + 16);
            final long d = UnsafeApi.getLong(array, i + 24);
            acc += (a >>> 32) + (a & 0xFFFF_FFFFL) + (b >>> 32) + (b & 0xFFFF_FFFFL) +
                (c >>> 32) + (c & 0xFFFF_FFFFL) + (d >>> 32) + (d & 0xFFFF_FFFFL);
            i += 32;
        }

        final long end8 = end - 7;
        while (i < end8)
        {
            final long a = UnsafeApi.getLong(array, i);
            acc += (a >>> 32) + (a & 0xFFFF_FFFFL);
            i += 8;
        }

        if (end - i >= 4)
        {
            acc += UnsafeApi.getInt(array, i) & 0xFFFF_FFFFL;
            i += 4;
        }
        if (end - i >= 2)
        {
            acc += UnsafeApi.getShort(array, i) & 0xFFFFL;
            i += 2;
        }
        if (i < end)
        {
            // the odd last byte is the high byte of a big-endian word padded with zero
            final long last = UnsafeApi.getByte(array, i) & 0xFFL;
            acc += NATIVE_IS_BIG_ENDIAN ? last << 8 : last;
        }

        final int nativeSum = fold(acc);
        final int sum = NATIVE_IS_BIG_ENDIAN ? nativeSum : Short.reverseBytes((short)nativeSum) & 0xFFFF;
        return add(sum, initialSum);
    }

    /**
     * One's complement sum of a range, starting from zero.
     *
     * @param buffer holding the range.
     * @param index  of the first byte.
     * @param length bytes to sum; an odd last byte is padded with zero.
     * @return the folded sum, {@code 0..0xFFFF}.
     * @see #sum(DirectBuffer, int, int, int)
     */
    public static int sum(final DirectBuffer buffer, final int index, final int length)
    {
        return sum(buffer, index, length, 0);
    }

    /**
     * The Internet checksum of a range (RFC 1071): the complement of its sum.
     *
     * @param buffer holding the range.
     * @param index  of the first byte.
     * @param length bytes to sum.
     * @return the checksum to store, {@code 0..0xFFFF}.
     */
    public static int checksum(final DirectBuffer buffer, final int index, final int length)
    {
        return finish(sum(buffer, index, length, 0));
    }

    /**
     * Folds a 64-bit accumulator of 16-bit words to a 16-bit one's complement sum (end-around carry).
     *
     * @param acc 16-bit words added up in 64 bits.
     * @return {@code 0..0xFFFF}; 0 only if {@code acc} is 0.
     */
    public static int fold(final long acc)
    {
        long s = (acc & 0xFFFF_FFFFL) + (acc >>> 32);
        s = (s & 0xFFFFL) + (s >>> 16);
        s = (s & 0xFFFFL) + (s >>> 16);
        s = (s & 0xFFFFL) + (s >>> 16);
        return (int)s;
    }

    /**
     * One's complement addition of two sums.
     *
     * @param sumA a 16-bit one's complement sum.
     * @param sumB another.
     * @return their one's complement sum, {@code 0..0xFFFF}.
     */
    public static int add(final int sumA, final int sumB)
    {
        return fold((sumA & 0xFFFFL) + (sumB & 0xFFFFL));
    }

    /**
     * Turns a sum into the checksum to store: its 16-bit complement.
     *
     * @param sum a 16-bit one's complement sum.
     * @return the checksum to store, {@code 0..0xFFFF}.
     */
    public static int finish(final int sum)
    {
        return ~sum & 0xFFFF;
    }

    /**
     * Sum of the TCP/UDP IPv4 pseudo-header: source, destination, zero, protocol, L4 length (RFC 9293 §3.1).
     * Not complemented: this is also exactly what a NIC with TX L4 checksum offload wants in the checksum field.
     *
     * @param srcAddress IPv4 source address.
     * @param dstAddress IPv4 destination address.
     * @param protocol   IP protocol number (6 for TCP).
     * @param l4Length   length of the L4 header plus payload, in bytes.
     * @return the folded sum, {@code 0..0xFFFF}.
     */
    public static int ipv4PseudoHeaderSum(final int srcAddress, final int dstAddress, final int protocol, final int l4Length)
    {
        final long acc = (srcAddress >>> 16) + (srcAddress & 0xFFFF) +
            (dstAddress >>> 16) + (dstAddress & 0xFFFF) +
            (protocol & 0xFF) + (l4Length & 0xFFFF);
        return fold(acc);
    }

    /**
     * The checksum of an IPv4 header, computed with whatever its checksum field holds treated as zero.
     *
     * @param buffer        holding the header.
     * @param index         of the first header byte.
     * @param headerLength  IHL * 4.
     * @return the checksum to store at {@link Ipv4Header#CHECKSUM_OFFSET}.
     */
    public static int ipv4HeaderChecksum(final DirectBuffer buffer, final int index, final int headerLength)
    {
        final int stored = buffer.getShort(index + Ipv4Header.CHECKSUM_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
        // subtracting the stored field in one's complement is adding its complement
        return finish(add(sum(buffer, index, headerLength, 0), ~stored & 0xFFFF));
    }

    /**
     * True if the IPv4 header, checksum field included, sums to 0xFFFF.
     *
     * @param buffer       holding the header.
     * @param index        of the first header byte.
     * @param headerLength IHL * 4.
     * @return true if the checksum is right.
     */
    public static boolean verifyIpv4Header(final DirectBuffer buffer, final int index, final int headerLength)
    {
        return sum(buffer, index, headerLength, 0) == 0xFFFF;
    }

    /**
     * The TCP checksum of a segment (header and payload), with whatever the checksum field holds treated
     * as zero, over the IPv4 pseudo-header.
     *
     * @param buffer        holding the segment.
     * @param index         of the first TCP header byte.
     * @param segmentLength TCP header plus payload, in bytes.
     * @param srcAddress    IPv4 source address.
     * @param dstAddress    IPv4 destination address.
     * @return the checksum to store at {@link TcpHeader#CHECKSUM_OFFSET}.
     */
    public static int tcpChecksum(
        final DirectBuffer buffer, final int index, final int segmentLength, final int srcAddress, final int dstAddress)
    {
        final int pseudo = ipv4PseudoHeaderSum(srcAddress, dstAddress, PROTOCOL_TCP, segmentLength);
        final int stored = buffer.getShort(index + TcpHeader.CHECKSUM_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
        return finish(add(sum(buffer, index, segmentLength, pseudo), ~stored & 0xFFFF));
    }

    /**
     * True if the segment, its checksum field and the IPv4 pseudo-header sum to 0xFFFF.
     *
     * @param buffer        holding the segment.
     * @param index         of the first TCP header byte.
     * @param segmentLength TCP header plus payload, in bytes.
     * @param srcAddress    IPv4 source address, host-order int.
     * @param dstAddress    IPv4 destination address, host-order int.
     * @return true if the checksum is right.
     */
    public static boolean verifyTcp(
        final DirectBuffer buffer, final int index, final int segmentLength, final int srcAddress, final int dstAddress)
    {
        final int pseudo = ipv4PseudoHeaderSum(srcAddress, dstAddress, PROTOCOL_TCP, segmentLength);
        return sum(buffer, index, segmentLength, pseudo) == 0xFFFF;
    }

    /**
     * Incremental update of a checksum when one 16-bit word changes, RFC 1624 eqn. 3:
     * {@code HC' = ~(~HC + ~m + m')}.
     * <p>
     * It equals a full recompute whenever the covered data cannot be all zero after the change (true of
     * IPv4 headers, whose first byte is 0x45, and of TCP, whose pseudo-header holds protocol 6). For data
     * that can become all zero (an ICMP echo reply with id 0, seq 0, zero data) it returns 0 where the full
     * computation gives 0xFFFF, and only the latter verifies; recompute when the result is 0 there.
     *
     * @param checksum the stored checksum {@code HC}.
     * @param oldValue the old 16-bit word {@code m}.
     * @param newValue the new 16-bit word {@code m'}.
     * @return the new checksum {@code HC'}.
     */
    public static int update16(final int checksum, final int oldValue, final int newValue)
    {
        final long acc = (~checksum & 0xFFFFL) + (~oldValue & 0xFFFFL) + (newValue & 0xFFFFL);
        return ~fold(acc) & 0xFFFF;
    }

    /**
     * Incremental update of a checksum when one 32-bit field (an address, a sequence number) changes,
     * RFC 1624 eqn. 3 applied to both 16-bit halves at once.
     *
     * @param checksum the stored checksum.
     * @param oldValue the old 32-bit field.
     * @param newValue the new 32-bit field.
     * @return the new checksum.
     */
    public static int update32(final int checksum, final int oldValue, final int newValue)
    {
        final long acc = (~checksum & 0xFFFFL) +
            (~(oldValue >>> 16) & 0xFFFFL) + (~oldValue & 0xFFFFL) +
            ((newValue >>> 16) & 0xFFFFL) + (newValue & 0xFFFFL);
        return ~fold(acc) & 0xFFFF;
    }
}
