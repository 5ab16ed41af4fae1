/**
 * The engine as a TCP client ({@code wirespeed client}): {@link dev.wirespeed.apps.client.ClientSession} opens
 * connections to one server, sends each a {@link dev.wirespeed.apps.client.StreamPattern} stream, checks an echo
 * byte for byte, half-closes and ends when every connection is gone or in TIME-WAIT. It runs on the shard thread, as
 * the endpoint's {@link dev.wirespeed.engine.tcp.TcpHandler} plus a {@link dev.wirespeed.engine.runtime.ShardDuty},
 * and uses only what the engine module exports.
 */
package dev.wirespeed.apps.client;
