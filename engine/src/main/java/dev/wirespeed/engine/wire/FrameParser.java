package dev.wirespeed.engine.wire;

import org.agrona.DirectBuffer;

/**
 * Validates a received frame layer by layer, Ethernet &rarr; ARP or IPv4 &rarr; TCP or ICMP, and leaves
 * reusable flyweights positioned on each header. Never throws on malformed input, never reads outside
 * {@code [offset, offset + length)}, never allocates: it returns a drop reason the caller counts
 * (behaviours 59-61 and 63 in docs/TCP-BEHAVIOUR.md).
 * <pre>
 *  frame ──► Ethernet (VLAN tag skipped) ──► ARP ─────────────────────────────► TYPE_ARP
 *                                        └─► IPv4: lengths, IHL (options skipped),
 *                                              checksum, fragments ──► ICMP ──► TYPE_ICMP
 *                                                                  └─► TCP: data offset, checksum,
 *                                                                        options ──► TYPE_TCP
 * </pre>
 * Usage, once per received frame:
 * <pre>{@code
 * final int reason = parser.parse(buffer, 0, frameLength);
 * if (reason != FrameParser.DROP_NONE) { dropCounters[reason]++; return; }
 * switch (parser.type()) { case FrameParser.TYPE_TCP: ... parser.tcp(), parser.tcpOptions() ... }
 * }</pre>
 * Not thread safe: one per shard.
 */
public final class FrameParser
{
    /**
     * A parser with its own flyweights and result fields; one per thread, reused for every frame.
     */
    public FrameParser()
    {
    }

    /** The frame is accepted; see {@link #type()}. */
    public static final int DROP_NONE = 0;
    /** Shorter than an Ethernet header (14 bytes, 18 with a VLAN tag). */
    public static final int DROP_TRUNCATED_ETHERNET = 1;
    /** Neither IPv4 nor ARP. */
    public static final int DROP_UNSUPPORTED_ETHERTYPE = 2;
    /** ARP shorter than 28 bytes. */
    public static final int DROP_TRUNCATED_ARP = 3;
    /** ARP that is not Ethernet/IPv4 (hardware/protocol type or lengths). */
    public static final int DROP_ARP_UNSUPPORTED = 4;
    /** Fewer than 20 bytes of IPv4 header. */
    public static final int DROP_TRUNCATED_IPV4 = 5;
    /** IP version is not 4. */
    public static final int DROP_IPV4_BAD_VERSION = 6;
    /** IHL below 5, or the header runs past the frame. */
    public static final int DROP_IPV4_BAD_HEADER_LENGTH = 7;
    /** Total length below the header length, or beyond the frame. */
    public static final int DROP_IPV4_BAD_TOTAL_LENGTH = 8;
    /** IPv4 header checksum does not verify. */
    public static final int DROP_IPV4_BAD_CHECKSUM = 9;
    /** MF set or fragment offset nonzero: we do not reassemble. */
    public static final int DROP_IPV4_FRAGMENT = 10;
    /** Neither TCP nor ICMP. */
    public static final int DROP_UNSUPPORTED_IP_PROTOCOL = 11;
    /** ICMP shorter than its 8-byte header. */
    public static final int DROP_TRUNCATED_ICMP = 12;
    /** ICMP checksum does not verify. */
    public static final int DROP_ICMP_BAD_CHECKSUM = 13;
    /** TCP segment shorter than 20 bytes. */
    public static final int DROP_TRUNCATED_TCP = 14;
    /** TCP data offset below 5 or beyond the segment. */
    public static final int DROP_TCP_BAD_DATA_OFFSET = 15;
    /** TCP checksum (with the IPv4 pseudo-header) does not verify. */
    public static final int DROP_TCP_BAD_CHECKSUM = 16;
    /** Malformed TCP options: length 0 or 1, past the header, or a kind in the last byte. */
    public static final int DROP_TCP_BAD_OPTIONS = 17;
    /** Number of drop reason codes, for sizing a counter array indexed by reason. */
    public static final int DROP_REASON_COUNT = 18;

    /** {@link #type()} before a successful parse. */
    public static final int TYPE_NONE = 0;
    /** {@link #type()}: an Ethernet/IPv4 ARP packet. */
    public static final int TYPE_ARP = 1;
    /** {@link #type()}: an ICMP message over IPv4. */
    public static final int TYPE_ICMP = 2;
    /** {@link #type()}: a TCP segment over IPv4. */
    public static final int TYPE_TCP = 3;

