package dev.wirespeed.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Flags of {@code wirespeed client} that are refused before any port is opened (exit 2, one clear line). */
class ClientCommandTest
{
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(final String... args)
    {
        final CommandLine cli = WirespeedCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        final String[] full = new String[args.length + 5];
        full[0] = "client";
        full[1] = "--vdev";
        full[2] = "net_null0";
        full[3] = "--ip";
        full[4] = "192.0.2.1/24";
        System.arraycopy(args, 0, full, 5, args.length);
        return cli.execute(full);
    }

    @Test
    void aServerOffTheLocalNetworkIsRefused()
    {
        assertEquals(2, run("--connect", "198.51.100.7:80"));
        assertTrue(err.toString().startsWith("wirespeed: error: --connect 198.51.100.7 is not on the local network 192.0.2.0/24: " +
            "the client has no routing"), err.toString());
    }

    @Test
    void broadcastNetworkAndOwnAddressAreRefused()
    {
        assertEquals(2, run("--connect", "192.0.2.255:7"));
        assertTrue(err.toString().contains("broadcast"), err.toString());
        assertEquals(2, run("--connect", "192.0.2.0:7"));
        assertEquals(2, run("--connect", "192.0.2.1:7"));
        assertTrue(err.toString().contains("our own address"), err.toString());
    }

    @Test
    void badNumbersAreRefused()
    {
        assertEquals(2, run("--connect", "192.0.2.2:0"));
        assertEquals(2, run("--connect", "192.0.2.2"));
        assertEquals(2, run("--connect", "192.0.2.2:7", "--send", "12Q"));
        assertTrue(err.toString().contains("--send must be a byte count"), err.toString());
        assertEquals(2, run("--connect", "192.0.2.2:7", "--connections", "0"));
        assertEquals(2, run("--connect", "192.0.2.2:7", "--connections", "16385"));
        assertEquals(2, run("--connect", "192.0.2.2:7", "--seconds", "0"));
        assertEquals(2, run("--connect", "192.0.2.2:7", "--idle", "sleepy"));
    }

    @Test
    void anUnknownCongestionControlIsRefused()
    {
        assertEquals(2, run("--connect", "192.0.2.2:7", "--cc", "cubic"));
        assertTrue(err.toString().startsWith("wirespeed: error: --cc must be newreno or bbr, got 'cubic'"), err.toString());
    }
}
