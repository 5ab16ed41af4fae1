package dev.wirespeed.bench.cli;

import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The main job on an embedded default, needing no NIC: the frame-path checks of {@code nicbench check} (a verified
 * transfer of a million frames through DPDK over an in-memory net_ring pair, then io forwarding on a net_null pair,
 * with the allocation per packet).
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Runs Wirespeed's DPDK packet path on in-memory devices (no NIC needed) and prints what it measured.")
public final class DemoCommand implements Callable<Integer>
{
    @Option(names = "--frames", defaultValue = "1000000", description = "frames for the loopback check (default ${DEFAULT-VALUE})")
    long frames;

    @Option(names = "--seconds", defaultValue = "3", description = "seconds of forwarding (default ${DEFAULT-VALUE})")
    int seconds;

    public Integer call()
    {
        if (frames < 1 || frames > 1_000_000_000L || seconds < 1 || seconds > 600)
        {
            throw new IllegalArgumentException("--frames must be 1..1e9 and --seconds 1..600");
        }
        final boolean ok = NicCheckCommand.run(frames, seconds);
        System.out.println(ok ? "demo: OK" : "demo: FAILED (frames lost or corrupted, or mbufs leaked)");
        return ok ? 0 : 1;
    }
}
