package dev.wirespeed.cli.it;

import java.io.IOException;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Crafted segments from scapy against {@code wirespeed serve}: the engine owns one end of a veth pair in namespace A
 * (no kernel IP), and {@code interop/probes.py} runs with Debian's scapy in namespace B (192.0.2.2/24, no default
 * route), writing frames by hand on an AF_PACKET socket. The kernel in B has no socket for the probes' ports
 * 40000..40099, so an nftables rule drops what arrives for them there (otherwise it would reset every handshake).
 * The script runs once before the tests; each test checks one probe's line. The last test judges serve's capture
 * with tshark. Cases are named after the numbered behaviours of docs/TCP-BEHAVIOUR.md.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ProbeInteropTest
{
    /** The source port of the bad-checksum probe: its corrupt frames are the only expected tshark errors. */
    private static final int BAD_CHECKSUM_PORT = 40003;
    /** probes.py's bad_checksum sends two corrupt segments: a SYN and, on an established connection, data. */
    private static final int INJECTED_BAD_CHECKSUMS = 2;
    private static final int SCRIPT_DEADLINE_S = 40;

    @AutoClose
    private ServeFixture fixture;
    private NetNs net;
    private ServeProcess serve;
    private Path pcap;
    private Path script;
    private ScapyProbes probes;

    @BeforeAll
    void startServeAndProbe() throws Exception
    {
        ScapyProbes.requireScapy();
        fixture = ServeFixture.create();
        net = fixture.net;
        pcap = fixture.tempFile("wirespeed-probe", ".pcap");
        script = fixture.resource("probes.py");
        net.inB("nft", "add", "table", "inet", "probe");
        net.inB("nft", "add", "chain", "inet", "probe", "in", "{ type filter hook input priority 0; }");
        net.inB("nft", "add", "rule", "inet", "probe", "in", "tcp", "dport", "40000-40099", "drop");
        serve = fixture.serve("--echo", "7", "--discard", "9", "--http", "80", "--idle", "backoff", "--time-wait-ms",
            "10000", "--pcap", pcap.toString());
        probes = ScapyProbes.run(net, script, fixture.engineMac(), SCRIPT_DEADLINE_S);
    }

    private void assertProbe(final String name)
    {
        probes.assertOk(name);
    }

    /** Behaviour 44: a closed port answers a SYN with RST+ACK ⟨SEQ=0, ACK=SEG.SEQ+1⟩, an ACK with RST ⟨SEQ=ACK⟩. */
    @Test
    @Order(1)
    void synToClosedPortGetsRstAckWithAckSeqPlusOne()
    {
        assertProbe("closed_port_rst");
    }

    /**
     * Behaviours 49, 50: an in-window RST and a SYN in ESTABLISHED get challenge ACKs, an out-of-window RST gets
     * nothing, the connection survives; then an exact RST resets it.
     */
    @Test
    @Order(2)
    void inWindowRstAndSynInEstablishedGetChallengeAcks()
    {
        assertProbe("challenge_ack");
    }

    /** Behaviour 59: a bad TCP checksum is dropped silently, on a SYN and on established data. */
    @Test
    @Order(3)
    void badTcpChecksumGetsNoReply()
    {
        assertProbe("bad_checksum");
    }

    /**
     * Behaviour 36: the FINs cross; the engine ACKs ours past its own FIN (CLOSING), retransmits its FIN, and after
     * our ACK of it goes quiet (TIME-WAIT).
     */
    @Test
    @Order(4)
    void simultaneousCloseGoesThroughClosingToTimeWait()
    {
        assertProbe("simultaneous_close");
    }

    /** Behaviour 41: a retransmitted FIN in TIME-WAIT is ACKed; an RST does not end TIME-WAIT (RFC 1337). */
    @Test
    @Order(5)
    void retransmittedFinInTimeWaitIsAcked()
    {
        assertProbe("time_wait_fin");
    }

    /** Behaviours 13, 28: out-of-order data gets an immediate duplicate ACK with SACK blocks, newest first. */
    @Test
    @Order(6)
    void outOfOrderDataGetsDuplicateAckWithSackBlocks()
    {
        assertProbe("sack_blocks");
    }

    /** Behaviours 28, 30: with timestamps on, duplicate ACKs carry the timestamp and only the 3 SACK blocks that fit. */
    @Test
    @Order(7)
    void sackBlocksBesideTimestampsFitTheOptionSpace()
    {
        assertProbe("sack_with_timestamps");
    }

    /**
     * Behaviours 30, 47, 50: a rebooted peer without timestamps (Linux with tcp_timestamps=0) sends a SYN to our
     * timestamp connection: challenge ACK, its RST at SEG.ACK clears the half-open connection, a new one works.
     */
    @Test
    @Order(8)
    void halfOpenRecoveryFromAPeerRebootedWithoutTimestamps()
    {
        assertProbe("half_open_no_timestamps");
    }

    @Test
    @Order(9)
    void probeScriptRanToTheEnd()
    {
        probes.assertDone();
    }

    @Test
    @Order(10)
    void shutdownIsCleanAndTheCaptureHoldsOnlyTheInjectedErrors() throws Exception
    {
        final int exit = serve.stop();
        final String out = serve.output();
        assertEquals(0, exit, out);
        final Matcher dropped = Pattern.compile("TCP_BAD_CHECKSUM (\\d+)").matcher(out);
        assertTrue(dropped.find() && Integer.parseInt(dropped.group(1)) == INJECTED_BAD_CHECKSUMS,
            "the engine should count exactly the " + INJECTED_BAD_CHECKSUMS + " corrupt segments as TCP_BAD_CHECKSUM " +
            "drops:\n" + out);

        final String injected = "(ip.src == " + NetNs.PEER_IP + " && tcp.srcport == " + BAD_CHECKSUM_PORT +
            " && tcp.checksum.status == 0)";
        // Every frame is judged, both directions: the only frames the kernel in B sends here are ARP, and scapy's
        // TCP checksums are never 0xFFFF (a segment's one's-complement sum is never zero), so unlike in
        // ServeInteropTest nothing needs excusing on the peer's side but the probe's own corrupt frames.
        final String bad = tshark("(_ws.malformed || ip.checksum.status == 0 || tcp.checksum.status == 0 || " +
            "tcp.checksum == 0xffff || _ws.expert.severity >= 8388608) && !" + injected);
        assertEquals("", bad, "tshark found malformed packets, bad checksums or expert errors");
        final String corrupt = tshark(injected);
        assertEquals(INJECTED_BAD_CHECKSUMS, corrupt.lines().count(),
            "the capture should hold the probe's corrupt frames, and tshark should flag them:\n" + corrupt);
    }

    /** The frames of the capture that match a display filter, one summary line each. */
    private String tshark(final String displayFilter) throws IOException, InterruptedException
    {
        return withoutRootWarning(NetNs.run("tshark", "-r", pcap.toString(), "-o", "tcp.check_checksum:TRUE", "-o",
            "ip.check_checksum:TRUE", "-Y", displayFilter));
    }

    private static String withoutRootWarning(final String tsharkOutput)
    {
        return tsharkOutput.lines().filter(l -> !l.startsWith("Running as user")).reduce("", (a, b) -> a + b + "\n");
    }
}
