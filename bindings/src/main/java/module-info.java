/**
 * FFM bindings to DPDK: EAL, ports, mempools, bursts and zero-copy mbuf views. The shim's method handles
 * ({@code Dpdk}) and the packet-ring drop reader are package-private; everything exported here is safe to call from
 * an application.
 */
module dev.wirespeed.bindings
{
    requires transitive org.agrona;

    exports dev.wirespeed.bindings;
}