    /** {@code rxOffloadFlags}: the NIC has verified the IPv4 header checksum (RTE_MBUF_F_RX_IP_CKSUM_GOOD). */
    public static final int RX_IPV4_CHECKSUM_GOOD = 1;
    /** {@code rxOffloadFlags}: the NIC has verified the L4 checksum (RTE_MBUF_F_RX_L4_CKSUM_GOOD). */
    public static final int RX_L4_CHECKSUM_GOOD = 2;

    private static final String[] DROP_REASON_NAMES =
    {
        "NONE",
        "TRUNCATED_ETHERNET",
        "UNSUPPORTED_ETHERTYPE",
        "TRUNCATED_ARP",
        "ARP_UNSUPPORTED",
        "TRUNCATED_IPV4",
        "IPV4_BAD_VERSION",
        "IPV4_BAD_HEADER_LENGTH",
        "IPV4_BAD_TOTAL_LENGTH",
        "IPV4_BAD_CHECKSUM",
        "IPV4_FRAGMENT",
        "UNSUPPORTED_IP_PROTOCOL",
        "TRUNCATED_ICMP",
        "ICMP_BAD_CHECKSUM",
        "TRUNCATED_TCP",
        "TCP_BAD_DATA_OFFSET",
        "TCP_BAD_CHECKSUM",
        "TCP_BAD_OPTIONS",
    };

    private final EthernetFrame ethernet = new EthernetFrame();
    private final ArpPacket arp = new ArpPacket();
    private final Ipv4Header ipv4 = new Ipv4Header();
    private final IcmpEcho icmp = new IcmpEcho();
    private final TcpHeader tcp = new TcpHeader();
    private final TcpOptions tcpOptions = new TcpOptions();
    private int type = TYPE_NONE;

    /**
     * Name of a drop reason for counters and logs, e.g. {@code "TCP_BAD_CHECKSUM"}; {@code "UNKNOWN"} if out of range.
     *
     * @param reason a {@code DROP_*} code.
     * @return the name.
     */
    public static String dropReasonName(final int reason)
    {
        return reason >= 0 && reason < DROP_REASON_COUNT ? DROP_REASON_NAMES[reason] : "UNKNOWN";
    }

    /**
     * Parses a frame, verifying every checksum in software.
     *
     * @param buffer containing the frame.
     * @param offset of its first byte (destination MAC).
     * @param length of the frame in bytes (without FCS).
     * @return {@link #DROP_NONE} if accepted, else the {@code DROP_*} reason.
     * @see #parse(DirectBuffer, int, int, int)
     */
    public int parse(final DirectBuffer buffer, final int offset, final int length)
    {
        return parse(buffer, offset, length, 0);
    }

    /**
     * Parses and validates a frame.
     *
     * @param buffer         holding the frame.
     * @param offset         of the first byte of the Ethernet header.
     * @param length         of the frame in bytes (no FCS); nothing outside {@code [offset, offset + length)} is read.
     * @param rxOffloadFlags {@link #RX_IPV4_CHECKSUM_GOOD} and/or {@link #RX_L4_CHECKSUM_GOOD} to skip a
     *                       checksum the NIC has already verified; 0 to verify everything.
     * @return {@link #DROP_NONE}, then {@link #type()} says what the frame is; otherwise a {@code DROP_*} reason.
     */
    public int parse(final DirectBuffer buffer, final int offset, final int length, final int rxOffloadFlags)
    {
        type = TYPE_NONE;
        ethernet.wrap(buffer, offset, length);
        if (!ethernet.isValid())
        {
            return DROP_TRUNCATED_ETHERNET;
        }

        final int etherType = ethernet.payloadEtherType();
        final int l3Offset = ethernet.payloadOffset();
        final int l3Length = ethernet.payloadLength();
        if (etherType == EthernetFrame.ETHERTYPE_IPV4)
        {
            return parseIpv4(buffer, l3Offset, l3Length, rxOffloadFlags);
        }
        if (etherType == EthernetFrame.ETHERTYPE_ARP)
        {
            arp.wrap(buffer, l3Offset, l3Length);
            if (l3Length < ArpPacket.LENGTH)
            {
                return DROP_TRUNCATED_ARP;
            }
            if (!arp.isValid())
            {
                return DROP_ARP_UNSUPPORTED;
            }
            type = TYPE_ARP;
            return DROP_NONE;
        }
        return DROP_UNSUPPORTED_ETHERTYPE;
    }

