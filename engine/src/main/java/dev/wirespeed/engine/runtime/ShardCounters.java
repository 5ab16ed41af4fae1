package dev.wirespeed.engine.runtime;

import dev.wirespeed.engine.tcp.TcpCounters;
import dev.wirespeed.engine.wire.FrameParser;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * One shard's counters in {@link EngineCounters}, labelled {@code "shard-N ..."}: RX/TX packets and bytes, frames
 * handed to other shards, a drop counter per {@link FrameParser} reason and per {@link ShardDrops} reason
 * ({@code "shard-N drop NAME"}), a gauge of connections per TCP state (CLOSED stays 0), every {@link TcpCounters}
 * drop reason and event ({@code "shard-N tcp drop.synFin"}, ...) and the ARP events. The owning shard is the only
 * writer; it publishes its own plain counts with {@code setRelease} about once a millisecond (see {@code Shard}).
 * <p>
 * Not thread safe: written by its shard only.
 */
public final class ShardCounters
{
    /** RFC 793 state names, in the order of the TCP state machine's {@code TcpState} ordinals. */
    public static final String[] TCP_STATE_NAMES =
    {
        "CLOSED", "LISTEN", "SYN-SENT", "SYN-RECEIVED", "ESTABLISHED", "FIN-WAIT-1", "FIN-WAIT-2", "CLOSE-WAIT",
        "CLOSING", "LAST-ACK", "TIME-WAIT",
    };

    private final int shardId;
    private final AtomicCounter rxPackets;
    private final AtomicCounter rxBytes;
    private final AtomicCounter txPackets;
    private final AtomicCounter txBytes;
    private final AtomicCounter[] drops = new AtomicCounter[FrameParser.DROP_REASON_COUNT];
    private final AtomicCounter[] connections = new AtomicCounter[TCP_STATE_NAMES.length];
    private final AtomicCounter[] shardDrops = new AtomicCounter[ShardDrops.COUNT];
    private final AtomicCounter[] tcp = new AtomicCounter[TcpCounters.COUNT];
    private final AtomicCounter handedOff;
    private final AtomicCounter arpRequestsSent;
    private final AtomicCounter arpRepliesSent;
    private final AtomicCounter arpLearned;
    private final AtomicCounter arpDefended;

    ShardCounters(final EngineCounters counters, final int shardId)
    {
        this.shardId = shardId;
        final String p = "shard-" + shardId + " ";
        rxPackets = counters.newCounter(p + "rx packets", EngineCounters.TYPE_PACKETS);
        rxBytes = counters.newCounter(p + "rx bytes", EngineCounters.TYPE_BYTES);
        txPackets = counters.newCounter(p + "tx packets", EngineCounters.TYPE_PACKETS);
        txBytes = counters.newCounter(p + "tx bytes", EngineCounters.TYPE_BYTES);
        handedOff = counters.newCounter(p + "rx handed to other shards", EngineCounters.TYPE_PACKETS);
        for (int reason = 1; reason < drops.length; reason++)
        {
            drops[reason] = counters.newCounter(p + "drop " + FrameParser.dropReasonName(reason), EngineCounters.TYPE_DROPS);
        }
        for (int reason = 0; reason < shardDrops.length; reason++)
        {
            shardDrops[reason] = counters.newCounter(p + "drop " + ShardDrops.name(reason), EngineCounters.TYPE_DROPS);
        }
        for (int state = 0; state < connections.length; state++)
        {
            connections[state] = counters.newCounter(p + "tcp " + TCP_STATE_NAMES[state], EngineCounters.TYPE_CONNECTIONS);
        }
        for (int i = 0; i < tcp.length; i++)
        {
            final String name = TcpCounters.name(i);
            tcp[i] = counters.newCounter(p + "tcp " + name,
                name.startsWith("drop.") ? EngineCounters.TYPE_DROPS : EngineCounters.TYPE_TCP_EVENTS);
        }
        arpRequestsSent = counters.newCounter(p + "arp requests sent", EngineCounters.TYPE_GENERIC);
        arpRepliesSent = counters.newCounter(p + "arp replies sent", EngineCounters.TYPE_GENERIC);
        arpLearned = counters.newCounter(p + "arp learned", EngineCounters.TYPE_GENERIC);
        arpDefended = counters.newCounter(p + "arp defended", EngineCounters.TYPE_GENERIC);
    }

    /**
     * Counters per shard: what {@link EngineCounters} must have room for.
     *
     * @return the number of counters.
     */
    public static int countPerShard()
    {
        return 5 + (FrameParser.DROP_REASON_COUNT - 1) + ShardDrops.COUNT + TCP_STATE_NAMES.length +
            TcpCounters.COUNT + 4;
    }

