/**
 * {@code bench/run-load.sh}'s engine-to-engine part: {@link dev.wirespeed.bench.load.LoadServeBenchmark} runs the
 * load generator against {@code serve} in one process over a {@code net_ring} pair.
 */
package dev.wirespeed.bench.load;
