package dev.wirespeed.engine.tcp;

import java.util.Arrays;

/**
 * The free stack behind the endpoint's pools (range-set arrays, transfer states, buffer rings): idle objects kept for
 * reuse, last in first out, so a steady state allocates nothing; {@link #trim} lets what a burst left behind go to the
 * garbage collector and shrinks the stack itself back.
 * <p>
 * Not thread safe: one per pool.
 *
 * @param <T> what the pool lends.
 */
final class FreeStack<T>
{
    private static final int MIN_CAPACITY = 16;

    private Object[] items = new Object[MIN_CAPACITY];
    private int count;

    /**
     * The object pushed last, or null when the stack is empty.
     *
     * @return the object, or null.
     */
    @SuppressWarnings("unchecked")
    T pop()
    {
        if (count == 0)
        {
            return null;
        }
        final Object item = items[--count];
        items[count] = null;
        return (T)item;
    }

    /**
     * Keeps an idle object for the next {@link #pop}; the stack grows by doubling.
     *
     * @param item the object, not null.
     */
    void push(final T item)
    {
        if (count == items.length)
        {
            items = Arrays.copyOf(items, count * 2);
        }
        items[count++] = item;
    }

    /**
     * Idle objects held.
     *
     * @return the count.
     */
    int size()
    {
        return count;
    }

    /**
     * Keep at most {@code keep} idle objects; the rest go to the garbage collector, and a stack more than four times
     * larger than what it keeps shrinks to twice that (not below its initial 16).
     *
     * @param keep idle objects to keep; below 0 counts as 0.
     * @return objects dropped.
     */
    int trim(final int keep)
    {
        final int k = Math.max(0, keep);
        if (count <= k)
        {
            return 0;
        }
        final int dropped = count - k;
        Arrays.fill(items, k, count, null);
        count = k;
        if (items.length > MIN_CAPACITY && items.length > 4 * k)
        {
            items = Arrays.copyOf(items, Math.max(MIN_CAPACITY, 2 * k));
        }
        return dropped;
    }
}
