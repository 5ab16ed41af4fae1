package dev.wirespeed.cli.it;

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
 * {@code serve --shards 2} on a veth: the port gets two queue pairs (AF_PACKET fan-out spreads frames over them),
 * each shard polls its own queue and hands frames of the other shard's flows over through the hand-off rings.
 * wrk and a 100-connection echo from Linux must work exactly as with one shard, with frames really crossing
 * between shards and none lost on the way.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ShardedServeInteropTest
{
    @AutoClose
    private ServeFixture fixture;
    private NetNs net;
    private ServeProcess serve;
    private Path echoScript;

    @BeforeAll
    void start() throws Exception
    {
        fixture = ServeFixture.create();
        net = fixture.net;
        echoScript = fixture.resource("echo_check.py");
        serve = fixture.serve("--echo", "7", "--http", "80", "--shards", "2", "--idle", "backoff", "--time-wait-ms",
            "2000");
    }

    @Test
    @Order(1)
    void readyLineNamesTwoShardsOnTwoQueues()
    {
        final String ready = serve.output().lines().filter(l -> l.startsWith("ready")).findFirst().orElse("");
        assertTrue(ready.contains(" shards=2 rx-queues=2 "), ready);
    }

    @Test
    @Order(2)
    void wrkKeepAliveAndCloseWithoutErrors() throws Exception
    {
        for (final boolean close : new boolean[] {false, true})
        {
            final String out = close ?
                net.inB("wrk", "-t1", "-c20", "-d2s", "--timeout", "2s", "-H", "Connection: close", "http://" + NetNs.ENGINE_IP + "/") :
                net.inB("wrk", "-t1", "-c20", "-d2s", "--timeout", "2s", "http://" + NetNs.ENGINE_IP + "/");
            assertFalse(out.contains("Socket errors"), out);
            assertFalse(out.contains("Non-2xx"), out);
            final Matcher m = Pattern.compile("(\\d+) requests in").matcher(out);
            assertTrue(m.find() && Long.parseLong(m.group(1)) > 100, out);
        }
    }

    @Test
    @Order(3)
    void echoSixtyFourMebibytesOverHundredConnections() throws Exception
    {
        final String out = net.inB("python3", echoScript.toString(), NetNs.ENGINE_IP, "7", "100",
            Integer.toString(64 << 20), "120").strip();
        assertTrue(out.startsWith("RESULT ok=100 of 100 "), out + "\n--- serve:\n" + serve.output());
    }

    @Test
    @Order(4)
    void framesCrossedBetweenShardsAndNoneWasLost() throws Exception
    {
        assertEquals(0, serve.stop(), serve.output());
        final String summary = serve.output().lines().filter(l -> l.startsWith("summary: ")).findFirst().orElse("");
        final Matcher m = Pattern.compile("handed between shards (\\d+) \\(lost (\\d+)\\)").matcher(summary);
        assertTrue(m.find(), summary);
        assertTrue(Long.parseLong(m.group(1)) > 1000, "frames were handed over: " + summary);
        assertEquals(0, Long.parseLong(m.group(2)), "no frame lost in a hand-off ring: " + summary);
    }
}
