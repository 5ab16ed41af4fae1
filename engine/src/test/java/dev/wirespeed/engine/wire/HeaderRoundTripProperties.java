package dev.wirespeed.engine.wire;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every header written with its fluent setters reads back the same, at any offset, and writes nothing
 * outside itself; whole frames from {@link PacketBuilder} parse back through {@link FrameParser}.
 */
class HeaderRoundTripProperties
{
    static final byte SENTINEL = (byte)0xC3;

    static UnsafeBuffer sentinelBuffer(final int offset, final int length)
    {
        final byte[] bytes = new byte[offset + length + 16];
        Arrays.fill(bytes, SENTINEL);
        return new UnsafeBuffer(bytes);
    }

    static void assertUntouchedOutside(final UnsafeBuffer buffer, final int offset, final int length)
    {
        final byte[] bytes = buffer.byteArray();
        for (int i = 0; i < bytes.length; i++)
        {
            if (i < offset || i >= offset + length)
            {
                assertEquals(SENTINEL, bytes[i], "byte " + i + " outside [" + offset + ", " + (offset + length) + ")");
            }
        }
    }

    @Property(tries = 1000)
    void ethernetRoundTrips(
        @ForAll final long dst,
        @ForAll final long src,
        @ForAll final boolean tagged,
        @ForAll @IntRange(max = 7) final int pcp,
        @ForAll @IntRange(max = 4095) final int vid,
        @ForAll @IntRange(max = 0xFFFF) final int etherType,
        @ForAll @IntRange(max = 64) final int offset)
    {
        final int length = tagged ? 18 : 14;
        final UnsafeBuffer b = sentinelBuffer(offset, length);
        final EthernetFrame w = new EthernetFrame().wrap(b, offset, length).dstMac(dst).srcMac(src);
        if (tagged)
        {
            w.vlan(pcp, vid, etherType);
        }
        else
        {
            w.etherType(etherType == EthernetFrame.ETHERTYPE_VLAN ? 0 : etherType);
        }
        assertUntouchedOutside(b, offset, length);

        final EthernetFrame r = new EthernetFrame().wrap(new UnsafeBuffer(b.byteArray(), offset, length), 0, length);
        assertTrue(r.isValid());
        assertEquals(dst & EthernetFrame.MAC_MASK, r.dstMac());
        assertEquals(src & EthernetFrame.MAC_MASK, r.srcMac());
        for (int i = 0; i < 6; i++)
        {
            assertEquals((int)(dst >>> (40 - 8 * i)) & 0xFF, r.dstMacByte(i));
            assertEquals((int)(src >>> (40 - 8 * i)) & 0xFF, r.srcMacByte(i));
        }
        assertEquals(tagged, r.isVlanTagged());
        assertEquals(length, r.headerLength());
        assertEquals(length, r.payloadOffset());
        if (tagged)
        {
            assertEquals(pcp, r.vlanPcp());
            assertEquals(vid, r.vlanId());
            assertEquals(etherType, r.payloadEtherType());
        }
    }

    @Property(tries = 1000)
    void macTextRoundTrips(@ForAll final long mac)
    {
        final long m = mac & EthernetFrame.MAC_MASK;
        final String text = EthernetFrame.formatMac(m);
        assertEquals(17, text.length());
        assertEquals(m, EthernetFrame.parseMac(text));
        assertEquals(m, EthernetFrame.parseMac(text.toUpperCase().replace(':', '-')));
        assertEquals(EthernetFrame.isMulticast(m), (Long.parseLong(text.substring(0, 2), 16) & 1) == 1);
    }

    @Property(tries = 1000)
    void addressTextRoundTrips(@ForAll final int address)
    {
        final String text = Ipv4Header.formatAddress(address);
        assertEquals(address, (int)Ipv4Header.parseAddress(text));
        assertEquals(address & 0xFFFF_FFFFL, Ipv4Header.parseAddress(text));
        assertEquals(Ipv4Header.isMulticast(address), Integer.parseInt(text.substring(0, text.indexOf('.'))) / 16 == 14);
    }

