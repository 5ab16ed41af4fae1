package dev.wirespeed.engine.api;

import dev.wirespeed.engine.tcp.TcpEndpoint;
import dev.wirespeed.engine.tcp.TcpHandler;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

import java.nio.ByteBuffer;
import java.util.Arrays;

import static dev.wirespeed.engine.api.ApiMessages.*;

/**
 * Shard side of the event path: the {@link TcpHandler} of a shard whose application runs on other threads. Each
 * callback is encoded in place into a {@link OneToOneRingBuffer} that the application's {@link EventAdapter} polls.
 * Layouts are in {@link ApiMessages}; connection ids are {@link ConnectionId}s.
 * <p>
 * <b>Received data</b> is copied into the ring in chunks of at most the ring's max message. When the ring is full
 * the proxy consumes less than it is offered (possibly nothing): TCP keeps the rest in the connection's receive
 * buffer, the advertised window shrinks, and the peer slows down. The connection is remembered as read-blocked; once
 * the ring has room for at least one full chunk again, {@link #doWork()} calls {@link TcpEndpoint#resumeReading}
 * for it (up to {@link #RESUME_LIMIT} connections per duty cycle, which reopens the window). Received bytes are
 * therefore never dropped and never reordered, and the ring's size plus the receive buffer bound the memory.
 * <p>
 * <b>Other events</b> are small (16 bytes). When the ring has no room for one, it joins a shard-local backlog
 * (kept in arrays that only grow under overload); while the backlog is not empty every later event queues behind it
 * and no data is taken, so the application sees events in the order TCP produced them. The backlog drains first in
 * {@link #doWork()}. A connection's {@code PEER_CLOSED} is held back while it has received bytes the application
 * has not been given (TCP reports the FIN at once; the API promises end of stream after the last byte).
 * <p>
 * <b>Connects</b> made through {@link CommandAdapter} carry the application's correlation id until they succeed
 * ({@code CONNECTED}) or fail ({@code CONNECT_FAILED} with the reason; no {@code CLOSED} follows, the application
 * never saw an id).
 * <p>
 * Wiring: construct the proxy, pass it to the {@link TcpEndpoint} as its handler, then construct the shard's
 * {@link CommandAdapter} with both; the adapter attaches the endpoint and runs {@link #doWork()} every duty cycle.
 * <p>
 * Not thread safe: shard thread only.
 */
public final class EventProxy implements TcpHandler
{
    /** Read-blocked connections resumed per duty cycle at most. */
    public static final int RESUME_LIMIT = 16;

    private static final byte CONNECTING = 1;
    private static final byte READ_BLOCKED = 2;
    private static final byte PEER_CLOSED_HELD = 4;
    private static final byte FAILED = 8;
    /** The slot is in {@link #blockedSlots}; survives a connection's end so that the list never holds a slot twice. */
    private static final byte IN_BLOCKED_LIST = 16;

    private final int shardIndex;
    private final RingBuffer ring;
    private final AtomicBuffer ringBuffer;
    private final int maxDataChunk;
    private final int resumeThreshold;
    private TcpEndpoint endpoint;

    // per endpoint slot: the id the flags belong to, its flags and connect correlation id
    private long[] slotIds;
    private byte[] slotFlags;
    private long[] correlationIds;

    private int[] blockedSlots = new int[64];
    private int blockedCount;

    // control events the ring had no room for, FIFO
    private int[] backlogTypes = new int[64];
    private long[] backlogIds = new long[64];
    private long[] backlogSeconds = new long[64];
    private int backlogHead;
    private int backlogCount;

    private long dataEvents;
    private long dataBytes;
    private long readBlocks;
    private long backloggedEvents;

    /**
     * The shard-thread side of the event ring: the {@link dev.wirespeed.engine.tcp.TcpHandler} of the shard's endpoint.
     *
     * @param shardIndex  put into every connection id ({@link ConnectionId}).
     * @param eventRing   the ring to the application (single producer: this proxy).
     * @param slotsHint   connection slots to size per-connection state for (grows on demand).
     */
    public EventProxy(final int shardIndex, final RingBuffer eventRing, final int slotsHint)
    {
        if (shardIndex < 0 || shardIndex >= ConnectionId.MAX_SHARDS)
        {
            throw new IllegalArgumentException("shardIndex " + shardIndex);
        }
        this.shardIndex = shardIndex;
        this.ring = eventRing;
        this.ringBuffer = eventRing.buffer();
        this.maxDataChunk = eventRing.maxMsgLength() - DATA_OFFSET;
        this.resumeThreshold = eventRing.maxMsgLength() + RECORD_HEADER_LENGTH;
        final int slots = Math.max(16, slotsHint);
        slotIds = new long[slots];
        Arrays.fill(slotIds, -1);
        slotFlags = new byte[slots];
        correlationIds = new long[slots];
    }

