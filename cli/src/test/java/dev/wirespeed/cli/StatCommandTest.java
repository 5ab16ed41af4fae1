package dev.wirespeed.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.wirespeed.bindings.PortStats;
import dev.wirespeed.engine.runtime.EngineCounters;
import dev.wirespeed.engine.runtime.PortCounters;
import dev.wirespeed.engine.runtime.ShardCounters;
import dev.wirespeed.engine.runtime.ShardDrops;
import dev.wirespeed.engine.tcp.TcpCounters;
import dev.wirespeed.engine.wire.FrameParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StatCommandTest
{
    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(final String... args)
    {
        final CommandLine cli = WirespeedCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    @Test
    void printsEveryCounterOfTheNewestRunningEngine()
    {
        try (EngineCounters counters = EngineCounters.create(dir.resolve("wirespeed-77.counters"), 128, true))
        {
            final ShardCounters s = counters.shard(0);
            s.onRx(42, 4200);
            s.onDrop(FrameParser.DROP_IPV4_BAD_CHECKSUM);
            assertEquals(0, run("stat", "--dir", dir.toString(), "--count", "2", "--interval", "0.01"), err.toString());
            final String text = out.toString();
            assertEquals(2, text.split("== ", -1).length - 1, text);
            assertTrue(text.contains("shard-0 rx packets: 42\n"), text);
            assertTrue(text.contains("shard-0 rx bytes: 4200\n"), text);
            assertTrue(text.contains("shard-0 drop IPV4_BAD_CHECKSUM: 1\n"), text);
            assertTrue(text.contains("shard-0 tcp ESTABLISHED: 0\n"), text);
            assertTrue(text.contains("pid " + ProcessHandle.current().pid()), text);
            assertEquals("", err.toString());
        }
    }

    /** Issue 10: every drop reason is live, the TCP ones and the shard's own included, and the port's counters. */
    @Test
    void printsEveryDropReasonTheTcpCountersAndThePortCounters()
    {
        try (EngineCounters counters = EngineCounters.create(dir.resolve("wirespeed-78.counters"), 256, true))
        {
            final ShardCounters s = counters.shard(0);
            final PortCounters port = counters.port();
            s.tcp(TcpCounters.DROP_MISSING_TIMESTAMP).setRelease(4);
            s.tcp(TcpCounters.DROP_COOKIE_INVALID).setRelease(5);
            s.shardDrops(ShardDrops.MARTIAN_SOURCE).setRelease(6);
            final PortStats stats = new PortStats();
            stats.rxMissed = 7;
            stats.rxNoMbuf = 8;
            stats.txErrors = 9;
            port.publish(stats);
            assertEquals(0, run("stat", "--dir", dir.toString(), "--count", "1"), err.toString());
            final String text = out.toString();
            assertTrue(text.contains("shard-0 tcp drop.missingTimestamp: 4\n"), text);
            assertTrue(text.contains("shard-0 tcp drop.cookieInvalid: 5\n"), text);
            assertTrue(text.contains("shard-0 drop MARTIAN_SOURCE: 6\n"), text);
            assertTrue(text.contains("port imissed: 7\n"), text);
            assertTrue(text.contains("port rx_nombuf: 8\n"), text);
            assertTrue(text.contains("port oerrors: 9\n"), text);
            for (int i = 0; i < TcpCounters.COUNT; i++)
            {
                assertTrue(text.contains("shard-0 tcp " + TcpCounters.name(i) + ": "), TcpCounters.name(i));
            }
            for (int r = 0; r < ShardDrops.COUNT; r++)
            {
                assertTrue(text.contains("shard-0 drop " + ShardDrops.name(r) + ": "), ShardDrops.name(r));
            }
            for (int r = 1; r < FrameParser.DROP_REASON_COUNT; r++)
            {
                assertTrue(text.contains("shard-0 drop " + FrameParser.dropReasonName(r) + ": "), FrameParser.dropReasonName(r));
            }
        }
    }

    @Test
    void severalEnginesAreListedAndChosenByName()
    {
        final int size = ShardCounters.countPerShard() + 64;
        try (EngineCounters a = EngineCounters.create(dir.resolve("wirespeed-server.counters"), size, true);
            EngineCounters b = EngineCounters.create(dir.resolve("wirespeed-load.counters"), size, true))
        {
            a.shard(0).onRx(11, 1100);
            b.shard(0).onRx(22, 2200);
            assertEquals(0, run("stat", "--dir", dir.toString(), "--list"), err.toString());
            assertTrue(out.toString().contains("server pid " + ProcessHandle.current().pid() + " running"), out.toString());
            assertTrue(out.toString().contains("load pid "), out.toString());
            out.getBuffer().setLength(0);
            assertEquals(0, run("stat", "--dir", dir.toString(), "--name", "server", "--count", "1"), err.toString());
            assertTrue(out.toString().contains("shard-0 rx packets: 11\n"), out.toString());
            out.getBuffer().setLength(0);
            assertEquals(0, run("stat", "--dir", dir.toString(), "--count", "1"), err.toString());
            assertTrue(err.toString().contains("2 engines are running"), err.toString());
            assertEquals(2, run("stat", "--dir", dir.toString(), "--name", "nosuch", "--count", "1"));
            assertTrue(err.toString().contains("no engine named 'nosuch'"), err.toString());
        }
    }

    @Test
    void noEngineIsOneErrorLineAndExit2()
    {
        assertEquals(2, run("stat", "--dir", dir.toString(), "--count", "1"));
        assertTrue(err.toString().startsWith("wirespeed: error: no Wirespeed engine is running: no wirespeed-*.counters in "),
            err.toString());
        assertEquals(1, err.toString().strip().lines().count(), err.toString());
        assertEquals(2, run("stat", "--file", dir.resolve("nope.counters").toString()));
        assertTrue(err.toString().contains("no counters file"), err.toString());
    }

    @Test
    void fileOfAnExitedEngineIsRefusedUnlessNamed() throws Exception
    {
        // a file claiming a pid that cannot be alive: write one, then patch its pid field
        final Path f = dir.resolve("wirespeed-5.counters");
        try (EngineCounters counters = EngineCounters.create(f, 128, false))
        {
            counters.shard(3).onTx(7, 700);
        }
        final byte[] bytes = Files.readAllBytes(f);
        java.nio.ByteBuffer.wrap(bytes).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(EngineCounters.PID_OFFSET, Integer.MAX_VALUE - 1L);
        Files.write(f, bytes);
        assertEquals(2, run("stat", "--dir", dir.toString(), "--count", "1"));
        assertTrue(err.toString().contains("has exited"), err.toString());
        assertEquals(0, run("stat", "--file", f.toString(), "--count", "1"));
        assertTrue(out.toString().contains("shard-3 tx packets: 7\n"), out.toString());
        assertTrue(err.toString().contains("is not running; showing the last values"), err.toString());
    }
}
