package dev.wirespeed.engine.tcp;

import org.agrona.DirectBuffer;

/**
 * Application events, called on the thread that drives the {@link TcpEndpoint}. Handlers may call back into the
 * endpoint ({@code write}, {@code close}, {@code abort}, {@code connect}); the endpoint defers the release of
 * connection state until its next {@code dispatch}, so ids stay safe during a callback.
 * <p>
 * Lifecycle of an id: {@code onConnected}/{@code onAccepted} first; then any of {@code onData}, {@code onWritable},
 * {@code onPeerClosed}; then exactly one of {@code onReset} (peer reset; before {@code onConnected} it means
 * "connection refused"), {@code onTimeout} (retransmission, SYN or keepalive timeout) or nothing (orderly close);
 * and finally {@code onClosed}, after which the id is invalid. A connect that fails before being established
 * gets {@code onReset}/{@code onTimeout} and then {@code onClosed} without {@code onConnected}.
 */
public interface TcpHandler
{
    /**
     * An active open is established: the id is the one {@link TcpEndpoint#connect} returned.
     *
     * @param id the connection id.
     */
    default void onConnected(final long id)
    {
    }

    /**
     * A listener accepted a connection (handshake complete); the id is new.
     *
     * @param listenerPort the local port listened on.
     * @param id           the connection id.
     */
    default void onAccepted(final int listenerPort, final long id)
    {
    }

    /**
     * In-order stream bytes. The buffer is a zero-copy view valid only during the call.
     *
     * @param id     the connection id.
     * @param buffer holds the bytes.
     * @param offset of the first byte in {@code buffer}.
     * @param length bytes delivered.
     * @return how many bytes the application consumed (0..length). Bytes not consumed stay in the receive buffer,
     * shrink the advertised window, and are offered again on the next arrival or on
     * {@link TcpEndpoint#resumeReading(long)}.
     */
    default int onData(final long id, final DirectBuffer buffer, final int offset, final int length)
    {
        return length;
    }

    /**
     * Send buffer space became available after a write was refused or partially accepted.
     *
     * @param id the connection id.
     */
    default void onWritable(final long id)
    {
    }

    /**
     * The peer's FIN arrived: end of stream. Bytes that {@link #onData} did not consume may still be in the
     * receive buffer: {@code close} on a connection with unread bytes resets it (RST, as Linux does for a socket
     * closed with unread input). Read them first (e.g. {@link TcpEndpoint#resumeReading}) or close once they are
     * consumed: {@link TcpEndpoint#closeWhenRead} does the latter.
     *
     * @param id the connection id.
     */
    default void onPeerClosed(final long id)
    {
    }

    /**
     * The peer reset the connection (before {@code onConnected}: connection refused); {@code onClosed} follows.
     *
     * @param id the connection id.
     */
    default void onReset(final long id)
    {
    }

    /**
     * Retransmissions, SYN retries, zero-window probes or keepalives ran out; {@code onClosed} follows.
     *
     * @param id the connection id.
     */
    default void onTimeout(final long id)
    {
    }

    /**
     * The connection ended, however it ended; the id is invalid from now on.
     *
     * @param id the connection id.
     */
    default void onClosed(final long id)
    {
    }
}
