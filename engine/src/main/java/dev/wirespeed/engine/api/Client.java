package dev.wirespeed.engine.api;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;

import dev.wirespeed.engine.runtime.LocalAddresses;
import dev.wirespeed.engine.wire.Ipv4Header;
import java.util.function.IntSupplier;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.RingBuffer;

/**
 * What an application thread uses to run TCP on an engine: listen, connect, write, shut down, close and abort
 * (commands, from any thread), and {@link #poll} for what happened (events, on one thread), in the Aeron style.
 * Get it from {@link Wirespeed#client()}.
 * <pre>{@code
 *   try (Wirespeed ws = Wirespeed.launch(Engine.builder().port(PortSpec.iface("veth0")).address("192.0.2.1/24")))
 *   {
 *       Client client = ws.client();
 *       long correlationId = client.connect(new InetSocketAddress("192.0.2.2", 7));
 *       while (running)
 *       {
 *           idle.idle(client.poll(listener, 64));   // listener.onConnected(correlationId, connectionId), onData...
 *       }
 *   }
 * }</pre>
 * <b>Errors.</b> Bad input is refused at the call with an {@link ApiException} naming an {@link ApiError}: a port
 * outside 1..65535, {@code listen(0)} or a port this client already listens on, a peer of 0.0.0.0, a broadcast,
 * multicast or off-network address, or a connection id that is unknown or stale (its
 * {@link ConnectionListener#onClosed} was polled). What only the shard can know arrives later, as
 * {@link ConnectionListener#onConnectFailed} or {@link ConnectionListener#onCommandFailed} ({@link ApiError#of}
 * names the code).
 * <p>
 * <b>Order and close.</b> Events of one connection come in order: every received byte ({@code onData}) before
 * {@code onPeerClosed}, and {@code onClosed} last. {@link #close(long)} is an orderly close (FIN after every byte
 * written), <em>except</em> when received bytes are still unread — then, as a Linux socket closed with unread
 * input, the connection is reset (RST). To close without losing data in either direction: after
 * {@code onPeerClosed}, or once the data you wait for has arrived, call {@code close}; to stop sending but keep
 * reading, call {@link #shutdownOutput}.
 * <p>
 * <b>Threads.</b> Commands may come from any number of threads (each shard's command ring is many-to-one); the
 * events of all shards are polled by one thread at a time. Commands and polls never block (but see
 * {@link #listen}) and allocate nothing.
 */
public final class Client
{
    /** Longest a {@link #listen} or {@link #connect} waits for room in a full command ring. */
    public static final long COMMAND_WAIT_NS = TimeUnit.SECONDS.toNanos(1);
    private static final byte[] EMPTY = new byte[0];

    private final LocalAddresses addresses;
    private final CommandProxy[] commands;
    private final EventAdapter[] adapters;
    /** Per shard: the live connection id of each endpoint slot (0 if none); written by the poll thread only. */
    private final AtomicReferenceArray<AtomicLongArray> liveIds;
    private final AtomicLongArray listening = new AtomicLongArray(65536 / 64);
    private final AtomicInteger nextShard = new AtomicInteger();
    private final AtomicLong nextCorrelationId = new AtomicLong(1);
    private final Dispatcher dispatcher = new Dispatcher();
    private final IntSupplier engineInvoker;
    private final ThreadLocal<UnsafeBuffer> arrayView = ThreadLocal.withInitial(() -> new UnsafeBuffer(new byte[0]));
    private volatile boolean closed;

    Client(final LocalAddresses addresses, final RingBuffer[] commandRings, final RingBuffer[] eventRings,
        final IntSupplier engineInvoker)
    {
        this.addresses = addresses;
        this.engineInvoker = engineInvoker;
        final int n = commandRings.length;
        commands = new CommandProxy[n];
        adapters = new EventAdapter[n];
        liveIds = new AtomicReferenceArray<>(n);
        for (int i = 0; i < n; i++)
        {
            commands[i] = new CommandProxy(commandRings[i]);
            adapters[i] = new EventAdapter(eventRings[i], dispatcher);
            liveIds.set(i, new AtomicLongArray(1024));
        }
    }

    /**
     * The engine's local addresses (connects go out from the first unless told otherwise).
     *
     * @return the addresses, fixed for the engine's life.
     */
    public LocalAddresses addresses()
    {
        return addresses;
    }

