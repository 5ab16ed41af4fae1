package dev.wirespeed.engine.api;

import dev.wirespeed.engine.tcp.TcpEndpoint;
import org.agrona.concurrent.ringbuffer.RecordDescriptor;

import java.nio.ByteOrder;

/**
 * Every message between application threads and a shard, in one place: type ids, field offsets and lengths.
 * <p>
 * Each message is one Agrona ring buffer record: the ring's own 8-byte record header (length, {@code msgTypeId})
 * followed by the body laid out below. Offsets are relative to the body, which starts 8-byte aligned. All fields
 * are {@link #BYTE_ORDER little-endian}. Only three body shapes exist:
 * <pre>
 *   ID (16 bytes): every command and event about one connection, with or without a second field
 *    0                   1                   2                   3
 *    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                        ID (connection or correlation)        |  0
 *   |                                                               |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                        A (int)                                |  8
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                        B (int)                                |  12
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   (A and B read together as one long at 8 when the second field is an id)
 *
 *   DATA (8 + n bytes): WRITE commands and DATA events
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                        Connection ID                          |  0
 *   |                                                               |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                        Stream bytes ...                       |  8
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 *   CONNECT (24 bytes)
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                        Correlation ID                         |  0
 *   |                                                               |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                        Remote IPv4                            |  8
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                        Remote port                            |  12
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                        Local IPv4 (0 = the shard's)           |  16
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                        Reserved                               |  20
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * IPv4 addresses are ints in network-order value ({@code a.b.c.d} is {@code a<<24|b<<16|c<<8|d}), as everywhere in
 * the engine. Connection ids are {@link ConnectionId}s (they name the shard).
 *
 * <table>
 *   <caption>Commands, application → shard ({@code ManyToOneRingBuffer}, {@link CommandProxy} →
 *   {@link CommandAdapter})</caption>
 *   <tr><th>type</th><th>shape</th><th>fields</th></tr>
 *   <tr><td>{@link #CMD_CONNECT}</td><td>CONNECT</td><td>correlation id, remote IPv4, remote port, local IPv4</td></tr>
 *   <tr><td>{@link #CMD_LISTEN}</td><td>ID</td><td>ID = local IPv4 (0 = any), A = port, B = backlog</td></tr>
 *   <tr><td>{@link #CMD_UNLISTEN}</td><td>ID</td><td>A = port</td></tr>
 *   <tr><td>{@link #CMD_WRITE}</td><td>DATA</td><td>connection id, bytes (at most the ring's max message less 8)</td></tr>
 *   <tr><td>{@link #CMD_SHUTDOWN_OUTPUT}, {@link #CMD_CLOSE}, {@link #CMD_ABORT}</td><td>ID</td>
 *       <td>connection id</td></tr>
 * </table>
 * <table>
 *   <caption>Events, shard → application ({@code OneToOneRingBuffer}, {@link EventProxy} → {@link EventAdapter})
 *   </caption>
 *   <tr><th>type</th><th>shape</th><th>fields</th></tr>
 *   <tr><td>{@link #EVT_CONNECTED}</td><td>ID</td><td>ID = correlation id, A..B = connection id (long)</td></tr>
 *   <tr><td>{@link #EVT_CONNECT_FAILED}</td><td>ID</td><td>ID = correlation id, A = reason
 *       ({@code CONNECT_*}), B = error code ({@code ERR_*} for {@link #CONNECT_ERROR}, else 0)</td></tr>
 *   <tr><td>{@link #EVT_ACCEPTED}</td><td>ID</td><td>connection id, A = listener port</td></tr>
 *   <tr><td>{@link #EVT_DATA}</td><td>DATA</td><td>connection id, bytes (at most the ring's max message less 8)</td></tr>
 *   <tr><td>{@link #EVT_WRITE_BLOCKED}, {@link #EVT_WRITABLE}, {@link #EVT_PEER_CLOSED}, {@link #EVT_RESET},
 *       {@link #EVT_TIMEOUT}, {@link #EVT_CLOSED}</td><td>ID</td><td>connection id</td></tr>
 *   <tr><td>{@link #EVT_COMMAND_FAILED}</td><td>ID</td><td>connection id (0 when none), A = command type,
 *       B = error code</td></tr>
 * </table>
 */
