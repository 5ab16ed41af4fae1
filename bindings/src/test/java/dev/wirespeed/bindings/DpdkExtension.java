package dev.wirespeed.bindings;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Starts DPDK's EAL once for the whole test JVM (EAL cannot start twice in a process) and shares it between
 * test classes; ports are attached per test with {@link EthPort#open} and closed afterwards.
 * It runs on real DPDK: if DPDK is missing, the tests fail with the install hint (they are not skipped).
 */
public final class DpdkExtension implements BeforeAllCallback
{
    private static Eal eal;

    public void beforeAll(final ExtensionContext context)
    {
        eal();
    }

    public static synchronized Eal eal()
    {
        if (eal == null)
        {
            eal = Eal.init(new EalOptions().memoryMb(1024).announceFallback(true));
            System.out.println("EAL started: " + String.join(" ", eal.args()));
        }
        return eal;
    }
}
