/**
 * JMH benchmarks of the wire layer: the receive-side frame parser ({@link
 * dev.wirespeed.bench.wire.FrameParseBenchmark}) and the TCP options codec ({@link
 * dev.wirespeed.bench.wire.TcpOptionParseBenchmark}), with {@code -prof gc} to show they allocate nothing.
 */
package dev.wirespeed.bench.wire;
