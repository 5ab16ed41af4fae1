package dev.wirespeed.cli;

import java.io.File;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import dev.wirespeed.apps.nic.PacketClock;
import dev.wirespeed.apps.nic.Rfc2544;
import dev.wirespeed.apps.nic.Rfc2544Report;
import dev.wirespeed.apps.nic.TestFrame;
import dev.wirespeed.apps.nic.Timestamps;
import dev.wirespeed.bindings.EthPort;
import dev.wirespeed.bindings.PortSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code nicbench rfc2544}: the four RFC 2544 tests (26.1 to 26.4) through a device under test, from {@code --tx}
 * to {@code --rx}, or out of and back into {@code --port} when the far end is a reflector. Prints a table per
 * test, and writes {@code --json} and {@code --html}.
 */
@Command(name = "rfc2544", mixinStandardHelpOptions = true,
    description = "RFC 2544 throughput, latency, frame loss and back-to-back (RFC 9004) tests.")
public final class NicRfc2544Command implements Callable<Integer>
{
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    PortOptions portOptions;

    @Option(names = "--port", description = "one port, against a reflector: iface:NAME, vdev:SPEC, pci:ADDR or an interface name")
    String port;

    @Option(names = "--tx", description = "the port that sends (same syntax as --port)")
    String txPort;

    @Option(names = "--rx", description = "the port that receives (same syntax as --port)")
    String rxPort;

    @Option(names = "--sizes", defaultValue = "64,128,256,512,1024,1280,1518", description = "frame sizes with FCS (default ${DEFAULT-VALUE})")
    String sizes;

    @Option(names = "--trial", defaultValue = "60s", description = "length of each trial (default ${DEFAULT-VALUE}, as the RFC asks)")
    String trial;

    @Option(names = "--warmup", defaultValue = "2s", description = "traffic at the trial's rate before each trial, not counted (default ${DEFAULT-VALUE})")
    String warmup;

    @Option(names = "--loss-tolerance", defaultValue = "0%", description = "loss allowed in a passing throughput trial (default ${DEFAULT-VALUE})")
    String lossTolerance;

    @Option(names = "--resolution", defaultValue = "0.5%", description = "throughput search stops when the interval is this narrow, in % of line rate (default ${DEFAULT-VALUE})")
    String resolution;

    @Option(names = "--tests", defaultValue = "throughput,latency,loss,back-to-back", description = "tests to run (default ${DEFAULT-VALUE})")
    String tests;

    @Option(names = "--line-rate", description = "what 100% is, in bit/s at L1 (10G, 100M); default: the port's link speed")
    String lineRate;

    @Option(names = "--b2b-repeats", defaultValue = "50", description = "back-to-back searches to average (default ${DEFAULT-VALUE})")
    int b2bRepeats;

    @Option(names = "--b2b-max", defaultValue = "2s", description = "longest burst tried, as time at line rate (default ${DEFAULT-VALUE})")
    String b2bMax;

    @Option(names = "--attempts", defaultValue = "2", description = "tries of a trial whose rate the tester could not hold (default ${DEFAULT-VALUE})")
    int attempts;

    @Option(names = "--settle", defaultValue = "100ms", description = "a trial ends when no frame has come back for this long (default ${DEFAULT-VALUE})")
    String settle;

    @Option(names = "--clock", defaultValue = "tsc", description = "timestamp clock: tsc or nanotime (default ${DEFAULT-VALUE})")
    String clockName;

    @Option(names = "--timestamps", defaultValue = "auto", description = "latency timestamps: hw (the NIC's: IEEE 1588 " +
        "timesync or the RX timestamp offload; an error if the ports have neither), sw (software clock), auto (hw " +
        "where the ports have it, else sw; the report says which and why) (default ${DEFAULT-VALUE})")
    String timestampsOption;

    @Option(names = "--dst-mac", description = "destination MAC of the test frames (default 02:00:00:00:00:02)")
    String dstMac;

    @Option(names = "--json", paramLabel = "FILE", description = "write every result and trial as JSON")
    File json;

    @Option(names = "--html", paramLabel = "FILE", description = "write a self-contained HTML report with charts")
    File html;

