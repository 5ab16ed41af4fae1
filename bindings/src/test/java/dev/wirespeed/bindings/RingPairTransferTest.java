package dev.wirespeed.bindings;

import java.lang.foreign.Arena;
import java.util.SplittableRandom;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * One million frames of varying sizes, written from Java straight into mbufs, sent through DPDK over a crossed
 * net_ring pair and received on the other port. Every frame's length and every byte are checked, and both
 * mempools return to their starting in-use count.
 */
@ExtendWith(DpdkExtension.class)
class RingPairTransferTest
{
    private static final int FRAMES = 1_000_000;
    private static final int MIN_LEN = 60;
    private static final int MAX_LEN = 1514;

    @Test
    void millionFramesOfVaryingSizeArriveIntactAndNoMbufLeaks()
    {
        try (RingPair pair = RingPair.create("ws_t_xfer", 1024); Arena arena = Arena.ofConfined())
        {
            final EthPort tx = pair.a().start(new PortConfig().mempool(4095, 256));
            final EthPort rx = pair.b().start(new PortConfig().mempool(1023, 32));
            Eal.registerThread();
            final Mempool pool = tx.mempool();
            final int txPoolInUse0 = pool.inUseCount();
            final int rxPoolInUse0 = rx.mempool().inUseCount();

            final MbufBurst out = new MbufBurst(arena, 32);
            final MbufBurst in = new MbufBurst(arena, 32);
            final MbufView view = new MbufView();
            final SplittableRandom sizes = new SplittableRandom(42);
            final SplittableRandom expectedSizes = new SplittableRandom(42);

            long sent = 0;
            long received = 0;
            int idle = 0;
            while (received < FRAMES)
            {
                if (sent < FRAMES && out.size() == 0)
                {
                    final int n = (int)Math.min(32, FRAMES - sent);
                    assertTrue(pool.allocBulk(out, n), "mempool exhausted: mbufs are leaking");
                    for (int i = 0; i < n; i++)
                    {
                        final long m = out.get(i);
                        final int len = MIN_LEN + sizes.nextInt(MAX_LEN - MIN_LEN + 1);
                        FramePattern.fill(view.wrapForWrite(m), sent + i, len);
                        Mbuf.length(m, len);
                    }
                    sent += n;
                }
                tx.txBurst(0, out);

                final int got = rx.rxBurst(0, in);
                for (int i = 0; i < got; i++)
                {
                    final long m = in.get(i);
                    final int expectedLen = MIN_LEN + expectedSizes.nextInt(MAX_LEN - MIN_LEN + 1);
                    assertEquals(1, Mbuf.nbSegs(m));
                    assertEquals(expectedLen, Mbuf.dataLength(m), "length of frame " + received);
                    assertEquals(expectedLen, Mbuf.packetLength(m));
                    final UnsafeBuffer frame = view.wrap(m);
                    assertEquals(expectedLen, frame.capacity());
                    final int mismatch = FramePattern.firstMismatch(frame, received, expectedLen);
                    if (mismatch >= 0)
                    {
                        fail("frame " + received + " differs at byte " + mismatch);
                    }
                    received++;
                }
                in.freeAll();
                idle = got == 0 ? idle + 1 : 0;
                if (idle > 1_000_000)
                {
                    fail("no frame arrived for a million polls: sent " + sent + ", received " + received);
                }
            }
            assertEquals(FRAMES, received);
            assertEquals(0, rx.rxBurst(0, in), "nothing extra arrives");
            assertEquals(txPoolInUse0, pool.inUseCount(), "TX mempool back to its starting in-use count");
            assertEquals(rxPoolInUse0, rx.mempool().inUseCount(), "RX mempool back to its starting in-use count");
            final PortStats txStats = tx.stats(new PortStats());
            final PortStats rxStats = rx.stats(new PortStats());
            assertEquals(FRAMES, txStats.txPackets);
            assertEquals(FRAMES, rxStats.rxPackets);
        }
    }
}
