/**
 * Benchmarks of the TCP state machine with no I/O: JMH per segment ({@link
 * dev.wirespeed.bench.tcp.TcpSegmentBenchmark}) and per connection lifetime ({@link
 * dev.wirespeed.bench.tcp.TcpLifetimeBenchmark}), and the heap per idle and TIME-WAIT connection ({@link
 * dev.wirespeed.bench.tcp.ConnectionMemoryBench}, {@code bench/run-memory.sh}).
 */
package dev.wirespeed.bench.tcp;
