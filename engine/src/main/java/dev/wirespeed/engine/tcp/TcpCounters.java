package dev.wirespeed.engine.tcp;

/**
 * Per-endpoint counters: drop reasons and events, a plain {@code long[]} indexed by the constants below.
 * Not thread safe.
 */
public final class TcpCounters
{
    /**
     * Counters all at zero.
     */
    public TcpCounters()
    {
    }

    /** Dropped: a segment with source or destination port 0. */
    public static final int DROP_PORT_ZERO = 0;
    /** Dropped: a segment from or to a non-unicast address. */
    public static final int DROP_NON_UNICAST = 1;
    /** Dropped: a segment to an address that is not one of ours. */
    public static final int DROP_NOT_LOCAL_ADDRESS = 2;
    /** Dropped: SYN and FIN both set. */
    public static final int DROP_SYN_FIN = 3;
    /** Dropped: a RST for no connection (never answered). */
    public static final int DROP_RST_NO_CONNECTION = 4;
    /** Dropped: a RST to a listening port. */
    public static final int DROP_LISTEN_RST = 5;
    /** Dropped: a segment without SYN to a listening port (no ACK, so not answered with a RST). */
    public static final int DROP_LISTEN_NO_SYN = 6;
    /** Dropped: a SYN while the listener's backlog was full and SYN cookies were off. */
    public static final int DROP_BACKLOG_FULL = 7;
    /** Dropped: an old timestamp (PAWS, RFC 7323 §5). */
    public static final int DROP_PAWS = 8;
    /** Dropped: no timestamp on a connection that negotiated them (RFC 7323 §3.2). */
    public static final int DROP_MISSING_TIMESTAMP = 9;
    /** Dropped: a segment outside the receive window (acknowledged). */
    public static final int DROP_OUT_OF_WINDOW = 10;
    /** Dropped: a RST outside the receive window (RFC 5961 §3). */
    public static final int DROP_RST_OUT_OF_WINDOW = 11;
    /** Dropped: a segment without ACK on a synchronized connection. */
    public static final int DROP_NO_ACK = 12;
    /** Dropped: an ACK of data never sent (acknowledged). */
    public static final int DROP_ACK_UNACCEPTABLE = 13;
    /** Dropped: in SYN-SENT, an ACK that does not acknowledge our SYN (answered with a RST). */
    public static final int DROP_SYN_SENT_BAD_ACK = 14;
    /** Dropped: in SYN-SENT, a RST whose ACK is not acceptable. */
    public static final int DROP_SYN_SENT_RST_UNACCEPTABLE = 15;
    /** Dropped: in SYN-SENT, a segment with neither SYN nor RST. */
    public static final int DROP_SYN_SENT_NO_SYN = 16;
    /** Dropped: out-of-order data beyond the kept intervals ({@link TcpConfig#maxOutOfOrderIntervals}). */
    public static final int DROP_OUT_OF_ORDER_FULL = 17;
    /** Dropped: an ACK to a listener whose SYN cookie did not validate. */
    public static final int DROP_COOKIE_INVALID = 18;
    /** Dropped: a RST in TIME-WAIT (RFC 1337). */
    public static final int DROP_TIME_WAIT_RST = 19;
    /** Dropped: a stateless reply (RST, cookie SYN-ACK) with the reply queue full. */
    public static final int DROP_REPLY_QUEUE_FULL = 20;
    /** Dropped: data carried by a SYN (no TCP Fast Open); the SYN itself is processed. */
    public static final int DROP_SYN_DATA = 21;
    /** Not sent: a challenge ACK over {@link TcpConfig#challengeAckPerSecond}. */
    public static final int DROP_CHALLENGE_ACK_RATE_LIMITED = 22;
    /** Dropped: a SYN on a synchronized connection (answered with a challenge ACK, RFC 5961 §4). */
    public static final int DROP_SYN_IN_WINDOW = 23;
    /** Dropped: data after the peer's FIN. */
    public static final int DROP_DATA_AFTER_FIN = 24;
    /** Dropped: a SYN or connect with the connection table at {@link TcpConfig#maxConnections}. */
    public static final int DROP_CONNECTION_TABLE_FULL = 25;
    /** Dropped: half-open connections whose SYN-ACK retransmissions ran out. */
    public static final int DROP_HALF_OPEN_TIMEOUT = 26;
    /** SYN-ACKs sent with a SYN cookie (RFC 4987). */
    public static final int SYN_COOKIES_SENT = 27;
    /** Connections established from a valid SYN cookie. */
    public static final int SYN_COOKIES_ACCEPTED = 28;
    /** Challenge ACKs sent (RFC 5961). */
    public static final int CHALLENGE_ACKS = 29;
    /** Segments retransmitted, for any reason. */
    public static final int RETRANSMITS = 30;
    /** Fast retransmits (RFC 5681 §3.2, RFC 6675). */
    public static final int FAST_RETRANSMITS = 31;
    /** Retransmission timer expiries (RFC 6298). */
    public static final int RTO_EXPIRIES = 32;
    /** RSTs sent, in and out of connections. */
    public static final int RSTS_SENT = 33;
    /** Zero-window probes sent (RFC 9293 §3.8.6.1). */
    public static final int ZERO_WINDOW_PROBES = 34;
    /** Keepalive probes sent. */
    public static final int KEEPALIVE_PROBES = 35;
    /** Connections established, active and passive. */
    public static final int CONNECTIONS_OPENED = 36;
    /** Connections reset by the peer. */
    public static final int CONNECTIONS_RESET = 37;
    /** Connections given up: retransmissions, probes or keepalives ran out. */
    public static final int CONNECTIONS_TIMED_OUT = 38;
    /** Dropped: an urgent pointer past the segment (URG is not supported beyond that check). */
    public static final int DROP_URGENT_INVALID = 39;
    /** Tail loss probes sent (RFC 8985 §7). */
    public static final int TAIL_LOSS_PROBES = 40;
    /**
     * Recovery passes restarted because retransmissions were found lost (RFC 8985 §6): by data sent after them
     * being delivered (behaviour 69), or by time.
     */
    public static final int LOST_RETRANSMITS = 41;
    /** Received bytes dropped because the buffer budget had no chunk for them (the peer sends them again). */
    public static final int DROP_BUFFER_BUDGET_BYTES = 42;
    /** Writes accepted only partly because the buffer budget was used up. */
    public static final int WRITE_PARTIAL_BUDGET = 43;
    /** Window advertisements made smaller (down to zero) by the buffer budget. */
    public static final int WINDOW_BUDGET_LIMITED = 44;
    /** SYNs that met a used-up budget: past the connection budget answered with a cookie (or refused and counted in
     * drop.backlogFull when cookies are off); with the buffer budget used up, refused. */
    public static final int SYN_OVER_BUDGET = 45;
    /** Window advertisements whose right edge the buffer budget moved left (an application not reading). */
    public static final int WINDOW_BUDGET_SHRUNK = 46;
    /** Out-of-window pure ACKs left unanswered (one answer per connection per 500 ms, behaviour 14). */
    public static final int DROP_OOW_ACK_RATE_LIMITED = 47;
    /** The number of counters: every index is below it. */
    public static final int COUNT = 48;

