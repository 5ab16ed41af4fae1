package dev.wirespeed.engine.api;

import dev.wirespeed.engine.tcp.TcpEndpoint;

/**
 * Why an application command was refused, by {@link Client} at the call or by the shard later (in
 * {@link ConnectionListener#onCommandFailed} and {@link ConnectionListener#onConnectFailed}, whose int codes
 * {@link #of(int)} names). Nothing the application passes is silently truncated or ignored: each bad input has
 * its own constant and message.
 */
public enum ApiError
{
    /** Not an error: the command was queued. */
    OK("ok"),
    /** The shard's command ring is full: try again after polling events (backpressure, not a failure). */
    BACK_PRESSURED("the shard's command ring is full; poll events and try again"),
    /** A TCP port outside 1..65535. */
    PORT_OUT_OF_RANGE("TCP port out of range 1..65535"),
    /** {@code listen(0)}: there is no wildcard port to listen on. */
    LISTEN_PORT_ZERO("cannot listen on port 0: name the port"),
    /** This client already listens on the port. */
    PORT_IN_USE("already listening on this port"),
    /** 0.0.0.0 as a destination. */
    ADDRESS_UNSPECIFIED("0.0.0.0 is not a destination"),
    /** 255.255.255.255 or the local network's broadcast address (or its network address). */
    ADDRESS_BROADCAST("a broadcast or network address is not a TCP peer"),
    /** 224.0.0.0/4 (or the reserved 240.0.0.0/4). */
    ADDRESS_MULTICAST("a multicast or reserved address is not a TCP peer"),
    /** Outside the engine's network: there is no routing, the peer must be found by ARP on the link. */
    ADDRESS_OFF_SUBNET("not on the engine's network: Wirespeed has no routing, the peer must be on the link"),
    /** One of the engine's own addresses as the peer, or a local address the engine does not have. */
    ADDRESS_NOT_USABLE("not usable here: the engine's own address as a peer, or a local address it does not have"),
    /** Not an id this client was given (negative, or of a shard the engine does not have). */
    UNKNOWN_CONNECTION("unknown connection id"),
    /** An id whose connection has ended ({@link ConnectionListener#onClosed} was delivered). */
    STALE_CONNECTION("the connection has ended (its id is stale)"),
    /** Output was already shut down on the connection. */
    OUTPUT_SHUTDOWN("output was already shut down"),
    /** The connection is not established. */
    NOT_CONNECTED("the connection is not established"),
    /** Every ephemeral port toward that peer port is taken (TIME-WAIT included). */
    NO_EPHEMERAL_PORT("no ephemeral port left toward this peer"),
    /** The shard holds as many connections as its configuration allows. */
    TOO_MANY_CONNECTIONS("too many connections on the shard"),
    /** A command reached a shard that does not own the connection (a bug in the routing). */
    WRONG_SHARD("the command reached the wrong shard"),
    /** {@link Client#connectAndAwait}: the peer answered the SYN with a reset. */
    CONNECT_REFUSED("connection refused: the peer reset the SYN"),
    /** {@link Client#connectAndAwait}: no answer, within the engine's SYN retries or within the wait. */
    CONNECT_TIMED_OUT("connect timed out: no answer from the peer"),
    /** The client or its engine is closed. */
    CLOSED("the client is closed"),
    /** A code this version does not know. */
    UNKNOWN("unknown error");

    private final String message;

    ApiError(final String message)
    {
        this.message = message;
    }

    /**
     * One line saying what went wrong.
     *
     * @return the message, lower case, without the constant's name.
     */
    public String message()
    {
        return message;
    }

    /**
     * Names an error code of {@link ConnectionListener#onCommandFailed} or {@link ConnectionListener#onConnectFailed}
     * (a {@link TcpEndpoint} {@code ERR_*} or an {@link ApiMessages} {@code ERR_*}).
     *
     * @param errorCode 0, a {@link TcpEndpoint} {@code ERR_*} or an {@link ApiMessages} {@code ERR_*}.
     * @return the constant for it, {@link #UNKNOWN} for a code this version does not know.
     */
    public static ApiError of(final int errorCode)
    {
        if (errorCode == 0)
        {
            return OK;
        }
        if (errorCode == TcpEndpoint.ERR_INVALID_ID)
        {
            return STALE_CONNECTION;
        }
        if (errorCode == TcpEndpoint.ERR_ADDRESS_IN_USE)
        {
            return PORT_IN_USE;
        }
        if (errorCode == TcpEndpoint.ERR_NO_EPHEMERAL_PORT)
        {
            return NO_EPHEMERAL_PORT;
        }
        if (errorCode == TcpEndpoint.ERR_OUTPUT_SHUTDOWN)
        {
            return OUTPUT_SHUTDOWN;
        }
        if (errorCode == TcpEndpoint.ERR_BAD_ADDRESS)
        {
            return ADDRESS_NOT_USABLE;
        }
        if (errorCode == TcpEndpoint.ERR_NOT_CONNECTED)
        {
            return NOT_CONNECTED;
        }
        if (errorCode == TcpEndpoint.ERR_TOO_MANY_CONNECTIONS)
        {
            return TOO_MANY_CONNECTIONS;
        }
        if (errorCode == ApiMessages.ERR_WRONG_SHARD)
        {
            return WRONG_SHARD;
        }
        return UNKNOWN;
    }
}
