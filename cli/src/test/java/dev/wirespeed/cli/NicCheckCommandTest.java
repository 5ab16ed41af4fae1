package dev.wirespeed.cli;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code nicbench check} (and so the demo): the byte-checked net_ring loopback and net_null forwarding pass. */
class NicCheckCommandTest
{
    @Test
    void framePathChecksPass()
    {
        assertTrue(NicCheckCommand.run(20_000, 1));
    }
}
