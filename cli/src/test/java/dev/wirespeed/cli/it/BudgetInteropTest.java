package dev.wirespeed.cli.it;

import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code serve} with small budgets, driven past their end by a real Linux client ({@code interop/budget_check.py}):
 * a connection budget of 6 and a 1 MiB buffer budget shared by six echo connections with 256 KiB rings (they would
 * want 3 MiB). The six echo 2 MiB each and must all complete intact (out of buffer memory is flow control), while
 * further connection attempts run into the connection budget: their SYNs get cookies whose ACKs are refused, and
 * the summary counts it.
 */
class BudgetInteropTest
{
    @Test
    void newSynsAreCountedPastTheBudgetsWhileExistingConnectionsKeepTransferring() throws Exception
    {
        try (ServeFixture fixture = ServeFixture.create())
        {
            final NetNs net = fixture.net;
            final Path script = fixture.resource("budget_check.py");
            final ServeProcess serve = fixture.serve("--echo", "7", "--idle", "backoff", "--time-wait-ms", "2000",
                "--buffer-kib", "256", "--max-connections", "6", "--buffer-budget-mib", "1");
            try
            {
                assertTrue(serve.output().contains("budgets per shard: connections=6 buffers=1MiB"), serve.output());
                final String out = net.inB("python3", script.toString(), NetNs.ENGINE_IP, "7", "6", "20",
                    Integer.toString(2 << 20), "60").strip();
                assertTrue(out.startsWith("RESULT existing_ok=6 of 6 "), out + "\n--- serve:\n" + serve.output());
                final Matcher m = Pattern.compile("extra_failed=(\\d+)").matcher(out);
                assertTrue(m.find() && Integer.parseInt(m.group(1)) > 0, out);
            }
            finally
            {
                assertEquals(0, serve.stop(), serve.output());
                serve.close();
            }
            final String summary = serve.output();
            assertTrue(counter(summary, "budget.synOverBudget") > 0, summary);
            assertTrue(counter(summary, "synCookiesSent") > 0, summary);
            assertTrue(counter(summary, "drop.connectionTableFull") > 0, summary);
            assertTrue(counter(summary, "budget.windowLimited") + counter(summary, "budget.writePartial") > 0,
                "the buffer budget was reached: " + summary);
        }
    }

    /**
     * After a burst the pools go back: 900 Linux connections open at once (more than twice what the slow duty
     * keeps), then all close; a few seconds later the shutdown summary shows at most 256 pooled TCBs, no buffer
     * chunk or timer in use and the connection table back at its 1024 slots.
     */
    @Test
    void afterABurstOfConnectionsEndsThePoolsAndTheTableShrinkBack() throws Exception
    {
        try (NetNs net = NetNs.create())
        {
            final ServeProcess serve = ServeProcess.start(net.nsA, "--iface", net.ifA, "--ip",
                NetNs.ENGINE_IP + "/24", "--echo", "7", "--idle", "backoff", "--max-connections", "2000");
            final String out;
            try
            {
                out = net.inB("python3", "-c", String.join("\n",
                    "import socket, time",
                    "s = [socket.create_connection(('" + NetNs.ENGINE_IP + "', 7), timeout=10) for _ in range(900)]",
                    "for c in s: c.sendall(b'x')",
                    "ok = sum(1 for c in s if c.recv(1) == b'x')",
                    "for c in s: c.close()",
                    "time.sleep(4)",
                    "print('opened=%d echoed=%d' % (len(s), ok))")).strip();
            }
            finally
            {
                assertEquals(0, serve.stop(), serve.output());
                serve.close();
            }
            assertEquals("opened=900 echoed=900", out, serve.output());
            final String summary = serve.output();
            assertTrue(counter(summary, "tcbsPooled") <= 256 * countOf(summary, "tcbsPooled="), summary);
            assertTrue(summary.contains(",table=1024,"), summary);
            assertEquals(0, counter(summary, "timers"), summary);
            final Matcher chunks = Pattern.compile("chunks=(\\d+)/").matcher(summary);
            assertTrue(chunks.find(), summary);
            assertEquals(0, Integer.parseInt(chunks.group(1)), summary);
        }
    }

    private static int countOf(final String text, final String what)
    {
        return text.split(Pattern.quote(what), -1).length - 1;
    }

    private static long counter(final String output, final String name)
    {
        final Matcher m = Pattern.compile("\\b" + Pattern.quote(name) + "=(\\d+)").matcher(output);
        long total = 0;
        while (m.find())
        {
            total += Long.parseLong(m.group(1));
        }
        return total;
    }
}
