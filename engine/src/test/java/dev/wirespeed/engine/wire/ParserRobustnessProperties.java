package dev.wirespeed.engine.wire;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.Arrays;
import java.util.List;

import static dev.wirespeed.engine.wire.WireTestSupport.parseEverywhere;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Random and mutated frames given to every parser: no exception, no read outside the frame (checked by
 * exact-size UnsafeBuffers, whose bounds checks throw, and by parsing at an offset inside sentinel bytes
 * and comparing), no write.
 */
class ParserRobustnessProperties
{
    private final FrameParser parser = new FrameParser();

    @Property(tries = 5000)
    void randomBytesNeverThrowNorReadOutsideTheFrame(
        @ForAll @Size(max = 128) final byte[] frame, @ForAll @IntRange(min = 1, max = 32) final int pad)
    {
        parseEverywhere(parser, frame, pad, (byte)0x00);
        parseEverywhere(parser, frame, pad, (byte)0xFF);
    }

    /** Random bytes behind a plausible Ethernet + IPv4 prefix, so that the deeper layers see garbage too. */
    @Property(tries = 5000)
    void randomBytesBehindAnIpv4PrefixNeverThrow(
        @ForAll @Size(max = 100) final byte[] rest,
        @ForAll @IntRange(min = 5, max = 15) final int ihl,
        @ForAll final boolean tcp,
        @ForAll final boolean fixChecksums,
        @ForAll @IntRange(min = 1, max = 32) final int pad)
    {
        final byte[] frame = new byte[14 + 20 + rest.length];
        frame[12] = 0x08;
        System.arraycopy(rest, 0, frame, 34, rest.length);
        final UnsafeBuffer b = new UnsafeBuffer(frame);
        new Ipv4Header().wrap(b, 14, frame.length - 14).versionAndIhl(ihl).totalLength(frame.length - 14)
            .protocol(tcp ? Ipv4Header.PROTOCOL_TCP : Ipv4Header.PROTOCOL_ICMP).srcAddress(0x0a000001).dstAddress(0x0a000002);
        if (fixChecksums)
        {
            fixChecksums(frame);
        }
        parseEverywhere(parser, frame, pad, (byte)0x5A);
    }

    @Property(tries = 5000)
    void mutatedValidFramesNeverThrowNorReadOutsideTheFrame(
        @ForAll @IntRange(max = 6) final int base,
        @ForAll @Size(max = 8) final List<@IntRange(max = 0xFFFFFF) Integer> mutations,
        @ForAll final boolean truncate,
        @ForAll @IntRange(max = 200) final int cut,
        @ForAll final boolean fixChecksums,
        @ForAll @IntRange(min = 1, max = 32) final int pad)
    {
        byte[] frame = baseFrame(base);
        final FrameParser check = new FrameParser();
        assertEquals(FrameParser.DROP_NONE, check.parse(new UnsafeBuffer(frame), 0, frame.length), "base " + base);

        for (final int m : mutations)
        {
            frame[(m >>> 8) % frame.length] = (byte)m;
        }
        if (truncate)
        {
            frame = Arrays.copyOf(frame, cut % frame.length);
        }
        if (fixChecksums)
        {
            fixChecksums(frame);
        }
        parseEverywhere(parser, frame, pad, (byte)0xA5);
        final int reason = parser.parse(new UnsafeBuffer(frame), 0, frame.length);
        assertTrue(reason >= 0 && reason < FrameParser.DROP_REASON_COUNT);
        assertEquals(reason == FrameParser.DROP_NONE, parser.type() != FrameParser.TYPE_NONE);

        // the mutations must reach every layer, not just fail the first check
        final String name = FrameParser.dropReasonName(reason);
        Statistics.label("drop reason").collect(name);
        Statistics.label("drop reason").coverage(coverage ->
        {
            for (final String expected : new String[] {"NONE", "TRUNCATED_ETHERNET", "IPV4_BAD_CHECKSUM",
                "IPV4_BAD_TOTAL_LENGTH", "TCP_BAD_CHECKSUM", "TCP_BAD_DATA_OFFSET", "TCP_BAD_OPTIONS", "TRUNCATED_ARP"})
            {
                coverage.check(expected).count(c -> c > 0);
            }
        });
    }

