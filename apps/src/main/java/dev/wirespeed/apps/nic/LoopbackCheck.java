package dev.wirespeed.apps.nic;

import java.lang.foreign.Arena;
import java.util.SplittableRandom;

import dev.wirespeed.bindings.EthPort;
import dev.wirespeed.bindings.FramePattern;
import dev.wirespeed.bindings.Mbuf;
import dev.wirespeed.bindings.MbufBurst;
import dev.wirespeed.bindings.MbufView;
import dev.wirespeed.bindings.Mempool;

/**
 * Sends {@code frames} frames of random sizes from one port to another (e.g. a net_ring pair), writing each in
 * place in an mbuf and checking every received byte, and reports what it measured.
 */
public final class LoopbackCheck
{
    /**
     * What a check measured.
     *
     * @param frames      frames received.
     * @param bytes       bytes received.
     * @param elapsedNs   time from the first send to the last receive, ns.
     * @param corrupt     frames whose bytes differed from what was sent.
     * @param leakedMbufs mbufs still in use after the check (should be 0).
     */
    public record Result(long frames, long bytes, long elapsedNs, long corrupt, int leakedMbufs)
    {
        /**
         * Frames per second.
         *
         * @return millions of frames per second.
         */
        public double mpps()
        {
            return frames * 1e3 / elapsedNs;
        }

        /**
         * Received bytes per second.
         *
         * @return Gbit/s.
         */
        public double gbps()
        {
            return bytes * 8.0 / elapsedNs;
        }
    }

    private LoopbackCheck()
    {
    }

    /**
     * Runs the check on the calling thread.
     *
     * @param tx        the sending port, started.
     * @param rx        the receiving port, started.
     * @param frames    frames to send.
     * @param minLen    smallest frame length, bytes.
     * @param maxLen    largest frame length, bytes.
     * @param timeoutNs how long to wait for the frames at most, ns.
     * @return what was measured.
     */
    public static Result run(final EthPort tx, final EthPort rx, final long frames, final int minLen, final int maxLen,
        final long timeoutNs)
    {
        final Mempool pool = tx.mempool();
        final int inUse0 = pool.inUseCount();
        final SplittableRandom sizes = new SplittableRandom(7);
        final SplittableRandom expected = new SplittableRandom(7);
        long sent = 0;
        long received = 0;
        long bytes = 0;
        long corrupt = 0;
        final long start = System.nanoTime();
        try (Arena arena = Arena.ofConfined())
        {
            final MbufBurst out = new MbufBurst(arena, 32);
            final MbufBurst in = new MbufBurst(arena, 32);
            final MbufView view = new MbufView();
            while (received < frames && System.nanoTime() - start < timeoutNs)
            {
                if (sent < frames && out.size() == 0)
                {
                    final int n = (int)Math.min(32, frames - sent);
                    if (pool.allocBulk(out, n))
                    {
                        for (int i = 0; i < n; i++)
                        {
                            final long m = out.get(i);
                            final int len = minLen + sizes.nextInt(maxLen - minLen + 1);
                            FramePattern.fill(view.wrapForWrite(m), sent + i, len);
                            Mbuf.length(m, len);
                        }
                        sent += n;
                    }
                }
                tx.txBurst(0, out);
                final int got = rx.rxBurst(0, in);
                for (int i = 0; i < got; i++)
                {
                    final long m = in.get(i);
                    final int len = minLen + expected.nextInt(maxLen - minLen + 1);
                    if (Mbuf.dataLength(m) != len || FramePattern.firstMismatch(view.wrap(m), received, len) >= 0)
                    {
                        corrupt++;
                    }
                    bytes += Mbuf.dataLength(m);
                    received++;
                }
                in.freeAll();
            }
            out.freeAll();
        }
        final long elapsed = System.nanoTime() - start;
        return new Result(received, bytes, elapsed, corrupt + (frames - received), pool.inUseCount() - inUse0);
    }
}
