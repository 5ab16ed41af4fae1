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
    /**
     * An empty segment, filled by a parser or by the endpoint before use.
     */
    public TcpSegment()
    {
    }

    /** Flag bit: no more data from the sender. */
    public static final int FIN = TcpHeader.FIN;
    /** Flag bit: synchronize sequence numbers. */
    public static final int SYN = TcpHeader.SYN;
    /** Flag bit: reset the connection. */
    public static final int RST = TcpHeader.RST;
    /** Flag bit: push. */
    public static final int PSH = TcpHeader.PSH;
    /** Flag bit: the ack field is significant. */
    public static final int ACK = TcpHeader.ACK;
    /** Flag bit: the urgent pointer is significant. */
    public static final int URG = TcpHeader.URG;
    /** Flag bit: ECN echo (RFC 3168). */
    public static final int ECE = TcpHeader.ECE;
    /** Flag bit: congestion window reduced (RFC 3168). */
    public static final int CWR = TcpHeader.CWR;

    /** Our IPv4 address, host-order int. */
    public int localIp;
    /** The peer's IPv4 address, host-order int. */
    public int remoteIp;
    /** Our TCP port, 0..65535. */
    public int localPort;
    /** The peer's TCP port, 0..65535. */
    public int remotePort;
    /** SEG.SEQ, unsigned 32-bit. */
    public int seq;
    /** SEG.ACK, unsigned 32-bit (meaningful with {@link #ACK}). */
    public int ack;
    /** The flag bits ({@link #FIN}, {@link #SYN}, ...). */
    public int flags;
    /** The raw 16-bit window field, unscaled. */
    public int window;
    /** The raw 16-bit urgent pointer field. */
    public int urgentPointer;
    /** The segment's TCP options, parsed. */
    public final TcpOptions options = new TcpOptions();
    /** Buffer holding the payload, or null when there is none. */
    public DirectBuffer payload;
    /** Offset of the payload's first byte in {@link #payload}. */
    public int payloadOffset;
    /** Payload length in bytes. */
    public int payloadLength;

    /**
     * Clears every field (options too, payload to null), for reuse.
     *
     * @return this segment.
     */
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

    /**
     * Whether a flag bit is set.
     *
     * @param flag one flag bit, e.g. {@link #SYN}.
     * @return true if it is set.
     */
    public boolean has(final int flag)
    {
        return (flags & flag) != 0;
    }

    /**
     * SEG.LEN: payload plus one for SYN and one for FIN (RFC 9293 §3.4).
     *
     * @return sequence space the segment takes.
     */
    public int segLen()
    {
        return payloadLength + ((flags & SYN) != 0 ? 1 : 0) + ((flags & FIN) != 0 ? 1 : 0);
    }

    /**
     * Copies every field of {@code o}, options too; the payload stays a view of the same buffer.
     *
     * @param o the segment to copy.
     * @return this segment.
     */
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

    /**
     * Swap local and remote, as a reply to this segment.
     *
     * @param in a received segment, already from our point of view.
     * @return this segment, with {@code in}'s addresses and ports.
     */
    public TcpSegment addressedAsReplyTo(final TcpSegment in)
    {
        localIp = in.localIp;
        remoteIp = in.remoteIp;
        localPort = in.localPort;
        remotePort = in.remotePort;
        return this;
    }

    /**
     * Sets the 4-tuple.
     *
     * @param localIp    our IPv4 address, host-order int.
     * @param localPort  our TCP port.
     * @param remoteIp   the peer's IPv4 address, host-order int.
     * @param remotePort the peer's TCP port.
     * @return this segment.
     */
    public TcpSegment tuple(final int localIp, final int localPort, final int remoteIp, final int remotePort)
    {
        this.localIp = localIp;
        this.localPort = localPort;
        this.remoteIp = remoteIp;
        this.remotePort = remotePort;
        return this;
    }

    /**
     * Sets SEG.SEQ.
     *
     * @param seq unsigned 32-bit.
     * @return this segment.
     */
    public TcpSegment seq(final int seq)
    {
        this.seq = seq;
        return this;
    }

    /**
     * Sets SEG.ACK.
     *
     * @param ack unsigned 32-bit.
     * @return this segment.
     */
    public TcpSegment ack(final int ack)
    {
        this.ack = ack;
        return this;
    }

    /**
     * Sets the flag bits.
     *
     * @param flags the bits, e.g. {@code SYN | ACK}.
     * @return this segment.
     */
    public TcpSegment flags(final int flags)
    {
        this.flags = flags;
        return this;
    }

    /**
     * Sets the raw window field.
     *
     * @param window 0..65535, unscaled.
     * @return this segment.
     */
    public TcpSegment window(final int window)
    {
        this.window = window;
        return this;
    }

    /**
     * Sets the payload view (not copied).
     *
     * @param buffer holds the bytes, or null.
     * @param offset of the first byte in {@code buffer}.
     * @param length bytes.
     * @return this segment.
     */
    public TcpSegment payload(final DirectBuffer buffer, final int offset, final int length)
    {
        this.payload = buffer;
        this.payloadOffset = offset;
        this.payloadLength = length;
        return this;
    }

    /**
     * The names of the set flag bits, for logs.
     *
     * @param flags the bits.
     * @return e.g. {@code "SYN|ACK"}, or {@code "-"} when none is set.
     */
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
