package dev.wirespeed.bindings;

/** How to set a port up: queues, descriptors, its mempool, promiscuity, RSS and checksum offloads. */
public final class PortConfig
{
    /**
     * A symmetric RSS key (0x6d5a repeated, Woo and Park): both directions of a flow hash to the same queue.
     */
    public static final byte[] SYMMETRIC_RSS_KEY = symmetricKey(40);

    int rxQueues = 1;
    int txQueues = 1;
    int rxDescriptors = 1024;
    int txDescriptors = 1024;
    int mempoolSize = 8191;
    int mempoolCache = 256;
    int dataRoom = -1;
    boolean promiscuous = true;
    boolean checksumOffload = true;
    boolean rxTimestamps;
    byte[] rssKey = SYMMETRIC_RSS_KEY;

    public PortConfig queues(final int rx, final int tx)
    {
        this.rxQueues = rx;
        this.txQueues = tx;
        return this;
    }

    public PortConfig descriptors(final int rx, final int tx)
    {
        this.rxDescriptors = rx;
        this.txDescriptors = tx;
        return this;
    }

    public PortConfig mempool(final int size, final int cache)
    {
        this.mempoolSize = size;
        this.mempoolCache = cache;
        return this;
    }

    public PortConfig dataRoom(final int bytes)
    {
        this.dataRoom = bytes;
        return this;
    }

    public PortConfig promiscuous(final boolean on)
    {
        this.promiscuous = on;
        return this;
    }

    /**
     * Turn on the RX timestamp offload ({@code RTE_ETH_RX_OFFLOAD_TIMESTAMP}) when the port has it (off by default):
     * the NIC then writes its clock into each received mbuf's timestamp dynamic field (see {@link RxTimestampField}).
     */
    public PortConfig rxTimestamps(final boolean on)
    {
        this.rxTimestamps = on;
        return this;
    }

    /** Use the port's checksum offloads when it has them (the default). */
    public PortConfig checksumOffload(final boolean on)
    {
        this.checksumOffload = on;
        return this;
    }

    public PortConfig rssKey(final byte[] key)
    {
        this.rssKey = key.clone();
        return this;
    }

    public int rxQueues()
    {
        return rxQueues;
    }

    public int txQueues()
    {
        return txQueues;
    }

    private static byte[] symmetricKey(final int length)
    {
        final byte[] key = new byte[length];
        for (int i = 0; i < length; i += 2)
        {
            key[i] = 0x6d;
            key[i + 1] = 0x5a;
        }
        return key;
    }
}
