package dev.wirespeed.bindings;

/**
 * A DPDK call failed. Carries the (positive) errno-style code and DPDK's own {@code rte_strerror} text.
 */
public class DpdkException extends RuntimeException
{
    private static final long serialVersionUID = 1L;
    private final int errorCode;

    public DpdkException(final String message, final int errorCode)
    {
        super(message);
        this.errorCode = errorCode;
    }

    public DpdkException(final String message)
    {
        this(message, 0);
    }

    /** The positive error code DPDK reported (an errno value or an {@code E_RTE_*} value), or 0 if none. */
    public int errorCode()
    {
        return errorCode;
    }
}
