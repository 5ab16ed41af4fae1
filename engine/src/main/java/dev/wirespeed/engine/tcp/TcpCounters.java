package dev.wirespeed.engine.tcp;

/**
 * Per-endpoint counters: drop reasons and events, a plain {@code long[]} indexed by the constants below.
 * Not thread safe.
 */
public final class TcpCounters
{
    public static final int DROP_PORT_ZERO = 0;
    public static final int DROP_NON_UNICAST = 1;
    public static final int DROP_NOT_LOCAL_ADDRESS = 2;
    public static final int DROP_SYN_FIN = 3;
    public static final int DROP_RST_NO_CONNECTION = 4;
    public static final int DROP_LISTEN_RST = 5;
    public static final int DROP_LISTEN_NO_SYN = 6;
    public static final int DROP_BACKLOG_FULL = 7;
    public static final int DROP_PAWS = 8;
    public static final int DROP_MISSING_TIMESTAMP = 9;
    public static final int DROP_OUT_OF_WINDOW = 10;
    public static final int DROP_RST_OUT_OF_WINDOW = 11;
    public static final int DROP_NO_ACK = 12;
    public static final int DROP_ACK_UNACCEPTABLE = 13;
    public static final int DROP_SYN_SENT_BAD_ACK = 14;
    public static final int DROP_SYN_SENT_RST_UNACCEPTABLE = 15;
    public static final int DROP_SYN_SENT_NO_SYN = 16;
    public static final int DROP_OUT_OF_ORDER_FULL = 17;
    public static final int DROP_COOKIE_INVALID = 18;
    public static final int DROP_TIME_WAIT_RST = 19;
    public static final int DROP_REPLY_QUEUE_FULL = 20;
    public static final int DROP_SYN_DATA = 21;
    public static final int DROP_CHALLENGE_ACK_RATE_LIMITED = 22;
    public static final int DROP_SYN_IN_WINDOW = 23;
    public static final int DROP_DATA_AFTER_FIN = 24;
    public static final int DROP_CONNECTION_TABLE_FULL = 25;
    public static final int DROP_HALF_OPEN_TIMEOUT = 26;
    public static final int SYN_COOKIES_SENT = 27;
    public static final int SYN_COOKIES_ACCEPTED = 28;
    public static final int CHALLENGE_ACKS = 29;
    public static final int RETRANSMITS = 30;
    public static final int FAST_RETRANSMITS = 31;
    public static final int RTO_EXPIRIES = 32;
    public static final int RSTS_SENT = 33;
    public static final int ZERO_WINDOW_PROBES = 34;
    public static final int KEEPALIVE_PROBES = 35;
    public static final int CONNECTIONS_OPENED = 36;
    public static final int CONNECTIONS_RESET = 37;
    public static final int CONNECTIONS_TIMED_OUT = 38;
    public static final int DROP_URGENT_INVALID = 39;
    /** Tail loss probes sent (RFC 8985 §7). */
    public static final int TAIL_LOSS_PROBES = 40;
    /** Recovery passes restarted because retransmissions were found lost by time (RFC 8985 §6). */
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
    public static final int COUNT = 47;

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
        "budget.windowShrunk",
    };

    final long[] values = new long[COUNT];
    private final long[] connectionsByState = new long[TcpState.values().length];

    public static String name(final int counter)
    {
        return NAMES[counter];
    }

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

    /** Connections in a state now (a gauge; CLOSED is not counted: closed connections are gone or pooled). */
    public long connections(final TcpState state)
    {
        return connectionsByState[state.ordinal()];
    }

    /** Connections in a state now, by {@link TcpState} ordinal. */
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
