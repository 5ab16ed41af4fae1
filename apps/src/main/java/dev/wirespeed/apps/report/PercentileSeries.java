package dev.wirespeed.apps.report;

import java.util.ArrayList;
import java.util.List;

import org.HdrHistogram.AbstractHistogram;
import org.HdrHistogram.HistogramIterationValue;

/**
 * One named latency distribution for {@link HtmlReport#logXPercentileChart}: values at percentiles, as HdrHistogram's
 * percentile output gives them.
 *
 * @param name        legend label.
 * @param percentiles percentiles in [0, 100], ascending.
 * @param values      the value at each percentile, in the chart's unit.
 */
public record PercentileSeries(String name, double[] percentiles, double[] values)
{
    /**
     * Checks the components and copies the arrays.
     *
     * @throws IllegalArgumentException without a name, or with fewer or more values than percentiles.
     */
    public PercentileSeries
    {
        if (name == null || percentiles == null || values == null || percentiles.length != values.length)
        {
            throw new IllegalArgumentException("a percentile series needs a name and as many values as percentiles");
        }
        percentiles = percentiles.clone();
        values = values.clone();
    }

    /**
     * A series from arrays (copied).
     *
     * @param name        legend label.
     * @param percentiles percentiles in [0, 100], ascending.
     * @param values      the value at each percentile, in the chart's unit.
     * @return the series.
     */
    public static PercentileSeries of(final String name, final double[] percentiles, final double[] values)
    {
        return new PercentileSeries(name, percentiles, values);
    }

    /**
     * The distribution of an HdrHistogram, walked as {@code outputPercentileDistribution} does (5 ticks per half
     * distance), each value divided by {@code unitDivisor} (e.g. 1000 for ns recorded and µs shown).
     *
     * @param name        legend label.
     * @param histogram   the recorded values.
     * @param unitDivisor divides every value, e.g. 1000 for ns to µs.
     * @return the series, empty for an empty histogram.
     */
    public static PercentileSeries fromHistogram(final String name, final AbstractHistogram histogram,
        final double unitDivisor)
    {
        final List<double[]> points = new ArrayList<>();
        if (histogram.getTotalCount() > 0)
        {
            for (final HistogramIterationValue v : histogram.percentiles(5))
            {
                points.add(new double[] {v.getPercentileLevelIteratedTo(),
                    histogram.highestEquivalentValue(v.getValueIteratedTo()) / unitDivisor});
                if (v.getPercentileLevelIteratedTo() >= 100.0)
                {
                    break;
                }
            }
        }
        final double[] p = new double[points.size()];
        final double[] y = new double[points.size()];
        for (int i = 0; i < p.length; i++)
        {
            p[i] = points.get(i)[0];
            y[i] = points.get(i)[1];
        }
        return new PercentileSeries(name, p, y);
    }

    /**
     * Points in the series.
     *
     * @return the number of percentiles.
     */
    public int points()
    {
        return percentiles.length;
    }
}