    private static final String[] NAMES = {
        "drop.portZero", "drop.nonUnicast", "drop.notLocalAddress", "drop.synFin", "drop.rstNoConnection",
        "drop.listenRst", "drop.listenNoSyn", "drop.backlogFull", "drop.paws", "drop.missingTimestamp",
        "drop.outOfWindow", "drop.rstOutOfWindow", "drop.noAck", "drop.ackUnacceptable", "drop.synSentBadAck",
        "drop.synSentRstUnacceptable", "drop.synSentNoSyn", "drop.outOfOrderFull", "drop.cookieInvalid",
        "drop.timeWaitRst", "drop.replyQueueFull", "drop.synData", "drop.challengeAckRateLimited",
        "drop.synInWindow", "drop.dataAfterFin", "drop.connectionTableFull", "drop.halfOpenTimeout",
        "synCookiesSent", "synCookiesAccepted", "challengeAcks", "retransmits", "fastRetransmits", "rtoExpiries",
        "rstsSent", "zeroWindowProbes", "keepaliveProbes", "connectionsOpened", "connectionsReset",
        "connectionsTimedOut", "urgentPointerInvalid", "tailLossProbes", "lostRetransmits",
        "drop.bufferBudgetBytes", "budget.writePartial", "budget.windowLimited", "budget.synOverBudget",
        "budget.windowShrunk", "drop.oowAckRateLimited",
    };

    final long[] values = new long[COUNT];
    private final long[] connectionsByState = new long[TcpState.values().length];

    /**
     * The name of a counter as {@code wirespeed stat} prints it.
     *
     * @param counter an index, 0..{@link #COUNT} - 1.
     * @return e.g. {@code "drop.paws"} or {@code "retransmits"}.
     */
    public static String name(final int counter)
    {
        return NAMES[counter];
    }

    /**
     * The value of a counter. Shard thread, or after it stopped.
     *
     * @param counter an index, 0..{@link #COUNT} - 1.
     * @return the count since the endpoint was made.
     */
    public long get(final int counter)
    {
        return values[counter];
    }

    void increment(final int counter)
    {
        values[counter]++;
    }

    void add(final int counter, final long delta)
    {
        values[counter] += delta;
    }

    /**
     * Connections in a state now (a gauge; CLOSED is not counted: closed connections are gone or pooled).
     *
     * @param state the state.
     * @return connections in it now.
     */
    public long connections(final TcpState state)
    {
        return connectionsByState[state.ordinal()];
    }

    /**
     * Connections in a state now, by {@link TcpState} ordinal.
     *
     * @param stateOrdinal a {@link TcpState} ordinal.
     * @return connections in that state now.
     */
    public long connections(final int stateOrdinal)
    {
        return connectionsByState[stateOrdinal];
    }

    void onStateChange(final TcpState from, final TcpState to)
    {
        if (from != TcpState.CLOSED)
        {
            connectionsByState[from.ordinal()]--;
        }
        if (to != TcpState.CLOSED)
        {
            connectionsByState[to.ordinal()]++;
        }
    }

    public String toString()
    {
        final StringBuilder sb = new StringBuilder();
        for (int i = 0; i < COUNT; i++)
        {
            if (values[i] != 0)
            {
                sb.append(NAMES[i]).append('=').append(values[i]).append(' ');
            }
        }
        return sb.toString();
    }
}
