package dev.wirespeed.engine.wire;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fast 8-bytes-at-a-time sum against a naive word-by-word reference, and the RFC 1624 incremental
 * updates against a full recompute.
 */
class ChecksumProperties
{
    /** RFC 1071 done the slow, obvious way. */
    static int referenceSum(final byte[] data, final int start, final int length)
    {
        long sum = 0;
        for (int i = 0; i < length; i += 2)
        {
            final int hi = data[start + i] & 0xFF;
            final int lo = i + 1 < length ? data[start + i + 1] & 0xFF : 0;
            sum += (hi << 8) | lo;
        }
        while ((sum >>> 16) != 0)
        {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return (int)sum;
    }

    @Property(tries = 2000)
    void sumEqualsTheNaiveReferenceAtAnyOffsetAndLength(
        @ForAll @Size(max = 1600) final byte[] data,
        @ForAll @IntRange(max = 40) final int startSeed,
        @ForAll @IntRange(max = 1600) final int lengthSeed,
        @ForAll @IntRange(max = 0xFFFF) final int initial)
    {
        final int start = Math.min(startSeed, data.length);
        final int length = Math.min(lengthSeed, data.length - start);
        // exact view of the range: a read outside it throws
        final UnsafeBuffer exact = new UnsafeBuffer(data, start, length);
        final int expected = referenceSum(data, start, length);
        assertEquals(expected, Checksum.sum(exact, 0, length));
        assertEquals(expected, Checksum.sum(new UnsafeBuffer(data), start, length));
        final int withInitial = Checksum.sum(exact, 0, length, initial);
        assertEquals(Checksum.add(expected, initial), withInitial);
    }

    @Property(tries = 1000)
    void sumOverOffHeapMemoryEqualsTheReference(
        @ForAll @Size(max = 1600) final byte[] data, @ForAll @IntRange(max = 40) final int startSeed)
    {
        // the runtime wraps mbuf memory: an off-heap buffer, here also a slice of one
        final int start = Math.min(startSeed, data.length);
        final java.nio.ByteBuffer direct = java.nio.ByteBuffer.allocateDirect(data.length + 64);
        final UnsafeBuffer whole = new UnsafeBuffer(direct);
        whole.putBytes(start, data);
        final int expected = referenceSum(data, 0, data.length);
        assertEquals(expected, Checksum.sum(whole, start, data.length));
        assertEquals(expected, Checksum.sum(new UnsafeBuffer(direct, start, data.length), 0, data.length));
        final org.agrona.ExpandableArrayBuffer expandable = new org.agrona.ExpandableArrayBuffer(data.length + 1);
        expandable.putBytes(0, data);
        assertEquals(expected, Checksum.sum(expandable, 0, data.length));
    }

    @Property(tries = 200)
    void sumOutsideTheBufferThrowsInsteadOfReading(
        @ForAll @Size(max = 64) final byte[] data, @ForAll @IntRange(min = 1, max = 9) final int over)
    {
        final UnsafeBuffer exact = new UnsafeBuffer(data);
        org.junit.jupiter.api.Assertions.assertThrows(IndexOutOfBoundsException.class,
            () -> Checksum.sum(exact, 0, data.length + over));
        org.junit.jupiter.api.Assertions.assertThrows(IndexOutOfBoundsException.class,
            () -> Checksum.sum(exact, -over, data.length));
    }

    @Property(tries = 1000)
    void allOnesDataSumsCorrectly(@ForAll @IntRange(max = 9000) final int length)
    {
        // worst case for carries
        final byte[] data = new byte[length];
        Arrays.fill(data, (byte)0xFF);
        assertEquals(referenceSum(data, 0, length), Checksum.sum(new UnsafeBuffer(data), 0, length));
    }

    @Property(tries = 1000)
    void sumsOfEvenPiecesCompose(@ForAll @Size(max = 400) final byte[] data, @ForAll @IntRange(max = 200) final int cutWords)
    {
        final int cut = Math.min(cutWords * 2, data.length & ~1);
        final UnsafeBuffer b = new UnsafeBuffer(data);
        final int whole = Checksum.sum(b, 0, data.length);
        final int pieces = Checksum.add(Checksum.sum(b, 0, cut), Checksum.sum(b, cut, data.length - cut));
        // 0 and 0xFFFF are the same number in one's complement; only all-zero data sums to 0
        assertEquals(whole == 0 ? 0xFFFF : whole, pieces == 0 ? 0xFFFF : pieces);
    }

    @Property(tries = 2000)
    void dataWithItsChecksumInsertedVerifies(
        @ForAll @Size(min = 2, max = 600) final byte[] data, @ForAll @IntRange(max = 1000) final int slotSeed)
    {
        final int slot = 2 * (slotSeed % (data.length / 2));
        data[slot] = 0;
        data[slot + 1] = 0;
        final UnsafeBuffer b = new UnsafeBuffer(data);
        final int checksum = Checksum.checksum(b, 0, data.length);
        b.putShort(slot, (short)checksum, java.nio.ByteOrder.BIG_ENDIAN);
        assertEquals(0xFFFF, Checksum.sum(b, 0, data.length));
        assertEquals(0, Checksum.checksum(b, 0, data.length));
    }

    @Property(tries = 2000)
    void update16OnAnIpv4HeaderEqualsFullRecompute(
        @ForAll final int src,
        @ForAll final int dst,
        @ForAll @IntRange(max = 0xFFFF) final int id,
        @ForAll @IntRange(max = 0xFF) final int ttl,
        @ForAll @IntRange(min = 1, max = 9) final int word,
        @ForAll @IntRange(max = 0xFFFF) final int newValue)
    {
        final UnsafeBuffer b = new UnsafeBuffer(new byte[20]);
        final Ipv4Header ip = new Ipv4Header().wrap(b, 0, 20).versionAndIhl(5).totalLength(20 + id % 1000)
            .identification(id).ttl(ttl).protocol(6).srcAddress(src).dstAddress(dst).updateChecksum();
        assertTrue(ip.isChecksumValid());
        if (word == 5)
        {
            return; // the checksum field itself
        }
        final int old = b.getShort(word * 2, java.nio.ByteOrder.BIG_ENDIAN) & 0xFFFF;
        b.putShort(word * 2, (short)newValue, java.nio.ByteOrder.BIG_ENDIAN);
        final int incremental = Checksum.update16(ip.checksum(), old, newValue);
        assertEquals(Checksum.ipv4HeaderChecksum(b, 0, 20), incremental);
        ip.checksum(incremental);
        assertTrue(ip.isChecksumValid());
    }

    @Property(tries = 1000)
    void update16And32OnATcpSegmentEqualFullRecompute(
        @ForAll final int src,
        @ForAll final int dst,
        @ForAll final int seq,
        @ForAll final int newSeq,
        @ForAll final int newAddress,
        @ForAll @IntRange(max = 0xFFFF) final int newWindow,
        @ForAll @Size(max = 200) final byte[] payload)
    {
        final UnsafeBuffer b = new UnsafeBuffer(new byte[14 + 20 + 20 + payload.length]);
        final PacketBuilder builder = new PacketBuilder().srcAddress(src).dstAddress(dst).srcPort(1).dstPort(2)
            .seq(seq).flags(TcpHeader.ACK).window(100);
        final int length = builder.writeTcp(b, 0, null, new UnsafeBuffer(payload), 0, payload.length);
        final TcpHeader tcp = new TcpHeader().wrap(b, 34, length - 34);
        assertTrue(tcp.isChecksumValid(src, dst));

        int checksum = Checksum.update32(tcp.checksum(), tcp.seq(), newSeq);
        tcp.seq(newSeq);
        assertEquals(Checksum.tcpChecksum(b, 34, length - 34, src, dst), checksum);

        checksum = Checksum.update16(checksum, tcp.window(), newWindow);
        tcp.window(newWindow);
        assertEquals(Checksum.tcpChecksum(b, 34, length - 34, src, dst), checksum);

        // NAT-style rewrite of the destination address: only the pseudo-header changes
        checksum = Checksum.update32(checksum, dst, newAddress);
        tcp.checksum(checksum);
        assertEquals(Checksum.tcpChecksum(b, 34, length - 34, src, newAddress), checksum);
        assertTrue(tcp.isChecksumValid(src, newAddress));
    }

    @Property(tries = 1000)
    void offloadPseudoHeaderSumIsWhatTheNicCompletes(
        @ForAll final int src, @ForAll final int dst, @ForAll @Size(max = 1460) final byte[] payload)
    {
        final UnsafeBuffer full = new UnsafeBuffer(new byte[54 + payload.length]);
        final UnsafeBuffer offload = new UnsafeBuffer(new byte[54 + payload.length]);
        final PacketBuilder builder = new PacketBuilder().srcAddress(src).dstAddress(dst).srcPort(7).dstPort(9)
            .flags(TcpHeader.ACK);
        builder.writeTcp(full, 0, null, new UnsafeBuffer(payload), 0, payload.length);
        builder.ipIdentification(0).checksumOffload(true).writeTcp(offload, 0, null, new UnsafeBuffer(payload), 0, payload.length);

        // what the NIC does: sum the segment as is (field holds the pseudo-header sum), complement, store
        final int segmentLength = 20 + payload.length;
        final int nicChecksum = Checksum.checksum(offload, 34, segmentLength);
        assertEquals(full.getShort(34 + TcpHeader.CHECKSUM_OFFSET, java.nio.ByteOrder.BIG_ENDIAN) & 0xFFFF, nicChecksum);
        assertEquals(0, offload.getShort(14 + Ipv4Header.CHECKSUM_OFFSET));
    }
}
