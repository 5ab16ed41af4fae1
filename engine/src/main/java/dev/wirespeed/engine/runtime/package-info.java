/**
 * The engine at run time: {@link dev.wirespeed.engine.runtime.Engine} assembles ports, shards and threads.
 * <p>
 * What applications use (the configuration surface): {@link dev.wirespeed.engine.runtime.Engine} and its
 * {@link dev.wirespeed.engine.runtime.Engine.Builder}, {@link dev.wirespeed.engine.runtime.ShardContext} (what a
 * shard's handler and duties are given), {@link dev.wirespeed.engine.runtime.ShardDuty},
 * {@link dev.wirespeed.engine.runtime.LocalAddresses}, {@link dev.wirespeed.engine.runtime.ThreadingMode},
 * {@link dev.wirespeed.engine.runtime.JvmFlags}, and for reading counters from outside
 * {@link dev.wirespeed.engine.runtime.CountersReader}.
 * <p>
 * Internals, public only because other packages of this project use them: {@link dev.wirespeed.engine.runtime.Shard}
 * (one duty cycle: RX, parse, TCP, timers, TX), the ARP cache and responders, the ICMP responder, the flow
 * dispatcher between shards, the impairment, the pcap writer and the counters file.
 */
package dev.wirespeed.engine.runtime;
