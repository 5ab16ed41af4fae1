package dev.wirespeed.engine.runtime;

import dev.wirespeed.engine.wire.Ipv4Header;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LocalAddressesTest
{
    private static int ip(final String text)
    {
        return (int)Ipv4Header.parseAddress(text);
    }

    private static String refused(final String ip, final String extra)
    {
        return assertThrows(IllegalArgumentException.class, () -> LocalAddresses.parse(ip, extra)).getMessage();
    }

    @Test
    void oneAddressARangeAndABlock()
    {
        final LocalAddresses a = LocalAddresses.parse("192.0.2.1/24", "192.0.2.10-192.0.2.12, 192.0.2.64/30,192.0.2.99");
        assertEquals(1 + 3 + 2 + 1, a.size(), "a /30 block gives its two host addresses");
        assertEquals(ip("192.0.2.1"), a.primary());
        assertEquals(24, a.prefixLength());
        for (final String s : new String[] {"192.0.2.1", "192.0.2.10", "192.0.2.11", "192.0.2.12", "192.0.2.65",
            "192.0.2.66", "192.0.2.99"})
        {
            assertTrue(a.contains(ip(s)), s);
        }
        for (final String s : new String[] {"192.0.2.2", "192.0.2.13", "192.0.2.64", "192.0.2.67", "198.51.100.1"})
        {
            assertFalse(a.contains(ip(s)), s);
        }
        assertTrue(a.onLink(ip("192.0.2.200")));
        assertFalse(a.onLink(ip("192.0.3.1")));
        assertEquals(ip("192.0.2.255"), a.broadcast());
        assertEquals("192.0.2.1/24 +6", a.toString());
    }

    @Test
    void theHighHalfOfTheAddressSpaceSortsAsUnsigned()
    {
        final LocalAddresses a = LocalAddresses.parse("198.51.100.7/24", "198.51.100.200-198.51.100.202");
        assertTrue(a.contains(ip("198.51.100.201")));
        assertTrue(a.contains(ip("198.51.100.7")));
        assertFalse(a.contains(ip("198.51.100.8")));
    }

    @Test
    void badInputIsNamed()
    {
        assertTrue(refused("192.0.2.1", null).contains("no prefix length"));
        assertTrue(refused("192.0.2.1/33", null).contains("prefix length"));
        assertTrue(refused("192.0.2.300/24", null).contains("not an IPv4 address"));
        assertTrue(refused("0.0.0.0/24", null).contains("not a unicast host address"));
        assertTrue(refused("224.0.0.1/24", null).contains("not a unicast host address"));
        assertTrue(refused("192.0.2.255/24", null).contains("broadcast"));
        assertTrue(refused("192.0.2.1/24", "192.0.3.5").contains("not in the network 192.0.2.0/24"));
        assertTrue(refused("192.0.2.1/24", "192.0.2.9-192.0.2.3").contains("ends before it starts"));
        assertTrue(refused("192.0.2.1/24", "192.0.2.0/16").contains("must be inside /24"));
        assertTrue(refused("192.0.2.1/24", "192.0.2.5,192.0.2.5").contains("given twice"));
        assertTrue(refused("198.18.0.1/15", "198.18.0.0/15").contains("at most"));
    }
}
