/**
 * FFM bindings to DPDK 22.11, through the small C shim {@code libwirespeed.so} (packed into this jar and found by
 * {@link dev.wirespeed.bindings.NativeLibrary} without {@code LD_LIBRARY_PATH}). The layer knows nothing of TCP/IP.
 * <ul>
 * <li>Start: {@link dev.wirespeed.bindings.Eal} (once per process) with {@link dev.wirespeed.bindings.EalOptions}
 * (hugepages, or the {@code --no-huge} fallback).</li>
 * <li>Ports: {@link dev.wirespeed.bindings.PortSpec} names a port the way every command does ({@code --iface},
 * {@code --vdev}, {@code --pci}); {@link dev.wirespeed.bindings.EthPort} attaches, configures
 * ({@link dev.wirespeed.bindings.PortConfig}), bursts and reports ({@link dev.wirespeed.bindings.PortStats},
 * {@link dev.wirespeed.bindings.DeviceInfo}); {@link dev.wirespeed.bindings.RingPair} is two {@code net_ring} ports
 * wired back to back in memory, for engines and tests with no NIC.</li>
 * <li>Packets: {@link dev.wirespeed.bindings.Mempool}, {@link dev.wirespeed.bindings.MbufBurst} (one off-heap array
 * per burst), {@link dev.wirespeed.bindings.Mbuf} (field accessors by address) and
 * {@link dev.wirespeed.bindings.MbufView} (a zero-copy Agrona buffer over one mbuf's data). Mbufs travel as
 * {@code long} addresses: no object per packet.</li>
 * <li>Layout and time: {@link dev.wirespeed.bindings.NativeLayout} (struct offsets and constants read from the
 * shim, never hard-coded), {@link dev.wirespeed.bindings.Tsc} (the CPU's time-stamp counter).</li>
 * <li>Errors: {@link dev.wirespeed.bindings.DpdkException} carries DPDK's code and {@code rte_strerror} text;
 * {@link dev.wirespeed.bindings.NativeUnavailableException} says what is missing on this machine and how to fix
 * it.</li>
 * </ul>
 * The method handles of the shim ({@code Dpdk}) and the AF_PACKET drop reader are package-private: applications
 * reach native code only through the classes above. Every call on the packet path is one native call per burst and
 * allocates nothing.
 */
package dev.wirespeed.bindings;
