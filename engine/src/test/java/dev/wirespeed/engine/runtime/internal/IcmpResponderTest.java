package dev.wirespeed.engine.runtime.internal;

import java.util.Arrays;
import java.util.HexFormat;

import dev.wirespeed.engine.tcp.SplitMix64;
import dev.wirespeed.engine.wire.EthernetFrame;
import dev.wirespeed.engine.wire.FrameParser;
import dev.wirespeed.engine.wire.IcmpEcho;
import dev.wirespeed.engine.wire.Ipv4Header;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IcmpResponderTest
{
    static final long OUR_MAC = 0x52_54_00_12_34_56L;
    static final int OUR_IP = 0xC0_00_02_02;

    static byte[] hex(final String s)
    {
        return HexFormat.of().parseHex(s.replaceAll("#[^\n]*", "").replaceAll("\\s+", ""));
    }

    /** ping 192.0.2.1 -> 192.0.2.2 (us), id 0x1234 seq 1, 16 bytes "abcdefghijklmnop" (as in the wire fixtures). */
    static final byte[] ECHO_REQUEST = hex("""
        525400123456 525400abcdef 0800
        45 00 00 2c  00 01 00 00  40 01 f6 cc   # total 44, id 1, TTL 64, ICMP, checksum 0xf6cc
        c0 00 02 01  c0 00 02 02                # 192.0.2.1 -> 192.0.2.2
        08 00 a2 7f  12 34 00 01                # echo request, checksum 0xa27f, id 0x1234, seq 1
        6162636465666768696a6b6c6d6e6f70        # abcdefghijklmnop
        """);

    /** The reply worked out by hand: ICMP checksum 0xa27f + 0x0800 = 0xaa7f; IPv4 checksum unchanged. */
    static final byte[] ECHO_REPLY = hex("""
        525400abcdef 525400123456 0800
        45 00 00 2c  00 01 00 00  40 01 f6 cc
        c0 00 02 02  c0 00 02 01
        00 00 aa 7f  12 34 00 01
        6162636465666768696a6b6c6d6e6f70
        """);

    private final IcmpResponder responder = new IcmpResponder(OUR_MAC, OUR_IP);
    private final FrameParser parser = new FrameParser();

    @Test
    void fixtureRequestBecomesTheHandWrittenReply()
    {
        final UnsafeBuffer b = new UnsafeBuffer(new byte[ECHO_REQUEST.length + 10]);
        b.putBytes(10, ECHO_REQUEST);
        assertEquals(FrameParser.DROP_NONE, parser.parse(b, 10, ECHO_REQUEST.length));
        assertTrue(responder.onIcmp(b, 10, ECHO_REQUEST.length));
        assertArrayEquals(ECHO_REPLY, Arrays.copyOfRange(b.byteArray(), 10, 10 + ECHO_REPLY.length));
        assertEquals(FrameParser.DROP_NONE, parser.parse(b, 10, ECHO_REPLY.length));
        assertTrue(parser.icmp().isEchoReply());
        assertEquals(1, responder.repliesSent());
    }

    @Test
    void notForUsOrNotARequestIsLeftUntouched()
    {
        final byte[] otherIp = ECHO_REQUEST.clone();
        otherIp[33] = 9;
        final byte[] reply = ECHO_REPLY.clone();
        for (final byte[] frame : new byte[][]{otherIp, reply})
        {
            final UnsafeBuffer b = new UnsafeBuffer(frame.clone());
            assertFalse(responder.onIcmp(b, 0, frame.length));
            assertArrayEquals(frame, b.byteArray());
        }
        assertEquals(2, responder.ignored());
        assertEquals(0, responder.repliesSent());
    }

    /** Random TTLs, payloads, ids and addresses: the incremental checksums always equal a full recomputation. */
    @Test
    void incrementalChecksumsMatchFullRecomputation()
    {
        final SplitMix64 rnd = new SplitMix64(2024);
        final EthernetFrame eth = new EthernetFrame();
        final Ipv4Header ip = new Ipv4Header();
        final IcmpEcho icmp = new IcmpEcho();
        for (int round = 0; round < 5000; round++)
        {
            final int dataLength = rnd.nextInt(1473);
            final int length = 14 + 20 + 8 + dataLength;
            final UnsafeBuffer b = new UnsafeBuffer(new byte[length]);
            final long peerMac = rnd.nextLong() & 0xFEFF_FFFF_FFFFL;
            final int peerIp = (int)rnd.nextLong();
            eth.wrap(b, 0, length).dstMac(OUR_MAC).srcMac(peerMac).etherType(EthernetFrame.ETHERTYPE_IPV4);
            ip.wrap(b, 14, length - 14).versionAndIhl(5).tos(0).totalLength(length - 14)
                .identification(rnd.nextInt(65536)).flagsAndFragmentOffset(0).ttl(1 + rnd.nextInt(255))
                .protocol(Ipv4Header.PROTOCOL_ICMP).checksum(0).srcAddress(peerIp).dstAddress(OUR_IP).updateChecksum();
            icmp.wrap(b, 34, length - 34).type(IcmpEcho.TYPE_ECHO_REQUEST).code(0)
                .identifier(rnd.nextInt(65536)).sequence(rnd.nextInt(65536));
            for (int i = 0; i < dataLength; i++)
            {
                b.putByte(42 + i, (byte)rnd.nextLong());
            }
            icmp.updateChecksum();
            assertEquals(FrameParser.DROP_NONE, parser.parse(b, 0, length));

            assertTrue(responder.onIcmp(b, 0, length));
            assertEquals(FrameParser.DROP_NONE, parser.parse(b, 0, length), "round " + round);
            assertEquals(peerMac, eth.dstMac());
            assertEquals(OUR_MAC, eth.srcMac());
            assertEquals(OUR_IP, ip.srcAddress());
            assertEquals(peerIp, ip.dstAddress());
            assertEquals(IcmpResponder.REPLY_TTL, ip.ttl());
            final int ipChecksum = ip.checksum();
            final int icmpChecksum = icmp.checksum();
            assertEquals(ipChecksum, ip.checksum(0).updateChecksum().checksum(), "IPv4 round " + round);
            assertEquals(icmpChecksum, icmp.updateChecksum().checksum(), "ICMP round " + round);
        }
    }
}
