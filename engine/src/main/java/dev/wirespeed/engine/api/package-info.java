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
 * The one entry point: {@link dev.wirespeed.engine.api.Wirespeed#launch} starts EAL if needed, builds an
 * {@link dev.wirespeed.engine.runtime.Engine} with this wiring on every shard and returns a
 * {@link dev.wirespeed.engine.api.Client}:
 * <pre>{@code
 *   try (Wirespeed ws = Wirespeed.launch(Engine.builder().port(PortSpec.iface("veth0")).address("192.0.2.1/24")))
 *   {
 *       Client client = ws.client();                      // commands: any thread
 *       long correlationId = client.connect(new InetSocketAddress("192.0.2.2", 7));
 *       while (running)
 *       {
 *           idle.idle(client.poll(listener, 64));         // events: one thread
 *       }
 *   }
 * }</pre>
 * Bad input is refused at the call with an {@link dev.wirespeed.engine.api.ApiException} naming an
 * {@link dev.wirespeed.engine.api.ApiError}. Events of a connection keep their order: every byte before
 * {@code onPeerClosed}; closing a connection whose received bytes are still unread resets it, as Linux does (on
 * the shard thread, {@link dev.wirespeed.engine.tcp.TcpEndpoint#closeWhenRead} closes once they are read instead).
 * {@link dev.wirespeed.engine.api.Client#connectAndAwait} waits for a connect's outcome, as Aeron's
 * {@code addPublication} does.
 * <p>
 * Message layouts: {@link dev.wirespeed.engine.api.ApiMessages}. Connection ids: {@link
 * dev.wirespeed.engine.api.ConnectionId} (they carry the shard index). Backpressure, both ways, never drops a byte:
 * a full command ring makes {@code CommandProxy} return false / a short count; a full event ring leaves received
 * bytes in TCP's receive buffer (the window closes); a full TCP send buffer parks the rest of a write on the shard
 * ({@link dev.wirespeed.engine.api.CommandAdapter} documents the head-of-line trade-off).
 */
package dev.wirespeed.engine.api;
