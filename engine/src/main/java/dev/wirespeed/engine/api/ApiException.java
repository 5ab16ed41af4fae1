package dev.wirespeed.engine.api;

/**
 * Bad input to a {@link Client} command, refused at the call: {@link #error()} names it, and the message says
 * what was passed.
 */
public final class ApiException extends IllegalArgumentException
{
    private static final long serialVersionUID = 1L;

    /** The refused input's error. */
    private final ApiError error;

    /**
     * A refusal of {@code error}; the message is its name, its message and {@code detail}.
     *
     * @param error  why the input was refused.
     * @param detail what was passed, e.g. {@code "port 70000"}.
     */
    public ApiException(final ApiError error, final String detail)
    {
        super(error.name() + ": " + error.message() + " (" + detail + ")");
        this.error = error;
    }

    /**
     * Why the input was refused.
     *
     * @return the error, never {@link ApiError#OK}.
     */
    public ApiError error()
    {
        return error;
    }
}
