package dev.wirespeed.engine.wire;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static dev.wirespeed.engine.wire.WireTestSupport.hex;
import static dev.wirespeed.engine.wire.WireTestSupport.parseEverywhere;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docs/TCP-BEHAVIOUR.md "Malformed input: drop, count, never crash, never read out of bounds" (behaviours 59-63),
 * and the option behaviours 25-33 as far as parsing goes. Each test {@code checklistNN_...} is named after its
 * behaviour number there.
 * Every malformed frame is also parsed at an offset inside sentinel bytes ({@link WireTestSupport#parseEverywhere}).
 */
class MalformedInputTest
{
    static final int SRC = 0x0a000001;
    static final int DST = 0x0a000002;
    static final int ETH = EthernetFrame.HEADER_LENGTH;
    static final int TCP = ETH + Ipv4Header.MIN_HEADER_LENGTH;

    private final FrameParser parser = new FrameParser();

    /** A valid Ethernet + IPv4 + TCP frame whose options area is exactly {@code rawOptions} (length % 4 == 0). */
    static byte[] tcpFrame(final byte[] rawOptions, final byte[] payload)
    {
        final byte[] body = WireTestSupport.concat(rawOptions, payload);
        final UnsafeBuffer out = new UnsafeBuffer(new byte[TCP + 20 + body.length]);
        final int length = new PacketBuilder().srcMac(0x0200_0000_0001L).dstMac(0x0200_0000_0002L)
            .srcAddress(SRC).dstAddress(DST).srcPort(40000).dstPort(80).seq(1000).ack(2000)
            .flags(TcpHeader.ACK | TcpHeader.PSH).window(65535)
            .writeTcp(out, 0, null, new UnsafeBuffer(body), 0, body.length);
        assertEquals(out.capacity(), length);
        final TcpHeader tcp = new TcpHeader().wrap(out, TCP, length - TCP);
        tcp.dataOffset(5 + rawOptions.length / 4).updateChecksum(SRC, DST);
        return out.byteArray();
    }

    static byte[] validFrame()
    {
        return tcpFrame(hex("0101080a 00000001 00000002"), hex("68656c6c6f"));
    }

    /** Recomputes the TCP checksum of {@code frame} in place (untagged, IHL 5) after a deliberate edit. */
    static void fixTcpChecksum(final byte[] frame, final int segmentLength)
    {
        new TcpHeader().wrap(new UnsafeBuffer(frame), TCP, segmentLength).updateChecksum(SRC, DST);
    }

    static void fixIpChecksum(final byte[] frame)
    {
        final UnsafeBuffer b = new UnsafeBuffer(frame);
        final Ipv4Header ip = new Ipv4Header().wrap(b, ETH, frame.length - ETH);
        if (ip.headerLength() >= 20 && ip.headerLength() <= frame.length - ETH)
        {
            ip.updateChecksum();
        }
    }

    int parse(final byte[] frame)
    {
        parseEverywhere(parser, frame, 7, (byte)0x5A);
        return parser.parse(new UnsafeBuffer(frame), 0, frame.length);
    }

    boolean parseOptions(final byte[] options, final TcpOptions out)
    {
        // exact-size buffer: any read past the options area throws IndexOutOfBoundsException
        return TcpOptionsCodec.parse(new UnsafeBuffer(options), 0, options.length, out);
    }

    @Test
    void theBaseFrameIsValid()
    {
        assertEquals(FrameParser.DROP_NONE, parse(validFrame()));
        assertEquals(5, parser.tcp().payloadLength());
        assertTrue(parser.tcpOptions().timestampPresent);
    }

    @Nested
    class Line59Checksums
    {
        @Test
        void checklist59_badIpv4ChecksumIsDroppedSilently()
        {
            final byte[] frame = validFrame();
            frame[ETH + Ipv4Header.CHECKSUM_OFFSET] ^= 0x01;
            assertEquals(FrameParser.DROP_IPV4_BAD_CHECKSUM, parse(frame));
            assertEquals(FrameParser.TYPE_NONE, parser.type());
        }

        @Test
        void checklist59_corruptIpv4HeaderFieldIsDroppedAsBadChecksum()
        {
            final byte[] frame = validFrame();
            frame[ETH + Ipv4Header.TTL_OFFSET]--;
            assertEquals(FrameParser.DROP_IPV4_BAD_CHECKSUM, parse(frame));
        }

        @Test
        void checklist59_badTcpChecksumIsDroppedSilently()
        {
            final byte[] frame = validFrame();
            frame[TCP + TcpHeader.CHECKSUM_OFFSET + 1] ^= 0x40;
            assertEquals(FrameParser.DROP_TCP_BAD_CHECKSUM, parse(frame));
            assertEquals(FrameParser.TYPE_NONE, parser.type());
        }

        @Test
        void checklist59_corruptTcpPayloadIsDroppedAsBadChecksum()
        {
            final byte[] frame = validFrame();
            frame[frame.length - 1] ^= (byte)0x80;
            assertEquals(FrameParser.DROP_TCP_BAD_CHECKSUM, parse(frame));
        }

        @Test
        void checklist59_tcpChecksumCoversThePseudoHeader()
        {
            // change the destination address and fix only the IPv4 header checksum: TCP must now fail
            final byte[] frame = validFrame();
            frame[ETH + Ipv4Header.DST_ADDRESS_OFFSET + 3] = 9;
            fixIpChecksum(frame);
            assertEquals(FrameParser.DROP_TCP_BAD_CHECKSUM, parse(frame));
        }

        @Test
        void checklist59_badIcmpChecksumIsDropped()
        {
            final byte[] frame = WireFixturesTest.ICMP_ECHO_REQUEST.clone();
            frame[frame.length - 1] ^= 0x01;
            assertEquals(FrameParser.DROP_ICMP_BAD_CHECKSUM, parse(frame));
        }

        @Test
        void checklist59_checksumsTheNicHasVerifiedAreNotRecomputed()
        {
            final byte[] frame = validFrame();
            frame[TCP + TcpHeader.CHECKSUM_OFFSET] ^= 0x01;
            assertEquals(FrameParser.DROP_TCP_BAD_CHECKSUM, parser.parse(new UnsafeBuffer(frame), 0, frame.length, 0));
            assertEquals(FrameParser.DROP_NONE,
                parser.parse(new UnsafeBuffer(frame), 0, frame.length, FrameParser.RX_L4_CHECKSUM_GOOD));
        }

        @Test
        void checklist59_dropReasonsIndexACounterArray()
        {
            final long[] counters = new long[FrameParser.DROP_REASON_COUNT];
            final byte[] bad = validFrame();
            bad[TCP + TcpHeader.CHECKSUM_OFFSET] ^= 0x01;
            counters[parse(bad)]++;
            counters[parse(validFrame())]++;
            assertEquals(1, counters[FrameParser.DROP_TCP_BAD_CHECKSUM]);
            assertEquals(1, counters[FrameParser.DROP_NONE]);
            assertEquals("TCP_BAD_CHECKSUM", FrameParser.dropReasonName(FrameParser.DROP_TCP_BAD_CHECKSUM));
            assertEquals("UNKNOWN", FrameParser.dropReasonName(FrameParser.DROP_REASON_COUNT));
            for (int i = 0; i < FrameParser.DROP_REASON_COUNT; i++)
            {
                assertFalse(FrameParser.dropReasonName(i).equals("UNKNOWN"));
            }
        }
    }

    @Nested
    class Line60DataOffset
    {
        @Test
        void checklist60_dataOffsetBelowFiveIsDropped()
        {
            for (int words = 0; words < 5; words++)
            {
                final byte[] frame = validFrame();
                frame[TCP + TcpHeader.DATA_OFFSET_OFFSET] = (byte)(words << 4);
                fixTcpChecksum(frame, frame.length - TCP);
                assertEquals(FrameParser.DROP_TCP_BAD_DATA_OFFSET, parse(frame), "data offset " + words);
            }
        }

        @Test
        void checklist60_dataOffsetBeyondTheSegmentIsDropped()
        {
            // segment is 20 + 12 options + 5 payload = 37 bytes; data offset 10 = 40 bytes is past the end
            final byte[] frame = validFrame();
            frame[TCP + TcpHeader.DATA_OFFSET_OFFSET] = (byte)(10 << 4);
            fixTcpChecksum(frame, frame.length - TCP);
            assertEquals(FrameParser.DROP_TCP_BAD_DATA_OFFSET, parse(frame));

            frame[TCP + TcpHeader.DATA_OFFSET_OFFSET] = (byte)(15 << 4);
            fixTcpChecksum(frame, frame.length - TCP);
            assertEquals(FrameParser.DROP_TCP_BAD_DATA_OFFSET, parse(frame));
        }

        @Test
        void checklist60_dataOffsetExactlyTheSegmentIsAccepted()
        {
            // no payload: data offset 8 = 32 bytes = whole segment
            final byte[] frame = tcpFrame(hex("0101080a 00000001 00000002"), new byte[0]);
            assertEquals(FrameParser.DROP_NONE, parse(frame));
            assertEquals(0, parser.tcp().payloadLength());
        }

        @Test
        void checklist60_truncatedTcpHeaderIsDropped()
        {
            // an IPv4 datagram whose payload is only 0..19 bytes of TCP header
            for (int tcpBytes = 0; tcpBytes < 20; tcpBytes++)
            {
                final byte[] frame = Arrays.copyOf(validFrame(), TCP + tcpBytes);
                new Ipv4Header().wrap(new UnsafeBuffer(frame), ETH, frame.length - ETH).totalLength(20 + tcpBytes);
                fixIpChecksum(frame);
                assertEquals(FrameParser.DROP_TRUNCATED_TCP, parse(frame), tcpBytes + " bytes");
            }
        }

        @Test
        void checklist60_headerValidationDirectlyOnTheFlyweight()
        {
            final TcpHeader tcp = new TcpHeader();
            final byte[] seg = new byte[24];
            seg[TcpHeader.DATA_OFFSET_OFFSET] = (byte)0x60;
            assertEquals(TcpHeader.VALID, tcp.wrap(new UnsafeBuffer(seg), 0, 24).validate());
            assertEquals(TcpHeader.INVALID_DATA_OFFSET, tcp.wrap(new UnsafeBuffer(seg), 0, 23).validate());
            assertEquals(TcpHeader.INVALID_TRUNCATED, tcp.wrap(new UnsafeBuffer(seg, 0, 19), 0, 19).validate());
            seg[TcpHeader.DATA_OFFSET_OFFSET] = (byte)0x40;
            assertEquals(TcpHeader.INVALID_DATA_OFFSET, tcp.wrap(new UnsafeBuffer(seg), 0, 24).validate());
        }
    }

    @Nested
    class Line61OptionLengths
    {
        final TcpOptions out = new TcpOptions();

        @Test
        void checklist61_optionLengthZeroEndsParseAndDrops()
        {
            assertFalse(parseOptions(hex("0101 0800 0000 0000"), out));
            assertEquals(FrameParser.DROP_TCP_BAD_OPTIONS, parse(tcpFrame(hex("0101 0800 0000 0000"), hex("00"))));
        }

        @Test
        void checklist61_optionLengthOneEndsParseAndDrops()
        {
            assertFalse(parseOptions(hex("0201 05b4"), out));
            assertEquals(FrameParser.DROP_TCP_BAD_OPTIONS, parse(tcpFrame(hex("0201 05b4"), new byte[0])));
            // unknown kinds too: a length below 2 can never be skipped
            assertFalse(parseOptions(hex("fe01 0101"), out));
        }

        @Test
        void checklist61_optionRunningPastTheHeaderEndsParseAndDrops()
        {
            // timestamps claiming 10 bytes with only 8 left in the options area (payload follows, not read)
            assertFalse(parseOptions(hex("0101 080a 00000001 00"), out));
            assertEquals(FrameParser.DROP_TCP_BAD_OPTIONS,
                parse(tcpFrame(hex("0101 080a 00000001 0000"), hex("ffffffffffffffff"))));
            // an unknown kind running past the end
            assertFalse(parseOptions(hex("01 01 fe 09 00 00 00 00"), out));
            assertEquals(FrameParser.DROP_TCP_BAD_OPTIONS, parse(tcpFrame(hex("01 01 fe 09 00 00 00 00"), hex("00"))));
        }

        @Test
        void checklist61_kindInTheLastByteEndsParseAndDrops()
        {
            assertFalse(parseOptions(hex("010101 02"), out));
            assertFalse(parseOptions(hex("010101 08"), out));
            assertEquals(FrameParser.DROP_TCP_BAD_OPTIONS, parse(tcpFrame(hex("010101 02"), hex("04"))));
            // but NOP or EOL in the last byte is fine
            assertTrue(parseOptions(hex("020405b4 01"), out));
            assertTrue(parseOptions(hex("020405b4 00"), out));
        }

        @Test
        void checklist61_mssWithWrongLengthIsIgnoredAndParsingContinues()
        {
            assertTrue(parseOptions(hex("0203 05 0103 0307 0000"), out));
            assertFalse(out.mssPresent);
            assertTrue(out.windowScalePresent);
            assertEquals(7, out.windowScale);
            assertTrue(parseOptions(hex("0206 05b40000 0402"), out));
            assertFalse(out.mssPresent);
            assertTrue(out.sackPermitted);
        }

        @Test
        void checklist61_windowScaleWithWrongLengthIsIgnoredAndParsingContinues()
        {
            assertTrue(parseOptions(hex("0304 0700 020405b4"), out));
            assertFalse(out.windowScalePresent);
            assertEquals(1460, out.mss);
            assertTrue(parseOptions(hex("0302 020405b4 0000"), out));
            assertFalse(out.windowScalePresent);
            assertTrue(out.mssPresent);
        }

        @Test
        void checklist61_sackPermittedWithWrongLengthIsIgnoredAndParsingContinues()
        {
            assertTrue(parseOptions(hex("0403 00 030307 00"), out));
            assertFalse(out.sackPermitted);
            assertEquals(7, out.windowScale);
        }

        @Test
        void checklist61_sackNotTwoPlusEightNIsIgnoredAndParsingContinues()
        {
            // 2 + 4: not a whole block
            assertTrue(parseOptions(hex("0506 00000001 020405b4 0000"), out));
            assertEquals(0, out.sackBlockCount);
            assertEquals(1460, out.mss);
            // 2 + 0: no block at all
            assertTrue(parseOptions(hex("0502 020405b4 0000"), out));
            assertEquals(0, out.sackBlockCount);
            assertTrue(out.mssPresent);
            // 2 + 8 + 1
            assertTrue(parseOptions(hex("050b 00000001 00000002 00 0402"), out));
            assertEquals(0, out.sackBlockCount);
            assertTrue(out.sackPermitted);
        }

        @Test
        void checklist61_timestampsWithWrongLengthAreIgnoredAndParsingContinues()
        {
            assertTrue(parseOptions(hex("0808 00000001 0000 0402 0000"), out));
            assertFalse(out.timestampPresent);
            assertTrue(out.sackPermitted);
        }

        @Test
        void checklist61_wrongLengthOptionInAFrameIsNotADrop()
        {
            assertEquals(FrameParser.DROP_NONE, parse(tcpFrame(hex("0203 05 01 030307 00"), hex("00"))));
            assertFalse(parser.tcpOptions().mssPresent);
            assertEquals(7, parser.tcpOptions().windowScale);
        }

        @Test
        void checklist61_eolEndsTheListWhateverFollows()
        {
            assertTrue(parseOptions(hex("020405b4 00 0100ff"), out));
            assertEquals(1460, out.mss);
        }

        @Test
        void checklist61_parseResetsTheHolderFirst()
        {
            assertTrue(parseOptions(hex("020405b4"), out));
            assertTrue(parseOptions(hex("01010402"), out));
            assertFalse(out.mssPresent);
            assertTrue(out.sackPermitted);
        }
    }

    @Nested
    class Line63TruncatedAndOddFrames
    {
        @Test
        void checklist63_truncatedEthernetIsDropped()
        {
            final byte[] valid = validFrame();
            for (int n = 0; n < EthernetFrame.HEADER_LENGTH; n++)
            {
                assertEquals(FrameParser.DROP_TRUNCATED_ETHERNET, parse(Arrays.copyOf(valid, n)), n + " bytes");
            }
        }

        @Test
        void checklist63_truncatedVlanTagIsDropped()
        {
            for (int n = EthernetFrame.HEADER_LENGTH; n < EthernetFrame.VLAN_HEADER_LENGTH; n++)
            {
                assertEquals(FrameParser.DROP_TRUNCATED_ETHERNET, parse(Arrays.copyOf(WireFixturesTest.VLAN_SYN, n)), n + " bytes");
            }
        }

        @Test
        void checklist63_truncatedArpIsDropped()
        {
            for (int n = ETH; n < ETH + ArpPacket.LENGTH; n++)
            {
                assertEquals(FrameParser.DROP_TRUNCATED_ARP, parse(Arrays.copyOf(WireFixturesTest.ARP_REQUEST, n)), n + " bytes");
            }
            assertEquals(FrameParser.DROP_NONE, parse(Arrays.copyOf(WireFixturesTest.ARP_REQUEST, ETH + ArpPacket.LENGTH)));
        }

        @Test
        void checklist63_nonEthernetOrNonIpv4ArpIsDropped()
        {
            final byte[] frame = WireFixturesTest.ARP_REQUEST.clone();
            frame[ETH + ArpPacket.PLEN_OFFSET] = 16;
            assertEquals(FrameParser.DROP_ARP_UNSUPPORTED, parse(frame));
        }

        @Test
        void checklist63_truncatedIpv4IsDropped()
        {
            final byte[] valid = validFrame();
            for (int n = ETH; n < ETH + Ipv4Header.MIN_HEADER_LENGTH; n++)
            {
                assertEquals(FrameParser.DROP_TRUNCATED_IPV4, parse(Arrays.copyOf(valid, n)), n + " bytes");
            }
        }

        @Test
        void checklist63_totalLengthBeyondTheFrameIsDropped()
        {
            // the frame lost its last bytes: total length now exceeds what arrived
            final byte[] valid = validFrame();
            for (int cut = 1; cut <= valid.length - TCP; cut++)
            {
                assertEquals(FrameParser.DROP_IPV4_BAD_TOTAL_LENGTH, parse(Arrays.copyOf(valid, valid.length - cut)));
            }
        }

        @Test
        void checklist63_totalLengthBelowTheHeaderLengthIsDropped()
        {
            final byte[] frame = validFrame();
            new Ipv4Header().wrap(new UnsafeBuffer(frame), ETH, frame.length - ETH).totalLength(19);
            fixIpChecksum(frame);
            assertEquals(FrameParser.DROP_IPV4_BAD_TOTAL_LENGTH, parse(frame));
        }

        @Test
        void checklist63_ethernetPaddingAfterTheDatagramIsIgnored()
        {
            // a short segment padded by the sender's NIC: total length is what counts
            final byte[] valid = tcpFrame(new byte[0], new byte[0]);
            assertEquals(54, valid.length);
            final byte[] padded = Arrays.copyOf(valid, 60);
            Arrays.fill(padded, 54, 60, (byte)0xEE);
            assertEquals(FrameParser.DROP_NONE, parse(padded));
            assertEquals(0, parser.tcp().payloadLength());
            assertEquals(20, parser.tcp().length());
        }

        @Test
        void checklist63_ihlBelowFiveIsDropped()
        {
            for (int ihl = 0; ihl < 5; ihl++)
            {
                final byte[] frame = validFrame();
                frame[ETH] = (byte)(0x40 | ihl);
                assertEquals(FrameParser.DROP_IPV4_BAD_HEADER_LENGTH, parse(frame), "ihl " + ihl);
            }
        }

        @Test
        void checklist63_ihlBeyondTheFrameIsDropped()
        {
            final byte[] frame = Arrays.copyOf(validFrame(), ETH + 40);
            frame[ETH] = (byte)0x4F;
            assertEquals(FrameParser.DROP_IPV4_BAD_HEADER_LENGTH, parse(frame));
        }

        @Test
        void checklist63_ihlBeyondTotalLengthIsDropped()
        {
            final byte[] frame = tcpFrame(new byte[0], new byte[60]);
            frame[ETH] = (byte)0x4F;
            new Ipv4Header().wrap(new UnsafeBuffer(frame), ETH, frame.length - ETH).totalLength(40);
            fixIpChecksum(frame);
            assertEquals(FrameParser.DROP_IPV4_BAD_TOTAL_LENGTH, parse(frame));
        }

        @Test
        void checklist63_ipVersionOtherThanFourIsDropped()
        {
            final byte[] frame = validFrame();
            frame[ETH] = 0x65;
            assertEquals(FrameParser.DROP_IPV4_BAD_VERSION, parse(frame));
        }

        @Test
        void checklist63_ipv4OptionsAreSkipped()
        {
            assertEquals(FrameParser.DROP_NONE, parse(WireFixturesTest.IPV4_WITH_OPTIONS));
            assertTrue(parser.ipv4().hasOptions());
            assertEquals(ETH + 24, parser.tcp().offset());
        }

        @Test
        void checklist63_firstFragmentIsDroppedAndCounted()
        {
            assertEquals(FrameParser.DROP_IPV4_FRAGMENT, parse(WireFixturesTest.FRAGMENT));
        }

        @Test
        void checklist63_laterFragmentIsDroppedAndCounted()
        {
            // MF clear but offset 185 (1480 bytes): the last fragment of a datagram
            final byte[] frame = validFrame();
            final Ipv4Header ip = new Ipv4Header().wrap(new UnsafeBuffer(frame), ETH, frame.length - ETH);
            ip.flagsAndFragmentOffset(185).updateChecksum();
            assertFalse(ip.moreFragments());
            assertEquals(185, ip.fragmentOffset());
            assertEquals(FrameParser.DROP_IPV4_FRAGMENT, parse(frame));
        }

        @Test
        void checklist63_dontFragmentAloneIsNotAFragment()
        {
            final byte[] frame = validFrame();
            assertTrue(new Ipv4Header().wrap(new UnsafeBuffer(frame), ETH, frame.length - ETH).dontFragment());
            assertEquals(FrameParser.DROP_NONE, parse(frame));
        }

        @Test
        void checklist63_truncatedIcmpIsDropped()
        {
            final byte[] frame = Arrays.copyOf(WireFixturesTest.ICMP_ECHO_REQUEST, ETH + 20 + 7);
            new Ipv4Header().wrap(new UnsafeBuffer(frame), ETH, 27).totalLength(27);
            fixIpChecksum(frame);
            assertEquals(FrameParser.DROP_TRUNCATED_ICMP, parse(frame));
        }

        @Test
        void checklist63_otherEtherTypesAndProtocolsAreDroppedAndCounted()
        {
            final byte[] ipv6 = validFrame();
            ipv6[12] = (byte)0x86;
            ipv6[13] = (byte)0xDD;
            assertEquals(FrameParser.DROP_UNSUPPORTED_ETHERTYPE, parse(ipv6));

            final byte[] udp = validFrame();
            udp[ETH + Ipv4Header.PROTOCOL_OFFSET] = Ipv4Header.PROTOCOL_UDP;
            fixIpChecksum(udp);
            assertEquals(FrameParser.DROP_UNSUPPORTED_IP_PROTOCOL, parse(udp));
        }
    }

    @Nested
    class Lines25To33Options
    {
        final TcpOptions out = new TcpOptions();

        @Test
        void checklist25_synWithoutMssOptionReportsNoMss()
        {
            assertTrue(parseOptions(hex("01010402 0101080a 00000001 00000000"), out));
            assertFalse(out.mssPresent);
        }

        @Test
        void checklist26_mssOfZeroOrTinyIsParsedAsIsWithoutCrashing()
        {
            assertTrue(parseOptions(hex("02040000"), out));
            assertTrue(out.mssPresent);
            assertEquals(0, out.mss);
            assertTrue(parseOptions(hex("02040001"), out));
            assertEquals(1, out.mss);
            assertTrue(parseOptions(hex("0204ffff"), out));
            assertEquals(65535, out.mss);
        }

        @Test
        void checklist27_windowScaleAbove14IsReportedRawForTheTcpLayerToClamp()
        {
            assertTrue(parseOptions(hex("010303ff"), out));
            assertTrue(out.windowScalePresent);
            assertEquals(255, out.windowScale);
        }

        @Test
        void checklist28_sackPermittedIsWrittenOnlyOnSynAndSackBlocksNeverOnSyn()
        {
            final TcpOptions in = new TcpOptions();
            in.sackPermitted = true;
            in.sackBlockCount = 1;
            in.sackLeft[0] = 100;
            in.sackRight[0] = 200;
            final UnsafeBuffer buffer = new UnsafeBuffer(new byte[40]);

            final int synLength = TcpOptionsCodec.write(buffer, 0, in, true);
            assertTrue(TcpOptionsCodec.parse(buffer, 0, synLength, out));
            assertTrue(out.sackPermitted);
            assertEquals(0, out.sackBlockCount);

            final int ackLength = TcpOptionsCodec.write(buffer, 0, in, false);
            assertTrue(TcpOptionsCodec.parse(buffer, 0, ackLength, out));
            assertFalse(out.sackPermitted);
            assertEquals(1, out.sackBlockCount);
            assertEquals(100, out.sackLeft[0]);
            assertEquals(200, out.sackRight[0]);
        }

        @Test
        void checklist28_mssAndWindowScaleAreWrittenOnlyOnSyn()
        {
            final TcpOptions in = new TcpOptions();
            in.mssPresent = true;
            in.mss = 1460;
            in.windowScalePresent = true;
            in.windowScale = 7;
            final UnsafeBuffer buffer = new UnsafeBuffer(new byte[40]);
            assertEquals(0, TcpOptionsCodec.write(buffer, 0, in, false));
            assertEquals(8, TcpOptionsCodec.write(buffer, 0, in, true));
        }

        @Test
        void checklist30_timestampsAreWrittenOnEverySegmentThatHasThemLinuxLayout()
        {
            final TcpOptions in = new TcpOptions();
            in.timestampPresent = true;
            in.tsVal = 0x01020304;
            in.tsEcr = 0x05060708;
            final UnsafeBuffer buffer = new UnsafeBuffer(new byte[40]);
            assertEquals(12, TcpOptionsCodec.write(buffer, 0, in, false));
            assertEquals("0101080a0102030405060708", hexOf(buffer, 12));
            assertTrue(TcpOptionsCodec.parse(buffer, 0, 12, out));
            assertEquals(0x01020304, out.tsVal);
            assertEquals(0x05060708, out.tsEcr);
        }

        @Test
        void checklist30_ackWithTimestampsAndThreeSackBlocksFillsFortyBytes()
        {
            final TcpOptions in = new TcpOptions();
            in.timestampPresent = true;
            in.sackBlockCount = 4;
            for (int i = 0; i < 4; i++)
            {
                in.sackLeft[i] = i * 1000;
                in.sackRight[i] = i * 1000 + 500;
            }
            final UnsafeBuffer buffer = new UnsafeBuffer(new byte[40]);
            assertEquals(40, TcpOptionsCodec.write(buffer, 0, in, false));
            assertTrue(TcpOptionsCodec.parse(buffer, 0, 40, out));
            assertEquals(3, out.sackBlockCount);
            assertEquals(2500, out.sackRight[2]);
        }

        @Test
        void checklist33_unknownOptionWithValidLengthIsSkipped()
        {
            // kind 30 (MPTCP) length 4, kind 254 (experimental) length 2, then MSS
            assertTrue(parseOptions(hex("1e04abcd fe02 0101 020405b4"), out));
            assertEquals(1460, out.mss);
            assertEquals(FrameParser.DROP_NONE, parse(tcpFrame(hex("1e04abcd fe02 0101 020405b4"), new byte[0])));
            assertEquals(1460, parser.tcpOptions().mss);
        }

        @Test
        void linuxSynLayoutIsWritten()
        {
            final TcpOptions in = new TcpOptions();
            in.mssPresent = true;
            in.mss = 1460;
            in.sackPermitted = true;
            in.timestampPresent = true;
            in.tsVal = 0x009f5a3c;
            in.windowScalePresent = true;
            in.windowScale = 7;
            final UnsafeBuffer buffer = new UnsafeBuffer(new byte[40]);
            assertEquals(20, TcpOptionsCodec.write(buffer, 0, in, true));
            assertEquals("020405b40402080a009f5a3c0000000001030307", hexOf(buffer, 20));

            in.timestampPresent = false;
            assertEquals(12, TcpOptionsCodec.write(buffer, 0, in, true));
            assertEquals("020405b40101040201030307", hexOf(buffer, 12));
        }

        static String hexOf(final UnsafeBuffer buffer, final int length)
        {
            final StringBuilder sb = new StringBuilder();
            for (int i = 0; i < length; i++)
            {
                sb.append(String.format("%02x", buffer.getByte(i) & 0xFF));
            }
            return sb.toString();
        }
    }
}
