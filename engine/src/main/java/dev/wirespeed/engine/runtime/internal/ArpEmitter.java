package dev.wirespeed.engine.runtime.internal;

/**
 * Where {@link ArpCache} sends its output. Called on the shard thread; implementations must not allocate.
 */
public interface ArpEmitter
{
    /** Broadcast an ARP request for {@code targetIp} (e.g. built with {@link ArpResponder#writeRequest}). */
    void sendRequest(int targetIp);

    /** A packet that waited for resolution can go now: fill in {@code dstMac} and transmit the mbuf. */
    void transmit(long mbuf, long dstMac);

    /** A packet that will never be sent (unresolved, or pushed out of a full queue): free the mbuf. */
    void drop(long mbuf);
}
