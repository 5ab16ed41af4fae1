package dev.wirespeed.engine.api;

import dev.wirespeed.engine.runtime.ShardDuty;
import dev.wirespeed.engine.tcp.TcpEndpoint;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.ControlledMessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.RingBuffer;

import java.util.Arrays;

import static dev.wirespeed.engine.api.ApiMessages.*;
import static org.agrona.concurrent.ControlledMessageHandler.Action.ABORT;
import static org.agrona.concurrent.ControlledMessageHandler.Action.CONTINUE;

/**
 * Shard side of the command path: a {@link ShardDuty} that drains up to {@code commandLimit} commands per duty cycle
 * from the shard's command ring (filled by {@link CommandProxy}s) and applies them to the {@link TcpEndpoint}.
 * Layouts are in {@link ApiMessages}. Each cycle it first runs the {@link EventProxy}'s work (its backlog, resumed
 * reads), then retries parked writes, then drains commands; the endpoint's dispatch later in the same cycle sends
 * what they produced.
 * <p>
 * <b>Writes and head-of-line blocking.</b> {@link TcpEndpoint#write} may accept only part of a WRITE (the
 * connection's send buffer is full). The rest is copied into a per-connection <em>parked</em> buffer (pooled, of
 * {@code parkCapacity} bytes, at least one full WRITE) and the application hears {@code WRITE_BLOCKED}; the adapter
 * keeps draining, so other connections' commands are not held up. Parked bytes are offered to the endpoint again
 * every cycle; when they are all in TCP's send buffer the application hears {@code WRITABLE}. Later WRITEs to a
 * connection with parked bytes are appended behind them while they fit; {@code SHUTDOWN_OUTPUT} and {@code CLOSE}
 * wait until its parked bytes are sent (so the FIN follows the last byte); {@code ABORT} discards them.
 * <p>
 * The trade-off: when a WRITE does not fit behind a connection's parked bytes, the adapter stops draining
 * ({@code controlledRead} ABORT; the message stays at the head of the ring, nothing of it written) until that
 * connection's peer acknowledges enough data. That stalls every later command on this shard — head-of-line
 * blocking, bounded by one connection's ACK clock, and with a peer that never opens its window, indefinitely. It
 * never loses or reorders a byte and bounds shard memory to the ring plus one parked buffer per blocked connection.
 * Applications that drive many connections from one shard avoid it by pausing writes to a connection between
 * {@code WRITE_BLOCKED} and {@code WRITABLE}; a single bulk writer may simply ignore the two events and let the full
 * command ring ({@link CommandProxy#write} returning less) pace it.
 * <p>
 * Commands on connections that are already gone are ignored (their {@code CLOSED}, {@code RESET} or
 * {@code TIMEOUT} event is on its way, or was delivered); other failures are reported as {@code COMMAND_FAILED}.
 * <p>
 * Not thread safe: shard thread only.
 */
public final class CommandAdapter implements ShardDuty, ControlledMessageHandler
{
    /** Default commands applied per duty cycle. */
    public static final int DEFAULT_COMMAND_LIMIT = 64;
    /**
     * Largest {@code maxConnections} an endpoint may have: retired connections keep their slot until the next
     * dispatch, so slots can reach twice the table size, and {@link ConnectionId} holds 2^24 slots.
     */
    public static final int MAX_CONNECTIONS = ConnectionId.MAX_SLOTS / 2;

    /** Bytes of one connection waiting for room in TCP's send buffer. */
    private static final class Parked
    {
        final byte[] bytes;
        final UnsafeBuffer view;
        long id;
        int head;
        int tail;
        boolean shutdownQueued;
        boolean closeQueued;

        Parked(final int capacity)
        {
            bytes = new byte[capacity];
            view = new UnsafeBuffer(bytes);
        }

        int length()
        {
            return tail - head;
        }
    }

    private final int shardIndex;
    private final TcpEndpoint endpoint;
    private final RingBuffer ring;
    private final EventProxy events;
    private final int localIp;
    private final int commandLimit;
    private final int parkCapacity;

    private Parked[] parkedBySlot;
    private Parked[] parked = new Parked[16];
    private int parkedCount;
    private Parked[] pool = new Parked[16];
    private int poolCount;

