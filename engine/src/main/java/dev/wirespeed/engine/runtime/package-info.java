/**
 * The engine at run time: {@link dev.wirespeed.engine.runtime.Engine} assembles ports, shards and threads.
 * <p>
 * What applications use (the configuration surface): {@link dev.wirespeed.engine.runtime.Engine} and its
 * {@link dev.wirespeed.engine.runtime.Engine.Builder}, {@link dev.wirespeed.engine.runtime.ShardContext} (what a
 * shard's handler and duties are given), {@link dev.wirespeed.engine.runtime.ShardView} (what they see of the
 * shard: endpoint, counters, impairment, neighbours), {@link dev.wirespeed.engine.runtime.ShardDuty},
 * {@link dev.wirespeed.engine.runtime.LocalAddresses}, {@link dev.wirespeed.engine.runtime.ThreadingMode},
 * {@link dev.wirespeed.engine.runtime.JvmFlags}, the {@link dev.wirespeed.engine.runtime.Impairment} of a shard, and
 * the counters file: {@link dev.wirespeed.engine.runtime.EngineCounters} writes it,
 * {@link dev.wirespeed.engine.runtime.CountersReader} reads it from outside, with the names of
 * {@link dev.wirespeed.engine.runtime.ShardCounters}, {@link dev.wirespeed.engine.runtime.PortCounters} and
 * {@link dev.wirespeed.engine.runtime.ShardDrops}.
 * <p>
 * The machinery is in {@code dev.wirespeed.engine.runtime.internal}, which the module does not export: the shard
 * (one duty cycle: RX, parse, TCP, timers, TX), the ARP cache and responder, the ICMP responder, the martian filter,
 * the flow dispatcher between shards and the pcap writer.
 */
package dev.wirespeed.engine.runtime;