    /** Each flyweight on its own over exactly the given bytes: validate, then read every field. */
    @Property(tries = 5000)
    void everyFlyweightOnRandomBytesNeverThrows(@ForAll @Size(max = 80) final byte[] bytes)
    {
        final UnsafeBuffer b = new UnsafeBuffer(bytes);
        final int n = bytes.length;
        long sink = 0;

        final EthernetFrame eth = new EthernetFrame().wrap(b, 0, n);
        if (eth.isValid())
        {
            sink += eth.dstMac() + eth.srcMac() + eth.payloadEtherType() + eth.payloadOffset() + eth.payloadLength();
            if (eth.isVlanTagged())
            {
                sink += eth.vlanId() + eth.vlanPcp();
            }
        }

        final ArpPacket arp = new ArpPacket().wrap(b, 0, n);
        if (arp.isValid())
        {
            sink += arp.operation() + arp.senderMac() + arp.senderIp() + arp.targetMac() + arp.targetIp();
        }

        final Ipv4Header ip = new Ipv4Header().wrap(b, 0, n);
        if (ip.validate() == Ipv4Header.VALID)
        {
            sink += ip.tos() + ip.identification() + ip.flagsAndFragmentOffset() + ip.ttl() + ip.protocol() +
                ip.srcAddress() + ip.dstAddress() + ip.payloadOffset() + ip.payloadLength() + (ip.isChecksumValid() ? 1 : 0);
            assertTrue(ip.payloadOffset() + ip.payloadLength() <= n);
        }

        final IcmpEcho icmp = new IcmpEcho().wrap(b, 0, n);
        if (icmp.isValid())
        {
            sink += icmp.type() + icmp.code() + icmp.identifier() + icmp.sequence() + (icmp.isChecksumValid() ? 1 : 0);
        }

        final TcpHeader tcp = new TcpHeader().wrap(b, 0, n);
        if (tcp.validate() == TcpHeader.VALID)
        {
            sink += tcp.srcPort() + tcp.dstPort() + tcp.seq() + tcp.ack() + tcp.flags() + tcp.window() +
                tcp.urgentPointer() + (tcp.isChecksumValid(1, 2) ? 1 : 0);
            assertTrue(tcp.optionsLength() >= 0 && tcp.optionsLength() <= 40);
            assertTrue(tcp.payloadOffset() + tcp.payloadLength() == n);
            TcpOptionsCodec.parse(b, tcp.optionsOffset(), tcp.optionsLength(), new TcpOptions());
        }
        assertTrue(sink != 42 || sink == 42);
    }

    static byte[] baseFrame(final int which)
    {
        switch (which)
        {
            case 0:
                return WireFixturesTest.LINUX_SYN.clone();
            case 1:
                return WireFixturesTest.VLAN_SYN.clone();
            case 2:
                return WireFixturesTest.ARP_REQUEST.clone();
            case 3:
                return WireFixturesTest.ICMP_ECHO_REQUEST.clone();
            case 4:
                return WireFixturesTest.IPV4_WITH_OPTIONS.clone();
            case 5:
                return MalformedInputTest.validFrame();
            default:
            {
                // an ACK with timestamps and three SACK blocks: 40 bytes of options
                final TcpOptions o = new TcpOptions();
                o.timestampPresent = true;
                o.sackBlockCount = 3;
                final UnsafeBuffer out = new UnsafeBuffer(new byte[200]);
                final int length = new PacketBuilder().srcAddress(1).dstAddress(2).flags(TcpHeader.ACK)
                    .writeTcp(out, 0, o, new UnsafeBuffer(new byte[10]), 0, 10);
                return Arrays.copyOf(out.byteArray(), length);
            }
        }
    }

    /** Recomputes whatever checksums can be located, so mutations reach the layers behind them. */
    static void fixChecksums(final byte[] frame)
    {
        final UnsafeBuffer b = new UnsafeBuffer(frame);
        final EthernetFrame eth = new EthernetFrame().wrap(b, 0, frame.length);
        if (!eth.isValid() || eth.payloadEtherType() != EthernetFrame.ETHERTYPE_IPV4)
        {
            return;
        }
        final Ipv4Header ip = new Ipv4Header().wrap(b, eth.payloadOffset(), eth.payloadLength());
        if (ip.validate() != Ipv4Header.VALID)
        {
            return;
        }
        ip.updateChecksum();
        final int l4Length = ip.payloadLength();
        if (ip.protocol() == Ipv4Header.PROTOCOL_TCP && l4Length >= 20)
        {
            new TcpHeader().wrap(b, ip.payloadOffset(), l4Length).updateChecksum(ip.srcAddress(), ip.dstAddress());
        }
        else if (ip.protocol() == Ipv4Header.PROTOCOL_ICMP && l4Length >= 8)
        {
            new IcmpEcho().wrap(b, ip.payloadOffset(), l4Length).updateChecksum();
        }
    }
}
