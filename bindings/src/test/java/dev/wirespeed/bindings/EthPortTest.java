package dev.wirespeed.bindings;

import java.lang.foreign.Arena;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(DpdkExtension.class)
class EthPortTest
{
    @Test
    void nullPortStartsReportsInfoLinkMacAndCountsTraffic()
    {
        try (EthPort port = EthPort.open(PortSpec.vdev("net_null_t0,copy=1")))
        {
            port.start(new PortConfig().mempool(2047, 64));
            final DeviceInfo info = port.info();
            assertEquals("net_null", info.driverName());
            assertTrue(info.maxRxQueues() >= 1);
            assertTrue(port.linkUp(), "net_null reports link up once started");
            assertNotEquals(0L, port.macAddress(), "net_null has a random MAC");
            assertTrue(port.promiscuous());

            final int inUse = port.mempool().inUseCount();
            try (Arena arena = Arena.ofConfined())
            {
                final MbufBurst burst = new MbufBurst(arena, 32);
                final int got = port.rxBurst(0, burst);
                assertEquals(32, got, "net_null always has a full burst to give");
                for (int i = 0; i < got; i++)
                {
                    assertEquals(port.id(), Mbuf.port(burst.get(i)));
                }
                final int sent = port.txBurst(0, burst);
                assertEquals(32, sent);
                assertEquals(0, burst.size());
            }
            final PortStats stats = port.stats(new PortStats());
            assertEquals(32, stats.rxPackets);
            assertEquals(32, stats.txPackets);
            assertEquals(inUse, port.mempool().inUseCount(), "TX on net_null frees what it takes");
        }
    }

    @Test
    void ringPortIsALoopbackWithLinkUp()
    {
        try (RingPair pair = RingPair.create("ws_t_lp", 1024))
        {
            pair.a().start(new PortConfig().mempool(1023, 32));
            pair.b().start(new PortConfig().mempool(1023, 32));
            assertTrue(pair.a().linkUp());
            assertTrue(pair.b().linkUp());
            assertEquals("net_ring", pair.a().info().driverName());
        }
    }
}
