package dev.wirespeed.bench.e2e;

/**
 * Many concurrent connections engine to engine over {@code net_ring} ({@link EngineE2e#hold}): ramp to N, hold
 * them with keepalives and a sample echoing, close them all. {@code bench/run-million.sh [N] [ADDRESSES] [HOLD_S] [SAMPLE] [shared|dedicated]}.
 * Bounded: the ramp, the hold and the close each have a deadline; traffic stays inside the process.
 */
public final class HoldBench
{
    private HoldBench()
    {
    }

    public static void main(final String[] args)
    {
        final int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        final int addresses = args.length > 1 ? Integer.parseInt(args[1]) : Math.max(1, (n + 64_510) / 64_511);
        final long holdNs = (args.length > 2 ? Long.parseLong(args[2]) : 30) * 1_000_000_000L;
        final int sample = args.length > 3 ? Integer.parseInt(args[3]) : 16;
        // both shards on one thread by default: on a small shared box two busy threads starve each other
        final boolean shared = args.length <= 4 || !"dedicated".equals(args[4]);
        if (n < 1 || addresses < 1 || addresses > 200 || (long)addresses * 64_511 < n || holdNs < 0)
        {
            System.err.println("wirespeed: error: need 1 <= N <= 64511 * ADDRESSES, 1 <= ADDRESSES <= 200, HOLD_S >= 0");
            System.exit(2);
        }
        try (EngineE2e e2e = EngineE2e.open("ws_hold").idle("yield").sharedThread(shared).verbose(true))
        {
            // keepalive idle and interval of 20 s: every connection, idle through a 30 s hold, probes during it
            System.out.println(e2e.hold(n, addresses, holdNs, sample, 20_000_000_000L, 60_000_000_000L));
        }
    }
}
