package dev.wirespeed.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;

import dev.wirespeed.engine.runtime.CountersReader;
import dev.wirespeed.engine.runtime.EngineCounters;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Like AeronStat: prints a running engine's counters ({@code label: value}) every interval, read from the
 * memory-mapped counters file without disturbing the engine.
 */
@Command(name = "stat", mixinStandardHelpOptions = true,
    description = "Prints the live counters of a running Wirespeed engine (--name, or the newest /dev/shm/wirespeed-*.counters).")
public final class StatCommand implements Callable<Integer>
{
    @Option(names = "--file", description = "counters file to read (default: the newest wirespeed-*.counters in --dir)")
    Path file;

    @Option(names = "--name", paramLabel = "ENGINE",
        description = "the engine to read, by name (its file is wirespeed-ENGINE.counters in --dir; see --list)")
    String name;

    @Option(names = "--list", description = "list the engines that have a counters file in --dir, and exit")
    boolean list;

    @Option(names = "--dir", defaultValue = "/dev/shm", description = "where engines put their counters (default ${DEFAULT-VALUE})")
    Path dir;

    @Option(names = "--interval", defaultValue = "1", description = "seconds between prints (default ${DEFAULT-VALUE})")
    double intervalSeconds;

    @Option(names = "--count", defaultValue = "0", description = "stop after this many prints (default 0: until Ctrl-C)")
    long count;

    @Spec
    CommandSpec spec;

    public Integer call() throws InterruptedException
    {
        if (!(intervalSeconds >= 0.01 && intervalSeconds <= 3600) || count < 0)
        {
            throw new IllegalArgumentException("--interval must be 0.01..3600 seconds and --count >= 0");
        }
        final PrintWriter out = spec.commandLine().getOut();
        if (list)
        {
            list(out);
            return 0;
        }
        final Path named = name == null ? null :
            dir.resolve(EngineCounters.FILE_PREFIX + name + EngineCounters.FILE_SUFFIX);
        if (named != null && !Files.exists(named))
        {
            throw new IllegalStateException("no engine named '" + name + "': no " + named + " (see 'wirespeed stat --list')");
        }
        final Path target = file != null ? file : named != null ? named : newestRunning();
        if (file != null && !Files.exists(file))
        {
            throw new IllegalStateException("no counters file " + file);
        }
        try (CountersReader reader = CountersReader.open(target))
        {
            if (!reader.isEngineAlive())
            {
                spec.commandLine().getErr().println("wirespeed: engine pid " + reader.pid() +
                    " is not running; showing the last values it wrote");
            }
            final long intervalMs = Math.round(intervalSeconds * 1000);
            for (long printed = 0; count == 0 || printed < count; printed++)
            {
                if (printed > 0)
                {
                    Thread.sleep(intervalMs);
                }
                out.println("== " + Instant.now() + "  pid " + reader.pid() + "  " + reader.file() + " ==");
                reader.forEach((id, label, value) -> out.println(label + ": " + value));
                out.flush();
            }
        }
        return 0;
    }

    /** Every engine with a counters file in {@code dir}: its name, pid, and whether it still runs. */
    private void list(final PrintWriter out)
    {
        for (final Path f : countersFiles())
        {
            final String fileName = f.getFileName().toString();
            final String engine = fileName.substring(EngineCounters.FILE_PREFIX.length(),
                fileName.length() - EngineCounters.FILE_SUFFIX.length());
            try (CountersReader reader = CountersReader.open(f))
            {
                out.println(engine + " pid " + reader.pid() + (reader.isEngineAlive() ? " running" : " exited") +
                    " " + f);
            }
            catch (final RuntimeException ex)
            {
                out.println(engine + " unreadable (" + ex.getMessage() + ") " + f);
            }
        }
        out.flush();
    }

    private java.util.List<Path> countersFiles()
    {
        if (!Files.isDirectory(dir))
        {
            return java.util.List.of();
        }
        try (java.util.stream.Stream<Path> files = Files.list(dir))
        {
            return files.filter(f ->
                {
                    final String n = f.getFileName().toString();
                    return n.startsWith(EngineCounters.FILE_PREFIX) && n.endsWith(EngineCounters.FILE_SUFFIX);
                })
                .sorted().toList();
        }
        catch (final java.io.IOException ex)
        {
            throw new IllegalStateException("cannot list " + dir + ": " + ex.getMessage());
        }
    }

    private Path newestRunning()
    {
        if (!Files.isDirectory(dir))
        {
            throw new IllegalStateException("no Wirespeed engine is running: " + dir + " is not a directory");
        }
        final Path newest = CountersReader.findNewest(dir);
        if (newest == null)
        {
            throw new IllegalStateException("no Wirespeed engine is running: no " + EngineCounters.FILE_PREFIX + "*" +
                EngineCounters.FILE_SUFFIX + " in " + dir + " (start an engine, or pass --file)");
        }
        try (CountersReader reader = CountersReader.open(newest))
        {
            if (!reader.isEngineAlive())
            {
                throw new IllegalStateException("no Wirespeed engine is running: the newest counters file " + newest +
                    " belongs to pid " + reader.pid() + ", which has exited (pass --file " + newest + " to read it anyway)");
            }
        }
        final long running = countersFiles().stream().filter(f ->
        {
            try (CountersReader reader = CountersReader.open(f))
            {
                return reader.isEngineAlive();
            }
            catch (final RuntimeException ex)
            {
                return false;
            }
        }).count();
        if (running > 1)
        {
            spec.commandLine().getErr().println("wirespeed: " + running + " engines are running; showing the newest, " +
                newest.getFileName() + " (choose one with --name; 'wirespeed stat --list' lists them)");
        }
        return newest;
    }
}
