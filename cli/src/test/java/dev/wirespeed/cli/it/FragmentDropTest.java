package dev.wirespeed.cli.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.wirespeed.engine.runtime.CountersReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * IPv4 fragments are dropped and counted (we do not reassemble). Over {@code --iface} this cannot be seen: the
 * kernel's AF_PACKET fan-out (PACKET_FANOUT_FLAG_DEFRAG) reassembles fragments before DPDK gets them, so the
 * engine's IPV4_FRAGMENT counter never moves there. Here serve reads frames from a pcap file through
 * {@code net_pcap}, which hands them over as they are: fragments of a ping and of a SYN (crafted by scapy) are
 * each counted as IPV4_FRAGMENT, live, while a whole ping in the same file is answered.
 */
class FragmentDropTest
{
    private static final String PYTHON = "/usr/bin/python3";

    @TempDir
    Path dir;

    @Test
    void fragmentsReadFromAPcapAreCountedAsFragmentDrops() throws Exception
    {
        final Path in = dir.resolve("in.pcap");
        final Path out = dir.resolve("out.pcap");
        final String crafted = NetNs.run(PYTHON, "-c", String.join("\n",
            "from scapy.all import Ether, IP, ICMP, TCP, fragment, wrpcap",
            "eth = dict(src='02:00:00:00:00:02', dst='ff:ff:ff:ff:ff:ff')",
            "frags = fragment(IP(src='192.0.2.2', dst='192.0.2.1', id=7) / ICMP(id=1) / (b'p' * 200), fragsize=64)",
            "frags += fragment(IP(src='192.0.2.2', dst='192.0.2.1', id=8) / TCP(sport=40000, dport=80, flags='S') /" +
                " (b's' * 80), fragsize=32)",
            "whole = Ether(**eth) / IP(src='192.0.2.2', dst='192.0.2.1') / ICMP(id=2) / (b'w' * 32)",
            "wrpcap('" + in + "', [Ether(**eth) / f for f in frags] + [whole])",
            "print('FRAGMENTS %d' % len(frags))"));
        final Matcher m = Pattern.compile("FRAGMENTS (\\d+)").matcher(crafted);
        assertTrue(m.find(), crafted);
        final long fragments = Long.parseLong(m.group(1));
        assertTrue(fragments >= 6, crafted);

        try (ServeProcess serve = ServeProcess.start(null, "--vdev", "net_pcap0,rx_pcap=" + in + ",tx_pcap=" + out,
            "--ip", "192.0.2.1/24", "--http", "80", "--idle", "backoff"))
        {
            final Matcher counters = Pattern.compile(" counters=(\\S+)").matcher(serve.output());
            assertTrue(counters.find(), serve.output());
            long seen = -1;
            try (CountersReader reader = CountersReader.open(Path.of(counters.group(1))))
            {
                final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (System.nanoTime() - deadline < 0)
                {
                    seen = reader.value("shard-0 drop IPV4_FRAGMENT");
                    if (seen == fragments && reader.value("shard-0 tx packets") >= 1)
                    {
                        break;
                    }
                    Thread.sleep(20);
                }
                assertEquals(fragments + 1, reader.value("shard-0 rx packets"), "every frame of the pcap was read");
            }
            assertEquals(fragments, seen, "each fragment counted live as IPV4_FRAGMENT");
            assertEquals(0, serve.stop(), serve.output());
            assertTrue(serve.output().contains("drop IPV4_FRAGMENT " + fragments), serve.output());
        }
        final String replies = NetNs.run("tshark", "-r", out.toString(), "-Y", "icmp.type == 0", "-T", "fields",
            "-e", "icmp.ident");
        assertEquals("2", replies.lines().filter(l -> !l.startsWith("Running as user")).reduce("", String::concat).strip(),
            "only the whole ping was answered");
        assertTrue(Files.size(out) > 24);
    }
}
