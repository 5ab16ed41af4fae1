package dev.wirespeed.engine.tcp;

/**
 * TIME-WAIT tuples as compact records, not TCBs (like Linux's {@code inet_timewait_sock}): the full
 * {@link TcpConnection} goes back to the pool when it enters TIME-WAIT and only what RFC 9293 §3.10.7.4 and
 * RFC 6191 need stays here: the 4-tuple, SND.NXT and RCV.NXT (to acknowledge a retransmitted FIN and judge
 * acceptability), the advertised window, TS.Recent with its age (PAWS, RFC 7323 §5, and RFC 6191's reopen test),
 * our timestamp offset and the 2MSL deadline.
 * <p>
 * Storage is struct-of-arrays open addressing (linear probing, backward-shift deletion; 48 bytes a slot, load at
 * most 0.7) plus a FIFO of (tuple, deadline) in entry order: every record gets the same 2MSL, so the FIFO is in
 * deadline order and expiry costs O(expired). A record whose deadline a retransmitted FIN pushed out is queued
 * again when its old FIFO entry comes due. No per-record objects, no allocation except when doubling.
 * <p>
 * Not thread safe.
 */
final class TimeWaitTable
{
    static final int TS_OK = 1 << 20;

    private long[] ipKeys;
    private int[] portKeys;
    private int[] sndNxt;
    private int[] rcvNxt;
    private int[] tsRecent;
    /** When TS.Recent was set, in units of 2^30 ns (about a second), wrapping: only its age matters. */
    private int[] tsRecentAge;
    private int[] tsOffset;
    /** Bits 0-15: our window field; 16-19: our window shift; {@link #TS_OK}: timestamps in use. */
    private int[] windowAndFlags;
    private long[] deadlines;
    private int mask;
    private int size;

    private long[] fifoIp;
    private int[] fifoPorts;
    private long[] fifoDeadline;
    private int fifoHead;
    private int fifoCount;

    private final int initialCapacity;

    TimeWaitTable(final int initialCapacity)
    {
        this.initialCapacity = Integer.highestOneBit(Math.max(16, initialCapacity) - 1) << 1;
        allocateAll();
    }

    private void allocateAll()
    {
        final int cap = initialCapacity;
        allocate(cap);
        fifoIp = new long[cap];
        fifoPorts = new int[cap];
        fifoDeadline = new long[cap];
        fifoHead = 0;
        fifoCount = 0;
        size = 0;
    }

    private void allocate(final int cap)
    {
        ipKeys = new long[cap];
        portKeys = new int[cap];
        sndNxt = new int[cap];
        rcvNxt = new int[cap];
        tsRecent = new int[cap];
        tsRecentAge = new int[cap];
        tsOffset = new int[cap];
        windowAndFlags = new int[cap];
        deadlines = new long[cap];
        mask = cap - 1;
    }

    int size()
    {
        return size;
    }

    /** Bytes of the table's arrays (array headers left out): 44 a slot plus 20 a FIFO entry. */
    long footprintBytes()
    {
        return (long)portKeys.length * (8 + 4 * 7 + 8) + (long)fifoIp.length * (8 + 4 + 8);
    }

    static int ageUnits(final long nowNs)
    {
        return (int)(nowNs >>> 30);
    }

    /** The slot of a tuple, or -1. Ports are never 0 (port 0 is dropped first), so port key 0 marks a free slot. */
    int find(final int localIp, final int localPort, final int remoteIp, final int remotePort)
    {
        if (size == 0)
        {
            return -1;
        }
        final long ip = ConnectionTable.ipKey(localIp, remoteIp);
        final int ports = ConnectionTable.portKey(localPort, remotePort);
        return find(ip, ports);
    }

    private int find(final long ip, final int ports)
    {
        int i = ConnectionTable.hash(ip, ports) & mask;
        int p;
        while ((p = portKeys[i]) != 0)
        {
            if (p == ports && ipKeys[i] == ip)
            {
                return i;
            }
            i = (i + 1) & mask;
        }
        return -1;
    }

    /** Record a connection that has just entered TIME-WAIT (its TCB is released right after). */
    void add(final TcpConnection c, final long nowNs)
    {
        if ((size + 1) * 10 > (mask + 1) * 7)
        {
            grow();
        }
        final long ip = ConnectionTable.ipKey(c.localIp(), c.remoteIp());
        final int ports = ConnectionTable.portKey(c.localPort(), c.remotePort());
        int i = find(ip, ports);
        if (i < 0)
        {
            i = ConnectionTable.hash(ip, ports) & mask;
            while (portKeys[i] != 0)
            {
                i = (i + 1) & mask;
            }
            size++;
        }
        put(i, ip, ports, c.sndNxt(), c.rcvNxt(), c.tsRecent(), ageUnits(c.tsRecentNs), c.tsOffset,
            (c.timeWaitWindowField() & 0xffff) | (c.rcvWscale << 16) | (c.timestamps() ? TS_OK : 0),
            c.timeWaitDeadlineNs());
        fifoPush(ip, ports, c.timeWaitDeadlineNs());
    }

    int sndNxt(final int i)
    {
        return sndNxt[i];
    }

    int rcvNxt(final int i)
    {
        return rcvNxt[i];
    }

    int tsRecent(final int i)
    {
        return tsRecent[i];
    }