    /**
     * With per-connection state sized for 1024 slots at first.
     *
     * @param shardIndex put into every connection id ({@link ConnectionId}).
     * @param eventRing  the ring to the application (single producer: this proxy).
     */
    public EventProxy(final int shardIndex, final RingBuffer eventRing)
    {
        this(shardIndex, eventRing, 1024);
    }

    /**
     * An event ring over {@code capacity} bytes (a power of two) of fresh direct memory.
     *
     * @param capacity ring capacity in bytes, a power of two.
     * @return the ring, its buffer {@code capacity} plus the ring trailer long.
     */
    public static OneToOneRingBuffer newEventRing(final int capacity)
    {
        return new OneToOneRingBuffer(new UnsafeBuffer(
            ByteBuffer.allocateDirect(capacity + RingBufferDescriptor.TRAILER_LENGTH)));
    }

    /** The endpoint this proxy is the handler of (called by {@link CommandAdapter}'s constructor). */
    void endpoint(final TcpEndpoint endpoint)
    {
        this.endpoint = endpoint;
    }

    /**
     * The shard index in every connection id this proxy writes.
     *
     * @return 0..{@link ConnectionId#MAX_SHARDS} - 1.
     */
    public int shardIndex()
    {
        return shardIndex;
    }

    /**
     * DATA events written. Read on the shard thread, or after it stopped.
     *
     * @return the count since construction.
     */
    public long dataEvents()
    {
        return dataEvents;
    }

    /**
     * Stream bytes written into DATA events.
     *
     * @return bytes since construction.
     */
    public long dataBytes()
    {
        return dataBytes;
    }

    /**
     * Times a connection's data was left in TCP because the ring (or the backlog) was full.
     *
     * @return the count since construction.
     */
    public long readBlocks()
    {
        return readBlocks;
    }

    /**
     * Control events that waited in the backlog because the ring was full.
     *
     * @return the count since construction.
     */
    public long backloggedEvents()
    {
        return backloggedEvents;
    }

    /**
     * Connections whose data waits in TCP for room in the ring.
     *
     * @return the number of connections now.
     */
    public int readBlockedConnections()
    {
        return blockedCount;
    }

    /**
     * Control events waiting in the backlog for room in the ring now.
     *
     * @return the number of events.
     */
    public int backlogSize()
    {
        return backlogCount;
    }

    // ============================================================================================ duty cycle

    /**
     * Drains the backlog, then resumes reading on blocked connections while the ring has room. Run once per duty
     * cycle (by {@link CommandAdapter#doWork(long)}).
     *
     * @return work done (events written), 0 when idle.
     */
    public int doWork()
    {
        int work = 0;
        if (backlogCount > 0)
        {
            work += drainBacklog();
        }
        if (backlogCount == 0 && blockedCount > 0)
        {
            work += resumeBlocked();
        }
        return work;
    }

    private int drainBacklog()
    {
        int drained = 0;
        final int mask = backlogTypes.length - 1;
        while (backlogCount > 0)
        {
            final int i = backlogHead;
            if (!offer(backlogTypes[i], backlogIds[i], backlogSeconds[i]))
            {
                break;
            }
            backlogHead = (i + 1) & mask;
            backlogCount--;
            drained++;
        }
        if (backlogCount == 0)
        {
            backlogHead = 0;
        }
        return drained;
    }