    private long nowNs;
    private long commands;
    private long writesParked;
    private long headOfLineStalls;
    private long commandsFailed;

    /**
     * Applies the commands of {@code commandRing} to the shard's endpoint. Constructed on any thread, then run by the
     * shard thread only.
     *
     * @param shardIndex   this shard's index, as in the {@link ConnectionId}s of its connections.
     * @param endpoint     the shard's endpoint, constructed with {@code events} as its handler.
     * @param commandRing  the ring {@link CommandProxy}s write into.
     * @param events       the endpoint's handler; this adapter attaches the endpoint to it and runs its work.
     * @param localIp      the address active opens use when a CONNECT names none.
     * @param commandLimit commands applied per duty cycle at most.
     * @param parkCapacity bytes parked per connection at most (raised to the ring's max message if smaller).
     */
    public CommandAdapter(
        final int shardIndex,
        final TcpEndpoint endpoint,
        final RingBuffer commandRing,
        final EventProxy events,
        final int localIp,
        final int commandLimit,
        final int parkCapacity)
    {
        if (events.shardIndex() != shardIndex)
        {
            throw new IllegalArgumentException("event proxy of shard " + events.shardIndex() + ", not " + shardIndex);
        }
        if (endpoint.config().maxConnections > MAX_CONNECTIONS)
        {
            throw new IllegalArgumentException("maxConnections " + endpoint.config().maxConnections +
                " > " + MAX_CONNECTIONS + ": connection ids hold 2^" + ConnectionId.SLOT_BITS + " slots per shard");
        }
        this.shardIndex = shardIndex;
        this.endpoint = endpoint;
        this.ring = commandRing;
        this.events = events;
        this.localIp = localIp;
        this.commandLimit = commandLimit;
        this.parkCapacity = Math.max(parkCapacity, commandRing.maxMsgLength());
        this.parkedBySlot = new Parked[1024];
        events.endpoint(endpoint);
    }

    /**
     * With {@link #DEFAULT_COMMAND_LIMIT} commands per duty cycle and the ring's max message as the park capacity.
     *
     * @param shardIndex  this shard's index, as in the {@link ConnectionId}s of its connections.
     * @param endpoint    the shard's endpoint, constructed with {@code events} as its handler.
     * @param commandRing the ring {@link CommandProxy}s write into.
     * @param events      the endpoint's handler; this adapter attaches the endpoint to it and runs its work.
     * @param localIp     the address active opens use when a CONNECT names none.
     */
    public CommandAdapter(
        final int shardIndex, final TcpEndpoint endpoint, final RingBuffer commandRing, final EventProxy events,
        final int localIp)
    {
        this(shardIndex, endpoint, commandRing, events, localIp, DEFAULT_COMMAND_LIMIT, 0);
    }

    /**
     * Commands applied. Read on the shard thread, or after it stopped.
     *
     * @return the count since construction.
     */
    public long commands()
    {
        return commands;
    }

    /**
     * WRITEs whose tail had to be parked because TCP's send buffer was full.
     *
     * @return the count since construction.
     */
    public long writesParked()
    {
        return writesParked;
    }

    /**
     * Times draining stopped at a WRITE that did not fit behind its connection's parked bytes.
     *
     * @return the count since construction.
     */
    public long headOfLineStalls()
    {
        return headOfLineStalls;
    }

    /**
     * Commands refused with {@link ApiMessages#EVT_COMMAND_FAILED} or {@link ApiMessages#EVT_CONNECT_FAILED}.
     *
     * @return the count since construction.
     */
    public long commandsFailed()
    {
        return commandsFailed;
    }

    /**
     * Connections with parked bytes now.
     *
     * @return the number of connections, 0 when no write waits.
     */
    public int parkedConnections()
    {
        return parkedCount;
    }

    public int doWork(final long nowNs)
    {
        this.nowNs = nowNs;
        int work = events.doWork();
        if (parkedCount > 0)
        {
            work += retryParked();
        }
        return work + ring.controlledRead(this, commandLimit);
    }

