package dev.wirespeed.apps.load;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * What one {@code wirespeed load} run does, checked and immutable: the mode, the target, the loop (closed with
 * {@link #connections}, open with {@link #rate}, or both: a constant number of active flows paced at a rate),
 * the per-connection work and the run's timing. {@link #share} splits it over shards.
 */
public final class LoadPlan
{
    /** What each connection does. */
    public enum Mode
    {
        /** Handshake, then close (FIN or RST): connections per second. */
        CONNECT,
        /** HTTP/1.1 GET requests, responses parsed. */
        HTTP,
        /** Requests of {@code size} bytes, echo checked byte for byte. */
        ECHO,
        /** One-way bytes, upload or download. */
        BULK
    }

    /** Default of {@link #catchUp}: a backlog drains at twice the rate, in as long as the stall that made it. */
    public static final double DEFAULT_CATCH_UP = 2.0;

    /** What the run measures. */
    public final Mode mode;
    /** The target's IPv4 address, host-order int. */
    public final int targetIp;
    /** The target's TCP port. */
    public final int targetPort;
    /** Local addresses active opens spread over (at least one). */
    public final int[] srcIps;
    /** Connections kept open (closed loop, or the constant active flows of a paced run); 0 in a pure open loop. */
    public final int connections;
    /** Connections (connect mode) or requests per second; 0 in a closed loop. */
    public final double rate;
    /** Concurrency cap of an open loop. */
    public final int maxOpen;
    /** Open loop: a backlog drains at most this many times the rate (at least 1); see {@link OpenLoopSchedule}. */
    public final double catchUp;
    /** Requests per connection before it is closed; 0: keep-alive until the run ends. */
    public final int requestsPerConnection;
    /** Echo request size, or bytes per bulk connection (0: until the run ends). */
    public final long size;
    /** Close with RST (abortive) instead of FIN. */
    public final boolean closeRst;
    /** Bulk mode: the target sends (download) instead of us (upload). */
    public final boolean bulkDownload;
    /** Time before measuring starts, ns. */
    public final long warmupNs;
    /** Measured time, after the warmup, ns. */
    public final long durationNs;
    /** Longest wait for a handshake, ns. */
    public final long connectTimeoutNs;
    /** Longest wait for a response (or a bulk byte) before the connection counts as a read timeout, ns. */
    public final long readTimeoutNs;
    /** Seed of the run (echo payloads; each shard derives its own). */
    public final long seed;
    /** HTTP request path. */
    public final String path;
    /** HTTP Host header. */
    public final String host;
    /** Extra HTTP request header lines, {@code Name: value}. */
    public final List<String> headers;
    /** The HTTP request (keep-alive) and the same with {@code Connection: close}, as sent. */
    public final byte[] httpRequest;
    /** The HTTP request with {@code Connection: close}, as sent. */
    public final byte[] httpRequestClose;

    private LoadPlan(final Builder b)
    {
        mode = b.mode;
        targetIp = b.targetIp;
        targetPort = b.targetPort;
        srcIps = b.srcIps.clone();
        connections = b.connections;
        rate = b.rate;
        maxOpen = b.maxOpen;
        catchUp = b.catchUp;
        requestsPerConnection = b.requestsPerConnection;
        size = b.size;
        closeRst = b.closeRst;
        bulkDownload = b.bulkDownload;
        warmupNs = b.warmupNs;
        durationNs = b.durationNs;
        connectTimeoutNs = b.connectTimeoutNs;
        readTimeoutNs = b.readTimeoutNs;
        seed = b.seed;
        path = b.path;
        host = b.host;
        headers = List.copyOf(b.headers);
        httpRequest = request(b, false);
        httpRequestClose = request(b, true);
    }

    /**
     * A builder with the defaults.
     *
     * @return a fresh builder.
     */
    public static Builder builder()
    {
        return new Builder();
    }

    /**
     * Whether requests (or connections) are paced at {@link #rate}.
     *
     * @return true for an open loop.
     */
    public boolean openLoop()
    {
        return rate > 0;
    }

    /**
     * Connections this plan may hold open at once (per run), the basis of the memory budget.
     *
     * @return the count.
     */
    public int concurrency()
    {
        return connections > 0 ? connections : maxOpen;
    }

    /**
     * Shard {@code index}'s share of {@code shards}: connections, rate and cap split as evenly as they go.
     *
     * @param index  the shard index, 0..shards - 1.
     * @param shards the shard count.
     * @return the shard's plan.
     */
    public LoadPlan share(final int index, final int shards)
    {
        final Builder b = toBuilder();
        b.connections = split(connections, index, shards);
        b.maxOpen = Math.max(1, split(maxOpen, index, shards));
        b.rate = rate / shards;
        b.seed = seed + index * 0x9E37_79B9_7F4A_7C15L;
        return b.build();
    }

    private static int split(final int total, final int index, final int shards)
    {
        return total / shards + (index < total % shards ? 1 : 0);
    }

    private Builder toBuilder()
    {
        final Builder b = new Builder();
        b.mode = mode;
        b.targetIp = targetIp;
        b.targetPort = targetPort;
        b.srcIps = srcIps;
        b.connections = connections;
        b.rate = rate;
        b.maxOpen = maxOpen;
        b.catchUp = catchUp;
        b.requestsPerConnection = requestsPerConnection;
        b.size = size;
        b.closeRst = closeRst;
        b.bulkDownload = bulkDownload;
        b.warmupNs = warmupNs;
        b.durationNs = durationNs;
        b.connectTimeoutNs = connectTimeoutNs;
        b.readTimeoutNs = readTimeoutNs;
        b.seed = seed;
        b.path = path;
        b.host = host;
        b.headers = headers;
        return b;
    }

    private static byte[] request(final Builder b, final boolean close)
    {
        final StringBuilder sb = new StringBuilder("GET ").append(b.path).append(" HTTP/1.1\r\nHost: ").append(b.host)
            .append("\r\n");
        boolean userAgent = false;
        for (final String h : b.headers)
        {
            sb.append(h).append("\r\n");
            userAgent |= h.regionMatches(true, 0, "user-agent:", 0, 11);
        }
        if (!userAgent)
        {
            sb.append("User-Agent: wirespeed-load\r\n");
        }
        if (close)
        {
            sb.append("Connection: close\r\n");
        }
        return sb.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** Settings of a {@link LoadPlan}; the command line checks them before {@link #build}. */
    public static final class Builder
    {
        /**
         * Settings at their defaults; {@link LoadPlan#builder()} makes one.
         */
        Builder()
        {
        }

        /** See {@link LoadPlan#mode}. */
        public Mode mode = Mode.HTTP;
        /** See {@link LoadPlan#targetIp}. */
        public int targetIp;
        /** See {@link LoadPlan#targetPort}. */
        public int targetPort = 80;
        /** See {@link LoadPlan#srcIps}. */
        public int[] srcIps = new int[0];
        /** See {@link LoadPlan#connections}. */
        public int connections;
        /** See {@link LoadPlan#rate}. */
        public double rate;
        /** See {@link LoadPlan#maxOpen}. */
        public int maxOpen = 10_000;
        /** See {@link LoadPlan#catchUp}. */
        public double catchUp = DEFAULT_CATCH_UP;
        /** See {@link LoadPlan#requestsPerConnection}. */
        public int requestsPerConnection;
        /** See {@link LoadPlan#size}. */
        public long size = 64;
        /** See {@link LoadPlan#closeRst}. */
        public boolean closeRst;
        /** See {@link LoadPlan#bulkDownload}. */
        public boolean bulkDownload;
        /** See {@link LoadPlan#warmupNs}. */
        public long warmupNs;
        /** See {@link LoadPlan#durationNs}. */
        public long durationNs = 10_000_000_000L;
        /** See {@link LoadPlan#connectTimeoutNs}. */
        public long connectTimeoutNs = 3_000_000_000L;
        /** See {@link LoadPlan#readTimeoutNs}. */
        public long readTimeoutNs = 5_000_000_000L;
        /** See {@link LoadPlan#seed}. */
        public long seed = 1;
        /** See {@link LoadPlan#path}. */
        public String path = "/";
        /** See {@link LoadPlan#host}. */
        public String host = "localhost";
        /** See {@link LoadPlan#headers}. */
        public List<String> headers = List.of();

        /**
         * Checks the options and makes the plan.
         *
         * @return the plan.
         * @throws IllegalArgumentException naming the bad option.
         */
        public LoadPlan build()
        {
            if (srcIps.length == 0)
            {
                throw new IllegalArgumentException("no source address");
            }
            if (connections <= 0 && rate <= 0)
            {
                throw new IllegalArgumentException("either connections or a rate");
            }
            if (!(catchUp >= 1))
            {
                throw new IllegalArgumentException("catch-up below 1");
            }
            return new LoadPlan(this);
        }
    }
}
