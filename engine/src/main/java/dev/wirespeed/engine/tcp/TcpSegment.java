package dev.wirespeed.engine.tcp;

import dev.wirespeed.engine.wire.TcpHeader;
import dev.wirespeed.engine.wire.TcpOptions;
import org.agrona.DirectBuffer;

/**
 * One TCP segment as the TCP layer sees it: a reusable, mutable holder (never allocated per packet).
 * <p>
 * Addresses are always from this host's point of view: on receive {@code local*} is the destination of the packet
 * and {@code remote*} its source; on transmit {@code local*} is the source. IPv4 addresses are ints in network order
 * value (a.b.c.d is {@code a<<24|b<<16|c<<8|d}); ports are 0..65535. {@code seq}/{@code ack} are unsigned 32-bit in
 * ints, compare with {@link SeqNum}. {@code window} is the raw 16-bit header field (unscaled). The payload is a view
 * ({@code payload}, {@code payloadOffset}, {@code payloadLength}), zero-copy into mbuf memory on receive and into
 * the send ring on transmit. Checksums are the wire layer's business: a segment here is already verified.
 * <p>
 * Not thread safe.
 */
public final class TcpSegment
{
    public static final int FIN = TcpHeader.FIN;
    public static final int SYN = TcpHeader.SYN;
    public static final int RST = TcpHeader.RST;
    public static final int PSH = TcpHeader.PSH;
    public static final int ACK = TcpHeader.ACK;
    public static final int URG = TcpHeader.URG;
    public static final int ECE = TcpHeader.ECE;
    public static final int CWR = TcpHeader.CWR;

    public int localIp;
    public int remoteIp;
    public int localPort;
    public int remotePort;
    public int seq;
    public int ack;
    public int flags;
    public int window;
    public int urgentPointer;
    public final TcpOptions options = new TcpOptions();
    public DirectBuffer payload;
    public int payloadOffset;
    public int payloadLength;

    public TcpSegment reset()
    {
        localIp = 0;
        remoteIp = 0;
        localPort = 0;
        remotePort = 0;
        seq = 0;
        ack = 0;
        flags = 0;
        window = 0;
        urgentPointer = 0;
        options.reset();
        payload = null;
        payloadOffset = 0;
        payloadLength = 0;
        return this;
    }

    public boolean has(final int flag)
    {
        return (flags & flag) != 0;
    }

    /** SEG.LEN: payload plus one for SYN and one for FIN (RFC 9293 §3.4). */
    public int segLen()
    {
        return payloadLength + ((flags & SYN) != 0 ? 1 : 0) + ((flags & FIN) != 0 ? 1 : 0);
    }

    public TcpSegment copyFrom(final TcpSegment o)
    {
        localIp = o.localIp;
        remoteIp = o.remoteIp;
        localPort = o.localPort;
        remotePort = o.remotePort;
        seq = o.seq;
        ack = o.ack;
        flags = o.flags;
        window = o.window;
        urgentPointer = o.urgentPointer;
        options.copyFrom(o.options);
        payload = o.payload;
        payloadOffset = o.payloadOffset;
        payloadLength = o.payloadLength;
        return this;
    }

    /** Swap local and remote, as a reply to this segment. */
    public TcpSegment addressedAsReplyTo(final TcpSegment in)
    {
        localIp = in.localIp;
        remoteIp = in.remoteIp;
        localPort = in.localPort;
        remotePort = in.remotePort;
        return this;
    }

    public TcpSegment tuple(final int localIp, final int localPort, final int remoteIp, final int remotePort)
    {
        this.localIp = localIp;
        this.localPort = localPort;
        this.remoteIp = remoteIp;
        this.remotePort = remotePort;
        return this;
    }

    public TcpSegment seq(final int seq)
    {
        this.seq = seq;
        return this;
    }

    public TcpSegment ack(final int ack)
    {
        this.ack = ack;
        return this;
    }

    public TcpSegment flags(final int flags)
    {
        this.flags = flags;
        return this;
    }

    public TcpSegment window(final int window)
    {
        this.window = window;
        return this;
    }

    public TcpSegment payload(final DirectBuffer buffer, final int offset, final int length)
    {
        this.payload = buffer;
        this.payloadOffset = offset;
        this.payloadLength = length;
        return this;
    }

    public static String flagsToString(final int flags)
    {
        final StringBuilder sb = new StringBuilder();
        final String[] names = { "FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR" };
        final int[] order = { 1, 2, 0, 3, 4, 5, 6, 7 };
        for (final int bit : order)
        {
            if ((flags & (1 << bit)) != 0)
            {
                if (sb.length() > 0)
                {
                    sb.append('|');
                }
                sb.append(names[bit]);
            }
        }
        return sb.length() == 0 ? "-" : sb.toString();
    }

    public String toString()
    {
        return flagsToString(flags) +
            " seq=" + Integer.toUnsignedString(seq) +
            " ack=" + Integer.toUnsignedString(ack) +
            " win=" + window +
            (urgentPointer != 0 ? " urg=" + urgentPointer : "") +
            " len=" + payloadLength +
            " " + options;
    }
}