    public Action onMessage(final int msgTypeId, final MutableDirectBuffer buffer, final int index, final int length)
    {
        switch (msgTypeId)
        {
            case CMD_WRITE:
                return onWrite(buffer.getLong(index + DATA_CONNECTION_ID_OFFSET, BYTE_ORDER),
                    buffer, index + DATA_OFFSET, length - DATA_OFFSET);

            case CMD_CONNECT:
                onConnect(buffer, index);
                break;

            case CMD_CLOSE:
            case CMD_SHUTDOWN_OUTPUT:
            case CMD_ABORT:
                onEnd(msgTypeId, buffer.getLong(index + ID_OFFSET, BYTE_ORDER));
                break;

            case CMD_LISTEN:
                endpoint.listen((int)buffer.getLong(index + ID_OFFSET, BYTE_ORDER),
                    buffer.getInt(index + A_OFFSET, BYTE_ORDER), buffer.getInt(index + B_OFFSET, BYTE_ORDER));
                break;

            case CMD_UNLISTEN:
                endpoint.unlisten(buffer.getInt(index + A_OFFSET, BYTE_ORDER));
                break;

            default:
                failed(0, msgTypeId, ERR_UNKNOWN_COMMAND);
                break;
        }
        commands++;
        return CONTINUE;
    }

    // ============================================================================================== commands

    private void onConnect(final DirectBuffer buffer, final int index)
    {
        final long correlationId = buffer.getLong(index + CONNECT_CORRELATION_ID_OFFSET, BYTE_ORDER);
        final int remoteIp = buffer.getInt(index + CONNECT_REMOTE_IP_OFFSET, BYTE_ORDER);
        final int remotePort = buffer.getInt(index + CONNECT_REMOTE_PORT_OFFSET, BYTE_ORDER);
        final int requestedIp = buffer.getInt(index + CONNECT_LOCAL_IP_OFFSET, BYTE_ORDER);
        final long id = endpoint.connect(nowNs, requestedIp != 0 ? requestedIp : localIp, remoteIp, remotePort);
        if (id < 0)
        {
            events.connectFailed(correlationId, CONNECT_ERROR, (int)id);
        }
        else
        {
            events.connecting(id, correlationId);
        }
    }

    private Action onWrite(final long connectionId, final DirectBuffer buffer, final int offset, final int length)
    {
        if (ConnectionId.shardIndex(connectionId) != shardIndex)
        {
            failed(connectionId, CMD_WRITE, ERR_WRONG_SHARD);
            commands++;
            return CONTINUE;
        }
        final long id = ConnectionId.endpointId(connectionId);
        final Parked p = parked(id);
        if (p != null)
        {
            if (p.shutdownQueued || p.closeQueued)
            {
                failed(connectionId, CMD_WRITE, (int)TcpEndpoint.ERR_OUTPUT_SHUTDOWN);
                commands++;
                return CONTINUE;
            }
            if (flush(p))
            {
                return onWrite(connectionId, buffer, offset, length);
            }
            if (p.bytes.length - p.length() < length)
            {
                // does not fit behind the parked bytes: leave it at the head of the ring (head-of-line)
                headOfLineStalls++;
                return ABORT;
            }
            append(p, buffer, offset, length);
            commands++;
            return CONTINUE;
        }
        final int n = endpoint.write(id, buffer, offset, length);
        if (n < 0)
        {
            failed(connectionId, CMD_WRITE, n);
        }
        else if (n < length)
        {
            final Parked q = park(id);
            append(q, buffer, offset + n, length - n);
            writesParked++;
            events.writeBlocked(id);
        }
        commands++;
        return CONTINUE;
    }

    private void onEnd(final int msgTypeId, final long connectionId)
    {
        if (ConnectionId.shardIndex(connectionId) != shardIndex)
        {
            failed(connectionId, msgTypeId, ERR_WRONG_SHARD);
            return;
        }
        final long id = ConnectionId.endpointId(connectionId);
        final Parked p = parked(id);
        if (p != null)
        {
            switch (msgTypeId)
            {
                case CMD_SHUTDOWN_OUTPUT:
                    p.shutdownQueued = true;
                    return;
                case CMD_CLOSE:
                    p.closeQueued = true;
                    return;
                default:
                    unpark(p);
                    break;
            }
        }
        apply(msgTypeId, id);
    }