    private int resumeBlocked()
    {
        int resumed = 0;
        int i = 0;
        while (i < blockedCount && resumed < RESUME_LIMIT && backlogCount == 0)
        {
            final int slot = blockedSlots[i];
            if ((slotFlags[slot] & READ_BLOCKED) != 0)
            {
                final long id = slotIds[slot];
                if (endpoint.unreadBytes(id) > 0)
                {
                    if (ring.capacity() - ring.size() < resumeThreshold)
                    {
                        break;
                    }
                    resumed++;
                    slotFlags[slot] &= ~READ_BLOCKED;
                    // offers the unread bytes again: onData either takes them all or sets READ_BLOCKED again
                    endpoint.resumeReading(id);
                    if (slotIds[slot] == id && (slotFlags[slot] & READ_BLOCKED) != 0)
                    {
                        i++;
                        continue;
                    }
                }
                else
                {
                    slotFlags[slot] &= ~READ_BLOCKED;
                }
                if (slotIds[slot] == id && (slotFlags[slot] & PEER_CLOSED_HELD) != 0)
                {
                    // every byte before the FIN is now in the ring
                    slotFlags[slot] &= ~PEER_CLOSED_HELD;
                    control(EVT_PEER_CLOSED, appId(id), 0);
                }
            }
            // no longer blocked (delivered, or the connection is gone): leave the list
            slotFlags[slot] &= ~IN_BLOCKED_LIST;
            blockedSlots[i] = blockedSlots[--blockedCount];
        }
        return resumed;
    }

    // ============================================================================ called by CommandAdapter

    /** A connect the adapter started: remember its correlation id until it is established or fails. */
    void connecting(final long id, final long correlationId)
    {
        final int slot = own(id);
        slotFlags[slot] |= CONNECTING;
        correlationIds[slot] = correlationId;
    }

    void connectFailed(final long correlationId, final int reason, final int errorCode)
    {
        control(EVT_CONNECT_FAILED, correlationId, ints(reason, errorCode));
    }

    void writeBlocked(final long id)
    {
        control(EVT_WRITE_BLOCKED, appId(id), 0);
    }

    void writable(final long id)
    {
        control(EVT_WRITABLE, appId(id), 0);
    }

    void commandFailed(final long connectionId, final int commandTypeId, final int errorCode)
    {
        control(EVT_COMMAND_FAILED, connectionId, ints(commandTypeId, errorCode));
    }

    long appId(final long id)
    {
        return ConnectionId.encode(shardIndex, id);
    }

    // ============================================================================================ TcpHandler

    public void onConnected(final long id)
    {
        final int slot = slot(id);
        if (flags(id) == 0 || (slotFlags[slot] & CONNECTING) == 0)
        {
            control(EVT_CONNECTED, NULL_CORRELATION_ID, appId(id));
            return;
        }
        slotFlags[slot] &= ~CONNECTING;
        control(EVT_CONNECTED, correlationIds[slot], appId(id));
    }

    public void onAccepted(final int listenerPort, final long id)
    {
        control(EVT_ACCEPTED, appId(id), ints(listenerPort, 0));
    }

    public int onData(final long id, final DirectBuffer buffer, final int offset, final int length)
    {
        if (backlogCount > 0)
        {
            readBlocked(id);
            return 0;
        }
        final RingBuffer ring = this.ring;
        final AtomicBuffer rb = ringBuffer;
        final long appId = appId(id);
        int consumed = 0;
        while (consumed < length)
        {
            final int chunk = Math.min(length - consumed, maxDataChunk);
            final int index = ring.tryClaim(EVT_DATA, DATA_OFFSET + chunk);
            if (index < 0)
            {
                break;
            }
            rb.putLong(index + DATA_CONNECTION_ID_OFFSET, appId, BYTE_ORDER);
            rb.putBytes(index + DATA_OFFSET, buffer, offset + consumed, chunk);
            ring.commit(index);
            consumed += chunk;
            dataEvents++;
        }
        dataBytes += consumed;
        if (consumed < length)
        {
            readBlocked(id);
        }
        return consumed;
    }

    /** Not forwarded: TCP's send buffer belongs to {@link CommandAdapter}, which reports {@code WRITABLE} itself. */
    public void onWritable(final long id)
    {
    }

    public void onPeerClosed(final long id)
    {
        if ((flags(id) & READ_BLOCKED) != 0)
        {
            slotFlags[slot(id)] |= PEER_CLOSED_HELD;
            return;
        }
        control(EVT_PEER_CLOSED, appId(id), 0);
    }

    public void onReset(final long id)
    {
        ended(id, EVT_RESET, CONNECT_REFUSED);
    }

    public void onTimeout(final long id)
    {
        ended(id, EVT_TIMEOUT, CONNECT_TIMED_OUT);
    }

