package dev.wirespeed.engine.tcp;

import dev.wirespeed.engine.wire.FrameParser;
import dev.wirespeed.engine.wire.Ipv4Header;
import dev.wirespeed.engine.wire.PacketBuilder;
import dev.wirespeed.engine.wire.TcpHeader;
import org.agrona.MutableDirectBuffer;

/**
 * Between frames and the TCP layer: fills a {@link TcpSegment} from a frame {@link FrameParser} accepted (the
 * payload stays a view into the frame, no copy), and writes a {@link TcpSegment} as a complete Ethernet/IPv4/TCP
 * frame (software checksums, or the pseudo-header sum that NIC checksum offload expects).
 * <p>
 * Not thread safe: one per shard.
 */
public final class TcpFrameCodec
{
    /**
     * A codec with its own scratch state; one per shard thread.
     */
    public TcpFrameCodec()
    {
    }

    private final PacketBuilder builder = new PacketBuilder();

    /**
     * Fills {@code out} from the TCP segment {@code parser} has just accepted ({@code type() == TYPE_TCP}).
     *
     * @param parser the parser, holding a TCP frame.
     * @param out    the segment to fill; its payload becomes a view into the frame.
     * @return {@code out}.
     */
    public static TcpSegment decode(final FrameParser parser, final TcpSegment out)
    {
        final Ipv4Header ip = parser.ipv4();
        final TcpHeader tcp = parser.tcp();
        out.localIp = ip.dstAddress();
        out.remoteIp = ip.srcAddress();
        out.localPort = tcp.dstPort();
        out.remotePort = tcp.srcPort();
        out.seq = tcp.seq();
        out.ack = tcp.ack();
        out.flags = tcp.flags();
        out.window = tcp.window();
        out.urgentPointer = tcp.urgentPointer();
        out.options.copyFrom(parser.tcpOptions());
        out.payload = tcp.buffer();
        out.payloadOffset = tcp.payloadOffset();
        out.payloadLength = tcp.payloadLength();
        return out;
    }

    /**
     * Writes {@code seg} as a frame at {@code offset}.
     *
     * @param checksumOffload leave the TCP checksum to the NIC (only the pseudo-header sum is written).
     * @param seg    the segment (addresses host-order ints).
     * @param srcMac our MAC address, in the low 48 bits.
     * @param dstMac the next hop's MAC address, in the low 48 bits.
     * @param buffer the frame's buffer (an mbuf's data room).
     * @param offset of the frame's first byte in {@code buffer}.
     * @return the frame length, or -1 if it does not fit.
     */
    public int encode(final TcpSegment seg, final long srcMac, final long dstMac, final boolean checksumOffload,
        final MutableDirectBuffer buffer, final int offset)
    {
        return builder.srcMac(srcMac).dstMac(dstMac)
            .srcAddress(seg.localIp).dstAddress(seg.remoteIp)
            .srcPort(seg.localPort).dstPort(seg.remotePort)
            .seq(seg.seq).ack(seg.ack).flags(seg.flags).window(seg.window).urgentPointer(seg.urgentPointer)
            .checksumOffload(checksumOffload)
            .writeTcp(buffer, offset, seg.options, seg.payload, seg.payloadOffset, seg.payloadLength);
    }
}
