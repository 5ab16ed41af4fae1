package dev.wirespeed.engine.wire;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.Arrays;

/**
 * Helpers shared by the wire tests: hex fixtures, and parsing one frame in several placements to prove the
 * parsers never read outside the frame.
 */
final class WireTestSupport
{
    private WireTestSupport()
    {
    }

    /** Bytes from hex text; whitespace and anything after '#' on a line are ignored. */
    static byte[] hex(final String text)
    {
        final StringBuilder sb = new StringBuilder();
        for (final String line : text.split("\n"))
        {
            final int hash = line.indexOf('#');
            sb.append((hash >= 0 ? line.substring(0, hash) : line).replaceAll("\\s+", ""));
        }
        final String s = sb.toString();
        if ((s.length() & 1) != 0)
        {
            throw new IllegalArgumentException("odd number of hex digits");
        }
        final byte[] out = new byte[s.length() / 2];
        for (int i = 0; i < out.length; i++)
        {
            out[i] = (byte)Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
        }
        return out;
    }

    static byte[] concat(final byte[]... parts)
    {
        int n = 0;
        for (final byte[] p : parts)
        {
            n += p.length;
        }
        final byte[] out = new byte[n];
        int i = 0;
        for (final byte[] p : parts)
        {
            System.arraycopy(p, 0, out, i, p.length);
            i += p.length;
        }
        return out;
    }

    /**
     * What a parse saw, with offsets relative to the frame start, so parses of the same frame at different
     * offsets can be compared.
     */
    static String signature(final FrameParser parser, final int reason, final int base)
    {
        final StringBuilder sb = new StringBuilder();
        sb.append(FrameParser.dropReasonName(reason)).append(" type=").append(parser.type());
        switch (parser.type())
        {
            case FrameParser.TYPE_ARP:
                final ArpPacket arp = parser.arp();
                sb.append(" op=").append(arp.operation()).append(" spa=").append(arp.senderIp())
                    .append(" tpa=").append(arp.targetIp()).append(" sha=").append(arp.senderMac());
                break;
            case FrameParser.TYPE_ICMP:
                final IcmpEcho icmp = parser.icmp();
                sb.append(" icmp=").append(icmp.type()).append('/').append(icmp.code())
                    .append(" id=").append(icmp.identifier()).append(" seq=").append(icmp.sequence())
                    .append(" data@").append(icmp.dataOffset() - base).append('+').append(icmp.dataLength());
                break;
            case FrameParser.TYPE_TCP:
                final TcpHeader tcp = parser.tcp();
                sb.append(" ports=").append(tcp.srcPort()).append('>').append(tcp.dstPort())
                    .append(" seq=").append(tcp.seq()).append(" ack=").append(tcp.ack())
                    .append(" flags=").append(tcp.flags()).append(" win=").append(tcp.window())
                    .append(" payload@").append(tcp.payloadOffset() - base).append('+').append(tcp.payloadLength())
                    .append(' ').append(parser.tcpOptions());
                break;
            default:
                break;
        }
        return sb.toString();
    }

    /**
     * Parses {@code frame} three ways and asserts they agree: over an UnsafeBuffer of exactly the frame's
     * bytes (Agrona's bounds checks throw on any read outside), at offset {@code pad} inside a bigger array
     * of {@code sentinel} bytes, and over an UnsafeBuffer that wraps just that sub-range of the bigger array.
     * Also asserts the parse wrote nothing.
     *
     * @return the signature of the parse of the exact buffer.
     */
    static String parseEverywhere(final FrameParser parser, final byte[] frame, final int pad, final byte sentinel)
    {
        final byte[] copy = frame.clone();
        final int exactReason = parser.parse(new UnsafeBuffer(frame), 0, frame.length);
        final String exact = signature(parser, exactReason, 0);

        final byte[] big = new byte[pad + frame.length + pad];
        Arrays.fill(big, sentinel);
        System.arraycopy(frame, 0, big, pad, frame.length);
        final byte[] bigCopy = big.clone();

        final int placedReason = parser.parse(new UnsafeBuffer(big), pad, frame.length);
        final String placed = signature(parser, placedReason, pad);

        final DirectBuffer slice = new UnsafeBuffer(big, pad, frame.length);
        final int sliceReason = parser.parse(slice, 0, frame.length);
        final String sliced = signature(parser, sliceReason, 0);

        if (!exact.equals(placed) || !exact.equals(sliced))
        {
            throw new AssertionError("parse depends on bytes outside the frame:\n exact  " + exact +
                "\n placed " + placed + "\n sliced " + sliced);
        }
        if (!Arrays.equals(copy, frame) || !Arrays.equals(bigCopy, big))
        {
            throw new AssertionError("parse modified the buffer");
        }
        return exact;
    }
}
