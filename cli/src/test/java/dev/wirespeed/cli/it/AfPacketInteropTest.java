package dev.wirespeed.cli.it;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code --iface} end to end against the real Linux TCP stack: DPDK (net_af_packet) owns one end of a veth pair in
 * namespace A, with no kernel IP; Linux owns the other in namespace B at 192.0.2.2/24. Java builds SYNs in mbufs,
 * Linux answers each with RST+ACK (closed port), Java receives and checks them. Needs root, like all DPDK tests.
 */
class AfPacketInteropTest
{
    private static final int SYNS = 1000;

    @Test
    void synsToAClosedLinuxPortComeBackAsRstAcksThroughAfPacket() throws Exception
    {
        try (NetNs net = NetNs.create())
        {
            final String macA = net.mac(net.nsA, net.ifA);
            final String macB = net.mac(net.nsB, net.ifB);
            // The peer kernel needs our MAC to answer; nothing in A answers ARP (the engine will, later).
            net.inB("ip", "neigh", "replace", NetNs.ENGINE_IP, "lladdr", macA, "dev", net.ifB, "nud", "permanent");

            final List<String> cmd = new ArrayList<>(NetNs.prefix(net.nsA,
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), AfPacketProbe.class.getName(), net.ifA, macB,
                Integer.toString(SYNS)));
            final Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            final String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "probe did not finish");
            assertEquals(0, p.exitValue(), out);
            final String result = out.lines().filter(l -> l.startsWith("RESULT")).findFirst().orElse("(no RESULT) " + out);
            assertEquals("RESULT sent=" + SYNS + " rsts=" + SYNS + " bad=0 mac=" + macA, result);
        }
    }
}
