package dev.wirespeed.engine.tcp;

/**
 * The slots of the connections in use, densely packed, so that whatever must visit every live connection (shutdown)
 * costs O(live), not O(every slot the pool ever made). Add and remove are O(1): a removal moves the last entry
 * into the hole, so a visitor that may remove the entry it is on walks from the end down ({@link #get}).
 * <p>
 * Not thread safe: one per endpoint.
 */
final class LiveSlots
{
    private int[] slots = new int[TcpEndpoint.INITIAL_SLOTS];
    /** Per slot: its index in {@link #slots}, or -1. */
    private int[] index = new int[TcpEndpoint.INITIAL_SLOTS];
    private int size;

    LiveSlots()
    {
        java.util.Arrays.fill(index, -1);
    }

    void add(final int slot)
    {
        if (slot >= index.length)
        {
            final int old = index.length;
            index = java.util.Arrays.copyOf(index, Math.max(slot + 1, TcpEndpoint.grownSlots(old)));
            java.util.Arrays.fill(index, old, index.length, -1);
        }
        if (index[slot] >= 0)
        {
            return;
        }
        if (size == slots.length)
        {
            slots = java.util.Arrays.copyOf(slots, TcpEndpoint.grownSlots(size));
        }
        slots[size] = slot;
        index[slot] = size++;
    }

    void remove(final int slot)
    {
        final int i = slot < index.length ? index[slot] : -1;
        if (i < 0)
        {
            return;
        }
        final int last = slots[--size];
        slots[i] = last;
        index[last] = i;
        index[slot] = -1;
    }

    int size()
    {
        return size;
    }

    /** The slot at {@code i} (0 &le; i &lt; {@link #size}). */
    int get(final int i)
    {
        return slots[i];
    }
}
