package dev.wirespeed.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.wirespeed.apps.nic.PacketClock;
import dev.wirespeed.apps.nic.TestFrame;
import dev.wirespeed.apps.nic.Timestamps;
import dev.wirespeed.apps.nic.TxStream;
import dev.wirespeed.bindings.Eal;
import dev.wirespeed.bindings.EalOptions;
import dev.wirespeed.bindings.Mbuf;
import dev.wirespeed.bindings.MbufBurst;
import dev.wirespeed.bindings.MbufView;
import dev.wirespeed.bindings.NativeLayout;
import dev.wirespeed.bindings.PortConfig;
import dev.wirespeed.bindings.RingPair;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code --timestamps}: on ports without hardware timestamping (every vdev here), {@code auto} falls back to
 * software and says why, {@code hw} is one error line naming the port and DPDK's reason; and the frame the IEEE 1588
 * sampler marks is exactly the next one sent. The hardware read path itself cannot run here.
 */
class TimestampsTest
{
    @BeforeAll
    static void eal()
    {
        if (Eal.current() == null)
        {
            Eal.init(new EalOptions().announceFallback(false));
        }
        Eal.registerThread();
    }

    @Test
    void modesParse()
    {
        assertEquals(Timestamps.Mode.AUTO, Timestamps.Mode.parse("auto"));
        assertEquals(Timestamps.Mode.HW, Timestamps.Mode.parse("HW"));
        assertEquals(Timestamps.Mode.SW, Timestamps.Mode.parse(" sw"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Timestamps.Mode.parse("ptp")).getMessage()
            .contains("--timestamps must be auto, hw or sw"));
    }

    @Test
    void autoFallsBackToSoftwareAndHwFailsNamingThePortAndTheReason()
    {
        try (RingPair pair = RingPair.create("ws_t_ts", 256))
        {
            pair.a().start(new PortConfig().mempool(1023, 32).rxTimestamps(true));
            pair.b().start(new PortConfig().mempool(1023, 32).rxTimestamps(true));
            assertFalse(pair.b().hasRxTimestampOffload());
            final PacketClock clock = PacketClock.nanoTime();

            final Timestamps.Choice sw = Timestamps.choose(Timestamps.Mode.SW, pair.a(), pair.b(), clock);
            assertEquals(Timestamps.Kind.SOFTWARE, sw.kind());
            assertTrue(sw.description().contains("--timestamps sw"), sw.description());

            final Timestamps.Choice auto = Timestamps.choose(Timestamps.Mode.AUTO, pair.a(), pair.b(), clock);
            assertEquals(Timestamps.Kind.SOFTWARE, auto.kind());
            assertTrue(auto.description().contains("auto fell back because port " + pair.a().name()) &&
                auto.description().contains("rte_eth_timesync_enable") && auto.description().contains("(-95)") &&
                auto.description().contains("no RX timestamp offload"), auto.description());

            final IllegalArgumentException hw = assertThrows(IllegalArgumentException.class,
                () -> Timestamps.choose(Timestamps.Mode.HW, pair.a(), pair.b(), clock));
            assertTrue(hw.getMessage().startsWith("--timestamps hw: port " + pair.a().name() + " (net_ring") &&
                hw.getMessage().contains("(-95)"), hw.getMessage());
            assertEquals(-1, hw.getMessage().indexOf('\n'));
        }
    }

    @Test
    void theMarkedFrameIsExactlyTheNextOneSent()
    {
        try (RingPair pair = RingPair.create("ws_t_mark", 256); Arena arena = Arena.ofConfined())
        {
            pair.a().start(new PortConfig().mempool(1023, 32));
            pair.b().start(new PortConfig().mempool(1023, 32));
            final TxStream s = new TxStream(arena, pair.a(), 0, 3, new int[] {64}, 0x02_00_00_00_00_01L,
                TestFrame.DEFAULT_DST_MAC, PacketClock.nanoTime());
            s.start(0, 1);
            s.doWork();
            s.markNext(NativeLayout.MBUF_F_TX_IEEE1588_TMST);
            assertEquals(-1, s.markedSequence());
            s.start(0, 3);
            while (!s.done())
            {
                s.doWork();
            }
            assertEquals(1, s.markedSequence());
            final MbufBurst in = new MbufBurst(arena, 32);
            final MbufView view = new MbufView();
            assertEquals(4, pair.b().rxBurst(0, in));
            for (int i = 0; i < 4; i++)
            {
                final long m = in.get(i);
                // net_ring hands the very mbuf over, so the TX flag is still there to see
                final boolean flagged = (Mbuf.offloadFlags(m) & NativeLayout.MBUF_F_TX_IEEE1588_TMST) != 0;
                assertEquals(TestFrame.sequence(view.wrap(m)) == 1, flagged, "frame " + i);
            }
            in.freeAll();
            s.clearMark();
            assertEquals(-1, s.markedSequence());
        }
    }

    @Test
    void theCommandSaysWhichTimestampsItUsedOrFailsInOneLine() throws Exception
    {
        final StringWriter err = new StringWriter();
        final CommandLine cli = WirespeedCli.commandLine();
        cli.setOut(new PrintWriter(new StringWriter(), true));
        cli.setErr(new PrintWriter(err, true));
        assertEquals(2, cli.execute("nicbench", "rfc2544", "--vdev", "net_ring7", "--timestamps", "hw",
            "--line-rate", "10M"));
        final String e = err.toString().strip();
        assertTrue(e.startsWith("wirespeed: error: --timestamps hw: port net_ring7 (net_ring") &&
            e.contains("rte_eth_timesync_enable") && e.contains("(-95)"), e);
        assertEquals(1, e.lines().count(), e);

        final Path json = Path.of("target/rfc2544-test/timestamps-auto.json");
        Files.createDirectories(json.getParent());
        final CommandLine run = WirespeedCli.commandLine();
        run.setOut(new PrintWriter(new StringWriter(), true));
        assertEquals(0, run.execute("nicbench", "rfc2544", "--vdev", "net_ring8", "--timestamps", "auto",
            "--line-rate", "10M", "--sizes", "64", "--tests", "latency", "--trial", "50ms", "--warmup", "0",
            "--resolution", "10%", "--json", json.toString()));
        final JsonNode doc = new ObjectMapper().readTree(json.toFile());
        final String said = doc.get("setup").get("timestamps").asText();
        assertTrue(said.contains("auto fell back because port net_ring8"), said);
        assertEquals("software", doc.get("results").get(0).get("latency").get("source").asText());
    }
}
