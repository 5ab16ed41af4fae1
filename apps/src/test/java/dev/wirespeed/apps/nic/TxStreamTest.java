package dev.wirespeed.apps.nic;

import java.lang.foreign.Arena;
import java.lang.management.ManagementFactory;

import dev.wirespeed.bindings.Eal;
import dev.wirespeed.bindings.EalOptions;
import dev.wirespeed.bindings.EthPort;
import dev.wirespeed.bindings.Mbuf;
import dev.wirespeed.bindings.MbufBurst;
import dev.wirespeed.bindings.MbufView;
import dev.wirespeed.bindings.PortConfig;
import dev.wirespeed.bindings.PortSpec;
import dev.wirespeed.bindings.RingPair;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The generator stream on real DPDK ports: what it puts on the wire, its pacing, and that it allocates nothing. */
class TxStreamTest
{
    @BeforeAll
    static void eal()
    {
        if (Eal.current() == null)
        {
            Eal.init(new EalOptions().announceFallback(false));
        }
        Eal.registerThread();
    }

    @Test
    void imixFramesAreValidUdpWithSequenceTimestampAndStreamInOrder()
    {
        try (RingPair pair = RingPair.create("ws_t_txs", 1024); Arena arena = Arena.ofConfined())
        {
            pair.a().start(new PortConfig().mempool(4095, 256));
            pair.b().start(new PortConfig().mempool(1023, 32));
            final PacketClock clock = PacketClock.nanoTime();
            final TxStream s = new TxStream(arena, pair.a(), 0, 7, TestFrame.IMIX, 0x02_00_00_00_00_01L,
                TestFrame.DEFAULT_DST_MAC, clock);
            s.start(0, 24);
            while (!s.done())
            {
                s.doWork();
            }
            assertEquals(24, s.sent());
            final MbufBurst in = new MbufBurst(arena, 32);
            final MbufView view = new MbufView();
            assertEquals(24, pair.b().rxBurst(0, in));
            long bytes = 0;
            for (int i = 0; i < 24; i++)
            {
                final long m = in.get(i);
                final UnsafeBuffer buf = view.wrap(m);
                final int size = TestFrame.IMIX[i % TestFrame.IMIX.length];
                assertEquals(size - TestFrame.FCS, Mbuf.dataLength(m));
                assertTrue(TestFrame.isTestFrame(buf, Mbuf.dataLength(m)));
                assertEquals(i, TestFrame.sequence(buf));
                assertEquals(7, TestFrame.stream(buf));
                assertEquals(0, TestFrame.ipv4Checksum(buf, TestFrame.IP_OFFSET), "IPv4 header checksum verifies");
                assertEquals(size - TestFrame.FCS - 14, buf.getShort(16, java.nio.ByteOrder.BIG_ENDIAN) & 0xFFFF);
                assertEquals(0xC0000201, buf.getInt(26, java.nio.ByteOrder.BIG_ENDIAN));
                assertEquals(0xC0000202, buf.getInt(30, java.nio.ByteOrder.BIG_ENDIAN));
                bytes += size;
            }
            assertEquals(bytes, s.sentBytes());
            assertEquals(2 * (7 * 64 + 4 * 570 + 1518), bytes, "IMIX 7:4:1 twice");
            in.freeAll();
        }
    }

    @Test
    void pacedStreamTimestampsFramesAtTheirScheduleAndKeepsTheRate()
    {
        try (RingPair pair = RingPair.create("ws_t_txp", 4096); Arena arena = Arena.ofConfined())
        {
            pair.a().start(new PortConfig().mempool(8191, 256));
            pair.b().start(new PortConfig().mempool(1023, 32));
            final TxStream s = new TxStream(arena, pair.a(), 0, 0, new int[] {64}, 1, 2, PacketClock.nanoTime());
            s.catchUp(true);
            s.start(100_000, 2000); // 20 ms
            final long t0 = System.nanoTime();
            while (!s.done())
            {
                s.doWork();
            }
            final long elapsed = System.nanoTime() - t0;
            assertEquals(2000, s.sent());
            assertTrue(elapsed >= 19_000_000L, "2000 frames at 100 kpps took " + elapsed + " ns: faster than the rate");
            final MbufBurst in = new MbufBurst(arena, 32);
            final MbufView view = new MbufView();
            long prev = -1;
            int got = 0;
            while (got < 2000)
            {
                final int n = pair.b().rxBurst(0, in);
                for (int i = 0; i < n; i++)
                {
                    final long ts = TestFrame.timestampNs(view.wrap(in.get(i)));
                    if (prev >= 0)
                    {
                        assertEquals(10_000, ts - prev, 1, "frames are stamped 1/rate apart");
                    }
                    prev = ts;
                }
                got += n;
                in.freeAll();
            }
        }
    }

    @Test
    void sendingAllocatesNothing()
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        try (Arena arena = Arena.ofConfined(); EthPort port = EthPort.open(PortSpec.vdev("net_null_t_txs0")))
        {
            port.start(new PortConfig().mempool(8191, 256));
            final TxStream s = new TxStream(arena, port, 0, 0, TestFrame.IMIX, 1, 2, PacketClock.tsc());
            s.start(0, Long.MAX_VALUE);
            for (int i = 0; i < 200_000; i++)
            {
                s.doWork(); // warm-up: let the JIT compile the loop
            }
            final long sent0 = s.sent();
            final long a0 = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 100_000; i++)
            {
                s.doWork();
            }
            final long allocated = threads.getCurrentThreadAllocatedBytes() - a0;
            assertTrue(s.sent() - sent0 >= 1_000_000, "frames sent: " + (s.sent() - sent0));
            // nothing per frame (one object per frame would be >= 16 B/frame); a one-off JIT event is tolerated
            assertTrue(allocated * 1000 < s.sent() - sent0, "bytes allocated: " + allocated + " over " +
                (s.sent() - sent0) + " frames");
            s.discardPending();
        }
    }
}
