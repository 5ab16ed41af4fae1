package dev.wirespeed.engine.runtime;

import java.nio.file.Path;

/** Run in a child JVM by {@link EngineCountersTest}: prints every counter of a file. */
public final class CountersDump
{
    private CountersDump()
    {
    }

    public static void main(final String[] args)
    {
        try (CountersReader reader = CountersReader.open(Path.of(args[0])))
        {
            System.out.println("pid " + reader.pid() + " alive " + reader.isEngineAlive());
            reader.forEach((id, label, value) -> System.out.print(label + ": " + value + "\n"));
        }
    }
}
