package dev.wirespeed.engine.tcp;

/**
 * Which shard owns a flow. The dispatcher applies it to every received TCP segment (local = destination,
 * remote = source), and an active open picks only ephemeral ports that hash back to its own shard
 * ({@link TcpConfig#shardIndex}), so both directions of every connection meet on one thread.
 * <p>
 * A fixed, unkeyed mix (the 64-bit finaliser of MurmurHash3): cheap and even over ports, but a peer that knows it
 * can aim its flows at one shard. That costs balance, never correctness.
 */
public final class FlowHash
{
    private FlowHash()
    {
    }

    /**
     * The shard 0..shards-1 of a 4-tuple; always 0 when there is one shard.
     *
     * @param localIp    our IPv4 address, host-order int.
     * @param localPort  our TCP port.
     * @param remoteIp   the peer's IPv4 address, host-order int.
     * @param remotePort the peer's TCP port.
     * @param shards     the number of shards, at least 1.
     * @return the shard index.
     */
    public static int shardOf(final int localIp, final int localPort, final int remoteIp, final int remotePort,
        final int shards)
    {
        if (shards <= 1)
        {
            return 0;
        }
        long h = ((localIp & 0xFFFF_FFFFL) << 32) ^ (remoteIp & 0xFFFF_FFFFL);
        h ^= ((long)(localPort & 0xFFFF) << 16 | (remotePort & 0xFFFF)) * 0x9E37_79B9_7F4A_7C15L;
        h ^= h >>> 33;
        h *= 0xFF51_AFD7_ED55_8CCDL;
        h ^= h >>> 33;
        h *= 0xC4CE_B9FE_1A85_EC53L;
        h ^= h >>> 33;
        return (int)Long.remainderUnsigned(h, shards);
    }
}
