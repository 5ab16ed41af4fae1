package dev.wirespeed.apps.nic;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

import dev.wirespeed.bindings.EthPort;
import dev.wirespeed.bindings.Mbuf;
import dev.wirespeed.bindings.MbufBurst;
import dev.wirespeed.bindings.Mempool;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * One generator stream: sends test frames on one TX queue of a port, evenly paced. The headers of every size in the
 * pattern are built once; per frame the 42 header bytes are copied into a fresh mbuf and only the sequence number,
 * the timestamp and the stream id are written (as testpmd's txonly mode does). The copy is nine fixed-width stores
 * through one memory segment, with one room check per frame: with a bounds-checked byte-buffer view on every store
 * the same loop ran at 43-66 Mpps on net_null instead of 78-80 (bench/README.md, generator section).
 * <p>
 * Pacing: frame {@code n} is due at {@code start + n / rate} and carries that time as its timestamp (so a frame
 * sent late, in catch-up mode, still says when it was due: latency counts from there, as wrk2 does against
 * coordinated omission); each {@link #doWork()} sends the frames that are due,
 * at most one burst, and never one ahead of its time, so the rate is never exceeded over any interval longer than a
 * burst. When the stream falls more than a burst behind (the thread was descheduled), the missed slots are dropped
 * from the schedule and counted ({@link #skipped()}) instead of being sent late as a burst above the rate; in
 * {@link #catchUp(boolean) catch-up} mode (bursts of a fixed length) they are sent as fast as the port takes them.
 * With rate 0 the stream sends as fast as the port takes frames.
 * <p>
 * Allocates nothing after construction. Not thread safe: one thread per stream.
 */
public final class TxStream
{
    private static final int WORDS = 6;
    private static final MemorySegment ALL = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);
    private static final ValueLayout.OfLong WORD = ValueLayout.JAVA_LONG_UNALIGNED;
    private static final ValueLayout.OfShort HALF = ValueLayout.JAVA_SHORT_UNALIGNED;
    private static final ValueLayout.OfLong LE_LONG = WORD.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort LE_SHORT = HALF.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final EthPort port;
    private final int queue;
    private final int stream;
    private final Mempool pool;
    private final MbufBurst burst;
    /** Per size in the pattern: the 42 header bytes as five longs and a trailing short (native order). */
    private final long[] headerWords;
    private final int[] sizes;
    private final PacketClock clock;
    private int sizeIndex;
    private double periodNs;
    private long startNs;
    private long scheduled;
    private long limit = Long.MAX_VALUE;
    private boolean catchUp;
    private long nextSeq;
    private long sent;
    private long sentBytes;
    private long skipped;
    private long txFull;
    private long markFlags;
    private long markedSeq = -1;

    /**
     * A stream of test frames on one TX queue, paced by a schedule.
     *
     * @param arena  owns the header templates and the burst array (engine lifetime).
     * @param sizes  frame sizes sent in turn (FCS included), e.g. {@code {64}} or {@link TestFrame#IMIX}.
     * @param stream id written into each frame (and the UDP source port is 1024 + stream).
     * @param port   the sending port, started.
     * @param queue  the TX queue.
     * @param srcMac source MAC, 48 bits in the low bytes.
     * @param dstMac destination MAC, 48 bits in the low bytes.
     * @param clock  the schedule's clock; each frame carries its due time in it.
     */
    public TxStream(final Arena arena, final EthPort port, final int queue, final int stream, final int[] sizes,
        final long srcMac, final long dstMac, final PacketClock clock)
    {
        this.port = port;
        this.queue = queue;
        this.stream = stream;
        this.pool = port.mempool();
        this.burst = new MbufBurst(arena, MbufBurst.DEFAULT_CAPACITY);
        this.sizes = sizes.clone();
        this.clock = clock;
        this.headerWords = new long[sizes.length * WORDS];
        final UnsafeBuffer header = new UnsafeBuffer(new byte[TestFrame.HEADER_LENGTH]);
        for (int i = 0; i < sizes.length; i++)
        {
            TestFrame.writeHeader(header, sizes[i], srcMac, dstMac, TestFrame.TESTER_IP, TestFrame.REFLECTOR_IP,
                1024 + stream);
            for (int w = 0; w < WORDS - 1; w++)
            {
                headerWords[i * WORDS + w] = header.getLong(w * Long.BYTES, ByteOrder.nativeOrder());
            }
            headerWords[i * WORDS + WORDS - 1] = header.getShort((WORDS - 1) * Long.BYTES, ByteOrder.nativeOrder());
        }
    }

    /**
     * Starts a new schedule now: {@code pps} frames per second (0 = as fast as possible), at most {@code frames}
     * frames (Long.MAX_VALUE = no limit). Counters keep counting; sequence numbers keep rising.
     *
     * @param pps    frames per second, 0 for as fast as possible.
     * @param frames frames to send at most.
     */
    public void start(final double pps, final long frames)
    {
        this.periodNs = pps > 0 ? 1e9 / pps : 0;
        this.limit = frames;
        this.scheduled = 0;
        this.startNs = clock.nowNs();
    }

    /**
     * In catch-up mode frames that fell behind are sent late instead of being skipped.
     *
     * @param on true for catch-up mode.
     */
    public void catchUp(final boolean on)
    {
        this.catchUp = on;
    }

    /**
     * True when the schedule's frame limit has been sent.
     *
     * @return true when done.
     */
    public boolean done()
    {
        return scheduled >= limit && burst.size() == 0;
    }

    /**
     * Sends what is due. Returns frames handed to the port.
     *
     * @return the count.
     */
    public int doWork()
    {
        final MbufBurst b = burst;
        if (b.size() == 0)
        {
            final long nowNs = clock.nowNs();
            int due;
            if (periodNs == 0)
            {
                due = b.capacity();
            }
            else
            {
                final long dueTotal = (long)((nowNs - startNs) / periodNs) + 1;
                long behind = dueTotal - scheduled;
                if (behind > b.capacity() && !catchUp)
                {
                    skipped += behind - b.capacity();
                    scheduled = dueTotal - b.capacity();
                    behind = b.capacity();
                }
                due = (int)Math.min(behind, b.capacity());
            }
            due = (int)Math.min(due, limit - scheduled);
            if (due <= 0 || !pool.allocBulk(b, due))
            {
                return 0;
            }
            final long slot0 = scheduled;
            scheduled += due;
            build(b, due, nowNs, slot0);
        }
        final int n = port.txBurst(queue, b);
        sent += n;
        if (b.size() > 0)
        {
            txFull++;
        }
        return n;
    }

    /** Writes frames {@code 0..due} of the burst; a method of its own so the JIT compiles it apart from the loop. */
    private void build(final MbufBurst b, final int due, final long nowNs, final long slot0)
    {
        final long[] words = headerWords;
        for (int i = 0; i < due; i++)
        {
            // the frame's scheduled send time (wrk2-style: a late frame's latency counts from when it was due)
            final long stampNs = periodNs == 0 ? nowNs : startNs + (long)((slot0 + i) * periodNs);
            final long m = b.get(i);
            final int size = sizes[sizeIndex];
            final int w = sizeIndex * WORDS;
            if (++sizeIndex == sizes.length)
            {
                sizeIndex = 0;
            }
            if (Mbuf.tailroomFromData(m) < size - TestFrame.FCS)
            {
                throw new IllegalStateException("mbuf data room " + Mbuf.tailroomFromData(m) + " < frame " + size);
            }
            final long a = Mbuf.dataAddress(m);
            ALL.set(WORD, a, words[w]);
            ALL.set(WORD, a + 8, words[w + 1]);
            ALL.set(WORD, a + 16, words[w + 2]);
            ALL.set(WORD, a + 24, words[w + 3]);
            ALL.set(WORD, a + 32, words[w + 4]);
            ALL.set(HALF, a + 40, (short)words[w + 5]);
            ALL.set(LE_LONG, a + TestFrame.SEQ_OFFSET, nextSeq++);
            ALL.set(LE_LONG, a + TestFrame.TIMESTAMP_OFFSET, stampNs);
            ALL.set(LE_SHORT, a + TestFrame.STREAM_OFFSET, (short)stream);
            if (markFlags != 0)
            {
                Mbuf.offloadFlags(m, Mbuf.offloadFlags(m) | markFlags);
                markedSeq = nextSeq - 1;
                markFlags = 0;
            }
            Mbuf.length(m, size - TestFrame.FCS);
            sentBytes += size;
        }
    }

    /**
     * Frees frames the port did not take yet (end of a run, or between trials). Returns how many.
     *
     * @return frames freed.
     */
    public int discardPending()
    {
        final MbufBurst b = burst;
        final int n = b.size();
        for (int i = 0; i < n; i++)
        {
            sentBytes -= Mbuf.dataLength(b.get(i)) + TestFrame.FCS;
        }
        b.freeAll();
        return n;
    }

    /**
     * Sets {@code flags} (e.g. {@code RTE_MBUF_F_TX_IEEE1588_TMST}) on the next frame built only;
     * {@link #markedSequence()} then tells its sequence number.
     *
     * @param flags {@code ol_flags} bits.
     */
    public void markNext(final long flags)
    {
        this.markFlags = flags;
        this.markedSeq = -1;
    }

    /**
     * Sequence number of the last frame marked by {@link #markNext}, or -1 while it is not built yet.
     *
     * @return the sequence number, or -1.
     */
    public long markedSequence()
    {
        return markedSeq;
    }

    /** Forgets the mark (a pending one and the last marked sequence). */
    public void clearMark()
    {
        this.markFlags = 0;
        this.markedSeq = -1;
    }

    /**
     * Sequence number the next frame gets.
     *
     * @return the sequence number.
     */
    public long nextSequence()
    {
        return nextSeq;
    }

    /**
     * Frames the port took.
     *
     * @return the count.
     */
    public long sent()
    {
        return sent;
    }

    /**
     * Bytes of the frames built (FCS included), minus those discarded unsent.
     *
     * @return bytes.
     */
    public long sentBytes()
    {
        return sentBytes;
    }

    /**
     * Schedule slots dropped because the thread fell more than a burst behind.
     *
     * @return the count.
     */
    public long skipped()
    {
        return skipped;
    }

    /**
     * Times the TX queue was full.
     *
     * @return the count.
     */
    public long txFull()
    {
        return txFull;
    }

    /**
     * The TX queue the stream sends on.
     *
     * @return the queue index.
     */
    public int queue()
    {
        return queue;
    }

    /**
     * The stream id written into each frame.
     *
     * @return the id.
     */
    public int stream()
    {
        return stream;
    }
}
