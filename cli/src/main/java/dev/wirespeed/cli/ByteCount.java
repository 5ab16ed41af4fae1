package dev.wirespeed.cli;

import java.util.Locale;

/** Byte counts as the commands take them: digits with an optional binary unit, {@code 100}, {@code 64K}, {@code 64KiB}, {@code 16M}, {@code 1G}. */
final class ByteCount
{
    private static final long MAX_BYTES = 1L << 50;

    private ByteCount()
    {
    }

    /**
     * @param what the option, for the message.
     * @return the bytes, 0 to 1 PiB.
     * @throws IllegalArgumentException naming {@code what} and the text when it is not such a count.
     */
    static long parse(final String text, final String what)
    {
        final String t = text.trim().toUpperCase(Locale.ROOT);
        int end = t.length();
        if (t.endsWith("IB"))
        {
            end -= 2;
        }
        else if (t.endsWith("B"))
        {
            end -= 1;
        }
        long unit = 1;
        if (end > 0)
        {
            switch (t.charAt(end - 1))
            {
                case 'K' -> unit = 1L << 10;
                case 'M' -> unit = 1L << 20;
                case 'G' -> unit = 1L << 30;
                default -> unit = 1;
            }
        }
        final String digits = unit == 1 ? t.substring(0, end) : t.substring(0, end - 1);
        final long v;
        try
        {
            v = Long.parseLong(digits);
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException(what + " must be a byte count like 64, 64K or 16M, got '" + text + "'");
        }
        if (v < 0 || v > MAX_BYTES / unit)
        {
            throw new IllegalArgumentException(what + " must be 0 or more bytes (at most 1 PiB), got '" + text + "'");
        }
        return v * unit;
    }
}
