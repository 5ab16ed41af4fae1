/**
 * The stateful load generator ({@code wirespeed load}, {@code wirespeed report}).
 * <ul>
 * <li>{@link dev.wirespeed.apps.load.LoadPlan}: what a run does (mode, target, closed or open loop, timing),
 * checked and split over shards; {@link dev.wirespeed.apps.load.LoadBudget} refuses a run whose memory does not
 * fit before anything starts.</li>
 * <li>{@link dev.wirespeed.apps.load.LoadRun} runs a plan on an {@link dev.wirespeed.engine.runtime.Engine}: one
 * {@link dev.wirespeed.apps.load.LoadShard} per shard (handler plus duty, on the shard thread, no allocation per
 * request), {@link dev.wirespeed.apps.load.HttpResponseParser} per connection, counters and latency recorders in
 * {@link dev.wirespeed.apps.load.LoadStats}, and {@link dev.wirespeed.apps.load.LoadReporter} on the calling
 * thread once a second.</li>
 * <li>{@link dev.wirespeed.apps.load.LoadResult} is the outcome (text, JSON, HdrHistogram logs);
 * {@link dev.wirespeed.apps.load.LoadOutput} shows it and {@link dev.wirespeed.apps.load.LoadMerge} adds several
 * runs up without loss.</li>
 * <li>{@link dev.wirespeed.apps.load.InProcessTarget}: a {@code serve} engine in the same process over a
 * {@code net_ring} pair, for {@code demo}, the tests and the load-vs-serve benchmark.</li>
 * </ul>
 */
package dev.wirespeed.apps.load;
