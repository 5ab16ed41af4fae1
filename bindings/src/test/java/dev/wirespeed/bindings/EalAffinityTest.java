package dev.wirespeed.bindings;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@code rte_eal_init} pins the thread that calls it to the main lcore; threads that thread starts later inherit
 * the pin, so every shard would share CPU 0. {@link Eal#init} gives the caller its CPU set back: the thread that
 * started EAL, and threads it starts afterwards, may run on every CPU the process may (the set of the process's
 * first thread, which EAL never touched).
 */
@ExtendWith(DpdkExtension.class)
class EalAffinityTest
{
    @Test
    void threadsStartedAfterEalInitAreNotPinnedToTheMainLcore() throws Exception
    {
        final String process = cpusAllowed(Path.of("/proc/self/status"));
        final AtomicReference<String> starter = new AtomicReference<>();
        final AtomicReference<String> child = new AtomicReference<>();
        final Thread t = new Thread(() ->
        {
            // EAL starts once per process; DpdkExtension already started it on the thread of this test class
            // (or another before it), so check that thread's inheritance through a thread it has started
            starter.set(cpusAllowedOrError());
            final Thread grandchild = new Thread(() -> child.set(cpusAllowedOrError()));
            grandchild.start();
            try
            {
                grandchild.join();
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        });
        t.start();
        t.join();
        assertEquals(process, cpusAllowedOrError(), "the thread that started EAL");
        assertEquals(process, starter.get(), "a thread started after EAL");
        assertEquals(process, child.get(), "a thread started by that one");
    }

    private static String cpusAllowedOrError()
    {
        try
        {
            return cpusAllowed(Path.of("/proc/thread-self/status"));
        }
        catch (final IOException ex)
        {
            return ex.toString();
        }
    }

    private static String cpusAllowed(final Path status) throws IOException
    {
        for (final String line : Files.readAllLines(status))
        {
            if (line.startsWith("Cpus_allowed_list:"))
            {
                return line.substring("Cpus_allowed_list:".length()).trim();
            }
        }
        return "?";
    }
}
