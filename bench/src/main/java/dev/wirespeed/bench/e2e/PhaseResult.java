package dev.wirespeed.bench.e2e;

import java.util.Locale;

import org.HdrHistogram.Histogram;

/**
 * What one phase measured: connections per second, round-trip percentiles, or Gbit/s, plus the error count
 * (anything wrong: bad bytes, resets, timeouts, a stall, TCBs or mbufs left over) and a detail line.
 */
public final class PhaseResult
{
    public enum Phase
    {
        CPS, LATENCY, BULK
    }

    public final String stack;
    public final Phase phase;
    /** CPS: connections per second; BULK: Gbit/s of payload; LATENCY: round trips per second. */
    public final double rate;
    /** LATENCY only, in nanoseconds. */
    public final long p50Ns;
    public final long p99Ns;
    public final long p999Ns;
    public final long maxNs;
    /** Completed operations in the window: connections, round trips, or bytes. */
    public final long count;
    public final long errors;
    /** Engine only: TCBs still in either endpoint plus mbufs not back in their pool after the phase; 0 if clean. */
    public final long leftover;
    /** Engine only: bytes its shard thread(s) allocated during the window, or -1 (kernel, or not sampled). */
    public final long allocatedBytes;
    public final String detail;

    private PhaseResult(final String stack, final Phase phase, final double rate, final Histogram h, final long count,
        final long errors, final long leftover, final long allocatedBytes, final String detail)
    {
        this.stack = stack;
        this.phase = phase;
        this.rate = rate;
        this.p50Ns = h == null ? 0 : h.getValueAtPercentile(50);
        // (a failed latency phase has no histogram: its percentiles read 0)
        this.p99Ns = h == null ? 0 : h.getValueAtPercentile(99);
        this.p999Ns = h == null ? 0 : h.getValueAtPercentile(99.9);
        this.maxNs = h == null ? 0 : h.getMaxValue();
        this.count = count;
        this.errors = errors;
        this.leftover = leftover;
        this.allocatedBytes = allocatedBytes;
        this.detail = detail;
    }

    static PhaseResult cps(final String stack, final long connections, final long windowNs, final long errors,
        final long leftover, final long allocatedBytes, final String detail)
    {
        return new PhaseResult(stack, Phase.CPS, connections * 1e9 / windowNs, null, connections, errors, leftover,
            allocatedBytes, detail);
    }

    static PhaseResult latency(final String stack, final Histogram h, final long windowNs, final long errors,
        final long leftover, final long allocatedBytes, final String detail)
    {
        return new PhaseResult(stack, Phase.LATENCY, h.getTotalCount() * 1e9 / windowNs, h, h.getTotalCount(), errors,
            leftover, allocatedBytes, detail);
    }

    static PhaseResult bulk(final String stack, final long bytes, final long windowNs, final long errors,
        final long leftover, final long allocatedBytes, final String detail)
    {
        return new PhaseResult(stack, Phase.BULK, bytes * 8.0 / windowNs, null, bytes, errors, leftover,
            allocatedBytes, detail);
    }

    /** A phase that could not run to its end: no figure, one error, and why. */
    static PhaseResult failed(final String stack, final Phase phase, final Throwable t)
    {
        return new PhaseResult(stack, phase, 0, null, 0, 1, 0, -1, "FAILED: " + t);
    }

    /** Bytes allocated per connection, per round trip, or per MiB moved; NaN when not measured. */
    public double allocatedPerOp()
    {
        if (allocatedBytes < 0 || count == 0)
        {
            return Double.NaN;
        }
        return phase == Phase.BULK ? allocatedBytes * 1048576.0 / count : (double)allocatedBytes / count;
    }

    /** One line: the figure, then the errors and the detail. */
    public String summary()
    {
        final String figure = switch (phase)
        {
            case CPS -> String.format(Locale.ROOT, "%,.0f conn/s (%,d connections)", rate, count);
            case LATENCY -> String.format(Locale.ROOT, "p50 %.2f us  p99 %.2f us  p99.9 %.2f us  max %.2f us (%,d round trips)",
                p50Ns / 1e3, p99Ns / 1e3, p999Ns / 1e3, maxNs / 1e3, count);
            case BULK -> String.format(Locale.ROOT, "%.2f Gbit/s (%,d bytes)", rate, count);
        };
        final String alloc = allocatedBytes < 0 ? "" : String.format(Locale.ROOT, ", allocated %.3f B/%s", allocatedPerOp(),
            phase == Phase.CPS ? "connection" : phase == Phase.LATENCY ? "round trip" : "MiB");
        return figure + alloc + ", errors " + errors + (detail.isEmpty() ? "" : "; " + detail);
    }
}
