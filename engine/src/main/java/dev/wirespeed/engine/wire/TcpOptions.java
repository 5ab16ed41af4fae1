package dev.wirespeed.engine.wire;

/**
 * Parsed TCP options of one segment: a reusable, mutable holder (one per parser or per TCB, never per packet).
 * <p>
 * This class is the contract between the wire layer, which fills it from bytes ({@code TcpOptionsCodec}),
 * and the TCP layer, which reads and fills it to build segments. Fields are public for speed and simplicity,
 * in the style of a C struct; {@link #reset()} clears it before reuse.
 * <p>
 * Not thread safe.
 */
public final class TcpOptions
{
    /**
     * Options with nothing present; a parser or a sender fills them.
     */
    public TcpOptions()
    {
    }

    /** At most four SACK blocks fit in 40 bytes of options (three with timestamps). */
    public static final int MAX_SACK_BLOCKS = 4;

    /** True if an MSS option was present. */
    public boolean mssPresent;
    /** Maximum segment size, unsigned 16 bits. Meaningful only when {@link #mssPresent}. */
    public int mss;

    /** True if a window scale option was present. */
    public boolean windowScalePresent;
    /** Shift count as received (0..255); the TCP layer clamps values above 14 to 14 (RFC 7323 §2.3). */
    public int windowScale;

    /** True if SACK-permitted was present (SYNs only). */
    public boolean sackPermitted;

    /** True if a timestamps option was present. */
    public boolean timestampPresent;
    /** TSval, unsigned 32 bits held in an int. */
    public int tsVal;
    /** TSecr, unsigned 32 bits held in an int. */
    public int tsEcr;

    /** Number of valid SACK blocks in {@link #sackLeft}/{@link #sackRight}. */
    public int sackBlockCount;
    /** SACK block left edges (sequence numbers, unsigned 32 bits held in ints). */
    public final int[] sackLeft = new int[MAX_SACK_BLOCKS];
    /** SACK block right edges (sequence numbers, unsigned 32 bits held in ints). */
    public final int[] sackRight = new int[MAX_SACK_BLOCKS];

    /**
     * Clears every option, for reuse.
     *
     * @return this for a fluent API.
     */
    public TcpOptions reset()
    {
        mssPresent = false;
        mss = 0;
        windowScalePresent = false;
        windowScale = 0;
        sackPermitted = false;
        timestampPresent = false;
        tsVal = 0;
        tsEcr = 0;
        sackBlockCount = 0;
        return this;
    }

    /**
     * Copies every option of {@code other}, SACK blocks included.
     *
     * @param other the options to copy.
     */
    public void copyFrom(final TcpOptions other)
    {
        mssPresent = other.mssPresent;
        mss = other.mss;
        windowScalePresent = other.windowScalePresent;
        windowScale = other.windowScale;
        sackPermitted = other.sackPermitted;
        timestampPresent = other.timestampPresent;
        tsVal = other.tsVal;
        tsEcr = other.tsEcr;
        sackBlockCount = other.sackBlockCount;
        System.arraycopy(other.sackLeft, 0, sackLeft, 0, MAX_SACK_BLOCKS);
        System.arraycopy(other.sackRight, 0, sackRight, 0, MAX_SACK_BLOCKS);
    }

    public String toString()
    {
        final StringBuilder sb = new StringBuilder("TcpOptions{");
        if (mssPresent)
        {
            sb.append("mss=").append(mss).append(' ');
        }
        if (windowScalePresent)
        {
            sb.append("ws=").append(windowScale).append(' ');
        }
        if (sackPermitted)
        {
            sb.append("sackOK ");
        }
        if (timestampPresent)
        {
            sb.append("ts=").append(Integer.toUnsignedString(tsVal)).append('/').append(Integer.toUnsignedString(tsEcr)).append(' ');
        }
        for (int i = 0; i < sackBlockCount; i++)
        {
            sb.append("sack[").append(Integer.toUnsignedString(sackLeft[i])).append(',')
                .append(Integer.toUnsignedString(sackRight[i])).append(") ");
        }
        return sb.append('}').toString();
    }
}
