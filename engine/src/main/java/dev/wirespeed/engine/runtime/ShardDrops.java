package dev.wirespeed.engine.runtime;

/**
 * The shard's own drop reasons, beside the wire parser's ({@code FrameParser.DROP_*}) and the TCP endpoint's
 * ({@code TcpCounters.DROP_*}): every frame the shard receives or builds and then frees without handing it on is
 * counted under exactly one reason. Published as {@code "shard-N drop NAME"}.
 */
public final class ShardDrops
{
    /** TCP or ICMP from a martian source address (the martian filter): LAND, loopback, broadcast, multicast. */
    public static final int MARTIAN_SOURCE = 0;
    /** ICMP that is not an echo request to our address (other types, or ping to another address). */
    public static final int ICMP_NOT_ECHO_FOR_US = 1;
    /** ARP not for our address that refreshed no entry (requests between other hosts, gratuitous ARP of others). */
    public static final int ARP_NOT_FOR_US = 2;
    /** An ARP reply for an address we neither asked for nor hold: nothing is created (Linux arp_accept=0). */
    public static final int ARP_UNSOLICITED_REPLY = 3;
    /** Another MAC for an entry stored less than the lock time (1 s) ago: the first answer stays. */
    public static final int ARP_LOCKTIME = 4;
    /** ARP from a martian or off-subnet sender address, or with a multicast sender MAC. */
    public static final int ARP_MARTIAN_SENDER = 5;
    /** ARP from another MAC claiming our own address (counted as a conflict; defended, RFC 5227 §2.4). */
    public static final int ARP_CONFLICT = 6;
    /** A frame for another shard whose inbox ring was full. */
    public static final int HAND_OFF_RING_FULL = 7;
    /** A copy of an ARP frame for another shard that found no mbuf. */
    public static final int HAND_OFF_NO_MBUF = 8;
    /** Dropped on receive by the {@code --impair} fault injection, on purpose. */
    public static final int IMPAIR_RX = 9;
    /** No mbuf for a segment, an ARP request or an announcement (TCP retransmits the segment later). */
    public static final int TX_NO_MBUF = 10;
    /** A segment that did not fit a frame. */
    public static final int TX_ENCODE_FAILED = 11;
    /** The TX batch was still full after a forced flush (the driver took nothing). */
    public static final int TX_BATCH_FULL = 12;
    /** A segment to a martian address (our own, loopback, broadcast): never sent, never ARPed for. */
    public static final int TX_MARTIAN_DESTINATION = 13;
    /** A segment pushed out of the full queue of an address being resolved (the oldest goes). */
    public static final int TX_ARP_QUEUE_OVERFLOW = 14;
    /** Segments queued for an address that never answered ARP. */
    public static final int TX_ARP_UNRESOLVED = 15;
    /** A segment to a new address while the ARP table was full of fresh or pending entries. */
    public static final int TX_ARP_TABLE_FULL = 16;
    /** Segments still waiting for ARP when the engine stopped. */
    public static final int TX_ARP_SHUTDOWN = 17;
    /** Dropped on transmit by the {@code --impair} fault injection, on purpose (or its backlog was full). */
    public static final int IMPAIR_TX = 18;
    /**
     * A frame whose destination MAC is another host's unicast address (a port in promiscuous mode, a switch flooding
     * an unknown destination): never parsed further, as Linux drops {@code PACKET_OTHERHOST}.
     */
    public static final int OTHER_HOST = 19;
    /** The number of reasons: every constant is below it. */
    public static final int COUNT = 20;

    private static final String[] NAMES =
    {
        "MARTIAN_SOURCE", "ICMP_NOT_ECHO_FOR_US", "ARP_NOT_FOR_US", "ARP_UNSOLICITED_REPLY", "ARP_LOCKTIME",
        "ARP_MARTIAN_SENDER", "ARP_CONFLICT", "HAND_OFF_RING_FULL", "HAND_OFF_NO_MBUF", "IMPAIR_RX", "TX_NO_MBUF",
        "TX_ENCODE_FAILED", "TX_BATCH_FULL", "TX_MARTIAN_DESTINATION", "TX_ARP_QUEUE_OVERFLOW", "TX_ARP_UNRESOLVED",
        "TX_ARP_TABLE_FULL", "TX_ARP_SHUTDOWN", "IMPAIR_TX", "OTHER_HOST",
    };

    private ShardDrops()
    {
    }

    /**
     * The name of a reason, e.g. {@code "MARTIAN_SOURCE"}.
     *
     * @param reason 0..{@link #COUNT} - 1.
     * @return the name.
     */
    public static String name(final int reason)
    {
        return NAMES[reason];
    }
}
