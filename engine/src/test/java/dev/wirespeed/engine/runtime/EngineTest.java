package dev.wirespeed.engine.runtime;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.wirespeed.bindings.DpdkException;
import dev.wirespeed.bindings.Eal;
import dev.wirespeed.bindings.EalOptions;
import dev.wirespeed.bindings.PortSpec;
import dev.wirespeed.bindings.RingPair;
import dev.wirespeed.engine.tcp.TcpConfig;
import dev.wirespeed.engine.tcp.TcpHandler;
import dev.wirespeed.engine.wire.Ipv4Header;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two engines assembled by {@link Engine.Builder} over an in-process {@code net_ring} pair, on real DPDK: a server
 * with several local addresses echoes, a client connects to every one of them (so each is answered by ARP) and
 * checks every byte, in each threading mode. Also: who owns the pair, what a failed build leaves behind, where
 * shard-thread errors go, and that each engine has its own counters file.
 */
class EngineTest
{
    private static final int ECHO_PORT = 7;
    private static final long DEADLINE_NS = TimeUnit.SECONDS.toNanos(20);

    @TempDir
    Path dir;

    @BeforeAll
    static void eal()
    {
        if (Eal.current() == null)
        {
            Eal.init(new EalOptions().memoryMb(256));
        }
    }

    private static int ip(final String text)
    {
        return (int)Ipv4Header.parseAddress(text);
    }

    private static TcpConfig tcp()
    {
        final TcpConfig c = new TcpConfig();
        c.mslNs = 5_000_000L;
        c.seed = 42;
        return c;
    }

    /** Echoes on the shard thread; closes once the peer has closed and everything was written back. */
    private static final class Echo implements TcpHandler
    {
        private final ShardContext ctx;

        Echo(final ShardContext ctx)
        {
            this.ctx = ctx;
        }

        public int onData(final long id, final DirectBuffer buffer, final int offset, final int length)
        {
            return Math.max(0, ctx.endpoint().write(id, buffer, offset, length));
        }

        public void onPeerClosed(final long id)
        {
            ctx.endpoint().close(id);
        }
    }

    /** Connects from its shard to each target, sends a line, checks the echo, half-closes and closes. */
    private static final class Client implements TcpHandler, ShardDuty
    {
        private final ShardContext ctx;
        private final int[] targets;
        private final AtomicInteger echoed;
        private final List<String> failures;
        private final List<Long> ids = new ArrayList<>();
        private final List<StringBuilder> received = new ArrayList<>();
        private boolean opened;

        Client(final ShardContext ctx, final int[] targets, final AtomicInteger echoed, final List<String> failures)
        {
            this.ctx = ctx;
            this.targets = targets;
            this.echoed = echoed;
            this.failures = failures;
        }

        private String line(final int i)
        {
            return "hello " + Ipv4Header.formatAddress(targets[i]) + " from shard " + ctx.shardIndex();
        }

        public int doWork(final long nowNs)
        {
            if (opened)
            {
                return 0;
            }
            opened = true;
            for (int i = 0; i < targets.length; i++)
            {
                final long id = ctx.endpoint().connect(nowNs, ctx.addresses().primary(), targets[i], ECHO_PORT);
                if (id < 0)
                {
                    failures.add("connect to " + Ipv4Header.formatAddress(targets[i]) + ": " + id);
                }
                ids.add(id);
                received.add(new StringBuilder());
            }
            return 1;
        }

        public void onConnected(final long id)
        {
            final byte[] bytes = line(ids.indexOf(id)).getBytes(StandardCharsets.US_ASCII);
            ctx.endpoint().write(id, new UnsafeBuffer(bytes), 0, bytes.length);
        }

        public int onData(final long id, final DirectBuffer buffer, final int offset, final int length)
        {
            final int i = ids.indexOf(id);
            received.get(i).append(buffer.getStringWithoutLengthAscii(offset, length));
            if (received.get(i).length() >= line(i).length())
            {
                if (received.get(i).toString().equals(line(i)))
                {
                    echoed.incrementAndGet();
                }
                else
                {
                    failures.add("echo mismatch: " + received.get(i));
                }
                ctx.endpoint().shutdownOutput(id);
            }
            return length;
        }

        public void onPeerClosed(final long id)
        {
            ctx.endpoint().close(id);
        }

        public void onReset(final long id)
        {
            failures.add("reset " + id);
        }

        public void onTimeout(final long id)
        {
            failures.add("timeout " + id);
        }
    }

