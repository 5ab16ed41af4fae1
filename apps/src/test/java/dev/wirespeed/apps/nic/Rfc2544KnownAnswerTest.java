package dev.wirespeed.apps.nic;

import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.wirespeed.apps.testing.HeadlessChromium;
import dev.wirespeed.bindings.Eal;
import dev.wirespeed.bindings.EalOptions;
import dev.wirespeed.bindings.PortConfig;
import dev.wirespeed.bindings.RingPair;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * RFC 2544 against a device under test with a known answer, in one process: a net_ring pair, the tester on port A
 * (this thread), a {@link Reflector} limited to {@value #MAX_PPS} pps through a {@value #BUFFER}-frame buffer on
 * port B (its own thread). Line rate is set to 100 Mbit/s (148 810 pps at 64 B). The throughput search must find
 * the limit within its resolution, back-to-back the burst the buffer allows (RFC 9004: buffer / (1 - X / R)), the
 * loss test the excess share; the report is checked in headless Chromium; the reflector's loop allocates nothing.
 */
class Rfc2544KnownAnswerTest
{
    static final double MAX_PPS = 50_000;
    static final int BUFFER = 1024;
    static final double LINE_BPS = 100e6;

    @Test
    void findsTheReflectorsRateLimitAndBufferOverANetRingPair() throws Exception
    {
        if (Eal.current() == null)
        {
            Eal.init(new EalOptions().announceFallback(false));
        }
        Eal.registerThread();
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicLong reflectorAllocated = new AtomicLong(-1);
        final AtomicLong reflectorFrames = new AtomicLong();
        try (RingPair pair = RingPair.create("ws_t_2544", 1024); Arena arena = Arena.ofShared())
        {
            pair.a().start(new PortConfig().mempool(16383, 256));
            pair.b().start(new PortConfig().mempool(8191, 256));
            final Reflector reflector = new Reflector(arena, pair.b(), pair.b(), 0, MAX_PPS, BUFFER);
            final Thread t = new Thread(() ->
            {
                Eal.registerThread();
                final com.sun.management.ThreadMXBean threads =
                    (com.sun.management.ThreadMXBean)java.lang.management.ManagementFactory.getThreadMXBean();
                final long warm = System.nanoTime() + 2_000_000_000L;
                long alloc0 = -1;
                long frames0 = 0;
                while (!stop.get())
                {
                    for (int i = 0; i < 256; i++)
                    {
                        reflector.doWork();
                    }
                    if (alloc0 < 0 && System.nanoTime() - warm > 0)
                    {
                        alloc0 = threads.getCurrentThreadAllocatedBytes();
                        frames0 = reflector.received();
                    }
                }
                if (alloc0 >= 0)
                {
                    reflectorAllocated.set(threads.getCurrentThreadAllocatedBytes() - alloc0);
                    reflectorFrames.set(reflector.received() - frames0);
                }
                reflector.discardPending();
            }, "test-reflector");
            t.start();
            final List<Rfc2544.SizeResult> results;
            final Rfc2544.Settings s = new Rfc2544.Settings();
            try
            {
                s.sizes = new int[] {64};
                s.trialNs = 1_000_000_000L;
                s.warmupNs = 500_000_000L;
                s.resolutionPct = 1.0;
                s.lineBps = LINE_BPS;
                s.lineRateSource = "test: 100 Mbit/s";
                s.tests = EnumSet.allOf(Rfc2544.Test.class);
                s.backToBackRepeats = 2;
                s.attempts = 1;
                s.settleNs = 1_000_000_000L; // a starved reflector thread may hold frames that long on a busy machine
                s.backToBackMaxSeconds = 0.05;
                final Rfc2544 run = new Rfc2544(pair.a(), pair.a(), s, PacketClock.tsc(), new PrintStream(System.out, true));
                results = run.run();
            }
            finally
            {
                stop.set(true);
                t.join();
            }
            final Rfc2544.SizeResult r = results.get(0);
            final double linePps = TestFrame.lineRatePps(LINE_BPS, 64);
            assertEquals(148_809.5, linePps, 0.1);

            // throughput: the limit, within the resolution, plus what the buffer can hide in warm-up and trial
            final double resolutionPps = linePps * s.resolutionPct / 100;
            final double hidden = BUFFER / ((s.warmupNs + s.trialNs) / 1e9);
            assertTrue(r.throughputPps >= MAX_PPS - resolutionPps && r.throughputPps <= MAX_PPS + resolutionPps + hidden,
                "throughput " + r.throughputPps + " pps, expected " + MAX_PPS + " +- " + resolutionPps);

            // latency at that rate: every frame of the trial timestamped and matched
            assertTrue(r.latency.count() > 0.9 * r.throughputPps, "latency samples " + r.latency.count());
            assertTrue(r.latency.minNs() > 0 && r.latency.p50Ns() >= r.latency.minNs() &&
                r.latency.p999Ns() <= r.latency.maxNs(), r.latency.toString());

            // frame loss: at 100% the share above the limit is lost; the steps stop after two clean ones
            final Rfc2544.LossStep full = r.loss.get(0);
            assertEquals(100, full.offeredPct());
            assertEquals(100 * (1 - MAX_PPS / linePps), full.lossPct(), 5, "loss at 100%");
            final int n = r.loss.size();
            assertEquals(0, r.loss.get(n - 1).lossPct());
            assertEquals(0, r.loss.get(n - 2).lossPct());
            assertTrue(r.loss.get(n - 3).lossPct() > 0, "stops after exactly two clean steps");

            // back-to-back: buffer / (1 - X / R) frames; the corrected buffer is the reflector's
            final double expected = BUFFER / (1 - MAX_PPS / linePps);
            assertEquals(expected, r.backToBack.meanFrames(), expected * 0.2, "back-to-back frames");
            assertEquals(BUFFER, r.backToBack.correctedBufferFrames(), BUFFER * 0.2, "corrected buffer");
            assertTrue(!r.backToBack.unbounded());

            // allocation-free reflector loop: nothing per frame (one allocation per frame would be >= 16 B/frame);
            // a one-off JIT event (a deoptimization materialising one object, 64 B seen once) is tolerated
            assertTrue(reflectorFrames.get() > 100_000, "reflector frames measured: " + reflectorFrames.get());
            assertTrue(reflectorAllocated.get() * 1000 < reflectorFrames.get(), "bytes allocated by the reflector loop: " +
                reflectorAllocated.get() + " over " + reflectorFrames.get() + " frames");

            // reports: JSON with every trial, HTML checked in Chromium
            final Rfc2544Report report = new Rfc2544Report(Rfc2544Report.newSetup(), results);
            final Path dir = Path.of("target/rfc2544-test");
            report.writeJson(dir.resolve("net-ring.json"));
            final JsonNode json = new ObjectMapper().readTree(dir.resolve("net-ring.json").toFile());
            assertEquals(r.throughputPps, json.get("results").get(0).get("throughputPps").asDouble(), 1e-6);
            assertEquals(r.throughputTrials.size(), json.get("results").get(0).get("throughputTrials").size());
            final Path html = report.html("RFC 2544 known answer over net_ring").write(dir.resolve("net-ring.html"));
            final HeadlessChromium.Page page = HeadlessChromium.open(html, Path.of("target/report-screenshots/rfc2544-net-ring.png"));
            page.assertClean();
            assertEquals(2, page.points("throughput against frame size"));
            assertEquals(r.loss.size(), page.points("frame loss rate against offered load"));
            assertTrue(page.points("latency distribution at the throughput rate") > 10);
            assertTrue(Files.readString(html).contains("Back-to-back"));
            System.out.println(report.text());
        }
    }

    @Test
    void aLosslessWireBetweenTwoPortsRunsAtLineRateWithUnboundedBursts()
    {
        if (Eal.current() == null)
        {
            Eal.init(new EalOptions().announceFallback(false));
        }
        Eal.registerThread();
        try (RingPair pair = RingPair.create("ws_t_wire", 4096))
        {
            pair.a().start(new PortConfig().mempool(16383, 256));
            pair.b().start(new PortConfig().mempool(1023, 32));
            final Rfc2544.Settings s = new Rfc2544.Settings();
            s.sizes = new int[] {64, 1518};
            s.trialNs = 200_000_000L;
            s.warmupNs = 50_000_000L;
            s.lineBps = 10e6;
            s.tests = EnumSet.of(Rfc2544.Test.THROUGHPUT, Rfc2544.Test.BACK_TO_BACK);
            s.backToBackRepeats = 1;
            s.backToBackMaxSeconds = 0.02;
            s.jitWarmupNs = 0;
            // --tx A --rx B: what A sends, B receives (the ring is the device under test)
            final List<Rfc2544.SizeResult> results =
                new Rfc2544(pair.a(), pair.b(), s, PacketClock.nanoTime(), new PrintStream(System.out, true)).run();
            for (final Rfc2544.SizeResult r : results)
            {
                assertEquals(100.0, r.throughputPct, r.frameSize + " B");
                assertEquals(1, r.throughputTrials.size(), "a first trial at 100% without loss ends the search");
                assertTrue(r.backToBack.unbounded(), r.frameSize + " B back-to-back: " + r.backToBack);
            }
        }
    }
}
