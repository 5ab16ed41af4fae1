package dev.wirespeed.examples;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

import dev.wirespeed.bindings.RingPair;
import dev.wirespeed.engine.api.ConnectionListener;
import dev.wirespeed.engine.api.Ipv4Address;
import dev.wirespeed.engine.api.Wirespeed;
import dev.wirespeed.engine.runtime.Engine;
import dev.wirespeed.engine.runtime.ShardContext;
import dev.wirespeed.engine.runtime.ThreadingMode;
import dev.wirespeed.engine.tcp.TcpHandler;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/** The echo server and client of the README's "Use as a library" section, verbatim (ExamplesTest runs it). */
public final class ReadmeEcho
{
    private ReadmeEcho()
    {
    }

    // README-BEGIN
    /** Echo on the shard thread: what does not fit in the send buffer stays unread until onWritable. */
    record Echo(ShardContext ctx) implements TcpHandler
    {
        public int onData(long id, DirectBuffer buf, int off, int len)
        {
            return Math.max(0, ctx.endpoint().write(id, buf, off, len));
        }

        public void onWritable(long id)
        {
            ctx.endpoint().resumeReading(id);
        }

        public void onPeerClosed(long id)
        {
            ctx.endpoint().close(id); // FIN after the echo (resets instead if bytes were left unread)
        }
    }

    public static String echoOnce(String text)
    {
        Wirespeed.startEal();                                          // DPDK, once per process
        try (RingPair link = RingPair.create("readme", 1024);         // two ports wired back to back in memory
            Engine server = Engine.builder().port(link.a()).address(Ipv4Address.parse("192.0.2.1").value(), 24)
                .handlers(Echo::new).threading(ThreadingMode.SHARED).build();
            Wirespeed ws = Wirespeed.launch(Engine.builder().port(link.b())
                .address(Ipv4Address.parse("192.0.2.2").value(), 24).threading(ThreadingMode.INVOKER)))
        {
            server.context(0).endpoint().listen(0, 7, 16);
            server.start();
            StringBuilder reply = new StringBuilder();
            ConnectionListener listener = new ConnectionListener()
            {
                public void onConnected(long correlationId, long id)
                {
                    byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
                    ws.client().write(id, new UnsafeBuffer(bytes), 0, bytes.length);
                    ws.client().shutdownOutput(id);                    // FIN after our bytes
                }

                public int onData(long id, DirectBuffer buf, int off, int len)
                {
                    reply.append(buf.getStringWithoutLengthAscii(off, len));
                    return len;
                }

                public void onPeerClosed(long id)
                {
                    ws.client().close(id);                             // every byte came before this
                }
            };
            ws.client().connect(new InetSocketAddress("192.0.2.1", 7));
            for (long end = System.nanoTime() + 5_000_000_000L; reply.length() < text.length() && System.nanoTime() < end; )
            {
                ws.doWork();                                           // the client engine runs on this thread
                ws.client().poll(listener, 16);
            }
            return reply.toString();
        }
    }
    // README-END

    public static void main(final String[] args)
    {
        System.out.println(echoOnce("hello, wirespeed"));
    }
}
