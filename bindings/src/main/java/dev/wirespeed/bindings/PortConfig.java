package dev.wirespeed.bindings;

/** How to set a port up: queues, descriptors, its mempool, promiscuity, RSS and checksum offloads. */
public final class PortConfig
{
    /**
     * A configuration with the defaults; set what differs before the port is opened.
     */
    public PortConfig()
    {
    }

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

    /**
     * Queue pairs: RX queues (one per shard with RSS) and TX queues; 1 and 1 by default.
     *
     * @param rx RX queues.
     * @param tx TX queues.
     * @return this.
     */
    public PortConfig queues(final int rx, final int tx)
    {
        this.rxQueues = rx;
        this.txQueues = tx;
        return this;
    }

    /**
     * Descriptors per queue; 1024 and 1024 by default (the driver may round them).
     *
     * @param rx descriptors per RX queue.
     * @param tx descriptors per TX queue.
     * @return this.
     */
    public PortConfig descriptors(final int rx, final int tx)
    {
        this.rxDescriptors = rx;
        this.txDescriptors = tx;
        return this;
    }

    /**
     * The port's mempool; 8191 mbufs and a 256-mbuf per-lcore cache by default.
     *
     * @param size  mbufs in the pool.
     * @param cache per-lcore cache.
     * @return this.
     */
    public PortConfig mempool(final int size, final int cache)
    {
        this.mempoolSize = size;
        this.mempoolCache = cache;
        return this;
    }

    /**
     * Data room of each mbuf, headroom included; DPDK's default when not set.
     *
     * @param bytes the data room in bytes.
     * @return this.
     */
    public PortConfig dataRoom(final int bytes)
    {
        this.dataRoom = bytes;
        return this;
    }

    /**
     * Receive frames for any MAC address; on by default.
     *
     * @param on false for our MAC (and broadcast) only.
     * @return this.
     */
    public PortConfig promiscuous(final boolean on)
    {
        this.promiscuous = on;
        return this;
    }

    /**
     * Turn on the RX timestamp offload ({@code RTE_ETH_RX_OFFLOAD_TIMESTAMP}) when the port has it (off by default):
     * the NIC then writes its clock into each received mbuf's timestamp dynamic field (see {@link RxTimestampField}).
     *
     * @param on true to ask for it.
     * @return this.
     */
    public PortConfig rxTimestamps(final boolean on)
    {
        this.rxTimestamps = on;
        return this;
    }

    /**
     * Use the port's checksum offloads when it has them (the default).
     *
     * @param on false to checksum in software.
     * @return this.
     */
    public PortConfig checksumOffload(final boolean on)
    {
        this.checksumOffload = on;
        return this;
    }

    /**
     * The RSS hash key; {@link #SYMMETRIC_RSS_KEY} by default.
     *
     * @param key the key, copied; its length must be the port's hash key size.
     * @return this.
     */
    public PortConfig rssKey(final byte[] key)
    {
        this.rssKey = key.clone();
        return this;
    }

    /**
     * RX queues to configure.
     *
     * @return the count.
     */
    public int rxQueues()
    {
        return rxQueues;
    }

    /**
     * TX queues to configure.
     *
     * @return the count.
     */
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
