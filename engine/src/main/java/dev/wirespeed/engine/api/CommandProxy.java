package dev.wirespeed.engine.api;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBuffer;
import org.agrona.concurrent.ringbuffer.RecordDescriptor;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

import java.nio.ByteBuffer;

import static dev.wirespeed.engine.api.ApiMessages.*;

/**
 * Application side of one shard's command ring: encodes commands in place ({@code tryClaim}/{@code commit}) into a
 * {@link ManyToOneRingBuffer} that the shard's {@link CommandAdapter} drains. Layouts are in {@link ApiMessages}.
 * <p>
 * Thread safe: any number of application threads may share one proxy (the ring is many-to-one and the proxy keeps
 * no state of its own). Never blocks and never allocates. A full ring is backpressure: the command methods return
 * {@code false}, {@link #write} returns how many bytes it queued, and the caller retries later (after polling its
 * {@link EventAdapter}, so that the shard can make progress). Commands of one thread reach the shard in the order
 * they were queued; commands of different threads interleave at message granularity.
 * <p>
 * {@link #write} never takes the last {@link #CONTROL_RESERVE_COMMANDS} commands' worth of room (at most an eighth
 * of the ring): a {@link #shutdownOutput}, {@link #close} or {@link #abort} queued right after a write that filled
 * the ring still fits. Many writers sharing one ring make this a best effort.
 * <p>
 * With several shards, keep one proxy per shard and route by {@link ConnectionId#shardIndex(long)}.
 */
public final class CommandProxy
{
    /** Control commands that still fit after a write has taken all the room it may. */
    public static final int CONTROL_RESERVE_COMMANDS = 64;

    private final RingBuffer ring;
    private final AtomicBuffer buffer;
    private final int maxWriteChunk;
    /** Bytes of the ring that {@link #write} leaves free, for control commands. */
    private final int controlReserve;

    /**
     * A proxy over {@code commandRing}; any number of threads may share the ring, each with its own proxy or this one.
     *
     * @param commandRing the shard's command ring, read by its {@link CommandAdapter}.
     */
    public CommandProxy(final RingBuffer commandRing)
    {
        this.ring = commandRing;
        this.buffer = commandRing.buffer();
        this.maxWriteChunk = commandRing.maxMsgLength() - DATA_OFFSET;
        this.controlReserve = Math.min(commandRing.capacity() / 8,
            CONTROL_RESERVE_COMMANDS * recordLength(Math.max(ID_LENGTH, CONNECT_LENGTH)));
    }

    private static int recordLength(final int bodyLength)
    {
        return (RecordDescriptor.HEADER_LENGTH + bodyLength + RecordDescriptor.ALIGNMENT - 1) &
            -RecordDescriptor.ALIGNMENT;
    }

    /**
     * A command ring over {@code capacity} bytes (a power of two) of fresh direct memory.
     *
     * @param capacity ring capacity in bytes, a power of two.
     * @return the ring, its buffer {@code capacity} plus the ring trailer long.
     */
    public static ManyToOneRingBuffer newCommandRing(final int capacity)
    {
        return new ManyToOneRingBuffer(new UnsafeBuffer(
            ByteBuffer.allocateDirect(capacity + RingBufferDescriptor.TRAILER_LENGTH)));
    }

    /**
     * Largest {@code WRITE} message payload; longer writes are split into chunks of this size.
     *
     * @return bytes: the ring's max message length less the 8-byte connection id.
     */
    public int maxWriteChunk()
    {
        return maxWriteChunk;
    }

    /**
     * Active open from the shard's local address. The outcome arrives as {@link ConnectionListener#onConnected} or
     * {@link ConnectionListener#onConnectFailed} carrying {@code correlationId}.
     *
     * @param correlationId the caller's id for the attempt, carried back by the outcome.
     * @param remoteIp      the peer's IPv4 address, host-order int.
     * @param remotePort    the peer's TCP port, 1..65535.
     * @return false if the ring is full.
     */
    public boolean connect(final long correlationId, final int remoteIp, final int remotePort)
    {
        return connect(correlationId, 0, remoteIp, remotePort);
    }

