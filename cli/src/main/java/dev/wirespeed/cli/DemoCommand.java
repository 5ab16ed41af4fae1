package dev.wirespeed.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.wirespeed.apps.load.InProcessTarget;
import dev.wirespeed.apps.load.LoadOutput;
import dev.wirespeed.apps.load.LoadPlan;
import dev.wirespeed.apps.load.LoadResult;
import dev.wirespeed.apps.load.LoadRun;
import dev.wirespeed.engine.runtime.LocalAddresses;
import dev.wirespeed.engine.tcp.TcpConfig;
import org.agrona.concurrent.BusySpinIdleStrategy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The main job, shown. Part 1 (no NIC, no namespace): a {@code serve} engine and a {@code load} engine in this
 * process over a crossed net_ring pair, HTTP load with a progress line each second, the summary and an HTML
 * report. Part 2 (as root, where {@code ip netns} works, with nginx and wrk installed): two namespaces of its
 * own and one veth pair (TEST-NET-1, no default route): {@code load} and wrk share the client end (the engine
 * through AF_PACKET as 192.0.2.1, wrk through the kernel as 192.0.2.3), one nginx worker is at the other, and the
 * two clients' figures are printed side by side; everything it made is removed, also on Ctrl-C.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Runs HTTP load engine to engine in this process, then load and wrk against one Linux nginx.")
public final class DemoCommand implements Callable<Integer>
{
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--seconds", defaultValue = "10", paramLabel = "S", description = "seconds of load in part 1 (default ${DEFAULT-VALUE}); part 2 runs half as long per client")
    int seconds;

    @Option(names = "--connections", defaultValue = "64", paramLabel = "N", description = "connections of each client (default ${DEFAULT-VALUE})")
    int connections;

    @Option(names = "--part", defaultValue = "0", paramLabel = "1|2", description = "run only part 1 or part 2 (default: both)")
    int part;

    private volatile boolean interrupted;
    /** The client part 2 is running (load or wrk), stopped at once on Ctrl-C. */
    private static volatile Process client;

    private void interrupt()
    {
        interrupted = true;
        final Process p = client;
        if (p != null)
        {
            // SIGTERM: load stops, prints its summary and exits; wrk exits
            p.destroy();
        }
    }

    public Integer call() throws Exception
    {
        if (seconds < 2 || seconds > 600 || connections < 1 || connections > 10_000 || part < 0 || part > 2)
        {
            throw new IllegalArgumentException("--seconds must be 2..600, --connections 1..10000, --part 1 or 2");
        }
        final PrintWriter out = spec.commandLine().getOut();
        final Path dir = Files.createTempDirectory("wirespeed-demo-");
        sun.misc.Signal.handle(new sun.misc.Signal("INT"), signal -> interrupt());
        sun.misc.Signal.handle(new sun.misc.Signal("TERM"), signal -> interrupt());
        boolean ok = true;
        if (part != 2)
        {
            ok = engineToEngine(out, dir);
        }
        if (part != 1 && !interrupted)
        {
            ok &= againstNginx(out, dir);
        }
        if (interrupted)
        {
            out.println("demo: interrupted (what it made is removed)");
            out.flush();
            return 130;
        }
        out.println(ok ? "demo: OK" : "demo: FAILED");
        out.flush();
        return ok ? 0 : 1;
    }