    /**
     * Accepts connections on {@code port} of every local address, on every shard; each arrives as
     * {@link ConnectionListener#onAccepted}. Waits up to {@link #COMMAND_WAIT_NS} for room in a full command ring.
     *
     * @param backlog half-open connections queued at most.
     * @param port TCP port, 1..65535.
     * @throws ApiException {@link ApiError#LISTEN_PORT_ZERO}, {@link ApiError#PORT_OUT_OF_RANGE},
     *                      {@link ApiError#PORT_IN_USE}, {@link ApiError#BACK_PRESSURED} or {@link ApiError#CLOSED}.
     */
    public void listen(final int port, final int backlog)
    {
        checkOpen();
        if (port == 0)
        {
            throw new ApiException(ApiError.LISTEN_PORT_ZERO, "listen(0)");
        }
        checkPort(port);
        if (backlog < 1)
        {
            throw new IllegalArgumentException("backlog must be at least 1, got " + backlog);
        }
        final int word = port >>> 6;
        final long bit = 1L << (port & 63);
        long old;
        do
        {
            old = listening.get(word);
            if ((old & bit) != 0)
            {
                throw new ApiException(ApiError.PORT_IN_USE, "port " + port);
            }
        }
        while (!listening.compareAndSet(word, old, old | bit));
        for (final CommandProxy proxy : commands)
        {
            final long deadline = System.nanoTime() + COMMAND_WAIT_NS;
            while (!proxy.listen(port, backlog))
            {
                waitForRoom(deadline, "listen(" + port + ")");
            }
        }
    }

    /**
     * {@link #listen(int, int)} with a backlog of 1024.
     *
     * @param port TCP port, 1..65535.
     */
    public void listen(final int port)
    {
        listen(port, 1024);
    }

    /**
     * Active open to {@code remote}, from the engine's first address. The outcome arrives as
     * {@link ConnectionListener#onConnected} or {@link ConnectionListener#onConnectFailed} with the returned
     * correlation id. Waits up to {@link #COMMAND_WAIT_NS} for room in a full command ring.
     *
     * @param remote the peer, on the engine's network.
     * @param port   the peer's TCP port, 1..65535.
     * @return the correlation id (positive) the outcome will carry.
     * @throws ApiException naming a bad address or port ({@link ApiError#ADDRESS_UNSPECIFIED},
     *                      {@link ApiError#ADDRESS_BROADCAST}, {@link ApiError#ADDRESS_MULTICAST},
     *                      {@link ApiError#ADDRESS_OFF_SUBNET}, {@link ApiError#ADDRESS_NOT_USABLE},
     *                      {@link ApiError#PORT_OUT_OF_RANGE}), or {@link ApiError#BACK_PRESSURED} /
     *                      {@link ApiError#CLOSED}.
     */
    public long connect(final Ipv4Address remote, final int port)
    {
        return connect(addresses.primary(), remote.value(), port);
    }

    /**
     * As {@link #connect(Ipv4Address, int)}; the address must be IPv4 and is never looked up by name here (an
     * unresolved address is refused).
     *
     * @param remote the peer's IPv4 address and TCP port, resolved.
     * @return the correlation id (positive) the outcome will carry.
     */
    public long connect(final InetSocketAddress remote)
    {
        if (remote.isUnresolved())
        {
            throw new ApiException(ApiError.ADDRESS_NOT_USABLE, remote + " is unresolved");
        }
        return connect(Ipv4Address.of(remote.getAddress()), remote.getPort());
    }

