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
    public static final int FORMAT = 1;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** One second (or the part of one at a boundary) of the run. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static final class Second
    {
        /** End of the interval, seconds since the run's start. */
        public double t;
        /** Start of the interval, ms since the epoch (for merging runs by wall clock). */
        public long startEpochMs;
        public double seconds;
        public boolean measured;
        public double connPerS;
        public double reqPerS;
        public double mbitPerS;
        public long open;
        public Map<String, Long> errors = new LinkedHashMap<>();
        public double p50Us;
        public double p99Us;
    }

    /** Percentiles of one histogram, µs. */
    public static final class Percentiles
    {
        public long count;
        public double min;
        public double mean;
        public double p50;
        public double p90;
        public double p99;
        public double p999;
        public double p9999;
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

    public int format = FORMAT;
    public String tool = "wirespeed load";
    public String command;
    /** How many runs this result merges (1 for a run). */
    public int runs = 1;
    public String mode;
    public String target;
    public String loop;
    public int connections;
    public double rate;
    public int maxOpen;
    public int requestsPerConnection;
    public long size;
    public int shards;
    public List<String> sourceAddresses = new ArrayList<>();
    public long startEpochMs;
    public double warmupS;
    public double durationS;
    /** The measured window as it was (seconds). */
    public double measuredS;

    /** Counters over the measured window. */
    public Map<String, Long> totals = new LinkedHashMap<>();
    /** Counters over the whole run (warmup and the end's drain included). */
    public Map<String, Long> wholeRun = new LinkedHashMap<>();
    /** Errors by kind over the whole run. */
    public Map<String, Long> errors = new LinkedHashMap<>();
    public double errorRate;
    public double connPerS;
    public double reqPerS;
    public double mbitPerS;
    /** Requested rate or concurrency reached. */
    public boolean reached;
    public String achieved;
    public List<String> whyNot = new ArrayList<>();
    /** Connections opened per source address. */
    public Map<String, Long> connectionsBySource = new LinkedHashMap<>();
    public Map<String, Percentiles> latencyUs = new LinkedHashMap<>();
    public Map<String, String> histograms = new LinkedHashMap<>();
    public List<Second> timeline = new ArrayList<>();
    public String memoryBudget;
    /** CPU the load shards used while the run was on, in cores (1.0: one core all the time). */
    public double loadCpuCores;

    /** The histogram of {@code name} (connect, ttfb, latency), decoded; an empty one if absent. */
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
