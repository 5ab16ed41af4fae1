package dev.wirespeed.engine.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.wirespeed.engine.tcp.TcpCounters;
import dev.wirespeed.engine.wire.FrameParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EngineCountersTest
{
    static final int PER_SHARD = 5 + (FrameParser.DROP_REASON_COUNT - 1) + ShardDrops.COUNT +
        ShardCounters.TCP_STATE_NAMES.length + TcpCounters.COUNT + 4;

    @TempDir
    Path dir;

    static Map<String, Long> readAll(final CountersReader reader)
    {
        final Map<String, Long> all = new LinkedHashMap<>();
        reader.forEach((id, label, value) -> all.put(label, value));
        return all;
    }

    static void fill(final ShardCounters s, final int k)
    {
        s.onRx(32 * k, 32 * 64L * k);
        s.onTx(10 * k, 10 * 1514L * k);
        s.onDrop(FrameParser.DROP_TCP_BAD_CHECKSUM);
        s.onDrop(FrameParser.DROP_TCP_BAD_CHECKSUM);
        s.onDrop(FrameParser.DROP_NONE);
        s.onStateChange(-1, 3);
        s.onStateChange(3, 4);
        s.onStateChange(-1, 4);
        s.tcp(TcpCounters.RETRANSMITS).incrementRelease();
        s.tcp(TcpCounters.CHALLENGE_ACKS).getAndAddRelease(k);
        s.tcp(TcpCounters.SYN_COOKIES_SENT).getAndAddRelease(5);
        s.tcp(TcpCounters.DROP_MISSING_TIMESTAMP).getAndAddRelease(3);
        s.shardDrops(ShardDrops.MARTIAN_SOURCE).getAndAddRelease(k);
    }

    @Test
    void shardCountersAreWrittenAndReadBackByLabel()
    {
        final Path file = dir.resolve("wirespeed-1.counters");
        try (EngineCounters counters = EngineCounters.create(file, 2 * ShardCounters.countPerShard(), true))
        {
            fill(counters.shard(0), 1);
            fill(counters.shard(1), 2);
            try (CountersReader reader = CountersReader.open(file))
            {
                assertEquals(ProcessHandle.current().pid(), reader.pid());
                assertTrue(reader.isEngineAlive());
                final Map<String, Long> all = readAll(reader);
                assertEquals(2 * PER_SHARD, all.size(), all.toString());
                assertEquals(2 * PER_SHARD, reader.count());
                assertEquals(32, all.get("shard-0 rx packets"));
                assertEquals(64L * 64, all.get("shard-1 rx bytes"));
                assertEquals(20 * 1514L, all.get("shard-1 tx bytes"));
                assertEquals(2, all.get("shard-0 drop TCP_BAD_CHECKSUM"));
                assertEquals(0, all.get("shard-0 drop IPV4_FRAGMENT"));
                for (int r = 1; r < FrameParser.DROP_REASON_COUNT; r++)
                {
                    assertTrue(all.containsKey("shard-1 drop " + FrameParser.dropReasonName(r)), "reason " + r);
                }
                assertFalse(all.containsKey("shard-0 drop NONE"));
                assertEquals(0, all.get("shard-0 tcp SYN-RECEIVED"));
                assertEquals(2, all.get("shard-0 tcp ESTABLISHED"));
                assertEquals(1, all.get("shard-1 tcp retransmits"));
                assertEquals(2, all.get("shard-1 tcp challengeAcks"));
                assertEquals(5, reader.value("shard-0 tcp synCookiesSent"));
                assertEquals(3, reader.value("shard-1 tcp drop.missingTimestamp"));
                assertEquals(2, reader.value("shard-1 drop MARTIAN_SOURCE"));
                for (int i = 0; i < TcpCounters.COUNT; i++)
                {
                    assertTrue(all.containsKey("shard-0 tcp " + TcpCounters.name(i)), TcpCounters.name(i));
                }
                for (int r = 0; r < ShardDrops.COUNT; r++)
                {
                    assertTrue(all.containsKey("shard-0 drop " + ShardDrops.name(r)), ShardDrops.name(r));
                }
                assertThrows(IllegalArgumentException.class, () -> reader.value("shard-9 rx packets"));
            }
        }
        assertFalse(Files.exists(file), "deleted on close");
    }

    /** The point of the mapped file: a separate JVM sees the values, including ones written after it opened. */
    @Test
    void anotherProcessReadsTheLiveValues() throws Exception
    {
        final Path file = dir.resolve("wirespeed-2.counters");
        try (EngineCounters counters = EngineCounters.create(file, 128, false))
        {
            final ShardCounters s = counters.shard(0);
            s.onRx(1234, 99_999);
            final String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            final Process p = new ProcessBuilder(java, "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), CountersDump.class.getName(), file.toString())
                .redirectErrorStream(true).start();
            final String out = new String(p.getInputStream().readAllBytes());
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            assertEquals(0, p.exitValue(), out);
            assertTrue(out.contains("shard-0 rx packets: 1234\n"), out);
            assertTrue(out.contains("shard-0 rx bytes: 99999\n"), out);
            assertTrue(out.contains("pid " + ProcessHandle.current().pid() + " alive true"), out);
        }
        assertTrue(Files.exists(file), "kept: deleteOnClose false");
    }

    @Test
    void badFilesAreRejectedClearly() throws IOException
    {
        final Path junk = dir.resolve("wirespeed-3.counters");
        Files.write(junk, new byte[4096]);
        final IllegalStateException ex = assertThrows(IllegalStateException.class, () -> CountersReader.open(junk));
        assertTrue(ex.getMessage().contains("bad magic"), ex.getMessage());
        final Path tiny = dir.resolve("tiny.counters");
        Files.write(tiny, new byte[10]);
        assertTrue(assertThrows(IllegalStateException.class, () -> CountersReader.open(tiny)).getMessage()
            .contains("too short"));
        assertTrue(assertThrows(IllegalStateException.class, () -> CountersReader.open(dir.resolve("none")))
            .getMessage().contains("cannot open"));
    }

    @Test
    void fullFileSaysSo()
    {
        try (EngineCounters counters = EngineCounters.create(dir.resolve("small.counters"), 10, true))
        {
            final IllegalStateException ex = assertThrows(IllegalStateException.class, () -> counters.shard(0));
            assertTrue(ex.getMessage().contains("is full"), ex.getMessage());
        }
    }

    @Test
    void findNewestPicksTheLatestEngineFile() throws IOException
    {
        assertNull(CountersReader.findNewest(dir));
        final List<Path> files = new ArrayList<>();
        for (int i = 0; i < 3; i++)
        {
            final Path f = dir.resolve("wirespeed-" + (100 + i) + ".counters");
            Files.write(f, new byte[1]);
            Files.setLastModifiedTime(f, FileTime.fromMillis(1_000_000L * (i == 1 ? 9 : i + 1)));
            files.add(f);
        }
        Files.write(dir.resolve("other.counters"), new byte[1]);
        assertEquals(files.get(1), CountersReader.findNewest(dir));
    }
}
