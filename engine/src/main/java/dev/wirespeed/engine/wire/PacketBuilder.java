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
    /**
     * A builder with its own flyweights; one per thread, reused for every frame it writes.
     */
    public PacketBuilder()
    {
    }

    /** TTL of built frames unless {@link #ttl(int)} says otherwise. */
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

    /**
     * Sets the source MAC of the frames.
     *
     * @param mac 48 bits in the low bytes.
     * @return this for a fluent API.
     */
    public PacketBuilder srcMac(final long mac)
    {
        this.srcMac = mac;
        return this;
    }

    /**
     * Sets the destination MAC of the frames.
     *
     * @param mac 48 bits in the low bytes.
     * @return this for a fluent API.
     */
    public PacketBuilder dstMac(final long mac)
    {
        this.dstMac = mac;
        return this;
    }

    /**
     * VLAN id 0..4095 to tag frames, or {@link #NO_VLAN}.
     *
     * @param vlanId the VLAN id, or {@link #NO_VLAN}.
     * @return this for a fluent API.
     */
    public PacketBuilder vlanId(final int vlanId)
    {
        this.vlanId = vlanId;
        return this;
    }

    /**
     * Sets the priority code point of the VLAN tag.
     *
     * @param pcp 0..7.
     * @return this for a fluent API.
     */
    public PacketBuilder vlanPcp(final int pcp)
    {
        this.vlanPcp = pcp;
        return this;
    }

    /**
     * Sets the IPv4 source address.
     *
     * @param address host-order int.
     * @return this for a fluent API.
     */
    public PacketBuilder srcAddress(final int address)
    {
        this.srcAddress = address;
        return this;
    }

    /**
     * Sets the IPv4 destination address.
     *
     * @param address host-order int.
     * @return this for a fluent API.
     */
    public PacketBuilder dstAddress(final int address)
    {
        this.dstAddress = address;
        return this;
    }

    /**
     * Sets the IPv4 TTL; {@link #DEFAULT_TTL} by default.
     *
     * @param ttl 0..255.
     * @return this for a fluent API.
     */
    public PacketBuilder ttl(final int ttl)
    {
        this.ttl = ttl;
        return this;
    }

    /**
     * Sets the IPv4 TOS byte (DSCP and ECN).
     *
     * @param tos 0..255.
     * @return this for a fluent API.
     */
    public PacketBuilder tos(final int tos)
    {
        this.tos = tos;
        return this;
    }

    /**
     * IPv4 identification of the next frame; incremented after each {@link #writeTcp}.
     *
     * @param identification 0..0xFFFF.
     * @return this for a fluent API.
     */
    public PacketBuilder ipIdentification(final int identification)
    {
        this.ipIdentification = identification;
        return this;
    }

    /**
     * Sets the IPv4 don't-fragment flag.
     *
     * @param dontFragment true for DF.
     * @return this for a fluent API.
     */
    public PacketBuilder dontFragment(final boolean dontFragment)
    {
        this.dontFragment = dontFragment;
        return this;
    }

    /**
     * True to leave the checksums to the NIC (see class javadoc).
     *
     * @param offload true for pseudo-header sums only, false for full software checksums.
     * @return this for a fluent API.
     */
    public PacketBuilder checksumOffload(final boolean offload)
    {
        this.checksumOffload = offload;
        return this;
    }

    /**
     * Sets the TCP source port.
     *
     * @param port 0..65535.
     * @return this for a fluent API.
     */
    public PacketBuilder srcPort(final int port)
    {
        this.srcPort = port;
        return this;
    }

    /**
     * Sets the TCP destination port.
     *
     * @param port 0..65535.
     * @return this for a fluent API.
     */
    public PacketBuilder dstPort(final int port)
    {
        this.dstPort = port;
        return this;
    }

    /**
     * Sets the TCP sequence number.
     *
     * @param seq unsigned 32 bits in an int.
     * @return this for a fluent API.
     */
    public PacketBuilder seq(final int seq)
    {
        this.seq = seq;
        return this;
    }

    /**
     * Sets the TCP acknowledgment number.
     *
     * @param ack unsigned 32 bits in an int.
     * @return this for a fluent API.
     */
    public PacketBuilder ack(final int ack)
    {
        this.ack = ack;
        return this;
    }

    /**
     * TCP flags, {@link TcpHeader#SYN} etc.
     *
     * @param flags the flag bits.
     * @return this for a fluent API.
     */
    public PacketBuilder flags(final int flags)
    {
        this.flags = flags;
        return this;
    }

    /**
     * Sets the TCP window field (already scaled down).
     *
     * @param window 0..65535.
     * @return this for a fluent API.
     */
    public PacketBuilder window(final int window)
    {
        this.window = window;
        return this;
    }

    /**
     * Sets the TCP urgent pointer field.
     *
     * @param urgentPointer 0..65535.
     * @return this for a fluent API.
     */
    public PacketBuilder urgentPointer(final int urgentPointer)
    {
        this.urgentPointer = urgentPointer;
        return this;
    }

    /**
     * Ethernet header length these settings produce: 14, or 18 with a VLAN tag.
     *
     * @return bytes.
     */
    public int ethernetHeaderLength()
    {
        return vlanId == NO_VLAN ? EthernetFrame.HEADER_LENGTH : EthernetFrame.VLAN_HEADER_LENGTH;
    }

    /**
     * Frame length {@link #writeTcp} would produce.
     *
     * @param options the TCP options to write, or null for none.
     * @param payloadLength payload bytes.
     * @return bytes.
     */
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
     * @param buffer    to write into.
     * @param offset    of the frame's first byte.
     * @param operation {@link ArpPacket#OPERATION_REQUEST} or {@link ArpPacket#OPERATION_REPLY}.
     * @param senderIp  our IPv4 address, host-order int.
     * @param targetMac the target's MAC (0 in a request).
     * @param targetIp  the target's IPv4 address, host-order int.
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
