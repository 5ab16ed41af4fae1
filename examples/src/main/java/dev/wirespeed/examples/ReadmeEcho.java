// The echo server and client of the README's "Use as a library" section, verbatim from the line after the package
// line to the end (ExamplesTest checks they are the same, and runs it). Written as a user would, in common Java style.
package dev.wirespeed.examples;

import java.net.InetSocketAddress;
import dev.wirespeed.bindings.RingPair;
import dev.wirespeed.engine.api.Wirespeed;
import dev.wirespeed.engine.runtime.Engine;
import dev.wirespeed.engine.runtime.ShardContext;
import dev.wirespeed.engine.tcp.TcpHandler;
import org.agrona.DirectBuffer;
import static dev.wirespeed.engine.api.ConnectionListener.ofData;
import static dev.wirespeed.engine.runtime.ThreadingMode.INVOKER;

public final class ReadmeEcho {
    public record Echo(ShardContext ctx) implements TcpHandler { // on the shard thread, zero-copy
        public int onData(long id, DirectBuffer buf, int off, int len) { // what does not fit stays unread
            return Math.max(0, ctx.endpoint().write(id, buf, off, len));
        }
        public void onWritable(long id) { // room again: the unread bytes are offered again
            ctx.endpoint().resumeReading(id);
        }
        public void onPeerClosed(long id) { // FIN after the last byte is echoed (close() would reset)
            ctx.endpoint().closeWhenRead(id);
        }
    }
    public static String echo(String text) { // a client on this thread; two ports wired back to back in memory
        Wirespeed.startEal(); // DPDK, once per process
        try (var link = RingPair.create("readme", 1024);
             var server = Engine.builder().port(link.a()).address("192.0.2.1/24").handlers(Echo::new).listen(7).start();
             var ws = Wirespeed.launch(Engine.builder().port(link.b()).address("192.0.2.2/24").threading(INVOKER))) {
            var reply = new StringBuilder();
            var listener = ofData((id, b, off, len) -> reply.append(b.getStringWithoutLengthAscii(off, len)));
            long id = ws.client().connectAndAwait(new InetSocketAddress("192.0.2.1", 7), listener);
            ws.client().write(id, text.getBytes());
            ws.client().shutdownOutput(id); // FIN after our bytes
            while (reply.length() < text.length()) {
                ws.poll(listener, 16); // INVOKER: the client engine runs on this thread, then its events are polled
            }
            return reply.toString();
        }
    }
}
