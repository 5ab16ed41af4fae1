package dev.wirespeed.engine.runtime;

import java.util.Arrays;

import dev.wirespeed.engine.wire.Ipv4Header;

/**
 * The IPv4 addresses an engine owns on its link, all in one network ({@code prefixLength}): every shard answers ARP
 * and ICMP echo for each of them, and every shard's endpoint accepts and opens connections on each. Immutable.
 * <p>
 * Written as a single address ({@code 192.0.2.1}), a range ({@code 192.0.2.10-192.0.2.250}) or a block in CIDR
 * form ({@code 192.0.2.64/26}, every address of the block but its network and broadcast address); see
 * {@link #parse}. The first address is the {@linkplain #primary() primary} one: the source of ARP requests and the
 * default local address of active opens.
 */
public final class LocalAddresses
{
    /** Most addresses one engine takes. */
    public static final int MAX_ADDRESSES = 65536;

    private final int[] addresses; // in the order given, primary first
    private final int[] sorted; // sign-flipped for unsigned order
    private final int prefixLength;

    private LocalAddresses(final int[] addresses, final int prefixLength)
    {
        this.addresses = addresses;
        this.prefixLength = prefixLength;
        final int[] s = new int[addresses.length];
        for (int i = 0; i < s.length; i++)
        {
            s[i] = addresses[i] ^ Integer.MIN_VALUE;
        }
        Arrays.sort(s);
        this.sorted = s;
    }

    /**
     * One address, unchecked (for components given a bare address, such as tests' responders).
     *
     * @param ip the address.
     * @return the set of that one address.
     */
    public static LocalAddresses single(final int ip)
    {
        return new LocalAddresses(new int[] {ip}, 32);
    }

    /**
     * Addresses in one network.
     *
     * @param prefixLength the network's prefix (1..32), e.g. 24 for 192.0.2.0/24.
     * @param addresses    one or more unicast addresses of that network (not its network or broadcast address).
     * @return the addresses, in the order given.
     * @throws IllegalArgumentException naming the first bad address.
     */
    public static LocalAddresses of(final int prefixLength, final int... addresses)
    {
        if (prefixLength < 1 || prefixLength > 32)
        {
            throw new IllegalArgumentException("prefix length must be 1..32, got " + prefixLength);
        }
        if (addresses.length == 0)
        {
            throw new IllegalArgumentException("no local address given");
        }
        if (addresses.length > MAX_ADDRESSES)
        {
            throw new IllegalArgumentException("at most " + MAX_ADDRESSES + " local addresses, got " + addresses.length);
        }
        final int mask = mask(prefixLength);
        final int network = addresses[0] & mask;
        final int[] copy = addresses.clone();
        for (final int ip : copy)
        {
            final String text = Ipv4Header.formatAddress(ip);
            if (ip == 0 || ip == -1 || (ip >>> 28) == 0xE || (ip >>> 24) == 127 || (ip >>> 28) == 0xF)
            {
                throw new IllegalArgumentException(text + " is not a unicast host address");
            }
            if ((ip & mask) != network)
            {
                throw new IllegalArgumentException(text + " is not in the network " +
                    Ipv4Header.formatAddress(network) + "/" + prefixLength + " of " +
                    Ipv4Header.formatAddress(addresses[0]));
            }
            if (prefixLength <= 30 && ((ip & ~mask) == 0 || (ip | mask) == -1))
            {
                throw new IllegalArgumentException(text + " is the network or broadcast address of " +
                    Ipv4Header.formatAddress(network) + "/" + prefixLength);
            }
        }
        final LocalAddresses set = new LocalAddresses(copy, prefixLength);
        for (int i = 1; i < set.sorted.length; i++)
        {
            if (set.sorted[i] == set.sorted[i - 1])
            {
                throw new IllegalArgumentException(Ipv4Header.formatAddress(set.sorted[i] ^ Integer.MIN_VALUE) +
                    " is given twice");
            }
        }
        return set;
    }