    private void apply(final int msgTypeId, final long id)
    {
        final int result = switch (msgTypeId)
        {
            case CMD_SHUTDOWN_OUTPUT -> endpoint.shutdownOutput(id);
            case CMD_CLOSE -> endpoint.close(id);
            default -> endpoint.abort(id);
        };
        if (result < 0)
        {
            failed(events.appId(id), msgTypeId, result);
        }
    }

    private void failed(final long connectionId, final int msgTypeId, final int errorCode)
    {
        if (errorCode == TcpEndpoint.ERR_INVALID_ID)
        {
            // the connection is gone: the application has its CLOSED (or will have it shortly)
            return;
        }
        commandsFailed++;
        events.commandFailed(connectionId, msgTypeId, errorCode);
    }

    // ================================================================================================ parking

    private int retryParked()
    {
        int work = 0;
        int i = 0;
        while (i < parkedCount)
        {
            final Parked p = parked[i];
            final int before = p.length();
            if (flush(p))
            {
                work++;
                // unpark moved the last entry into i
                continue;
            }
            if (p.length() < before)
            {
                work++;
            }
            i++;
        }
        return work;
    }

    /**
     * Offers the parked bytes to TCP. When they are all taken: queued SHUTDOWN_OUTPUT/CLOSE are applied,
     * {@code WRITABLE} is reported, and the buffer goes back to the pool.
     *
     * @return true if {@code p} was unparked.
     */
    private boolean flush(final Parked p)
    {
        final int n = endpoint.write(p.id, p.view, p.head, p.length());
        if (n < 0)
        {
            failed(events.appId(p.id), CMD_WRITE, n);
            unpark(p);
            return true;
        }
        p.head += n;
        if (p.length() > 0)
        {
            return false;
        }
        final long id = p.id;
        final boolean shutdown = p.shutdownQueued;
        final boolean close = p.closeQueued;
        unpark(p);
        events.writable(id);
        if (shutdown)
        {
            apply(CMD_SHUTDOWN_OUTPUT, id);
        }
        if (close)
        {
            apply(CMD_CLOSE, id);
        }
        return true;
    }

    private void append(final Parked p, final DirectBuffer src, final int offset, final int length)
    {
        if (p.bytes.length - p.tail < length)
        {
            final int n = p.length();
            System.arraycopy(p.bytes, p.head, p.bytes, 0, n);
            p.head = 0;
            p.tail = n;
        }
        src.getBytes(offset, p.bytes, p.tail, length);
        p.tail += length;
    }

    private Parked parked(final long id)
    {
        final int slot = (int)id;
        if (slot >= parkedBySlot.length)
        {
            return null;
        }
        final Parked p = parkedBySlot[slot];
        if (p == null)
        {
            return null;
        }
        if (p.id != id)
        {
            // left behind by an earlier connection in this slot that ended
            unpark(p);
            return null;
        }
        return p;
    }

    private Parked park(final long id)
    {
        final int slot = (int)id;
        if (slot >= parkedBySlot.length)
        {
            parkedBySlot = Arrays.copyOf(parkedBySlot, Math.max(slot + 1, parkedBySlot.length * 2));
        }
        final Parked p = poolCount > 0 ? pool[--poolCount] : new Parked(parkCapacity);
        p.id = id;
        p.head = 0;
        p.tail = 0;
        p.shutdownQueued = false;
        p.closeQueued = false;
        parkedBySlot[slot] = p;
        if (parkedCount == parked.length)
        {
            parked = Arrays.copyOf(parked, parkedCount * 2);
        }
        parked[parkedCount++] = p;
        return p;
    }

    private void unpark(final Parked p)
    {
        final int slot = (int)p.id;
        if (parkedBySlot[slot] == p)
        {
            parkedBySlot[slot] = null;
        }
        for (int i = 0; i < parkedCount; i++)
        {
            if (parked[i] == p)
            {
                parked[i] = parked[--parkedCount];
                parked[parkedCount] = null;
                break;
            }
        }
        if (poolCount == pool.length)
        {
            pool = Arrays.copyOf(pool, poolCount * 2);
        }
        pool[poolCount++] = p;
    }
}
