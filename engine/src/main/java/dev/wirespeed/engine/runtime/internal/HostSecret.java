package dev.wirespeed.engine.runtime.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;

/**
 * The ISN and timestamp-offset secret every engine on this host shares until reboot, as Linux keeps one secret per
 * boot. A load run that reuses a 4-tuple a previous run used meets the peer's TIME-WAIT for it; the peer accepts
 * the new SYN only when its ISN or timestamp is higher than the old connection's (RFC 6528's clock term keeps
 * them rising only under the same secret). A secret drawn per process would make half of those SYNs look like
 * old duplicates, each costing a SYN retransmission.
 * <p>
 * Kept as 16 random bytes in a file under {@code /run} (a tmpfs cleared at boot), readable by its owner only;
 * created by the first engine, read by the rest. When no such file can be written, a per-process secret is used,
 * which is safe but loses the cross-run property.
 */
public final class HostSecret
{
    private static final Path DEFAULT_PATH = Path.of("/run/wirespeed/tcp-secret");

    private HostSecret()
    {
    }

    /** The two 64-bit halves of the secret; never both 0. */
    public static long[] load()
    {
        return load(DEFAULT_PATH);
    }

    static long[] load(final Path path)
    {
        try
        {
            if (!Files.exists(path))
            {
                Files.createDirectories(path.getParent());
                final byte[] fresh = new byte[16];
                new SecureRandom().nextBytes(fresh);
                final Path tmp = Files.createTempFile(path.getParent(), "tcp-secret", ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                Files.write(tmp, fresh, StandardOpenOption.WRITE);
                try
                {
                    Files.createLink(path, tmp); // atomic: the first engine's secret wins, every later one reads it
                }
                catch (final FileAlreadyExistsException ignored)
                {
                    // another engine was first
                }
                finally
                {
                    Files.deleteIfExists(tmp);
                }
            }
            final byte[] bytes = Files.readAllBytes(path);
            if (bytes.length >= 16)
            {
                final ByteBuffer secret = ByteBuffer.wrap(bytes);
                return nonZero(secret.getLong(0), secret.getLong(8));
            }
        }
        catch (final IOException | UnsupportedOperationException | SecurityException ignored)
        {
            // fall through to a per-process secret
        }
        final SecureRandom random = new SecureRandom();
        return nonZero(random.nextLong(), random.nextLong());
    }

    private static long[] nonZero(final long k0, final long k1)
    {
        return new long[] {k0 == 0 && k1 == 0 ? 1 : k0, k1};
    }
}
