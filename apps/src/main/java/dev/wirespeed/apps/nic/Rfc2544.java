package dev.wirespeed.apps.nic;

import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import dev.wirespeed.bindings.EthPort;
import dev.wirespeed.bindings.PortStats;
import dev.wirespeed.bindings.RxTimestampField;
import org.HdrHistogram.Histogram;

/**
 * RFC 2544 section 26.1 to 26.4 against a device under test between a TX and an RX port (the same port when the
 * DUT is a reflector), one thread doing both, frame size by frame size:
 * <ol>
 * <li>throughput: a binary search over the offered rate, in percent of line rate, for the highest rate with loss
 * at most the tolerance, stopping when the interval is no wider than the resolution;</li>
 * <li>latency at that rate: every frame's payload timestamp against its arrival, matched by sequence number, into
 * an HdrHistogram;</li>
 * <li>frame loss rate from 100% down in steps of 10% until two steps in a row lose nothing;</li>
 * <li>back-to-back (RFC 9004): a binary search for the longest burst at line rate with no loss, repeated.</li>
 * </ol>
 * Every trial has a warm-up at its rate (whose frames are not counted), then the counted window, then waits until
 * every counted frame is back or none has come for the settle time (frames still in flight are waited for, and
 * late frames of the warm-up or an earlier trial never count).
 * <p>
 * Not thread safe.
 */
public final class Rfc2544
{
    /** The four tests. */
    public enum Test
    {
        /** §26.1. */ THROUGHPUT, /** §26.2. */ LATENCY, /** §26.3 frame loss. */ LOSS, /** §26.4. */ BACK_TO_BACK;

        /**
         * Parses a {@code --tests} item.
         *
         * @param s {@code throughput}, {@code latency}, {@code loss}, {@code back-to-back} or {@code b2b}, either case.
         * @return the test.
         * @throws IllegalArgumentException for anything else.
         */
        public static Test parse(final String s)
        {
            return switch (s.strip().toLowerCase(Locale.ROOT))
            {
                case "throughput" -> THROUGHPUT;
                case "latency" -> LATENCY;
                case "loss" -> LOSS;
                case "back-to-back", "b2b" -> BACK_TO_BACK;
                default -> throw new IllegalArgumentException(
                    "unknown test '" + s + "' (known: throughput, latency, loss, back-to-back)");
            };
        }
    }

    /** What to run. */
    public static final class Settings
    {
        /**
         * Settings at their defaults.
         */
        public Settings()
        {
        }

        /** Frame sizes to test, FCS included, bytes. */
        public int[] sizes = {64, 128, 256, 512, 1024, 1280, 1518};
        /** Length of each trial, ns. */
        public long trialNs = 60_000_000_000L;
        /** Traffic before each trial's counting starts, ns. */
        public long warmupNs = 2_000_000_000L;
        /** Loss allowed in a passing throughput trial, as a fraction (0 = none). */
        public double lossTolerance = 0;
        /** Throughput search resolution, percent of line rate. */
        public double resolutionPct = 0.5;
        /** Line rate (100%) in bit/s at layer 1. */
        public double lineBps = 10e9;
        /** Where {@link #lineBps} came from (the port's link speed, or the user), for the report. */
        public String lineRateSource = "";
        /** The tests to run. */
        public Set<Test> tests = EnumSet.allOf(Test.class);
        /** Back-to-back bursts per frame size. */
        public int backToBackRepeats = 50;
        /** Longest burst tried, in seconds of line rate. */
        public double backToBackMaxSeconds = 2.0;
        /** A trial ends when no counted frame has arrived for this long after sending stopped. */
        public long settleNs = 100_000_000L;
        /** Longest wait for a trial to settle after sending stopped, ns. */
        public long settleMaxNs = 5_000_000_000L;
        /** Destination MAC of the test frames, 48 bits in the low bytes. */
        public long dstMac = TestFrame.DEFAULT_DST_MAC;
        /** Attempts at a paced trial whose rate the tester could not hold. */
        public int attempts = 2;
        /** Traffic at 10% of line rate before the first trial, so the JIT has compiled the loops. */
        public long jitWarmupNs = 1_000_000_000L;
    }

