package dev.wirespeed.engine.tcp;

import dev.wirespeed.engine.wire.FrameParser;

/**
 * A ring of the last simulation events, kept as primitives and formatted only when a seed fails.
 * <p>
 * Not thread safe.
 */
final class Trace
{
    static final int EMIT = 0;
    static final int LOST = 1;
    static final int DUPLICATED = 2;
    static final int CORRUPTED = 3;
    static final int PARSE_DROP = 4;
    static final int DELIVER = 5;
    static final int TIMER = 6;
    static final int APP = 7;
    static final int STATE = 8;

    static final int A_CONNECT = 0;
    static final int A_OPENED = 1;
    static final int A_WRITE = 2;
    static final int A_DATA = 3;
    static final int A_SHUTDOWN = 4;
    static final int A_CLOSE = 5;
    static final int A_ABORT = 6;
    static final int A_RESUME = 7;
    static final int A_EOF = 8;
    static final int A_RESET = 9;
    static final int A_TIMEOUT = 10;
    static final int A_CLOSED = 11;
    private static final String[] APP_NAMES = { "connect", "opened", "write", "onData", "shutdownOutput",
        "close", "abort", "resumeReading", "onPeerClosed", "onReset", "onTimeout", "onClosed" };
    private static final String[] SIDE = { "C", "S" };

    private final int capacity;
    private final long[] timeNs;
    private final int[][] fields;
    private long count;

    Trace(final int capacity)
    {
        this.capacity = capacity;
        timeNs = new long[capacity];
        fields = new int[capacity][10];
    }

    void add(final long now, final int kind, final int side, final int a, final int b, final int c, final int d,
        final int e)
    {
        add(now, kind, side, a, b, c, d, e, 0, 0);
    }

    void add(final long now, final int kind, final int side, final int a, final int b, final int c, final int d,
        final int e, final int f, final int g)
    {
        final int i = (int)(count++ % capacity);
        timeNs[i] = now;
        final int[] x = fields[i];
        x[0] = kind;
        x[1] = side;
        x[2] = a;
        x[3] = b;
        x[4] = c;
        x[5] = d;
        x[6] = e;
        x[7] = f;
        x[8] = g;
    }

    String format()
    {
        final StringBuilder sb = new StringBuilder();
        final long first = Math.max(0, count - capacity);
        for (long n = first; n < count; n++)
        {
            final int i = (int)(n % capacity);
            final int[] x = fields[i];
            sb.append(String.format("    %10.3f ms %s ", timeNs[i] / 1e6, SIDE[x[1]]));
            final String seg = TcpSegment.flagsToString(x[2]) + " seq=" + Integer.toUnsignedString(x[3]) +
                " ack=" + Integer.toUnsignedString(x[4]);
            switch (x[0])
            {
                case EMIT:
                    sb.append("emit    ").append(x[7]).append(">").append(x[8]).append(' ').append(seg)
                        .append(" win=").append(x[5]).append(" len=").append(x[6]);
                    break;
                case LOST:
                    sb.append("LOST    ").append(seg).append(" len=").append(x[6]);
                    break;
                case DUPLICATED:
                    sb.append("DUP     ").append(seg).append(" len=").append(x[6]);
                    break;
                case CORRUPTED:
                    sb.append("FLIP    ").append(seg).append(" bit ").append(x[5]).append(" (byte ")
                        .append(x[5] >>> 3).append(')');
                    break;
                case PARSE_DROP:
                    sb.append("parser dropped a flipped frame (byte ").append(x[3]).append("): ")
                        .append(FrameParser.dropReasonName(x[2]));
                    break;
                case DELIVER:
                    sb.append("recv    ").append(x[7]).append(">").append(x[8]).append(' ').append(seg)
                        .append(" win=").append(x[5]).append(" len=").append(x[6]);
                    break;
                case TIMER:
                    sb.append("timers");
                    break;
                case APP:
                    sb.append("app     conn ").append(x[3]).append(' ').append(APP_NAMES[x[2]]);
                    if (x[2] == A_WRITE || x[2] == A_DATA)
                    {
                        sb.append(' ').append(x[4]).append(" -> ").append(x[5]);
                    }
                    else if (x[2] == A_CONNECT)
                    {
                        sb.append(' ').append(x[4]).append(">").append(x[5]);
                    }
                    break;
                case STATE:
                    sb.append("state   conn ").append(x[2]).append(' ').append(TcpState.values()[x[3]])
                        .append(" -> ").append(TcpState.values()[x[4]]);
                    break;
                default:
                    sb.append("?");
            }
            sb.append('\n');
        }
        return sb.toString();
    }
}
