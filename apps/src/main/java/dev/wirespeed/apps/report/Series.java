package dev.wirespeed.apps.report;

/**
 * One named line of a chart: a y value per x value of the chart. {@code Double.NaN} marks a missing point (drawn as a
 * gap, not counted as a data point).
 *
 * @param name   legend label.
 * @param values y values, one per x value of the chart.
 */
public record Series(String name, double[] values)
{
    /**
     * Checks the components and copies the values.
     *
     * @throws IllegalArgumentException without a name or values.
     */
    public Series
    {
        if (name == null || values == null)
        {
            throw new IllegalArgumentException("a series needs a name and values");
        }
        values = values.clone();
    }

    /**
     * A series from values (copied).
     *
     * @param name   legend label.
     * @param values y values, one per x value of the chart.
     * @return the series.
     */
    public static Series of(final String name, final double... values)
    {
        return new Series(name, values);
    }

    /**
     * Points that are drawn (not NaN).
     *
     * @return the count.
     */
    public int points()
    {
        int n = 0;
        for (final double v : values)
        {
            if (!Double.isNaN(v))
            {
                n++;
            }
        }
        return n;
    }
}
