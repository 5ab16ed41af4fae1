package dev.wirespeed.engine.runtime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;

import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Reads an {@link EngineCounters} file from another process, read-only, while the engine runs (what
 * {@code wirespeed stat} uses). Values are read with acquire semantics by Agrona's reader.
 * <p>
 * Not thread safe.
 */
public final class CountersReader implements AutoCloseable
{
    /** Receives one counter. */
    @FunctionalInterface
    public interface CounterConsumer
    {
        /**
         * One counter, as read now.
         *
         * @param counterId the counter's id in the file.
         * @param label     its label, e.g. {@code "shard-0 rx packets"}.
         * @param value     its value when read.
         */
        void accept(int counterId, String label, long value);
    }

    private final Path file;
    private final MappedByteBuffer mapped;
    private final long pid;
    private final long startTimeMs;
    private final org.agrona.concurrent.status.CountersReader reader;

    private CountersReader(final Path file, final MappedByteBuffer mapped, final long pid, final long startTimeMs,
        final org.agrona.concurrent.status.CountersReader reader)
    {
        this.file = file;
        this.mapped = mapped;
        this.pid = pid;
        this.startTimeMs = startTimeMs;
        this.reader = reader;
    }

    /**
     * Maps a counters file read-only and checks its header.
     *
     * @param file a {@code wirespeed-*.counters} file.
     * @return the reader; close it to unmap the file.
     * @throws IllegalStateException if it is missing, not a Wirespeed counters file, or of another version.
     */
    public static CountersReader open(final Path file)
    {
        final MappedByteBuffer mapped;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ))
        {
            final long size = channel.size();
            if (size < EngineCounters.HEADER_LENGTH)
            {
                throw new IllegalStateException("not a Wirespeed counters file (too short): " + file);
            }
            mapped = channel.map(FileChannel.MapMode.READ_ONLY, 0, size);
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException("cannot open counters file " + file + ": " + ex, ex);
        }
        final UnsafeBuffer header = new UnsafeBuffer(mapped, 0, EngineCounters.HEADER_LENGTH);
        final int magic = header.getIntAcquire(EngineCounters.MAGIC_OFFSET);
        if (magic != EngineCounters.MAGIC)
        {
            IoUtil.unmap(mapped);
            throw new IllegalStateException("not a Wirespeed counters file (bad magic 0x" + Integer.toHexString(magic) +
                "), or the engine is still starting: " + file);
        }
        final int version = header.getInt(EngineCounters.VERSION_OFFSET, EngineCounters.ORDER);
        if (version != EngineCounters.VERSION)
        {
            IoUtil.unmap(mapped);
            throw new IllegalStateException("counters file " + file + " has version " + version + ", this reader knows " +
                EngineCounters.VERSION);
        }
        final int metadataLength = header.getInt(EngineCounters.METADATA_LENGTH_OFFSET, EngineCounters.ORDER);
        final int valuesLength = header.getInt(EngineCounters.VALUES_LENGTH_OFFSET, EngineCounters.ORDER);
        if (metadataLength <= 0 || valuesLength <= 0 ||
            (long)EngineCounters.HEADER_LENGTH + metadataLength + valuesLength > mapped.capacity())
        {
            IoUtil.unmap(mapped);
            throw new IllegalStateException("counters file " + file + " is truncated or corrupt");
        }
        final long pid = header.getLong(EngineCounters.PID_OFFSET, EngineCounters.ORDER);
        final long startTimeMs = header.getLong(EngineCounters.START_TIME_MS_OFFSET, EngineCounters.ORDER);
        final org.agrona.concurrent.status.CountersReader reader = new org.agrona.concurrent.status.CountersReader(
            new UnsafeBuffer(mapped, EngineCounters.HEADER_LENGTH, metadataLength),
            new UnsafeBuffer(mapped, EngineCounters.HEADER_LENGTH + metadataLength, valuesLength));
        return new CountersReader(file, mapped, pid, startTimeMs, reader);
    }

    /**
     * The most recently modified {@code wirespeed-*.counters} file in {@code dir}, or null if there is none.
     *
     * @param dir the counters directory, e.g. {@link EngineCounters#DEFAULT_DIR}.
     * @return the file, or null.
     * @throws java.io.UncheckedIOException if the directory cannot be listed.
     */
    public static Path findNewest(final Path dir)
    {
        Path newest = null;
        FileTime newestTime = null;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir,
            EngineCounters.FILE_PREFIX + "*" + EngineCounters.FILE_SUFFIX))
        {
            for (final Path f : files)
            {
                final FileTime t = Files.getLastModifiedTime(f);
                if (newestTime == null || t.compareTo(newestTime) > 0)
                {
                    newest = f;
                    newestTime = t;
                }
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot list " + dir + ": " + ex.getMessage(), ex);
        }
        return newest;
    }

    /**
     * The counters file this reader maps.
     *
     * @return its path.
     */
    public Path file()
    {
        return file;
    }

    /**
     * Process id of the engine that wrote the file.
     *
     * @return the pid written in the header.
     */
    public long pid()
    {
        return pid;
    }

    /**
     * When the engine that wrote the file started.
     *
     * @return wall-clock time in milliseconds since the epoch.
     */
    public long startTimeMs()
    {
        return startTimeMs;
    }

    /**
     * True if the writing process is still running.
     *
     * @return false once the process is gone (the values are then its last ones).
     */
    public boolean isEngineAlive()
    {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    /**
     * Every allocated counter, in id order.
     *
     * @param consumer receives id, label and value of each counter.
     */
    public void forEach(final CounterConsumer consumer)
    {
        reader.forEach((value, counterId, label) -> consumer.accept(counterId, label, value));
    }

    /**
     * The value of the counter with exactly this label.
     *
     * @param label the exact label.
     * @return the value now.
     * @throws IllegalArgumentException if there is none.
     */
    public long value(final String label)
    {
        final long[] found = {Long.MIN_VALUE};
        final boolean[] seen = {false};
        reader.forEach((value, counterId, l) ->
        {
            if (!seen[0] && l.equals(label))
            {
                seen[0] = true;
                found[0] = value;
            }
        });
        if (!seen[0])
        {
            throw new IllegalArgumentException("no counter labelled '" + label + "' in " + file);
        }
        return found[0];
    }

    /**
     * Number of allocated counters.
     *
     * @return the number of counters.
     */
    public int count()
    {
        final int[] n = {0};
        reader.forEach((value, counterId, label) -> n[0]++);
        return n[0];
    }

    public void close()
    {
        IoUtil.unmap(mapped);
    }
}
