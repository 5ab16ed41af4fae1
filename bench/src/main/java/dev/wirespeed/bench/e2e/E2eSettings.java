package dev.wirespeed.bench.e2e;

/** What one engine-to-engine or kernel phase runs with; plain fields, set before a run. */
public final class E2eSettings
{
    /** The defaults below; a command or a test changes the fields before a run. */
    E2eSettings()
    {
    }

    /** Warm-up before the measurement window, and the window itself. */
    public long warmupNs = 1_000_000_000L;
    public long measureNs = 3_000_000_000L;
    /** Connections in flight in the connections-per-second phase. */
    public int concurrency = 64;
    /** Request and response size in the connections-per-second and latency phases. */
    public int messageSize = 64;
    /** Engine TIME-WAIT length (2·MSL). The kernel's is fixed at 60 s. */
    public long engineTimeWaitNs = 200_000_000L;
    /** Engine IP MTU (the ports must have been opened with mbufs big enough: {@link EngineE2e#open(String, int)}). */
    public int engineMtu = 1500;
    /** Engine send and receive buffer size in the bulk phase (a power of two). */
    public int engineBulkBufferBytes = 256 * 1024;
    /** Check every bulk byte against its pattern at the receiver (costs receiver CPU). */
    public boolean verifyBulk = false;
    E2eSettings copy()
    {
        final E2eSettings c = new E2eSettings();
        c.warmupNs = warmupNs;
        c.measureNs = measureNs;
        c.concurrency = concurrency;
        c.messageSize = messageSize;
        c.engineTimeWaitNs = engineTimeWaitNs;
        c.engineMtu = engineMtu;
        c.engineBulkBufferBytes = engineBulkBufferBytes;
        c.verifyBulk = verifyBulk;
        c.drainTimeoutNs = drainTimeoutNs;
        return c;
    }

    /** How long after the window a phase may take to finish and drain before it is reported as stalled. */
    public long drainTimeoutNs = 5_000_000_000L;
}