    /**
     * A connect that waits for its outcome, as Aeron's {@code addPublication} waits for the driver: sends the
     * connect, then {@link #poll polls} on the calling thread (which must be the polling thread) until this
     * connect is established or failed, delivering every event meanwhile, this one's {@code onConnected}
     * included, to {@code listener}. When the engine runs in {@link dev.wirespeed.engine.runtime.ThreadingMode#INVOKER}
     * mode, the wait also runs its duty cycles, as Aeron's {@code driverAgentInvoker} does while a client waits (so
     * call it on the thread that drives the engine).
     *
     * @param remote    the peer's IPv4 address and TCP port, resolved.
     * @param listener  receives every event polled while waiting.
     * @param timeoutNs how long to wait for the outcome, in nanoseconds.
     * @return the connection id, open for writes at once.
     * @throws ApiException for bad input (as {@link #connect(Ipv4Address, int)}), {@link ApiError#CONNECT_REFUSED},
     *                      {@link ApiError#CONNECT_TIMED_OUT} (the engine gave up, or {@code timeoutNs} passed:
     *                      then the connect goes on, and a late {@code onConnected} reaches a later poll's
     *                      listener), or the shard's error ({@link ApiError#of}).
     */
    public long connectAndAwait(final InetSocketAddress remote, final ConnectionListener listener,
        final long timeoutNs)
    {
        final long correlationId = connect(remote);
        final Dispatcher d = dispatcher;
        d.awaitedCorrelationId = correlationId;
        d.awaitedConnectionId = 0;
        d.awaitedReason = 0;
        d.awaitedErrorCode = 0;
        final long deadline = System.nanoTime() + timeoutNs;
        try
        {
            while (d.awaitedConnectionId == 0 && d.awaitedReason == 0)
            {
                final int work = (engineInvoker != null ? engineInvoker.getAsInt() : 0) + poll(listener, 64);
                if (work == 0)
                {
                    if (System.nanoTime() - deadline >= 0)
                    {
                        throw new ApiException(ApiError.CONNECT_TIMED_OUT, remote + " within " +
                            TimeUnit.NANOSECONDS.toMillis(timeoutNs) + " ms");
                    }
                    Thread.onSpinWait();
                }
            }
        }
        finally
        {
            d.awaitedCorrelationId = 0;
        }
        if (d.awaitedConnectionId != 0)
        {
            return d.awaitedConnectionId;
        }
        final ApiError error = switch (d.awaitedReason)
        {
            case ApiMessages.CONNECT_REFUSED -> ApiError.CONNECT_REFUSED;
            case ApiMessages.CONNECT_TIMED_OUT -> ApiError.CONNECT_TIMED_OUT;
            case ApiMessages.CONNECT_CLOSED -> ApiError.CLOSED;
            default -> ApiError.of(d.awaitedErrorCode);
        };
        throw new ApiException(error, "connect to " + remote);
    }

    /**
     * {@link #connectAndAwait(InetSocketAddress, ConnectionListener, long)} waiting up to 10 seconds.
     *
     * @param remote   the peer's IPv4 address and TCP port, resolved.
     * @param listener receives every event polled while waiting.
     * @return the connection id, open for writes at once.
     */
    public long connectAndAwait(final InetSocketAddress remote, final ConnectionListener listener)
    {
        return connectAndAwait(remote, listener, TimeUnit.SECONDS.toNanos(10));
    }

    /**
     * As {@link #connect(Ipv4Address, int)}, from the local address {@code local} (one of the engine's).
     *
     * @param local  the local address to connect from.
     * @param remote the peer, on the engine's network.
     * @param port   the peer's TCP port, 1..65535.
     * @return the correlation id (positive) the outcome will carry.
     */
    public long connect(final Ipv4Address local, final Ipv4Address remote, final int port)
    {
        if (!addresses.contains(local.value()))
        {
            throw new ApiException(ApiError.ADDRESS_NOT_USABLE, local + " is not one of the engine's addresses " +
                addresses);
        }
        return connect(local.value(), remote.value(), port);
    }

    private long connect(final int localIp, final int remoteIp, final int port)
    {
        checkOpen();
        checkPeer(remoteIp);
        checkPort(port);
        final long correlationId = nextCorrelationId.getAndIncrement();
        final int shard = Math.floorMod(nextShard.getAndIncrement(), commands.length);
        final long deadline = System.nanoTime() + COMMAND_WAIT_NS;
        while (!commands[shard].connect(correlationId, localIp, remoteIp, port))
        {
            waitForRoom(deadline, "connect to " + Ipv4Header.formatAddress(remoteIp) + ":" + port);
        }
        return correlationId;
    }

    /**
     * Queues bytes for the connection (copied into the command ring).
     *
     * @param connectionId a connection id given by {@code onConnected} or {@code onAccepted}.
     * @param src          the bytes.
     * @param offset       of the first byte in {@code src}.
     * @param length       bytes to write.
     * @return bytes queued: {@code length}, or fewer (possibly 0) when the ring is full; offer the rest again
     * after polling. See {@link ConnectionListener#onWriteBlocked}.
     * @throws ApiException {@link ApiError#UNKNOWN_CONNECTION}, {@link ApiError#STALE_CONNECTION} or
     *                      {@link ApiError#CLOSED}.
     */
    public int write(final long connectionId, final DirectBuffer src, final int offset, final int length)
    {
        return commands[checkLive(connectionId)].write(connectionId, src, offset, length);
    }

