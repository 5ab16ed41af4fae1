package dev.wirespeed.engine.runtime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.status.CountersManager;

/**
 * The engine's live counters: an Agrona {@link CountersManager} over a memory-mapped file, so another process
 * ({@code wirespeed stat}, through {@link CountersReader}) can read them while the engine runs, as AeronStat
 * reads Aeron's CnC file.
 * <pre>
 *  0        4         8              16            20            24               32        128
 *  +--------+---------+--------------+-------------+-------------+----------------+- - - - -+
 *  | magic  | version | pid          | metadata    | values      | start time     | (zero)  |
 *  | "WSCT" | 1       | (int64)      | length      | length      | epoch ms       |         |
 *  +--------+---------+--------------+-------------+-------------+----------------+- - - - -+
 *  | metadata: maxCounters x CountersReader.METADATA_LENGTH (labels, type ids)                |
 *  +-----------------------------------------------------------------------------------------+
 *  | values: maxCounters x CountersReader.COUNTER_LENGTH (one padded int64 each)              |
 *  +-----------------------------------------------------------------------------------------+
 * </pre>
 * The header is little-endian; the magic is written last (release), so a reader that sees it sees the rest.
 * Counters are allocated at start-up (allocation and labels are not on the hot path); each is then written only
 * by the shard that owns it, with {@code incrementRelease}/{@code getAndAddRelease} (single writer).
 * <p>
 * Not thread safe: allocate from one thread; each counter is written by one thread.
 */
public final class EngineCounters implements AutoCloseable
{
    /** Header: the magic int at {@link #MAGIC_OFFSET}, written last with release semantics. */
    public static final int MAGIC = 0x54435357; // "WSCT" in little-endian bytes
    /** Header: the layout version this code writes and reads. */
    public static final int VERSION = 1;
    /** Header: byte offset of the magic int. */
    public static final int MAGIC_OFFSET = 0;
    /** Header: byte offset of the version int. */
    public static final int VERSION_OFFSET = 4;
    /** Header: byte offset of the writer's process id (long). */
    public static final int PID_OFFSET = 8;
    /** Header: byte offset of the metadata section's length in bytes (int). */
    public static final int METADATA_LENGTH_OFFSET = 16;
    /** Header: byte offset of the values section's length in bytes (int). */
    public static final int VALUES_LENGTH_OFFSET = 20;
    /** Header: byte offset of the writer's start time, wall-clock ms since the epoch (long). */
    public static final int START_TIME_MS_OFFSET = 24;
    /** Header length in bytes; the metadata section follows it. */
    public static final int HEADER_LENGTH = 128;

    /** File names are {@code FILE_PREFIX + name + FILE_SUFFIX}. */
    public static final String FILE_PREFIX = "wirespeed-";
    /** File names are {@code FILE_PREFIX + name + FILE_SUFFIX}. */
    public static final String FILE_SUFFIX = ".counters";
    /** Where counters files go unless told otherwise: {@code /dev/shm}. */
    public static final Path DEFAULT_DIR = Path.of("/dev/shm");
    /** Counters a file made by {@link #create()} holds. */
    public static final int DEFAULT_MAX_COUNTERS = 1024;

    /** Counter type ids (Agrona metadata), so a reader can group counters. */
    public static final int TYPE_GENERIC = 0;
    /** Counter type: packets. */
    public static final int TYPE_PACKETS = 1;
    /** Counter type: bytes. */
    public static final int TYPE_BYTES = 2;
    /** Counter type: frames dropped, one counter per reason. */
    public static final int TYPE_DROPS = 3;
    /** Counter type: connections in one TCP state. */
    public static final int TYPE_CONNECTIONS = 4;
    /** Counter type: TCP events ({@link dev.wirespeed.engine.tcp.TcpCounters}). */
    public static final int TYPE_TCP_EVENTS = 5;

    static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;

    private final Path file;
    private final MappedByteBuffer mapped;
    private final CountersManager manager;
    private final boolean deleteOnClose;
    private boolean closed;

    private EngineCounters(final Path file, final MappedByteBuffer mapped, final CountersManager manager,
        final boolean deleteOnClose)
    {
        this.file = file;
        this.mapped = mapped;
        this.manager = manager;
        this.deleteOnClose = deleteOnClose;
    }

