package dev.wirespeed.engine.runtime.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.wirespeed.engine.wire.ArpPacket;
import dev.wirespeed.engine.wire.PacketBuilder;
import dev.wirespeed.engine.wire.TcpHeader;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

class PcapWriterTest
{
    private static final long T0_NS = 1_764_000_000_123_456_789L;

    @TempDir
    Path dir;

    record Record(long seconds, long fraction, int inclLen, int origLen, byte[] data)
    {
    }

    record Capture(int magic, int snapLength, int linkType, List<Record> records)
    {
    }

    /** A tiny independent pcap reader: little-endian classic pcap only. */
    static Capture read(final Path file) throws IOException
    {
        final ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        final int magic = b.getInt();
        assertEquals(2, b.getShort());
        assertEquals(4, b.getShort());
        assertEquals(0, b.getInt());
        assertEquals(0, b.getInt());
        final int snap = b.getInt();
        final int link = b.getInt();
        final List<Record> records = new ArrayList<>();
        while (b.hasRemaining())
        {
            final long sec = b.getInt() & 0xFFFF_FFFFL;
            final long frac = b.getInt() & 0xFFFF_FFFFL;
            final int incl = b.getInt();
            final int orig = b.getInt();
            final byte[] data = new byte[incl];
            b.get(data);
            records.add(new Record(sec, frac, incl, orig, data));
        }
        return new Capture(magic, snap, link, records);
    }

