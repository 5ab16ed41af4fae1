package dev.wirespeed.engine.tcp;

/**
 * What a negative return of a {@link TcpEndpoint} call means. The numeric codes are stable (they travel in API
 * messages): {@link #code()} equals the matching {@code TcpEndpoint.ERR_*} constant.
 */
public enum TcpError
{
    /** The id names no connection the application holds: never issued, or already closed and released. */
    UNKNOWN_CONNECTION(TcpEndpoint.ERR_INVALID_ID, "unknown or closed connection id"),
    ADDRESS_IN_USE(TcpEndpoint.ERR_ADDRESS_IN_USE, "address already in use"),
    NO_EPHEMERAL_PORT(TcpEndpoint.ERR_NO_EPHEMERAL_PORT, "no free ephemeral port"),
    OUTPUT_SHUTDOWN(TcpEndpoint.ERR_OUTPUT_SHUTDOWN, "output already shut down"),
    BAD_ADDRESS(TcpEndpoint.ERR_BAD_ADDRESS, "not a unicast host address"),
    NOT_CONNECTED(TcpEndpoint.ERR_NOT_CONNECTED, "not connected"),
    TOO_MANY_CONNECTIONS(TcpEndpoint.ERR_TOO_MANY_CONNECTIONS, "connection table full"),
    BAD_PORT(TcpEndpoint.ERR_BAD_PORT, "port outside 1..65535"),
    ALREADY_LISTENING(TcpEndpoint.ERR_ALREADY_LISTENING, "port already listening"),
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

    /** The negative code a {@link TcpEndpoint} call returns. */
    public long code()
    {
        return code;
    }

    /** A short lower-case description, for error lines. */
    public String message()
    {
        return message;
    }

    /** The error for a negative code, or null if it is not one of these. */
    public static TcpError of(final long code)
    {
        return code < 0 && -code < BY_CODE.length ? BY_CODE[(int)-code] : null;
    }
}
