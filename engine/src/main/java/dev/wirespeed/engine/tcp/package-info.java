/**
 * The TCP core: a pure-Java TCP (RFC 9293 with RFC 5961, 6528, 7323, 6298, 5681, 6582, 2018, 4987, 6191, 1337,
 * 2525 policies) that does no I/O and never reads a clock.
 * <p>
 * Shape (smoltcp's {@code tcp.rs}): {@link dev.wirespeed.engine.tcp.TcpConnection} is one TCB;
 * {@code process(nowNs, segment)} applies an arriving segment in RFC 9293 §3.10.7 order and only marks what must be
 * sent; {@code dispatch(nowNs, emitter)} is the only producer of segments; {@code nextDeadlineNs()} says when its
 * timers need attention. {@link dev.wirespeed.engine.tcp.TcpEndpoint} (one per shard, not thread safe) owns the
 * connection table (4-tuple, open addressing, no boxing), listeners, the Agrona {@code DeadlineTimerWheel},
 * stateless replies (RSTs, SYN cookies), counters, the TCB pool and the application API.
 * <p>
 * Driving an endpoint (runtime duty cycle or a simulation with a fake clock):
 * <pre>{@code
 *   TcpEndpoint ep = new TcpEndpoint(config, handler, startNs);
 *   ep.listen(localIp, port, backlog);            // or: long id = ep.connect(nowNs, localIp, remoteIp, port);
 *   ep.onSegment(nowNs, segment);                 // each received segment (parsed and checksummed by wire)
 *   ep.poll(nowNs);                               // timers
 *   ep.dispatch(nowNs, emitter);                  // everything to send; the TcpSegment passed is reused
 *   ep.nextDeadlineNs();                          // earliest timer (scan; for simulations)
 * }</pre>
 * Everything is deterministic given {@link dev.wirespeed.engine.tcp.TcpConfig#seed} and the times passed in.
 * Segments carry addresses from this host's point of view ({@code local*} = us).
 * <p>
 * Behaviour numbers refer to the numbered list in docs/TCP-BEHAVIOUR.md.
 */
package dev.wirespeed.engine.tcp;