    /**
     * Active open from {@code localIp} (0 = the shard's address).
     *
     * @param correlationId the caller's id for the attempt, carried back by the outcome.
     * @param localIp       one of the shard's IPv4 addresses as a host-order int, or 0 for its first.
     * @param remoteIp      the peer's IPv4 address, host-order int.
     * @param remotePort    the peer's TCP port, 1..65535.
     * @return false if the ring is full.
     */
    public boolean connect(final long correlationId, final int localIp, final int remoteIp, final int remotePort)
    {
        final int index = ring.tryClaim(CMD_CONNECT, CONNECT_LENGTH);
        if (index < 0)
        {
            return false;
        }
        final AtomicBuffer b = buffer;
        b.putLong(index + CONNECT_CORRELATION_ID_OFFSET, correlationId, BYTE_ORDER);
        b.putInt(index + CONNECT_REMOTE_IP_OFFSET, remoteIp, BYTE_ORDER);
        b.putInt(index + CONNECT_REMOTE_PORT_OFFSET, remotePort, BYTE_ORDER);
        b.putInt(index + CONNECT_LOCAL_IP_OFFSET, localIp, BYTE_ORDER);
        b.putInt(index + CONNECT_LOCAL_IP_OFFSET + 4, 0, BYTE_ORDER);
        ring.commit(index);
        return true;
    }

    /**
     * Accept connections on {@code port} of any local address; each arrives as {@link ConnectionListener#onAccepted}.
     *
     * @param port    TCP port, 1..65535.
     * @param backlog half-open connections queued at most.
     * @return false if the ring is full.
     */
    public boolean listen(final int port, final int backlog)
    {
        return listen(0, port, backlog);
    }

    /**
     * Accept connections on {@code port} of {@code localIp}; each arrives as {@link ConnectionListener#onAccepted}.
     *
     * @param localIp one of the shard's IPv4 addresses as a host-order int, or 0 for any.
     * @param port    TCP port, 1..65535.
     * @param backlog half-open connections queued at most.
     * @return false if the ring is full.
     */
    public boolean listen(final int localIp, final int port, final int backlog)
    {
        return idCommand(CMD_LISTEN, localIp & 0xFFFF_FFFFL, ints(port, backlog));
    }

    /**
     * Stop accepting on {@code port}; established connections stay open.
     *
     * @param port TCP port a listen named.
     * @return false if the ring is full.
     */
    public boolean unlisten(final int port)
    {
        return idCommand(CMD_UNLISTEN, 0, ints(port, 0));
    }

    /**
     * Queue {@code length} bytes for the connection, copied into the ring in chunks of at most
     * {@link #maxWriteChunk()}.
     *
     * @param connectionId the connection's {@link ConnectionId}.
     * @param src          the bytes.
     * @param offset       of the first byte in {@code src}.
     * @param length       bytes to write.
     * @return bytes queued: {@code length}, or fewer (possibly 0) when the ring filled up to its control reserve.
     * The rest is the caller's to offer again; whatever was queued is sent in order.
     */
    public int write(final long connectionId, final DirectBuffer src, final int offset, final int length)
    {
        int queued = 0;
        while (queued < length)
        {
            // what fits above the control reserve, after this record's header and connection id
            final int room = ring.capacity() - ring.size() - controlReserve - recordLength(DATA_OFFSET);
            final int chunk = Math.min(Math.min(length - queued, maxWriteChunk), room);
            if (chunk <= 0)
            {
                break;
            }
            final int index = ring.tryClaim(CMD_WRITE, DATA_OFFSET + chunk);
            if (index < 0)
            {
                break;
            }
            final AtomicBuffer b = buffer;
            b.putLong(index + DATA_CONNECTION_ID_OFFSET, connectionId, BYTE_ORDER);
            b.putBytes(index + DATA_OFFSET, src, offset + queued, chunk);
            ring.commit(index);
            queued += chunk;
        }
        return queued;
    }

    /**
     * Send FIN once everything written so far is sent; keep receiving.
     *
     * @param connectionId the connection's {@link ConnectionId}.
     * @return false if the ring is full.
     */
    public boolean shutdownOutput(final long connectionId)
    {
        return idCommand(CMD_SHUTDOWN_OUTPUT, connectionId, 0);
    }

    /**
     * Orderly close once everything written so far is sent. Like a socket closed with unread input, a connection
     * that still holds received bytes the application has not been given is reset instead.
     *
     * @param connectionId the connection's {@link ConnectionId}.
     * @return false if the ring is full.
     */
    public boolean close(final long connectionId)
    {
        return idCommand(CMD_CLOSE, connectionId, 0);
    }

    /**
     * Abortive close: RST now, queued bytes discarded.
     *
     * @param connectionId the connection's {@link ConnectionId}.
     * @return false if the ring is full.
     */
    public boolean abort(final long connectionId)
    {
        return idCommand(CMD_ABORT, connectionId, 0);
    }

    private boolean idCommand(final int msgTypeId, final long id, final long second)
    {
        final int index = ring.tryClaim(msgTypeId, ID_LENGTH);
        if (index < 0)
        {
            return false;
        }
        buffer.putLong(index + ID_OFFSET, id, BYTE_ORDER);
        buffer.putLong(index + A_OFFSET, second, BYTE_ORDER);
        ring.commit(index);
        return true;
    }
}
