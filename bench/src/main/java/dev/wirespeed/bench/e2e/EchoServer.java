package dev.wirespeed.bench.e2e;

import dev.wirespeed.apps.serve.Services;
import dev.wirespeed.engine.runtime.ShardView;
import dev.wirespeed.engine.tcp.TcpEndpoint;
import org.agrona.DirectBuffer;

/**
 * Echo (RFC 862) for the latency phases: the echo of {@code wirespeed serve} ({@link Services}), so the benchmark
 * measures the server users run. Every byte goes back as it arrives; bytes the send buffer cannot take stay unread
 * (the window shrinks) until {@code onWritable}; the peer's FIN is answered with ours once everything is echoed.
 * This side adds the phase's bookkeeping: no-delay on every connection, accepted and reset counts.
 */
final class EchoServer extends EngineSide
{
    private final Services echo = new Services().add(EngineE2e.ECHO_PORT, Services.ECHO);
    long accepted;
    long resets;

    EchoServer(final long warmupEndNs, final long endNs)
    {
        super(warmupEndNs, endNs);
    }

    void attach(final TcpEndpoint endpoint, final ShardView shard)
    {
        super.attach(endpoint, shard);
        echo.attach(endpoint);
    }

    int work(final long nowNs)
    {
        return 0;
    }

    public void onAccepted(final int listenerPort, final long id)
    {
        accepted++;
        endpoint.setNoDelay(id, true);
        echo.onAccepted(listenerPort, id);
    }

    public int onData(final long id, final DirectBuffer buffer, final int offset, final int length)
    {
        return echo.onData(id, buffer, offset, length);
    }

    public void onWritable(final long id)
    {
        echo.onWritable(id);
    }

    public void onPeerClosed(final long id)
    {
        echo.onPeerClosed(id);
    }

    public void onReset(final long id)
    {
        resets++;
    }

    public void onClosed(final long id)
    {
        echo.onClosed(id);
    }

    long errors()
    {
        return resets;
    }

    void describe(final StringBuilder sb)
    {
        sb.append("server: accepted ").append(accepted).append(", echoed ").append(echo.echoedBytes())
            .append(" B, resets ").append(resets);
    }
}
