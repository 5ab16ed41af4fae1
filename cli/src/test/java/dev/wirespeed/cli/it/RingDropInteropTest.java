package dev.wirespeed.cli.it;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Frames the kernel drops because an AF_PACKET ring is full are counted as the port's {@code imissed}
 * (DPDK 22.11's net_af_packet does not report them; {@code EthPort.stats} reads them from the kernel). A port in
 * namespace A is not polled while a Linux raw socket in B writes {@value #FRAMES} frames at it; then the ring
 * (2048 frames) has overflowed: {@code imissed} is positive, and what was missed plus what the rings still hold
 * accounts for what was sent (a few more may be the peer kernel's own IPv6 frames; a few fewer were dropped
 * before the ring, in the veth's backlog).
 */
class RingDropInteropTest
{
    private static final int FRAMES = 20_000;

    @Test
    void fullAfPacketRingDropsAreCountedAsImissed() throws Exception
    {
        try (NetNs net = NetNs.create())
        {
            final List<String> cmd = new ArrayList<>(NetNs.prefix(net.nsA,
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), RingDropProbe.class.getName(), net.ifA));
            final Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            try
            {
                final BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8));
                final StringBuilder log = new StringBuilder();
                String line;
                while ((line = out.readLine()) != null && !line.equals("READY"))
                {
                    log.append(line).append('\n');
                }
                assertEquals("READY", line, log.toString());
                net.inB("/usr/bin/python3", "-c", String.join("\n",
                    "import socket",
                    "s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)",
                    "s.bind(('" + net.ifB + "', 0))",
                    "frame = b'\\xff' * 6 + b'\\x02\\x00\\x00\\x00\\x00\\x02' + b'\\x88\\xb5' + bytes(46)",
                    "for i in range(" + FRAMES + "):",
                    "    s.send(frame)"));
                try (OutputStream in = p.getOutputStream())
                {
                    in.write("GO\n".getBytes(StandardCharsets.UTF_8));
                }
                while ((line = out.readLine()) != null)
                {
                    log.append(line).append('\n');
                }
                assertTrue(p.waitFor(60, TimeUnit.SECONDS), "probe did not finish");
                final Matcher m = Pattern.compile("RESULT missed=(\\d+) received=(\\d+)").matcher(log);
                assertTrue(m.find(), log.toString());
                final long missed = Long.parseLong(m.group(1));
                final long received = Long.parseLong(m.group(2));
                assertTrue(missed > 0, "ring drops counted as imissed: " + log);
                assertTrue(received > 0 && received <= 2 * 2048 + 64, "the rings held what fit: " + log);
                assertTrue(missed + received <= FRAMES + 64, "no drop counted twice: " + log);
                assertTrue(missed + received >= FRAMES / 2, "most of the flood accounted for: " + log);
            }
            finally
            {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }
}
