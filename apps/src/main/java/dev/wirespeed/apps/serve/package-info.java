/**
 * The servers of {@code wirespeed serve}, run on the shard thread: {@link dev.wirespeed.apps.serve.Services} is the
 * endpoint's {@link dev.wirespeed.engine.tcp.TcpHandler} for echo (RFC 862), discard (RFC 863) and a fixed-response
 * HTTP/1.1 server, with a {@link dev.wirespeed.engine.runtime.ShardDuty} for idle timeouts. HTTP requests are
 * validated by {@link dev.wirespeed.apps.serve.HttpHeaders}, per connection state is a pooled
 * {@link dev.wirespeed.apps.serve.HttpSession}, and partial request heads borrow from the bounded
 * {@link dev.wirespeed.apps.serve.HeaderBuffers}. {@link dev.wirespeed.apps.serve.StallingHandler} makes a server
 * stop reading for a while, for backpressure tests. No allocation per request; everything here belongs to one
 * shard's thread.
 */
package dev.wirespeed.apps.serve;
