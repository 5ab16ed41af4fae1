package dev.wirespeed.bindings;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A JVM that cannot use the native side gets one clear message naming the fix, not an UnsatisfiedLinkError.
 * Each case runs in a child JVM, since the library is loaded once per process.
 */
class NativeUnavailableTest
{
    /** Child entry point: tries to start EAL and prints what the user would see. */
    public static void main(final String[] args)
    {
        try
        {
            Eal.init(new EalOptions());
            System.out.println("STARTED");
        }
        catch (final NativeUnavailableException ex)
        {
            System.out.println("CLEAR: " + ex.getMessage());
        }
    }

    @Test
    void withoutNativeAccessTheErrorNamesTheFlag() throws Exception
    {
        final String out = runChild(List.of());
        assertTrue(out.startsWith("CLEAR: native access is not enabled"), out);
        assertTrue(out.contains("--enable-native-access=ALL-UNNAMED"), out);
        assertFalse(out.contains("UnsatisfiedLinkError"), out);
    }

    @Test
    void missingLibraryTheErrorNamesThePath() throws Exception
    {
        final String out = runChild(List.of("--enable-native-access=ALL-UNNAMED", "-Dwirespeed.native.lib=/nonexistent/libwirespeed.so"));
        assertEquals("CLEAR: wirespeed.native.lib/WIRESPEED_NATIVE_LIB points to /nonexistent/libwirespeed.so, which does not exist",
            out.strip());
    }

    @Test
    void unloadableLibraryTheErrorNamesTheInstallCommand() throws Exception
    {
        // Any file that is not a shared object stands in for a shim whose DPDK libraries are missing.
        final String out = runChild(List.of("--enable-native-access=ALL-UNNAMED", "-Dwirespeed.native.lib=/etc/hostname"));
        assertTrue(out.startsWith("CLEAR: cannot load /etc/hostname"), out);
        assertTrue(out.contains("apt-get install -y dpdk dpdk-dev libdpdk-dev pkg-config"), out);
    }

    private static String runChild(final List<String> jvmArgs) throws IOException, InterruptedException
    {
        final List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmArgs);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(NativeUnavailableTest.class.getName());
        final Process p = new ProcessBuilder(cmd).redirectErrorStream(false).start();
        final String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "child JVM did not finish");
        return out;
    }
}
