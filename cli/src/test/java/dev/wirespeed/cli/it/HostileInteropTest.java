package dev.wirespeed.cli.it;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.wirespeed.cli.WirespeedCli;
import dev.wirespeed.engine.runtime.CountersReader;
import dev.wirespeed.engine.runtime.ShardDrops;
import dev.wirespeed.engine.tcp.TcpCounters;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import picocli.CommandLine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hostile input against {@code wirespeed serve} (issue 10, part 6), over a veth between namespaces made here
 * (192.0.2.0/24, no route out). First {@code interop/hostile.py} (Debian's scapy) sends martian sources, pings from
 * broadcast and multicast sources, SYN+FIN and ARP abuse, and the live counters ({@code wirespeed stat} on the
 * running engine) must show each drop under its reason; then {@code interop/http_abuse.py} (plain Linux sockets)
 * checks pipelining, bodies, invalid requests and the idle timeout of the HTTP service.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HostileInteropTest
{
    private static final String PYTHON = ScapyProbes.PYTHON;
    private static final int SCRIPT_DEADLINE_S = 40;
    private static final int IDLE_TIMEOUT_MS = 2000;
    private static final int IDLE_CONNECTIONS = 200;

    @AutoClose
    private ServeFixture fixture;
    private NetNs net;
    private ServeProcess serve;
    private Path countersFile;
    private Path hostileScript;
    private Path httpScript;
    private ScapyProbes probes;

    @BeforeAll
    void startServe() throws Exception
    {
        ScapyProbes.requireScapy();
        fixture = ServeFixture.create();
        net = fixture.net;
        hostileScript = fixture.resource("hostile.py");
        httpScript = fixture.resource("http_abuse.py");
        serve = fixture.serve("--http", "80", "--idle", "backoff", "--time-wait-ms", "2000", "--idle-timeout-ms",
            Integer.toString(IDLE_TIMEOUT_MS));
        countersFile = fixture.countersFile();
        probes = ScapyProbes.run(net, hostileScript, fixture.engineMac(), SCRIPT_DEADLINE_S);
    }

    private void assertProbe(final String name)
    {
        probes.assertOk(name);
    }

    /** RFC 1122 §3.2.1.3, RFC 1812 §5.3.7: LAND, loopback, 0.0.0.0, subnet broadcast, multicast: no answer, no ARP. */
    @Test
    @Order(1)
    void martianSynsGetNoAnswerAndNoArp()
    {
        assertProbe("martian_syns");
    }

    @Test
    @Order(2)
    void pingFromBroadcastOrMulticastSourceIsNotAnswered()
    {
        assertProbe("martian_pings");
    }

    @Test
    @Order(3)
    void synFinIsDropped()
    {
        assertProbe("syn_fin");
    }

    /** A frame to another host's unicast MAC is dropped before anything reads its IP header (Linux: OTHERHOST). */
    @Test
    @Order(3)
    void synToAnotherHostsMacIsNotOurs()
    {
        assertProbe("other_host");
    }

    /** Linux arp_accept=0: an unsolicited reply creates nothing; the engine asks, and learns the solicited answer. */
    @Test
    @Order(4)
    void unsolicitedArpReplyCreatesNoEntry()
    {
        assertProbe("arp_unsolicited_reply");
    }

    /** Linux locktime: a forged reply within 1 s of the answer is ignored; after it, taken (ARP is unauthenticated). */
    @Test
    @Order(5)
    void forgedReplyForAKnownPeerFollowsLinuxLockTime()
    {
        assertProbe("arp_forged_reply_known_peer");
    }

    /** RFC 5227 §2.4: a claim of our address is counted and defended with one announcement per 10 s. */
    @Test
    @Order(6)
    void conflictingClaimOfOurAddressIsDefendedOnce()
    {
        assertProbe("arp_conflict");
    }

    /**
     * {@code wirespeed stat} on the running engine shows each drop under its own reason, the TCP drop reasons
     * included, and the port's own counters; no SYN-RECEIVED entry was ever created.
     */
    @Test
    @Order(7)
    void statShowsEveryDropReasonLive() throws Exception
    {
        probes.assertDone();
        final Matcher m = Pattern.compile("MARTIANS (\\d+)").matcher(probes.output);
        assertTrue(m.find(), probes.output);
        final int martians = Integer.parseInt(m.group(1));
        final Matcher other = Pattern.compile("OTHER_HOST (\\d+)").matcher(probes.output);
        assertTrue(other.find(), probes.output);
        Thread.sleep(300); // counters are published every millisecond, the port's every 100 ms
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final CommandLine cli = WirespeedCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        assertEquals(0, cli.execute("stat", "--file", countersFile.toString(), "--count", "1"), err.toString());
        final String text = out.toString();
        assertTrue(text.contains("shard-0 drop " + ShardDrops.name(ShardDrops.MARTIAN_SOURCE) + ": " + martians + "\n"),
            "every martian counted:\n" + text);
        assertTrue(text.contains("shard-0 drop " + ShardDrops.name(ShardDrops.OTHER_HOST) + ": " + other.group(1) + "\n"),
            "every frame to another host's MAC counted:\n" + text);
        assertTrue(text.contains("shard-0 tcp " + TcpCounters.name(TcpCounters.DROP_SYN_FIN) + ": 1\n"), text);
        assertTrue(text.contains("shard-0 drop ARP_CONFLICT: 2\n"), text);
        assertTrue(text.contains("shard-0 arp defended: 1\n"), text);
        assertTrue(text.contains("shard-0 drop ARP_UNSOLICITED_REPLY: 1\n"), text);
        assertTrue(text.contains("shard-0 drop ARP_LOCKTIME: 1\n"), text);
        assertTrue(text.contains("shard-0 tcp SYN-RECEIVED: 0\n"), text);
        for (final String port : new String[] {"ipackets", "imissed", "ierrors", "oerrors", "rx_nombuf"})
        {
            assertTrue(Pattern.compile("(?m)^port " + port + ": \\d+$").matcher(text).find(), port + ":\n" + text);
        }
        try (CountersReader reader = CountersReader.open(countersFile))
        {
            assertTrue(reader.value("port ipackets") > 0, "the port's own counters move");
        }
    }

    @Test
    @Order(8)
    void sevenHundredPipelinedRequestsInOneWriteAllGetWholeResponses() throws Exception
    {
        assertResult(net.inB(PYTHON, httpScript.toString(), NetNs.ENGINE_IP, "80", "pipeline", "1000"));
    }

    @Test
    @Order(9)
    void bodiesAreBodiesAndInvalidRequestsGetTheirStatus() throws Exception
    {
        assertResult(net.inB(PYTHON, httpScript.toString(), NetNs.ENGINE_IP, "80", "requests"));
    }

    /** Slowloris: connections that never finish a head are closed at the idle timeout, and their buffers return. */
    @Test
    @Order(10)
    void unfinishedRequestsAreClosedAtTheIdleTimeout() throws Exception
    {
        assertResult(net.inB(PYTHON, httpScript.toString(), NetNs.ENGINE_IP, "80", "idle",
            Integer.toString(IDLE_CONNECTIONS), Double.toString(IDLE_TIMEOUT_MS / 1000.0)));
    }

    @Test
    @Order(11)
    void summaryCountsTheTimeoutsAndNoHeaderBufferIsLeftLent() throws Exception
    {
        final int exit = serve.stop();
        final String out = serve.output();
        assertEquals(0, exit, out);
        final Matcher m = Pattern.compile("idle timeouts (\\d+), header buffers lent (\\d+) spare (\\d+)").matcher(out);
        assertTrue(m.find(), out);
        assertTrue(Long.parseLong(m.group(1)) >= IDLE_CONNECTIONS, "every slow connection timed out:\n" + out);
        assertEquals(0, Long.parseLong(m.group(2)), "every header buffer came back:\n" + out);
        assertTrue(Long.parseLong(m.group(3)) <= 256, "spare buffers are bounded:\n" + out);
    }

    private void assertResult(final String output)
    {
        final String result = output.strip();
        assertTrue(result.startsWith("RESULT ok"), result + "\n--- serve:\n" + serve.output());
    }
}
