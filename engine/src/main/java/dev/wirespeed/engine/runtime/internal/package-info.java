/**
 * The runtime's machinery, not exported by the {@code dev.wirespeed.engine} module:
 * {@link dev.wirespeed.engine.runtime.internal.Shard} (one duty cycle: RX, parse, TCP, timers, TX; an Agrona
 * {@code Agent}), {@link dev.wirespeed.engine.runtime.internal.ArpCache} and
 * {@link dev.wirespeed.engine.runtime.internal.ArpResponder} (neighbours, with a queue per unresolved address),
 * {@link dev.wirespeed.engine.runtime.internal.IcmpResponder} (echo replies),
 * {@link dev.wirespeed.engine.runtime.internal.Martians} (source addresses no peer may use),
 * {@link dev.wirespeed.engine.runtime.internal.FlowDispatcher} (which shard owns a flow),
 * {@link dev.wirespeed.engine.runtime.internal.DpdkMbufOps} and
 * {@link dev.wirespeed.engine.runtime.internal.PcapWriter}.
 * <p>
 * {@link dev.wirespeed.engine.runtime.Engine} builds these; applications see a shard only through
 * {@link dev.wirespeed.engine.runtime.ShardView} and {@link dev.wirespeed.engine.runtime.ShardContext}. Everything
 * here runs on its shard's thread, allocates nothing per packet and takes no lock.
 */
package dev.wirespeed.engine.runtime.internal;
