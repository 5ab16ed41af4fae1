package dev.wirespeed.bench.e2e;

/** What one engine-to-engine or kernel phase runs with; plain fields, set before a run. */
public final class E2eSettings
{
    /** Warm-up before the measurement window, and the window itself. */
    public long warmupNs = 1_000_000_000L;
    public long measureNs = 3_000_000_000L;
    /** Connections in flight in the connections-per-second phase. */
    public int concurrency = 64;
    /** Request and response size in the connections-per-second and latency phases. */
    public int messageSize = 64;
    /** Engine TIME-WAIT length (2·MSL). The kernel's is fixed at 60 s. */
    public long engineTimeWaitNs = 200_000_000L;
    /** Engine send and receive buffer size in the bulk phase (a power of two). */
    public int engineBulkBufferBytes = 1 << 20;
    /** Check every bulk byte against its pattern at the receiver (costs receiver CPU). */
    public boolean verifyBulk = false;
    /** How long after the window a phase may take to finish and drain before it is reported as stalled. */
    public long drainTimeoutNs = 5_000_000_000L;
}
