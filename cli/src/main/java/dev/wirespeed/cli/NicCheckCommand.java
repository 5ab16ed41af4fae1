package dev.wirespeed.cli;

import java.util.Locale;
import java.util.concurrent.Callable;

import dev.wirespeed.apps.nic.LoopbackCheck;
import dev.wirespeed.bindings.Eal;
import dev.wirespeed.bindings.EalOptions;
import dev.wirespeed.bindings.PortConfig;
import dev.wirespeed.bindings.PortSpec;
import dev.wirespeed.bindings.RingPair;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code nicbench check}: the frame-path self-checks on in-memory devices, needing no NIC: (1) a verified transfer
 * of frames of 64..1514 bytes over a net_ring pair (every byte checked, no mbuf leaked), (2) io forwarding on a
 * net_null pair with the allocation per packet. {@code demo} runs the same checks.
 */
@Command(name = "check", mixinStandardHelpOptions = true,
    description = "Frame-path self-checks on in-memory devices: a verified net_ring loopback, then net_null io forwarding.")
public final class NicCheckCommand implements Callable<Integer>
{
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--frames", defaultValue = "1000000", description = "frames for the loopback check (default ${DEFAULT-VALUE})")
    long frames;

    @Option(names = "--seconds", defaultValue = "3", description = "seconds of forwarding (default ${DEFAULT-VALUE})")
    int seconds;

    public Integer call()
    {
        if (frames < 1 || frames > 1_000_000_000L || seconds < 1 || seconds > 600)
        {
            throw new ParameterException(spec.commandLine(), "--frames must be 1..1e9 and --seconds 1..600");
        }
        final boolean ok = run(frames, seconds);
        System.out.println(ok ? "check: OK" : "check: FAILED (frames lost or corrupted, or mbufs leaked)");
        return ok ? 0 : 1;
    }

    /** Runs both checks, printing what each measured; true if no frame was lost or corrupted and no mbuf leaked. */
    public static boolean run(final long frames, final int seconds)
    {
        if (Eal.current() == null)
        {
            final Eal eal = Eal.init(new EalOptions());
            System.out.println("DPDK EAL up: " + String.join(" ", eal.args()));
        }
        Eal.registerThread();

        System.out.println("[1/2] loopback: " + frames + " frames of 64..1514 bytes through a net_ring pair, every byte checked");
        final LoopbackCheck.Result lb;
        try (RingPair pair = RingPair.create("ws_check", 1024))
        {
            pair.a().start(new PortConfig().mempool(4095, 256));
            pair.b().start(new PortConfig().mempool(1023, 32));
            lb = LoopbackCheck.run(pair.a(), pair.b(), frames, 64, 1514, 60_000_000_000L);
        }
        System.out.printf(Locale.ROOT, "      %d frames, %.2f Mpps, %.2f Gbit/s, %d bad or missing, %d mbufs leaked%n",
            lb.frames(), lb.mpps(), lb.gbps(), lb.corrupt(), lb.leakedMbufs());

        System.out.println("[2/2] io forwarding on a net_null pair, one core, 64-byte frames, " + seconds + " s");
        final NicBenchCommand.Result fwd = NicBenchCommand.forward(new PortOptions(), PortSpec.vdev("net_null0,copy=1"),
            PortSpec.vdev("net_null1,copy=1"), 1, seconds, 32, true);
        System.out.printf(Locale.ROOT, "      %.2f Mpps forwarded, %.4f bytes allocated per packet%n", fwd.mpps(),
            fwd.bytesPerPacket());
        return lb.corrupt() == 0 && lb.leakedMbufs() == 0;
    }
}
