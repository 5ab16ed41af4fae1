package dev.wirespeed.bench.serve;

import java.util.ArrayList;

import org.agrona.collections.IntArrayList;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.concurrent.UnsafeBuffer;

/** A pool of {@value Services#MAX_HEADER}-byte header buffers, one lent to each HTTP connection while it lives. */
final class HeaderBuffers
{
    private final ArrayList<UnsafeBuffer> buffers = new ArrayList<>();
    private final IntArrayList free = new IntArrayList();

    UnsafeBuffer forConnection(final Long2LongHashMap indexById, final long id)
    {
        long index = indexById.get(id);
        if (index < 0)
        {
            if (free.isEmpty())
            {
                buffers.add(new UnsafeBuffer(new byte[Services.MAX_HEADER]));
                index = buffers.size() - 1;
            }
            else
            {
                index = free.removeAt(free.size() - 1);
            }
            indexById.put(id, index);
        }
        return buffers.get((int)index);
    }

    void release(final Long2LongHashMap indexById, final long id)
    {
        final long index = indexById.remove(id);
        if (index >= 0)
        {
            free.addInt((int)index);
        }
    }
}