    /**
     * The index of the shard these counters belong to ({@code shard-N} in their labels).
     *
     * @return the shard index.
     */
    public int shardId()
    {
        return shardId;
    }

    /**
     * Counts one received burst.
     *
     * @param packets frames in the burst.
     * @param bytes   their frame bytes.
     */
    public void onRx(final int packets, final long bytes)
    {
        rxPackets.getAndAddRelease(packets);
        rxBytes.getAndAddRelease(bytes);
    }

    /**
     * Counts one transmitted burst.
     *
     * @param packets frames in the burst.
     * @param bytes   their frame bytes.
     */
    public void onTx(final int packets, final long bytes)
    {
        txPackets.getAndAddRelease(packets);
        txBytes.getAndAddRelease(bytes);
    }

    /**
     * Counts a frame dropped for a {@link FrameParser} reason (1..DROP_REASON_COUNT-1; others are ignored).
     *
     * @param reason a {@code FrameParser.DROP_*}.
     */
    public void onDrop(final int reason)
    {
        if (reason > 0 && reason < drops.length)
        {
            drops[reason].incrementRelease();
        }
    }

    /**
     * Moves one connection from one TCP state (ordinal) to another; -1 for none.
     *
     * @param fromState the old state's ordinal, or -1 for a new connection.
     * @param toState   the new state's ordinal, or -1 for a connection gone.
     */
    public void onStateChange(final int fromState, final int toState)
    {
        if (fromState >= 0 && fromState < connections.length)
        {
            connections[fromState].decrementRelease();
        }
        if (toState >= 0 && toState < connections.length)
        {
            connections[toState].incrementRelease();
        }
    }

    /**
     * Frames received by the shard.
     *
     * @return the counter.
     */
    public AtomicCounter rxPackets()
    {
        return rxPackets;
    }

    /**
     * Frame bytes received by the shard.
     *
     * @return the counter.
     */
    public AtomicCounter rxBytes()
    {
        return rxBytes;
    }

    /**
     * Frames transmitted by the shard.
     *
     * @return the counter.
     */
    public AtomicCounter txPackets()
    {
        return txPackets;
    }

    /**
     * Frame bytes transmitted by the shard.
     *
     * @return the counter.
     */
    public AtomicCounter txBytes()
    {
        return txBytes;
    }

    /**
     * The drop counter of a reason 1..DROP_REASON_COUNT-1 (reason 0 is "not dropped" and has none).
     *
     * @param reason a {@code FrameParser.DROP_*} other than 0.
     * @return the counter.
     */
    public AtomicCounter drops(final int reason)
    {
        return drops[reason];
    }

    /**
     * The gauge of connections in a TCP state (ordinal into {@link #TCP_STATE_NAMES}).
     *
     * @param state a {@link dev.wirespeed.engine.tcp.TcpState} ordinal.
     * @return the gauge.
     */
    public AtomicCounter connections(final int state)
    {
        return connections[state];
    }

    /**
     * The drop counter of a {@link ShardDrops} reason.
     *
     * @param reason a {@link ShardDrops} constant, 0..{@link ShardDrops#COUNT} - 1.
     * @return the counter.
     */
    public AtomicCounter shardDrops(final int reason)
    {
        return shardDrops[reason];
    }

    /**
     * The counter of a {@link TcpCounters} index (drop reasons and events).
     *
     * @param counter a {@link TcpCounters} index.
     * @return the counter.
     */
    public AtomicCounter tcp(final int counter)
    {
        return tcp[counter];
    }

    /**
     * ARP requests the shard sent (resolving a peer, or probing a stale entry).
     *
     * @return the counter.
     */
    public AtomicCounter arpRequestsSent()
    {
        return arpRequestsSent;
    }

    /**
     * ARP replies the shard sent for its local addresses.
     *
     * @return the counter.
     */
    public AtomicCounter arpRepliesSent()
    {
        return arpRepliesSent;
    }

    /**
     * ARP entries created or refreshed.
     *
     * @return the counter.
     */
    public AtomicCounter arpLearned()
    {
        return arpLearned;
    }

    /**
     * Announcements sent to defend our address against a conflicting claim (RFC 5227 §2.4).
     *
     * @return the counter.
     */
    public AtomicCounter arpDefended()
    {
        return arpDefended;
    }

    /**
     * Frames this shard received for another shard's flow and handed over through its inbox ring.
     *
     * @return the counter.
     */
    public AtomicCounter handedOff()
    {
        return handedOff;
    }
}
