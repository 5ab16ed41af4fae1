package dev.wirespeed.engine.api;

import org.agrona.DirectBuffer;

/**
 * What an application thread hears from a shard, through {@link EventAdapter#poll(int)}. Every method has a default
 * that ignores the event (and consumes data); override the ones you need. Called on the polling thread.
 * <p>
 * Lifecycle of a connection id (a {@link ConnectionId}): {@link #onConnected} or {@link #onAccepted} first; then any
 * of {@link #onData}, {@link #onWriteBlocked}/{@link #onWritable}, {@link #onPeerClosed} (after the last byte);
 * then at most one of {@link #onReset} or {@link #onTimeout}; and finally {@link #onClosed}, after which the id is
 * invalid and commands on it are ignored. A connect that never establishes ends with a single
 * {@link #onConnectFailed} and no id.
 */
public interface ConnectionListener
{
    /** Takes every byte it is given (the data callback of {@link #ofData}, for a lambda). */
    @FunctionalInterface
    interface DataConsumer
    {
        /**
         * In-order stream bytes, all consumed: a view into the event ring, valid only during the call.
         *
         * @param connectionId the connection.
         * @param buffer       holds the bytes.
         * @param offset       of the first byte in {@code buffer}.
         * @param length       bytes delivered.
         */
        void onData(long connectionId, DirectBuffer buffer, int offset, int length);
    }

    /**
     * A listener that hands every byte to {@code consumer} (all consumed) and keeps every other event's default
     * (ignored), for a client that connects with {@link Client#connectAndAwait} and needs nothing but the bytes.
     *
     * @param consumer receives the bytes.
     * @return the listener.
     */
    static ConnectionListener ofData(final DataConsumer consumer)
    {
        return new ConnectionListener()
        {
            public int onData(final long connectionId, final DirectBuffer buffer, final int offset, final int length)
            {
                consumer.onData(connectionId, buffer, offset, length);
                return length;
            }
        };
    }

    /**
     * The connect with {@code correlationId} is established.
     *
     * @param correlationId the id {@link Client#connect} returned.
     * @param connectionId  the new connection's id, open for writes.
     */
    default void onConnected(final long correlationId, final long connectionId)
    {
    }

    /**
     * The connect with {@code correlationId} failed.
     *
     * @param reason    {@link ApiMessages#CONNECT_REFUSED}, {@link ApiMessages#CONNECT_TIMED_OUT},
     *                  {@link ApiMessages#CONNECT_ERROR} or {@link ApiMessages#CONNECT_CLOSED}.
     * @param errorCode for {@link ApiMessages#CONNECT_ERROR}: the endpoint's {@code ERR_*}; otherwise 0.
     * @param correlationId the id {@link Client#connect} returned.
     */
    default void onConnectFailed(final long correlationId, final int reason, final int errorCode)
    {
    }

    /**
     * A listener accepted a connection (handshake complete).
     *
     * @param listenerPort the local port listened on.
     * @param connectionId the new connection's id, open for writes.
     */
    default void onAccepted(final int listenerPort, final long connectionId)
    {
    }

    /**
     * In-order stream bytes: a view into the event ring, valid only during the call.
     *
     * @param connectionId the connection.
     * @param buffer       holds the bytes.
     * @param offset       of the first byte in {@code buffer}.
     * @param length       bytes delivered.
     * @return bytes consumed (0..length). The rest is offered again, first, on the next poll, and nothing behind it
     * in the ring is delivered before that.
     */
    default int onData(final long connectionId, final DirectBuffer buffer, final int offset, final int length)
    {
        return length;
    }

    /**
     * TCP's send buffer for this connection is full and bytes of a write wait on the shard; later writes to it
     * queue behind them. Writing more now risks holding up the shard's other commands (see {@link CommandAdapter}).
     *
     * @param connectionId the connection.
     */
    default void onWriteBlocked(final long connectionId)
    {
    }

    /**
     * The bytes that waited after {@link #onWriteBlocked} are all in TCP's send buffer.
     *
     * @param connectionId the connection.
     */
    default void onWritable(final long connectionId)
    {
    }

    /**
     * The peer's FIN: end of stream. It comes after the last byte: every {@link #onData} of the connection has been
     * delivered (and consumed) before it. Closing now is safe; closing while bytes are still unread (before this,
     * with data on its way) resets the connection, as Linux does for a socket closed with unread input.
     *
     * @param connectionId the connection.
     */
    default void onPeerClosed(final long connectionId)
    {
    }

    /**
     * The peer reset the connection; queued bytes are dropped and {@link #onClosed} follows.
     *
     * @param connectionId the connection.
     */
    default void onReset(final long connectionId)
    {
    }

    /**
     * Retransmissions, zero-window probes or keepalives ran out (TCP gave up on the peer); {@link #onClosed} follows.
     *
     * @param connectionId the connection.
     */
    default void onTimeout(final long connectionId)
    {
    }

    /**
     * The connection ended, however it ended; the id is invalid from now on.
     *
     * @param connectionId the connection.
     */
    default void onClosed(final long connectionId)
    {
    }

    /**
     * A command could not be applied.
     *
     * @param connectionId  the connection it named (0 for commands without one).
     * @param commandTypeId an {@code ApiMessages.CMD_*}.
     * @param errorCode     a {@link dev.wirespeed.engine.tcp.TcpEndpoint} {@code ERR_*} or an
     *                      {@code ApiMessages.ERR_*}.
     */
    default void onCommandFailed(final long connectionId, final int commandTypeId, final int errorCode)
    {
    }
}