    @Property(tries = 1000)
    void arpRoundTrips(
        @ForAll final boolean request,
        @ForAll final long sha,
        @ForAll final int spa,
        @ForAll final long tha,
        @ForAll final int tpa,
        @ForAll @IntRange(max = 64) final int offset)
    {
        final UnsafeBuffer b = sentinelBuffer(offset, 28);
        final ArpPacket w = new ArpPacket().wrap(b, offset, 28);
        if (request)
        {
            w.request(sha, spa, tpa);
        }
        else
        {
            w.reply(sha, spa, tha, tpa);
        }
        assertUntouchedOutside(b, offset, 28);
        final ArpPacket r = new ArpPacket().wrap(new UnsafeBuffer(b.byteArray(), offset, 28), 0, 28);
        assertTrue(r.isValid());
        assertEquals(request ? ArpPacket.OPERATION_REQUEST : ArpPacket.OPERATION_REPLY, r.operation());
        assertEquals(sha & EthernetFrame.MAC_MASK, r.senderMac());
        assertEquals(spa, r.senderIp());
        assertEquals(request ? 0 : tha & EthernetFrame.MAC_MASK, r.targetMac());
        assertEquals(tpa, r.targetIp());
    }

    @Property(tries = 2000)
    void ipv4RoundTrips(
        @ForAll @IntRange(min = 5, max = 15) final int ihl,
        @ForAll @IntRange(max = 0xFF) final int tos,
        @ForAll @IntRange(max = 200) final int payload,
        @ForAll @IntRange(max = 0xFFFF) final int id,
        @ForAll @IntRange(max = 0xFFFF) final int flagsAndOffset,
        @ForAll @IntRange(max = 0xFF) final int ttl,
        @ForAll @IntRange(max = 0xFF) final int protocol,
        @ForAll final int src,
        @ForAll final int dst,
        @ForAll @IntRange(max = 64) final int offset)
    {
        final int headerLength = ihl * 4;
        final int total = headerLength + payload;
        final UnsafeBuffer b = sentinelBuffer(offset, total);
        final Ipv4Header w = new Ipv4Header().wrap(b, offset, total).versionAndIhl(ihl).tos(tos).totalLength(total)
            .identification(id).flagsAndFragmentOffset(flagsAndOffset).ttl(ttl).protocol(protocol)
            .srcAddress(src).dstAddress(dst);
        b.setMemory(offset + 20, headerLength - 20, (byte)1); // options: NOPs
        w.updateChecksum();
        assertUntouchedOutside(b, offset, headerLength);

        final Ipv4Header r = new Ipv4Header().wrap(new UnsafeBuffer(b.byteArray(), offset, total), 0, total);
        assertEquals(Ipv4Header.VALID, r.validate());
        assertTrue(r.isChecksumValid());
        assertEquals(4, r.version());
        assertEquals(ihl, r.ihl());
        assertEquals(ihl > 5, r.hasOptions());
        assertEquals(tos, r.tos());
        assertEquals(tos >>> 2, r.dscp());
        assertEquals(total, r.totalLength());
        assertEquals(id, r.identification());
        assertEquals(flagsAndOffset, r.flagsAndFragmentOffset());
        assertEquals((flagsAndOffset & 0x2000) != 0 || (flagsAndOffset & 0x1FFF) != 0, r.isFragment());
        assertEquals(ttl, r.ttl());
        assertEquals(protocol, r.protocol());
        assertEquals(src, r.srcAddress());
        assertEquals(dst, r.dstAddress());
        assertEquals(headerLength, r.payloadOffset());
        assertEquals(payload, r.payloadLength());

        if (ttl > 0)
        {
            final Ipv4Header m = new Ipv4Header().wrap(b, offset, total);
            assertEquals(ttl - 1, m.decrementTtl());
            assertTrue(m.isChecksumValid());
        }
    }

