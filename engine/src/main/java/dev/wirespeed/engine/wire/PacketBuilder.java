package dev.wirespeed.engine.wire;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Writes whole frames: Ethernet (optionally 802.1Q tagged) + IPv4 (no options) + TCP with options and
 * payload, with checksums; also ARP frames. This is how a TCP segment becomes bytes in an mbuf, in the
 * runtime and in the simulation.
 * <pre>
 *  offset
 *  |  14 or 18   |   20   |  20 + options  |  payload  |
 *  +-------------+--------+----------------+-----------+
 *  |  Ethernet   |  IPv4  |  TCP, options  |   data    |
 *  +-------------+--------+----------------+-----------+
 *  |&lt;--------------------- returned length ---------------&gt;|
 * </pre>
 * Set the per-flow fields with the fluent setters (they keep their values between frames), then call
 * {@link #writeTcp}. With {@link #checksumOffload(boolean)} on, the IPv4 checksum is left 0 and the TCP
 * checksum field holds only the pseudo-header sum, as DPDK TX offload ({@code RTE_MBUF_F_TX_IP_CKSUM |
 * RTE_MBUF_F_TX_TCP_CKSUM}) expects. Frames shorter than 60 bytes are not padded (the NIC pads).
 * <p>
 * Not thread safe.
 */
public final class PacketBuilder
{
    public static final int DEFAULT_TTL = 64;
    /** No 802.1Q tag: the value of {@link #vlanId(int)} that disables tagging. */
    public static final int NO_VLAN = -1;

    private final EthernetFrame ethernet = new EthernetFrame();
    private final Ipv4Header ipv4 = new Ipv4Header();
    private final TcpHeader tcp = new TcpHeader();
    private final ArpPacket arp = new ArpPacket();

    private long srcMac;
    private long dstMac;
    private int vlanId = NO_VLAN;
    private int vlanPcp;
    private int srcAddress;
    private int dstAddress;
    private int ttl = DEFAULT_TTL;
    private int tos;
    private int ipIdentification;
    private boolean dontFragment = true;
    private boolean checksumOffload;

    private int srcPort;
    private int dstPort;
    private int seq;
    private int ack;
    private int flags;
    private int window;
    private int urgentPointer;

    public PacketBuilder srcMac(final long mac)
    {
        this.srcMac = mac;
        return this;
    }

    public PacketBuilder dstMac(final long mac)
    {
        this.dstMac = mac;
        return this;
    }

    /** VLAN id 0..4095 to tag frames, or {@link #NO_VLAN}. */
    public PacketBuilder vlanId(final int vlanId)
    {
        this.vlanId = vlanId;
        return this;
    }

    public PacketBuilder vlanPcp(final int pcp)
    {
        this.vlanPcp = pcp;
        return this;
    }

    public PacketBuilder srcAddress(final int address)
    {
        this.srcAddress = address;
        return this;
    }

    public PacketBuilder dstAddress(final int address)
    {
        this.dstAddress = address;
        return this;
    }

    public PacketBuilder ttl(final int ttl)
    {
        this.ttl = ttl;
        return this;
    }

    public PacketBuilder tos(final int tos)
    {
        this.tos = tos;
        return this;
    }

    /** IPv4 identification of the next frame; incremented after each {@link #writeTcp}. */
    public PacketBuilder ipIdentification(final int identification)
    {
        this.ipIdentification = identification;
        return this;
    }

    public PacketBuilder dontFragment(final boolean dontFragment)
    {
        this.dontFragment = dontFragment;
        return this;
    }

    /** True to leave the checksums to the NIC (see class javadoc). */
    public PacketBuilder checksumOffload(final boolean offload)
    {
        this.checksumOffload = offload;
        return this;
    }

    public PacketBuilder srcPort(final int port)
    {
        this.srcPort = port;
        return this;
    }

    public PacketBuilder dstPort(final int port)
    {
        this.dstPort = port;
        return this;
    }

    public PacketBuilder seq(final int seq)
    {
        this.seq = seq;
        return this;
    }

    public PacketBuilder ack(final int ack)
    {
        this.ack = ack;
        return this;
    }

    /** TCP flags, {@link TcpHeader#SYN} etc. */
    public PacketBuilder flags(final int flags)
    {
        this.flags = flags;
        return this;
    }

    public PacketBuilder window(final int window)
    {
        this.window = window;
        return this;
    }

    public PacketBuilder urgentPointer(final int urgentPointer)
    {
        this.urgentPointer = urgentPointer;
        return this;
    }

    /** Ethernet header length these settings produce: 14, or 18 with a VLAN tag. */
    public int ethernetHeaderLength()
    {
        return vlanId == NO_VLAN ? EthernetFrame.HEADER_LENGTH : EthernetFrame.VLAN_HEADER_LENGTH;
    }

    /** Frame length {@link #writeTcp} would produce. */
    public int tcpFrameLength(final TcpOptions options, final int payloadLength)
    {
        final int optionsLength = options == null ? 0 : TcpOptionsCodec.length(options, (flags & TcpHeader.SYN) != 0);
        return ethernetHeaderLength() + Ipv4Header.MIN_HEADER_LENGTH + TcpHeader.MIN_HEADER_LENGTH +
            optionsLength + payloadLength;
    }

    /**
     * Writes an Ethernet + IPv4 + TCP frame. Options are written per
     * {@link TcpOptionsCodec#write(MutableDirectBuffer, int, TcpOptions, boolean)}, with {@code syn} taken from
     * the flags.
     *
     * @param buffer        to write into.
     * @param offset        of the first frame byte.
     * @param options       TCP options, or null for none.
     * @param payload       source of the payload bytes, or null when {@code payloadLength} is 0.
     * @param payloadOffset of the first payload byte in {@code payload}.
     * @param payloadLength bytes of payload to copy.
     * @return the frame length, or -1 if it does not fit in {@code buffer.capacity()} (nothing written).
     */
    public int writeTcp(
        final MutableDirectBuffer buffer,
        final int offset,
        final TcpOptions options,
        final DirectBuffer payload,
        final int payloadOffset,
        final int payloadLength)
    {
        final int frameLength = tcpFrameLength(options, payloadLength);
        if (offset < 0 || payloadLength < 0 || frameLength > buffer.capacity() - offset)
        {
            return -1;
        }

        final int ipOffset = writeEthernet(buffer, offset, frameLength, EthernetFrame.ETHERTYPE_IPV4);
        final int ipTotalLength = frameLength - (ipOffset - offset);
        final int tcpOffset = ipOffset + Ipv4Header.MIN_HEADER_LENGTH;
        final int segmentLength = ipTotalLength - Ipv4Header.MIN_HEADER_LENGTH;

        tcp.wrap(buffer, tcpOffset, segmentLength);
        final int optionsLength = options == null ?
            0 : TcpOptionsCodec.write(buffer, tcp.optionsOffset(), options, (flags & TcpHeader.SYN) != 0);
        tcp.srcPort(srcPort)
            .dstPort(dstPort)
            .seq(seq)
            .ack(ack)
            .dataOffset((TcpHeader.MIN_HEADER_LENGTH + optionsLength) >>> 2)
            .flags(flags)
            .window(window)
            .checksum(0)
            .urgentPointer(urgentPointer);
        if (payloadLength > 0)
        {
            buffer.putBytes(tcp.payloadOffset(), payload, payloadOffset, payloadLength);
        }
        if (checksumOffload)
        {
            tcp.checksumForOffload(srcAddress, dstAddress);
        }
        else
        {
            tcp.updateChecksum(srcAddress, dstAddress);
        }

        writeIpv4(buffer, ipOffset, ipTotalLength, Ipv4Header.PROTOCOL_TCP);
        return frameLength;
    }

    /**
     * Writes an Ethernet + ARP frame (42 bytes, 46 tagged) from this builder's MACs and VLAN.
     *
     * @return the frame length, or -1 if it does not fit.
     */
    public int writeArp(
        final MutableDirectBuffer buffer,
        final int offset,
        final int operation,
        final int senderIp,
        final long targetMac,
        final int targetIp)
    {
        final int frameLength = ethernetHeaderLength() + ArpPacket.LENGTH;
        if (offset < 0 || frameLength > buffer.capacity() - offset)
        {
            return -1;
        }
        final int arpOffset = writeEthernet(buffer, offset, frameLength, EthernetFrame.ETHERTYPE_ARP);
        arp.wrap(buffer, arpOffset, ArpPacket.LENGTH)
            .header(operation)
            .senderMac(srcMac)
            .senderIp(senderIp)
            .targetMac(targetMac)
            .targetIp(targetIp);
        return frameLength;
    }

    private int writeEthernet(final MutableDirectBuffer buffer, final int offset, final int length, final int etherType)
    {
        ethernet.wrap(buffer, offset, length).dstMac(dstMac).srcMac(srcMac);
        if (vlanId == NO_VLAN)
        {
            ethernet.etherType(etherType);
        }
        else
        {
            ethernet.vlan(vlanPcp, vlanId, etherType);
        }
        return ethernet.payloadOffset();
    }

    private void writeIpv4(final MutableDirectBuffer buffer, final int ipOffset, final int totalLength, final int protocol)
    {
        ipv4.wrap(buffer, ipOffset, totalLength)
            .versionAndIhl(5)
            .tos(tos)
            .totalLength(totalLength)
            .identification(ipIdentification)
            .flagsAndFragmentOffset(dontFragment ? Ipv4Header.FLAG_DF : 0)
            .ttl(ttl)
            .protocol(protocol)
            .checksum(0)
            .srcAddress(srcAddress)
            .dstAddress(dstAddress);
        if (!checksumOffload)
        {
            ipv4.updateChecksum();
        }
        ipIdentification = (ipIdentification + 1) & 0xFFFF;
    }
}
