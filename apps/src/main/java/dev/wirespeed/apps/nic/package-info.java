/**
 * The NIC benchmarks ({@code wirespeed nicbench}), on the DPDK bindings only (no TCP/IP engine):
 * <ul>
 * <li>{@link dev.wirespeed.apps.nic.TxStream} (a paced generator stream of {@link dev.wirespeed.apps.nic.TestFrame}
 * UDP frames) and {@link dev.wirespeed.apps.nic.RxMatcher} (loss and latency of what comes back), stamped by
 * {@link dev.wirespeed.apps.nic.PacketClock};</li>
 * <li>{@link dev.wirespeed.apps.nic.Reflector}, the far end (MAC and IP swap, optionally rate-limited as a device
 * with a known answer);</li>
 * <li>{@link dev.wirespeed.apps.nic.Rfc2544} (throughput, latency, frame loss, back-to-back) and its
 * {@link dev.wirespeed.apps.nic.Rfc2544Report};</li>
 * <li>{@link dev.wirespeed.apps.nic.IoForwarder} (testpmd's {@code io} mode) and
 * {@link dev.wirespeed.apps.nic.LoopbackCheck} (a byte-exact self-test between two ports).</li>
 * </ul>
 * The packet loops allocate nothing and send only between TEST-NET-1 (192.0.2.0/24) addresses.
 */
package dev.wirespeed.apps.nic;
