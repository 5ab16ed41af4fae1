package dev.wirespeed.engine.runtime;

import dev.wirespeed.engine.wire.FrameParser;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * One shard's counters in {@link EngineCounters}, labelled {@code "shard-N ..."}: RX/TX packets and bytes, TX
 * drops, frames handed to other shards, a drop counter per {@link FrameParser} reason, a gauge of connections per
 * TCP state (CLOSED stays 0), and TCP events. The owning shard is the only writer; it publishes its own plain
 * counts with {@code setRelease} about once a millisecond (see {@code Shard}).
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
    private final AtomicCounter retransmissions;
    private final AtomicCounter challengeAcks;
    private final AtomicCounter synCookiesSent;
    private final AtomicCounter rstsSent;
    private final AtomicCounter txDropped;
    private final AtomicCounter handedOff;
    private final AtomicCounter handOffDropped;

    ShardCounters(final EngineCounters counters, final int shardId)
    {
        this.shardId = shardId;
        final String p = "shard-" + shardId + " ";
        rxPackets = counters.newCounter(p + "rx packets", EngineCounters.TYPE_PACKETS);
        rxBytes = counters.newCounter(p + "rx bytes", EngineCounters.TYPE_BYTES);
        txPackets = counters.newCounter(p + "tx packets", EngineCounters.TYPE_PACKETS);
        txBytes = counters.newCounter(p + "tx bytes", EngineCounters.TYPE_BYTES);
        txDropped = counters.newCounter(p + "tx dropped", EngineCounters.TYPE_DROPS);
        handedOff = counters.newCounter(p + "rx handed to other shards", EngineCounters.TYPE_PACKETS);
        handOffDropped = counters.newCounter(p + "drop hand-off ring full", EngineCounters.TYPE_DROPS);
        for (int reason = 1; reason < drops.length; reason++)
        {
            drops[reason] = counters.newCounter(p + "drop " + FrameParser.dropReasonName(reason), EngineCounters.TYPE_DROPS);
        }
        for (int state = 0; state < connections.length; state++)
        {
            connections[state] = counters.newCounter(p + "tcp " + TCP_STATE_NAMES[state], EngineCounters.TYPE_CONNECTIONS);
        }
        retransmissions = counters.newCounter(p + "tcp retransmissions", EngineCounters.TYPE_TCP_EVENTS);
        challengeAcks = counters.newCounter(p + "tcp challenge ACKs", EngineCounters.TYPE_TCP_EVENTS);
        synCookiesSent = counters.newCounter(p + "tcp SYN cookies sent", EngineCounters.TYPE_TCP_EVENTS);
        rstsSent = counters.newCounter(p + "tcp RSTs sent", EngineCounters.TYPE_TCP_EVENTS);
    }

    public int shardId()
    {
        return shardId;
    }

    /** Counts one received burst. */
    public void onRx(final int packets, final long bytes)
    {
        rxPackets.getAndAddRelease(packets);
        rxBytes.getAndAddRelease(bytes);
    }

    /** Counts one transmitted burst. */
    public void onTx(final int packets, final long bytes)
    {
        txPackets.getAndAddRelease(packets);
        txBytes.getAndAddRelease(bytes);
    }

    /** Counts a frame dropped for a {@link FrameParser} reason (1..DROP_REASON_COUNT-1; others are ignored). */
    public void onDrop(final int reason)
    {
        if (reason > 0 && reason < drops.length)
        {
            drops[reason].incrementRelease();
        }
    }

    /** Moves one connection from one TCP state (ordinal) to another; -1 for none. */
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

    public AtomicCounter rxPackets()
    {
        return rxPackets;
    }

    public AtomicCounter rxBytes()
    {
        return rxBytes;
    }

    public AtomicCounter txPackets()
    {
        return txPackets;
    }

    public AtomicCounter txBytes()
    {
        return txBytes;
    }

    /** The drop counter of a reason 1..DROP_REASON_COUNT-1 (reason 0 is "not dropped" and has none). */
    public AtomicCounter drops(final int reason)
    {
        return drops[reason];
    }

    /** The gauge of connections in a TCP state (ordinal into {@link #TCP_STATE_NAMES}). */
    public AtomicCounter connections(final int state)
    {
        return connections[state];
    }

    public AtomicCounter retransmissions()
    {
        return retransmissions;
    }

    public AtomicCounter challengeAcks()
    {
        return challengeAcks;
    }

    public AtomicCounter synCookiesSent()
    {
        return synCookiesSent;
    }

    public AtomicCounter rstsSent()
    {
        return rstsSent;
    }

    /** Frames built but not sent: no mbuf, a full TX batch, or an ARP resolution that failed. */
    public AtomicCounter txDropped()
    {
        return txDropped;
    }

    /** Frames this shard received for another shard's flow and handed over through its inbox ring. */
    public AtomicCounter handedOff()
    {
        return handedOff;
    }

    /** Frames lost because another shard's inbox ring was full (or no mbuf for an ARP copy). */
    public AtomicCounter handOffDropped()
    {
        return handOffDropped;
    }
}
