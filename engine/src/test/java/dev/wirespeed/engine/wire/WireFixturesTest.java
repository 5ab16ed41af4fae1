package dev.wirespeed.engine.wire;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static dev.wirespeed.engine.wire.WireTestSupport.concat;
import static dev.wirespeed.engine.wire.WireTestSupport.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Known-good frames written out by hand. Their checksums were computed independently of this code
 * (by hand / with a few lines of Python), so these tests check our arithmetic against the outside world.
 */
class WireFixturesTest
{
    /** Ethernet header: to 52:54:00:12:34:56 from 52:54:00:ab:cd:ef, IPv4. */
    static final byte[] ETHERNET_IPV4 = hex("525400123456 525400abcdef 0800");

    /**
     * A SYN exactly as Linux sends it: 192.0.2.99:41668 -> 192.0.2.12:80, 60-byte datagram.
     * The IPv4 header is the well-known textbook example (checksum 0xb1e6) with its addresses moved into
     * TEST-NET-1, so its checksum is now 0x9a06 and the TCP checksum (pseudo-header) 0xe012.
     */
    static final byte[] LINUX_SYN_IP_TCP = hex(
        """
        45 00 00 3c   # version 4, IHL 5, TOS 0, total length 60
        1c 46 40 00   # id 0x1c46, DF, fragment offset 0
        40 06 9a 06   # TTL 64, TCP, header checksum 0x9a06
        c0 00 02 63   # 192.0.2.99
        c0 00 02 0c   # 192.0.2.12
        a2 c4 00 50   # ports 41668 -> 80
        6c 3b 7e 61   # seq 0x6c3b7e61
        00 00 00 00   # ack 0
        a0 02 fa f0   # data offset 10 (40 bytes), SYN, window 64240
        e0 12 00 00   # checksum 0xe012, urgent 0
        02 04 05 b4   # MSS 1460
        04 02         # SACK permitted
        08 0a 00 9f 5a 3c 00 00 00 00   # TS val 0x009f5a3c ecr 0
        01            # NOP
        03 03 07      # window scale 7
        """);

    static final byte[] LINUX_SYN = concat(ETHERNET_IPV4, LINUX_SYN_IP_TCP);

    /** The same SYN with an 802.1Q tag, PCP 3, VLAN 100: checksums unchanged. */
    static final byte[] VLAN_SYN = concat(
        hex("525400123456 525400abcdef"),
        hex("8100 6064 0800   # TPID, PCP 3 DEI 0 VID 100, inner EtherType IPv4"),
        LINUX_SYN_IP_TCP);

    /** Who has 192.0.2.2? Tell 192.0.2.1, padded to the 60-byte Ethernet minimum. */
    static final byte[] ARP_REQUEST = hex(
        """
        ffffffffffff 525400abcdef 0806   # broadcast, ARP
        0001 0800 06 04 0001             # Ethernet, IPv4, 6, 4, request
        525400abcdef c0000201            # sender 52:54:00:ab:cd:ef 192.0.2.1
        000000000000 c0000202            # target ? 192.0.2.2
        000000000000000000000000000000000000   # 18 bytes of padding
        """);

    /** ping 192.0.2.1 -> 192.0.2.2, id 0x1234 seq 1, 16 bytes "abcdefghijklmnop". */
    static final byte[] ICMP_ECHO_REQUEST = concat(ETHERNET_IPV4, hex(
        """
        45 00 00 2c  00 01 00 00  40 01 f6 cc   # total 44, id 1, TTL 64, ICMP, checksum 0xf6cc
        c0 00 02 01  c0 00 02 02                # 192.0.2.1 -> 192.0.2.2
        08 00 a2 7f  12 34 00 01                # echo request, checksum 0xa27f, id 0x1234, seq 1
        6162636465666768696a6b6c6d6e6f70        # abcdefghijklmnop
        """));

