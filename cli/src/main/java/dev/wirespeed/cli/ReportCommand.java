package dev.wirespeed.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

import dev.wirespeed.apps.load.LoadMerge;
import dev.wirespeed.apps.load.LoadOutput;
import dev.wirespeed.apps.load.LoadResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code wirespeed report FILE...}: merges the {@code --json} results and/or {@code --hlog} interval logs of
 * several {@code load} runs (one per NIC or machine, started side by side by whatever orchestrates them) into one
 * summary, and optionally one HTML page and one JSON file.
 */
@Command(name = "report", mixinStandardHelpOptions = true,
    description = "Merges the --json and/or --hlog files of several load runs into one summary and HTML page.")
public final class ReportCommand implements Callable<Integer>
{
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "load --json results (*.json) and/or --hlog interval logs")
    List<Path> files;

    @Option(names = "--html", paramLabel = "FILE", description = "write the merged HTML report")
    Path html;

    @Option(names = "--json", paramLabel = "FILE", description = "write the merged result as JSON")
    Path json;

    @Option(names = "--hgrm", paramLabel = "FILE", description = "write the merged latency percentile distribution")
    Path hgrm;

    public Integer call()
    {
        final PrintWriter out = spec.commandLine().getOut();
        final LoadMerge merge = new LoadMerge();
        for (final Path f : files)
        {
            if (!Files.isReadable(f))
            {
                throw new ParameterException(spec.commandLine(), "cannot read " + f);
            }
            merge.add(f);
        }
        final LoadResult r = merge.result();
        LoadOutput.summary(r, out);
        if (json != null)
        {
            r.write(json);
            out.println("json: " + json);
        }
        if (hgrm != null)
        {
            out.println("hgrm: " + LoadOutput.hgrm(r, hgrm));
        }
        if (html != null)
        {
            out.println("html: " + LoadOutput.html(r, html).toAbsolutePath());
        }
        out.flush();
        return 0;
    }
}
