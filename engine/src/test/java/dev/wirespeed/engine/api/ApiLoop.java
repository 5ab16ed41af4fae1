package dev.wirespeed.engine.api;

import dev.wirespeed.engine.tcp.TcpConfig;
import dev.wirespeed.engine.tcp.TcpEndpoint;
import dev.wirespeed.engine.tcp.TestLink;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;

/**
 * Two shards' worth of API (rings, proxies, adapters, endpoints) in one thread on a fake clock, over the tests'
 * one in-memory link ({@link TestLink}): each {@link #step()} is one duty cycle of both shards (RX of what the peer
 * sent last step, timers, the command adapter, dispatch). The link's slots are preallocated, so a step allocates
 * nothing. The applications are driven by the test between steps.
 */
final class ApiLoop
{
    static final int CLIENT_IP = 0xc0000201;
    static final int SERVER_IP = 0xc0000202;
    static final long STEP_NS = 100_000;
    static final int MAX_SEGMENTS = 512;

    static final class Node
    {
        final ManyToOneRingBuffer commandRing;
        final OneToOneRingBuffer eventRing;
        final EventProxy proxy;
        final TcpEndpoint endpoint;
        final CommandAdapter adapter;
        final CommandProxy commands;
        final EventAdapter events;

        Node(final int shardIndex, final int ip, final TcpConfig config, final int commandRingCapacity,
            final int eventRingCapacity, final int parkCapacity, final ConnectionListener listener)
        {
            commandRing = CommandProxy.newCommandRing(commandRingCapacity);
            eventRing = EventProxy.newEventRing(eventRingCapacity);
            proxy = new EventProxy(shardIndex, eventRing);
            endpoint = new TcpEndpoint(config, proxy, 0);
            endpoint.preallocate(16);
            adapter = new CommandAdapter(shardIndex, endpoint, commandRing, proxy, ip, 64, parkCapacity);
            commands = new CommandProxy(commandRing);
            events = new EventAdapter(eventRing, listener);
        }
    }

    final Node client;
    final Node server;
    private final TestLink link = new TestLink();

    ApiLoop(final Node client, final Node server)
    {
        this.client = client;
        this.server = server;
        link.side(0, client.endpoint).duty(0, client.adapter::doWork)
            .side(1, server.endpoint).duty(1, server.adapter::doWork)
            .preallocate(MAX_SEGMENTS, client.endpoint.config().mss() + 64);
    }

    /** A config for tests: short TIME-WAIT so that tables drain, fixed seed. */
    static TcpConfig config(final long seed)
    {
        final TcpConfig config = new TcpConfig();
        config.seed = seed;
        config.mslNs = 1_000_000L;
        return config;
    }

    void step()
    {
        link.step(STEP_NS);
    }

    /** Steps until {@code done} (checked between steps) or fails after {@code maxSteps}. */
    void stepUntil(final String what, final int maxSteps, final java.util.function.BooleanSupplier done)
    {
        for (int i = 0; i < maxSteps; i++)
        {
            if (done.getAsBoolean())
            {
                return;
            }
            step();
        }
        if (!done.getAsBoolean())
        {
            throw new AssertionError("not after " + maxSteps + " steps: " + what);
        }
    }
}
