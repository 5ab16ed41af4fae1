package dev.wirespeed.engine.runtime;

import dev.wirespeed.engine.tcp.TcpEndpoint;

/**
 * What an application sees of one shard: its endpoint, its frame counters, its impairment and its neighbour table.
 * {@link Engine#shard(int)} and {@link ShardContext#shard()} return it; the shard itself (its duty cycle, rings and
 * ARP machinery) is internal to the engine.
 * <p>
 * The counters are plain fields written by the shard's thread: read them on that thread (from a handler or a
 * {@link ShardDuty}), or after the engine has stopped; other threads read the published copies through
 * {@link Engine#counters()} and {@link CountersReader}.
 */
public interface ShardView
{
    /**
     * The index of the shard in its engine, from 0.
     *
     * @return the shard index.
     */
    int shardId();

    /**
     * The shard's TCP endpoint.
     *
     * @return the endpoint.
     */
    TcpEndpoint endpoint();

    /**
     * The addresses this shard answers ARP and ICMP echo for.
     *
     * @return the local addresses.
     */
    LocalAddresses addresses();

    /**
     * The time of the shard's current duty cycle.
     *
     * @return nanoseconds on the engine's clock.
     */
    long nowNs();

    /**
     * Frames received by this shard.
     *
     * @return the count.
     */
    long rxPackets();

    /**
     * Bytes of the frames received by this shard.
     *
     * @return the count.
     */
    long rxBytes();

    /**
     * Frames sent by this shard.
     *
     * @return the count.
     */
    long txPackets();

    /**
     * Bytes of the frames sent by this shard.
     *
     * @return the count.
     */
    long txBytes();

    /**
     * Frames not built because the mempool had no mbuf.
     *
     * @return the count.
     */
    long txNoMbuf();

    /**
     * Frames built but never sent (encoding, ARP, a full batch, a martian destination, the TX impairment).
     *
     * @return the count.
     */
    long txDropped();

    /**
     * Frames received here and handed to the shard that owns their flow.
     *
     * @return the count.
     */
    long handedOff();

    /**
     * Frames that could not be handed off (the target's inbox was full, or no mbuf for an ARP copy).
     *
     * @return the count.
     */
    long handOffDropped();

    /**
     * Received frames dropped by the parser, for one reason.
     *
     * @param reason a drop reason of {@link dev.wirespeed.engine.wire.FrameParser} (1 to
     *               {@code DROP_REASON_COUNT - 1}).
     * @return the count.
     */
    long drops(int reason);

    /**
     * Frames dropped for one of the shard's own reasons.
     *
     * @param reason a reason of {@link ShardDrops}.
     * @return the count.
     */
    long shardDrops(int reason);

    /**
     * The impairment applied to received frames.
     *
     * @return the RX impairment, or {@code null} when there is none.
     */
    Impairment rxImpairment();

    /**
     * The impairment applied to sent frames.
     *
     * @return the TX impairment, or {@code null} when there is none.
     */
    Impairment txImpairment();

    /**
     * Whether the shard has a fresh MAC for a neighbour.
     *
     * @param ip    the neighbour's IPv4 address.
     * @param nowNs the time of the current duty cycle.
     * @return true when frames to {@code ip} can be sent at once.
     */
    boolean neighbourKnown(int ip, long nowNs);

    /**
     * Asks for a neighbour's MAC before there is a frame for it (a client waiting for its target): an ARP request
     * goes out now and is retried until answered. Asking again while the question is pending sends nothing more.
     *
     * @param ip    the neighbour's IPv4 address.
     * @param nowNs the time of the current duty cycle.
     * @return true when the MAC is already known.
     */
    boolean requestNeighbour(int ip, long nowNs);
}