    private void echoOverAPair(final String name, final int shards, final ThreadingMode serverMode,
        final ThreadingMode clientMode)
    {
        final LocalAddresses serverIps = LocalAddresses.parse("192.0.2.1/24", "192.0.2.10-192.0.2.12");
        final int[] targets = new int[serverIps.size()];
        for (int i = 0; i < targets.length; i++)
        {
            targets[i] = serverIps.get(i);
        }
        final AtomicInteger echoed = new AtomicInteger();
        final List<String> failures = new CopyOnWriteArrayList<>();
        try (RingPair pair = RingPair.create(name, 1024, shards))
        {
            final Engine server = Engine.builder().name(name + "-server").port(pair.a()).addresses(serverIps)
                .shards(shards).tcpConfig(EngineTest::tcp).handlers(Echo::new).threading(serverMode)
                .countersDir(dir).mempoolSize(2047).preallocate(16).build();
            final Client[] clients = new Client[shards];
            final Engine client = Engine.builder().name(name + "-client").port(pair.b())
                .address(ip("192.0.2.2"), 24).shards(shards).tcpConfig(EngineTest::tcp)
                .handlers(ctx ->
                {
                    // each shard connects to its share of the targets
                    final int[] mine = java.util.stream.IntStream.range(0, targets.length)
                        .filter(t -> t % ctx.shardCount() == ctx.shardIndex()).map(t -> targets[t]).toArray();
                    clients[ctx.shardIndex()] = new Client(ctx, mine, echoed, failures);
                    return clients[ctx.shardIndex()];
                })
                .duties(ctx -> clients[ctx.shardIndex()])
                .threading(clientMode).countersDir(dir).mempoolSize(2047).preallocate(16).build();
            try
            {
                for (int i = 0; i < shards; i++)
                {
                    server.context(i).endpoint().listen(0, ECHO_PORT, 16);
                }
                final Path serverFile = server.counters().file();
                final Path clientFile = client.counters().file();
                assertFalse(serverFile.equals(clientFile), "each engine has its own counters file");
                assertTrue(Files.exists(serverFile) && Files.exists(clientFile));

                server.start();
                client.start();
                final long deadline = System.nanoTime() + DEADLINE_NS;
                while (echoed.get() < targets.length && failures.isEmpty() && System.nanoTime() - deadline < 0)
                {
                    drive(server);
                    drive(client);
                }
                assertEquals(List.of(), failures);
                assertEquals(targets.length, echoed.get(), "every local address answered ARP and echoed");
                final long shardThreads = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().startsWith("wirespeed-" + name + "-server-")).count();
                assertEquals(serverMode == ThreadingMode.DEDICATED ? shards : 1, shardThreads,
                    "threads of the server engine in " + serverMode);

                final IllegalStateException inUse = assertThrows(IllegalStateException.class, pair::close);
                assertTrue(inUse.getMessage().contains("engine " + name + "-server"), inUse.getMessage());

                assertTrue(client.close(false, TimeUnit.SECONDS.toNanos(5)) || clientMode == ThreadingMode.INVOKER);
                assertFalse(Files.exists(clientFile), "the client's file is gone");
                assertTrue(Files.exists(serverFile), "closing one engine leaves the other's file alone");
                assertEquals(0, server.errorCount());
                assertEquals(0, client.errorCount());
            }
            finally
            {
                client.close();
                server.close();
            }
            assertEquals(0, pair.a().mempool().inUseCount() + pair.b().mempool().inUseCount(),
                "every mbuf is back in its pool");
        }
    }

    private static void drive(final Engine engine)
    {
        if (engine.threading() == ThreadingMode.INVOKER)
        {
            engine.doWork();
        }
        else
        {
            Thread.onSpinWait();
        }
    }

    @Test
    void dedicatedServerAndInvokedClientTalkOnEveryLocalAddress()
    {
        echoOverAPair("ws_t_eng1", 1, ThreadingMode.DEDICATED, ThreadingMode.INVOKER);
    }

    @Test
    void twoShardsOnOneSharedThreadAgainstTwoDedicatedShards()
    {
        echoOverAPair("ws_t_eng2", 2, ThreadingMode.SHARED, ThreadingMode.DEDICATED);
    }

    @Test
    void aFailedBuildClosesWhatItOpenedAndNamesTheDevice()
    {
        final DpdkException bad = assertThrows(DpdkException.class, () -> Engine.builder()
            .port(PortSpec.vdev("net_nosuchdriver0")).address(ip("192.0.2.1"), 24).countersDir(dir).build());
        assertTrue(bad.getMessage().contains("net_nosuchdriver0"), bad.getMessage());

        try (RingPair pair = RingPair.create("ws_t_eng3", 256))
        {
            final IllegalStateException failed = assertThrows(IllegalStateException.class, () -> Engine.builder()
                .name("ws_t_eng3").port(pair.a()).address(ip("192.0.2.1"), 24).countersDir(dir).mempoolSize(1023)
                .duties(ctx ->
                {
                    throw new IllegalStateException("duty factory fails");
                }).build());
            assertEquals("duty factory fails", failed.getMessage());
            assertNull(pair.a().user(), "the port was released");
            assertFalse(Files.exists(dir.resolve("wirespeed-ws_t_eng3.counters")), "the counters file was removed");

            assertThrows(IllegalArgumentException.class, () -> Engine.builder().port(pair.b()).build(),
                "no address: refused, not 0.0.0.0");
            assertThrows(IllegalArgumentException.class, () -> Engine.builder().port(pair.b())
                .address(ip("192.0.2.1"), 24).shards(2).build(), "a one-queue pair needs one shard");
            assertNull(pair.b().user());
        }
    }

    @Test
    void shardThreadErrorsAreCountedAndHandedToTheErrorHandler()
    {
        final List<Throwable> seen = new CopyOnWriteArrayList<>();
        try (RingPair pair = RingPair.create("ws_t_eng4", 256))
        {
            final RuntimeException boom = new RuntimeException("boom");
            final AtomicInteger calls = new AtomicInteger();
            try (Engine engine = Engine.builder().name("ws_t_eng4").port(pair.a()).address(ip("192.0.2.1"), 24)
                .countersDir(dir).mempoolSize(1023).errorHandler(seen::add).duties(ctx -> nowNs ->
                {
                    if (calls.incrementAndGet() == 3)
                    {
                        throw boom;
                    }
                    return 0;
                }).build())
            {
                engine.start();
                final long deadline = System.nanoTime() + DEADLINE_NS;
                while (engine.errorCount() == 0 && System.nanoTime() - deadline < 0)
                {
                    Thread.onSpinWait();
                }
                assertEquals(1, engine.errorCount());
                assertSame(boom, engine.firstError());
                assertEquals(List.of(boom), seen);
            }
        }
    }
}
