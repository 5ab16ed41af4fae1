package dev.wirespeed.bindings;

/**
 * A DPDK call failed. Carries the (positive) errno-style code and DPDK's own {@code rte_strerror} text.
 */
public class DpdkException extends RuntimeException
{
    private static final long serialVersionUID = 1L;
    /** DPDK's error code, 0 if none. */
    private final int errorCode;

    /**
     * A failure DPDK reported with an error code.
     *
     * @param message   what failed, naming the device or call.
     * @param errorCode DPDK's positive error code (errno or {@code E_RTE_*}).
     */
    public DpdkException(final String message, final int errorCode)
    {
        super(message);
        this.errorCode = errorCode;
    }

    /**
     * A failure with no DPDK error code.
     *
     * @param message what failed, naming the device or call.
     */
    public DpdkException(final String message)
    {
        this(message, 0);
    }

    /**
     * The positive error code DPDK reported (an errno value or an {@code E_RTE_*} value), or 0 if none.
     *
     * @return the code, or 0.
     */
    public int errorCode()
    {
        return errorCode;
    }
}
