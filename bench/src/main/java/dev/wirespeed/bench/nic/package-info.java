/**
 * The forwarding benchmark ({@code bench/run-forward.sh}): {@link dev.wirespeed.bench.nic.ForwardBenchmark} runs
 * the applications' testpmd-style {@code io} forwarder under JMH.
 */
package dev.wirespeed.bench.nic;