    /** Frames of several sizes: TCP SYN, data segments up to 1460 bytes, an ARP request. */
    static List<byte[]> frames()
    {
        final List<byte[]> frames = new ArrayList<>();
        final UnsafeBuffer buf = new UnsafeBuffer(new byte[2048]);
        final PacketBuilder pb = new PacketBuilder()
            .srcMac(0x02_00_00_00_00_01L).dstMac(0x02_00_00_00_00_02L)
            .srcAddress(0x0A_00_00_01).dstAddress(0x0A_00_00_02)
            .srcPort(40000).dstPort(80).seq(1000).ack(0).window(65535).flags(TcpHeader.SYN);
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[1460]);
        for (int i = 0; i < payload.capacity(); i++)
        {
            payload.putByte(i, (byte)(i * 7 + 3));
        }
        int len = pb.writeTcp(buf, 0, null, null, 0, 0);
        frames.add(Arrays.copyOf(buf.byteArray(), len));
        pb.flags(TcpHeader.ACK | TcpHeader.PSH).ack(5555);
        for (final int size : new int[]{1, 17, 100, 536, 1460})
        {
            len = pb.seq(2000 + size).writeTcp(buf, 0, null, payload, 0, size);
            frames.add(Arrays.copyOf(buf.byteArray(), len));
        }
        len = pb.dstMac(-1L & 0xFFFF_FFFF_FFFFL).writeArp(buf, 0, ArpPacket.OPERATION_REQUEST, 0x0A_00_00_01, 0, 0x0A_00_00_02);
        frames.add(Arrays.copyOf(buf.byteArray(), len));
        return frames;
    }

    private static Path writeAll(final Path file, final boolean nanos, final int snap, final int bufferLength,
        final List<byte[]> frames, final int repeat)
    {
        try (PcapWriter w = new PcapWriter(file, nanos, snap, bufferLength))
        {
            // frames sit at offset 5 of a bigger buffer to prove the offset is honoured
            final UnsafeBuffer src = new UnsafeBuffer(new byte[4096]);
            long t = T0_NS;
            for (int r = 0; r < repeat; r++)
            {
                for (final byte[] f : frames)
                {
                    src.putBytes(5, f);
                    w.write(src, 5, f.length, t);
                    t += 1_001_001;
                }
            }
            assertEquals((long)repeat * frames.size(), w.packets());
        }
        return file;
    }

    @Test
    void nanosecondFileReadsBackByteForByteAcrossManyFlushes() throws IOException
    {
        final List<byte[]> frames = frames();
        final Path file = dir.resolve("ns.pcap");
        // a buffer of 2 KiB forces a flush every record or two
        writeAll(file, true, 1600, 2048, frames, 50);
        final Capture c = read(file);
        assertEquals(PcapWriter.MAGIC_NANOS, c.magic());
        assertEquals(1, c.linkType());
        assertEquals(1600, c.snapLength());
        assertEquals(50 * frames.size(), c.records().size());
        long t = T0_NS;
        for (int i = 0; i < c.records().size(); i++)
        {
            final Record rec = c.records().get(i);
            final byte[] expected = frames.get(i % frames.size());
            assertArrayEquals(expected, rec.data(), "record " + i);
            assertEquals(expected.length, rec.origLen());
            assertEquals(t / 1_000_000_000L, rec.seconds());
            assertEquals(t % 1_000_000_000L, rec.fraction());
            t += 1_001_001;
        }
    }

    @Test
    void microsecondFileAndSnapLengthCut() throws IOException
    {
        final List<byte[]> frames = frames();
        final Path file = writeAll(dir.resolve("us.pcap"), false, 64, 4096, frames, 1);
        final Capture c = read(file);
        assertEquals(PcapWriter.MAGIC_MICROS, c.magic());
        assertEquals(64, c.snapLength());
        for (int i = 0; i < frames.size(); i++)
        {
            final Record rec = c.records().get(i);
            final byte[] f = frames.get(i);
            assertEquals(Math.min(64, f.length), rec.inclLen());
            assertEquals(f.length, rec.origLen());
            assertArrayEquals(Arrays.copyOf(f, Math.min(64, f.length)), rec.data());
            assertEquals(((T0_NS + i * 1_001_001L) % 1_000_000_000L) / 1000, rec.fraction());
        }
    }

    @Test
    void shardFilesGetASuffix()
    {
        assertEquals(dir.resolve("cap-shard0.pcap"), PcapWriter.shardFile(dir.resolve("cap.pcap"), 0));
        assertEquals(dir.resolve("cap-shard12.pcap"), PcapWriter.shardFile(dir.resolve("cap"), 12));
    }

    @Test
    void rejectsABufferTooSmallForOneRecord()
    {
        try
        {
            new PcapWriter(dir.resolve("x.pcap"), true, 1514, 1000).close();
            fail("expected IllegalArgumentException");
        }
        catch (final IllegalArgumentException expected)
        {
            assertTrue(expected.getMessage().contains("cannot hold one record"), expected.getMessage());
        }
    }

    /** tshark must be installed (launcher APT_PACKAGES): this test fails rather than skips without it. */
    @Test
    void tsharkReadsTheFileWithGoodChecksumsAndNoMalformedPackets() throws Exception
    {
        final Path tshark = findOnPath("tshark");
        assertTrue(tshark != null, "tshark is not installed: apt-get install -y tshark (it is in the launcher's APT_PACKAGES)");
        final List<byte[]> frames = frames();
        for (final boolean nanos : new boolean[]{true, false})
        {
            final Path file = writeAll(dir.resolve("tshark-" + nanos + ".pcap"), nanos, 2048, 8192, frames, 3);
            final String out = run(tshark.toString(), "-r", file.toString(), "-T", "fields", "-e", "frame.len",
                "-e", "tcp.checksum.status", "-e", "_ws.malformed", "-e", "_ws.expert.severity",
                "-o", "tcp.check_checksum:TRUE");
            final String[] lines = out.replaceAll("\n+$", "").split("\n");
            assertEquals(3 * frames.size(), lines.length, out);
            for (int i = 0; i < lines.length; i++)
            {
                final String[] f = lines[i].split("\t", -1);
                final byte[] expected = frames.get(i % frames.size());
                assertEquals(String.valueOf(expected.length), f[0], "frame.len of line " + i + ": " + lines[i]);
                final boolean isTcp = expected.length > 42;
                assertEquals(isTcp ? "1" : "", f[1], "tcp.checksum.status (0 bad, 1 good, 2 unverified) of line " + i + ": " + lines[i]);
                assertEquals("", f[2], "malformed packet at line " + i + ": " + lines[i]);
            }
            final String malformed = run(tshark.toString(), "-r", file.toString(), "-Y", "_ws.malformed || tcp.checksum.status == 0 || ip.checksum.status == 0",
                "-o", "tcp.check_checksum:TRUE", "-o", "ip.check_checksum:TRUE");
            assertEquals("", malformed.strip(), "tshark found malformed frames or bad checksums");
        }
    }

    static Path findOnPath(final String name)
    {
        for (final String d : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":"))
        {
            final Path p = Path.of(d, name);
            if (Files.isExecutable(p))
            {
                return p;
            }
        }
        return null;
    }

    static String run(final String... cmd) throws Exception
    {
        final Process p = new ProcessBuilder(cmd).redirectErrorStream(false).start();
        final byte[] out = p.getInputStream().readAllBytes();
        final byte[] err = p.getErrorStream().readAllBytes();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "timeout: " + String.join(" ", cmd));
        assertEquals(0, p.exitValue(), String.join(" ", cmd) + " failed: " + new String(err));
        assertFalse(new String(err).contains("appears to have been cut short"), new String(err));
        return new String(out);
    }
}