    public void onClosed(final long id)
    {
        final int f = flags(id);
        if (f == 0)
        {
            control(EVT_CLOSED, appId(id), 0);
            return;
        }
        final int slot = slot(id);
        if ((f & CONNECTING) != 0)
        {
            connectFailed(correlationIds[slot], CONNECT_CLOSED, 0);
        }
        else if ((f & FAILED) == 0)
        {
            if ((f & PEER_CLOSED_HELD) != 0)
            {
                // closed after the last read (TcpEndpoint keeps an ended connection until its bytes are taken)
                if (endpoint.unreadBytes(id) <= 0)
                {
                    control(EVT_PEER_CLOSED, appId(id), 0);
                }
            }
            control(EVT_CLOSED, appId(id), 0);
        }
        // forget the connection; a slot still listed as blocked leaves the list at the next resume pass
        slotFlags[slot] &= IN_BLOCKED_LIST;
    }

    private void ended(final long id, final int event, final int connectReason)
    {
        final int f = flags(id);
        final int slot = slot(id);
        if ((f & CONNECTING) != 0)
        {
            slotFlags[slot] = (byte)((slotFlags[slot] & ~CONNECTING) | FAILED);
            connectFailed(correlationIds[slot], connectReason, 0);
            return;
        }
        if (f != 0)
        {
            // the unread bytes and a held PEER_CLOSED die with the connection
            slotFlags[slot] &= ~PEER_CLOSED_HELD;
        }
        control(event, appId(id), 0);
    }

    // ============================================================================================== internals

    private void readBlocked(final long id)
    {
        readBlocks++;
        final int slot = own(id);
        final byte f = slotFlags[slot];
        slotFlags[slot] = (byte)(f | READ_BLOCKED | IN_BLOCKED_LIST);
        if ((f & IN_BLOCKED_LIST) == 0)
        {
            if (blockedCount == blockedSlots.length)
            {
                blockedSlots = Arrays.copyOf(blockedSlots, blockedCount * 2);
            }
            blockedSlots[blockedCount++] = slot;
        }
    }

    private void control(final int msgTypeId, final long id, final long second)
    {
        if (backlogCount == 0 && offer(msgTypeId, id, second))
        {
            return;
        }
        backloggedEvents++;
        if (backlogCount == backlogTypes.length)
        {
            growBacklog();
        }
        final int i = (backlogHead + backlogCount) & (backlogTypes.length - 1);
        backlogTypes[i] = msgTypeId;
        backlogIds[i] = id;
        backlogSeconds[i] = second;
        backlogCount++;
    }

    private boolean offer(final int msgTypeId, final long id, final long second)
    {
        final int index = ring.tryClaim(msgTypeId, ID_LENGTH);
        if (index < 0)
        {
            return false;
        }
        ringBuffer.putLong(index + ID_OFFSET, id, BYTE_ORDER);
        ringBuffer.putLong(index + SECOND_ID_OFFSET, second, BYTE_ORDER);
        ring.commit(index);
        return true;
    }

    private void growBacklog()
    {
        final int n = backlogTypes.length;
        final int[] types = new int[n * 2];
        final long[] ids = new long[n * 2];
        final long[] seconds = new long[n * 2];
        for (int k = 0; k < backlogCount; k++)
        {
            final int i = (backlogHead + k) & (n - 1);
            types[k] = backlogTypes[i];
            ids[k] = backlogIds[i];
            seconds[k] = backlogSeconds[i];
        }
        backlogTypes = types;
        backlogIds = ids;
        backlogSeconds = seconds;
        backlogHead = 0;
    }

    private static int slot(final long id)
    {
        return (int)id;
    }

    /** This connection's flags, 0 when the proxy holds no state for it. */
    private int flags(final long id)
    {
        final int slot = (int)id;
        return slot < slotIds.length && slotIds[slot] == id ? slotFlags[slot] & ~IN_BLOCKED_LIST : 0;
    }

    /** The slot of {@code id}, claimed for it: state of an earlier connection in the slot is forgotten. */
    private int own(final long id)
    {
        final int slot = (int)id;
        if (slot >= slotIds.length)
        {
            final int n = Math.max(slot + 1, slotIds.length * 2);
            final int old = slotIds.length;
            slotIds = Arrays.copyOf(slotIds, n);
            Arrays.fill(slotIds, old, n, -1);
            slotFlags = Arrays.copyOf(slotFlags, n);
            correlationIds = Arrays.copyOf(correlationIds, n);
        }
        if (slotIds[slot] != id)
        {
            slotIds[slot] = id;
            slotFlags[slot] &= IN_BLOCKED_LIST;
        }
        return slot;
    }
}
