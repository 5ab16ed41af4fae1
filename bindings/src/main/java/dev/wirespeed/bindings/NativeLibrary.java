package dev.wirespeed.bindings;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Finds and loads {@code libwirespeed.so} (the shim, which pulls in DPDK's shared libraries) once per process.
 * <p>
 * Search order: the system property {@value #PATH_PROPERTY}, then the environment variable {@value #PATH_ENV},
 * then the copy packed on the class path under {@value #RESOURCE}. A copy inside a jar is extracted to a
 * temporary file, so the user never sets {@code LD_LIBRARY_PATH}.
 * <p>
 * {@link #check()} turns every way this can fail into one {@link NativeUnavailableException} naming the fix,
 * instead of an {@code UnsatisfiedLinkError} or {@code ExceptionInInitializerError} deep in a stack.
 */
public final class NativeLibrary
{
    /** System property naming the library file to load instead of the bundled one. */
    public static final String PATH_PROPERTY = "wirespeed.native.lib";
    /** Environment variable naming the library file, when the property is not set. */
    public static final String PATH_ENV = "WIRESPEED_NATIVE_LIB";
    /** Class-path resource of the bundled library. */
    public static final String RESOURCE = "/native/linux-x86_64/libwirespeed.so";

    private static final String INSTALL_HINT = "apt-get install -y dpdk dpdk-dev libdpdk-dev pkg-config";

    private static SymbolLookup lookup;
    private static NativeUnavailableException failure;

    private NativeLibrary()
    {
    }

    /**
     * Loads the library if not done yet.
     *
     * @return the lookup for the shim and, through its dependencies, DPDK's symbols.
     * @throws NativeUnavailableException with the fix in its message.
     */
    public static synchronized SymbolLookup check()
    {
        if (lookup != null)
        {
            return lookup;
        }
        if (failure != null)
        {
            throw failure;
        }
        try
        {
            lookup = load();
            return lookup;
        }
        catch (final NativeUnavailableException ex)
        {
            failure = ex;
            throw ex;
        }
    }

    /**
     * True if the library loads; never throws.
     *
     * @return false if {@link #check()} would throw.
     */
    public static boolean isAvailable()
    {
        try
        {
            check();
            return true;
        }
        catch (final NativeUnavailableException ex)
        {
            return false;
        }
    }

    private static SymbolLookup load()
    {
        if (!NativeLibrary.class.getModule().isNativeAccessEnabled())
        {
            throw new NativeUnavailableException(
                "native access is not enabled for Wirespeed: start the JVM with --enable-native-access=ALL-UNNAMED " +
                "(the wirespeed launcher does this)");
        }
        if (!"Linux".equals(System.getProperty("os.name")) || !"amd64".equals(System.getProperty("os.arch")))
        {
            throw new NativeUnavailableException("Wirespeed's native shim is built for Linux x86-64 only; this is " +
                System.getProperty("os.name") + "/" + System.getProperty("os.arch"));
        }
        final Path path = locate();
        try
        {
            return SymbolLookup.libraryLookup(path, Arena.global());
        }
        catch (final IllegalArgumentException ex)
        {
            throw new NativeUnavailableException("cannot load " + path + " (" + ex.getMessage() + "). " +
                "Are DPDK's shared libraries installed? Fix: " + INSTALL_HINT);
        }
    }

    private static Path locate()
    {
        String explicit = System.getProperty(PATH_PROPERTY);
        if (explicit == null || explicit.isEmpty())
        {
            explicit = System.getenv(PATH_ENV);
        }
        if (explicit != null && !explicit.isEmpty())
        {
            final Path p = Path.of(explicit);
            if (!Files.isReadable(p))
            {
                throw new NativeUnavailableException(PATH_PROPERTY + "/" + PATH_ENV + " points to " + p +
                    ", which does not exist");
            }
            return p;
        }

        final URL url = NativeLibrary.class.getResource(RESOURCE);
        if (url == null)
        {
            throw new NativeUnavailableException("libwirespeed.so is not on the class path. Build it with " +
                "'./wirespeed build' (needs " + INSTALL_HINT + "), or point -D" + PATH_PROPERTY + " at it");
        }
        if ("file".equals(url.getProtocol()))
        {
            try
            {
                return Path.of(url.toURI());
            }
            catch (final URISyntaxException ex)
            {
                throw new NativeUnavailableException("bad native library URL " + url + ": " + ex.getMessage());
            }
        }
        try (InputStream in = url.openStream())
        {
            final Path tmp = Files.createTempFile("libwirespeed", ".so");
            tmp.toFile().deleteOnExit();
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            return tmp;
        }
        catch (final IOException ex)
        {
            throw new NativeUnavailableException("cannot extract libwirespeed.so to a temporary file: " + ex);
        }
    }
}
