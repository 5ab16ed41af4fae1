package dev.wirespeed.bindings;

/**
 * The native side cannot be used on this machine: DPDK is not installed, the shim library is missing,
 * or the JVM was started without native access. The message names the fix.
 */
public final class NativeUnavailableException extends DpdkException
{
    private static final long serialVersionUID = 1L;

    /**
     * A missing native prerequisite.
     *
     * @param message what is missing and how to fix it.
     */
    public NativeUnavailableException(final String message)
    {
        super(message);
    }
}