    /**
     * One trial.
     *
     * @param frameSize   bytes, FCS included.
     * @param offeredPct  offered rate, percent of line rate.
     * @param offeredPps  offered rate, frames per second.
     * @param achievedPps rate the tester held, frames per second.
     * @param sent        frames sent.
     * @param received    frames of the trial received.
     * @param lost        frames sent and not received.
     * @param lossPct     lost, percent of sent.
     * @param passed      loss within the tolerance.
     * @param lateFrames  test frames of earlier trials received during this one.
     * @param skipped     schedule slots the tester skipped.
     */
    public record Trial(int frameSize, double offeredPct, double offeredPps, double achievedPps, long sent,
        long received, long lost, double lossPct, boolean passed, long lateFrames, long skipped)
    {
        /**
         * The tester sent less than 98% of the offered rate (it was descheduled): the trial says nothing.
         *
         * @return true if the trial is void.
         */
        public boolean testerLimited()
        {
            return achievedPps < 0.98 * offeredPps;
        }
    }

    /**
     * Latency at the throughput rate, nanoseconds.
     *
     * @param ratePps   the rate measured at, frames per second.
     * @param count     samples.
     * @param minNs     smallest latency.
     * @param p50Ns     median.
     * @param p99Ns     99th percentile.
     * @param p999Ns    99.9th percentile.
     * @param maxNs     largest latency.
     * @param meanNs    mean.
     * @param source    the timestamp source.
     * @param histogram every sample (not serialised).
     */
    public record Latency(double ratePps, long count, long minNs, long p50Ns, long p99Ns, long p999Ns, long maxNs,
        double meanNs, String source, @com.fasterxml.jackson.annotation.JsonIgnore Histogram histogram)
    {
        static Latency of(final double ratePps, final Histogram h, final String source)
        {
            return new Latency(ratePps, h.getTotalCount(), h.getMinValue(), h.getValueAtPercentile(50),
                h.getValueAtPercentile(99), h.getValueAtPercentile(99.9), h.getMaxValue(), h.getMean(), source, h);
        }
    }

    /**
     * One frame-loss-rate step (RFC 2544 §26.3).
     *
     * @param offeredPct offered rate, percent of line rate.
     * @param offeredPps offered rate, frames per second.
     * @param sent       frames sent.
     * @param received   frames received.
     * @param lossPct    frames lost, percent of sent.
     */
    public record LossStep(double offeredPct, double offeredPps, long sent, long received, double lossPct)
    {
    }

    /**
     * Back-to-back result with RFC 9004's buffer times. {@code unbounded}: even the longest burst tried was lossless
     * (the DUT keeps up at line rate), so the buffer figures say nothing.
     *
     * @param linePps               line rate at this size, frames per second.
     * @param bursts                the longest lossless burst of each repeat, frames.
     * @param meanFrames            mean of {@code bursts}.
     * @param minFrames             smallest of {@code bursts}.
     * @param maxFrames             largest of {@code bursts}.
     * @param unbounded             no burst tried was lossy.
     * @param impliedBufferTimeUs   mean burst over line rate, µs (RFC 9004).
     * @param correctedBufferTimeUs implied time times (1 - throughput share of line rate), µs (RFC 9004).
     * @param correctedBufferFrames corrected time as frames at line rate.
     */
    public record BackToBack(double linePps, List<Long> bursts, double meanFrames, long minFrames, long maxFrames,
        boolean unbounded, double impliedBufferTimeUs, double correctedBufferTimeUs, double correctedBufferFrames)
    {
    }

    /** Everything measured at one frame size. */
    public static final class SizeResult
    {
        /**
         * An empty result, filled field by field as its frame size is measured.
         */
        SizeResult()
        {
        }

