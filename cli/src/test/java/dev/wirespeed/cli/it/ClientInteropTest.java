package dev.wirespeed.cli.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import dev.wirespeed.cli.WirespeedCli;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@code wirespeed client} against real Linux servers: the engine owns one end of a veth pair in namespace A (no
 * kernel IP), Linux owns the other in namespace B at 192.0.2.2/24, no default route anywhere. socat serves in B:
 * an echo (byte-exact, one large and twenty smaller connections), a sink that writes what it gets to a file
 * (upload, SHA-256 compared) and a source that sends a file (download, SHA-256 compared); a port with no listener
 * must be refused. Every client run must leave no TCB (TIME-WAIT shortened and waited out) and Linux no open
 * socket; the capture of the upload is judged by tshark.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClientInteropTest
{
    private static final int ECHO_PORT = 7007;
    private static final int SINK_PORT = 7009;
    private static final int SOURCE_PORT = 7010;
    private static final int STUCK_PORT = 7011;
    private static final int CLOSED_PORT = 7999;
    private static final long RUN_TIMEOUT_S = 60;

    private NetNs net;
    private Path dir;
    private Path pcap;

    private record Run(int exit, String output, Map<String, String> result)
    {
    }

    @BeforeAll
    void startEchoServer() throws Exception
    {
        net = NetNs.create();
        dir = Files.createTempDirectory("wirespeed-client");
        pcap = dir.resolve("upload.pcap");
        // -b 4096: socat writes what it reads into its own pipe with a blocking write; a write larger than the
        // pipe's free room (its default block is 8192) blocks forever, since only socat itself drains the pipe. A
        // block of one page always fits once select() says the pipe is writable.
        startInB("socat", "-b", "4096", "TCP-LISTEN:" + ECHO_PORT + ",fork,reuseaddr,backlog=64", "PIPE");
        awaitListening(ECHO_PORT);
    }

    @AfterAll
    void stopEverything() throws Exception
    {
        try
        {
            if (net != null)
            {
                // the servers this test started in its own namespaces, by pid
                for (final String ns : new String[] {net.nsB, net.nsA})
                {
                    for (final String pid : NetNs.run("ip", "netns", "pids", ns).strip().split("\\s+"))
                    {
                        if (!pid.isEmpty())
                        {
                            ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly);
                        }
                    }
                }
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

    @Test
    @Order(1)
    void echoOfSixteenMebibytesOnOneConnectionIsByteExact() throws Exception
    {
        final Run run = client(ECHO_PORT, "--send", "16M", "--expect-echo");
        assertSucceeded(run, 1);
        assertEquals(Long.toString(16L << 20), run.result.get("sent"), run.output);
        assertEquals(Long.toString(16L << 20), run.result.get("received"), run.output);
        assertEquals(run.result.get("sha256_sent"), run.result.get("sha256_received"), run.output);
        assertNoOpenSocketsInLinux();
    }

    @Test
    @Order(2)
    void echoOfOneMebibyteOnTwentyConnectionsIsByteExact() throws Exception
    {
        final Run run = client(ECHO_PORT, "--send", "1M", "--connections", "20", "--expect-echo");
        assertSucceeded(run, 20);
        assertEquals(Long.toString(20L << 20), run.result.get("sent"), run.output);
        assertEquals(Long.toString(20L << 20), run.result.get("received"), run.output);
        assertNoOpenSocketsInLinux();
    }

    @Test
    @Order(2)
    void twoShardsOverAnImpairedLinkStillEchoEveryByte() throws Exception
    {
        final Run run = client(ECHO_PORT, "--send", "1M", "--connections", "8", "--shards", "2",
            "--impair", "loss=0.5%,seed=3", "--expect-echo");
        assertSucceeded(run, 8);
        assertEquals(Long.toString(8L << 20), run.result.get("received"), run.output);
        assertTrue(run.output.contains("shards=2"), run.output);
        assertTrue(run.output.contains("shard0_impaired_rx_lost=") && run.output.contains("shard1_impaired_rx_lost="),
            "both shards applied --impair:\n" + run.output);
        assertNoOpenSocketsInLinux();
    }

    @Test
    @Order(3)
    void uploadToALinuxSinkArrivesIntact() throws Exception
    {
        final Path file = dir.resolve("upload.bin");
        final Process sink = startInB("socat", "-u", "TCP-LISTEN:" + SINK_PORT + ",reuseaddr", "CREATE:" + file);
        awaitListening(SINK_PORT);
        final Run run = client(SINK_PORT, "--send", "8M", "--pcap", pcap.toString());
        assertSucceeded(run, 1);
        assertTrue(sink.waitFor(10, TimeUnit.SECONDS), "the sink ends after our FIN");
        assertEquals(0, sink.exitValue());
        assertEquals(8L << 20, Files.size(file));
        assertEquals(sha256(file), run.result.get("sha256_sent"), run.output);
        assertEquals("0", run.result.get("received"), run.output);
        assertNoOpenSocketsInLinux();
    }

    @Test
    @Order(4)
    void downloadFromALinuxSourceArrivesIntact() throws Exception
    {
        final Path file = dir.resolve("download.bin");
        final byte[] data = new byte[8_000_000];
        new SplittableRandom(2).nextBytes(data);
        Files.write(file, data);
        final Process source = startInB("socat", "-U", "TCP-LISTEN:" + SOURCE_PORT + ",reuseaddr",
            "OPEN:" + file + ",rdonly");
        awaitListening(SOURCE_PORT);
        final Run run = client(SOURCE_PORT);
        assertSucceeded(run, 1);
        assertTrue(source.waitFor(10, TimeUnit.SECONDS), "the source ends after sending the file");
        assertEquals("0", run.result.get("sent"), run.output);
        assertEquals(Integer.toString(data.length), run.result.get("received"), run.output);
        assertEquals(sha256(file), run.result.get("sha256_received"), run.output);
        assertNoOpenSocketsInLinux();
    }

    @Test
    @Order(5)
    void aPortWithoutListenerIsRefusedWithExit1() throws Exception
    {
        final Run run = client(CLOSED_PORT, "--send", "1K");
        assertEquals(1, run.exit, run.output);
        assertEquals("0", run.result.get("ok"), run.output);
        assertEquals("1", run.result.get("refused"), run.output);
        assertEquals("0", run.result.get("tcbs_left"), run.output);
        assertTrue(run.output.contains("connection refused: the server answered the SYN with RST"), run.output);
        assertTrue(!run.output.contains("Exception") && !run.output.contains("\tat "), "no stack trace:\n" + run.output);
    }

    @Test
    @Order(6)
    void theTimeLimitResetsAStuckConnectionAndLinuxDropsIt() throws Exception
    {
        // a server that never reads: its window closes, the client probes it until --seconds, then aborts
        final Process stuck = startInB("socat", "-u", "TCP-LISTEN:" + STUCK_PORT + ",reuseaddr", "SYSTEM:sleep 30");
        awaitListening(STUCK_PORT);
        final Run run = client(STUCK_PORT, "--send", "16M", "--seconds", "2");
        assertEquals(1, run.exit, run.output);
        assertEquals("1", run.result.get("aborted"), run.output);
        assertEquals("0", run.result.get("tcbs_left"), run.output);
        assertTrue(run.output.contains("stopped, the time limit of 2000 ms passed"), run.output);
        // the RST lands inside the closed window, at Linux's RCV.NXT, and is accepted
        assertNoOpenSocketsInLinux();
        stuck.destroyForcibly();
    }

    @Test
    @Order(7)
    void theUploadCaptureIsWellFormed() throws Exception
    {
        final String bad = NetNs.run("tshark", "-r", pcap.toString(), "-o", "tcp.check_checksum:TRUE", "-o",
            "ip.check_checksum:TRUE", "-Y", "_ws.malformed || ip.checksum.status == 0 || (tcp.checksum.status == 0 && tcp.checksum != 0xffff) || " +
            "(ip.src == " + NetNs.ENGINE_IP + " && (tcp.checksum == 0xffff || _ws.expert.severity >= 8388608))").strip();
        // As in ServeInteropTest: Linux's software checksum is sometimes 0xFFFF (the other zero); ours are judged
        // strictly.
        assertEquals("", bad.lines().filter(l -> !l.startsWith("Running as user")).reduce("", (a, b) -> a + b + "\n"),
            "tshark found malformed packets, bad checksums or expert errors");
        // one line of flags per frame we sent, like "·······A····" (tshark's "Running as user" notice has no '·')
        final List<String> ours = NetNs.run("tshark", "-r", pcap.toString(), "-T", "fields", "-e", "tcp.flags.str",
            "-Y", "ip.src == " + NetNs.ENGINE_IP + " && tcp").lines().filter(l -> l.contains("\u00b7")).toList();
        assertTrue(ours.size() > 1000, "the capture holds the upload: " + ours.size() + " frames");
        assertTrue(ours.stream().anyMatch(l -> l.contains("S") && !l.contains("A")), "our SYN is captured");
        assertTrue(ours.stream().anyMatch(l -> l.contains("F")), "our FIN is captured");
        assertTrue(ours.stream().noneMatch(l -> l.contains("R")), "we never reset the orderly upload");
    }

    // ================================================================================================ helpers

    private Run client(final int port, final String... extra) throws IOException, InterruptedException
    {
        final List<String> cmd = new ArrayList<>(NetNs.prefix(net.nsA,
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "--enable-native-access=ALL-UNNAMED", "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
            "-cp", System.getProperty("java.class.path"), WirespeedCli.class.getName(), "client",
            "--iface", net.ifA, "--ip", NetNs.ENGINE_IP + "/24", "--connect", NetNs.PEER_IP + ":" + port,
            "--idle", "backoff", "--time-wait-ms", "200", "--wait-time-wait"));
        if (!List.of(extra).contains("--seconds"))
        {
            cmd.addAll(List.of("--seconds", "30"));
        }
        cmd.addAll(List.of(extra));
        final Path log = Files.createTempFile(dir, "client", ".log");
        final Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(RUN_TIMEOUT_S, TimeUnit.SECONDS))
        {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
            fail("the client did not end within " + RUN_TIMEOUT_S + " s:\n" + Files.readString(log));
        }
        final String output = Files.readString(log);
        final Map<String, String> result = new HashMap<>();
        output.lines().filter(l -> l.startsWith("RESULT ")).findFirst().ifPresent(line ->
        {
            for (final String field : line.substring(7).split(" "))
            {
                final int eq = field.indexOf('=');
                if (eq > 0)
                {
                    result.put(field.substring(0, eq), field.substring(eq + 1));
                }
            }
            // "ok=N of M": the count of connections is the token after "of"
            final String[] words = line.split(" ");
            for (int i = 0; i + 1 < words.length; i++)
            {
                if (words[i].equals("of"))
                {
                    result.put("of", words[i + 1]);
                }
            }
        });
        assertTrue(!result.isEmpty(), "the client printed a RESULT line:\n" + output);
        return new Run(p.exitValue(), output, result);
    }

    private static void assertSucceeded(final Run run, final int connections)
    {
        assertEquals(0, run.exit, run.output);
        assertEquals(Integer.toString(connections), run.result.get("ok"), run.output);
        assertEquals(Integer.toString(connections), run.result.get("of"), run.output);
        assertEquals("0", run.result.get("mismatches"), run.output);
        assertEquals("0", run.result.get("tcbs_left"), run.output);
        assertEquals("0", run.result.get("time_wait"), "TIME-WAIT (200 ms) waited out:\n" + run.output);
    }

    /** Linux holds no socket toward the engine but TIME-WAIT ones: no ESTABLISHED, CLOSE-WAIT, LAST-ACK, ... */
    private void assertNoOpenSocketsInLinux() throws IOException, InterruptedException
    {
        String open = "";
        // Linux's last state change can trail the client's exit by a moment; look for up to 2 s
        for (int i = 0; i < 20; i++)
        {
            open = net.inB("ss", "-tanH", "dst", NetNs.ENGINE_IP).lines()
                .filter(l -> !l.startsWith("TIME-WAIT")).reduce("", (a, b) -> a + b + "\n");
            if (open.isEmpty())
            {
                return;
            }
            Thread.sleep(100);
        }
        fail("Linux still holds sockets toward the engine:\n" + open);
    }

    private Process startInB(final String... cmd) throws IOException
    {
        final Path log = Files.createTempFile(dir, "server", ".log");
        return new ProcessBuilder(NetNs.prefix(net.nsB, cmd)).redirectErrorStream(true)
            .redirectOutput(log.toFile()).start();
    }

    private void awaitListening(final int port) throws IOException, InterruptedException
    {
        for (int i = 0; i < 100; i++)
        {
            if (net.inB("ss", "-tlnH", "sport", "= :" + port).contains(":" + port))
            {
                return;
            }
            Thread.sleep(50);
        }
        fail("nothing listens on port " + port + " in " + net.nsB);
    }

    private static String sha256(final Path file) throws Exception
    {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }
}
