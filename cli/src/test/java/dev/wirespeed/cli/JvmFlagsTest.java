package dev.wirespeed.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A JVM started without one of the two flags Wirespeed needs gets one line naming the flag, and exit 2, before
 * anything is opened (not an IllegalAccessError from inside Agrona).
 */
class JvmFlagsTest
{
    private static String run(final String... flags) throws IOException, InterruptedException
    {
        final List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(List.of(flags));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), WirespeedCli.class.getName(),
            "serve", "--vdev", "net_null0", "--ip", "192.0.2.1/24", "--echo", "7"));
        final Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        final String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(2, p.exitValue(), out);
        return out;
    }

    @Test
    void aMissingAddExportsIsNamed() throws Exception
    {
        final String out = run("--enable-native-access=ALL-UNNAMED");
        assertTrue(out.startsWith("wirespeed: error: start the JVM with --add-exports java.base/jdk.internal.misc=" +
            "ALL-UNNAMED"), out);
        assertEquals(1, out.lines().count(), out);
    }

    @Test
    void aMissingEnableNativeAccessIsNamed() throws Exception
    {
        final String out = run("--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED");
        assertTrue(out.startsWith("wirespeed: error: start the JVM with --enable-native-access=ALL-UNNAMED"), out);
        assertEquals(1, out.lines().count(), out);
    }
}
