package dev.wirespeed.engine.tcp;

/**
 * Open-addressing hash table from the 96-bit 4-tuple to a {@link TcpConnection}: linear probing, backward-shift
 * deletion, no boxing and no per-operation allocation (it grows by doubling only past half load). A slot holds only
 * the connection reference (4 bytes with compressed references, not the 16 of a copied key and a reference): a probe
 * compares the tuple on the connection itself, which the caller of a hit was about to touch anyway; at half load
 * linear probing reads about 1.5 connections for a hit and 2.5 for a miss. Not thread safe.
 */
final class ConnectionTable
{
    private TcpConnection[] values;
    private int mask;
    private int size;

    ConnectionTable(final int initialCapacity)
    {
        final int cap = Integer.highestOneBit(Math.max(16, initialCapacity) - 1) << 1;
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
            if (v.localIp == localIp && v.localPort == localPort && v.remoteIp == remoteIp &&
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
        insert(c);
    }

    private void insert(final TcpConnection c)
    {
        int i = hashOf(c) & mask;
        TcpConnection v;
        while ((v = values[i]) != null)
        {
            if (sameTuple(v, c))
            {
                values[i] = c;
                return;
            }
            i = (i + 1) & mask;
        }
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
                    final int home = hashOf(values[j]) & mask;
                    if (((j - home) & mask) >= ((j - i) & mask))
                    {
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
        final TcpConnection[] oldValues = values;
        values = new TcpConnection[cap];
        mask = cap - 1;
        size = 0;
        for (int i = 0; i < oldValues.length; i++)
        {
            if (oldValues[i] != null)
            {
                insert(oldValues[i]);
            }
        }
    }
}