    /** IHL 6 with a Router Alert option; TCP 1234 -> 8080 ACK with payload "hi!!". */
    static final byte[] IPV4_WITH_OPTIONS = concat(ETHERNET_IPV4, hex(
        """
        46 00 00 30  ab cd 40 00  40 06 75 2a   # IHL 6, total 48, id 0xabcd, DF, TCP, checksum 0x752a
        c0 00 02 65  c0 00 02 66                # 192.0.2.101 -> 192.0.2.102
        94 04 00 00                             # option: Router Alert (RFC 2113)
        04 d2 1f 90  00 00 00 01  00 00 00 02   # 1234 -> 8080, seq 1, ack 2
        50 10 20 00  5d 15 00 00                # data offset 5, ACK, window 8192, checksum 0x5d15
        68 69 21 21                             # "hi!!"
        """));

    /** First fragment (MF set, offset 0) of a datagram, valid header checksum 0x93be. */
    static final byte[] FRAGMENT = concat(ETHERNET_IPV4, hex(
        """
        45 00 00 2c  42 42 20 00  40 06 93 be   # total 44, id 0x4242, MF, TCP, checksum 0x93be
        c0 00 02 65  c0 00 02 66                # 192.0.2.101 -> 192.0.2.102
        04 d2 1f 90  00 00 00 01  00 00 00 02  50 10 20 00  00 00 00 00  68 69 21 21
        """));

    private final FrameParser parser = new FrameParser();

    @Test
    void rfc1071ExampleSum()
    {
        // RFC 1071 §3: the words 0001 f203 f4f5 f6f7 sum to ddf2 (checksum 220d)
        final UnsafeBuffer data = new UnsafeBuffer(hex("0001 f203 f4f5 f6f7"));
        assertEquals(0xddf2, Checksum.sum(data, 0, 8));
        assertEquals(0x220d, Checksum.checksum(data, 0, 8));
    }

    @Test
    void rfc1071ExampleSumIsIndependentOfPlacementAndOddLength()
    {
        final byte[] big = new byte[64];
        System.arraycopy(hex("0001 f203 f4f5 f6f7"), 0, big, 13, 8);
        assertEquals(0xddf2, Checksum.sum(new UnsafeBuffer(big), 13, 8));
        // odd length: the last byte is padded on the right: 0001 + f200 = f201
        assertEquals(0xf201, Checksum.sum(new UnsafeBuffer(hex("0001f2")), 0, 3));
    }

    @Test
    void linuxSynParsesWithCorrectChecksumsAndOptions()
    {
        assertEquals(FrameParser.DROP_NONE, parser.parse(new UnsafeBuffer(LINUX_SYN), 0, LINUX_SYN.length));
        assertEquals(FrameParser.TYPE_TCP, parser.type());

        final EthernetFrame eth = parser.ethernet();
        assertEquals(0x5254_0012_3456L, eth.dstMac());
        assertEquals(0x5254_00ab_cdefL, eth.srcMac());
        assertFalse(eth.isVlanTagged());

        final Ipv4Header ip = parser.ipv4();
        assertEquals(0x9a06, ip.checksum());
        assertEquals(0x9a06, Checksum.ipv4HeaderChecksum(ip.buffer(), ip.offset(), 20));
        assertEquals("192.0.2.99", Ipv4Header.formatAddress(ip.srcAddress()));
        assertEquals("192.0.2.12", Ipv4Header.formatAddress(ip.dstAddress()));
        assertTrue(ip.dontFragment());
        assertFalse(ip.isFragment());

        final TcpHeader tcp = parser.tcp();
        assertEquals(41668, tcp.srcPort());
        assertEquals(80, tcp.dstPort());
        assertEquals(0x6c3b7e61, tcp.seq());
        assertEquals(0, tcp.ack());
        assertEquals(10, tcp.dataOffset());
        assertEquals(TcpHeader.SYN, tcp.flags());
        assertEquals(64240, tcp.window());
        assertEquals(0xe012, tcp.checksum());
        assertEquals(0xe012, Checksum.tcpChecksum(tcp.buffer(), tcp.offset(), tcp.length(), ip.srcAddress(), ip.dstAddress()));
        assertEquals(20, tcp.optionsLength());
        assertEquals(0, tcp.payloadLength());

        final TcpOptions o = parser.tcpOptions();
        assertTrue(o.mssPresent);
        assertEquals(1460, o.mss);
        assertTrue(o.sackPermitted);
        assertTrue(o.timestampPresent);
        assertEquals(0x009f5a3c, o.tsVal);
        assertEquals(0, o.tsEcr);
        assertTrue(o.windowScalePresent);
        assertEquals(7, o.windowScale);
        assertEquals(0, o.sackBlockCount);
    }

