package dev.wirespeed.bindings;

import org.agrona.concurrent.UnsafeBuffer;

/**
 * A reusable zero-copy view of one mbuf's packet data as an Agrona {@link UnsafeBuffer}: {@link #wrap(long)}
 * points it at an mbuf's own memory (no copy, no allocation). Reads and writes go straight to the mbuf.
 * Bounds are the data length (for reading a received frame) or, with {@link #wrapForWrite(long)}, the whole
 * room after the data start (for building a frame).
 * <p>
 * Not thread safe; one per thread.
 */
public final class MbufView
{
    /**
     * A view wrapping no mbuf yet; wrap one per use.
     */
    public MbufView()
    {
    }

    private final UnsafeBuffer buffer = new UnsafeBuffer(0, 0);
    private long mbuf;

    /**
     * Views the packet data of {@code mbuf}: [data start, data start + data length).
     *
     * @param mbuf the mbuf's address.
     * @return the view, reused by the next wrap.
     */
    public UnsafeBuffer wrap(final long mbuf)
    {
        this.mbuf = mbuf;
        buffer.wrap(Mbuf.dataAddress(mbuf), Mbuf.dataLength(mbuf));
        return buffer;
    }

    /**
     * Views [data start, end of buffer) for writing a frame; set the length with {@link Mbuf#length}.
     *
     * @param mbuf the mbuf's address.
     * @return the view, reused by the next wrap.
     */
    public UnsafeBuffer wrapForWrite(final long mbuf)
    {
        this.mbuf = mbuf;
        buffer.wrap(Mbuf.dataAddress(mbuf), Mbuf.tailroomFromData(mbuf));
        return buffer;
    }

    /**
     * The view the last wrap returned.
     *
     * @return the buffer, reused by every wrap.
     */
    public UnsafeBuffer buffer()
    {
        return buffer;
    }

    /**
     * Address of the mbuf currently viewed.
     *
     * @return the address, 0 before the first wrap.
     */
    public long mbuf()
    {
        return mbuf;
    }
}
