package dev.wirespeed.engine.runtime.internal;

import dev.wirespeed.engine.runtime.LocalAddresses;

/**
 * Which IPv4 source addresses a host must never accept a packet from (RFC 1122 §3.2.1.3, RFC 1812 §5.3.7, the
 * "martians" of Linux's {@code fib_validate_source}/{@code ip_route_input_slow}):
 * <ul>
 *   <li>0.0.0.0/8 ("this network": only a source during bootstrap, never for TCP or ping);</li>
 *   <li>127.0.0.0/8 (loopback: never on a wire);</li>
 *   <li>224.0.0.0/4 multicast and 240.0.0.0/4 reserved, with 255.255.255.255 (a source is always unicast);</li>
 *   <li>any of our own addresses (a LAND attack, or our own frame looped back);</li>
 *   <li>for a prefix of /30 or shorter, the subnet's network and directed-broadcast addresses (Linux installs
 *       both as broadcast routes; RFC 1122 §3.3.6).</li>
 * </ul>
 * A martian source is dropped and counted; it never creates state and is never answered (an answer would go to
 * ourselves, to loopback, or to a whole subnet). Not thread safe (immutable; share freely).
 */
public final class Martians
{
    private final LocalAddresses ours;
    private final int ourIp;
    private final int prefixLength;
    private final int mask;

    /**
     * @param ourIp        our address.
     * @param prefixLength of our subnet, 0..32; the network and broadcast checks apply for 1..30 only (0: unknown).
     */
    public Martians(final int ourIp, final int prefixLength)
    {
        this(LocalAddresses.single(ourIp), prefixLength);
    }

    /** Our addresses and their network (see {@link LocalAddresses#prefixLength()}). */
    public Martians(final LocalAddresses ours)
    {
        this(ours, ours.prefixLength());
    }

    private Martians(final LocalAddresses ours, final int prefixLength)
    {
        if (prefixLength < 0 || prefixLength > 32)
        {
            throw new IllegalArgumentException("prefix length must be 0..32: " + prefixLength);
        }
        this.ours = ours;
        this.ourIp = ours.primary();
        this.prefixLength = prefixLength;
        this.mask = prefixLength == 0 ? 0 : -1 << (32 - prefixLength);
    }

    /** True if no packet may come from {@code ip} (see the class comment). */
    public boolean isMartianSource(final int ip)
    {
        final int firstOctet = ip >>> 24;
        if (firstOctet == 0 || firstOctet == 127 || firstOctet >= 224 || ours.contains(ip))
        {
            return true;
        }
        return isSubnetBroadcast(ip);
    }

    /** True for the network or directed-broadcast address of our subnet (prefix 1..30). */
    public boolean isSubnetBroadcast(final int ip)
    {
        if (prefixLength < 1 || prefixLength > 30 || (ip & mask) != (ourIp & mask))
        {
            return false;
        }
        final int host = ip & ~mask;
        return host == 0 || host == ~mask;
    }

    /** True if {@code ip} is on our subnet (always true when the prefix is unknown, 0, or /32). */
    public boolean onSubnet(final int ip)
    {
        return prefixLength == 0 || prefixLength == 32 || (ip & mask) == (ourIp & mask);
    }

    /** True if {@code ip} is one of our addresses. */
    public boolean isOurs(final int ip)
    {
        return ours.contains(ip);
    }

    /** Our primary address. */
    public int ourIp()
    {
        return ourIp;
    }

    public int prefixLength()
    {
        return prefixLength;
    }
}