    /** Age of TS.Recent in ns (about a second's resolution). */
    long tsRecentAgeNs(final int i, final long nowNs)
    {
        return (long)(ageUnits(nowNs) - tsRecentAge[i]) << 30;
    }

    void tsRecent(final int i, final int tsVal, final long nowNs)
    {
        tsRecent[i] = tsVal;
        tsRecentAge[i] = ageUnits(nowNs);
    }

    int tsOffset(final int i)
    {
        return tsOffset[i];
    }

    boolean timestamps(final int i)
    {
        return (windowAndFlags[i] & TS_OK) != 0;
    }

    int windowField(final int i)
    {
        return windowAndFlags[i] & 0xffff;
    }

    /** RCV.WND: the window field scaled. */
    int receiveWindow(final int i)
    {
        return (windowAndFlags[i] & 0xffff) << ((windowAndFlags[i] >>> 16) & 0xf);
    }

    long deadline(final int i)
    {
        return deadlines[i];
    }

    /** A retransmitted FIN restarts 2MSL (RFC 9293 §3.10.7.4); the FIFO catches up when the old entry is due. */
    void restart(final int i, final long deadlineNs)
    {
        deadlines[i] = deadlineNs;
    }

    /** Deadline of the oldest FIFO entry, or {@link TcpConnection#NONE}. */
    long nextDeadlineNs()
    {
        return fifoCount == 0 ? TcpConnection.NONE : fifoDeadline[fifoHead];
    }

    /**
     * Remove records whose 2MSL has passed: O(expired). Calls back nothing; returns how many went, and the caller
     * updates its gauges.
     */
    int expire(final long nowNs)
    {
        int expired = 0;
        while (fifoCount > 0 && fifoDeadline[fifoHead] <= nowNs)
        {
            final long ip = fifoIp[fifoHead];
            final int ports = fifoPorts[fifoHead];
            fifoHead = (fifoHead + 1) & (fifoIp.length - 1);
            fifoCount--;
            final int i = find(ip, ports);
            if (i < 0)
            {
                continue;
            }
            if (deadlines[i] <= nowNs)
            {
                removeAt(i);
                expired++;
            }
            else
            {
                fifoPush(ip, ports, deadlines[i]);
            }
        }
        if (size == 0 && fifoCount == 0 && portKeys.length > initialCapacity)
        {
            // the peak is over: shrink back (a storm of closes leaves no standing memory)
            allocateAll();
        }
        return expired;
    }

    void removeAt(final int slot)
    {
        int i = slot;
        portKeys[i] = 0;
        size--;
        int j = (i + 1) & mask;
        while (portKeys[j] != 0)
        {
            final int home = ConnectionTable.hash(ipKeys[j], portKeys[j]) & mask;
            if (((j - home) & mask) >= ((j - i) & mask))
            {
                move(j, i);
                portKeys[j] = 0;
                i = j;
            }
            j = (j + 1) & mask;
        }
    }

    private void move(final int from, final int to)
    {
        put(to, ipKeys[from], portKeys[from], sndNxt[from], rcvNxt[from], tsRecent[from], tsRecentAge[from],
            tsOffset[from], windowAndFlags[from], deadlines[from]);
    }

    private void put(
        final int i, final long ip, final int ports, final int snd, final int rcv, final int ts, final int age,
        final int off, final int win, final long deadline)
    {
        ipKeys[i] = ip;
        portKeys[i] = ports;
        sndNxt[i] = snd;
        rcvNxt[i] = rcv;
        tsRecent[i] = ts;
        tsRecentAge[i] = age;
        tsOffset[i] = off;
        windowAndFlags[i] = win;
        deadlines[i] = deadline;
    }

    private void fifoPush(final long ip, final int ports, final long deadline)
    {
        if (fifoCount == fifoIp.length)
        {
            final int n = fifoIp.length * 2;
            final long[] ipN = new long[n];
            final int[] portsN = new int[n];
            final long[] dN = new long[n];
            for (int k = 0; k < fifoCount; k++)
            {
                final int from = (fifoHead + k) & (fifoIp.length - 1);
                ipN[k] = fifoIp[from];
                portsN[k] = fifoPorts[from];
                dN[k] = fifoDeadline[from];
            }
            fifoIp = ipN;
            fifoPorts = portsN;
            fifoDeadline = dN;
            fifoHead = 0;
        }
        final int at = (fifoHead + fifoCount) & (fifoIp.length - 1);
        fifoIp[at] = ip;
        fifoPorts[at] = ports;
        fifoDeadline[at] = deadline;
        fifoCount++;
    }

    private void grow()
    {
        final long[] oIp = ipKeys;
        final int[] oPorts = portKeys;
        final int[] oSnd = sndNxt;
        final int[] oRcv = rcvNxt;
        final int[] oTs = tsRecent;
        final int[] oAge = tsRecentAge;
        final int[] oOff = tsOffset;
        final int[] oWin = windowAndFlags;
        final long[] oDl = deadlines;
        allocate(oIp.length * 2);
        for (int k = 0; k < oIp.length; k++)
        {
            if (oPorts[k] != 0)
            {
                int i = ConnectionTable.hash(oIp[k], oPorts[k]) & mask;
                while (portKeys[i] != 0)
                {
                    i = (i + 1) & mask;
                }
                put(i, oIp[k], oPorts[k], oSnd[k], oRcv[k], oTs[k], oAge[k], oOff[k], oWin[k], oDl[k]);
            }
        }
    }
}
