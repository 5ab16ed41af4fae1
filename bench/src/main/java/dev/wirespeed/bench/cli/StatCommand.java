package dev.wirespeed.bench.cli;

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
    description = "Prints the live counters of a running Wirespeed engine (newest /dev/shm/wirespeed-*.counters).")
public final class StatCommand implements Callable<Integer>
{
    @Option(names = "--file", description = "counters file to read (default: the newest wirespeed-*.counters in --dir)")
    Path file;

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
        final Path target = file != null ? file : newestRunning();
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
        return newest;
    }
}
