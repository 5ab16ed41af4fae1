package dev.wirespeed.cli;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.LockSupport;

import dev.wirespeed.apps.client.ClientSession;
import dev.wirespeed.bindings.Eal;
import dev.wirespeed.bindings.EthPort;
import dev.wirespeed.bindings.PortStats;
import dev.wirespeed.engine.runtime.Engine;
import dev.wirespeed.engine.runtime.Impairment;
import dev.wirespeed.engine.runtime.LocalAddresses;
import dev.wirespeed.engine.runtime.ShardView;
import dev.wirespeed.engine.runtime.ThreadingMode;
import dev.wirespeed.engine.tcp.TcpConfig;
import dev.wirespeed.engine.tcp.TcpCounters;
import dev.wirespeed.engine.wire.FrameParser;
import dev.wirespeed.engine.wire.Ipv4Header;
import org.agrona.concurrent.IdleStrategy;
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
 * The engine is assembled by {@link Engine.Builder} from the shared {@link EngineOptions}. Each shard runs a
 * {@link ClientSession} with its share of the connections, as the endpoint's handler plus a
 * {@link dev.wirespeed.engine.runtime.ShardDuty}, so no endpoint call crosses threads: with one shard the engine
 * runs on the calling thread ({@link ThreadingMode#INVOKER}, between progress lines), with several each shard has
 * a thread of its own.
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
    EngineOptions engineOptions;

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

    @Option(names = "--wait-time-wait",
        description = "also wait for TIME-WAIT to end before exiting (with a short --time-wait-ms), so no TCB is left")
    boolean waitTimeWait;

    private volatile boolean interrupted;

    public Integer call() throws Exception
    {
        engineOptions.validate();
        final LocalAddresses addresses = engineOptions.addresses();
        final int localIp = addresses.primary();
        final int prefix = addresses.prefixLength();
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
        final long sendBytes = byteCount(send, "--send");
        if (connections < 1 || connections > MAX_CONNECTIONS)
        {
            throw usage("--connections must be 1.." + MAX_CONNECTIONS + ", got " + connections);
        }
        final int shards = engineOptions.shards();
        if (connections < shards)
        {
            throw usage("--connections must be at least --shards (" + shards + "), got " + connections);
        }
        if (seconds < 1 || seconds > 86_400)
        {
            throw usage("--seconds must be 1..86400, got " + seconds);
        }

        final PrintWriter out = spec.commandLine().getOut();
        final PrintWriter err = spec.commandLine().getErr();
        // shard s runs its share of the connections, each with its own data seed (shard 0 keeps --seed's)
        final ClientSession[] sessions = new ClientSession[shards];
        final PeerResolution[] resolved = new PeerResolution[shards];
        for (int s = 0; s < shards; s++)
        {
            final int share = connections / shards + (s < connections % shards ? 1 : 0);
            sessions[s] = new ClientSession(localIp, remoteIp, remotePort, share, sendBytes, expectEcho,
                seed + s * 0x9E37_79B9_7F4A_7C15L, seconds * 1_000_000_000L, waitTimeWait);
            resolved[s] = new PeerResolution();
        }
        final Eal eal = engineOptions.startEal();
        // one shard runs on this thread (as before: no hand-over between threads); several get a thread each
        final ThreadingMode threading = shards == 1 ? ThreadingMode.INVOKER : ThreadingMode.DEDICATED;
        final long tcpSeed = System.nanoTime();
        final Engine engine;
        try
        {
            engine = engineOptions.builder(() ->
                {
                    final TcpConfig tcp = new TcpConfig();
                    tcp.seed = tcpSeed;
                    return tcp;
                })
                .handlers(ctx -> sessions[ctx.shardIndex()])
                .duties(ctx ->
                {
                    final ClientSession session = sessions[ctx.shardIndex()];
                    final PeerResolution peer = resolved[ctx.shardIndex()];
                    session.attach(ctx.endpoint());
                    return nowNs ->
                    {
                        final int work = session.step(nowNs);
                        if (!peer.known && session.isDone())
                        {
                            peer.resolved = ctx.shard().neighbourKnown(remoteIp, nowNs);
                            peer.known = true;
                        }
                        return work;
                    };
                })
                .preallocate(Math.min(connections / shards + 1, 1024))
                .threading(threading)
                .errorHandler(t -> { })
                .build();
        }
        catch (final RuntimeException ex)
        {
            eal.close();
            throw ex;
        }
        final EthPort port = engine.port();

        sun.misc.Signal.handle(new sun.misc.Signal("INT"), signal -> interrupted = true);
        sun.misc.Signal.handle(new sun.misc.Signal("TERM"), signal -> interrupted = true);
        out.println("client ip=" + engineOptions.ip + " mac=" + EthPort.formatMac(port.macAddress()) + " port=" +
            engineOptions.port() + " connect=" + connect + " connections=" + connections + " send=" + sendBytes +
            " expect-echo=" + expectEcho + " seconds=" + seconds + " shards=" + shards +
            (engineOptions.pcap() == null ? "" : " pcap=" + engineOptions.pcap()) +
            (engineOptions.impair() == null ? "" : " impair=" + engineOptions.impair()) +
            (engine.counters() == null ? "" : " counters=" + engine.counters().file()));
        out.flush();

        final IdleStrategy idleStrategy = engineOptions.idleStrategy().get();
        engine.start();
        final long startNs = System.nanoTime();
        long nextProgressNs = startNs + PROGRESS_INTERVAL_NS;
        // Bounded: the session aborts everything at --seconds and then lingers at most a few seconds (plus
        // TIME-WAIT with --wait-time-wait); the outer bound only guards against a bug in that logic.
        long hardStopNs = startNs + (seconds + 10) * 1_000_000_000L + (waitTimeWait ? 2 * engineOptions.mslNs() : 0);
        boolean overran = false;
        while (!allDone(sessions) && engine.errorCount() == 0)
        {
            if (interrupted)
            {
                stopAll(sessions, "interrupted");
            }
            if (threading == ThreadingMode.INVOKER)
            {
                idleStrategy.idle(engine.doWork());
            }
            else
            {
                LockSupport.parkNanos(1_000_000L);
            }
            final long nowNs = System.nanoTime();
            if (nowNs - nextProgressNs >= 0)
            {
                nextProgressNs += PROGRESS_INTERVAL_NS;
                progress(out, sessions, nowNs - startNs);
            }
            if (!overran && nowNs - hardStopNs >= 0)
            {
                overran = true;
                stopAll(sessions, "the run did not end in time");
                hardStopNs += 5_000_000_000L;
            }
            else if (overran && nowNs - hardStopNs >= 0)
            {
                break;
            }
        }
        final PortStats portStats = port.stats(new PortStats());
        engine.close();
        eal.close();
        if (engine.errorCount() > 0 || overran)
        {
            final Throwable failure = engine.firstError() != null ? engine.firstError() :
                new IllegalStateException("client did not finish within its bound");
            failure.printStackTrace(err);
            err.flush();
            return 1;
        }
        boolean peerUnresolved = false;
        for (int s = 0; s < shards; s++)
        {
            peerUnresolved |= resolved[s].known && !resolved[s].resolved;
        }
        out.println(engineLine(engine, portStats));
        report(out, err, sessions, peerUnresolved, Ipv4Header.formatAddress(remoteIp));
        return allSucceeded(sessions) ? 0 : 1;
    }

    /** Whether shard s saw the server's MAC when its session ended (published to the main thread). */
    private static final class PeerResolution
    {
        volatile boolean known;
        volatile boolean resolved;
    }

    private static boolean allDone(final ClientSession[] sessions)
    {
        for (final ClientSession s : sessions)
        {
            if (!s.isDone())
            {
                return false;
            }
        }
        return true;
    }

    private static boolean allSucceeded(final ClientSession[] sessions)
    {
        for (final ClientSession s : sessions)
        {
            if (!s.succeeded())
            {
                return false;
            }
        }
        return true;
    }

    private static void stopAll(final ClientSession[] sessions, final String reason)
    {
        for (final ClientSession s : sessions)
        {
            s.stop(reason);
        }
    }

    /** Frame and TCP counters of the run (summed over the shards), for telling a lossy link from a slow server. */
    private static String engineLine(final Engine engine, final PortStats port)
    {
        long rx = 0, tx = 0, txDropped = 0, txNoMbuf = 0, retransmits = 0, fastRetransmits = 0, rtoExpiries = 0;
        final long[] drops = new long[FrameParser.DROP_REASON_COUNT];
        for (int i = 0; i < engine.shardCount(); i++)
        {
            final ShardView shard = engine.shard(i);
            final TcpCounters tcp = shard.endpoint().counters();
            rx += shard.rxPackets();
            tx += shard.txPackets();
            txDropped += shard.txDropped();
            txNoMbuf += shard.txNoMbuf();
            retransmits += tcp.get(TcpCounters.RETRANSMITS);
            fastRetransmits += tcp.get(TcpCounters.FAST_RETRANSMITS);
            rtoExpiries += tcp.get(TcpCounters.RTO_EXPIRIES);
            for (int r = 1; r < drops.length; r++)
            {
                drops[r] += shard.drops(r);
            }
        }
        final StringBuilder sb = new StringBuilder("engine rx_frames=").append(rx)
            .append(" port_rx_missed=").append(port.rxMissed).append(" port_tx_errors=").append(port.txErrors)
            .append(" tx_frames=").append(tx).append(" tx_dropped=").append(txDropped)
            .append(" tx_no_mbuf=").append(txNoMbuf).append(" retransmits=").append(retransmits)
            .append(" fast_retransmits=").append(fastRetransmits).append(" rto_expiries=").append(rtoExpiries);
        for (int r = 1; r < drops.length; r++)
        {
            if (drops[r] > 0)
            {
                sb.append(" drop_").append(FrameParser.dropReasonName(r).toLowerCase(Locale.ROOT)).append('=')
                    .append(drops[r]);
            }
        }
        for (int i = 0; i < engine.shardCount(); i++)
        {
            final Impairment rxImpairment = engine.shard(i).rxImpairment();
            final Impairment txImpairment = engine.shard(i).txImpairment();
            if (rxImpairment != null)
            {
                sb.append(" shard").append(i).append("_impaired_rx_lost=").append(rxImpairment.dropped())
                    .append(" shard").append(i).append("_impaired_tx_lost=").append(txImpairment.dropped());
            }
        }
        return sb.toString();
    }

    /** Progress read from other threads when shards run on their own: approximate, for the eye only. */
    private static void progress(final PrintWriter out, final ClientSession[] sessions, final long elapsedNs)
    {
        long established = 0, finished = 0, connections = 0, sent = 0, received = 0;
        for (final ClientSession s : sessions)
        {
            established += s.establishedNow();
            finished += s.finished();
            connections += s.connections();
            sent += s.totalSent();
            received += s.totalReceived();
        }
        out.printf(Locale.ROOT, "progress t=%ds established=%d done=%d/%d sent=%d received=%d%n",
            elapsedNs / 1_000_000_000L, established, finished, connections, sent, received);
        out.flush();
    }

    private static void report(final PrintWriter out, final PrintWriter err, final ClientSession[] sessions,
        final boolean peerUnresolved, final String peer)
    {
        int n = 0;
        for (final ClientSession s : sessions)
        {
            n += s.connections();
        }
        String sha256Sent = null;
        String sha256Received = null;
        long totalSent = 0, totalReceived = 0, elapsedNs = 0;
        int mismatches = 0, tcbsLeft = 0, timeWaitLeft = 0;
        final int[] counts = new int[ClientSession.CONNECT_FAILED + 1];
        int index = 0;
        for (final ClientSession s : sessions)
        {
            for (int i = 0; i < s.connections(); i++, index++)
            {
                if (n <= PER_CONNECTION_LINES)
                {
                    final String shaSent = s.sha256Sent(i);
                    final String shaReceived = s.sha256Received(i);
                    if (index == 0)
                    {
                        sha256Sent = shaSent;
                        sha256Received = shaReceived;
                    }
                    out.println("conn " + index + " local_port=" + s.localPort(i) + " result=" +
                        ClientSession.outcomeName(s.outcome(i)) + " sent=" + s.sent(i) + " received=" +
                        s.received(i) + " sha256_sent=" + shaSent + " sha256_received=" + shaReceived);
                }
            }
            for (final String m : s.messages())
            {
                err.println("wirespeed: client: " + m);
            }
            if (s.stopReason() != null)
            {
                err.println("wirespeed: client: stopped, " + s.stopReason() + ": " + s.count(ClientSession.ABORTED) +
                    " of " + s.connections() + " connections unfinished and aborted (" + s.abortedConnecting() +
                    " still connecting, " + s.neverOpened() + " never opened)");
            }
            for (int kind = 0; kind < counts.length; kind++)
            {
                counts[kind] += s.count(kind);
            }
            totalSent += s.totalSent();
            totalReceived += s.totalReceived();
            mismatches += s.mismatches();
            tcbsLeft += s.tcbsLeft();
            timeWaitLeft += s.timeWaitLeft();
            elapsedNs = Math.max(elapsedNs, s.elapsedNs());
        }
        if (peerUnresolved && counts[ClientSession.OK] < n)
        {
            err.println("wirespeed: client: no ARP reply from " + peer + ": is the server on this link and up?");
        }
        if (tcbsLeft > 0)
        {
            err.println("wirespeed: client: " + tcbsLeft + " connections were still open (not in TIME-WAIT) at exit");
        }
        err.flush();
        final double elapsedMs = elapsedNs / 1e6;
        final StringBuilder sb = new StringBuilder("RESULT ok=").append(counts[ClientSession.OK]).append(" of ")
            .append(n).append(" sent=").append(totalSent).append(" received=").append(totalReceived)
            .append(" mismatches=").append(mismatches).append(" refused=").append(counts[ClientSession.REFUSED])
            .append(" reset=").append(counts[ClientSession.RESET]).append(" timeout=")
            .append(counts[ClientSession.TIMED_OUT]).append(" aborted=").append(counts[ClientSession.ABORTED])
            .append(" tcbs_left=").append(tcbsLeft).append(" time_wait=").append(timeWaitLeft)
            .append(" elapsed_ms=").append(Math.round(elapsedMs)).append(" mbps=")
            .append(String.format(Locale.ROOT, "%.1f",
                elapsedMs <= 0 ? 0.0 : (totalSent + totalReceived) * 8 / elapsedMs / 1000));
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