    @Property(tries = 1000)
    void icmpEchoRoundTripsAndRepliesStayValid(
        @ForAll @IntRange(max = 0xFFFF) final int identifier,
        @ForAll @IntRange(max = 0xFFFF) final int sequence,
        @ForAll @Size(max = 100) final byte[] data,
        @ForAll @IntRange(max = 64) final int offset)
    {
        final int length = 8 + data.length;
        final UnsafeBuffer b = sentinelBuffer(offset, length);
        b.putBytes(offset + 8, data);
        final IcmpEcho w = new IcmpEcho().wrap(b, offset, length).type(IcmpEcho.TYPE_ECHO_REQUEST).code(0)
            .identifier(identifier).sequence(sequence).updateChecksum();
        assertUntouchedOutside(b, offset, length);
        final IcmpEcho r = new IcmpEcho().wrap(new UnsafeBuffer(b.byteArray(), offset, length), 0, length);
        assertTrue(r.isValid());
        assertTrue(r.isEchoRequest());
        assertTrue(r.isChecksumValid());
        assertEquals(identifier, r.identifier());
        assertEquals(sequence, r.sequence());
        assertEquals(data.length, r.dataLength());

        w.toReplyInPlace();
        assertTrue(r.isEchoReply());
        assertTrue(r.isChecksumValid());
    }

    @Property(tries = 2000)
    void tcpHeaderRoundTrips(
        @ForAll @IntRange(max = 0xFFFF) final int srcPort,
        @ForAll @IntRange(max = 0xFFFF) final int dstPort,
        @ForAll final int seq,
        @ForAll final int ack,
        @ForAll @IntRange(min = 5, max = 15) final int dataOffset,
        @ForAll @IntRange(max = 0xFF) final int flags,
        @ForAll @IntRange(max = 0xFFFF) final int window,
        @ForAll @IntRange(max = 0xFFFF) final int urgent,
        @ForAll @IntRange(max = 100) final int payload,
        @ForAll @IntRange(max = 64) final int offset)
    {
        final int headerLength = dataOffset * 4;
        final int length = headerLength + payload;
        final UnsafeBuffer b = sentinelBuffer(offset, length);
        new TcpHeader().wrap(b, offset, length).srcPort(srcPort).dstPort(dstPort).seq(seq).ack(ack)
            .dataOffset(dataOffset).flags(flags).window(window).checksum(0xBEEF).urgentPointer(urgent);
        assertUntouchedOutside(b, offset, 20);

        final TcpHeader r = new TcpHeader().wrap(new UnsafeBuffer(b.byteArray(), offset, length), 0, length);
        assertEquals(TcpHeader.VALID, r.validate());
        assertEquals(srcPort, r.srcPort());
        assertEquals(dstPort, r.dstPort());
        assertEquals(seq, r.seq());
        assertEquals(ack, r.ack());
        assertEquals(dataOffset, r.dataOffset());
        assertEquals(headerLength, r.headerLength());
        assertEquals(flags, r.flags());
        assertEquals((flags & TcpHeader.SYN) != 0, r.syn());
        assertEquals((flags & TcpHeader.FIN) != 0, r.fin());
        assertEquals((flags & TcpHeader.RST) != 0, r.rst());
        assertEquals((flags & TcpHeader.ACK) != 0, r.ackFlag());
        assertEquals((flags & TcpHeader.PSH) != 0, r.psh());
        assertEquals((flags & TcpHeader.URG) != 0, r.urg());
        assertEquals(window, r.window());
        assertEquals(0xBEEF, r.checksum());
        assertEquals(urgent, r.urgentPointer());
        assertEquals(20, r.optionsOffset());
        assertEquals(headerLength - 20, r.optionsLength());
        assertEquals(headerLength, r.payloadOffset());
        assertEquals(payload, r.payloadLength());
    }

