package dev.wirespeed.engine.runtime;

import java.lang.foreign.Arena;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import dev.wirespeed.bindings.MbufBurst;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ImpairmentTest
{
    private static final int N = 100_000;
    private static final int FRAME = 64;

    private final Arena arena = Arena.ofConfined();
    private final MbufBurst in = new MbufBurst(arena, 32);
    private final MbufBurst out = new MbufBurst(arena, 128);
    private final FakeMbufs mbufs = new FakeMbufs();

    @AfterEach
    void close()
    {
        arena.close();
    }

    /**
     * Runs n IPv4 frames (each carries its sequence number in bytes 0..3) through, consuming out as a TX would.
     */
    private List<Long> run(final Impairment imp, final int n)
    {
        final List<Long> delivered = new ArrayList<>();
        long now = 0;
        int sent = 0;
        while (sent < n)
        {
            final int burst = Math.min(32, n - sent);
            for (int i = 0; i < burst; i++)
            {
                final byte[] d = new byte[FRAME];
                ByteBuffer.wrap(d).putInt(sent + i).putLong(4, 0).putShort(12, (short)0x0800); // IPv4
                in.add(mbufs.alloc(d));
            }
            sent += burst;
            imp.apply(in, out, now);
            assertEquals(0, in.size(), "apply must take every input mbuf");
            drain(delivered);
            now += 10_000;
        }
        while (imp.held() > 0)
        {
            imp.flush(out);
            drain(delivered);
        }
        return delivered;
    }

    private void drain(final List<Long> delivered)
    {
        for (int i = 0; i < out.size(); i++)
        {
            final long m = out.get(i);
            delivered.add((long)ByteBuffer.wrap(mbufs.data(m)).getInt());
            mbufs.free(m);
        }
        out.clear();
    }

    private static void assertRate(final String what, final double p, final long count, final long n)
    {
        // 5 standard deviations of a binomial: fails by chance about once in 3.5 million runs
        final double mean = p * n;
        final double sd = Math.sqrt(n * p * (1 - p));
        assertTrue(Math.abs(count - mean) <= 5 * sd + 1,
            what + ": " + count + " of " + n + ", expected " + mean + " +- " + (5 * sd));
    }

    @Test
    void ratesAreWithinStatisticalBoundsOver100kPackets()
    {
        final Impairment imp = Impairment.parse("loss=5%,dup=2%,reorder=10%,corrupt=0.5%,seed=42", mbufs);
        final List<Long> delivered = run(imp, N);
        assertEquals(N, imp.packetsIn());
        assertRate("loss", 0.05, imp.dropped(), N);
        final long survivors = N - imp.dropped();
        assertRate("corrupt", 0.005, imp.corrupted(), survivors);
        assertRate("dup", 0.02, imp.duplicated() + imp.duplicateFailed(), survivors);
        assertRate("reorder", 0.10, imp.reordered(), survivors);
        assertEquals(0, imp.duplicateFailed(), "out has room and copies never fail here");
        assertEquals(N - imp.dropped() + imp.duplicated(), delivered.size());
        assertEquals(delivered.size(), imp.packetsOut());
        assertTrue(mbufs.live.isEmpty(), "every mbuf freed: " + mbufs.live.size() + " left");
        assertEquals(N + imp.duplicated(), mbufs.freed.size());
    }

    @Test
    void reorderNeverLosesAPacketAndDoesReorder()
    {
        final Impairment imp = Impairment.parse("reorder=30%,seed=9,depth=8", mbufs);
        final List<Long> delivered = run(imp, N);
        assertEquals(N, delivered.size());
        final Set<Long> distinct = new HashSet<>(delivered);
        assertEquals(N, distinct.size(), "no packet twice");
        // a packet is late when a higher-numbered one was delivered before it
        long late = 0;
        long max = -1;
        for (final long seq : delivered)
        {
            if (seq < max)
            {
                late++;
            }
            max = Math.max(max, seq);
        }
        assertTrue(imp.reordered() > N / 10, "held " + imp.reordered());
        assertTrue(late > imp.reordered() / 2, "expected most held packets to arrive late: " + late + " late, " +
            imp.reordered() + " held");
        assertTrue(mbufs.live.isEmpty());
    }

    @Test
    void heldPacketsLeaveInOrderAfterTheDelay()
    {
        final Impairment imp = Impairment.parse("reorder=100%,delay=1ms,depth=4", mbufs);
        final long[] a = new long[6];
        for (int i = 0; i < 6; i++)
        {
            a[i] = mbufs.alloc(FRAME, i);
            in.add(a[i]);
        }
        assertEquals(2, imp.apply(in, out, 0), "ring of 4 full: the last two pass");
        assertEquals(a[4], out.get(0));
        assertEquals(a[5], out.get(1));
        out.clear();
        assertEquals(0, imp.poll(out, 999_999), "delay not passed");
        assertEquals(4, imp.poll(out, 1_000_000));
        for (int i = 0; i < 4; i++)
        {
            assertEquals(a[i], out.get(i), "released in the order held");
        }
        assertEquals(0, imp.held());
    }

    @Test
    void sameSeedSameOutcomeDifferentSeedDifferentOutcome()
    {
        final String spec = "loss=5%,dup=2%,reorder=10%,corrupt=5%,seed=";
        final List<Long> a = run(Impairment.parse(spec + "7", mbufs), 20_000);
        final List<Long> b = run(Impairment.parse(spec + "7", mbufs), 20_000);
        final List<Long> c = run(Impairment.parse(spec + "8", mbufs), 20_000);
        assertEquals(a, b);
        assertNotEquals(a, c);
    }

    @Test
    void corruptionFlipsExactlyOneByteAfterTheEthernetHeader()
    {
        final Impairment imp = Impairment.parse("corrupt=100%,seed=3", mbufs);
        for (int round = 0; round < 1000; round++)
        {
            final long m = mbufs.alloc(FRAME, 0x55);
            in.add(m);
            imp.apply(in, out, round);
            assertEquals(m, out.get(0));
            final byte[] d = mbufs.data(m);
            int changed = 0;
            for (int i = 0; i < d.length; i++)
            {
                if (i != 12 && i != 13 && d[i] != 0x55)
                {
                    changed++;
                    assertTrue(i >= 14, "byte " + i + " is in the Ethernet header");
                }
            }
            assertEquals(1, changed);
            mbufs.free(m);
            out.clear();
        }
        assertEquals(1000, imp.corrupted());
    }

    @Test
    void onlyIpv4FramesAreCorruptedNeverArpWhichHasNoChecksum()
    {
        final Impairment imp = Impairment.parse("corrupt=100%,seed=3", mbufs);
        final long m = mbufs.alloc(FRAME, 0x55);
        mbufs.data(m)[13] = 0x06; // ARP
        final byte[] before = mbufs.data(m).clone();
        in.add(m);
        imp.apply(in, out, 0);
        assertArrayEquals(before, mbufs.data(m));
        assertEquals(0, imp.corrupted());
        mbufs.free(m);
        out.clear();
    }

    @Test
    void duplicatesNeedRoomAndMbufsAndNeverPushOutOriginals()
    {
        final Impairment imp = Impairment.parse("dup=100%", mbufs);
        final MbufBurst tight = new MbufBurst(arena, 32);
        for (int i = 0; i < 32; i++)
        {
            in.add(mbufs.alloc(FRAME, i));
        }
        assertEquals(32, imp.apply(in, tight, 0));
        assertEquals(0, imp.duplicated());
        assertEquals(32, imp.duplicateFailed());

        mbufs.copyBudget = 3;
        for (int i = 0; i < 10; i++)
        {
            in.add(mbufs.alloc(FRAME, i));
        }
        assertEquals(13, imp.apply(in, out, 0));
        assertEquals(3, imp.duplicated());
        assertEquals(39, imp.duplicateFailed());
        assertEquals(out.get(0), out.get(0));
        assertEquals(mbufs.data(out.get(0))[0], mbufs.data(out.get(1))[0], "copy right after its original");
    }

    @Test
    void freeHeldFreesEverythingHeld()
    {
        final Impairment imp = Impairment.parse("reorder=100%", mbufs);
        for (int i = 0; i < 20; i++)
        {
            in.add(mbufs.alloc(FRAME, i));
        }
        imp.apply(in, out, 0);
        assertEquals(20, imp.held());
        imp.freeHeld();
        assertTrue(mbufs.live.isEmpty());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "loss", "loss=5", "loss=abc%", "loss=101%", "loss=-1%", "jitter=5%", "loss=1%,loss=2%",
        "delay=5", "delay=xms", "depth=0", "seed=1.5", "loss=1%,"})
    void badSpecsAreRejectedWithAMessage(final String spec)
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> Impairment.parse(spec, mbufs));
        assertTrue(ex.getMessage() != null && ex.getMessage().length() > 15, ex.getMessage());
    }

    @Test
    void specRoundTripsThroughToString()
    {
        final Impairment imp = Impairment.parse(" loss=5% , dup=2%,reorder=10%,corrupt=0.5%,seed=-3,delay=250us,depth=16", mbufs);
        assertEquals("loss=5%,dup=2%,reorder=10%,corrupt=0.5%,seed=-3,delay=250000ns,depth=16", imp.toString());
        assertEquals(250_000, imp.delayNs());
    }
}
