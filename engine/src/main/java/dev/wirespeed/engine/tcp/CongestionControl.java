package dev.wirespeed.engine.tcp;

/**
 * Congestion window arithmetic (RFC 5681). The connection owns loss detection and recovery state; this interface owns
 * cwnd and ssthresh. Values in bytes. Not thread safe.
 */
public interface CongestionControl
{
    void init(int smss, int initialWindow);

    int cwnd();

    int ssthresh();

    /** New data acknowledged outside recovery. */
    void onAck(int ackedBytes, int flightSize);

    /** Third duplicate ACK: enter fast recovery (RFC 5681 §3.2 steps 2-3). */
    void onEnterRecovery(int flightSize);

    /** Further duplicate ACK during recovery: inflate (RFC 5681 §3.2 step 4). */
    void onDupAckInRecovery();

    /** Partial ACK during recovery (RFC 6582 §3.2 step 5). */
    void onPartialAck(int ackedBytes);

    /** Full ACK ends recovery (RFC 6582 §3.2 step 6). */
    void onExitRecovery(int flightSize);

    /** Recovery paced by PRR ends (RFC 6937 §3.1): cwnd = ssthresh. */
    void onExitPrrRecovery();

    /** Retransmission timeout (RFC 5681 §3.1 eq. 4, cwnd = 1 SMSS). */
    void onRto(int flightSize);

    /** Sending restarts after an idle period longer than one RTO (RFC 5681 §4.1). */
    void onIdleRestart(int initialWindow);
}
