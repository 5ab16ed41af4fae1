package dev.wirespeed.engine.runtime;

import dev.wirespeed.engine.wire.ArpPacket;
import dev.wirespeed.engine.wire.EthernetFrame;
import dev.wirespeed.engine.wire.PacketBuilder;
import org.agrona.MutableDirectBuffer;

/**
 * Answers ARP requests for each of our addresses ({@link LocalAddresses}) and feeds the {@link ArpCache} (RFC 826 "merge" rule): a request or
 * reply whose target is our address is learned; any other ARP only refreshes an entry we already have (so
 * gratuitous ARP updates a neighbour, but strangers do not fill the table).
 * <p>
 * A request is answered in place, in the received mbuf: the caller transmits the same frame, same length
 * (a VLAN tag, if any, stays). {@link #writeRequest} and {@link #writeReply} build frames in a new buffer.
 * Frames must already have been accepted by {@code FrameParser} as ARP.
 * <p>
 * Not thread safe: one per shard.
 */
public final class ArpResponder
{
    /** Nothing to send; the caller frees the mbuf. */
    public static final int CONSUMED = 0;
    /** The frame is now our reply; the caller transmits it as is. */
    public static final int REPLY_IN_PLACE = 1;

    private final EthernetFrame ethernet = new EthernetFrame();
    private final ArpPacket arp = new ArpPacket();
    private final PacketBuilder builder = new PacketBuilder();
    private final ArpCache cache;
    private final long ourMac;
    private final LocalAddresses ours;
    private final boolean answerRequests;

    private long repliesSent;
    private long learned;
    private long ignored;

    public ArpResponder(final long ourMac, final int ourIp, final ArpCache cache)
    {
        this(ourMac, LocalAddresses.single(ourIp), cache, true);
    }

    public ArpResponder(final long ourMac, final int ourIp, final ArpCache cache, final boolean answerRequests)
    {
        this(ourMac, LocalAddresses.single(ourIp), cache, answerRequests);
    }

    /**
     * @param answerRequests false for a listener that only learns: with several shards, every shard sees a copy
     *                       of each ARP frame to fill its own cache, and one of them answers.
     */
    public ArpResponder(final long ourMac, final LocalAddresses ours, final ArpCache cache,
        final boolean answerRequests)
    {
        this.answerRequests = answerRequests;
        this.ourMac = ourMac;
        this.ours = ours;
        this.cache = cache;
        builder.srcMac(ourMac);
    }

    /**
     * Handles one received ARP frame.
     *
     * @param buffer holding the frame, writable (the reply is built in it).
     * @param offset of the Ethernet header.
     * @param length of the frame.
     * @param nowNs  the duty cycle's time.
     * @return {@link #REPLY_IN_PLACE} or {@link #CONSUMED}.
     */
    public int onArp(final MutableDirectBuffer buffer, final int offset, final int length, final long nowNs)
    {
        ethernet.wrap(buffer, offset, length);
        arp.wrap(buffer, ethernet.payloadOffset(), ethernet.payloadLength());
        final int operation = arp.operation();
        final long senderMac = arp.senderMac();
        final int senderIp = arp.senderIp();
        final int targetIp = arp.targetIp();
        final boolean learnable = senderIp != 0 && !ours.contains(senderIp) && !EthernetFrame.isMulticast(senderMac);
        if (ours.contains(targetIp) && (operation == ArpPacket.OPERATION_REQUEST || operation == ArpPacket.OPERATION_REPLY))
        {
            if (learnable && cache.learn(senderIp, senderMac, nowNs))
            {
                learned++;
            }
            if (operation == ArpPacket.OPERATION_REQUEST && answerRequests)
            {
                ethernet.dstMac(senderMac).srcMac(ourMac);
                arp.toReplyInPlace(ourMac, targetIp);
                repliesSent++;
                return REPLY_IN_PLACE;
            }
            return CONSUMED;
        }
        if (!(learnable && cache.update(senderIp, senderMac, nowNs)))
        {
            ignored++;
        }
        return CONSUMED;
    }

    /** Writes a broadcast "who has {@code targetIp}?" from us. @return frame length, or -1 if it does not fit. */
    public int writeRequest(final MutableDirectBuffer buffer, final int offset, final int targetIp)
    {
        return builder.dstMac(EthernetFrame.BROADCAST_MAC)
            .writeArp(buffer, offset, ArpPacket.OPERATION_REQUEST, ours.primary(), 0, targetIp);
    }

    /** Writes "{@code ourIp} is at {@code ourMac}" to a requester. @return frame length, or -1 if it does not fit. */
    public int writeReply(final MutableDirectBuffer buffer, final int offset, final long targetMac, final int targetIp)
    {
        return builder.dstMac(targetMac).writeArp(buffer, offset, ArpPacket.OPERATION_REPLY, ours.primary(), targetMac,
            targetIp);
    }

    public long repliesSent()
    {
        return repliesSent;
    }

    /** Entries learned from ARP addressed to us. */
    public long learned()
    {
        return learned;
    }

    /** ARP frames not for us that refreshed nothing. */
    public long ignored()
    {
        return ignored;
    }
}
