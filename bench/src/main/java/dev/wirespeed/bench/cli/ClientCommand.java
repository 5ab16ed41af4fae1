package dev.wirespeed.bench.cli;

import java.io.PrintWriter;
import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import dev.wirespeed.bench.client.ClientSession;
import dev.wirespeed.bindings.Eal;
import dev.wirespeed.bindings.EthPort;
import dev.wirespeed.bindings.MbufBurst;
import dev.wirespeed.bindings.PortConfig;
import dev.wirespeed.bindings.PortSpec;
import dev.wirespeed.bindings.PortStats;
import dev.wirespeed.engine.runtime.ArpCache;
import dev.wirespeed.engine.runtime.PcapWriter;
import dev.wirespeed.engine.runtime.Shard;
import dev.wirespeed.engine.tcp.TcpConfig;
import dev.wirespeed.engine.tcp.TcpCounters;
import dev.wirespeed.engine.tcp.TcpEndpoint;
import dev.wirespeed.engine.wire.FrameParser;
import dev.wirespeed.engine.wire.Ipv4Header;
import org.agrona.concurrent.AgentInvoker;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.SystemNanoClock;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code wirespeed client}: the engine as a TCP client of one server on the local link. Opens N connections, sends
 * seeded pseudo-random bytes on each, reads what comes back (byte-exact with {@code --expect-echo}), half-closes,
 * waits for the server's FIN, closes, and waits until no TCB but TIME-WAIT ones is left. Prints a progress line
 * each second and one {@code RESULT} line; exit 0 when every connection succeeded, 1 when any failed (refused,
 * reset, timeout, mismatch), 2 on bad flags.
 * <p>
 * The shard and the client share the calling thread: an {@link AgentInvoker} drives the shard, whose duty cycle
 * runs the client's step as a {@link dev.wirespeed.engine.runtime.ShardDuty}, so no endpoint call crosses threads.
 */
@Command(name = "client", mixinStandardHelpOptions = true,
    description = "Runs the TCP engine as a client of a server on the local link: sends, receives, checks, closes.")
public final class ClientCommand implements Callable<Integer>
{
    /** Connections at most: the ephemeral port range (RFC 6335) toward one server port. */
    static final int MAX_CONNECTIONS = 16384;
    private static final int PER_CONNECTION_LINES = 16;
    private static final long PROGRESS_INTERVAL_NS = 1_000_000_000L;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    PortOptions portOptions;

    @Option(names = "--ip", required = true, paramLabel = "ADDR/LEN", description = "our IPv4 address and prefix, e.g. 192.0.2.1/24")
    String ip;

    @Option(names = "--connect", required = true, paramLabel = "ADDR:PORT",
        description = "the server, on the local network (no routing: it must answer ARP), e.g. 192.0.2.2:7")
    String connect;

    @Option(names = "--send", defaultValue = "0", paramLabel = "BYTES",
        description = "bytes to send on each connection, e.g. 1048576, 64K, 16M, 1G (binary units; default ${DEFAULT-VALUE})")
    String send;

    @Option(names = "--expect-echo", description = "the server echoes: check every byte that comes back against what was sent")
    boolean expectEcho;

    @Option(names = "--connections", defaultValue = "1", paramLabel = "N", description = "concurrent connections (default ${DEFAULT-VALUE})")
    int connections;

