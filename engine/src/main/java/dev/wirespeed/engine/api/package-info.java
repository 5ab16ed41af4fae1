/**
 * What applications see: listen, connect, write, shutdown, close and abort, and the events that answer them.
 * <p>
 * Two ways to use a shard:
 * <ul>
 *   <li><b>On the shard thread</b> (lowest latency): implement {@link dev.wirespeed.engine.tcp.TcpHandler} and call
 *       the {@link dev.wirespeed.engine.tcp.TcpEndpoint} directly; {@code onData} gets zero-copy views of the
 *       received bytes (mbuf memory or the receive ring).</li>
 *   <li><b>From application threads</b>: commands go through a {@code ManyToOneRingBuffer} per shard and events
 *       come back through a {@code OneToOneRingBuffer} per shard, in Aeron's proxy/adapter naming:
 *   <pre>
 *   app threads                                  shard thread
 *   CommandProxy ──► ManyToOneRingBuffer ──► CommandAdapter (ShardDuty) ──► TcpEndpoint
 *   EventAdapter ◄── OneToOneRingBuffer  ◄── EventProxy (the endpoint's TcpHandler) ◄──┘
 *        └─► ConnectionListener
 *   </pre></li>
 * </ul>
 * Wiring one shard:
 * <pre>{@code
 *   ManyToOneRingBuffer commandRing = CommandProxy.newCommandRing(1 << 20);
 *   OneToOneRingBuffer eventRing = EventProxy.newEventRing(1 << 20);
 *   EventProxy events = new EventProxy(shardIndex, eventRing);
 *   TcpEndpoint endpoint = new TcpEndpoint(config, events, clock.nanoTime());
 *   shard.addDuty(new CommandAdapter(shardIndex, endpoint, commandRing, events, localIp));
 *   // application threads:
 *   CommandProxy commands = new CommandProxy(commandRing);            // thread safe
 *   EventAdapter adapter = new EventAdapter(eventRing, listener);     // one polling thread
 * }</pre>
 * Message layouts: {@link dev.wirespeed.engine.api.ApiMessages}. Connection ids: {@link
 * dev.wirespeed.engine.api.ConnectionId} (they carry the shard index). Backpressure, both ways, never drops a byte:
 * a full command ring makes {@code CommandProxy} return false / a short count; a full event ring leaves received
 * bytes in TCP's receive buffer (the window closes); a full TCP send buffer parks the rest of a write on the shard
 * ({@link dev.wirespeed.engine.api.CommandAdapter} documents the head-of-line trade-off).
 */
package dev.wirespeed.engine.api;