public final class ApiMessages
{
    /** Byte order of every field. */
    public static final ByteOrder BYTE_ORDER = ByteOrder.LITTLE_ENDIAN;

    /** The ring's record header in front of every body. */
    public static final int RECORD_HEADER_LENGTH = RecordDescriptor.HEADER_LENGTH;

    // ---------------------------------------------------------------------------------------------- commands

    /** Command: active open (CONNECT shape). */
    public static final int CMD_CONNECT = 1;
    /** Command: accept connections on a port (ID shape: local IPv4, port, backlog). */
    public static final int CMD_LISTEN = 2;
    /** Command: stop accepting on a port (ID shape: A = port). */
    public static final int CMD_UNLISTEN = 3;
    /** Command: stream bytes to send (DATA shape). */
    public static final int CMD_WRITE = 4;
    /** Command: send FIN after the queued bytes, keep receiving (ID shape). */
    public static final int CMD_SHUTDOWN_OUTPUT = 5;
    /** Command: orderly close, or reset if received bytes are unread (ID shape). */
    public static final int CMD_CLOSE = 6;
    /** Command: abortive close, RST now (ID shape). */
    public static final int CMD_ABORT = 7;

    // ------------------------------------------------------------------------------------------------ events

    /** Event: a connect is established (ID shape: correlation id, then the connection id). */
    public static final int EVT_CONNECTED = 1;
    /** Event: a connect failed (ID shape: correlation id, reason, error code). */
    public static final int EVT_CONNECT_FAILED = 2;
    /** Event: a listener accepted a connection (ID shape: connection id, A = listener port). */
    public static final int EVT_ACCEPTED = 3;
    /** Event: in-order stream bytes (DATA shape). */
    public static final int EVT_DATA = 4;
    /** Event: the connection's send buffer is full and a write's tail is parked on the shard (ID shape). */
    public static final int EVT_WRITE_BLOCKED = 5;
    /** Event: the parked bytes are all in the send buffer again (ID shape). */
    public static final int EVT_WRITABLE = 6;
    /** Event: the peer's FIN, after the last byte (ID shape). */
    public static final int EVT_PEER_CLOSED = 7;
    /** Event: the peer reset the connection (ID shape); {@link #EVT_CLOSED} follows. */
    public static final int EVT_RESET = 8;
    /** Event: retransmissions or keepalives ran out (ID shape); {@link #EVT_CLOSED} follows. */
    public static final int EVT_TIMEOUT = 9;
    /** Event: the connection ended and its id is no longer valid (ID shape). */
    public static final int EVT_CLOSED = 10;
    /** Event: a command could not be applied (ID shape: connection id, command type, error code). */
    public static final int EVT_COMMAND_FAILED = 11;

    // ----------------------------------------------------------------------------------------------- layouts

    /** ID shape: the connection id, correlation id or (LISTEN) local address. */
    public static final int ID_OFFSET = 0;
    /** ID shape: first int field. */
    public static final int A_OFFSET = 8;
    /** ID shape: second int field. */
    public static final int B_OFFSET = 12;
    /** ID shape: the second long field (EVT_CONNECTED's connection id), over A and B. */
    public static final int SECOND_ID_OFFSET = 8;
    /** ID shape: body length in bytes. */
    public static final int ID_LENGTH = 16;

    /** DATA shape: connection id. */
    public static final int DATA_CONNECTION_ID_OFFSET = 0;
    /** DATA shape: first stream byte. */
    public static final int DATA_OFFSET = 8;