    /**
     * Parses {@code ADDR/LEN} (one address and its network, as {@code --ip} takes it), optionally with more
     * addresses of that network: {@code extra} is a comma-separated list of single addresses, ranges
     * {@code A-B} or CIDR blocks {@code A/N} (each block's network and broadcast address left out), or null.
     *
     * @param ipWithPrefix one address and its prefix length, e.g. {@code "192.0.2.1/24"}.
     * @param extra        more addresses of that network, or null.
     * @return the addresses, {@code ipWithPrefix}'s first.
     * @throws IllegalArgumentException with a message naming the bad part.
     */
    public static LocalAddresses parse(final String ipWithPrefix, final String extra)
    {
        final int slash = ipWithPrefix.indexOf('/');
        if (slash < 0)
        {
            throw new IllegalArgumentException("'" + ipWithPrefix + "' has no prefix length: write it like 192.0.2.1/24");
        }
        final int primary = address(ipWithPrefix.substring(0, slash));
        final int prefix = number(ipWithPrefix.substring(slash + 1), ipWithPrefix);
        if (prefix < 1 || prefix > 32)
        {
            throw new IllegalArgumentException("prefix length must be 1..32 in '" + ipWithPrefix + "'");
        }
        int[] list = {primary};
        int count = 1;
        if (extra != null && !extra.isBlank())
        {
            for (final String part : extra.split(","))
            {
                final String p = part.trim();
                final int dash = p.indexOf('-');
                final int cidr = p.indexOf('/');
                final long first;
                final long last;
                if (dash >= 0)
                {
                    first = address(p.substring(0, dash)) & 0xFFFF_FFFFL;
                    last = address(p.substring(dash + 1)) & 0xFFFF_FFFFL;
                    if (last < first)
                    {
                        throw new IllegalArgumentException("range '" + p + "' ends before it starts");
                    }
                }
                else if (cidr >= 0)
                {
                    final int n = number(p.substring(cidr + 1), p);
                    if (n < prefix || n > 32)
                    {
                        throw new IllegalArgumentException("block '" + p + "' must be inside /" + prefix + " (/" +
                            prefix + "../32)");
                    }
                    final long base = address(p.substring(0, cidr)) & mask(n) & 0xFFFF_FFFFL;
                    final long size = 1L << (32 - n);
                    first = size > 2 ? base + 1 : base;
                    last = size > 2 ? base + size - 2 : base + size - 1;
                }
                else
                {
                    first = address(p) & 0xFFFF_FFFFL;
                    last = first;
                }
                if (count + (last - first + 1) > MAX_ADDRESSES)
                {
                    throw new IllegalArgumentException("at most " + MAX_ADDRESSES + " local addresses");
                }
                for (long ip = first; ip <= last; ip++)
                {
                    if ((int)ip == primary)
                    {
                        continue;
                    }
                    if (count == list.length)
                    {
                        list = Arrays.copyOf(list, list.length * 2);
                    }
                    list[count++] = (int)ip;
                }
            }
        }
        return of(prefix, Arrays.copyOf(list, count));
    }

    private static int address(final String text)
    {
        final long a = Ipv4Header.parseAddress(text.trim());
        if (a == Ipv4Header.INVALID_ADDRESS)
        {
            throw new IllegalArgumentException("'" + text.trim() + "' is not an IPv4 address");
        }
        return (int)a;
    }

    private static int number(final String text, final String context)
    {
        try
        {
            return Integer.parseInt(text.trim());
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException("bad prefix length in '" + context + "'");
        }
    }

    static int mask(final int prefixLength)
    {
        return prefixLength == 0 ? 0 : -1 << (32 - prefixLength);
    }

    /**
     * True if {@code ip} is one of ours. Allocation-free: a binary search.
     *
     * @param ip an IPv4 address, host-order int.
     * @return true for one of the local addresses.
     */
    public boolean contains(final int ip)
    {
        return Arrays.binarySearch(sorted, ip ^ Integer.MIN_VALUE) >= 0;
    }

    /**
     * True if {@code ip} is in our network (on the link, reachable by ARP).
     *
     * @param ip an IPv4 address, host-order int.
     * @return true if it shares the network's prefix.
     */
    public boolean onLink(final int ip)
    {
        final int mask = mask(prefixLength);
        return (ip & mask) == (addresses[0] & mask);
    }

    /**
     * The network's broadcast address (the limited broadcast for /31 and /32).
     *
     * @return the address, host-order int ({@code -1} for 255.255.255.255).
     */
    public int broadcast()
    {
        return prefixLength >= 31 ? -1 : addresses[0] | ~mask(prefixLength);
    }

    /**
     * The first address given: source of ARP requests, default local address of active opens.
     *
     * @return the address, host-order int.
     */
    public int primary()
    {
        return addresses[0];
    }

    /**
     * The network's prefix length, shared by every address.
     *
     * @return 1..32.
     */
    public int prefixLength()
    {
        return prefixLength;
    }

    /**
     * The number of local addresses.
     *
     * @return at least 1.
     */
    public int size()
    {
        return addresses.length;
    }

    /**
     * The i-th address, in the order given (0 is the primary).
     *
     * @param i 0..{@link #size()} - 1.
     * @return the address, host-order int.
     */
    public int get(final int i)
    {
        return addresses[i];
    }

    /** {@code 192.0.2.1/24}, plus {@code +N} when there are more. */
    public String toString()
    {
        return Ipv4Header.formatAddress(addresses[0]) + "/" + prefixLength +
            (addresses.length > 1 ? " +" + (addresses.length - 1) : "");
    }
}