    private int parseIpv4(final DirectBuffer buffer, final int l3Offset, final int l3Length, final int rxOffloadFlags)
    {
        ipv4.wrap(buffer, l3Offset, l3Length);
        switch (ipv4.validate())
        {
            case Ipv4Header.VALID:
                break;
            case Ipv4Header.INVALID_TRUNCATED:
                return DROP_TRUNCATED_IPV4;
            case Ipv4Header.INVALID_VERSION:
                return DROP_IPV4_BAD_VERSION;
            case Ipv4Header.INVALID_IHL:
                return DROP_IPV4_BAD_HEADER_LENGTH;
            default:
                return DROP_IPV4_BAD_TOTAL_LENGTH;
        }
        if ((rxOffloadFlags & RX_IPV4_CHECKSUM_GOOD) == 0 && !ipv4.isChecksumValid())
        {
            return DROP_IPV4_BAD_CHECKSUM;
        }
        if (ipv4.isFragment())
        {
            return DROP_IPV4_FRAGMENT;
        }

        final int l4Offset = ipv4.payloadOffset();
        final int l4Length = ipv4.payloadLength();
        final int protocol = ipv4.protocol();
        final boolean verifyL4 = (rxOffloadFlags & RX_L4_CHECKSUM_GOOD) == 0;
        if (protocol == Ipv4Header.PROTOCOL_TCP)
        {
            tcp.wrap(buffer, l4Offset, l4Length);
            final int validity = tcp.validate();
            if (validity == TcpHeader.INVALID_TRUNCATED)
            {
                return DROP_TRUNCATED_TCP;
            }
            if (validity != TcpHeader.VALID)
            {
                return DROP_TCP_BAD_DATA_OFFSET;
            }
            if (verifyL4 && !tcp.isChecksumValid(ipv4.srcAddress(), ipv4.dstAddress()))
            {
                return DROP_TCP_BAD_CHECKSUM;
            }
            if (!TcpOptionsCodec.parse(buffer, tcp.optionsOffset(), tcp.optionsLength(), tcpOptions))
            {
                return DROP_TCP_BAD_OPTIONS;
            }
            type = TYPE_TCP;
            return DROP_NONE;
        }
        if (protocol == Ipv4Header.PROTOCOL_ICMP)
        {
            icmp.wrap(buffer, l4Offset, l4Length);
            if (!icmp.isValid())
            {
                return DROP_TRUNCATED_ICMP;
            }
            if (verifyL4 && !icmp.isChecksumValid())
            {
                return DROP_ICMP_BAD_CHECKSUM;
            }
            type = TYPE_ICMP;
            return DROP_NONE;
        }
        return DROP_UNSUPPORTED_IP_PROTOCOL;
    }

    /**
     * {@link #TYPE_ARP}, {@link #TYPE_ICMP} or {@link #TYPE_TCP} after an accepted frame, else {@link #TYPE_NONE}.
     *
     * @return the type.
     */
    public int type()
    {
        return type;
    }

    /**
     * Positioned on the Ethernet frame after any parse that got that far.
     *
     * @return the flyweight, reused by the next parse.
     */
    public EthernetFrame ethernet()
    {
        return ethernet;
    }

    /**
     * Positioned on the ARP packet when {@link #type()} is {@link #TYPE_ARP}.
     *
     * @return the flyweight, reused by the next parse.
     */
    public ArpPacket arp()
    {
        return arp;
    }

    /**
     * Positioned on the IPv4 header when {@link #type()} is {@link #TYPE_ICMP} or {@link #TYPE_TCP}.
     *
     * @return the flyweight, reused by the next parse.
     */
    public Ipv4Header ipv4()
    {
        return ipv4;
    }

    /**
     * Positioned on the ICMP message (any ICMP type) when {@link #type()} is {@link #TYPE_ICMP}.
     *
     * @return the flyweight, reused by the next parse.
     */
    public IcmpEcho icmp()
    {
        return icmp;
    }

    /**
     * Positioned on the TCP segment when {@link #type()} is {@link #TYPE_TCP}.
     *
     * @return the flyweight, reused by the next parse.
     */
    public TcpHeader tcp()
    {
        return tcp;
    }

    /**
     * The parsed options of the TCP segment when {@link #type()} is {@link #TYPE_TCP}.
     *
     * @return the options, reused by the next parse.
     */
    public TcpOptions tcpOptions()
    {
        return tcpOptions;
    }
}
