package dev.wirespeed.engine.tcp;

/**
 * Tunables of a {@link TcpEndpoint}. Plain mutable fields with defaults; set before constructing the endpoint.
 */
public final class TcpConfig
{
    /**
     * A configuration with every default; set the fields that differ before the endpoint is built.
     */
    public TcpConfig()
    {
    }

    /** Seed of every random choice (ISN secret, cookie secret, ephemeral port offsets, timestamp offsets). */
    public long seed = 0x5eed_0000_0000_0001L;
    /**
     * Injectable RFC 6528 secret, which also keys the per-connection timestamp offsets; when both are 0 both are
     * derived from {@link #seed}. {@code Engine} injects a secret shared by every engine on the host until reboot
     * (as Linux's is), so a 4-tuple reused by a later run still gets a higher ISN and timestamp than the peer's
     * TIME-WAIT holds for it.
     */
    public long isnKey0 = 0;
    /** Second half of the RFC 6528 secret (see {@link #isnKey0}). */
    public long isnKey1 = 0;
    /** When not -1, every ISN is this value: deterministic LOCAL_SEQ in tests only. Never in production. */
    public long fixedIsnForTests = -1;

    /** Lower bound of the retransmission timeout, ns (RFC 6298 §2.4 says 1 s; 200 ms as Linux). */
    public long minRtoNs = 200_000_000L;
    /** Upper bound of the retransmission timeout after backoff, ns (RFC 6298 §2.5: at least 60 s). */
    public long maxRtoNs = 60_000_000_000L;
    /** Retransmission timeout before the first RTT sample, ns (RFC 6298 §2.1: 1 s). */
    public long initialRtoNs = 1_000_000_000L;
    /** Clock granularity G of RFC 6298 §2. */
    public long clockGranularityNs = 1_000_000L;
    /** SYN retransmissions before the connect times out. */
    public int synRetries = 6;
    /** SYN-ACK retransmissions before a half-open connection is dropped. */
    public int synAckRetries = 5;
    /** Data retransmissions (RTO expiries in a row) before the connection times out. */
    public int maxRetries = 15;

    /** Longest delay of an ACK for in-order data, ns (RFC 9293 §3.8.6.3: under 0.5 s; 40 ms as Linux). */
    public long delayedAckNs = 40_000_000L;
    /** Path MTU; our MSS is {@code mtu - 40}. */
    public int mtu = 1500;
    /** Smallest MSS we accept from a peer (RFC 9293 §3.7.1 clamping; RFC 879 default is 536). */
    public int minMss = 64;
    /** Our window scale shift, offered in SYNs (0..14). */
    public int windowScale = 7;
    /** Offer the window scale option (RFC 7323 §2) in SYNs. */
    public boolean windowScaleEnabled = true;
    /** Offer the timestamps option (RFC 7323 §3) in SYNs. */
    public boolean timestampsEnabled = true;
    /** Offer SACK-permitted (RFC 2018) in SYNs. */
    public boolean sackEnabled = true;
    /** Random per-connection timestamp offset (RFC 7323 §7.1); tests turn it off for exact values. */
    public boolean randomTimestampOffset = true;
    /** Default of {@link TcpEndpoint#setNoDelay}: true turns the Nagle algorithm (RFC 9293 §3.7.4) off. */
    public boolean noDelay = false;
    /** Initial congestion window, in segments of the MSS (RFC 6928: 10). */
    public int initialCwndSegments = 10;
    /** Congestion control per TCB (called once per pooled TCB, not per connection). NewReno by default. */
    public java.util.function.Supplier<CongestionControl> congestionControl = NewReno::new;

    /** Default of {@link TcpEndpoint#setKeepAlive}: keepalive probes on idle connections (RFC 9293 §3.8.4). */
    public boolean keepAlive = false;
    /** Idle time before the first keepalive probe, ns (2 h, as Linux's tcp_keepalive_time). */
    public long keepAliveIdleNs = 7_200_000_000_000L;
    /** Time between unanswered keepalive probes, ns (75 s). */
    public long keepAliveIntervalNs = 75_000_000_000L;
    /** Unanswered keepalive probes before the connection times out. */
    public int keepAliveProbes = 9;

    /** An application-closed connection waits at most this long in FIN-WAIT-2 for the peer's FIN (Linux's
     * tcp_fin_timeout); then it is dropped. */
    public long finWait2TimeoutNs = 60_000_000_000L;
    /** Maximum segment lifetime; TIME-WAIT lasts 2·MSL (default 2·30 s = 60 s). */
    public long mslNs = 30_000_000_000L;
    /** Half-open (SYN-RECEIVED) connections per endpoint before SYN cookies take over (RFC 4987). */
    public int halfOpenBound = 256;
    /** Answer SYNs past {@link #halfOpenBound} (or the buffer budget) with SYN cookies; false drops them instead. */
    public boolean synCookiesEnabled = true;
    /** Challenge ACKs per second per endpoint (RFC 5961 §7). */
    public int challengeAckPerSecond = 1000;

    /** Send and receive ring sizes in bytes (powers of two): the most one connection queues or holds unread. */
    public int sendBufferSize = 64 * 1024;
    /**
     * Receive ring size in bytes (a power of two): the most one connection holds unread (see {@link #sendBufferSize}).
     */
    public int receiveBufferSize = 64 * 1024;
    /**
     * Buffer-memory budget per endpoint (shard), in bytes: every connection's queued and unread bytes live in
     * chunks of {@link #bufferChunkSize} from one pool of at most this much. When it is used up, receive windows
     * shrink (to zero), writes are accepted only partly and new SYNs get cookies or are refused, all counted.
     */
    public long bufferBudgetBytes = 256L << 20;
    /** Bytes per buffer chunk (a power of two, at most the ring sizes): an idle connection holds none. */
    public int bufferChunkSize = 4096;
    /** Capacity of the queue of stateless replies (RSTs, cookie SYN-ACKs) between two dispatches. */
    public int replyQueueCapacity = 1024;
    /** Connection budget: connections (any state, TIME-WAIT included) per endpoint; past it SYNs get cookies or
     * are dropped, a cookie's ACK is refused, and connect fails, all counted. */
    public int maxConnections = 1 << 20;
    /** Out-of-order intervals kept per connection. */
    public int maxOutOfOrderIntervals = 8;
    /** Ephemeral port range (RFC 6335 §6). */
    public int ephemeralLow = 49152;
    /** Highest ephemeral port, inclusive (see {@link #ephemeralLow}). */
    public int ephemeralHigh = 65535;
    /**
     * Shards of the engine and this endpoint's index among them: active opens use only local ports whose
     * {@link FlowHash} is this shard, so the dispatcher brings the replies here.
     */
    public int shardCount = 1;
    /** This endpoint's shard index, 0..{@link #shardCount} - 1 (see {@link #shardCount}). */
    public int shardIndex = 0;

    /**
     * Our maximum segment size: {@link #mtu} less 40 bytes of IPv4 and TCP header.
     *
     * @return bytes.
     */
    public int mss()
    {
        return mtu - 40;
    }
}
