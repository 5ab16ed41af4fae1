/**
 * The engine-to-engine benchmark ({@code wirespeed e2e}, {@code bench/run-e2e.sh}): {@link
 * dev.wirespeed.bench.e2e.EngineE2e} runs two engines in one process over a {@code net_ring} pair and
 * {@link dev.wirespeed.bench.e2e.KernelE2e} does the same over Linux loopback with Java NIO, round after round, for
 * connections per second, ping-pong latency and bulk throughput; {@link dev.wirespeed.bench.e2e.E2eCommand} prints
 * the medians and the engine/kernel ratios. Each engine side is a handler plus a duty on its shard thread
 * ({@code EngineSide}); {@code ApiPingClient} measures the
 * application-thread API instead. The harness uses only what the engine module exports.
 */
package dev.wirespeed.bench.e2e;
