package dev.wirespeed.engine.tcp;

/**
 * What a negative return of a {@link TcpEndpoint} call means. The numeric codes are stable (they travel in API
 * messages): {@link #code()} equals the matching {@code TcpEndpoint.ERR_*} constant.
 */
public enum TcpError
{
    /** The id names no connection the application holds: never issued, or already closed and released. */
    UNKNOWN_CONNECTION(TcpEndpoint.ERR_INVALID_ID, "unknown or closed connection id"),
    /** {@link TcpEndpoint#ERR_ADDRESS_IN_USE}. */
    ADDRESS_IN_USE(TcpEndpoint.ERR_ADDRESS_IN_USE, "address already in use"),
    /** {@link TcpEndpoint#ERR_NO_EPHEMERAL_PORT}. */
    NO_EPHEMERAL_PORT(TcpEndpoint.ERR_NO_EPHEMERAL_PORT, "no free ephemeral port"),
    /** {@link TcpEndpoint#ERR_OUTPUT_SHUTDOWN}. */
    OUTPUT_SHUTDOWN(TcpEndpoint.ERR_OUTPUT_SHUTDOWN, "output already shut down"),
    /** {@link TcpEndpoint#ERR_BAD_ADDRESS}. */
    BAD_ADDRESS(TcpEndpoint.ERR_BAD_ADDRESS, "not a unicast host address"),
    /** {@link TcpEndpoint#ERR_NOT_CONNECTED}. */
    NOT_CONNECTED(TcpEndpoint.ERR_NOT_CONNECTED, "not connected"),
    /** {@link TcpEndpoint#ERR_TOO_MANY_CONNECTIONS}. */
    TOO_MANY_CONNECTIONS(TcpEndpoint.ERR_TOO_MANY_CONNECTIONS, "connection table full"),
    /** {@link TcpEndpoint#ERR_BAD_PORT}. */
    BAD_PORT(TcpEndpoint.ERR_BAD_PORT, "port outside 1..65535"),
    /** {@link TcpEndpoint#ERR_ALREADY_LISTENING}. */
    ALREADY_LISTENING(TcpEndpoint.ERR_ALREADY_LISTENING, "port already listening"),
    /** {@link TcpEndpoint#ERR_OFF_SUBNET}. */
    OFF_SUBNET(TcpEndpoint.ERR_OFF_SUBNET, "address on no local subnet");

    private static final TcpError[] BY_CODE = new TcpError[values().length + 1];

    static
    {
        for (final TcpError e : values())
        {
            BY_CODE[(int)-e.code] = e;
        }
    }

    private final long code;
    private final String message;

    TcpError(final long code, final String message)
    {
        this.code = code;
        this.message = message;
    }

    /**
     * The negative code a {@link TcpEndpoint} call returns.
     *
     * @return the code, negative.
     */
    public long code()
    {
        return code;
    }

    /**
     * A short lower-case description, for error lines.
     *
     * @return the description.
     */
    public String message()
    {
        return message;
    }

    /**
     * The error for a negative code, or null if it is not one of these.
     *
     * @param code a value a {@link TcpEndpoint} call returned.
     * @return the error, or null.
     */
    public static TcpError of(final long code)
    {
        return code < 0 && -code < BY_CODE.length ? BY_CODE[(int)-code] : null;
    }
}