    /**
     * As {@link #write(long, DirectBuffer, int, int)}, from a whole array (copied; nothing is allocated).
     *
     * @param connectionId a connection id given by {@code onConnected} or {@code onAccepted}.
     * @param src          the bytes, all of them.
     * @return bytes queued: {@code src.length}, or fewer when the ring is full.
     */
    public int write(final long connectionId, final byte[] src)
    {
        final UnsafeBuffer view = arrayView.get();
        view.wrap(src);
        try
        {
            return write(connectionId, view, 0, src.length);
        }
        finally
        {
            view.wrap(EMPTY);
        }
    }

    /**
     * Sends FIN once everything written so far is sent; the connection keeps receiving until the peer closes.
     *
     * @param connectionId a connection id given by {@code onConnected} or {@code onAccepted}.
     * @return false if the command ring is full (try again after polling). A write leaves room for such commands
     * ({@link CommandProxy#CONTROL_RESERVE_COMMANDS}), so one that follows a short write still fits.
     * @throws ApiException for an unknown or stale id.
     */
    public boolean shutdownOutput(final long connectionId)
    {
        return commands[checkLive(connectionId)].shutdownOutput(connectionId);
    }

    /**
     * Orderly close once everything written so far is sent. <b>If received bytes are still unread</b> (not yet
     * polled, or not consumed by {@code onData}), the connection is <b>reset</b> instead, as Linux does for a socket
     * closed with unread input. {@link ConnectionListener#onClosed} follows either way.
     *
     * @param connectionId a connection id given by {@code onConnected} or {@code onAccepted}.
     * @return false if the command ring is full (try again after polling).
     * @throws ApiException for an unknown or stale id.
     */
    public boolean close(final long connectionId)
    {
        return commands[checkLive(connectionId)].close(connectionId);
    }

    /**
     * Abortive close: RST now, queued bytes discarded.
     *
     * @param connectionId a connection id given by {@code onConnected} or {@code onAccepted}.
     * @return false if the command ring is full (try again after polling).
     * @throws ApiException for an unknown or stale id.
     */
    public boolean abort(final long connectionId)
    {
        return commands[checkLive(connectionId)].abort(connectionId);
    }

    /**
     * Delivers up to {@code limit} events of each shard to {@code listener}, on the calling thread (one thread at a
     * time). Data is a view into the event ring, valid during the call. It never runs the engine: in
     * {@link dev.wirespeed.engine.runtime.ThreadingMode#INVOKER} mode call {@link Wirespeed#doWork()} as well.
     *
     * @param listener receives the events.
     * @param limit    events per shard at most.
     * @return events delivered (0 when idle), for the caller's idle strategy.
     */
    public int poll(final ConnectionListener listener, final int limit)
    {
        dispatcher.listener = listener;
        int events = 0;
        for (final EventAdapter adapter : adapters)
        {
            events += adapter.poll(limit);
        }
        return events;
    }

    /**
     * True while {@code connectionId} is open as far as this client knows (polled, and not yet closed).
     *
     * Any thread.
     *
     * @param connectionId any id.
     * @return false for an id never given, not yet polled, or closed.
     */
    public boolean isOpen(final long connectionId)
    {
        if (connectionId <= 0)
        {
            return false;
        }
        final int shard = ConnectionId.shardIndex(connectionId);
        if (shard >= liveIds.length())
        {
            return false;
        }
        final int slot = (int)(ConnectionId.endpointId(connectionId) & (ConnectionId.MAX_SLOTS - 1));
        final AtomicLongArray live = liveIds.get(shard);
        return slot < live.length() && live.get(slot) == connectionId;
    }

    void close()
    {
        closed = true;
    }

    private int checkLive(final long connectionId)
    {
        checkOpen();
        if (connectionId <= 0 || ConnectionId.shardIndex(connectionId) >= commands.length)
        {
            throw new ApiException(ApiError.UNKNOWN_CONNECTION, "id " + ConnectionId.toString(connectionId));
        }
        if (!isOpen(connectionId))
        {
            throw new ApiException(ApiError.STALE_CONNECTION, "id " + ConnectionId.toString(connectionId));
        }
        return ConnectionId.shardIndex(connectionId);
    }

    private void checkOpen()
    {
        if (closed)
        {
            throw new ApiException(ApiError.CLOSED, "the engine was closed");
        }
    }

    private static void checkPort(final int port)
    {
        if (port < 1 || port > 65535)
        {
            throw new ApiException(ApiError.PORT_OUT_OF_RANGE, "port " + port);
        }
    }

