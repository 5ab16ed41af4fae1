package dev.wirespeed.engine.runtime;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Fake mbufs for pure-Java tests: addresses are plain numbers, data is a byte array per address, and every free
 * is checked (a free of an unknown or already freed mbuf fails the test).
 */
final class FakeMbufs implements MbufOps
{
    final Map<Long, byte[]> live = new HashMap<>();
    final Set<Long> freed = new HashSet<>();
    long nextAddress = 0x1000;
    int copyBudget = Integer.MAX_VALUE;

    long alloc(final byte[] data)
    {
        final long a = nextAddress;
        nextAddress += 0x100;
        live.put(a, data);
        return a;
    }

    /** A frame of {@code fill} bytes with the IPv4 EtherType (bytes 12..13 = 0x0800). */
    long alloc(final int length, final int fill)
    {
        final byte[] d = new byte[length];
        java.util.Arrays.fill(d, (byte)fill);
        if (length >= 14)
        {
            d[12] = 0x08;
            d[13] = 0x00;
        }
        return alloc(d);
    }

    public void free(final long mbuf)
    {
        if (live.remove(mbuf) == null)
        {
            fail((freed.contains(mbuf) ? "double free of " : "free of unknown mbuf ") + Long.toHexString(mbuf));
        }
        freed.add(mbuf);
    }

    public long copy(final long mbuf)
    {
        if (copyBudget <= 0)
        {
            return 0;
        }
        copyBudget--;
        return alloc(data(mbuf).clone());
    }

    public int dataLength(final long mbuf)
    {
        return data(mbuf).length;
    }

    public int getByte(final long mbuf, final int index)
    {
        return data(mbuf)[index] & 0xFF;
    }

    public void xorByte(final long mbuf, final int index, final int mask)
    {
        data(mbuf)[index] ^= (byte)mask;
    }

    byte[] data(final long mbuf)
    {
        final byte[] d = live.get(mbuf);
        if (d == null)
        {
            fail("use of mbuf not live: " + Long.toHexString(mbuf));
        }
        return d;
    }
}