    @Test
    void packetBuilderReproducesTheLinuxSynByteForByte()
    {
        final TcpOptions options = new TcpOptions();
        options.mssPresent = true;
        options.mss = 1460;
        options.sackPermitted = true;
        options.timestampPresent = true;
        options.tsVal = 0x009f5a3c;
        options.windowScalePresent = true;
        options.windowScale = 7;

        final PacketBuilder builder = new PacketBuilder()
            .dstMac(0x5254_0012_3456L).srcMac(0x5254_00ab_cdefL)
            .srcAddress((int)Ipv4Header.parseAddress("192.0.2.99"))
            .dstAddress((int)Ipv4Header.parseAddress("192.0.2.12"))
            .ipIdentification(0x1c46)
            .srcPort(41668).dstPort(80).seq(0x6c3b7e61).flags(TcpHeader.SYN).window(64240);

        final UnsafeBuffer out = new UnsafeBuffer(new byte[128]);
        final int length = builder.writeTcp(out, 0, options, null, 0, 0);
        assertEquals(LINUX_SYN.length, length);
        final byte[] written = new byte[length];
        out.getBytes(0, written);
        assertArrayEquals(LINUX_SYN, written);

        // and tagged
        final int taggedLength = builder.ipIdentification(0x1c46).vlanId(100).vlanPcp(3).writeTcp(out, 0, options, null, 0, 0);
        final byte[] tagged = new byte[taggedLength];
        out.getBytes(0, tagged);
        assertArrayEquals(VLAN_SYN, tagged);
    }

    @Test
    void vlanTaggedFrameIsParsedThroughTheTag()
    {
        assertEquals(FrameParser.DROP_NONE, parser.parse(new UnsafeBuffer(VLAN_SYN), 0, VLAN_SYN.length));
        final EthernetFrame eth = parser.ethernet();
        assertTrue(eth.isVlanTagged());
        assertEquals(EthernetFrame.ETHERTYPE_VLAN, eth.etherType());
        assertEquals(EthernetFrame.ETHERTYPE_IPV4, eth.payloadEtherType());
        assertEquals(100, eth.vlanId());
        assertEquals(3, eth.vlanPcp());
        assertFalse(eth.vlanDei());
        assertEquals(18, eth.headerLength());
        assertEquals(18, eth.payloadOffset());
        assertEquals(18, parser.ipv4().offset());
        assertEquals(0x6c3b7e61, parser.tcp().seq());
        assertEquals(1460, parser.tcpOptions().mss);
    }

    @Test
    void arpRequestParsesAndTurnsIntoAReply()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(ARP_REQUEST.clone());
        assertEquals(FrameParser.DROP_NONE, parser.parse(buffer, 0, ARP_REQUEST.length));
        assertEquals(FrameParser.TYPE_ARP, parser.type());
        assertTrue(EthernetFrame.isBroadcast(parser.ethernet().dstMac()));
        final ArpPacket arp = parser.arp();
        assertEquals(ArpPacket.OPERATION_REQUEST, arp.operation());
        assertEquals(0x5254_00ab_cdefL, arp.senderMac());
        assertEquals("192.0.2.1", Ipv4Header.formatAddress(arp.senderIp()));
        assertEquals(0L, arp.targetMac());
        assertEquals("192.0.2.2", Ipv4Header.formatAddress(arp.targetIp()));

