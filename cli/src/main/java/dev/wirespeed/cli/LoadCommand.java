package dev.wirespeed.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import dev.wirespeed.apps.load.LoadBudget;
import dev.wirespeed.apps.load.LoadOutput;
import dev.wirespeed.apps.load.LoadPlan;
import dev.wirespeed.apps.load.LoadResult;
import dev.wirespeed.apps.load.LoadRun;
import dev.wirespeed.bindings.Eal;
import dev.wirespeed.engine.runtime.Engine;
import dev.wirespeed.engine.runtime.LocalAddresses;
import dev.wirespeed.engine.tcp.TcpConfig;
import dev.wirespeed.engine.wire.Ipv4Header;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code wirespeed load}: the stateful TCP load generator. Connect, HTTP, echo or bulk load on one target, in a
 * closed loop ({@code --connections}) or an open loop ({@code --rate}, latency from each request's due time),
 * over {@code --shards} shards and {@code --src-ips} source addresses; a progress line each second, a summary
 * with HdrHistogram percentiles, and {@code --json}, {@code --hgrm}, {@code --hlog}, {@code --html} files.
 * Exit 0, or 1 when the error rate exceeded {@code --max-error-rate}, or 2 on bad input (one line).
 */
@Command(name = "load", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Stateful TCP load generator: connect, http, echo or bulk load, closed or open loop.")
public final class LoadCommand implements Callable<Integer>
{
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    EngineOptions engineOptions;

    @Option(names = "--src-ips", paramLabel = "LIST",
        description = "source addresses to spread connections over, in --ip's network: ranges A-B, CIDR blocks A/N or single addresses, comma-separated; the engine answers ARP for each")
    String srcIps;

    @Option(names = "--target", required = true, paramLabel = "ADDR:PORT", description = "the server, on the local link, e.g. 192.0.2.2:80")
    String target;

    @Option(names = "--mode", defaultValue = "http", paramLabel = "connect|http|echo|bulk",
        description = "connect (handshake, close), http (GET requests), echo (--size bytes, checked), bulk (one-way bytes); default ${DEFAULT-VALUE}")
    String mode;

    @Option(names = "--connections", paramLabel = "N", description = "closed loop: N connections kept busy (default 10); with --rate: N connections kept open, requests paced over them")
    Integer connections;

    @Option(names = "--rate", paramLabel = "R", description = "open loop: R requests (connect, bulk: connections) per second, uniformly paced; latency counts from when each was due")
    Double rate;

    @Option(names = "--catch-up", defaultValue = "2", paramLabel = "F", description = "open loop: after a stall, the backlog goes out evenly paced at no more than F times --rate (F >= 1; 1: never faster than the rate, so a backlog is never drained); default ${DEFAULT-VALUE}")
    double catchUp;

    @Option(names = "--max-open", defaultValue = "10000", paramLabel = "M", description = "open loop: at most M connections at once (default ${DEFAULT-VALUE})")
    int maxOpen;

    @Option(names = "--requests-per-conn", defaultValue = "0", paramLabel = "K", description = "requests per connection, then close (http: the last says Connection: close); 0 = keep-alive until the end (default)")
    int requestsPerConn;

    @Option(names = "--size", paramLabel = "BYTES", description = "echo: request size (default 64); bulk: bytes per connection, 0 = until the end (default 0)")
    String size;

    @Option(names = "--bulk", defaultValue = "up", paramLabel = "up|down", description = "bulk direction: up (we send, e.g. to discard) or down (we read until the server closes); default ${DEFAULT-VALUE}")
    String bulk;

    @Option(names = "--close", defaultValue = "fin", paramLabel = "fin|rst", description = "how we end connections: fin (orderly) or rst (abort: no TIME-WAIT pins our ports); default ${DEFAULT-VALUE}")
    String close;

    @Option(names = "--duration", defaultValue = "10s", paramLabel = "TIME", description = "measured time, e.g. 10s, 500ms, 2m (default ${DEFAULT-VALUE})")
    String duration;

    @Option(names = "--warmup", defaultValue = "0s", paramLabel = "TIME", description = "load before the measured time, not counted (default ${DEFAULT-VALUE})")
    String warmup;

    @Option(names = "--connect-timeout", defaultValue = "3s", paramLabel = "TIME", description = "a handshake that takes longer is a connect timeout (default ${DEFAULT-VALUE})")
    String connectTimeout;

    @Option(names = "--read-timeout", defaultValue = "5s", paramLabel = "TIME", description = "a response that takes longer is a read timeout (default ${DEFAULT-VALUE})")
    String readTimeout;

    @Option(names = "--path", defaultValue = "/", paramLabel = "P", description = "http: request path (default ${DEFAULT-VALUE})")
    String path;

    @Option(names = "--header", paramLabel = "H", description = "http: an extra request header, 'Name: value' (repeatable)")
    List<String> headers = new ArrayList<>();

    @Option(names = "--buffer-kib", paramLabel = "KIB", description = "send and receive buffer per connection, a power of two (default 16; bulk 256)")
    Integer bufferKib;

    @Option(names = "--json", paramLabel = "FILE", description = "write the result as JSON")
    Path json;

    @Option(names = "--hgrm", paramLabel = "FILE", description = "write the latency percentile distribution (HdrHistogram format, us); connect and ttfb beside it")
    Path hgrm;

    @Option(names = "--hlog", paramLabel = "FILE", description = "write an HdrHistogram interval log (one interval a second, tags connect/ttfb/latency, ns)")
    Path hlog;

    @Option(names = "--html", paramLabel = "FILE", description = "write a self-contained HTML report")
    Path html;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "S", description = "seed of the echo data and the TCP secrets (default ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--max-error-rate", defaultValue = "0", paramLabel = "X", description = "exit 1 when errors / (completed + errors) exceeds X, e.g. 0.01 (default ${DEFAULT-VALUE}: any error)")
    double maxErrorRate;

    private volatile boolean interrupted;

    public Integer call()
    {
        final PrintWriter out = spec.commandLine().getOut();
        final PrintWriter err = spec.commandLine().getErr();
        engineOptions.validate();
        final LocalAddresses addresses = addresses();
        final int shards = engineOptions.shards();
        final LoadPlan.Builder b = planBuilder(addresses);
        final int kib = bufferKib != null ? bufferKib : b.mode == LoadPlan.Mode.BULK ? 256 : 16;
        if (kib < 4 || kib > 16384 || Integer.bitCount(kib) != 1)
        {
            throw usage("--buffer-kib must be a power of two 4..16384, got " + kib);
        }
        if (b.mode == LoadPlan.Mode.ECHO && b.size > kib * 1024L)
        {
            throw usage("--size " + b.size + " is larger than the send buffer (--buffer-kib " + kib + ")");
        }
        if (maxErrorRate < 0 || maxErrorRate > 1)
        {
            throw usage("--max-error-rate must be 0..1, got " + maxErrorRate);
        }
        final LoadPlan plan = b.build();
        final LoadBudget budget = LoadBudget.of(plan, shards, kib * 1024);
        if (!budget.fits(Runtime.getRuntime().maxMemory()))
        {
            throw usage(budget.refusal(Runtime.getRuntime().maxMemory()));
        }

        final String command = "wirespeed load " + String.join(" ", spec.commandLine().getParseResult().originalArgs());
        out.println("load " + plan.mode.name().toLowerCase(Locale.ROOT) + " to " + target + " from " +
            (plan.srcIps.length == 1 ? Ipv4Header.formatAddress(plan.srcIps[0]) : plan.srcIps.length + " addresses") +
            ", " + describeLoop(plan) + ", " + shards + " shard(s), warmup " + warmup + ", duration " + duration);
        out.println("memory: " + budget.describe(Runtime.getRuntime().maxMemory()));
        out.flush();

        final Eal eal = Eal.current() != null ? null : engineOptions.startEal();
        final long tcpSeed = seed * 0x9E37_79B9_7F4A_7C15L + System.nanoTime();
        final Engine.Builder builder = engineOptions.builder(() -> tcpConfig(tcpSeed, kib))
            .addresses(addresses)
            .preallocate(budget.preallocatePerShard());
        sun.misc.Signal.handle(new sun.misc.Signal("INT"), signal -> interrupted = true);
        sun.misc.Signal.handle(new sun.misc.Signal("TERM"), signal -> interrupted = true);
        final LoadResult result;
        try
        {
            result = LoadRun.run(builder, shards, plan, command, hlog, out, () -> interrupted);
        }
        finally
        {
            if (eal != null)
            {
                eal.close();
            }
        }
        result.memoryBudget = budget.describe(Runtime.getRuntime().maxMemory());
        LoadOutput.summary(result, out);
        writeFiles(result, out);
        if (result.errorRate > maxErrorRate)
        {
            err.printf(Locale.ROOT, "wirespeed: load: error rate %.4f%% exceeds --max-error-rate %.4f%%%n",
                100 * result.errorRate, 100 * maxErrorRate);
            err.flush();
            return 1;
        }
        return 0;
    }

    private TcpConfig tcpConfig(final long tcpSeed, final int kib)
    {
        final TcpConfig tcp = new TcpConfig();
        tcp.seed = tcpSeed;
        tcp.sendBufferSize = kib * 1024;
        tcp.receiveBufferSize = kib * 1024;
        return tcp;
    }

    private void writeFiles(final LoadResult result, final PrintWriter out)
    {
        if (json != null)
        {
            result.write(json);
            out.println("json: " + json);
        }
        if (hgrm != null)
        {
            out.println("hgrm: " + LoadOutput.hgrm(result, hgrm));
        }
        if (hlog != null)
        {
            out.println("hlog: " + hlog);
        }
        if (html != null)
        {
            out.println("html: " + LoadOutput.html(result, html).toAbsolutePath());
        }
        out.flush();
    }

    static String describeLoop(final LoadPlan plan)
    {
        if (!plan.openLoop())
        {
            return "closed loop, " + plan.connections + " connections";
        }
        final String unit = plan.mode == LoadPlan.Mode.CONNECT || plan.mode == LoadPlan.Mode.BULK ? "connections" :
            "requests";
        return plan.connections > 0 ?
            String.format(Locale.ROOT, "open loop, %.1f %s/s over %d connections kept open, catch-up %.3gx",
                plan.rate, unit, plan.connections, plan.catchUp) :
            String.format(Locale.ROOT, "open loop, %.1f %s/s, at most %d open, catch-up %.3gx", plan.rate, unit,
                plan.maxOpen, plan.catchUp);
    }

    private LocalAddresses addresses()
    {
        final String ip = engineOptions.ip;
        engineOptions.addresses(); // --ip alone, checked
        try
        {
            return LocalAddresses.parse(ip, srcIps);
        }
        catch (final IllegalArgumentException ex)
        {
            throw usage("--src-ips " + srcIps + ": " + ex.getMessage());
        }
    }

    private LoadPlan.Builder planBuilder(final LocalAddresses addresses)
    {
        final LoadPlan.Builder b = LoadPlan.builder();
        try
        {
            b.mode = LoadPlan.Mode.valueOf(mode.toUpperCase(Locale.ROOT));
        }
        catch (final IllegalArgumentException ex)
        {
            throw usage("--mode must be connect, http, echo or bulk, got '" + mode + "'");
        }
        final int colon = target.lastIndexOf(':');
        final long remote = colon < 0 ? Ipv4Header.INVALID_ADDRESS : Ipv4Header.parseAddress(target.substring(0, colon));
        int port = -1;
        if (colon >= 0)
        {
            try
            {
                port = Integer.parseInt(target.substring(colon + 1));
            }
            catch (final NumberFormatException ex)
            {
                port = -1;
            }
        }
        if (remote == Ipv4Header.INVALID_ADDRESS || port < 1 || port > 65535)
        {
            throw usage("--target must look like 192.0.2.2:80, got '" + target + "'");
        }
        b.targetIp = (int)remote;
        b.targetPort = port;
        if (!addresses.onLink(b.targetIp))
        {
            throw usage("--target " + target + " is not on the local network " + engineOptions.ip +
                ": load has no routing, the target must be on this link (found by ARP)");
        }
        if (addresses.contains(b.targetIp))
        {
            throw usage("--target " + target + " is one of our own addresses");
        }
        if (b.targetIp == addresses.broadcast())
        {
            throw usage("--target " + target + " is the broadcast address of " + engineOptions.ip);
        }
        final int[] src = new int[srcIps == null ? 1 : addresses.size() - 1];
        for (int i = 0; i < src.length; i++)
        {
            src[i] = addresses.get(srcIps == null ? 0 : i + 1);
        }
        b.srcIps = src;
        if (rate != null && !(rate > 0 && rate <= 1e9))
        {
            throw usage("--rate must be more than 0 (and at most 1e9), got " + rate);
        }
        if (connections != null && (connections < 1 || connections > 10_000_000))
        {
            throw usage("--connections must be 1..10000000, got " + connections);
        }
        b.rate = rate == null ? 0 : rate;
        b.connections = connections != null ? connections : rate == null ? 10 : 0;
        if (maxOpen < 1 || maxOpen > 10_000_000)
        {
            throw usage("--max-open must be 1..10000000, got " + maxOpen);
        }
        b.maxOpen = maxOpen;
        if (!(catchUp >= 1 && catchUp <= 1000))
        {
            throw usage("--catch-up must be 1..1000 (times the rate), got " + catchUp);
        }
        b.catchUp = catchUp;
        if (requestsPerConn < 0)
        {
            throw usage("--requests-per-conn must be 0 (keep-alive) or more, got " + requestsPerConn);
        }
        b.requestsPerConnection = requestsPerConn;
        b.size = size == null ? (b.mode == LoadPlan.Mode.ECHO ? 64 : 0) : byteCount(size, "--size");
        if (b.mode == LoadPlan.Mode.ECHO && b.size < 1)
        {
            throw usage("--size must be at least 1 byte in echo mode");
        }
        if (!"fin".equals(close) && !"rst".equals(close))
        {
            throw usage("--close must be fin or rst, got '" + close + "'");
        }
        b.closeRst = "rst".equals(close);
        if (!"up".equals(bulk) && !"down".equals(bulk))
        {
            throw usage("--bulk must be up or down, got '" + bulk + "'");
        }
        b.bulkDownload = "down".equals(bulk);
        b.durationNs = parseTime(duration, "--duration");
        if (b.durationNs < 100_000_000L)
        {
            throw usage("--duration must be at least 100ms, got '" + duration + "'");
        }
        b.warmupNs = parseTime(warmup, "--warmup");
        b.connectTimeoutNs = parseTime(connectTimeout, "--connect-timeout");
        b.readTimeoutNs = parseTime(readTimeout, "--read-timeout");
        if (b.connectTimeoutNs <= 0 || b.readTimeoutNs <= 0)
        {
            throw usage("--connect-timeout and --read-timeout must be more than 0");
        }
        if (!path.startsWith("/") || path.chars().anyMatch(c -> c <= ' ' || c >= 127))
        {
            throw usage("--path must start with / and hold no spaces or control characters, got '" + path + "'");
        }
        b.path = path;
        for (final String h : headers)
        {
            final int c = h.indexOf(':');
            if (c < 1 || h.chars().anyMatch(ch -> ch == '\r' || ch == '\n'))
            {
                throw usage("--header must look like 'Name: value', got '" + h + "'");
            }
        }
        b.headers = headers;
        b.host = target;
        b.seed = seed;
        return b;
    }

    private long parseTime(final String text, final String what)
    {
        final String t = text.trim().toLowerCase(Locale.ROOT);
        long unit = 1_000_000_000L;
        String digits = t;
        if (t.endsWith("ms"))
        {
            unit = 1_000_000L;
            digits = t.substring(0, t.length() - 2);
        }
        else if (t.endsWith("s"))
        {
            digits = t.substring(0, t.length() - 1);
        }
        else if (t.endsWith("m"))
        {
            unit = 60_000_000_000L;
            digits = t.substring(0, t.length() - 1);
        }
        try
        {
            final double v = Double.parseDouble(digits);
            if (!(v >= 0) || v * unit > 86_400e9)
            {
                throw usage(what + " must be 0..24h, got '" + text + "'");
            }
            return (long)(v * unit);
        }
        catch (final NumberFormatException ex)
        {
            throw usage(what + " must be a time like 10s, 500ms or 2m, got '" + text + "'");
        }
    }

    private long byteCount(final String text, final String what)
    {
        try
        {
            return ByteCount.parse(text, what);
        }
        catch (final IllegalArgumentException ex)
        {
            throw usage(ex.getMessage());
        }
    }

    private ParameterException usage(final String message)
    {
        return new ParameterException(spec.commandLine(), message);
    }
}
