package dev.wirespeed.cli.it;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The interop tests' common set-up: a veth pair between two fresh namespaces ({@link NetNs}: the engine's side A at
 * {@link NetNs#ENGINE_IP}, the Linux peer's side B at {@link NetNs#PEER_IP}, 192.0.2.0/24, no route out),
 * {@code wirespeed serve} on side A, and the temporary files a test copies in or lets serve write. {@link #close}
 * stops serve, removes the namespaces and deletes the files, whatever part of the set-up got done.
 */
final class ServeFixture implements AutoCloseable
{
    private static final Pattern MAC = Pattern.compile(" mac=([0-9a-f:]{17}) ");
    private static final Pattern COUNTERS = Pattern.compile(" counters=(\\S+)");

    final NetNs net;
    private final List<Path> files = new ArrayList<>();
    private ServeProcess serve;

    private ServeFixture(final NetNs net)
    {
        this.net = net;
    }

    /** Two new namespaces joined by a veth pair; serve is not started yet. */
    static ServeFixture create() throws IOException, InterruptedException
    {
        return new ServeFixture(NetNs.create());
    }

    /** An empty temporary file, deleted by {@link #close}. */
    Path tempFile(final String prefix, final String suffix) throws IOException
    {
        final Path file = Files.createTempFile(prefix, suffix);
        files.add(file);
        return file;
    }

    /** A test resource ({@code /interop/NAME}) copied to a temporary file, deleted by {@link #close}. */
    Path resource(final String name) throws IOException
    {
        final int dot = name.lastIndexOf('.');
        final Path file = dot < 0 ? tempFile(name, "") : tempFile(name.substring(0, dot), name.substring(dot));
        try (InputStream in = ServeFixture.class.getResourceAsStream("/interop/" + name))
        {
            if (in == null)
            {
                throw new IOException("no test resource /interop/" + name);
            }
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
        }
        return file;
    }

    /**
     * Starts {@code wirespeed serve --iface IF_A --ip ENGINE_IP/24 ARGS} in namespace A and waits for its ready line.
     */
    ServeProcess serve(final String... args) throws IOException, InterruptedException
    {
        final List<String> all = new ArrayList<>(List.of("--iface", net.ifA, "--ip", NetNs.ENGINE_IP + "/24"));
        all.addAll(List.of(args));
        serve = ServeProcess.start(net.nsA, all.toArray(String[]::new));
        return serve;
    }

    /** The engine's MAC, from serve's ready line. */
    String engineMac()
    {
        return fromReadyLine(MAC, "mac=");
    }

    /** The counters file serve publishes, from its ready line. */
    Path countersFile()
    {
        return Path.of(fromReadyLine(COUNTERS, "counters="));
    }

    private String fromReadyLine(final Pattern pattern, final String what)
    {
        final Matcher m = pattern.matcher(serve.output());
        assertTrue(m.find(), "no " + what + " in serve's ready line: " + serve.output());
        return m.group(1);
    }

    public void close() throws IOException, InterruptedException
    {
        try
        {
            if (serve != null)
            {
                serve.close();
            }
        }
        finally
        {
            try
            {
                net.close();
            }
            finally
            {
                for (final Path file : files)
                {
                    Files.deleteIfExists(file);
                }
            }
        }
    }
}
