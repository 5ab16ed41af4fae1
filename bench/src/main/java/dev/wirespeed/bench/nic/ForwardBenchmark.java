package dev.wirespeed.bench.nic;

import java.lang.foreign.Arena;
import java.util.concurrent.TimeUnit;

import dev.wirespeed.apps.nic.IoForwarder;
import dev.wirespeed.bindings.Eal;
import dev.wirespeed.bindings.EalOptions;
import dev.wirespeed.bindings.EthPort;
import dev.wirespeed.bindings.PortConfig;
import dev.wirespeed.bindings.PortSpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * JMH view of the io-forward loop on a {@code net_null} pair: one operation is one packet (net_null always
 * returns full 32-packet bursts, and one invocation forwards a burst each way). Run with {@code -prof gc} to see
 * the allocation per packet, which must be 0.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--add-exports",
    "java.base/jdk.internal.misc=ALL-UNNAMED"})
public class ForwardBenchmark
{
    private Arena arena;
    private EthPort port0;
    private EthPort port1;
    private IoForwarder forwarder;

    @Setup(Level.Trial)
    public void setUp()
    {
        Eal.init(new EalOptions().announceFallback(false));
        Eal.registerThread();
        arena = Arena.ofShared();
        port0 = EthPort.open(PortSpec.vdev("net_null0,copy=1")).start(new PortConfig().mempool(8191, 256));
        port1 = EthPort.open(PortSpec.vdev("net_null1,copy=1")).start(new PortConfig().mempool(8191, 256));
        forwarder = new IoForwarder(arena, port0, port1, 32);
    }

    @TearDown(Level.Trial)
    public void tearDown()
    {
        port0.close();
        port1.close();
        arena.close();
    }

    @Benchmark
    @OperationsPerInvocation(64)
    public int ioForward()
    {
        return forwarder.doWork();
    }
}