    private boolean engineToEngine(final PrintWriter out, final Path dir)
    {
        out.println("[1/2] wirespeed load -> wirespeed serve, HTTP/1.1 keep-alive, " + connections + " connections, " +
            seconds + " s, engine to engine in this process over a net_ring pair (no NIC needed)");
        out.flush();
        final LoadPlan.Builder b = LoadPlan.builder();
        b.mode = LoadPlan.Mode.HTTP;
        b.targetIp = InProcessTarget.SERVER_IP;
        b.targetPort = InProcessTarget.HTTP_PORT;
        b.srcIps = new int[] {InProcessTarget.LOAD_IP};
        b.connections = connections;
        b.warmupNs = TimeUnit.SECONDS.toNanos(1);
        b.durationNs = TimeUnit.SECONDS.toNanos(seconds - 1);
        b.host = "192.0.2.1";
        final LoadResult r;
        try (InProcessTarget target = InProcessTarget.start("ws_demo", 1, BusySpinIdleStrategy::new, DemoCommand::tcp))
        {
            r = LoadRun.run(target.loadEngine(LocalAddresses.of(24, InProcessTarget.LOAD_IP), 1)
                .tcpConfig(DemoCommand::tcp).idleStrategy(BusySpinIdleStrategy::new), 1, b.build(),
                "wirespeed demo (part 1: load -> serve over net_ring)", null, out, () -> interrupted);
        }
        LoadOutput.summary(r, out);
        final Path html = LoadOutput.html(r, dir.resolve("engine-to-engine.html"));
        out.println("html report: " + html.toAbsolutePath());
        out.flush();
        return r.errorRate == 0 && r.totals.get("completed") > 0;
    }

    private static TcpConfig tcp()
    {
        final TcpConfig c = new TcpConfig();
        c.sendBufferSize = 16 * 1024;
        c.receiveBufferSize = 16 * 1024;
        return c;
    }

    // ============================================================================================ part 2

