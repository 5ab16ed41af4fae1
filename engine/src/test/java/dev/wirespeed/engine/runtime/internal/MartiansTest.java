package dev.wirespeed.engine.runtime.internal;

import dev.wirespeed.engine.runtime.LocalAddresses;
import dev.wirespeed.engine.wire.Ipv4Header;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MartiansTest
{
    private static int ip(final String s)
    {
        return (int)Ipv4Header.parseAddress(s);
    }

    @Test
    void martianSourcesOfRfc1122AndRfc1812()
    {
        final Martians m = new Martians(ip("192.0.2.1"), 24);
        for (final String s : new String[] {"0.0.0.0", "0.1.2.3", "127.0.0.1", "127.255.0.9", "224.0.0.1",
            "239.1.1.1", "240.0.0.1", "255.255.255.255", "192.0.2.1", "192.0.2.0", "192.0.2.255"})
        {
            assertTrue(m.isMartianSource(ip(s)), s);
        }
        for (final String s : new String[] {"192.0.2.2", "192.0.2.254", "198.51.100.0", "198.51.100.255", "203.0.113.9"})
        {
            assertFalse(m.isMartianSource(ip(s)), s);
        }
        assertTrue(m.onSubnet(ip("192.0.2.77")));
        assertFalse(m.onSubnet(ip("192.0.3.77")));
    }

    @Test
    void pointToPointAndHostPrefixesHaveNoBroadcastAddresses()
    {
        final Martians p31 = new Martians(ip("192.0.2.0"), 31);
        assertFalse(p31.isMartianSource(ip("192.0.2.1")), "RFC 3021: the other end of a /31");
        final Martians unknown = new Martians(ip("192.0.2.1"), 0);
        assertFalse(unknown.isMartianSource(ip("192.0.2.255")));
        assertTrue(unknown.isMartianSource(ip("192.0.2.1")));
        assertTrue(unknown.onSubnet(ip("203.0.113.9")));
    }

    @Test
    void everyLocalAddressIsASourceWeNeverAccept()
    {
        final Martians m = new Martians(LocalAddresses.parse("192.0.2.1/24", "192.0.2.10-192.0.2.13"));
        for (final String s : new String[] {"192.0.2.1", "192.0.2.10", "192.0.2.13", "192.0.2.255"})
        {
            assertTrue(m.isMartianSource(ip(s)), s);
        }
        assertTrue(m.isOurs(ip("192.0.2.12")));
        assertFalse(m.isOurs(ip("192.0.2.14")));
        assertFalse(m.isMartianSource(ip("192.0.2.14")));
        assertTrue(m.onSubnet(ip("192.0.2.200")));
    }
}
