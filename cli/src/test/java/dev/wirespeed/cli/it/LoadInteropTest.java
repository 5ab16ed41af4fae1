package dev.wirespeed.cli.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import dev.wirespeed.cli.WirespeedCli;
import dev.wirespeed.apps.load.LoadResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code wirespeed load} against a real Linux nginx (one worker) across a veth pair between two namespaces this
 * test creates (TEST-NET-1, no route out): the requests load reports as completed are exactly the lines nginx
 * logged; with four source addresses, nginx sees connections from each and Linux's neighbour table has each at the
 * engine's MAC (the engine answered ARP for every one).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LoadInteropTest
{
    private NetNs net;
    private Path dir;
    private Process nginx;

    @BeforeAll
    void startNginx() throws Exception
    {
        net = NetNs.create();
        dir = Files.createTempDirectory("wirespeed-load");
        Files.writeString(dir.resolve("nginx.conf"), """
            worker_processes 1;
            daemon off;
            pid DIR/nginx.pid;
            error_log DIR/error.log;
            events { worker_connections 4096; }
            http {
              log_format ws '$remote_addr $status';
              access_log DIR/access.log ws;
              client_body_temp_path DIR; proxy_temp_path DIR; fastcgi_temp_path DIR; uwsgi_temp_path DIR;
              scgi_temp_path DIR;
              keepalive_requests 1000000;
              server { listen PEER:80; location / { return 200 "hello from nginx\\n"; } }
            }
            """.replace("DIR", dir.toString()).replace("PEER", NetNs.PEER_IP));
        nginx = new ProcessBuilder(NetNs.prefix(net.nsB, "nginx", "-c", dir.resolve("nginx.conf").toString()))
            .redirectErrorStream(true).redirectOutput(dir.resolve("nginx.out").toFile()).start();
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!net.inB("ss", "-ltn").contains(NetNs.PEER_IP + ":80"))
        {
            assertTrue(System.nanoTime() < deadline && nginx.isAlive(), "nginx did not start: " +
                Files.readString(dir.resolve("nginx.out")));
            Thread.sleep(50);
        }
    }

    @AfterAll
    void stopEverything() throws Exception
    {
        try
        {
            if (nginx != null)
            {
                nginx.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
                nginx.destroyForcibly();
                nginx.waitFor(10, TimeUnit.SECONDS);
            }
            // and by its pid file, should the master have outlived the process we started
            final Path pidFile = dir == null ? null : dir.resolve("nginx.pid");
            if (pidFile != null && Files.exists(pidFile))
            {
                ProcessHandle.of(Long.parseLong(Files.readString(pidFile).strip())).ifPresent(h ->
                {
                    h.descendants().forEach(ProcessHandle::destroyForcibly);
                    h.destroyForcibly();
                });
            }
        }
        finally
        {
            if (net != null)
            {
                net.close();
            }
            if (dir != null)
            {
                try (var files = Files.list(dir))
                {
                    for (final Path f : files.toList())
                    {
                        Files.deleteIfExists(f);
                    }
                }
                Files.deleteIfExists(dir);
            }
        }
    }

    private LoadResult load(final String... args) throws IOException, InterruptedException
    {
        return load(net, args);
    }

    private LoadResult load(final NetNs net, final String... args) throws IOException, InterruptedException
    {
        final Run run = launch(net, args);
        assertEquals(0, run.exit(), run.output());
        return LoadResult.read(dir.resolve("result.json"));
    }

    private record Run(int exit, String output)
    {
    }

    /** Runs load in the namespace (against nginx on port 80 unless {@code args} name a --target). */
    private Run launch(final NetNs net, final String... args) throws IOException, InterruptedException
    {
        final Path json = dir.resolve("result.json");
        Files.deleteIfExists(json);
        final List<String> cmd = new ArrayList<>(NetNs.prefix(net.nsA,
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "--enable-native-access=ALL-UNNAMED", "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
            "-cp", System.getProperty("java.class.path"), WirespeedCli.class.getName(), "load",
            "--iface", net.ifA, "--ip", NetNs.ENGINE_IP + "/24", "--json", json.toString(), "--idle", "backoff"));
        if (!List.of(args).contains("--target"))
        {
            cmd.addAll(List.of("--target", NetNs.PEER_IP + ":80"));
        }
        cmd.addAll(List.of(args));
        final Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        final String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), output);
        System.out.println(output);
        return new Run(p.exitValue(), output);
    }

    private List<String> accessLog() throws IOException
    {
        return Files.readAllLines(dir.resolve("access.log"));
    }

    @Test
    void completedRequestsAreExactlyWhatNginxLogged() throws Exception
    {
        for (final String[] args : new String[][] {
            {"--mode", "http", "--connections", "8", "--duration", "2s"},
            {"--mode", "http", "--connections", "8", "--requests-per-conn", "1", "--duration", "2s"},
            {"--mode", "http", "--rate", "300", "--duration", "2s"}})
        {
            final int before = accessLog().size();
            final LoadResult r = load(args);
            final List<String> lines = accessLog();
            assertEquals(lines.size() - before, r.wholeRun.get("completed"), String.join(" ", args) +
                ": load's completed requests against nginx's access log");
            assertTrue(r.wholeRun.get("completed") > 100, String.join(" ", args));
            assertTrue(lines.subList(before, lines.size()).stream().allMatch(l -> l.endsWith(" 200")));
        }
    }

    @Test
    void fourSourceAddressesAreAllUsedAndAllAnswerArp() throws Exception
    {
        final String[] sources = {"192.0.2.10", "192.0.2.11", "192.0.2.12", "192.0.2.13"};
        final int before = accessLog().size();
        final LoadResult r = load("--mode", "http", "--connections", "8", "--requests-per-conn", "1", "--src-ips",
            "192.0.2.10-192.0.2.13", "--duration", "2s", "--close", "fin");
        final Map<String, Integer> seen = new TreeMap<>();
        for (final String line : accessLog().subList(before, accessLog().size()))
        {
            seen.merge(line.substring(0, line.indexOf(' ')), 1, Integer::sum);
        }
        final String neighbours = net.inB("ip", "neigh", "show", "dev", net.ifB);
        final String engineMac = net.mac(net.nsA, net.ifA);
        for (final String ip : sources)
        {
            assertTrue(seen.getOrDefault(ip, 0) > 10, "nginx saw " + seen);
            assertTrue(r.connectionsBySource.get(ip) > 10, "load counted " + r.connectionsBySource);
            assertTrue(neighbours.lines().anyMatch(l -> l.startsWith(ip + " ") && l.contains(engineMac)),
                ip + " at " + engineMac + " in Linux's neighbour table: " + neighbours);
        }
        assertEquals(0, seen.getOrDefault(NetNs.ENGINE_IP, 0), "only the --src-ips are used");
    }

    @Test
    void twoShardsOverAfPacketCompleteExactlyWhatNginxLogged() throws Exception
    {
        // --shards 2 on an --iface port: qpairs=2, the kernel fans the frames out over two sockets, each shard takes
        // its own and hands the other's over; both shards open connections (ports that hash back to themselves)
        for (final String[] args : new String[][] {
            {"--mode", "http", "--shards", "2", "--connections", "8", "--duration", "2s"},
            {"--mode", "http", "--shards", "2", "--connections", "8", "--requests-per-conn", "3", "--duration", "2s"},
            {"--mode", "http", "--shards", "2", "--rate", "400", "--duration", "2s"}})
        {
            final int before = accessLog().size();
            final LoadResult r = load(args);
            final List<String> lines = accessLog();
            assertEquals(2, r.shards);
            assertEquals(lines.size() - before, r.wholeRun.get("completed"), String.join(" ", args) +
                ": load's completed requests against nginx's access log");
            assertTrue(r.wholeRun.get("completed") > 200, String.join(" ", args));
            assertTrue(r.reached, r.achieved);
        }
    }

    @Test
    void thePcapHoldsOneSynForEveryConnectionLoadOpened() throws Exception
    {
        final Path pcap = dir.resolve("load.pcap");
        final LoadResult r = load("--mode", "http", "--connections", "4", "--requests-per-conn", "2", "--duration",
            "1s", "--pcap", pcap.toString());
        final long opened = r.wholeRun.get("opened");
        assertTrue(opened > 20, "opened " + opened);
        final long syns = tsharkCount(pcap, "tcp.flags.syn == 1 && tcp.flags.ack == 0 && " +
            "!tcp.analysis.retransmission && ip.src == " + NetNs.ENGINE_IP);
        final long synAcks = tsharkCount(pcap, "tcp.flags.syn == 1 && tcp.flags.ack == 1 && " +
            "!tcp.analysis.retransmission && ip.dst == " + NetNs.ENGINE_IP);
        assertEquals(opened, syns, "SYNs in the capture against the connections load opened");
        assertEquals(r.wholeRun.get("connected"), synAcks, "SYN-ACKs in the capture against connections established");
        assertEquals(0, tsharkCount(pcap, "_ws.malformed || _ws.expert.severity == error"), "malformed frames");
        Files.deleteIfExists(pcap);
    }

    private static long tsharkCount(final Path pcap, final String filter) throws IOException, InterruptedException
    {
        final Process p = new ProcessBuilder("tshark", "-n", "-r", pcap.toString(), "-Y", filter, "-T", "fields",
            "-e", "frame.number").redirectError(ProcessBuilder.Redirect.DISCARD).start();
        final String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), "tshark " + filter);
        return out.lines().filter(l -> !l.isBlank()).count();
    }

    @Test
    void underInjectedLossRequestsAreRetransmittedAndStillCountedExactly() throws Exception
    {
        // --impair drops 3% of the frames both ways on load's port: Linux (nginx's side) retransmits what we
        // dropped on the way in, the engine what it dropped on the way out; every request still completes correctly
        final long retransBefore = linuxRetransmissions();
        final int before = accessLog().size();
        final LoadResult r = load("--mode", "http", "--connections", "8", "--requests-per-conn", "4", "--duration",
            "3s", "--impair", "loss=3%,seed=11");
        final long logged = accessLog().size() - before;
        final long retrans = linuxRetransmissions() - retransBefore;
        assertEquals(0, r.errors.values().stream().mapToLong(Long::longValue).sum(), r.errors.toString());
        assertTrue(r.wholeRun.get("completed") > 200, "completed " + r.wholeRun.get("completed"));
        // a request cut at the end of the run may be logged by nginx and not completed by load: only those differ
        assertTrue(logged >= r.wholeRun.get("completed") &&
            logged <= r.wholeRun.get("completed") + r.wholeRun.get("cut_at_end"),
            "nginx logged " + logged + ", load completed " + r.wholeRun.get("completed") + " and cut " +
                r.wholeRun.get("cut_at_end"));
        assertTrue(retrans > 5, "Linux retransmitted " + retrans + " segments");
        assertTrue(accessLog().subList(before, accessLog().size()).stream().allMatch(l -> l.endsWith(" 200")));
    }

    /** Segments Linux retransmitted in nginx's namespace (its own counters, per namespace). */
    private long linuxRetransmissions() throws IOException, InterruptedException
    {
        final String out = net.inB("nstat", "-az", "TcpRetransSegs");
        return out.lines().filter(l -> l.startsWith("TcpRetransSegs")).mapToLong(l -> Long.parseLong(
            l.trim().split("\\s+")[1])).sum();
    }

    @Test
    void exitsOneWhenTheErrorRateExceedsTheLimitAndZeroWithinIt() throws Exception
    {
        // nothing listens on port 81: Linux answers every SYN with RST, each a "refused" error
        final String[] refused = {"--target", NetNs.PEER_IP + ":81", "--mode", "connect", "--connections", "2",
            "--duration", "1s"};
        final Run over = launch(net, refused);
        assertEquals(1, over.exit(), over.output());
        assertTrue(over.output().contains("exceeds --max-error-rate"), over.output());
        final LoadResult r = LoadResult.read(dir.resolve("result.json"));
        assertTrue(r.errors.get("refused") > 10, r.errors.toString());
        assertEquals(0, r.wholeRun.get("completed"));
        final List<String> within = new ArrayList<>(List.of(refused));
        within.addAll(List.of("--max-error-rate", "1"));
        final Run ok = launch(net, within.toArray(new String[0]));
        assertEquals(0, ok.exit(), ok.output());
    }

    @Test
    void bulkDownloadReadsEveryByteUntilTheServerCloses() throws Exception
    {
        // socat in the peer namespace sends 1 MB on each connection, then closes
        final int size = 1_000_000;
        final Process socat = new ProcessBuilder(NetNs.prefix(net.nsB, "socat",
            "TCP-LISTEN:19,bind=" + NetNs.PEER_IP + ",fork,reuseaddr", "SYSTEM:head -c " + size + " /dev/zero"))
            .redirectErrorStream(true).redirectOutput(dir.resolve("socat.out").toFile()).start();
        try
        {
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!net.inB("ss", "-ltn").contains(NetNs.PEER_IP + ":19"))
            {
                assertTrue(System.nanoTime() < deadline && socat.isAlive(), "socat did not start");
                Thread.sleep(50);
            }
            final LoadResult r = load("--target", NetNs.PEER_IP + ":19", "--mode", "bulk", "--bulk", "down",
                "--connections", "2", "--duration", "2s");
            final long completed = r.wholeRun.get("completed");
            final long received = r.wholeRun.get("bytes_received");
            assertEquals(0, r.errors.values().stream().mapToLong(Long::longValue).sum(), r.errors.toString());
            assertTrue(completed >= 2, "completed " + completed);
            // every completed transfer is exactly 1 MB; at most the 2 connections cut at the end are partial
            assertTrue(received >= completed * size && received <= (completed + 2) * size,
                received + " bytes in " + completed + " transfers");
        }
        finally
        {
            socat.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
            socat.destroyForcibly();
            socat.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aServeStallOfOneSecondShowsInTheOpenLoopPercentiles() throws Exception
    {
        // serve (the engine, on the other veth end at 192.0.2.2) stops reading for 1 s, 2 s after its first connection;
        // load runs 100 requests/s for 6 s: the ~100 requests due in the stall wait 0..1 s each, so p99 is near
        // 1 s (wrk2 would report the same), while p50 stays small
        try (NetNs pair = NetNs.create())
        {
            pair.inB("ip", "addr", "flush", "dev", pair.ifB); // the engine owns 192.0.2.2 on this side
            try (ServeProcess serve = ServeProcess.start(pair.nsB, "--iface", pair.ifB, "--ip", NetNs.PEER_IP + "/24",
                "--http", "80", "--idle", "backoff", "--test-stall", "2000:1000"))
            {
                final LoadResult r = load(pair, "--mode", "http", "--rate", "100", "--max-open", "500", "--duration",
                    "6s");
                final LoadResult.Percentiles p = r.latencyUs.get("latency");
                assertEquals(0, r.errors.values().stream().mapToLong(Long::longValue).sum(), r.errors.toString());
                assertTrue(p.p50 < 150_000, "p50 " + p.p50 + " us");
                assertTrue(p.p99 > 700_000 && p.p99 < 3_000_000, "p99 " + p.p99 + " us");
                assertTrue(p.p99 > 10 * p.p50, "p99 " + p.p99 + " us against p50 " + p.p50 + " us");
            }
        }
    }
}
