package dev.wirespeed.engine.api;

import dev.wirespeed.engine.tcp.SegmentEmitter;
import dev.wirespeed.engine.tcp.TcpConfig;
import dev.wirespeed.engine.tcp.TcpEndpoint;
import dev.wirespeed.engine.tcp.TcpSegment;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;

/**
 * Two shards' worth of API (rings, proxies, adapters, endpoints) in one thread on a fake clock: each {@link #step()}
 * is one duty cycle of both shards (RX of what the peer sent last step, timers, the command adapter, dispatch).
 * Segments are copied, payload included, into preallocated slots (an emitter must copy before it returns: a payload
 * view may point at scratch memory the next segment reuses), so a step allocates nothing. The applications are
 * driven by the test between steps.
 */
final class ApiLoop
{
    static final long STEP_NS = 100_000;
    static final int MAX_SEGMENTS = 512;

    static final class Node implements SegmentEmitter
    {
        final ManyToOneRingBuffer commandRing;
        final OneToOneRingBuffer eventRing;
        final EventProxy proxy;
        final TcpEndpoint endpoint;
        final CommandAdapter adapter;
        final CommandProxy commands;
        final EventAdapter events;
        final TcpSegment[] out = new TcpSegment[MAX_SEGMENTS];
        final org.agrona.concurrent.UnsafeBuffer[] payloads = new org.agrona.concurrent.UnsafeBuffer[MAX_SEGMENTS];
        int outCount;

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
            for (int i = 0; i < MAX_SEGMENTS; i++)
            {
                out[i] = new TcpSegment();
                payloads[i] = new org.agrona.concurrent.UnsafeBuffer(new byte[config.mss() + 64]);
            }
        }

        public void emit(final TcpSegment s)
        {
            final org.agrona.concurrent.UnsafeBuffer payload = payloads[outCount];
            final TcpSegment d = out[outCount++];
            d.copyFrom(s);
            if (s.payloadLength > 0)
            {
                payload.putBytes(0, s.payload, s.payloadOffset, s.payloadLength);
                d.payload = payload;
                d.payloadOffset = 0;
            }
            d.localIp = s.remoteIp;
            d.remoteIp = s.localIp;
            d.localPort = s.remotePort;
            d.remotePort = s.localPort;
        }
    }

    final Node client;
    final Node server;
    long now;

    ApiLoop(final Node client, final Node server)
    {
        this.client = client;
        this.server = server;
    }

    static TcpConfig config(final long seed)
    {
        final TcpConfig config = ApiTestShard.config(seed);
        config.mslNs = 1_000_000L;
        return config;
    }

    void step()
    {
        now += STEP_NS;
        deliver(client, server);
        deliver(server, client);
        cycle(client);
        cycle(server);
    }

    private void deliver(final Node from, final Node to)
    {
        for (int i = 0; i < from.outCount; i++)
        {
            to.endpoint.onSegment(now, from.out[i]);
            from.out[i].payload = null;
        }
        from.outCount = 0;
    }

    private void cycle(final Node n)
    {
        n.endpoint.poll(now);
        n.adapter.doWork(now);
        n.endpoint.dispatch(now, n);
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
