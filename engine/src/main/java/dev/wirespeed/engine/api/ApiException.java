package dev.wirespeed.engine.api;

/**
 * Bad input to a {@link Client} command, refused at the call: {@link #error()} names it, and the message says
 * what was passed.
 */
public final class ApiException extends IllegalArgumentException
{
    private static final long serialVersionUID = 1L;

    private final ApiError error;

    public ApiException(final ApiError error, final String detail)
    {
        super(error.name() + ": " + error.message() + " (" + detail + ")");
        this.error = error;
    }

    public ApiError error()
    {
        return error;
    }
}