    /** CONNECT shape. */
    public static final int CONNECT_CORRELATION_ID_OFFSET = 0;
    /** CONNECT shape: remote IPv4 address (int). */
    public static final int CONNECT_REMOTE_IP_OFFSET = 8;
    /** CONNECT shape: remote TCP port (int, 1..65535). */
    public static final int CONNECT_REMOTE_PORT_OFFSET = 12;
    /** CONNECT shape: local IPv4 address (int, 0 = the shard's first address). */
    public static final int CONNECT_LOCAL_IP_OFFSET = 16;
    /** CONNECT shape: body length in bytes (the last 4 are reserved, written 0). */
    public static final int CONNECT_LENGTH = 24;

    // ------------------------------------------------------------------------------------ connect-failed reasons

    /** The peer answered the SYN with a RST: nobody listens there. */
    public static final int CONNECT_REFUSED = 1;
    /** SYN retransmissions ran out. */
    public static final int CONNECT_TIMED_OUT = 2;
    /** The shard refused the connect at once; the error code is a {@link TcpEndpoint} {@code ERR_*}. */
    public static final int CONNECT_ERROR = 3;
    /** The attempt ended before it was established for any other reason. */
    public static final int CONNECT_CLOSED = 4;

    // ----------------------------------------------------------------------------------------------- errors

    /** Error codes in {@link #EVT_COMMAND_FAILED} / {@link #EVT_CONNECT_FAILED} are {@link TcpEndpoint}'s
     * {@code ERR_*} (-1..-7) or these. */
    public static final int ERR_WRONG_SHARD = -100;
    /** The shard does not know the command's type id. */
    public static final int ERR_UNKNOWN_COMMAND = -101;

    /** The correlation id of a CONNECTED event for a connection not opened through a {@link CommandProxy}. */
    public static final long NULL_CORRELATION_ID = -1;

    private ApiMessages()
    {
    }

    /**
     * A and B of the ID shape as the one long written at {@link #A_OFFSET} (little-endian: A is the low half).
     *
     * @param a the int at {@link #A_OFFSET}.
     * @param b the int at {@link #B_OFFSET}.
     * @return both as one long, {@code b} in the high 32 bits.
     */
    public static long ints(final int a, final int b)
    {
        return ((long)b << 32) | (a & 0xFFFF_FFFFL);
    }

    /**
     * The name of a command type id, for logs.
     *
     * @param msgTypeId a {@code CMD_*}.
     * @return its name without the prefix, e.g. {@code "WRITE"}, or {@code "UNKNOWN(n)"}.
     */
    public static String commandName(final int msgTypeId)
    {
        return switch (msgTypeId)
        {
            case CMD_CONNECT -> "CONNECT";
            case CMD_LISTEN -> "LISTEN";
            case CMD_UNLISTEN -> "UNLISTEN";
            case CMD_WRITE -> "WRITE";
            case CMD_SHUTDOWN_OUTPUT -> "SHUTDOWN_OUTPUT";
            case CMD_CLOSE -> "CLOSE";
            case CMD_ABORT -> "ABORT";
            default -> "UNKNOWN(" + msgTypeId + ")";
        };
    }

    /**
     * The name of an event type id, for logs.
     *
     * @param msgTypeId an {@code EVT_*}.
     * @return its name without the prefix, e.g. {@code "DATA"}, or {@code "UNKNOWN(n)"}.
     */
    public static String eventName(final int msgTypeId)
    {
        return switch (msgTypeId)
        {
            case EVT_CONNECTED -> "CONNECTED";
            case EVT_CONNECT_FAILED -> "CONNECT_FAILED";
            case EVT_ACCEPTED -> "ACCEPTED";
            case EVT_DATA -> "DATA";
            case EVT_WRITE_BLOCKED -> "WRITE_BLOCKED";
            case EVT_WRITABLE -> "WRITABLE";
            case EVT_PEER_CLOSED -> "PEER_CLOSED";
            case EVT_RESET -> "RESET";
            case EVT_TIMEOUT -> "TIMEOUT";
            case EVT_CLOSED -> "CLOSED";
            case EVT_COMMAND_FAILED -> "COMMAND_FAILED";
            default -> "UNKNOWN(" + msgTypeId + ")";
        };
    }
}
