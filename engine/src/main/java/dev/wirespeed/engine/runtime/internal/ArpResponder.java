package dev.wirespeed.engine.runtime.internal;

import dev.wirespeed.engine.runtime.LocalAddresses;
import dev.wirespeed.engine.wire.ArpPacket;
import dev.wirespeed.engine.wire.EthernetFrame;
import dev.wirespeed.engine.wire.PacketBuilder;
import org.agrona.MutableDirectBuffer;

/**
 * Answers ARP requests for each of our addresses ({@link LocalAddresses}) and feeds the {@link ArpCache}, following Linux's defaults
 * ({@code arp_accept=0}, {@code arp_process} in {@code net/ipv4/arp.c}):
 * <ul>
 *   <li>a <b>request for our address</b> is answered, and its sender is learned (created or overwritten: Linux's
 *       {@code neigh_event_ns});</li>
 *   <li>a <b>reply</b>, and any ARP not for our address (gratuitous ARP, requests between other hosts), only
 *       updates an entry we already have, resolved or pending because we asked: an <b>unsolicited reply creates
 *       nothing</b>. A different MAC for a resolved entry is taken only once the entry is older than
 *       {@link ArpCache#LOCKTIME_NS} (Linux's {@code locktime}, 1 s), or from gratuitous ARP (sender = target
 *       address): when answers race, the first wins. As in Linux, a forged reply for a peer we hold <i>is</i> taken
 *       after the lock time: ARP has no authentication;</li>
 *   <li>nothing is learned from a <b>martian sender</b> (see {@link Martians}; also off-subnet senders and
 *       multicast sender MACs), and a request from a martian sender is not answered; an RFC 5227 probe
 *       (sender 0.0.0.0) for our address is answered but teaches nothing;</li>
 *   <li>another MAC <b>claiming our own address</b> is a conflict: counted, never learned, and defended
 *       (RFC 5227 §2.4 (c)) with one broadcast ARP announcement of our own address, at most once per
 *       {@link #DEFEND_INTERVAL_NS}: the caller sends it when {@link #onArp} returns {@link #DEFEND}.</li>
 * </ul>
 * Malformed ARP never gets here: {@code FrameParser} drops it first (wrong hardware/protocol type or lengths).
 * A request is answered in place, in the received mbuf: the caller transmits the same frame, same length
 * (a VLAN tag, if any, stays). {@link #writeRequest}, {@link #writeReply} and {@link #writeAnnouncement} build
 * frames in a new buffer.
 * <p>
 * Not thread safe: one per shard.
 */
public final class ArpResponder
{
    /** Nothing to send; the caller frees the mbuf. */
    public static final int CONSUMED = 0;
    /** The frame is now our reply; the caller transmits it as is. */
    public static final int REPLY_IN_PLACE = 1;
    /**
     * One of our addresses is claimed by another MAC: the caller frees the mbuf and sends {@link #writeAnnouncement}
     * (the same frame as {@code writeRequest(defendedAddress())}).
     */
    public static final int DEFEND = 2;
    /** RFC 5227 DEFEND_INTERVAL: at most one defending announcement per 10 s. */
    public static final long DEFEND_INTERVAL_NS = 10_000_000_000L;

    private final EthernetFrame ethernet = new EthernetFrame();
    private final ArpPacket arp = new ArpPacket();
    private final PacketBuilder builder = new PacketBuilder();
    private final ArpCache cache;
    private final long ourMac;
    private final int ourIp;
    private final Martians martians;
    private int defendIp;
    private final boolean answerRequests;

    private long repliesSent;
    private long learned;
    private long ignored;
    private long unsolicited;
    private long locked;
    private long martian;
    private long conflicts;
    private long defended;
    private boolean defendedOnce;
    private long lastDefendNs;

    public ArpResponder(final long ourMac, final int ourIp, final ArpCache cache)
    {
        this(ourMac, new Martians(ourIp, 0), cache, true);
    }

    /**
     * @param ours           our addresses and their network: requests for each are answered, and senders off that
     *                       network or martian are never learned from.
     * @param answerRequests as in {@link #ArpResponder(long, Martians, ArpCache, boolean)}.
     */
    public ArpResponder(final long ourMac, final LocalAddresses ours, final ArpCache cache, final boolean answerRequests)
    {
        this(ourMac, new Martians(ours), cache, answerRequests);
    }

