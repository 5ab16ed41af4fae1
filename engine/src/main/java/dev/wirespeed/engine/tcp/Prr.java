package dev.wirespeed.engine.tcp;

/**
 * Proportional Rate Reduction (RFC 6937) for one connection's SACK-based recovery: how much may be sent in answer
 * to each ACK while the congestion window comes down to ssthresh. Without it the window either collapses to what
 * happens to be in flight (RFC 6582's exit rule; on an echo whose flight is small that is two segments, and every
 * later loss becomes a tail loss) or bursts. Allocation free; not thread safe.
 */
final class Prr
{
    /** RFC 6937 RecoverFS: bytes in flight when recovery began. */
    private int recoverFs;
    /** prr_delivered: bytes the peer reported delivered (SND.UNA advance plus newly SACKed) during recovery. */
    private long delivered;
    /** prr_out: bytes sent during recovery (retransmissions and new data). */
    private long out;
    /** sndcnt of the latest ACK, less what has been sent since. */
    private int allowance;

    /** Recovery begins with this much in flight (RFC 6937 §3.1, on entering recovery). */
    void start(final int flightSize)
    {
        recoverFs = Math.max(flightSize, 1);
        delivered = 0;
        out = 0;
        allowance = 0;
    }

    /**
     * An ACK during recovery reported {@code deliveredBytes} newly delivered; {@code pipe} is the RFC 6675 pipe
     * after it. Computes sndcnt with the slow-start reduction bound (PRR-SSRB, RFC 6937 §3.1).
     */
    void onAck(final int deliveredBytes, final int pipe, final int ssthresh, final int mss)
    {
        delivered += Math.max(deliveredBytes, 0);
        final long sndcnt;
        if (pipe > ssthresh)
        {
            // proportional part: send ssthresh/RecoverFS of what was delivered
            sndcnt = (delivered * ssthresh + recoverFs - 1) / recoverFs - out;
        }
        else
        {
            // slow-start reduction bound: grow back towards ssthresh at most one MSS beyond what was delivered
            final long limit = Math.max(delivered - out, deliveredBytes) + mss;
            sndcnt = Math.min((long)ssthresh - pipe, limit);
        }
        allowance = (int)Math.max(0, Math.min(sndcnt, Integer.MAX_VALUE));
    }

    /** Bytes sent during recovery. */
    void onSent(final int bytes)
    {
        out += bytes;
        allowance = Math.max(0, allowance - bytes);
    }

    /** Bytes that may still go in answer to the latest ACK. */
    int allowance()
    {
        return allowance;
    }
}
