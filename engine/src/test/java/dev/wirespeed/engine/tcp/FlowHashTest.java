package dev.wirespeed.engine.tcp;

import dev.wirespeed.engine.wire.Ipv4Header;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FlowHashTest
{
    private static final int LOCAL = (int)Ipv4Header.parseAddress("192.0.2.1");
    private static final int REMOTE = (int)Ipv4Header.parseAddress("192.0.2.2");

    @Test
    void oneShardOwnsEverything()
    {
        assertEquals(0, FlowHash.shardOf(LOCAL, 80, REMOTE, 40000, 1));
    }

    @Test
    void flowsToOneListeningPortSpreadEvenlyOverShards()
    {
        final int shards = 4;
        final int[] perShard = new int[shards];
        final int flows = 16384;
        for (int p = 0; p < flows; p++)
        {
            final int shard = FlowHash.shardOf(LOCAL, 80, REMOTE, 32768 + p, shards);
            assertTrue(shard >= 0 && shard < shards, "shard " + shard);
            perShard[shard]++;
        }
        for (int s = 0; s < shards; s++)
        {
            assertTrue(Math.abs(perShard[s] - flows / shards) < flows / shards / 10,
                "shard " + s + " got " + perShard[s] + " of " + flows);
        }
    }

    @Test
    void activeOpensPickPortsThatHashBackToTheirShard()
    {
        for (int index = 0; index < 3; index++)
        {
            final TcpConfig config = new TcpConfig();
            config.shardCount = 3;
            config.shardIndex = index;
            final TcpEndpoint endpoint = new TcpEndpoint(config, new TcpHandler()
            {
            }, 0);
            endpoint.addLocalAddress(LOCAL, 24);
            for (int i = 0; i < 300; i++)
            {
                final long id = endpoint.connect(0, LOCAL, REMOTE, 7);
                assertTrue(id >= 0, "connect " + i + ": " + id);
                final TcpConnection c = endpoint.connection(id);
                assertEquals(index, FlowHash.shardOf(LOCAL, c.localPort(), REMOTE, 7, 3), "port " + c.localPort());
            }
            assertEquals(300, endpoint.connectionCount());
        }
    }
}
