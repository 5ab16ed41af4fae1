package dev.wirespeed.engine.tcp;

/**
 * Open-addressing hash table from the 96-bit 4-tuple to a {@link TcpConnection}: linear probing, backward-shift
 * deletion, no boxing and no per-operation allocation (it grows by doubling only past half load). A slot holds the
 * connection and the 32-bit hash of its tuple (8 bytes, not the 16 of a copied key): a probe compares hashes and
 * reads the tuple from the connection only when they match, which the caller was about to touch anyway. Not thread
 * safe.
 */
final class ConnectionTable
{
    private int[] hashes;
    private TcpConnection[] values;
    private int mask;
    private int size;

    ConnectionTable(final int initialCapacity)
    {
        final int cap = Integer.highestOneBit(Math.max(16, initialCapacity) - 1) << 1;
        hashes = new int[cap];
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
        final int h = hash(ipKey(localIp, remoteIp), portKey(localPort, remotePort));
        int i = h & mask;
        TcpConnection v;
        while ((v = values[i]) != null)
        {
            if (hashes[i] == h && v.localIp == localIp && v.localPort == localPort && v.remoteIp == remoteIp &&
                v.remotePort == remotePort)
            {
                return v;
            }
            i = (i + 1) & mask;
        }
        return null;
    }

    private static int hashOf(final TcpConnection c)
    {
        return hash(ipKey(c.localIp, c.remoteIp), portKey(c.localPort, c.remotePort));
    }

    private static boolean sameTuple(final TcpConnection a, final TcpConnection b)
    {
        return a.localIp == b.localIp && a.localPort == b.localPort && a.remoteIp == b.remoteIp &&
            a.remotePort == b.remotePort;
    }

    void put(final TcpConnection c)
    {
        if ((size + 1) * 2 > values.length)
        {
            grow();
        }
        insert(hashOf(c), c);
    }

    private void insert(final int h, final TcpConnection c)
    {
        int i = h & mask;
        TcpConnection v;
        while ((v = values[i]) != null)
        {
            if (hashes[i] == h && sameTuple(v, c))
            {
                values[i] = c;
                return;
            }
            i = (i + 1) & mask;
        }
        hashes[i] = h;
        values[i] = c;
        size++;
    }

    boolean remove(final TcpConnection c)
    {
        int i = hashOf(c) & mask;
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
                    final int home = hashes[j] & mask;
                    if (((j - home) & mask) >= ((j - i) & mask))
                    {
                        hashes[i] = hashes[j];
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
        final int[] oldHashes = hashes;
        final TcpConnection[] oldValues = values;
        hashes = new int[cap];
        values = new TcpConnection[cap];
        mask = cap - 1;
        size = 0;
        for (int i = 0; i < oldValues.length; i++)
        {
            if (oldValues[i] != null)
            {
                insert(oldHashes[i], oldValues[i]);
            }
        }
    }
}
