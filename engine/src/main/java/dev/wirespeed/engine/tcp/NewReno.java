package dev.wirespeed.engine.tcp;

/**
 * NewReno congestion control (RFC 5681, RFC 6582). Not thread safe.
 */
public final class NewReno implements CongestionControl
{
    /**
     * Congestion control in its initial state; the connection sets the window when it opens.
     */
    public NewReno()
    {
    }

    private int smss;
    private int cwnd;
    private int ssthresh;
    private int bytesAckedCa;

    public void init(final int smss, final int initialWindow)
    {
        this.smss = smss;
        this.cwnd = initialWindow;
        this.ssthresh = Integer.MAX_VALUE;
        this.bytesAckedCa = 0;
    }

    public int cwnd()
    {
        return cwnd;
    }

    public int ssthresh()
    {
        return ssthresh;
    }

    public void onAck(final int ackedBytes, final int flightSize)
    {
        if (cwnd < ssthresh)
        {
            // slow start, RFC 5681 §3.1 eq. 2 (appropriate byte counting limited to one SMSS per ACK)
            cwnd = addSat(cwnd, Math.min(ackedBytes, smss));
        }
        else
        {
            // congestion avoidance, RFC 5681 §3.1 eq. 3 (byte counting variant)
            bytesAckedCa += ackedBytes;
            if (bytesAckedCa >= cwnd)
            {
                bytesAckedCa -= cwnd;
                cwnd = addSat(cwnd, smss);
            }
        }
    }

    public void onEnterRecovery(final int flightSize)
    {
        ssthresh = Math.max(flightSize / 2, 2 * smss);
        cwnd = ssthresh + 3 * smss;
    }

    public void onDupAckInRecovery()
    {
        cwnd = addSat(cwnd, smss);
    }

    public void onPartialAck(final int ackedBytes)
    {
        cwnd = Math.max(smss, cwnd - ackedBytes + smss);
    }

    public void onExitRecovery(final int flightSize)
    {
        cwnd = Math.min(ssthresh, Math.max(flightSize, smss) + smss);
        bytesAckedCa = 0;
    }

    public void onExitPrrRecovery()
    {
        cwnd = ssthresh;
        bytesAckedCa = 0;
    }

    public void onRto(final int flightSize)
    {
        ssthresh = Math.max(flightSize / 2, 2 * smss);
        cwnd = smss;
        bytesAckedCa = 0;
    }

    public void onIdleRestart(final int initialWindow)
    {
        cwnd = Math.min(cwnd, initialWindow);
    }

    private static int addSat(final int a, final int b)
    {
        final long r = (long)a + b;
        return r > Integer.MAX_VALUE ? Integer.MAX_VALUE : (int)r;
    }
}
