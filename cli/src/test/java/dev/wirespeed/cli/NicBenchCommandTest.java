package dev.wirespeed.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bad nicbench flags: one 'wirespeed: error:' line naming the problem, exit 2, before any port is opened. */
class NicBenchCommandTest
{
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "nicbench|missing mode",
        "nicbench foo|Unmatched argument",
        "nicbench gen --vdev net_null0 --size 12|frame size 12 is outside 64..1518",
        "nicbench gen --vdev net_null0 --size big|--size must be a frame size",
        "nicbench gen --vdev net_null0 --rate fast|--rate: not a number",
        "nicbench gen|gen needs at least one port",
        "nicbench reflect --vdev net_null0 --max-pps 0|--max-pps must be at least 1",
        "nicbench gen --vdev net_null0 --cores 5000|--cores must be a CPU list",
        "nicbench gen --vdev net_null0 --cores 1023|CPU 1023 is out of range",
        "nicbench gen --vdev net_null0 --cores 0-x|--cores must be a CPU list",
        "nicbench gen --vdev net_null0 --queues 2 --cores 0|2 queues (ports x --queues) need 2 cores",
        "nicbench reflect --vdev net_null0 --vdev net_null1 --queues 64|more queues than cores",
        "nicbench rfc2544 --port x --timestamps gps|--timestamps must be auto, hw or sw",
        "nicbench rfc2544 --port x --trial soon|--trial must be a duration",
        "nicbench rfc2544 --port x --tests speed|unknown test 'speed'",
        "nicbench rfc2544 --port x --tx y --rx z|give --port PORT",
        "nicbench rfc2544 --port x --sizes 64,imix|--sizes takes frame sizes",
        "nicbench rfc2544 --port x --loss-tolerance lots|--loss-tolerance must be a percentage",
    })
    void badFlagsAreOneErrorLineAndExit2(final String args, final String message)
    {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final CommandLine cli = WirespeedCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        assertEquals(2, cli.execute(args.split(" ")), err.toString());
        final String e = err.toString();
        assertTrue(e.startsWith("wirespeed: error: ") && e.contains(message), e);
        assertEquals(1, e.strip().lines().count(), e);
    }
}
