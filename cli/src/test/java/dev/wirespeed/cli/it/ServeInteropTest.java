package dev.wirespeed.cli.it;

import java.io.IOException;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code wirespeed serve} against real Linux clients: the engine owns one end of a veth pair in namespace A (no
 * kernel IP), Linux owns the other in namespace B at 192.0.2.2/24, no default route anywhere. curl, wrk and a
 * Python echo client run in B. The capture is then judged by tshark.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ServeInteropTest
{
    @AutoClose
    private ServeFixture fixture;
    private NetNs net;
    private ServeProcess serve;
    private Path pcap;
    private Path echoScript;

    @BeforeAll
    void startServe() throws Exception
    {
        fixture = ServeFixture.create();
        net = fixture.net;
        pcap = fixture.tempFile("wirespeed-serve", ".pcap");
        echoScript = fixture.resource("echo_check.py");
        serve = fixture.serve("--echo", "7", "--discard", "9", "--http", "80", "--idle", "backoff", "--time-wait-ms",
            "2000", "--pcap", pcap.toString());
    }

    @Test
    @Order(1)
    void curlGetsTheHttpResponse() throws Exception
    {
        final String body = net.inB("curl", "-sS", "-m", "5", "http://" + NetNs.ENGINE_IP + "/");
        assertEquals("Hello from Wirespeed\n", body);
        final String head = net.inB("curl", "-sS", "-m", "5", "-D", "-", "-o", "/dev/null", "-H", "Connection: close",
            "http://" + NetNs.ENGINE_IP + "/x");
        assertTrue(head.startsWith("HTTP/1.1 200 OK\r\n"), head);
        assertTrue(head.contains("Connection: close\r\n"), head);
    }

    @Test
    @Order(2)
    void wrkTwoSecondsKeepAliveAndCloseWithoutErrors() throws Exception
    {
        for (final String mode : new String[] {"keep-alive", "close"})
        {
            final String out = "close".equals(mode) ?
                net.inB("wrk", "-t1", "-c10", "-d2s", "--timeout", "2s", "-H", "Connection: close", "http://" + NetNs.ENGINE_IP + "/") :
                net.inB("wrk", "-t1", "-c10", "-d2s", "--timeout", "2s", "http://" + NetNs.ENGINE_IP + "/");
            assertFalse(out.contains("Socket errors"), mode + ":\n" + out);
            assertFalse(out.contains("Non-2xx"), mode + ":\n" + out);
            final Matcher m = Pattern.compile("(\\d+) requests in").matcher(out);
            assertTrue(m.find() && Long.parseLong(m.group(1)) > 100, mode + ":\n" + out);
        }
    }

    @Test
    @Order(3)
    void echoSixtyFourMebibytesOneConnection() throws Exception
    {
        assertEchoOk(1);
    }

    @Test
    @Order(4)
    void echoSixtyFourMebibytesOverHundredConnections() throws Exception
    {
        assertEchoOk(100);
    }

    private void assertEchoOk(final int connections) throws IOException, InterruptedException
    {
        final String out = net.inB("python3", echoScript.toString(), NetNs.ENGINE_IP, "7", Integer.toString(connections),
            Integer.toString(64 << 20), "60").strip();
        assertTrue(out.startsWith("RESULT ok=" + connections + " of " + connections + " "), out + "\n--- serve:\n" +
            serve.output());
    }

    @Test
    @Order(5)
    void shutdownIsCleanAndTheCaptureIsWellFormed() throws Exception
    {
        final int exit = serve.stop();
        final String out = serve.output();
        assertEquals(0, exit, out);
        assertTrue(out.lines().anyMatch(l -> l.startsWith("summary: ")), out);
        final String bad = NetNs.run("tshark", "-r", pcap.toString(), "-o", "tcp.check_checksum:TRUE", "-o",
            "ip.check_checksum:TRUE", "-Y", "_ws.malformed || ip.checksum.status == 0 || (tcp.checksum.status == 0 && tcp.checksum != 0xffff) || " +
            "(ip.src == " + NetNs.ENGINE_IP + " && (tcp.checksum == 0xffff || _ws.expert.severity >= 8388608))").strip();
        // The Linux peer's software TCP checksum is sometimes 0xFFFF, the other one's-complement zero: receivers
        // (ours and Linux) accept it, tshark calls it bad (RFC 1624). It is judged strictly on our frames only.
        assertEquals("", bad.lines().filter(l -> !l.startsWith("Running as user")).reduce("", (a, b) -> a + b + "\n"),
            "tshark found malformed packets, bad checksums or expert errors");
        final String count = NetNs.run("tshark", "-r", pcap.toString(), "-T", "fields", "-e", "frame.number").strip();
        assertTrue(count.lines().count() > 1000, "capture holds the runs: " + count.lines().count() + " frames");
    }
}