    private void checkPeer(final int ip)
    {
        final String text = Ipv4Header.formatAddress(ip);
        if (ip == 0)
        {
            throw new ApiException(ApiError.ADDRESS_UNSPECIFIED, text);
        }
        if ((ip >>> 28) >= 0xE)
        {
            throw new ApiException(ip == -1 ? ApiError.ADDRESS_BROADCAST : ApiError.ADDRESS_MULTICAST, text);
        }
        if (!addresses.onLink(ip))
        {
            throw new ApiException(ApiError.ADDRESS_OFF_SUBNET, text + " is not in " + addresses);
        }
        if (addresses.prefixLength() <= 30 && (ip == addresses.broadcast() ||
            ip == (addresses.broadcast() & ~((1 << (32 - addresses.prefixLength())) - 1))))
        {
            throw new ApiException(ApiError.ADDRESS_BROADCAST, text);
        }
        if (addresses.contains(ip))
        {
            throw new ApiException(ApiError.ADDRESS_NOT_USABLE, text + " is the engine's own address");
        }
    }

    private static void waitForRoom(final long deadlineNs, final String what)
    {
        if (System.nanoTime() - deadlineNs >= 0)
        {
            throw new ApiException(ApiError.BACK_PRESSURED, what);
        }
        Thread.onSpinWait();
    }

    /** Keeps the live-id table as events pass, then hands them to the poll's listener. Poll thread only. */
    private final class Dispatcher implements ConnectionListener
    {
        ConnectionListener listener;
        long awaitedCorrelationId;
        long awaitedConnectionId;
        int awaitedReason;
        int awaitedErrorCode;

        private void open(final long connectionId)
        {
            final int shard = ConnectionId.shardIndex(connectionId);
            final int slot = (int)(ConnectionId.endpointId(connectionId) & (ConnectionId.MAX_SLOTS - 1));
            AtomicLongArray live = liveIds.get(shard);
            if (slot >= live.length())
            {
                // rare: grow (poll thread only); readers pick the new table up through the array reference
                final AtomicLongArray grown = new AtomicLongArray(Math.max(slot + 1, live.length() * 2));
                for (int i = 0; i < live.length(); i++)
                {
                    grown.set(i, live.get(i));
                }
                live = grown;
                liveIds.set(shard, grown);
            }
            live.setRelease(slot, connectionId);
        }

        private void ended(final long connectionId)
        {
            final int shard = ConnectionId.shardIndex(connectionId);
            final int slot = (int)(ConnectionId.endpointId(connectionId) & (ConnectionId.MAX_SLOTS - 1));
            final AtomicLongArray live = liveIds.get(shard);
            if (slot < live.length())
            {
                live.compareAndSet(slot, connectionId, 0);
            }
        }

        public void onConnected(final long correlationId, final long connectionId)
        {
            open(connectionId);
            if (correlationId == awaitedCorrelationId)
            {
                awaitedConnectionId = connectionId;
            }
            listener.onConnected(correlationId, connectionId);
        }

        public void onConnectFailed(final long correlationId, final int reason, final int errorCode)
        {
            if (correlationId == awaitedCorrelationId)
            {
                awaitedReason = reason;
                awaitedErrorCode = errorCode;
            }
            listener.onConnectFailed(correlationId, reason, errorCode);
        }

        public void onAccepted(final int listenerPort, final long connectionId)
        {
            open(connectionId);
            listener.onAccepted(listenerPort, connectionId);
        }

        public int onData(final long connectionId, final DirectBuffer buffer, final int offset, final int length)
        {
            return listener.onData(connectionId, buffer, offset, length);
        }

        public void onWriteBlocked(final long connectionId)
        {
            listener.onWriteBlocked(connectionId);
        }

        public void onWritable(final long connectionId)
        {
            listener.onWritable(connectionId);
        }

        public void onPeerClosed(final long connectionId)
        {
            listener.onPeerClosed(connectionId);
        }

        public void onReset(final long connectionId)
        {
            listener.onReset(connectionId);
        }

        public void onTimeout(final long connectionId)
        {
            listener.onTimeout(connectionId);
        }

        public void onClosed(final long connectionId)
        {
            ended(connectionId);
            listener.onClosed(connectionId);
        }

        public void onCommandFailed(final long connectionId, final int commandTypeId, final int errorCode)
        {
            listener.onCommandFailed(connectionId, commandTypeId, errorCode);
        }
    }
}