    /**
     * @param martians       our addresses and subnet: senders never learned from.
     * @param answerRequests false for a listener that only learns: with several shards, every shard sees a copy
     *                       of each ARP frame to fill its own cache, and one of them answers (and counts).
     */
    public ArpResponder(final long ourMac, final Martians martians, final ArpCache cache, final boolean answerRequests)
    {
        this.answerRequests = answerRequests;
        this.ourMac = ourMac;
        this.ourIp = martians.ourIp();
        this.defendIp = ourIp;
        this.martians = martians;
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
     * @return {@link #REPLY_IN_PLACE}, {@link #DEFEND} or {@link #CONSUMED}.
     */
    public int onArp(final MutableDirectBuffer buffer, final int offset, final int length, final long nowNs)
    {
        ethernet.wrap(buffer, offset, length);
        arp.wrap(buffer, ethernet.payloadOffset(), ethernet.payloadLength());
        final int operation = arp.operation();
        final long senderMac = arp.senderMac();
        final int senderIp = arp.senderIp();
        final int targetIp = arp.targetIp();
        if (operation != ArpPacket.OPERATION_REQUEST && operation != ArpPacket.OPERATION_REPLY)
        {
            ignored++;
            return CONSUMED;
        }
        if (martians.isOurs(senderIp))
        {
            if (senderMac == ourMac)
            {
                ignored++; // our own announcement, looped back
                return CONSUMED;
            }
            conflicts++;
            if (answerRequests && (!defendedOnce || nowNs - lastDefendNs >= DEFEND_INTERVAL_NS))
            {
                defendedOnce = true;
                lastDefendNs = nowNs;
                defended++;
                defendIp = senderIp;
                return DEFEND;
            }
            return CONSUMED;
        }
        final boolean usableSender = senderIp != 0 && !martians.isMartianSource(senderIp) &&
            martians.onSubnet(senderIp) && !EthernetFrame.isMulticast(senderMac);
        if (!usableSender && senderIp != 0)
        {
            martian++;
            return CONSUMED;
        }
        if (operation == ArpPacket.OPERATION_REQUEST && martians.isOurs(targetIp))
        {
            if (usableSender && cache.learn(senderIp, senderMac, nowNs))
            {
                learned++;
            }
            if (answerRequests)
            {
                ethernet.dstMac(senderMac).srcMac(ourMac);
                arp.toReplyInPlace(ourMac, targetIp);
                repliesSent++;
                return REPLY_IN_PLACE;
            }
            return CONSUMED;
        }
        if (!usableSender)
        {
            ignored++; // a probe (sender 0.0.0.0) for another address
            return CONSUMED;
        }
        // Linux's arp_is_garp: sender = target address; for a reply also sender = target MAC
        final boolean gratuitous = senderIp == targetIp &&
            (operation == ArpPacket.OPERATION_REQUEST || arp.targetMac() == senderMac);
        final int result = cache.update(senderIp, senderMac, nowNs, gratuitous);
        if (result == ArpCache.UPDATED)
        {
            learned++;
        }
        else if (result == ArpCache.LOCKED)
        {
            locked++;
        }
        else if (operation == ArpPacket.OPERATION_REPLY && martians.isOurs(targetIp))
        {
            unsolicited++;
        }
        else
        {
            ignored++;
        }
        return CONSUMED;
    }

    /**
     * Writes an RFC 5227 ARP announcement of the address last defended ({@link #DEFEND}; our primary address
     * before any): a broadcast request with sender and target address that address, target MAC zero.
     * @return frame length, or -1 if it does not fit.
     */
    public int writeAnnouncement(final MutableDirectBuffer buffer, final int offset)
    {
        return writeRequest(buffer, offset, defendIp);
    }

    /**
     * Writes a broadcast "who has {@code targetIp}?" from us; for one of our own addresses that is its RFC 5227
     * announcement. @return frame length, or -1 if it does not fit.
     */
    public int writeRequest(final MutableDirectBuffer buffer, final int offset, final int targetIp)
    {
        // a request for one of our own addresses is its announcement: sender and target address both that one
        final int senderIp = martians.isOurs(targetIp) ? targetIp : ourIp;
        return builder.dstMac(EthernetFrame.BROADCAST_MAC)
            .writeArp(buffer, offset, ArpPacket.OPERATION_REQUEST, senderIp, 0, targetIp);
    }

    /** The address of ours that the last {@link #DEFEND} was about (our primary address before any). */
    public int defendedAddress()
    {
        return defendIp;
    }

    /** Writes "{@code ourIp} is at {@code ourMac}" to a requester. @return frame length, or -1 if it does not fit. */
    public int writeReply(final MutableDirectBuffer buffer, final int offset, final long targetMac, final int targetIp)
    {
        return builder.dstMac(targetMac).writeArp(buffer, offset, ArpPacket.OPERATION_REPLY, ourIp, targetMac, targetIp);
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

    /** ARP frames not for us that refreshed nothing (and our own frames looped back). */
    public long ignored()
    {
        return ignored;
    }

    /** Replies to us for an address we neither asked for nor hold: nothing was created (arp_accept=0). */
    public long unsolicited()
    {
        return unsolicited;
    }

    /** A different MAC for an entry stored less than the lock time ago: kept the first. */
    public long locked()
    {
        return locked;
    }

    /** ARP from a martian or off-subnet sender address, or a multicast sender MAC: ignored. */
    public long martian()
    {
        return martian;
    }

    /** ARP frames from another MAC claiming our own address (RFC 5227 conflicts). */
    public long conflicts()
    {
        return conflicts;
    }

    /** Announcements sent to defend our address (at most one per {@link #DEFEND_INTERVAL_NS}). */
    public long defended()
    {
        return defended;
    }
}
