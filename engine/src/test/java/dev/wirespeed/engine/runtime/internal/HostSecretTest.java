package dev.wirespeed.engine.runtime.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import dev.wirespeed.engine.tcp.TcpConfig;
import dev.wirespeed.engine.tcp.TcpEndpoint;
import dev.wirespeed.engine.tcp.TcpHandler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * One TCP secret per host: the first engine creates it (owner-only), later ones read the same, and endpoints with
 * different seeds but the shared secret give a reused 4-tuple the same ISN function, so a later run's SYN rises
 * above what a peer's TIME-WAIT holds.
 */
class HostSecretTest
{
    @Test
    void firstLoadCreatesAnOwnerOnlySecretThatLaterLoadsRead(@TempDir final Path dir) throws Exception
    {
        final Path path = dir.resolve("sub").resolve("tcp-secret");
        final long[] first = HostSecret.load(path);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(path)));
        assertEquals(16, Files.size(path));
        assertArrayEquals(first, HostSecret.load(path));
        Files.delete(path);
        assertNotEquals(first[0], HostSecret.load(path)[0], "a new boot (no file) draws a new secret");
    }

    @Test
    void endpointsWithDifferentSeedsShareTheIsnFunctionUnderOneSecret(@TempDir final Path dir)
    {
        final long[] secret = HostSecret.load(dir.resolve("tcp-secret"));
        final TcpEndpoint a = endpoint(1, secret);
        final TcpEndpoint b = endpoint(2, secret);
        final TcpEndpoint c = endpoint(2, null);
        final long later = 5_000_000_000L;
        for (int port = 40000; port < 40010; port++)
        {
            assertEquals(a.isn(later, 0xC0000201, port, 0xC0000202, 80), b.isn(later, 0xC0000201, port, 0xC0000202, 80));
        }
        assertNotEquals(a.isn(later, 0xC0000201, 40000, 0xC0000202, 80), c.isn(later, 0xC0000201, 40000, 0xC0000202, 80),
            "without the shared secret the seed decides");
    }

    private static TcpEndpoint endpoint(final long seed, final long[] secret)
    {
        final TcpConfig config = new TcpConfig();
        config.seed = seed;
        if (secret != null)
        {
            config.isnKey0 = secret[0];
            config.isnKey1 = secret[1];
        }
        return new TcpEndpoint(config, new TcpHandler() { }, 0);
    }
}