    /**
     * {@code /dev/shm/wirespeed-<pid>.counters}.
     *
     * @return the path, for this process.
     */
    public static Path defaultFile()
    {
        return DEFAULT_DIR.resolve(FILE_PREFIX + ProcessHandle.current().pid() + FILE_SUFFIX);
    }

    /**
     * Creates {@link #defaultFile()} with room for {@link #DEFAULT_MAX_COUNTERS}, deleted on close.
     *
     * @return the counters.
     */
    public static EngineCounters create()
    {
        return create(defaultFile(), DEFAULT_MAX_COUNTERS, true);
    }

    /**
     * Creates (or replaces) a counters file.
     *
     * @param file          e.g. {@link #defaultFile()} or the path given with {@code --counters}.
     * @param maxCounters   how many counters it can hold.
     * @param deleteOnClose true to delete the file on {@link #close()}.
     * @return the counters, the header written.
     * @throws IllegalArgumentException if {@code maxCounters} is outside 1..2^20.
     * @throws java.io.UncheckedIOException if the file cannot be created.
     */
    public static EngineCounters create(final Path file, final int maxCounters, final boolean deleteOnClose)
    {
        if (maxCounters < 1 || maxCounters > 1 << 20)
        {
            throw new IllegalArgumentException("maxCounters must be 1..1048576: " + maxCounters);
        }
        final int metadataLength = maxCounters * org.agrona.concurrent.status.CountersReader.METADATA_LENGTH;
        final int valuesLength = maxCounters * org.agrona.concurrent.status.CountersReader.COUNTER_LENGTH;
        final long total = (long)HEADER_LENGTH + metadataLength + valuesLength;
        final MappedByteBuffer mapped;
        try
        {
            Files.deleteIfExists(file);
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE))
            {
                mapped = channel.map(FileChannel.MapMode.READ_WRITE, 0, total);
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot create counters file " + file + ": " + ex.getMessage(), ex);
        }
        final UnsafeBuffer header = new UnsafeBuffer(mapped, 0, HEADER_LENGTH);
        header.putInt(VERSION_OFFSET, VERSION, ORDER);
        header.putLong(PID_OFFSET, ProcessHandle.current().pid(), ORDER);
        header.putInt(METADATA_LENGTH_OFFSET, metadataLength, ORDER);
        header.putInt(VALUES_LENGTH_OFFSET, valuesLength, ORDER);
        header.putLong(START_TIME_MS_OFFSET, System.currentTimeMillis(), ORDER);
        final UnsafeBuffer metadata = new UnsafeBuffer(mapped, HEADER_LENGTH, metadataLength);
        final UnsafeBuffer values = new UnsafeBuffer(mapped, HEADER_LENGTH + metadataLength, valuesLength);
        final CountersManager manager = new CountersManager(metadata, values);
        header.putIntRelease(MAGIC_OFFSET, MAGIC);
        return new EngineCounters(file, mapped, manager, deleteOnClose);
    }

    /**
     * Allocates one counter; {@code label} is what {@code wirespeed stat} prints.
     *
     * @param label  the counter's label.
     * @param typeId one of the {@code TYPE_*}.
     * @return the counter, zero.
     * @throws IllegalStateException if the file is full.
     */
    public AtomicCounter newCounter(final String label, final int typeId)
    {
        if (manager.available() < 1)
        {
            throw new IllegalStateException("counters file " + file + " is full (" + manager.capacity() + " counters)");
        }
        return manager.newCounter(label, typeId);
    }

    /**
     * Allocates the standard counters of one shard ("shard-N ...").
     *
     * @param shardId the shard index, from 0.
     * @return the shard's counters.
     */
    public ShardCounters shard(final int shardId)
    {
        return new ShardCounters(this, shardId);
    }

    /**
     * Allocates the port's own counters ("port imissed", ...): once per engine.
     *
     * @return the port's counters.
     */
    public PortCounters port()
    {
        return new PortCounters(this);
    }

    /**
     * The counters file.
     *
     * @return its path.
     */
    public Path file()
    {
        return file;
    }

    /**
     * The Agrona counters manager over the file, for counters of one's own.
     *
     * @return the manager; allocate from one thread.
     */
    public CountersManager manager()
    {
        return manager;
    }

    /** Unmaps the file and, if asked at creation, deletes it. */
    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        IoUtil.unmap(mapped);
        if (deleteOnClose)
        {
            try
            {
                Files.deleteIfExists(file);
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException("cannot delete counters file " + file + ": " + ex.getMessage(), ex);
            }
        }
    }
}