        /** Frame size, bytes, FCS included. */
        public int frameSize;
        /** Line rate at this size, frames per second. */
        public double linePps;
        /** Throughput, percent of line rate. */
        public double throughputPct;
        /** Throughput, frames per second. */
        public double throughputPps;
        /** Throughput at layer 2 (frame bytes), Mbit/s. */
        public double throughputL2Mbps;
        /** Throughput at layer 1 (with preamble and gap), Mbit/s. */
        public double throughputL1Mbps;
        /** Search resolution, frames per second. */
        public double resolutionPps;
        /** True if the tester could not hold the rates the search needed. */
        public boolean testerLimited;
        /** Every throughput trial, in order. */
        public List<Trial> throughputTrials = new ArrayList<>();
        /** Latency at the throughput rate (software or RX-offload stamps). */
        public Latency latency;
        /** IEEE 1588 samples of the latency trial (null unless the NIC timestamps). */
        public Latency hwLatency;
        /** What became of the IEEE 1588 samples ({@link HwLatencySampler#describe}), or null. */
        public String hwSamples;
        /** Frame loss rate steps, from 100% down in 10% steps. */
        public List<LossStep> loss = new ArrayList<>();
        /** Back-to-back result, or null when not run. */
        public BackToBack backToBack;
    }

    private final Arena arena = Arena.ofShared();
    private final EthPort tx;
    private final EthPort rx;
    private final Settings settings;
    private final PacketClock clock;
    private final RxMatcher matcher;
    private final PrintStream log;
    private final PortStats stats = new PortStats();
    /** The IEEE 1588 histogram of the trial running now (null: no sampling). */
    private Histogram hwSampling;
    private int nextStream;
    private Timestamps.Choice timestamps = new Timestamps.Choice(Timestamps.Kind.SOFTWARE, "software");
    private HwLatencySampler sampler;
    /** The receiving port's clock against ours while the RX timestamp offload is in use (else null). */
    private HwTimestampMath.ClockTracker rxClock;

    /**
     * A tester sending on {@code tx} and receiving on {@code rx} (the same port when looped back or reflected).
     *
     * @param tx       the sending port, started.
     * @param rx       the receiving port, started.
     * @param settings what to run.
     * @param clock    the software clock.
     * @param log      progress lines go here.
     */
    public Rfc2544(final EthPort tx, final EthPort rx, final Settings settings, final PacketClock clock,
        final PrintStream log)
    {
        this.tx = tx;
        this.rx = rx;
        this.settings = settings;
        this.clock = clock;
        this.log = log;
        this.matcher = new RxMatcher(arena, rx, 0, clock);
    }

    /**
     * The timestamp source of the latency test ({@link Timestamps#choose}); software unless set.
     *
     * @param choice the source.
     */
    public void timestamps(final Timestamps.Choice choice)
    {
        this.timestamps = choice;
        this.sampler = choice.kind() == Timestamps.Kind.IEEE1588 ?
            new HwLatencySampler(tx, rx, 1_000_000L, 10_000_000L) : null;
    }

    /**
     * Runs the chosen tests at every size.
     *
     * @return one result per frame size.
     */
    public List<SizeResult> run()
    {
        final List<SizeResult> results = new ArrayList<>();
        if (settings.jitWarmupNs > 0 && settings.sizes.length > 0)
        {
            final int size = settings.sizes[0];
            final TxStream warm = new TxStream(arena, tx, 0, nextStream++, new int[] {size}, tx.macAddress(), settings.dstMac, clock);
            final long saved = settings.warmupNs;
            settings.warmupNs = 0;
            trial(warm, size, 10, TestFrame.lineRatePps(settings.lineBps, size) / 10, settings.jitWarmupNs, Long.MAX_VALUE,
                false, RxMatcher.newHistogram(), null);
            settings.warmupNs = saved;
        }
        for (final int size : settings.sizes)
        {
            results.add(runSize(size));
        }
        return results;
    }

