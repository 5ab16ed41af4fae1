package dev.wirespeed.apps.load;

/**
 * The open loop's schedule: when request (or connection) k is due, and when it may go out. Pure arithmetic on the
 * times it is given; it reads no clock.
 * <p>
 * Request k is <i>due</i> at {@code first + k * interval} and that never moves: latency counts from the due time.
 * It may be <i>issued</i> at its slot {@code s(k) = max(due(k), s(k-1) + interval / catchUp)}, so two issues are
 * never closer than {@code interval / catchUp}: a generator that fell behind (the server stalled, the cap held
 * requests back, the shard was descheduled) drains its backlog at {@code catchUp} times the rate, evenly spaced,
 * never in a burst. With {@code catchUp} 1 it never drains faster than the rate, so a backlog stays for the rest of
 * the run.
 * <p>
 * A caller only looks at the schedule now and then (once per duty cycle), so slots that fell in the gap between two
 * looks are issued in the later one. {@code jitterNs} bounds that: a slot more than {@code jitterNs} in the past is
 * moved up to {@code now - jitterNs} (and the later slots with it), so at most {@code jitterNs * rate * catchUp + 1}
 * issues ever go out together beyond the pace. With {@code jitterNs} 0 every issue instant is exactly the time the
 * caller issued it and any window of length W holds at most {@code catchUp * rate * W + 1} issues.
 * <p>
 * It also keeps what the summary reports of the generator's own lag: the largest backlog (due but not issued) and
 * how long the schedule was behind (the oldest unissued request more than {@code behindNs} past due). Not thread
 * safe: one owner (the shard).
 */
public final class OpenLoopSchedule
{
    private final long originNs;
    private final double intervalNs;
    private final double gapNs;
    private final long jitterNs;
    private final long behindThresholdNs;

    private long issued;
    /** Slot of the last issue, relative to the origin; minus infinity before the first. */
    private double lastSlot = Double.NEGATIVE_INFINITY;
    private long maxBacklog;
    private long behindNs;
    private long lastObservedNs;
    private boolean wasBehind;

    /**
     * A schedule of requests due every {@code intervalNs} from {@code firstDueNs}, in the caller's clock.
     *
     * @param firstDueNs        when request 0 is due.
     * @param intervalNs        1 / rate, in ns.
     * @param catchUp           at least 1: the fastest issue rate, as a multiple of the rate.
     * @param jitterNs          how far in the past a slot may be and still go out at once (see above).
     * @param behindThresholdNs lateness beyond which the schedule counts as behind.
     */
    public OpenLoopSchedule(final long firstDueNs, final double intervalNs, final double catchUp, final long jitterNs,
        final long behindThresholdNs)
    {
        if (!(intervalNs > 0) || !(catchUp >= 1) || jitterNs < 0)
        {
            throw new IllegalArgumentException("interval " + intervalNs + ", catch-up " + catchUp + ", jitter " +
                jitterNs);
        }
        this.originNs = firstDueNs;
        this.intervalNs = intervalNs;
        this.gapNs = intervalNs / catchUp;
        this.jitterNs = jitterNs;
        this.behindThresholdNs = behindThresholdNs;
        this.lastObservedNs = firstDueNs;
    }

    /**
     * Requests issued so far.
     *
     * @return the count.
     */
    public long issued()
    {
        return issued;
    }

    /**
     * When request {@code k} is due.
     *
     * @param k the request number, from 0.
     * @return ns, in the schedule's clock.
     */
    public long dueNs(final long k)
    {
        return originNs + (long)(k * intervalNs);
    }

    /**
     * Requests due by {@code nowNs} (issued or not).
     *
     * @param nowNs the time now, ns.
     * @return the count.
     */
    public long dueCount(final long nowNs)
    {
        return nowNs - originNs < 0 ? 0 : (long)((nowNs - originNs) / intervalNs) + 1;
    }

    /**
     * Due by {@code nowNs} and not yet issued.
     *
     * @param nowNs the time now, ns.
     * @return the count.
     */
    public long backlog(final long nowNs)
    {
        return Math.max(0, dueCount(nowNs) - issued);
    }

    /**
     * Whether the next request's slot has come: it is due and the pace allows it.
     *
     * @param nowNs the time now, ns.
     * @return true if the next request may go out now.
     */
    public boolean mayIssue(final long nowNs)
    {
        return nextSlot() <= nowNs - originNs;
    }

    /**
     * Records that the next request went out at {@code nowNs} (call only when {@link #mayIssue} said so).
     *
     * @param nowNs the time now, ns.
     * @return the time it was due, the origin of its latency.
     */
    public long issue(final long nowNs)
    {
        final double now = nowNs - originNs;
        lastSlot = Math.max(nextSlot(), now - jitterNs);
        return dueNs(issued++);
    }

    /**
     * Updates the largest backlog and the time spent behind; call once per look, after issuing.
     *
     * @param nowNs the time now, ns.
     */
    public void observe(final long nowNs)
    {
        final long backlog = backlog(nowNs);
        if (backlog > maxBacklog)
        {
            maxBacklog = backlog;
        }
        if (wasBehind && nowNs - lastObservedNs > 0)
        {
            behindNs += nowNs - lastObservedNs;
        }
        wasBehind = backlog > 0 && nowNs - dueNs(issued) > behindThresholdNs;
        lastObservedNs = nowNs;
    }

    /**
     * Most requests ever due and not yet issued at one look.
     *
     * @return the count.
     */
    public long maxBacklog()
    {
        return maxBacklog;
    }

    /**
     * Total time the oldest unissued request was more than the threshold past due, as seen at the looks.
     *
     * @return nanoseconds.
     */
    public long behindNs()
    {
        return behindNs;
    }

    private double nextSlot()
    {
        return Math.max(issued * intervalNs, lastSlot + gapNs);
    }
}
