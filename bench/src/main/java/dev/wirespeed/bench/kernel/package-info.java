/**
 * The kernel baseline of the TCP benchmarks, measured in the same run: Linux TCP over loopback through Java NIO
 * ({@link dev.wirespeed.bench.kernel.NioLoopbackBenchmark}, JMH).
 */
package dev.wirespeed.bench.kernel;
