package dev.wirespeed.engine.runtime.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Writes frames to a classic libpcap file (not pcapng), LINKTYPE_ETHERNET, with microsecond or nanosecond
 * timestamps. Records are staged in one preallocated direct buffer and written to a {@link FileChannel} when it
 * fills and on {@link #flush()}/{@link #close()}: {@link #write} copies bytes and allocates nothing.
 * <pre>
 *  file header (24 bytes, little-endian)                  record header (16 bytes) + captured bytes
 *  +-------------------+---------+---------+             +--------+------------+----------+----------+------
 *  | magic a1b2c3d4 us |  major  |  minor  |             | ts_sec | ts_usec or | incl_len | orig_len | frame
 *  |    or a1b23c4d ns |  2      |  4      |             |        | ts_nsec    |          |          | ...
 *  +-------------------+---------+---------+             +--------+------------+----------+----------+------
 *  | thiszone 0 | sigfigs 0 | snaplen | linktype 1 |
 * </pre>
 * One writer per shard: {@link #shardFile(Path, int)} gives each shard its own file name.
 * <p>
 * Not thread safe.
 */
public final class PcapWriter implements AutoCloseable
{
    public static final int MAGIC_MICROS = 0xA1B2C3D4;
    public static final int MAGIC_NANOS = 0xA1B23C4D;
    public static final int VERSION_MAJOR = 2;
    public static final int VERSION_MINOR = 4;
    public static final int LINKTYPE_ETHERNET = 1;

    public static final int MAGIC_OFFSET = 0;
    public static final int VERSION_MAJOR_OFFSET = 4;
    public static final int VERSION_MINOR_OFFSET = 6;
    public static final int THISZONE_OFFSET = 8;
    public static final int SIGFIGS_OFFSET = 12;
    public static final int SNAPLEN_OFFSET = 16;
    public static final int LINKTYPE_OFFSET = 20;
    public static final int FILE_HEADER_LENGTH = 24;

    public static final int TS_SEC_OFFSET = 0;
    public static final int TS_FRACTION_OFFSET = 4;
    public static final int INCL_LEN_OFFSET = 8;
    public static final int ORIG_LEN_OFFSET = 12;
    public static final int RECORD_HEADER_LENGTH = 16;

    public static final int DEFAULT_SNAP_LENGTH = 65535;
    public static final int DEFAULT_BUFFER_LENGTH = 1 << 20;

    private static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;

    private final FileChannel channel;
    private final ByteBuffer byteBuffer;
    private final UnsafeBuffer staging;
    private final Path file;
    private final boolean nanos;
    private final int snapLength;
    private int position;
    private long packets;
    private long flushes;
    private boolean closed;

    /**
     * Creates (or truncates) {@code file} and writes the file header.
     *
     * @param file         to write.
     * @param nanos        true for nanosecond timestamps (magic a1b23c4d), false for microseconds (a1b2c3d4).
     * @param snapLength   longest captured frame; longer frames are cut (orig_len keeps their length).
     * @param bufferLength staging buffer bytes; at least one record of {@code snapLength}.
     */
    public PcapWriter(final Path file, final boolean nanos, final int snapLength, final int bufferLength)
    {
        if (snapLength < 1 || snapLength > 262144)
        {
            throw new IllegalArgumentException("pcap snap length must be 1..262144: " + snapLength);
        }
        if (bufferLength < RECORD_HEADER_LENGTH + snapLength)
        {
            throw new IllegalArgumentException("pcap buffer of " + bufferLength + " bytes cannot hold one record of " +
                (RECORD_HEADER_LENGTH + snapLength) + " bytes");
        }
        this.file = file;
        this.nanos = nanos;
        this.snapLength = snapLength;
        this.byteBuffer = ByteBuffer.allocateDirect(bufferLength);
        this.staging = new UnsafeBuffer(byteBuffer);
        try
        {
            this.channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot create pcap file " + file + ": " + ex.getMessage(), ex);
        }
        staging.putInt(MAGIC_OFFSET, nanos ? MAGIC_NANOS : MAGIC_MICROS, ORDER);
        staging.putShort(VERSION_MAJOR_OFFSET, (short)VERSION_MAJOR, ORDER);
        staging.putShort(VERSION_MINOR_OFFSET, (short)VERSION_MINOR, ORDER);
        staging.putInt(THISZONE_OFFSET, 0, ORDER);
        staging.putInt(SIGFIGS_OFFSET, 0, ORDER);
        staging.putInt(SNAPLEN_OFFSET, snapLength, ORDER);
        staging.putInt(LINKTYPE_OFFSET, LINKTYPE_ETHERNET, ORDER);
        position = FILE_HEADER_LENGTH;
    }

    /** A nanosecond writer with the default snap length and a 1 MiB buffer. */
    public PcapWriter(final Path file)
    {
        this(file, true, DEFAULT_SNAP_LENGTH, DEFAULT_BUFFER_LENGTH);
    }

    /**
     * The file of one shard: {@code dir/capture.pcap} becomes {@code dir/capture-shard3.pcap}; a name without
     * the {@code .pcap} extension gets {@code -shard3.pcap} appended.
     */
    public static Path shardFile(final Path base, final int shardId)
    {
        final String name = base.getFileName().toString();
        final String stem = name.endsWith(".pcap") ? name.substring(0, name.length() - 5) : name;
        return base.resolveSibling(stem + "-shard" + shardId + ".pcap");
    }

    /**
     * Appends one frame.
     *
     * @param buffer      holding the frame (e.g. an {@code MbufView} over an mbuf).
     * @param offset      of the first byte of the Ethernet header.
     * @param length      of the frame; at most the snap length is captured.
     * @param timestampNs capture time in ns since the Unix epoch.
     */
    public void write(final DirectBuffer buffer, final int offset, final int length, final long timestampNs)
    {
        if (closed)
        {
            throw new IllegalStateException("pcap writer closed: " + file);
        }
        final int captured = Math.min(length, snapLength);
        if (position + RECORD_HEADER_LENGTH + captured > staging.capacity())
        {
            flush();
        }
        final long seconds = Math.floorDiv(timestampNs, 1_000_000_000L);
        final long fractionNs = Math.floorMod(timestampNs, 1_000_000_000L);
        final int p = position;
        staging.putInt(p + TS_SEC_OFFSET, (int)seconds, ORDER);
        staging.putInt(p + TS_FRACTION_OFFSET, (int)(nanos ? fractionNs : fractionNs / 1000), ORDER);
        staging.putInt(p + INCL_LEN_OFFSET, captured, ORDER);
        staging.putInt(p + ORIG_LEN_OFFSET, length, ORDER);
        staging.putBytes(p + RECORD_HEADER_LENGTH, buffer, offset, captured);
        position = p + RECORD_HEADER_LENGTH + captured;
        packets++;
    }

    /** Writes the staged records to the file. */
    public void flush()
    {
        if (position == 0)
        {
            return;
        }
        byteBuffer.limit(position).position(0);
        try
        {
            while (byteBuffer.hasRemaining())
            {
                channel.write(byteBuffer);
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot write pcap file " + file + ": " + ex.getMessage(), ex);
        }
        byteBuffer.clear();
        position = 0;
        flushes++;
    }

    public Path file()
    {
        return file;
    }

    /** Frames written so far (staged or on disk). */
    public long packets()
    {
        return packets;
    }

    /** Times the staging buffer went to the file. */
    public long flushes()
    {
        return flushes;
    }

    public void close()
    {
        if (closed)
        {
            return;
        }
        try
        {
            flush();
        }
        finally
        {
            closed = true;
            try
            {
                channel.close();
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException("cannot close pcap file " + file + ": " + ex.getMessage(), ex);
            }
        }
    }
}