    private boolean againstNginx(final PrintWriter out, final Path dir) throws IOException, InterruptedException
    {
        final String missing = part2Missing();
        if (missing != null)
        {
            out.println("[2/2] skipped: " + missing);
            out.flush();
            return true;
        }
        final int half = Math.max(2, seconds / 2);
        out.println("[2/2] wirespeed load (192.0.2.1, AF_PACKET) and wrk (192.0.2.3, the kernel's TCP) against one " +
            "Linux nginx (1 worker, 192.0.2.2) over one veth pair between two namespaces of our own, " + connections +
            " connections, keep-alive, " + half + " s each (load after a 3 s JIT warmup); removed at the end");
        out.flush();
        final DemoNetwork net = new DemoNetwork(dir);
        final Thread cleanup = new Thread(net::close, "demo-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
        try
        {
            net.create();
            final List<String> load = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                    .toString(), "--enable-native-access=ALL-UNNAMED", "--add-exports",
                "java.base/jdk.internal.misc=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                WirespeedCli.class.getName(), "load", "--iface", net.engineIf, "--ip", "192.0.2.1/24", "--target",
                "192.0.2.2:80", "--connections", Integer.toString(connections), "--duration", half + "s", "--warmup",
                "3s", "--json", dir.resolve("load-nginx.json").toString(), "--html",
                dir.resolve("load-nginx.html").toString()));
            final int loadExit = net.runIn(net.nsClient, load, out, "  load| ");
            if (interrupted)
            {
                return true;
            }
            final List<String> wrkLines = new ArrayList<>();
            net.runIn(net.nsClient, List.of("wrk", "-t1", "-c" + connections, "-d" + half + "s", "--latency",
                "http://192.0.2.2/"), null, null, wrkLines);
            if (interrupted)
            {
                return true;
            }
            final LoadResult r = LoadResult.read(dir.resolve("load-nginx.json"));
            final double wrkRps = wrkNumber(wrkLines, "Requests/sec:\\s+([0-9.]+)");
            final String wrkP50 = wrkField(wrkLines, "\\s+50%\\s+(\\S+)");
            final String wrkP99 = wrkField(wrkLines, "\\s+99%\\s+(\\S+)");
            out.println();
            out.printf(Locale.ROOT, "  %-16s %12s %12s %12s%n", "client", "requests/s", "p50", "p99");
            out.printf(Locale.ROOT, "  %-16s %12.0f %12s %12s%n", "wirespeed load", r.reqPerS,
                us(r.latencyUs.get("latency").p50), us(r.latencyUs.get("latency").p99));
            out.printf(Locale.ROOT, "  %-16s %12.0f %12s %12s%n", "wrk", wrkRps, wrkP50, wrkP99);
            out.printf(Locale.ROOT, "  load / wrk = %.2fx (same nginx worker, same connections; wrk's latency is " +
                "timed from the send, load's from the send too in a closed loop)%n", wrkRps > 0 ? r.reqPerS / wrkRps : 0);
            out.println("html report: " + dir.resolve("load-nginx.html").toAbsolutePath());
            out.flush();
            return loadExit == 0;
        }
        finally
        {
            net.close();
            try
            {
                Runtime.getRuntime().removeShutdownHook(cleanup);
            }
            catch (final IllegalStateException ignored)
            {
                // shutting down already: the hook runs
            }
        }
    }

    private static String us(final double us)
    {
        return us >= 1000 ? String.format(Locale.ROOT, "%.2fms", us / 1000) : String.format(Locale.ROOT, "%.0fus", us);
    }

    private static double wrkNumber(final List<String> lines, final String regex)
    {
        final String s = wrkField(lines, regex);
        return s == null ? 0 : Double.parseDouble(s);
    }

    private static String wrkField(final List<String> lines, final String regex)
    {
        final Pattern p = Pattern.compile(regex);
        for (final String l : lines)
        {
            final Matcher m = p.matcher(l);
            if (m.lookingAt())
            {
                return m.group(1);
            }
        }
        return null;
    }

    private static String part2Missing()
    {
        if (!"root".equals(System.getProperty("user.name")))
        {
            return "part 2 needs root (network namespaces)";
        }
        for (final String tool : new String[] {"/usr/sbin/nginx", "/usr/bin/wrk", "/usr/sbin/ip", "/usr/bin/ip"})
        {
            if (tool.endsWith("/ip"))
            {
                continue;
            }
            if (!Files.isExecutable(Path.of(tool)))
            {
                return "part 2 needs " + tool + " (./wirespeed setup installs nginx-light and wrk)";
            }
        }
        try
        {
            DemoNetwork.run(List.of("ip", "netns", "list"));
        }
        catch (final IOException | InterruptedException ex)
        {
            return "part 2 needs 'ip netns' to work here: " + ex.getMessage();
        }
        return null;
    }

    /**
     * Two namespaces and one veth pair between them. {@code nsClient} holds the client end: the {@code load}
     * engine drives it through net_af_packet as 192.0.2.1 (an address the kernel does not have), and the kernel
     * has 192.0.2.3/24 on the same interface for wrk. {@code nsServer} holds the other end at 192.0.2.2/24, with
     * one nginx worker. So both clients reach the same nginx over the same link. What makes the sharing safe: the
     * engine sees every frame on the interface (the kernel's too) and drops those not for its addresses without a
     * word; the kernel drops frames for 192.0.2.1 at routing, without RST or ICMP, because forwarding is off in the
     * namespace (set explicitly); engine and kernel share the interface's MAC, so nginx's neighbour entries for
     * both addresses agree. TX checksum offload is off on both ends (the engine checks every checksum, and
     * AF_PACKET would see the kernel's unfinished ones). No default route anywhere. {@link #close} kills nginx and
     * deletes both namespaces (and with them the pair); it may run twice (finally and the shutdown hook).
     */
    static final class DemoNetwork
    {
        final String nsClient;
        final String nsServer;
        final String engineIf;
        private final Path dir;
        private Process nginx;
        private boolean closed;

        DemoNetwork(final Path dir)
        {
            final long pid = ProcessHandle.current().pid() % 100000;
            nsClient = "wsdemoC" + pid;
            nsServer = "wsdemoS" + pid;
            engineIf = "wsdc" + pid;
            this.dir = dir;
        }

        void create() throws IOException, InterruptedException
        {
            final String serverIf = engineIf.replace("wsdc", "wsds");
            for (final String ns : new String[] {nsClient, nsServer})
            {
                run(List.of("ip", "netns", "add", ns));
                run(List.of("ip", "-n", ns, "link", "set", "lo", "up"));
                run(List.of("ip", "netns", "exec", ns, "sysctl", "-q", "-w", "net.ipv4.ip_forward=0"));
            }
            run(List.of("ip", "link", "add", engineIf, "netns", nsClient, "type", "veth", "peer", "name", serverIf,
                "netns", nsServer));
            run(List.of("ip", "-n", nsServer, "addr", "add", "192.0.2.2/24", "dev", serverIf));
            run(List.of("ip", "-n", nsServer, "link", "set", serverIf, "up"));
            run(List.of("ip", "-n", nsClient, "addr", "add", "192.0.2.3/24", "dev", engineIf));
            run(List.of("ip", "-n", nsClient, "link", "set", engineIf, "up"));
            run(List.of("ip", "netns", "exec", nsServer, "ethtool", "-K", serverIf, "tx", "off"));
            run(List.of("ip", "netns", "exec", nsClient, "ethtool", "-K", engineIf, "tx", "off"));
            Files.writeString(dir.resolve("nginx.conf"), """
                worker_processes 1;
                daemon off;
                pid DIR/nginx.pid;
                error_log DIR/nginx-error.log;
                events { worker_connections 4096; }
                http {
                  access_log off;
                  client_body_temp_path DIR; proxy_temp_path DIR; fastcgi_temp_path DIR; uwsgi_temp_path DIR;
                  scgi_temp_path DIR;
                  keepalive_requests 1000000;
                  server { listen 192.0.2.2:80; location / { return 200 "Hello from nginx\\n"; } }
                }
                """.replace("DIR", dir.toString()));
            nginx = new ProcessBuilder("ip", "netns", "exec", nsServer, "nginx", "-c",
                dir.resolve("nginx.conf").toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("nginx.out").toFile()).start();
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!run(List.of("ip", "netns", "exec", nsServer, "ss", "-ltn")).contains("192.0.2.2:80"))
            {
                if (System.nanoTime() - deadline > 0 || !nginx.isAlive())
                {
                    throw new IOException("nginx did not start: " + Files.readString(dir.resolve("nginx.out")));
                }
                Thread.sleep(50);
            }
        }

        /** Runs {@code cmd} in {@code ns}; its lines go to {@code out} (with a prefix) and/or into {@code lines}. */
        int runIn(final String ns, final List<String> cmd, final PrintWriter out, final String prefix)
            throws IOException, InterruptedException
        {
            return runIn(ns, cmd, out, prefix, null);
        }

        int runIn(final String ns, final List<String> cmd, final PrintWriter out, final String prefix,
            final List<String> lines) throws IOException, InterruptedException
        {
            final List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", ns));
            full.addAll(cmd);
            final Process p = new ProcessBuilder(full).redirectErrorStream(true).start();
            client = p;
            try (var reader = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(),
                StandardCharsets.UTF_8)))
            {
                String line;
                while ((line = reader.readLine()) != null)
                {
                    if (out != null)
                    {
                        out.println(prefix + line);
                        out.flush();
                    }
                    if (lines != null)
                    {
                        lines.add(line);
                    }
                }
            }
            try
            {
                if (!p.waitFor(120, TimeUnit.SECONDS))
                {
                    p.destroyForcibly();
                    throw new IOException("timed out: " + String.join(" ", cmd));
                }
                return p.exitValue();
            }
            finally
            {
                client = null;
            }
        }

        synchronized void close()
        {
            if (closed)
            {
                return;
            }
            closed = true;
            if (nginx != null)
            {
                nginx.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
                nginx.destroyForcibly();
            }
            for (final String ns : new String[] {nsClient, nsServer})
            {
                try
                {
                    // processes we started there (a load child cut short by Ctrl-C), then the namespace
                    for (final String pid : run(List.of("ip", "netns", "pids", ns)).strip().split("\\s+"))
                    {
                        if (!pid.isEmpty())
                        {
                            ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly);
                        }
                    }
                    run(List.of("ip", "netns", "delete", ns));
                }
                catch (final IOException | InterruptedException | RuntimeException ignored)
                {
                    // not created, or gone already
                }
            }
        }

        static String run(final List<String> cmd) throws IOException, InterruptedException
        {
            final Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            final String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0)
            {
                p.destroyForcibly();
                throw new IOException("'" + String.join(" ", cmd) + "' failed: " + out.strip());
            }
            return out;
        }
    }
}
