package dev.wirespeed.engine.tcp;

/**
 * Open-addressing hash table from the 96-bit 4-tuple to a {@link TcpConnection}: linear probing, backward-shift
 * deletion, no boxing and no per-operation allocation (it grows by doubling only past half load). Not thread safe.
 */
final class ConnectionTable
{
    private long[] ipKeys;
    private int[] portKeys;
    private TcpConnection[] values;
    private int mask;
    private int size;

    ConnectionTable(final int initialCapacity)
    {
        final int cap = Integer.highestOneBit(Math.max(16, initialCapacity) - 1) << 1;
        ipKeys = new long[cap];
        portKeys = new int[cap];
        values = new TcpConnection[cap];
        mask = cap - 1;
    }

    static long ipKey(final int localIp, final int remoteIp)
    {
        return ((long)localIp << 32) | (remoteIp & 0xffffffffL);
    }

    static int portKey(final int localPort, final int remotePort)
    {
        return (localPort << 16) | (remotePort & 0xffff);
    }

    static int hash(final long ip, final int ports)
    {
        long h = ip * 0x9e3779b97f4a7c15L ^ (ports * 0xc2b2ae3d27d4eb4fL);
        h ^= h >>> 29;
        h *= 0xbf58476d1ce4e5b9L;
        return (int)(h ^ (h >>> 32));
    }

    int size()
    {
        return size;
    }

    TcpConnection get(final int localIp, final int localPort, final int remoteIp, final int remotePort)
    {
        final long ip = ipKey(localIp, remoteIp);
        final int ports = portKey(localPort, remotePort);
        int i = hash(ip, ports) & mask;
        TcpConnection v;
        while ((v = values[i]) != null)
        {
            if (ipKeys[i] == ip && portKeys[i] == ports)
            {
                return v;
            }
            i = (i + 1) & mask;
        }
        return null;
    }

    void put(final TcpConnection c)
    {
        if ((size + 1) * 2 > values.length)
        {
            grow();
        }
        insert(ipKey(c.localIp, c.remoteIp), portKey(c.localPort, c.remotePort), c);
    }

    private void insert(final long ip, final int ports, final TcpConnection c)
    {
        int i = hash(ip, ports) & mask;
        while (values[i] != null)
        {
            if (ipKeys[i] == ip && portKeys[i] == ports)
            {
                values[i] = c;
                return;
            }
            i = (i + 1) & mask;
        }
        ipKeys[i] = ip;
        portKeys[i] = ports;
        values[i] = c;
        size++;
    }

    boolean remove(final TcpConnection c)
    {
        final long ip = ipKey(c.localIp, c.remoteIp);
        final int ports = portKey(c.localPort, c.remotePort);
        int i = hash(ip, ports) & mask;
        while (values[i] != null)
        {
            if (values[i] == c)
            {
                values[i] = null;
                size--;
                // backward-shift deletion
                int j = (i + 1) & mask;
                while (values[j] != null)
                {
                    final int home = hash(ipKeys[j], portKeys[j]) & mask;
                    if (((j - home) & mask) >= ((j - i) & mask))
                    {
                        ipKeys[i] = ipKeys[j];
                        portKeys[i] = portKeys[j];
                        values[i] = values[j];
                        values[j] = null;
                        i = j;
                    }
                    j = (j + 1) & mask;
                }
                return true;
            }
            i = (i + 1) & mask;
        }
        return false;
    }

    private void grow()
    {
        resize(values.length * 2);
    }

    /** Slots of the table (entries at most half of them). */
    int capacity()
    {
        return values.length;
    }

    /**
     * After a peak: halve the table while it is under an eighth full and above {@code minCapacity} (a slow duty's
     * work, O(capacity); a burst of connections leaves no standing table).
     *
     * @return true if it shrank.
     */
    boolean shrinkIfSparse(final int minCapacity)
    {
        int cap = values.length;
        while (cap > minCapacity && cap > 16 && size < cap >>> 3)
        {
            cap >>>= 1;
        }
        if (cap == values.length)
        {
            return false;
        }
        resize(cap);
        return true;
    }

    private void resize(final int cap)
    {
        final long[] oldIp = ipKeys;
        final int[] oldPorts = portKeys;
        final TcpConnection[] oldValues = values;
        ipKeys = new long[cap];
        portKeys = new int[cap];
        values = new TcpConnection[cap];
        mask = cap - 1;
        size = 0;
        for (int i = 0; i < oldValues.length; i++)
        {
            if (oldValues[i] != null)
            {
                insert(oldIp[i], oldPorts[i], oldValues[i]);
            }
        }
    }
}
