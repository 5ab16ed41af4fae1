package dev.wirespeed.cli.it;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.foreign.Arena;
import java.nio.charset.StandardCharsets;

import dev.wirespeed.bindings.Eal;
import dev.wirespeed.bindings.EalOptions;
import dev.wirespeed.bindings.EthPort;
import dev.wirespeed.bindings.MbufBurst;
import dev.wirespeed.bindings.PortConfig;
import dev.wirespeed.bindings.PortSpec;
import dev.wirespeed.bindings.PortStats;

/**
 * Runs inside a test namespace: opens {@code IF} through net_af_packet and does not poll it, prints {@code READY},
 * waits for a line on stdin (the peer has flooded the port meanwhile), then prints the port's {@code imissed} and
 * how many frames it then drains from the rings: {@code RESULT missed=M received=R}. Bounded by the caller.
 */
public final class RingDropProbe
{
    public static void main(final String[] args) throws Exception
    {
        Eal.init(new EalOptions());
        Eal.registerThread();
        try (EthPort port = EthPort.open(PortSpec.iface(args[0])); Arena arena = Arena.ofConfined())
        {
            port.start(new PortConfig().mempool(8191, 128));
            System.out.println("READY");
            System.out.flush();
            new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            Thread.sleep(200);
            final long missed = port.stats(new PortStats()).rxMissed;
            final MbufBurst in = new MbufBurst(arena, 32);
            long received = 0;
            int n;
            while ((n = port.rxBurst(0, in)) > 0)
            {
                received += n;
                in.freeAll();
            }
            System.out.println("RESULT missed=" + missed + " received=" + received + " missedAfter=" +
                port.stats(new PortStats()).rxMissed);
        }
    }
}
