package dev.wirespeed.engine.tcp;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Receive-side reassembly over many seeds: a stream cut into random overlapping pieces, delivered in random order
 * with duplicates, rounds repeated (as retransmissions would) until complete. The application must see exactly
 * the original bytes, once, in order (behaviours 13, 14, 15, 38).
 * <p>
 * Behaviour numbers refer to the numbered list in docs/TCP-BEHAVIOUR.md.
 */
class TcpReassemblyTest extends TcpTestSupport
{
    @Test
    void checklist15_randomOverlappingReorderedDuplicatedPiecesReassembleExactly()
    {
        for (int seed = 1; seed <= 200; seed++)
        {
            setUp(c -> { });
            establishedSack();
            final SplittableRandom rnd = new SplittableRandom(seed);
            final int size = 20_000 + rnd.nextInt(40_000);
            final byte[] stream = new byte[size];
            for (int i = 0; i < size; i++)
            {
                stream[i] = (byte)('A' + rnd.nextInt(26));
            }
            final List<int[]> pieces = new ArrayList<>();
            int pos = 0;
            while (pos < size)
            {
                final int len = Math.min(size - pos, 1 + rnd.nextInt(1460));
                final int back = pos > 0 && rnd.nextInt(4) == 0 ? rnd.nextInt(Math.min(pos, 300)) : 0;
                pieces.add(new int[] { pos - back, len + back });
                pos += len;
            }
            final boolean withFin = rnd.nextBoolean();
            for (int round = 0; round < 50 && conn() != null && conn().rcvNxt() != REMOTE_SEQ + 1 + size + (withFin ? 1 : 0); round++)
            {
                final List<int[]> order = new ArrayList<>(pieces);
                for (int i = order.size() - 1; i > 0; i--)
                {
                    final int j = rnd.nextInt(i + 1);
                    final int[] t = order.get(i);
                    order.set(i, order.get(j));
                    order.set(j, t);
                }
                for (final int[] p : order)
                {
                    if (rnd.nextInt(3) == 0)
                    {
                        // lost this round
                        continue;
                    }
                    final TcpSegment s = in().seq(REMOTE_SEQ + 1 + p[0]);
                    s.payload(new UnsafeBuffer(stream), p[0], p[1]);
                    if (withFin && p[0] + p[1] == size)
                    {
                        s.flags |= TcpSegment.FIN;
                    }
                    send(s);
                    if (rnd.nextInt(10) == 0)
                    {
                        send(s);
                    }
                    if (rnd.nextInt(8) == 0)
                    {
                        recv();
                    }
                }
                recv();
            }
            assertEquals(new String(stream, StandardCharsets.ISO_8859_1), app.data.toString(), "seed " + seed);
            assertEquals(REMOTE_SEQ + 1 + size + (withFin ? 1 : 0), conn().rcvNxt(), "seed " + seed);
            assertEquals(withFin ? TcpState.CLOSE_WAIT : TcpState.ESTABLISHED, state(), "seed " + seed);
        }
    }
}
