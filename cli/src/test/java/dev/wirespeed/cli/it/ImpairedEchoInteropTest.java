package dev.wirespeed.cli.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.wirespeed.engine.wire.FrameParser;
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
 * The echo transfer of {@link ServeInteropTest} over an impaired link, with two kinds of impairment at once:
 * <ul>
 *   <li>in namespace B, nftables drops 5% (numgen random) and duplicates 2% ({@code dup}) of the frames the Linux
 *       side sends to the engine (segmentation offloads off, so that every rule sees single frames, and RX
 *       checksumming off, so that Linux verifies every frame it receives);</li>
 *   <li>the engine's own {@code --impair loss=5%,dup=2%,reorder=10%,corrupt=0.5%,seed=7} on its port, both ways.</li>
 * </ul>
 * 64 MiB go through echo spread over 100 connections, and 16 MiB on a single one (about 10% of the frames each way
 * are lost, so one NewReno connection crawls at roughly MSS/RTT·1.22/√p: 64 MiB would take over a minute); the
 * SHA-256 must match.
 * <p>
 * Corrupted frames must be caught by checksums (counted by the engine's parser), and our own frames in the capture
 * must be flawless.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ImpairedEchoInteropTest
{
    private static final String IMPAIR = "loss=5%,dup=2%,reorder=10%,corrupt=0.5%,seed=7";

    @AutoClose
    private ServeFixture fixture;
    private NetNs net;
    private ServeProcess serve;
    private Path pcap;
    private Path echoScript;
    private Path rules;

    @BeforeAll
    void start() throws Exception
    {
        fixture = ServeFixture.create();
        net = fixture.net;
        pcap = fixture.tempFile("wirespeed-impaired", ".pcap");
        echoScript = fixture.resource("echo_check.py");
        // rx off: veth marks frames without a checksum state as verified (CHECKSUM_UNNECESSARY) while the receiver
        // has RX checksumming, so Linux would accept the frames our --impair corrupted; without it, it checks them
        net.inB("ethtool", "-K", net.ifB, "gso", "off", "tso", "off", "gro", "off", "rx", "off");
        rules = fixture.tempFile("impair", ".nft");
        // One draw per frame decides: 2% duplicated, 5% dropped, never both. Two independent rules would sometimes
        // duplicate a frame and then drop the original; a drop in OUTPUT makes the send fail, so Linux thinks it
        // never sent bytes whose copy reached us, and it rejects our ACK of them as acknowledging unsent data.
        Files.writeString(rules, """
            table ip wirespeed_impair {
              chain dupit {
                counter dup to %1$s device %2$s
              }
              chain dropit {
                counter drop
              }
              chain out {
                type filter hook output priority 0; policy accept;
                ip daddr %1$s numgen random mod 1000 vmap { 0-19 : jump dupit, 20-69 : jump dropit }
              }
            }
            """.formatted(NetNs.ENGINE_IP, net.ifB));
        net.inB("nft", "-f", rules.toString());
        serve = fixture.serve("--echo", "7", "--idle", "backoff", "--time-wait-ms", "2000", "--rto-min-ms", "20",
            "--impair", IMPAIR, "--pcap", pcap.toString());
    }

    @Test
    @Order(1)
    void echoSixteenMebibytesOneConnection() throws Exception
    {
        assertEchoOk(1, 16 << 20);
    }

    @Test
    @Order(2)
    void echoSixtyFourMebibytesOverHundredConnections() throws Exception
    {
        assertEchoOk(100, 64 << 20);
    }

    private void assertEchoOk(final int connections, final int bytes) throws Exception
    {
        final String out = net.inB("python3", echoScript.toString(), NetNs.ENGINE_IP, "7",
            Integer.toString(connections), Integer.toString(bytes), "150").strip();
        assertTrue(out.startsWith("RESULT ok=" + connections + " of " + connections + " "), out + "\n--- serve:\n" +
            serve.output());
    }

    @Test
    @Order(3)
    void bothImpairmentsActedAndCorruptionWasCaughtByChecksums() throws Exception
    {
        final String ruleset = net.inB("nft", "list", "table", "ip", "wirespeed_impair");
        final Matcher counters = Pattern.compile("counter packets (\\d+)").matcher(ruleset);
        assertTrue(counters.find() && Long.parseLong(counters.group(1)) > 100, "nft dup acted:\n" + ruleset);
        assertTrue(counters.find() && Long.parseLong(counters.group(1)) > 100, "nft drop acted:\n" + ruleset);

        assertEquals(0, serve.stop(), serve.output());
        final String summary = serve.output().lines().filter(l -> l.startsWith("summary: ")).findFirst().orElse("");
        final Matcher rx = Pattern.compile("impaired rx lost (\\d+)/dup (\\d+)/reordered (\\d+)/corrupted (\\d+) of")
            .matcher(summary);
        assertTrue(rx.find(), summary);
        for (int g = 1; g <= 4; g++)
        {
            assertTrue(Long.parseLong(rx.group(g)) > 10, "every engine impairment acted on RX: " + summary);
        }
        final long corruptedRx = Long.parseLong(rx.group(4));
        long caught = 0;
        final Matcher drops = Pattern.compile("drop ([A-Z0-9_]+) (\\d+)").matcher(summary);
        while (drops.find())
        {
            // the parser's reasons only (the shard's own, e.g. IMPAIR_RX, are counted in the same summary)
            if (!drops.group(1).equals("UNSUPPORTED_ETHERTYPE") && isParserReason(drops.group(1)))
            {
                caught += Long.parseLong(drops.group(2));
            }
        }
        // A flipped byte is caught by the IPv4 or TCP checksum or an earlier header check; only the rare flip that
        // turns a 0x0000 word into 0xFFFF (the same one's-complement value) can pass, or one in a frame we ignore
        // anyway (IPv6). A corrupted frame that is then duplicated is dropped twice.
        assertTrue(caught >= corruptedRx * 9 / 10 && caught <= corruptedRx * 2, "corrupted " + corruptedRx +
            ", dropped by the parser " + caught + ": " + summary);

        // our frames are captured before the TX impairment: each must be flawless. The capture holds the received
        // frames too, after the RX impairment: one whose flipped byte turned the peer's source address into ours
        // (a TCP checksum off by exactly one) is not ours. One flipped byte cannot change both addresses, so the
        // frames from us to the peer are exactly the ones we sent
        final String bad = NetNs.run("tshark", "-r", pcap.toString(), "-o", "tcp.check_checksum:TRUE", "-o",
            "ip.check_checksum:TRUE", "-Y", "ip.src == " + NetNs.ENGINE_IP + " && ip.dst == " + NetNs.PEER_IP +
            " && (_ws.malformed || " +
            "ip.checksum.status == 0 || tcp.checksum.status == 0 || tcp.checksum == 0xffff || " +
            "_ws.expert.severity >= 8388608)", "-T", "fields", "-e", "frame.number").strip();
        final String badFrames = bad.lines().filter(l -> !l.startsWith("Running as user"))
            .reduce("", (a, b) -> a + b + "\n");
        final String why = badFrames.isEmpty() ? "" : NetNs.run("tshark", "-r", pcap.toString(), "-o",
            "tcp.check_checksum:TRUE", "-o", "ip.check_checksum:TRUE", "-Y", "frame.number in {" +
            badFrames.strip().replace('\n', ' ') + "}", "-T", "fields", "-e", "frame.number", "-e", "frame.len",
            "-e", "tcp.flags.str", "-e", "tcp.seq_raw", "-e", "tcp.len", "-e", "ip.checksum.status", "-e",
            "tcp.checksum.status", "-e", "tcp.checksum", "-e", "_ws.col.Protocol", "-e", "_ws.expert.message");
        assertEquals("", badFrames,
            "tshark found malformed frames, bad checksums or expert errors in what the engine sent:\n" + why);
    }

    private static boolean isParserReason(final String name)
    {
        for (int r = 1; r < FrameParser.DROP_REASON_COUNT; r++)
        {
            if (FrameParser.dropReasonName(r).equals(name))
            {
                return true;
            }
        }
        return false;
    }
}
