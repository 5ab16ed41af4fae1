package dev.wirespeed.cli.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Two network namespaces made by the test itself, joined by a veth pair, for traffic that never leaves them:
 * side A (for DPDK: no kernel IP address), side B (Linux, 192.0.2.2/24, TX checksum offload off so AF_PACKET
 * sees complete checksums). No default route anywhere. {@link #close()} deletes both namespaces, and with them
 * the veth pair, even after a failure.
 */
public final class NetNs implements AutoCloseable
{
    public static final String PEER_IP = "192.0.2.2";
    public static final String ENGINE_IP = "192.0.2.1";
    private static final AtomicInteger COUNTER = new AtomicInteger();

    public final String nsA;
    public final String nsB;
    public final String ifA;
    public final String ifB;

    private NetNs(final String tag)
    {
        nsA = "wsA" + tag;
        nsB = "wsB" + tag;
        ifA = "wsa" + tag;
        ifB = "wsb" + tag;
    }

    public static NetNs create() throws IOException, InterruptedException
    {
        final String tag = Long.toString(ProcessHandle.current().pid() % 100000) + "x" + COUNTER.incrementAndGet();
        final NetNs n = new NetNs(tag);
        try
        {
            run("ip", "netns", "add", n.nsA);
            run("ip", "netns", "add", n.nsB);
            run("ip", "link", "add", n.ifA, "netns", n.nsA, "type", "veth", "peer", "name", n.ifB, "netns", n.nsB);
            n.inA("ip", "link", "set", "lo", "up");
            n.inB("ip", "link", "set", "lo", "up");
            n.inA("ip", "link", "set", n.ifA, "up");
            n.inB("ip", "addr", "add", PEER_IP + "/24", "dev", n.ifB);
            n.inB("ip", "link", "set", n.ifB, "up");
            n.inB("ethtool", "-K", n.ifB, "tx", "off");
            n.inA("ethtool", "-K", n.ifA, "tx", "off");
        }
        catch (final IOException | InterruptedException | RuntimeException ex)
        {
            n.close();
            throw ex;
        }
        return n;
    }

    public String inA(final String... cmd) throws IOException, InterruptedException
    {
        return run(prefix(nsA, cmd));
    }

    public String inB(final String... cmd) throws IOException, InterruptedException
    {
        return run(prefix(nsB, cmd));
    }

    /** The MAC address of an interface in a namespace, as the kernel reports it. */
    public String mac(final String ns, final String iface) throws IOException, InterruptedException
    {
        final String out = run("ip", "-n", ns, "-o", "link", "show", iface);
        final int i = out.indexOf("link/ether ");
        return out.substring(i + 11, i + 28);
    }

    public static List<String> prefix(final String ns, final String... cmd)
    {
        final List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        full.addAll(List.of(cmd));
        return full;
    }

    public static String run(final String... cmd) throws IOException, InterruptedException
    {
        return run(List.of(cmd));
    }

    public static String run(final List<String> cmd) throws IOException, InterruptedException
    {
        final Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        final String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS))
        {
            p.destroyForcibly();
            throw new IOException("timed out: " + String.join(" ", cmd));
        }
        if (p.exitValue() != 0)
        {
            throw new IOException("'" + String.join(" ", cmd) + "' exited " + p.exitValue() + ": " + out.strip());
        }
        return out;
    }

    public void close()
    {
        for (final String ns : new String[] {nsA, nsB})
        {
            try
            {
                run("ip", "netns", "delete", ns);
            }
            catch (final IOException | InterruptedException ignored)
            {
                // not created, or already gone
            }
        }
    }
}