    /**
     * Runs the chosen tests at one frame size.
     *
     * @param size the frame size, bytes, FCS included.
     * @return the result.
     */
    public SizeResult runSize(final int size)
    {
        final SizeResult r = new SizeResult();
        r.frameSize = size;
        r.linePps = TestFrame.lineRatePps(settings.lineBps, size);
        r.resolutionPps = r.linePps * settings.resolutionPct / 100.0;
        final TxStream stream = new TxStream(arena, tx, 0, nextStream++, new int[] {size}, tx.macAddress(), settings.dstMac, clock);
        double throughputPps = r.linePps;
        if (settings.tests.contains(Test.THROUGHPUT) || settings.tests.contains(Test.LATENCY))
        {
            throughput(stream, r);
            throughputPps = r.throughputPps;
        }
        if (settings.tests.contains(Test.LATENCY))
        {
            if (throughputPps > 0)
            {
                final Histogram h = RxMatcher.newHistogram();
                final Histogram hw = RxMatcher.newHistogram();
                String source = "software";
                if (timestamps.kind() == Timestamps.Kind.RX_OFFLOAD)
                {
                    rxClock = trackRxClock();
                    matcher.rxOffload(RxTimestampField.register(), rxClock);
                    source = "rx: NIC offload, tx: software";
                }
                hwSampling = sampler != null ? hw : null;
                final Trial t = pacedTrial(stream, size, 100.0 * throughputPps / r.linePps, throughputPps, h,
                    "latency");
                hwSampling = null;
                if (timestamps.kind() == Timestamps.Kind.RX_OFFLOAD)
                {
                    source += " (" + matcher.hwStamped() + " of " + h.getTotalCount() + " frames NIC-stamped)";
                    matcher.rxOffload(null, null);
                    rxClock = null;
                }
                r.latency = Latency.of(t.achievedPps, h, source);
                if (sampler != null)
                {
                    r.hwLatency = Latency.of(t.achievedPps, hw, "hardware: IEEE 1588");
                    r.hwSamples = sampler.describe();
                    log.printf(Locale.ROOT, "  IEEE 1588 latency %d B: %s%n", size, r.hwSamples);
                }
            }
        }
        if (settings.tests.contains(Test.LOSS))
        {
            int clean = 0;
            for (int pct = 100; pct >= 10 && clean < 2; pct -= 10)
            {
                final Trial t = pacedTrial(stream, size, pct, r.linePps * pct / 100.0, null, "loss");
                r.loss.add(new LossStep(pct, t.offeredPps, t.sent, t.received, t.lossPct));
                clean = t.lost == 0 ? clean + 1 : 0;
            }
        }
        if (settings.tests.contains(Test.BACK_TO_BACK))
        {
            r.backToBack = backToBack(stream, r);
        }
        return r;
    }

    private void throughput(final TxStream stream, final SizeResult r)
    {
        double lo = 0;
        double hi = 100;
        Trial best = null;
        final Trial full = pacedTrial(stream, r.frameSize, 100, r.linePps, null, "throughput");
        r.throughputTrials.add(full);
        if (full.passed)
        {
            lo = 100;
            best = full;
        }
        while (hi - lo > settings.resolutionPct && lo < 100)
        {
            final double mid = (lo + hi) / 2;
            final Trial t = pacedTrial(stream, r.frameSize, mid, r.linePps * mid / 100.0, null, "throughput");
            r.throughputTrials.add(t);
            if (t.passed)
            {
                lo = mid;
                best = t;
            }
            else
            {
                hi = mid;
            }
        }
        r.throughputPct = lo;
        r.throughputPps = r.linePps * lo / 100.0;
        r.throughputL2Mbps = r.throughputPps * r.frameSize * 8 / 1e6;
        r.throughputL1Mbps = r.throughputPps * (r.frameSize + TestFrame.L1_OVERHEAD) * 8 / 1e6;
        r.testerLimited = best != null && best.testerLimited();
        log.printf(Locale.ROOT, "throughput %d B: %.2f%% of line rate = %.0f pps (%.1f Mbit/s L2), resolution %.2f%% " +
            "(%.0f pps)%s%n", r.frameSize, r.throughputPct, r.throughputPps, r.throughputL2Mbps,
            settings.resolutionPct, r.resolutionPps, r.testerLimited ? "; TESTER-LIMITED (it could not send faster)" : "");
    }

    /**
     * Starts mapping the receiving port's raw clock onto this run's software clock: two reads 100 ms apart for a
     * first frequency; the trial loop then adds a pair every 10 ms ({@link HwTimestampMath.ClockTracker}).
     */
    private HwTimestampMath.ClockTracker trackRxClock()
    {
        final HwTimestampMath.ClockTracker tracker = new HwTimestampMath.ClockTracker();
        tracker.start(rx.readClock(), clock.nowNs());
        final long until = clock.nowNs() + 100_000_000L;
        while (clock.nowNs() - until < 0)
        {
            Thread.onSpinWait();
        }
        tracker.update(rx.readClock(), clock.nowNs());
        return tracker;
    }

