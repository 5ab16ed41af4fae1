package dev.wirespeed.engine.wire;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * MAC and IPv4 address text, broadcast and multicast tests (the latter feed behaviour 55 in the TCP layer).
 * <p>
 * Behaviour numbers refer to the numbered list in docs/TCP-BEHAVIOUR.md.
 */
class AddressHelpersTest
{
    @Test
    void macTextParsesAndFormats()
    {
        assertEquals(0x0000_aabb_ccdd_eeffL, EthernetFrame.parseMac("aa:bb:cc:dd:ee:ff"));
        assertEquals(0x0000_aabb_ccdd_eeffL, EthernetFrame.parseMac("AA-BB-CC-DD-EE-FF"));
        assertEquals(0x0000_0102_0304_0506L, EthernetFrame.parseMac("1:2:3:4:5:6"));
        assertEquals("02:00:00:00:00:0a", EthernetFrame.formatMac(0x0200_0000_000aL));
    }

    @Test
    void malformedMacTextIsRejectedWithoutThrowing()
    {
        for (final String bad : new String[] {"", ":", "aa:bb:cc:dd:ee", "aa:bb:cc:dd:ee:ff:00", "aa:bb:cc:dd:ee:", "aaa:bb:cc:dd:ee:ff",
            "aa::cc:dd:ee:ff", "gg:bb:cc:dd:ee:ff", "aa:bb:cc:dd:ee:ff ", "aa.bb.cc.dd.ee.ff"})
        {
            assertEquals(EthernetFrame.INVALID_MAC, EthernetFrame.parseMac(bad), bad);
        }
    }

    @Test
    void broadcastAndMulticastMacs()
    {
        assertTrue(EthernetFrame.isBroadcast(EthernetFrame.BROADCAST_MAC));
        assertTrue(EthernetFrame.isMulticast(EthernetFrame.BROADCAST_MAC));
        assertTrue(EthernetFrame.isMulticast(EthernetFrame.parseMac("01:00:5e:00:00:01")));
        assertTrue(EthernetFrame.isMulticast(EthernetFrame.parseMac("33:33:00:00:00:01")));
        assertFalse(EthernetFrame.isMulticast(EthernetFrame.parseMac("02:00:00:00:00:01")));
        assertFalse(EthernetFrame.isBroadcast(EthernetFrame.parseMac("ff:ff:ff:ff:ff:fe")));
    }

    @Test
    void ipv4TextParsesAndFormats()
    {
        assertEquals(0xc0000201L, Ipv4Header.parseAddress("192.0.2.1"));
        assertEquals(0xffffffffL, Ipv4Header.parseAddress("255.255.255.255"));
        assertEquals(0L, Ipv4Header.parseAddress("0.0.0.0"));
        assertEquals("198.51.100.254", Ipv4Header.formatAddress(0xc63364fe));
        assertEquals("255.255.255.255", Ipv4Header.formatAddress(-1));
    }

    @Test
    void malformedIpv4TextIsRejectedWithoutThrowing()
    {
        for (final String bad : new String[] {"", "1.2.3", "1.2.3.4.5", "256.0.0.1", "1..2.3", "1.2.3.", ".1.2.3", "1.2.3.4 ",
            "1.2.3.0004", "a.b.c.d", "1,2,3,4"})
        {
            assertEquals(Ipv4Header.INVALID_ADDRESS, Ipv4Header.parseAddress(bad), bad);
        }
    }

    @Test
    void broadcastAndMulticastIpv4()
    {
        assertTrue(Ipv4Header.isBroadcast(0xffffffff));
        assertFalse(Ipv4Header.isBroadcast(0xc00002ff));
        assertTrue(Ipv4Header.isBroadcast(0xc00002ff, 0xffffff00));
        assertFalse(Ipv4Header.isBroadcast(0xc0000201, 0xffffff00));
        assertFalse(Ipv4Header.isBroadcast(0xc00002ff, 0xffffffff));
        assertTrue(Ipv4Header.isMulticast(0xe0000001));
        assertTrue(Ipv4Header.isMulticast(0xefffffff));
        assertFalse(Ipv4Header.isMulticast(0xdfffffff));
        assertFalse(Ipv4Header.isMulticast(0xf0000000));
    }

    @Test
    void ttlZeroIsNotDecremented()
    {
        final UnsafeBuffer b = new UnsafeBuffer(new byte[20]);
        final Ipv4Header ip = new Ipv4Header().wrap(b, 0, 20).versionAndIhl(5).totalLength(20).ttl(0).updateChecksum();
        assertEquals(0, ip.decrementTtl());
        assertTrue(ip.isChecksumValid());
    }
}
