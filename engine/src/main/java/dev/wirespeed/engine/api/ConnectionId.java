package dev.wirespeed.engine.api;

/**
 * The connection ids applications see: a {@link dev.wirespeed.engine.tcp.TcpEndpoint} id plus the index of the
 * shard that owns it, so that a multi-shard engine routes each command to the right shard's ring.
 * <pre>
 *    63  62         55 54                            24 23                     0
 *   +---+-------------+--------------------------------+-----------------------+
 *   | 0 | shard (8)   | generation (31)                | slot (24)             |
 *   +---+-------------+--------------------------------+-----------------------+
 * </pre>
 * An endpoint id is {@code generation << 32 | slot} (generation 31 bits, so ids are never negative); here the slot
 * is narrowed to 24 bits to make room for the shard. Application ids stay positive, so negative values remain free
 * for error codes. The narrowing limits a shard to 2^24 connection slots; {@link CommandAdapter} checks at
 * construction that the endpoint's {@code maxConnections} keeps within it.
 */
public final class ConnectionId
{
    /** Bits of the shard index (bits 55..62). */
    public static final int SHARD_BITS = 8;
    /** Bits of the endpoint id's generation (bits 24..54). */
    public static final int GENERATION_BITS = 31;
    /** Bits of the endpoint slot (bits 0..23). */
    public static final int SLOT_BITS = 24;
    /** Shards an engine can address: 256. */
    public static final int MAX_SHARDS = 1 << SHARD_BITS;
    /** Connection slots a shard can address: 2^24. */
    public static final int MAX_SLOTS = 1 << SLOT_BITS;

    private static final int GENERATION_SHIFT = SLOT_BITS;
    private static final int SHARD_SHIFT = SLOT_BITS + GENERATION_BITS;
    private static final long SLOT_MASK = MAX_SLOTS - 1;
    private static final long GENERATION_MASK = (1L << GENERATION_BITS) - 1;
    private static final long SHARD_MASK = MAX_SHARDS - 1;

    private ConnectionId()
    {
    }

    /**
     * The application id of endpoint id {@code endpointId} on shard {@code shardIndex}.
     *
     * @param shardIndex 0..{@link #MAX_SHARDS} - 1.
     * @param endpointId a non-negative endpoint id whose slot is below {@link #MAX_SLOTS}.
     * @return the connection id, positive.
     * @throws IllegalStateException if either is out of range.
     */
    public static long encode(final int shardIndex, final long endpointId)
    {
        final long slot = endpointId & 0xFFFF_FFFFL;
        if (slot >= MAX_SLOTS || shardIndex < 0 || shardIndex >= MAX_SHARDS || endpointId < 0)
        {
            throw new IllegalStateException("connection id out of range: shard " + shardIndex + " id " + endpointId);
        }
        final long generation = endpointId >>> 32;
        return ((long)shardIndex << SHARD_SHIFT) | (generation << GENERATION_SHIFT) | slot;
    }

    /**
     * The shard that owns an application connection id.
     *
     * @param connectionId an application connection id.
     * @return the shard index, 0..{@link #MAX_SHARDS} - 1.
     */
    public static int shardIndex(final long connectionId)
    {
        return (int)((connectionId >>> SHARD_SHIFT) & SHARD_MASK);
    }

    /**
     * The shard's {@link dev.wirespeed.engine.tcp.TcpEndpoint} id of an application connection id.
     *
     * @param connectionId an application connection id.
     * @return the endpoint id: generation in the high 32 bits, slot in the low.
     */
    public static long endpointId(final long connectionId)
    {
        final long generation = (connectionId >>> GENERATION_SHIFT) & GENERATION_MASK;
        return (generation << 32) | (connectionId & SLOT_MASK);
    }

    /**
     * A connection id as {@code shard:generation:slot}, for logs.
     *
     * @param connectionId an application connection id, or a negative error code.
     * @return e.g. {@code "0:1:42"}, or {@code "error(-2)"} for a negative value.
     */
    public static String toString(final long connectionId)
    {
        return connectionId < 0 ? "error(" + connectionId + ")" :
            shardIndex(connectionId) + ":" + ((connectionId >>> GENERATION_SHIFT) & GENERATION_MASK) + ":" +
            (connectionId & SLOT_MASK);
    }
}
