package dev.wirespeed.bindings;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(DpdkExtension.class)
class ErrorPathTest
{
    @Test
    void badVdevDriverNameIsAClearError()
    {
        final DpdkException ex = assertThrows(DpdkException.class, () -> EthPort.open(PortSpec.vdev("net_bogus0")));
        assertTrue(ex.getMessage().contains("cannot attach port --vdev net_bogus0"), ex.getMessage());
        assertTrue(ex.getMessage().contains("Check the driver name"), ex.getMessage());
    }

    @Test
    void badVdevArgumentsAreAClearError()
    {
        final DpdkException ex = assertThrows(DpdkException.class,
            () -> EthPort.open(PortSpec.vdev("net_null_bad0,nosuchkey=1")));
        assertTrue(ex.getMessage().startsWith("cannot attach port --vdev net_null_bad0,nosuchkey=1"), ex.getMessage());
    }

    @Test
    void notANetworkVdevIsRejectedBeforeDpdk()
    {
        final DpdkException ex = assertThrows(DpdkException.class, () -> EthPort.open(PortSpec.vdev("crypto_null0")));
        assertTrue(ex.getMessage().contains("is not a DPDK network vdev"), ex.getMessage());
    }

    @Test
    void missingInterfaceIsAClearError()
    {
        final DpdkException ex = assertThrows(DpdkException.class, () -> EthPort.open(PortSpec.iface("wsnosuch0")));
        assertEquals("no such network interface: 'wsnosuch0' (see 'ip link show'; in a namespace, run inside it " +
            "with 'ip netns exec')", ex.getMessage());
        assertEquals(19, ex.errorCode());
    }

    @Test
    void ealInitTwiceIsAClearError()
    {
        final IllegalStateException ex = assertThrows(IllegalStateException.class,
            () -> Eal.init(new EalOptions()));
        assertTrue(ex.getMessage().startsWith("DPDK EAL is already initialised in this process"), ex.getMessage());
    }

    @Test
    void tooManyQueuesIsAClearError()
    {
        try (EthPort port = EthPort.open(PortSpec.vdev("net_null_q0")))
        {
            final DpdkException ex = assertThrows(DpdkException.class,
                () -> port.start(new PortConfig().queues(4000, 4000).mempool(511, 0)));
            assertTrue(ex.getMessage().contains("supports at most"), ex.getMessage());
        }
    }
}
