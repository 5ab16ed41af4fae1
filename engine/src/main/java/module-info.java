/**
 * The Wirespeed engine: wire formats, the TCP state machine, the runtime that assembles shards over DPDK ports, and
 * the application API.
 * <p>
 * Exported: {@code api} (the application-thread client and its events), {@code runtime} (the {@code Engine} and its
 * builder, threading modes, shard contexts and views, counters), {@code tcp} (the shard-thread handler API and its
 * configuration; the connection control blocks are package-private) and {@code wire} (the frame codecs).
 * Not exported: {@code runtime.internal}, the shard's duty cycle, ARP, ICMP, flow dispatch and packet capture.
 */
module dev.wirespeed.engine
{
    requires transitive dev.wirespeed.bindings;
    requires transitive org.agrona;

    exports dev.wirespeed.engine.api;
    exports dev.wirespeed.engine.runtime;
    exports dev.wirespeed.engine.tcp;
    exports dev.wirespeed.engine.wire;
}
