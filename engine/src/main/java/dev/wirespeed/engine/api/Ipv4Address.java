package dev.wirespeed.engine.api;

import java.net.Inet4Address;
import java.net.InetAddress;

import dev.wirespeed.engine.wire.Ipv4Header;

/**
 * An IPv4 address as a value (host byte order in an int), so that an address is never confused with a port or a
 * count. Parsing never does a DNS lookup.
 *
 * @param value the address, e.g. {@code 0xC0000201} for 192.0.2.1.
 */
public record Ipv4Address(int value)
{
    /**
     * Parses a dotted quad, without a DNS lookup.
     *
     * @param text dotted quad, e.g. "192.0.2.1".
     * @return the address.
     * @throws IllegalArgumentException if it is not one.
     */
    public static Ipv4Address parse(final String text)
    {
        final long a = Ipv4Header.parseAddress(text);
        if (a == Ipv4Header.INVALID_ADDRESS)
        {
            throw new IllegalArgumentException("'" + text + "' is not an IPv4 address (dotted quad)");
        }
        return new Ipv4Address((int)a);
    }

    /**
     * The address of an {@link InetAddress}, without a DNS lookup.
     *
     * @param address an IPv4 address.
     * @return the address.
     * @throws IllegalArgumentException for an IPv6 address.
     */
    public static Ipv4Address of(final InetAddress address)
    {
        if (!(address instanceof Inet4Address))
        {
            throw new IllegalArgumentException(address + " is not an IPv4 address: Wirespeed speaks IPv4 only");
        }
        final byte[] b = address.getAddress();
        return new Ipv4Address((b[0] & 0xFF) << 24 | (b[1] & 0xFF) << 16 | (b[2] & 0xFF) << 8 | (b[3] & 0xFF));
    }

    public String toString()
    {
        return Ipv4Header.formatAddress(value);
    }
}
