package dev.wirespeed.engine.tcp;

/**
 * The eleven connection states of RFC 9293 §3.3.2. {@link #toString()} prints the RFC spelling, e.g. {@code SYN-SENT}.
 */
public enum TcpState
{
    /** No connection. */
    CLOSED("CLOSED"),
    /** Waiting for a SYN. */
    LISTEN("LISTEN"),
    /** Our SYN sent, waiting for the SYN-ACK. */
    SYN_SENT("SYN-SENT"),
    /** Peer's SYN received and our SYN-ACK sent, waiting for its ACK. */
    SYN_RECEIVED("SYN-RECEIVED"),
    /** Open: data flows both ways. */
    ESTABLISHED("ESTABLISHED"),
    /** Our FIN sent, not yet acknowledged. */
    FIN_WAIT_1("FIN-WAIT-1"),
    /** Our FIN acknowledged, waiting for the peer's FIN. */
    FIN_WAIT_2("FIN-WAIT-2"),
    /** Peer's FIN received, waiting for the application to close. */
    CLOSE_WAIT("CLOSE-WAIT"),
    /** Both FINs sent, ours not yet acknowledged. */
    CLOSING("CLOSING"),
    /** Peer's FIN received and our FIN sent, waiting for its ACK. */
    LAST_ACK("LAST-ACK"),
    /** Both FINs acknowledged; waiting 2·MSL for stray segments. */
    TIME_WAIT("TIME-WAIT");

    private final String rfcName;

    TcpState(final String rfcName)
    {
        this.rfcName = rfcName;
    }

    /**
     * RFC 9293's synchronized states: SYN-RECEIVED and every state after it (ESTABLISHED through TIME-WAIT).
     *
     * @return true from SYN-RECEIVED on; false for CLOSED, LISTEN and SYN-SENT.
     */
    public boolean isSynchronized()
    {
        return ordinal() >= SYN_RECEIVED.ordinal();
    }

    public String toString()
    {
        return rfcName;
    }
}
