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
    public static final int SHARD_BITS = 8;
    public static final int GENERATION_BITS = 31;
    public static final int SLOT_BITS = 24;
    public static final int MAX_SHARDS = 1 << SHARD_BITS;
    public static final int MAX_SLOTS = 1 << SLOT_BITS;

    private static final int GENERATION_SHIFT = SLOT_BITS;
    private static final int SHARD_SHIFT = SLOT_BITS + GENERATION_BITS;
    private static final long SLOT_MASK = MAX_SLOTS - 1;
    private static final long GENERATION_MASK = (1L << GENERATION_BITS) - 1;
    private static final long SHARD_MASK = MAX_SHARDS - 1;

    private ConnectionId()
    {
    }

    /** The application id of endpoint id {@code endpointId} on shard {@code shardIndex}. */
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

    /** The shard that owns an application connection id. */
    public static int shardIndex(final long connectionId)
    {
        return (int)((connectionId >>> SHARD_SHIFT) & SHARD_MASK);
    }

    /** The shard's {@link dev.wirespeed.engine.tcp.TcpEndpoint} id of an application connection id. */
    public static long endpointId(final long connectionId)
    {
        final long generation = (connectionId >>> GENERATION_SHIFT) & GENERATION_MASK;
        return (generation << 32) | (connectionId & SLOT_MASK);
    }

    public static String toString(final long connectionId)
    {
        return connectionId < 0 ? "error(" + connectionId + ")" :
            shardIndex(connectionId) + ":" + ((connectionId >>> GENERATION_SHIFT) & GENERATION_MASK) + ":" +
            (connectionId & SLOT_MASK);
    }
}