    @Property(tries = 2000)
    void wholeTcpFramesFromThePacketBuilderParseBack(
        @ForAll final boolean tagged,
        @ForAll @IntRange(max = 4095) final int vid,
        @ForAll final int src,
        @ForAll final int dst,
        @ForAll @IntRange(max = 0xFFFF) final int srcPort,
        @ForAll @IntRange(max = 0xFFFF) final int dstPort,
        @ForAll final int seq,
        @ForAll final int ack,
        @ForAll @IntRange(max = 0xFF) final int flags,
        @ForAll @IntRange(max = 0xFFFF) final int window,
        @ForAll final boolean ts,
        @ForAll final int tsVal,
        @ForAll @IntRange(max = 4) final int sackBlocks,
        @ForAll @Size(max = 1460) final byte[] payload,
        @ForAll @IntRange(max = 40) final int pad)
    {
        final TcpOptions options = new TcpOptions();
        options.mssPresent = true;
        options.mss = 1460;
        options.windowScalePresent = true;
        options.windowScale = 9;
        options.sackPermitted = true;
        options.timestampPresent = ts;
        options.tsVal = tsVal;
        options.sackBlockCount = sackBlocks;
        for (int i = 0; i < sackBlocks; i++)
        {
            options.sackLeft[i] = seq + i;
            options.sackRight[i] = ack - i;
        }
        final PacketBuilder builder = new PacketBuilder().srcMac(1).dstMac(2).vlanId(tagged ? vid : PacketBuilder.NO_VLAN)
            .srcAddress(src).dstAddress(dst).srcPort(srcPort).dstPort(dstPort).seq(seq).ack(ack).flags(flags)
            .window(window);
        final int expectedLength = builder.tcpFrameLength(options, payload.length);
        final UnsafeBuffer exact = new UnsafeBuffer(new byte[expectedLength]);
        assertEquals(-1, builder.writeTcp(new UnsafeBuffer(new byte[expectedLength - 1]), 0, options,
            new UnsafeBuffer(payload), 0, payload.length));
        assertEquals(expectedLength, builder.writeTcp(exact, 0, options, new UnsafeBuffer(payload), 0, payload.length));
        final byte[] frame = exact.byteArray();

        final FrameParser parser = new FrameParser();
        WireTestSupport.parseEverywhere(parser, frame, pad + 1, (byte)0x77);
        assertEquals(FrameParser.DROP_NONE, parser.parse(exact, 0, frame.length));
        assertEquals(FrameParser.TYPE_TCP, parser.type());
        assertEquals(tagged, parser.ethernet().isVlanTagged());
        if (tagged)
        {
            assertEquals(vid, parser.ethernet().vlanId());
        }
        assertEquals(src, parser.ipv4().srcAddress());
        assertEquals(dst, parser.ipv4().dstAddress());
        final TcpHeader tcp = parser.tcp();
        assertEquals(srcPort, tcp.srcPort());
        assertEquals(dstPort, tcp.dstPort());
        assertEquals(seq, tcp.seq());
        assertEquals(ack, tcp.ack());
        assertEquals(flags, tcp.flags());
        assertEquals(window, tcp.window());
        assertEquals(payload.length, tcp.payloadLength());
        assertArrayEquals(payload, Arrays.copyOfRange(frame, tcp.payloadOffset(), tcp.payloadOffset() + payload.length));

        final TcpOptions got = parser.tcpOptions();
        final boolean syn = (flags & TcpHeader.SYN) != 0;
        assertEquals(syn, got.mssPresent);
        assertEquals(syn, got.sackPermitted);
        assertEquals(ts, got.timestampPresent);
        assertEquals(syn ? 0 : Math.min(sackBlocks, ts ? 3 : 4), got.sackBlockCount);
        assertFalse(parser.ipv4().isFragment());
    }
}