    private BackToBack backToBack(final TxStream stream, final SizeResult r)
    {
        final long maxFrames = Math.max(2, (long)(r.linePps * settings.backToBackMaxSeconds));
        final List<Long> bursts = new ArrayList<>();
        boolean unbounded = false;
        for (int rep = 0; rep < settings.backToBackRepeats; rep++)
        {
            final Trial top = burst(stream, r, maxFrames);
            if (top.passed)
            {
                unbounded = true;
                bursts.add(maxFrames);
                break;
            }
            long lo = 0;
            long hi = maxFrames;
            while (hi - lo > 1)
            {
                final long mid = (lo + hi) >>> 1;
                if (burst(stream, r, mid).passed)
                {
                    lo = mid;
                }
                else
                {
                    hi = mid;
                }
            }
            bursts.add(lo);
            log.printf(Locale.ROOT, "back-to-back %d B, repeat %d: %d frames%n", r.frameSize, rep + 1, lo);
        }
        final double mean = bursts.stream().mapToLong(Long::longValue).average().orElse(0);
        final double implied = mean / r.linePps;
        // RFC 9004 5.4: the DUT forwarded at its throughput while the burst arrived; what it held is the rest
        final double throughputShare = r.throughputPps > 0 ? r.throughputPps / r.linePps : 0;
        final double corrected = implied * (1 - throughputShare);
        return new BackToBack(r.linePps, bursts, mean, bursts.stream().mapToLong(Long::longValue).min().orElse(0),
            bursts.stream().mapToLong(Long::longValue).max().orElse(0), unbounded, implied * 1e6, corrected * 1e6,
            mean * (1 - throughputShare));
    }

    private Trial burst(final TxStream stream, final SizeResult r, final long frames)
    {
        return trial(stream, r.frameSize, 100, r.linePps, 0, frames, true, null, null);
    }

    /**
     * A paced trial, repeated (up to {@link Settings#attempts} times) when the tester could not hold the rate (it
     * sent less than 98% of it in real time, e.g. because another busy process took its core); the last attempt is
     * returned either way, flagged {@link Trial#testerLimited()}.
     */
    Trial pacedTrial(final TxStream stream, final int size, final double pct, final double pps,
        final Histogram histogram, final String label)
    {
        Trial t = null;
        for (int attempt = 1; attempt <= settings.attempts; attempt++)
        {
            if (histogram != null)
            {
                histogram.reset();
            }
            t = trial(stream, size, pct, pps, settings.trialNs, Long.MAX_VALUE, false, histogram, label);
            if (!t.testerLimited())
            {
                return t;
            }
            log.printf(Locale.ROOT, "  the tester fell behind (sent %.0f of %.0f pps)%s%n", t.achievedPps, t.offeredPps,
                attempt < settings.attempts ? ": repeating the trial" : "; its verdict stands, flagged");
        }
        return t;
    }

