package dev.wirespeed.engine.runtime.internal;

import dev.wirespeed.bindings.Mbuf;
import dev.wirespeed.bindings.MbufView;
import dev.wirespeed.bindings.Mempool;
import dev.wirespeed.engine.runtime.MbufOps;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * {@link MbufOps} over real DPDK mbufs: copies come from {@code copyPool}.
 * <p>
 * Not thread safe: one per shard.
 */
public final class DpdkMbufOps implements MbufOps
{
    private final Mempool copyPool;
    private final MbufView source = new MbufView();
    private final MbufView target = new MbufView();

    public DpdkMbufOps(final Mempool copyPool)
    {
        this.copyPool = copyPool;
    }

    public void free(final long mbuf)
    {
        Mbuf.free(mbuf);
    }

    public long copy(final long mbuf)
    {
        final int length = Mbuf.dataLength(mbuf);
        final long copy = copyPool.alloc();
        if (copy == 0)
        {
            return 0;
        }
        final UnsafeBuffer dst = target.wrapForWrite(copy);
        if (dst.capacity() < length)
        {
            Mbuf.free(copy);
            return 0;
        }
        dst.putBytes(0, source.wrap(mbuf), 0, length);
        Mbuf.length(copy, length);
        return copy;
    }

    public int dataLength(final long mbuf)
    {
        return Mbuf.dataLength(mbuf);
    }

    public int getByte(final long mbuf, final int index)
    {
        return source.wrap(mbuf).getByte(index) & 0xFF;
    }

    public void xorByte(final long mbuf, final int index, final int mask)
    {
        final UnsafeBuffer data = source.wrap(mbuf);
        data.putByte(index, (byte)(data.getByte(index) ^ mask));
    }
}