    public Integer call()
    {
        final Rfc2544.Settings s = new Rfc2544.Settings();
        final PortSpec txSpec;
        final PortSpec rxSpec;
        final Timestamps.Mode tsMode;
        try
        {
            tsMode = Timestamps.Mode.parse(timestampsOption);
            s.sizes = parseSizes(sizes);
            s.trialNs = NicSupport.parseDurationNs("--trial", trial);
            s.warmupNs = NicSupport.parseDurationNs("--warmup", warmup);
            s.settleNs = NicSupport.parseDurationNs("--settle", settle);
            s.lossTolerance = NicSupport.parsePercent("--loss-tolerance", lossTolerance) / 100.0;
            s.resolutionPct = NicSupport.parsePercent("--resolution", resolution);
            s.backToBackRepeats = b2bRepeats;
            s.attempts = attempts;
            s.backToBackMaxSeconds = NicSupport.parseDurationNs("--b2b-max", b2bMax) / 1e9;
            s.tests = EnumSet.noneOf(Rfc2544.Test.class);
            for (final String t : tests.split(","))
            {
                s.tests.add(Rfc2544.Test.parse(t));
            }
            if (dstMac != null)
            {
                s.dstMac = TestFrame.parseMac(dstMac);
            }
            if (s.trialNs < 1_000_000L || s.trialNs > 3_600_000_000_000L || s.warmupNs < 0 || s.settleNs < 1_000_000L ||
                s.lossTolerance < 0 || s.lossTolerance >= 1 || s.resolutionPct <= 0 || s.resolutionPct > 50 ||
                b2bRepeats < 1 || b2bRepeats > 1000 || s.backToBackMaxSeconds <= 0 || attempts < 1 || attempts > 10)
            {
                throw new IllegalArgumentException("out of range: --trial 1ms..1h, --warmup >= 0, --settle >= 1ms, " +
                    "--loss-tolerance 0..100%, --resolution 0..50%, --b2b-repeats 1..1000, --b2b-max > 0, --attempts 1..10");
            }
            final List<PortSpec> mixin = portOptions.ports();
            if (port != null && txPort == null && rxPort == null && mixin.isEmpty())
            {
                txSpec = NicSupport.parsePort(port);
                rxSpec = txSpec;
            }
            else if (port == null && txPort != null && rxPort != null && mixin.isEmpty())
            {
                txSpec = NicSupport.parsePort(txPort);
                rxSpec = NicSupport.parsePort(rxPort);
            }
            else if (port == null && txPort == null && rxPort == null && (mixin.size() == 1 || mixin.size() == 2))
            {
                txSpec = mixin.get(0);
                rxSpec = mixin.get(mixin.size() - 1);
            }
            else
            {
                throw new IllegalArgumentException("give --port PORT (against a reflector), or --tx PORT --rx PORT, " +
                    "or one or two of --iface/--vdev/--pci");
            }
        }
        catch (final IllegalArgumentException ex)
        {
            throw new ParameterException(spec.commandLine(), ex.getMessage());
        }

        NicSupport.startEal(portOptions);
        final PacketClock clock = PacketClock.of(clockName);
        final boolean rxStamps = tsMode != Timestamps.Mode.SW;
        final EthPort tx = NicSupport.open(txSpec, 1, 16383, rxStamps);
        final EthPort rx = rxSpec.equals(txSpec) ? tx : NicSupport.open(rxSpec, 1, 16383, rxStamps);
        try
        {
            final Timestamps.Choice stamps;
            try
            {
                stamps = Timestamps.choose(tsMode, tx, rx, clock);
            }
            catch (final IllegalArgumentException ex)
            {
                throw new ParameterException(spec.commandLine(), ex.getMessage());
            }
            s.lineBps = NicSupport.lineBps(tx, lineRate);
            s.lineRateSource = NicSupport.describeLineRate(tx, lineRate);
            final Map<String, Object> setup = describe(tx, rx, clock, s, stamps);
            setup.forEach((k, v) -> System.out.println(k + ": " + v));
            final Rfc2544 run = new Rfc2544(tx, rx, s, clock, System.out);
            run.timestamps(stamps);
            final List<Rfc2544.SizeResult> results = run.run();
            setup.put("port counters at the end", run.portCounters());
            final Rfc2544Report report = new Rfc2544Report(setup, results);
            System.out.println();
            System.out.print(report.text());
            if (json != null)
            {
                report.writeJson(json.toPath());
                System.out.println("wrote " + json);
            }
            if (html != null)
            {
                report.html("RFC 2544: " + txSpec + (rx == tx ? " (reflector)" : " -> " + rxSpec)).write(html.toPath());
                System.out.println("wrote " + html);
            }
            return 0;
        }
        finally
        {
            if (rx != tx)
            {
                rx.close();
            }
            tx.close();
        }
    }

    /** The facts a report must state: ports, line rate and its source, clock, its resolution and cost, timestamping. */
    static Map<String, Object> describe(final EthPort tx, final EthPort rx, final PacketClock clock,
        final Rfc2544.Settings s, final Timestamps.Choice stamps)
    {
        final Map<String, Object> setup = Rfc2544Report.newSetup();
        setup.put("date", Instant.now().toString());
        setup.put("tx port", tx.name() + " (" + tx.info().driverName() + ", " + EthPort.formatMac(tx.macAddress()) + ")");
        setup.put("rx port", rx == tx ? "the same port (the far end reflects)" :
            rx.name() + " (" + rx.info().driverName() + ")");
        setup.put("line rate (100%)", String.format(Locale.ROOT, "%.0f Mbit/s at L1 (%s)", s.lineBps / 1e6,
            s.lineRateSource));
        setup.put("frame sizes", "include the 4-byte FCS; L1 adds 20 B per frame (preamble, SFD, inter-frame gap)");
        final PacketClock.Calibration c = clock.calibrate();
        setup.put("clock", c.describe() + " (measured now; software timestamps: written in the payload just before " +
            "tx_burst, read just after rx_burst, one read per burst)");
        setup.put("timestamps", stamps.description());
        setup.put("trial", String.format(Locale.ROOT, "%.3f s after %.3f s warm-up, settle %.0f ms; loss tolerance %s%%; " +
            "throughput resolution %s%% of line rate", s.trialNs / 1e9, s.warmupNs / 1e9, s.settleNs / 1e6,
            fmt(s.lossTolerance * 100), fmt(s.resolutionPct)));
        setup.put("back-to-back", s.backToBackRepeats + " searches, bursts up to " + fmt(s.backToBackMaxSeconds) +
            " s at line rate");
        setup.put("tests", s.tests.toString());
        return setup;
    }

    private static String fmt(final double v)
    {
        return String.format(Locale.ROOT, "%.3g", v);
    }

    private static int[] parseSizes(final String text)
    {
        final List<Integer> list = new ArrayList<>();
        for (final String part : text.split(","))
        {
            final int[] one = TestFrame.parseSizes(part);
            if (one.length != 1)
            {
                throw new IllegalArgumentException("--sizes takes frame sizes, not imix");
            }
            list.add(one[0]);
        }
        return list.stream().mapToInt(Integer::intValue).toArray();
    }
}
