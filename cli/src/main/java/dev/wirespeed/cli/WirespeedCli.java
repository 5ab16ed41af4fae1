package dev.wirespeed.cli;

import dev.wirespeed.bench.e2e.E2eCommand;
import dev.wirespeed.bindings.DpdkException;
import dev.wirespeed.engine.runtime.JvmFlags;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The one entry point behind the {@code wirespeed} launcher. Every failure the user can cause or fix prints one
 * {@code wirespeed: error: ...} line and exits 2; a stack trace means a bug in Wirespeed.
 */
@Command(name = "wirespeed", mixinStandardHelpOptions = true, version = "wirespeed 0.1.0",
    description = "User-space TCP/IP packet engine for the JVM on DPDK.",
    subcommands = {DemoCommand.class, ServeCommand.class, ClientCommand.class, NicBenchCommand.class, StatCommand.class,
        E2eCommand.class, LoadCommand.class, ReportCommand.class})
public final class WirespeedCli implements Runnable
{
    public static final int EXIT_USAGE = 2;

    public void run()
    {
        new CommandLine(this).usage(System.out);
    }

    public static void main(final String[] args)
    {
        try
        {
            JvmFlags.require();
        }
        catch (final IllegalStateException ex)
        {
            System.err.println("wirespeed: error: " + ex.getMessage());
            System.exit(EXIT_USAGE);
        }
        System.exit(commandLine().execute(args));
    }

    /** The CLI with its error handling, for {@code main} and for tests (which can redirect out and err). */
    public static CommandLine commandLine()
    {
        final CommandLine cmd = new CommandLine(new WirespeedCli());
        cmd.setParameterExceptionHandler((ex, args) ->
        {
            final CommandLine bad = ex.getCommandLine();
            final String help = bad.getCommandSpec().qualifiedName() + " --help";
            bad.getErr().println("wirespeed: error: " + ex.getMessage() + " (see '" + help + "')");
            bad.getErr().flush();
            return EXIT_USAGE;
        });
        cmd.setExecutionExceptionHandler((ex, commandLine, parseResult) ->
        {
            if (ex instanceof DpdkException || ex instanceof IllegalStateException || ex instanceof IllegalArgumentException)
            {
                commandLine.getErr().println("wirespeed: error: " + ex.getMessage());
                commandLine.getErr().flush();
                return EXIT_USAGE;
            }
            throw ex;
        });
        return cmd;
    }
}
