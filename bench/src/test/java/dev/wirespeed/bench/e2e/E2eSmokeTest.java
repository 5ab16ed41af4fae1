package dev.wirespeed.bench.e2e;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The e2e benchmark's path, short and with every check on, so that CI runs it: two engines over a net_ring pair
 * (real DPDK) and the kernel over loopback, about half a second per phase. Asserts that work was done, every byte
 * came back as sent, nothing failed, and the engines end with no TCB and no mbuf outstanding. No speed is asserted.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class E2eSmokeTest
{
    private EngineE2e engine;
    private final E2eSettings settings = new E2eSettings();

    @BeforeAll
    void open()
    {
        settings.warmupNs = 100_000_000L;
        settings.measureNs = 500_000_000L;
        settings.concurrency = 16;
        settings.engineTimeWaitNs = 50_000_000L;
        settings.engineBulkBufferBytes = 256 * 1024;
        settings.verifyBulk = true;
        settings.drainTimeoutNs = 10_000_000_000L;
        engine = EngineE2e.open("ws_t_e2e", 9000).verbose(true);
    }

    @AfterAll
    void close()
    {
        if (engine != null)
        {
            engine.close();
        }
    }

    private static void assertClean(final PhaseResult r)
    {
        assertEquals(0, r.errors, () -> r.stack + " " + r.phase + ": " + r.summary());
        assertEquals(0, r.leftover, () -> r.stack + " " + r.phase + " left TCBs or mbufs behind: " + r.summary());
        assertTrue(r.count > 0, () -> r.stack + " " + r.phase + " did nothing: " + r.summary());
    }

    @Test
    void engineConnectionsOpenExchangeAndCloseCleanly()
    {
        final PhaseResult r = engine.cps(settings);
        System.out.println("engine cps: " + r.summary());
        assertClean(r);
    }

    @Test
    void theApplicationApiEchoesEveryPingInEachThreadArrangement()
    {
        // three busy threads (two shards and the application) on a CI box of two cores: the shards yield when idle
        engine.idle("yield");
        try
        {
            for (final EngineE2e.ApiThreads threads : EngineE2e.ApiThreads.values())
            {
                final PhaseResult r = engine.apiLatency(settings, threads);
                System.out.println("api latency, " + threads + ": " + r.summary());
                assertClean(r);
                assertTrue(r.p50Ns > 0 && r.p50Ns <= r.p99Ns && r.p99Ns <= r.p999Ns);
            }
        }
        finally
        {
            engine.idle("busy");
        }
    }

    @Test
    void engineEchoesEveryPingOnAKeepAliveConnection()
    {
        final PhaseResult r = engine.latency(settings);
        System.out.println("engine latency: " + r.summary());
        assertClean(r);
        assertTrue(r.p50Ns > 0 && r.p50Ns <= r.p99Ns && r.p99Ns <= r.p999Ns);
    }

    @Test
    void engineBulkArrivesWholeAndInOrder()
    {
        final PhaseResult r = engine.bulk(settings);
        System.out.println("engine bulk: " + r.summary());
        assertClean(r);
    }

    @Test
    void engineBulkWithJumboFramesArrivesWholeAndInOrder()
    {
        final E2eSettings jumbo = settings.copy();
        jumbo.engineMtu = 9000;
        final PhaseResult r = engine.bulk(jumbo);
        System.out.println("engine bulk, MTU 9000: " + r.summary());
        assertClean(r);
    }

    @Test
    void engineRunsWithBothShardsOnOneThreadAndWithAYieldingIdleStrategy()
    {
        engine.sharedThread(true);
        try
        {
            final PhaseResult r = engine.cps(settings);
            System.out.println("engine cps, one thread: " + r.summary());
            assertClean(r);
        }
        finally
        {
            engine.sharedThread(false);
        }
        engine.idle("yield");
        try
        {
            final PhaseResult r = engine.latency(settings);
            System.out.println("engine latency, yielding: " + r.summary());
            assertClean(r);
        }
        finally
        {
            engine.idle("busy");
        }
    }

    @Test
    void kernelBaselinesRunAndCheckTheirBytes() throws Exception
    {
        final E2eSettings k = new E2eSettings();
        k.warmupNs = 50_000_000L;
        k.measureNs = 300_000_000L;
        k.concurrency = 16;
        k.verifyBulk = true;
        for (final PhaseResult r : new PhaseResult[] {new KernelE2e().cps(k), new KernelE2e().latency(k, false),
            new KernelE2e().latency(k, true, true), new KernelE2e().bulk(k)})
        {
            System.out.println(r.stack + " " + r.phase + ": " + r.summary());
            assertClean(r);
        }
    }
}
