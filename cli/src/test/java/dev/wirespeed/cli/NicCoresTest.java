package dev.wirespeed.cli;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code --cores}: parsing the CPU list and planning one queue per core. */
class NicCoresTest
{
    private static final int[] FOUR = {0, 1, 2, 3};

    @Test
    void cpuListsParseLikeTaskset()
    {
        assertArrayEquals(new int[] {1}, NicSupport.parseCpuList("1"));
        assertArrayEquals(new int[] {0, 2, 3, 4}, NicSupport.parseCpuList("0, 2-4"));
        assertArrayEquals(new int[] {1, 3}, NicSupport.parseCpuList("3,1"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> NicSupport.parseCpuList("1-x")).getMessage()
            .contains("--cores must be a CPU list"));
        assertThrows(IllegalArgumentException.class, () -> NicSupport.parseCpuList("4-2"));
        assertThrows(IllegalArgumentException.class, () -> NicSupport.parseCpuList("-1"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> NicSupport.parseCpuList("1,1")).getMessage()
            .contains("twice"));
        assertEquals("0-3,6,8-9", NicSupport.describeCpus(new int[] {0, 1, 2, 3, 6, 8, 9}));
    }

    @Test
    void defaultPinsAfterTheFirstCpuOnlyWhenACoreIsToSpare()
    {
        assertArrayEquals(new int[] {1}, NicSupport.planCores(null, 1, FOUR));
        assertArrayEquals(new int[] {1, 2}, NicSupport.planCores(null, 2, FOUR));
        assertArrayEquals(new int[] {5}, NicSupport.planCores(null, 1, new int[] {4, 5, 7}));
        // no spare core: unpinned
        assertArrayEquals(new int[] {-1, -1, -1}, NicSupport.planCores(null, 3, FOUR));
        assertArrayEquals(new int[] {-1, -1, -1, -1}, NicSupport.planCores(null, 4, FOUR));
        assertArrayEquals(new int[] {-1}, NicSupport.planCores(null, 1, new int[] {0, 1}));
        assertEquals("any (unpinned: no spare core; --cores pins)", NicSupport.describeCpus(new int[] {-1}));
    }

    @Test
    void explicitCoresAreUsedInOrderAndChecked()
    {
        assertArrayEquals(new int[] {2, 3}, NicSupport.planCores("2-3", 2, FOUR));
        assertArrayEquals(new int[] {0}, NicSupport.planCores("0,3", 1, FOUR));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> NicSupport.planCores("9", 1, FOUR)).getMessage()
            .contains("CPU 9 is out of range: this process may use CPUs 0-3"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> NicSupport.planCores("1", 2, FOUR)).getMessage()
            .contains("2 queues (ports x --queues) need 2 cores"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> NicSupport.planCores(null, 5, FOUR)).getMessage()
            .contains("more queues than cores"));
    }
}
