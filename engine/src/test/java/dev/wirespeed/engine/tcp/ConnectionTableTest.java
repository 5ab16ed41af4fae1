package dev.wirespeed.engine.tcp;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

/** The 4-tuple table against a HashMap model under random puts and removes (backward-shift deletion, growth). */
class ConnectionTableTest
{
    @Test
    void randomPutsAndRemovesMatchAModel()
    {
        final TcpEndpoint ep = new TcpEndpoint(new TcpConfig(), new TcpHandler() { }, 0);
        final ConnectionTable table = new ConnectionTable(16);
        final Map<String, TcpConnection> model = new HashMap<>();
        final SplittableRandom rnd = new SplittableRandom(7);
        final TcpConnection[] pool = new TcpConnection[3000];
        for (int i = 0; i < pool.length; i++)
        {
            // few distinct addresses and ports, so that probe chains collide
            pool[i] = new TcpConnection(ep, i);
            pool[i].initTuple(0x0a000000 | rnd.nextInt(4), 80 + rnd.nextInt(3), 0x0a000100 | rnd.nextInt(8),
                1024 + rnd.nextInt(200));
        }
        for (int op = 0; op < 200_000; op++)
        {
            final TcpConnection c = pool[rnd.nextInt(pool.length)];
            final String key = c.localIp + ":" + (int)c.localPort + ">" + c.remoteIp + ":" + (int)c.remotePort;
            if (rnd.nextInt(3) == 0)
            {
                final TcpConnection inModel = model.get(key);
                if (inModel != null)
                {
                    assertEquals(true, table.remove(inModel));
                    model.remove(key);
                }
            }
            else if (!model.containsKey(key))
            {
                table.put(c);
                model.put(key, c);
            }
            assertEquals(model.size(), table.size());
            final TcpConnection probe = pool[rnd.nextInt(pool.length)];
            final String pk = probe.localIp + ":" + (int)probe.localPort + ">" + probe.remoteIp + ":" +
                (int)probe.remotePort;
            final TcpConnection expected = model.get(pk);
            final TcpConnection got = table.get(probe.localIp, probe.localPort, probe.remoteIp, probe.remotePort);
            if (expected == null)
            {
                assertNull(got);
            }
            else
            {
                assertSame(expected, got);
            }
        }
    }
}
