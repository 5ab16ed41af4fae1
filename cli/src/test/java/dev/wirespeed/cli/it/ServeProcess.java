package dev.wirespeed.cli.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import dev.wirespeed.cli.WirespeedCli;

/** {@code wirespeed serve} as a child JVM inside a namespace, its output collected line by line. */
final class ServeProcess implements AutoCloseable
{
    final Process process;
    final List<String> lines = new CopyOnWriteArrayList<>();
    private final Thread reader;

    private ServeProcess(final Process process)
    {
        this.process = process;
        reader = new Thread(() ->
        {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)))
            {
                String line;
                while ((line = r.readLine()) != null)
                {
                    lines.add(line);
                }
            }
            catch (final IOException ignored)
            {
                // process ended
            }
        }, "serve-output");
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts serve inside namespace {@code ns}, or in this one when {@code ns} is null (in-process vdevs only). */
    static ServeProcess start(final String ns, final String... args) throws IOException, InterruptedException
    {
        final List<String> all = new ArrayList<>(List.of("serve"));
        all.addAll(List.of(args));
        return startCli(ns, all.toArray(String[]::new));
    }

    /**
     * Any {@code wirespeed} command that prints a line starting with {@code ready} once it is up, inside namespace
     * {@code ns}, or in this one when {@code ns} is null (in-process vdevs only).
     */
    static ServeProcess startCli(final String ns, final String... args) throws IOException, InterruptedException
    {
        final String[] java = {Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "--enable-native-access=ALL-UNNAMED", "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
            "-cp", System.getProperty("java.class.path"), WirespeedCli.class.getName()};
        final List<String> cmd = new ArrayList<>(ns == null ? List.of(java) : NetNs.prefix(ns, java));
        cmd.addAll(List.of(args));
        final ServeProcess p = new ServeProcess(new ProcessBuilder(cmd).redirectErrorStream(true).start());
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() - deadline < 0)
        {
            if (p.lines.stream().anyMatch(l -> l.startsWith("ready")))
            {
                return p;
            }
            if (!p.process.isAlive())
            {
                break;
            }
            Thread.sleep(50);
        }
        p.close();
        throw new IOException(args[0] + " did not print 'ready': " + String.join("\n", p.lines));
    }

    String output()
    {
        return String.join("\n", lines);
    }

    /** SIGTERM, as a user's Ctrl-C or service manager would; waits for the clean shutdown. */
    int stop() throws InterruptedException
    {
        // Through the handle: Process.destroy() would also close our end of its output, losing the summary.
        process.toHandle().destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS))
        {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
            return -1;
        }
        reader.join(5000); // the last lines, up to end of stream
        return process.exitValue();
    }

    public void close() throws InterruptedException
    {
        if (process.isAlive())
        {
            stop();
        }
    }
}