    /**
     * One trial: warm-up at the rate (throughput, latency, loss only; its frames are not counted), the counted
     * window of {@code durationNs} worth of frames at {@code pps} (or {@code frames} frames for a burst), then the
     * settle wait. Frames are sent in catch-up mode: each carries its scheduled send time, and a tester that was
     * descheduled sends the missed frames late rather than not at all (it then reports a lower achieved rate).
     * {@code label} null: no log line.
     */
    Trial trial(final TxStream stream, final int size, final double pct, final double pps, final long durationNs,
        final long frames, final boolean burst, final Histogram histogram, final String label)
    {
        matcher.window(-1, Long.MAX_VALUE, Long.MAX_VALUE, null);
        stream.catchUp(true);
        if (!burst && settings.warmupNs > 0)
        {
            stream.start(pps, Math.max(1, (long)(pps * settings.warmupNs / 1e9)));
            final long limit = clock.nowNs() + 10 * settings.warmupNs + 5_000_000_000L;
            while (!stream.done() && clock.nowNs() - limit < 0)
            {
                stream.doWork();
                matcher.poll();
            }
            stream.discardPending();
        }
        else
        {
            settle(Long.MAX_VALUE);
        }
        final long count = burst ? frames : Math.max(1, (long)(pps * durationNs / 1e9));
        final long firstSeq = stream.nextSequence();
        final long sent0 = stream.sent();
        final long skipped0 = stream.skipped();
        matcher.window(stream.stream(), firstSeq, Long.MAX_VALUE, histogram);
        stream.start(pps, count);
        final long t0 = clock.nowNs();
        final HwLatencySampler hw = hwSampling != null ? sampler : null;
        if (hw != null)
        {
            hwSampling.reset();
            hw.begin(stream, hwSampling, t0);
            matcher.sampler(hw);
        }
        final long limit = t0 + 10 * (long)(count * 1e9 / pps) + 5_000_000_000L;
        long nextLog = t0 + 1_000_000_000L;
        long nextClockNs = t0;
        long now = t0;
        while (!stream.done() && now - limit < 0)
        {
            if (hw != null)
            {
                hw.beforeSend(now);
            }
            stream.doWork();
            matcher.poll();
            now = clock.nowNs();
            if (hw != null)
            {
                hw.poll(now);
            }
            if (rxClock != null && now - nextClockNs >= 0)
            {
                rxClock.update(rx.readClock(), clock.nowNs());
                nextClockNs = now + 10_000_000L;
            }
            if (label != null && now - nextLog >= 0)
            {
                log.printf(Locale.ROOT, "  %s %d B at %.2f%%: %d s, sent %d, received %d%n", label, size, pct,
                    (now - t0) / 1_000_000_000L, stream.sent() - sent0, matcher.matched());
                nextLog += 1_000_000_000L;
            }
        }
        final long elapsed = Math.max(1, now - t0);
        stream.discardPending();
        matcher.end(stream.nextSequence());
        final long sent = stream.sent() - sent0;
        settle(sent);
        if (hw != null)
        {
            hw.poll(clock.nowNs());
            hw.end();
            matcher.sampler(null);
        }
        final long received = matcher.matched();
        final long lost = sent - received;
        final double lossPct = sent == 0 ? 0 : 100.0 * lost / sent;
        // the last frame leaves one period after the window opens for a single frame: count periods, not edges
        final double achieved = sent <= 1 ? pps : (sent - 1) * 1e9 / elapsed;
        final boolean passed = sent > 0 && lost <= (long)Math.floor(settings.lossTolerance * sent);
        final Trial t = new Trial(size, pct, pps, Math.min(achieved, pps), sent, received, lost, lossPct, passed,
            matcher.outOfWindow(), stream.skipped() - skipped0);
        if (label != null)
        {
            log.printf(Locale.ROOT, "  %s %d B at %.2f%% (%.0f pps): sent %d (%.0f pps), received %d, lost %d (%.4f%%)" +
                "%s%s%n", label, size, pct, pps, sent, t.achievedPps, received, lost, lossPct, passed ? "" : "  LOSS",
                t.testerLimited() ? "  (tester-limited)" : "");
        }
        return t;
    }

    /** Polls until {@code expected} counted frames are in, or none came for the settle time (bounded). */
    private void settle(final long expected)
    {
        final long start = clock.nowNs();
        long quietSince = start;
        long seen = matcher.matched() + matcher.outOfWindow() + matcher.other();
        while (matcher.matched() < expected)
        {
            matcher.poll();
            final long now = clock.nowNs();
            final long s = matcher.matched() + matcher.outOfWindow() + matcher.other();
            if (s != seen)
            {
                seen = s;
                quietSince = now;
            }
            if (now - quietSince > settings.settleNs || now - start > settings.settleMaxNs)
            {
                break;
            }
        }
    }

    /**
     * Port counters of the RX and TX ports, for the report.
     *
     * @return one line.
     */
    public String portCounters()
    {
        final String t = tx.name() + ": " + tx.stats(stats);
        return rx == tx ? t : t + "; " + rx.name() + ": " + rx.stats(stats);
    }

    /**
     * The settings this run used.
     *
     * @return the settings.
     */
    public Settings settings()
    {
        return settings;
    }
}
