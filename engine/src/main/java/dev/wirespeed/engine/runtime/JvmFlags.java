package dev.wirespeed.engine.runtime;

import dev.wirespeed.bindings.EthPort;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Checks, before anything is opened, that the JVM was started with the two flags Wirespeed needs, and names the
 * missing one in a single message (instead of an {@code IllegalAccessError} from deep inside Agrona, or a
 * restricted-method warning per native call). The runnable {@code wirespeed.jar} carries both as manifest
 * attributes ({@code Add-Exports}, {@code Enable-Native-Access}).
 */
public final class JvmFlags
{
    /** Agrona's buffers use {@code jdk.internal.misc.Unsafe}. */
    public static final String ADD_EXPORTS = "--add-exports java.base/jdk.internal.misc=ALL-UNNAMED";
    /** The DPDK bindings call native code through the FFM API. */
    public static final String ENABLE_NATIVE_ACCESS = "--enable-native-access=ALL-UNNAMED";

    private JvmFlags()
    {
    }

    /**
     * Checks that the JVM was started with {@link #ADD_EXPORTS} and {@link #ENABLE_NATIVE_ACCESS}; any thread, before
     * EAL starts.
     *
     * @throws IllegalStateException naming the flag to add, when one is missing.
     */
    public static void require()
    {
        final Module agrona = UnsafeBuffer.class.getModule();
        if (!Object.class.getModule().isExported("jdk.internal.misc", agrona))
        {
            throw new IllegalStateException("start the JVM with " + (agrona.isNamed() ?
                "--add-exports java.base/jdk.internal.misc=" + agrona.getName() : ADD_EXPORTS) + ": Agrona, which " +
                "Wirespeed's rings and counters use, needs jdk.internal.misc");
        }
        final Module bindings = EthPort.class.getModule();
        if (!bindings.isNativeAccessEnabled())
        {
            throw new IllegalStateException("start the JVM with " + (bindings.isNamed() ?
                "--enable-native-access=" + bindings.getName() : ENABLE_NATIVE_ACCESS) + ": the DPDK bindings call " +
                "native code");
        }
    }
}
