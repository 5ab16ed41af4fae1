package dev.wirespeed.examples;

import dev.wirespeed.engine.runtime.ShardContext;
import dev.wirespeed.engine.tcp.TcpHandler;
import org.agrona.DirectBuffer;
import org.agrona.collections.LongHashSet;

/**
 * An echo server (RFC 862) on the shard thread, the zero-copy path: {@code onData} writes the bytes straight back
 * from the received view. Byte-exact under backpressure and half-close:
 * <ul>
 *   <li>when the send buffer is full, the bytes not written back are not consumed: they stay in TCP's receive
 *       buffer (the window closes, the client slows down) and are offered again after {@code onWritable};</li>
 *   <li>when the client half-closes while such bytes are still unread, the close waits until they are echoed
 *       (closing with unread bytes would reset the connection, as Linux does).</li>
 * </ul>
 * Use one per shard: {@code Engine.builder().handlers(EchoServer::new)}, then
 * {@code engine.context(i).endpoint().listen(0, port, backlog)} for each shard before {@code start()}.
 */
public final class EchoServer implements TcpHandler
{
    private final ShardContext ctx;
    private final LongHashSet blocked = new LongHashSet();
    private final LongHashSet closeWhenRead = new LongHashSet();
    private long echoedBytes;

    public EchoServer(final ShardContext ctx)
    {
        this.ctx = ctx;
    }

    public int onData(final long id, final DirectBuffer buffer, final int offset, final int length)
    {
        final int written = Math.max(0, ctx.endpoint().write(id, buffer, offset, length));
        echoedBytes += written;
        if (written < length)
        {
            blocked.add(id); // the rest stays unread until there is room to echo it
        }
        else
        {
            blocked.remove(id);
        }
        return written;
    }

    public void onWritable(final long id)
    {
        if (blocked.contains(id))
        {
            ctx.endpoint().resumeReading(id); // offers the unread bytes again (onData)
            if (!blocked.contains(id) && closeWhenRead.remove(id))
            {
                ctx.endpoint().close(id);
            }
        }
    }

    public void onPeerClosed(final long id)
    {
        if (blocked.contains(id))
        {
            closeWhenRead.add(id);
        }
        else
        {
            ctx.endpoint().close(id); // FIN after everything echoed
        }
    }

    public void onClosed(final long id)
    {
        blocked.remove(id);
        closeWhenRead.remove(id);
    }

    /** Bytes echoed so far (read on the shard thread, or after the engine closed). */
    public long echoedBytes()
    {
        return echoedBytes;
    }
}
