package dev.wirespeed.apps.load;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.DataFormatException;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.HdrHistogram.Histogram;

/**
 * The outcome of one load run (or of several merged by {@code wirespeed report}), as the summary prints it and as
 * {@code --json} writes it: what was asked, totals over the measured window, errors by kind, whether the requested
 * rate or concurrency was reached (and why not), percentiles, the per-second timeline and the three histograms
 * (HdrHistogram's compressed encoding, base64), so that runs merge without loss. Plain public fields, read and
 * written by Jackson.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public final class LoadResult
{
    /**
     * An empty result, filled field by field (by the load generator, or by Jackson when one is read).
     */
    public LoadResult()
    {
    }

    /** Version of this JSON layout, written as {@link #format}. */
    public static final int FORMAT = 1;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** One second (or the part of one at a boundary) of the run. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static final class Second
    {
        /**
         * An empty interval, filled field by field.
         */
        public Second()
        {
        }

        /** End of the interval, seconds since the run's start. */
        public double t;
        /** Start of the interval, ms since the epoch (for merging runs by wall clock). */
        public long startEpochMs;
        /** Length of the interval, seconds. */
        public double seconds;
        /** True inside the measured window (not warmup, not the end's drain). */
        public boolean measured;
        /** Connections completed per second in the interval. */
        public double connPerS;
        /** Requests completed per second in the interval. */
        public double reqPerS;
        /** Bytes sent and received in the interval, Mbit/s. */
        public double mbitPerS;
        /** Connections open at the end of the interval. */
        public long open;
        /** Errors by kind in the interval. */
        public Map<String, Long> errors = new LinkedHashMap<>();
        /** Median request latency of the interval, µs. */
        public double p50Us;
        /** 99th percentile request latency of the interval, µs. */
        public double p99Us;
    }

    /** Percentiles of one histogram, µs. */
    public static final class Percentiles
    {
        /**
         * Empty percentiles, filled field by field.
         */
        public Percentiles()
        {
        }

        /** Values recorded. */
        public long count;
        /** Smallest value, µs. */
        public double min;
        /** Mean, µs. */
        public double mean;
        /** Median, µs. */
        public double p50;
        /** 90th percentile, µs. */
        public double p90;
        /** 99th percentile, µs. */
        public double p99;
        /** 99.9th percentile, µs. */
        public double p999;
        /** 99.99th percentile, µs. */
        public double p9999;
        /** Largest value, µs. */
        public double max;

        static Percentiles of(final Histogram h)
        {
            final Percentiles p = new Percentiles();
            p.count = h.getTotalCount();
            if (p.count > 0)
            {
                p.min = h.getMinValue() / 1e3;
                p.mean = h.getMean() / 1e3;
                p.p50 = h.getValueAtPercentile(50) / 1e3;
                p.p90 = h.getValueAtPercentile(90) / 1e3;
                p.p99 = h.getValueAtPercentile(99) / 1e3;
                p.p999 = h.getValueAtPercentile(99.9) / 1e3;
                p.p9999 = h.getValueAtPercentile(99.99) / 1e3;
                p.max = h.getMaxValue() / 1e3;
            }
            return p;
        }
    }

    /** The layout version, {@link #FORMAT}. */
    public int format = FORMAT;
    /** The tool that wrote the result. */
    public String tool = "wirespeed load";
    /** The command line of the run. */
    public String command;
    /** How many runs this result merges (1 for a run). */
    public int runs = 1;
    /** The mode, lower case ({@code connect}, {@code http}, {@code echo}, {@code bulk}). */
    public String mode;
    /** The target as {@code address:port}. */
    public String target;
    /** {@code closed}, {@code open} or {@code constant-flows}. */
    public String loop;
    /** Connections asked for (0 in a pure open loop). */
    public int connections;
    /** Rate asked for, per second (0 in a closed loop). */
    public double rate;
    /** Concurrency cap of an open loop. */
    public int maxOpen;
    /** Requests per connection (0: keep-alive until the end). */
    public int requestsPerConnection;
    /** Echo request size or bulk bytes per connection. */
    public long size;
    /** Load engine shards. */
    public int shards;
    /** Source addresses, dotted quads. */
    public List<String> sourceAddresses = new ArrayList<>();
    /** Start of the run, ms since the epoch. */
    public long startEpochMs;
    /** Warmup asked for, seconds. */
    public double warmupS;
    /** Measured duration asked for, seconds. */
    public double durationS;
    /** The measured window as it was (seconds). */
    public double measuredS;

    /** Counters over the measured window. */
    public Map<String, Long> totals = new LinkedHashMap<>();
    /** Counters over the whole run (warmup and the end's drain included). */
    public Map<String, Long> wholeRun = new LinkedHashMap<>();
    /** Errors by kind over the whole run. */
    public Map<String, Long> errors = new LinkedHashMap<>();
    /** Errors over attempts, 0..1. */
    public double errorRate;
    /** Connections completed per second over the measured window. */
    public double connPerS;
    /** Requests completed per second over the measured window. */
    public double reqPerS;
    /** Bytes sent and received over the measured window, Mbit/s. */
    public double mbitPerS;
    /** Requested rate or concurrency reached. */
    public boolean reached;
    /** What was reached, in words. */
    public String achieved;
    /** Why the rate or concurrency was not reached, one reason a line. */
    public List<String> whyNot = new ArrayList<>();
    /** Connections opened per source address. */
    public Map<String, Long> connectionsBySource = new LinkedHashMap<>();
    /** Percentiles by histogram name (connect, ttfb, latency), µs. */
    public Map<String, Percentiles> latencyUs = new LinkedHashMap<>();
    /** Histograms by name, HdrHistogram's compressed encoding in base64. */
    public Map<String, String> histograms = new LinkedHashMap<>();
    /** The per-second timeline. */
    public List<Second> timeline = new ArrayList<>();
    /** The memory budget line of the run ({@link LoadBudget#describe}). */
    public String memoryBudget;
    /** CPU the load shards used while the run was on, in cores (1.0: one core all the time). */
    public double loadCpuCores;

    /**
     * The histogram of {@code name} (connect, ttfb, latency), decoded; an empty one if absent.
     *
     * @param name {@code connect}, {@code ttfb} or {@code latency}.
     * @return the histogram, in ns.
     */
    public Histogram histogram(final String name)
    {
        final String encoded = histograms.get(name);
        if (encoded == null)
        {
            return LoadStats.newHistogram();
        }
        try
        {
            return Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(Base64.getDecoder().decode(encoded)), 1);
        }
        catch (final DataFormatException ex)
        {
            throw new IllegalArgumentException("histogram '" + name + "' is not a compressed HdrHistogram", ex);
        }
    }

    void putHistogram(final String name, final Histogram h)
    {
        final ByteBuffer b = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
        final int n = h.encodeIntoCompressedByteBuffer(b);
        final byte[] bytes = new byte[n];
        b.flip();
        b.get(bytes);
        histograms.put(name, Base64.getEncoder().encodeToString(bytes));
        latencyUs.put(name, Percentiles.of(h));
    }

    /**
     * Writes the result as indented JSON.
     *
     * @param file the file to write.
     * @throws IllegalStateException if it cannot be written.
     */
    public void write(final Path file)
    {
        try
        {
            JSON.writeValue(file.toFile(), this);
        }
        catch (final java.io.IOException ex)
        {
            throw new IllegalStateException("cannot write " + file + ": " + ex.getMessage(), ex);
        }
    }

    /**
     * Reads a result written by {@link #write}.
     *
     * @param file the JSON file.
     * @return the result.
     * @throws IllegalArgumentException if it cannot be read or is not a load result.
     */
    public static LoadResult read(final Path file)
    {
        try
        {
            final LoadResult r = JSON.readValue(file.toFile(), LoadResult.class);
            if (r.format != FORMAT || !"wirespeed load".equals(r.tool))
            {
                throw new IllegalArgumentException(file + " is not a 'wirespeed load --json' file");
            }
            return r;
        }
        catch (final java.io.IOException ex)
        {
            throw new IllegalArgumentException("cannot read " + file + ": " + ex.getMessage(), ex);
        }
    }
}
