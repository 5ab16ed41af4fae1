package dev.wirespeed.engine.tcp;

/**
 * Congestion window arithmetic (RFC 5681). The connection owns loss detection and recovery state; this interface owns
 * cwnd and ssthresh. Values in bytes. Not thread safe.
 */
public interface CongestionControl
{
    /**
     * Starts a connection's window (at the handshake, and for each reuse of a pooled TCB).
     *
     * @param smss          the sender's maximum segment size, bytes.
     * @param initialWindow the initial cwnd, bytes (RFC 5681 §3.1 IW).
     */
    void init(int smss, int initialWindow);

    /**
     * The congestion window.
     *
     * @return bytes.
     */
    int cwnd();

    /**
     * The slow-start threshold.
     *
     * @return bytes.
     */
    int ssthresh();

    /**
     * New data acknowledged outside recovery.
     *
     * @param ackedBytes bytes newly acknowledged by this ACK.
     * @param flightSize bytes in flight before the ACK.
     */
    void onAck(int ackedBytes, int flightSize);

    /**
     * Whether {@link #onDelivered} is wanted: the connection calls it (and works out its arguments, RFC 6675 pipe
     * among them) only for a controller that answers true. NewReno does not.
     *
     * @return true for a model-based controller.
     */
    default boolean wantsDelivered()
    {
        return false;
    }

    /**
     * Every acceptable ACK, in and out of recovery, after the connection processed it, when {@link #wantsDelivered}:
     * what a model-based controller ({@link Bbr}) learns from. NewReno ignores it.
     *
     * @param nowNs          the time of the ACK.
     * @param deliveredBytes bytes newly reported delivered: SND.UNA advance plus newly SACKed (RFC 6937
     *                       DeliveredData); may be 0.
     * @param pipe           bytes in flight after the ACK (RFC 6675 pipe).
     * @param sndNxt         SND.NXT: the first byte not yet sent.
     * @param highestAcked   the highest sequence number the peer has acknowledged, cumulatively or by SACK, plus one.
     * @param rttSampleNs    an RTT sample this ACK gave (RFC 6298, Karn's rule), or 0 for none.
     * @param appLimited     the sender has no unsent data queued: the flight is limited by the application.
     */
    default void onDelivered(
        final long nowNs, final int deliveredBytes, final int pipe, final int sndNxt, final int highestAcked,
        final long rttSampleNs, final boolean appLimited)
    {
    }

    /**
     * Third duplicate ACK: enter fast recovery (RFC 5681 §3.2 steps 2-3).
     *
     * @param flightSize bytes in flight when recovery starts.
     */
    void onEnterRecovery(int flightSize);

    /** Further duplicate ACK during recovery: inflate (RFC 5681 §3.2 step 4). */
    void onDupAckInRecovery();

    /**
     * Partial ACK during recovery (RFC 6582 §3.2 step 5).
     *
     * @param ackedBytes bytes newly acknowledged by the partial ACK.
     */
    void onPartialAck(int ackedBytes);

    /**
     * Full ACK ends recovery (RFC 6582 §3.2 step 6).
     *
     * @param flightSize bytes in flight after the full ACK.
     */
    void onExitRecovery(int flightSize);

    /** Recovery paced by PRR ends (RFC 6937 §3.1): cwnd = ssthresh. */
    void onExitPrrRecovery();

    /**
     * Retransmission timeout (RFC 5681 §3.1 eq. 4, cwnd = 1 SMSS).
     *
     * @param flightSize bytes in flight when the timer expired.
     */
    void onRto(int flightSize);

    /**
     * Sending restarts after an idle period longer than one RTO (RFC 5681 §4.1).
     *
     * @param initialWindow the restart window, bytes.
     */
    void onIdleRestart(int initialWindow);
}
