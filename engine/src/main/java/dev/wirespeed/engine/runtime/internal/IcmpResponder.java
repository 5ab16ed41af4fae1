package dev.wirespeed.engine.runtime.internal;

import dev.wirespeed.engine.runtime.LocalAddresses;
import dev.wirespeed.engine.wire.Checksum;
import dev.wirespeed.engine.wire.EthernetFrame;
import dev.wirespeed.engine.wire.IcmpEcho;
import dev.wirespeed.engine.wire.Ipv4Header;
import org.agrona.MutableDirectBuffer;

/**
 * Turns an ICMP echo request for one of our addresses into the echo reply, in place, in the received mbuf: MACs swapped
 * (we become the source), IPv4 addresses swapped, TTL reset to {@link #REPLY_TTL}, ICMP type 8 &rarr; 0. Both
 * checksums are patched incrementally (RFC 1624), never recomputed over the data. The frame length is unchanged.
 * Frames must already have been accepted by {@code FrameParser} as ICMP (checksums verified).
 * <p>
 * Not thread safe: one per shard.
 */
public final class IcmpResponder
{
    public static final int REPLY_TTL = 64;

    private final EthernetFrame ethernet = new EthernetFrame();
    private final Ipv4Header ipv4 = new Ipv4Header();
    private final IcmpEcho icmp = new IcmpEcho();
    private final long ourMac;
    private final LocalAddresses ours;
    private long repliesSent;
    private long ignored;

    public IcmpResponder(final long ourMac, final int ourIp)
    {
        this(ourMac, LocalAddresses.single(ourIp));
    }

    /** Answers echo requests to any of {@code ours}. */
    public IcmpResponder(final long ourMac, final LocalAddresses ours)
    {
        this.ourMac = ourMac;
        this.ours = ours;
    }

    /**
     * @return true if the frame is now an echo reply to transmit; false if it is not an echo request for us
     * (the frame is untouched and the caller frees it).
     */
    public boolean onIcmp(final MutableDirectBuffer buffer, final int offset, final int length)
    {
        ethernet.wrap(buffer, offset, length);
        ipv4.wrap(buffer, ethernet.payloadOffset(), ethernet.payloadLength());
        icmp.wrap(buffer, ipv4.payloadOffset(), ipv4.payloadLength());
        if (!ours.contains(ipv4.dstAddress()) || !icmp.isEchoRequest() || icmp.code() != 0)
        {
            ignored++;
            return false;
        }
        ethernet.dstMac(ethernet.srcMac()).srcMac(ourMac);
        // swapping the addresses leaves the one's-complement sum, hence the header checksum, unchanged
        ipv4.swapAddresses();
        final int oldWord = (ipv4.ttl() << 8) | ipv4.protocol();
        final int newWord = (REPLY_TTL << 8) | ipv4.protocol();
        ipv4.ttl(REPLY_TTL).checksum(Checksum.update16(ipv4.checksum(), oldWord, newWord));
        icmp.toReplyInPlace();
        repliesSent++;
        return true;
    }

    public long repliesSent()
    {
        return repliesSent;
    }

    /** ICMP frames that were not echo requests for us. */
    public long ignored()
    {
        return ignored;
    }
}