    @Option(names = "--seconds", defaultValue = "60", paramLabel = "LIMIT",
        description = "time limit; what is still open then is reset and counts as failed (default ${DEFAULT-VALUE})")
    long seconds;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "N", description = "seed of the data sent (default ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--pcap", paramLabel = "FILE", description = "capture every frame sent and received (pcap)")
    Path pcap;

    @Option(names = "--idle", defaultValue = "busy", paramLabel = "busy|backoff", description = "idle strategy: busy (lowest latency) or backoff (spares the CPU)")
    String idle;

    @Option(names = "--time-wait-ms", defaultValue = "60000", paramLabel = "MS", description = "TIME-WAIT length, 2*MSL (default ${DEFAULT-VALUE})")
    long timeWaitMs;

    @Option(names = "--wait-time-wait",
        description = "also wait for TIME-WAIT to end before exiting (with a short --time-wait-ms), so no TCB is left")
    boolean waitTimeWait;

    private volatile boolean interrupted;

    public Integer call() throws Exception
    {
        final int slash = ip.indexOf('/');
        final long address = Ipv4Header.parseAddress(slash < 0 ? ip : ip.substring(0, slash));
        final int prefix = slash < 0 ? 32 : parseInt(ip.substring(slash + 1), "--ip prefix");
        if (address == Ipv4Header.INVALID_ADDRESS || prefix < 1 || prefix > 32)
        {
            throw usage("--ip must look like 192.0.2.1/24, got '" + ip + "'");
        }
        final int localIp = (int)address;
        final int colon = connect.lastIndexOf(':');
        final long remote = colon < 0 ? Ipv4Header.INVALID_ADDRESS : Ipv4Header.parseAddress(connect.substring(0, colon));
        if (remote == Ipv4Header.INVALID_ADDRESS)
        {
            throw usage("--connect must look like 192.0.2.2:7, got '" + connect + "'");
        }
        final int remoteIp = (int)remote;
        final int remotePort = parseInt(connect.substring(colon + 1), "--connect port");
        if (remotePort < 1 || remotePort > 65535)
        {
            throw usage("--connect port must be 1..65535, got " + remotePort);
        }
        checkOnLink(localIp, prefix, remoteIp);
        final long sendBytes = parseSize(send);
        if (connections < 1 || connections > MAX_CONNECTIONS)
        {
            throw usage("--connections must be 1.." + MAX_CONNECTIONS + ", got " + connections);
        }
        if (seconds < 1 || seconds > 86_400)
        {
            throw usage("--seconds must be 1..86400, got " + seconds);
        }
        if (timeWaitMs < 1)
        {
            throw usage("--time-wait-ms must be at least 1, got " + timeWaitMs);
        }
        if (!"busy".equals(idle) && !"backoff".equals(idle))
        {
            throw usage("--idle must be busy or backoff");
        }
        final List<PortSpec> ports = portOptions.ports();
        if (ports.size() != 1)
        {
            throw usage("client needs exactly one port (--iface, --vdev or --pci), got " + ports.size());
        }

        final PrintWriter out = spec.commandLine().getOut();
        final PrintWriter err = spec.commandLine().getErr();
        final Eal eal = Eal.init(portOptions.ealOptions());
        final Arena arena = Arena.ofShared();
        final EthPort port = EthPort.open(ports.get(0));
        port.start(new PortConfig().mempool(16383, 256));
        final TcpConfig tcp = new TcpConfig();
        tcp.seed = System.nanoTime();
        tcp.mslNs = timeWaitMs * 500_000L;
        final SystemNanoClock clock = SystemNanoClock.INSTANCE;
        final ClientSession session = new ClientSession(localIp, remoteIp, remotePort, connections, sendBytes,
            expectEcho, seed, seconds * 1_000_000_000L, waitTimeWait);
        final TcpEndpoint endpoint = new TcpEndpoint(tcp, session, clock.nanoTime());
        endpoint.addLocalAddress(localIp, prefix);
        endpoint.preallocate(Math.min(connections, 1024));
        session.attach(endpoint);
        final PcapWriter capture = pcap == null ? null : new PcapWriter(pcap);
        final Shard shard = new Shard(0, port, 0, 0, localIp, endpoint, clock,
            new MbufBurst(arena, MbufBurst.DEFAULT_CAPACITY), new MbufBurst(arena, MbufBurst.DEFAULT_CAPACITY), capture);
        final IdleStrategy idleStrategy = "busy".equals(idle) ? new BusySpinIdleStrategy() :
            new BackoffIdleStrategy(100, 10, 1_000, 1_000_000);
        final Throwable[] failure = new Throwable[1];
        shard.addDuty(session::step);
        final AgentInvoker invoker = new AgentInvoker(t -> failure[0] = t, null, shard);

        sun.misc.Signal.handle(new sun.misc.Signal("INT"), signal -> interrupted = true);
        sun.misc.Signal.handle(new sun.misc.Signal("TERM"), signal -> interrupted = true);
        out.println("client ip=" + ip + " mac=" + EthPort.formatMac(port.macAddress()) + " port=" + ports.get(0) +
            " connect=" + connect + " connections=" + connections + " send=" + sendBytes + " expect-echo=" +
            expectEcho + " seconds=" + seconds + (pcap == null ? "" : " pcap=" + pcap));
        out.flush();

        invoker.start();
        final long startNs = clock.nanoTime();
        long nextProgressNs = startNs + PROGRESS_INTERVAL_NS;
        // Bounded: the session aborts everything at --seconds and then lingers at most a few seconds (plus
        // TIME-WAIT with --wait-time-wait); the outer bound only guards against a bug in that logic.
        final long hardStopNs = startNs + (seconds + 10) * 1_000_000_000L + (waitTimeWait ? 2 * tcp.mslNs : 0);
        while (!session.isDone() && failure[0] == null)
        {
            if (interrupted)
            {
                session.stop("interrupted");
            }
            idleStrategy.idle(invoker.invoke());
            final long nowNs = shard.nowNs();
            if (nowNs - nextProgressNs >= 0)
            {
                nextProgressNs += PROGRESS_INTERVAL_NS;
                progress(out, session, nowNs - startNs);
            }
            if (nowNs - hardStopNs >= 0)
            {
                session.stop("the run did not end in time");
                failure[0] = new IllegalStateException("client did not finish within its bound");
            }
        }
        final boolean peerUnresolved = shard.arpCache().lookup(remoteIp, shard.nowNs()) == ArpCache.NO_MAC;
        invoker.close();
        final String engineLine = engineLine(shard, endpoint.counters(), port.stats(new PortStats()));
        port.close();
        eal.close();
        arena.close();
        if (failure[0] != null)
        {
            failure[0].printStackTrace(err);
            err.flush();
            return 1;
        }
        out.println(engineLine);
        report(out, err, session, peerUnresolved, Ipv4Header.formatAddress(remoteIp));
        return session.succeeded() ? 0 : 1;
    }

    /** Frame and TCP counters of the run, for telling a lossy link from a slow server. */
    private static String engineLine(final Shard shard, final TcpCounters tcp, final PortStats port)
    {
        final StringBuilder sb = new StringBuilder("engine rx_frames=").append(shard.rxPackets())
            .append(" port_rx_missed=").append(port.rxMissed).append(" port_tx_errors=").append(port.txErrors)
            .append(" tx_frames=").append(shard.txPackets()).append(" tx_dropped=").append(shard.txDropped())
            .append(" tx_no_mbuf=").append(shard.txNoMbuf()).append(" retransmits=")
            .append(tcp.get(TcpCounters.RETRANSMITS)).append(" fast_retransmits=")
            .append(tcp.get(TcpCounters.FAST_RETRANSMITS)).append(" rto_expiries=")
            .append(tcp.get(TcpCounters.RTO_EXPIRIES));
        for (int r = 1; r < FrameParser.DROP_REASON_COUNT; r++)
        {
            if (shard.drops(r) > 0)
            {
                sb.append(" drop_").append(FrameParser.dropReasonName(r).toLowerCase(Locale.ROOT)).append('=')
                    .append(shard.drops(r));
            }
        }
        return sb.toString();
    }

    private static void progress(final PrintWriter out, final ClientSession s, final long elapsedNs)
    {
        out.printf(Locale.ROOT, "progress t=%ds established=%d done=%d/%d sent=%d received=%d%n",
            elapsedNs / 1_000_000_000L, s.establishedNow(), s.finished(), s.connections(), s.totalSent(),
            s.totalReceived());
        out.flush();
    }

    private static void report(final PrintWriter out, final PrintWriter err, final ClientSession s,
        final boolean peerUnresolved, final String peer)
    {
        final int n = s.connections();
        String sha256Sent = null;
        String sha256Received = null;
        for (int i = 0; i < n; i++)
        {
            if (n <= PER_CONNECTION_LINES)
            {
                final String shaSent = s.sha256Sent(i);
                final String shaReceived = s.sha256Received(i);
                if (i == 0)
                {
                    sha256Sent = shaSent;
                    sha256Received = shaReceived;
                }
                out.println("conn " + i + " local_port=" + s.localPort(i) + " result=" +
                    ClientSession.outcomeName(s.outcome(i)) + " sent=" + s.sent(i) + " received=" + s.received(i) +
                    " sha256_sent=" + shaSent + " sha256_received=" + shaReceived);
            }
        }
        for (final String m : s.messages())
        {
            err.println("wirespeed: client: " + m);
        }
        if (s.stopReason() != null)
        {
            err.println("wirespeed: client: stopped, " + s.stopReason() + ": " + s.count(ClientSession.ABORTED) +
                " of " + n + " connections unfinished and aborted (" + s.abortedConnecting() + " still connecting, " +
                s.neverOpened() + " never opened)");
        }
        if (peerUnresolved && s.count(ClientSession.OK) < n)
        {
            err.println("wirespeed: client: no ARP reply from " + peer + ": is the server on this link and up?");
        }
        if (s.tcbsLeft() > 0)
        {
            err.println("wirespeed: client: " + s.tcbsLeft() + " connections were still open (not in TIME-WAIT) at exit");
        }
        err.flush();
        final double elapsedMs = s.elapsedNs() / 1e6;
        final StringBuilder sb = new StringBuilder("RESULT ok=").append(s.count(ClientSession.OK)).append(" of ")
            .append(n).append(" sent=").append(s.totalSent()).append(" received=").append(s.totalReceived())
            .append(" mismatches=").append(s.mismatches()).append(" refused=").append(s.count(ClientSession.REFUSED))
            .append(" reset=").append(s.count(ClientSession.RESET)).append(" timeout=")
            .append(s.count(ClientSession.TIMED_OUT)).append(" aborted=").append(s.count(ClientSession.ABORTED))
            .append(" tcbs_left=").append(s.tcbsLeft()).append(" time_wait=").append(s.timeWaitLeft())
            .append(" elapsed_ms=").append(Math.round(elapsedMs)).append(" mbps=")
            .append(String.format(Locale.ROOT, "%.1f",
                elapsedMs <= 0 ? 0.0 : (s.totalSent() + s.totalReceived()) * 8 / elapsedMs / 1000));
        if (n == 1)
        {
            sb.append(" sha256_sent=").append(sha256Sent).append(" sha256_received=").append(sha256Received);
        }
        out.println(sb);
        out.flush();
    }

    /** The client has no routing: the server must be on our own network, where ARP can find it. */
    private void checkOnLink(final int localIp, final int prefix, final int remoteIp)
    {
        final int mask = (int)(0xFFFF_FFFFL << (32 - prefix));
        final String network = Ipv4Header.formatAddress(localIp & mask) + "/" + prefix;
        if ((remoteIp & mask) != (localIp & mask))
        {
            throw usage("--connect " + Ipv4Header.formatAddress(remoteIp) + " is not on the local network " + network +
                ": the client has no routing, the server must be on this link (found by ARP)");
        }
        if (remoteIp == localIp)
        {
            throw usage("--connect " + Ipv4Header.formatAddress(remoteIp) + " is our own address (--ip)");
        }
        if (prefix <= 30 && ((remoteIp & ~mask) == 0 || (remoteIp | mask) == -1))
        {
            throw usage("--connect " + Ipv4Header.formatAddress(remoteIp) + " is the network or broadcast address of " +
                network);
        }
    }

    /** Bytes with an optional binary unit: 100, 64K, 64KiB, 16M, 1G. */
    private long parseSize(final String text)
    {
        final String t = text.trim().toUpperCase(Locale.ROOT);
        int end = t.length();
        if (t.endsWith("IB"))
        {
            end -= 2;
        }
        else if (t.endsWith("B"))
        {
            end -= 1;
        }
        long unit = 1;
        if (end > 0)
        {
            switch (t.charAt(end - 1))
            {
                case 'K' -> unit = 1L << 10;
                case 'M' -> unit = 1L << 20;
                case 'G' -> unit = 1L << 30;
                default -> unit = 1;
            }
        }
        final String digits = unit == 1 ? t.substring(0, end) : t.substring(0, end - 1);
        try
        {
            final long v = Long.parseLong(digits);
            if (v < 0 || v > (1L << 50) / unit)
            {
                throw usage("--send must be 0 or more bytes (at most 1 PiB), got '" + text + "'");
            }
            return v * unit;
        }
        catch (final NumberFormatException ex)
        {
            throw usage("--send must be a byte count like 1048576, 64K or 16M, got '" + text + "'");
        }
    }

    private ParameterException usage(final String message)
    {
        return new ParameterException(spec.commandLine(), message);
    }

    private int parseInt(final String s, final String what)
    {
        try
        {
            return Integer.parseInt(s);
        }
        catch (final NumberFormatException ex)
        {
            throw usage(what + " is not a number: '" + s + "'");
        }
    }
}