        // answer in place
        final ArpPacket reply = new ArpPacket().wrap(buffer, arp.offset(), arp.length());
        reply.toReplyInPlace(0x0200_0000_0001L, arp.targetIp());
        assertArrayEquals(
            hex("0001 0800 06 04 0002  020000000001 c0000202  525400abcdef c0000201"),
            java.util.Arrays.copyOfRange(buffer.byteArray(), 14, 14 + 28));
    }

    @Test
    void packetBuilderWritesTheArpRequest()
    {
        final UnsafeBuffer out = new UnsafeBuffer(new byte[64]);
        final int length = new PacketBuilder().srcMac(0x5254_00ab_cdefL).dstMac(EthernetFrame.BROADCAST_MAC)
            .writeArp(out, 0, ArpPacket.OPERATION_REQUEST, 0xc0000201, 0L, 0xc0000202);
        assertEquals(42, length);
        assertArrayEquals(java.util.Arrays.copyOf(ARP_REQUEST, 42), java.util.Arrays.copyOf(out.byteArray(), 42));
    }

    @Test
    void icmpEchoRequestParsesAndBecomesAValidReply()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(ICMP_ECHO_REQUEST.clone());
        assertEquals(FrameParser.DROP_NONE, parser.parse(buffer, 0, ICMP_ECHO_REQUEST.length));
        assertEquals(FrameParser.TYPE_ICMP, parser.type());
        final IcmpEcho icmp = parser.icmp();
        assertTrue(icmp.isEchoRequest());
        assertEquals(0xa27f, icmp.checksum());
        assertEquals(0x1234, icmp.identifier());
        assertEquals(1, icmp.sequence());
        assertEquals(16, icmp.dataLength());

        final IcmpEcho writable = new IcmpEcho().wrap(buffer, icmp.offset(), icmp.length());
        writable.toReplyInPlace();
        new Ipv4Header().wrap(buffer, 14, ICMP_ECHO_REQUEST.length - 14).swapAddresses();
        new EthernetFrame().wrap(buffer, 0, ICMP_ECHO_REQUEST.length).swapMacs();
        // reply checksum: 0xa27f + 0x0800, computed independently
        assertEquals(0xaa7f, writable.checksum());

        assertEquals(FrameParser.DROP_NONE, parser.parse(buffer, 0, ICMP_ECHO_REQUEST.length));
        assertTrue(parser.icmp().isEchoReply());
        assertEquals("192.0.2.2", Ipv4Header.formatAddress(parser.ipv4().srcAddress()));
        assertEquals(0x5254_00ab_cdefL, parser.ethernet().dstMac());
    }

    @Test
    void ipv4OptionsAreSkipped()
    {
        assertEquals(FrameParser.DROP_NONE, parser.parse(new UnsafeBuffer(IPV4_WITH_OPTIONS), 0, IPV4_WITH_OPTIONS.length));
        final Ipv4Header ip = parser.ipv4();
        assertEquals(6, ip.ihl());
        assertTrue(ip.hasOptions());
        assertEquals(14 + 24, ip.payloadOffset());
        assertEquals(24, ip.payloadLength());
        final TcpHeader tcp = parser.tcp();
        assertEquals(1234, tcp.srcPort());
        assertEquals(8080, tcp.dstPort());
        assertEquals(TcpHeader.ACK, tcp.flags());
        assertEquals(4, tcp.payloadLength());
        assertEquals('h', IPV4_WITH_OPTIONS[tcp.payloadOffset()]);
    }

    @Test
    void fragmentIsRecognisedAndDropped()
    {
        assertEquals(FrameParser.DROP_IPV4_FRAGMENT, parser.parse(new UnsafeBuffer(FRAGMENT), 0, FRAGMENT.length));
        final Ipv4Header ip = parser.ipv4();
        assertTrue(ip.moreFragments());
        assertEquals(0, ip.fragmentOffset());
        assertTrue(ip.isFragment());
        assertTrue(ip.isChecksumValid());
    }
}
