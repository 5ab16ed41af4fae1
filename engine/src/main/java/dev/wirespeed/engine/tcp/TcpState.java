package dev.wirespeed.engine.tcp;

/**
 * The eleven connection states of RFC 9293 §3.3.2. {@link #toString()} prints the RFC spelling, e.g. {@code SYN-SENT}.
 */
public enum TcpState
{
    CLOSED("CLOSED"),
    LISTEN("LISTEN"),
    SYN_SENT("SYN-SENT"),
    SYN_RECEIVED("SYN-RECEIVED"),
    ESTABLISHED("ESTABLISHED"),
    FIN_WAIT_1("FIN-WAIT-1"),
    FIN_WAIT_2("FIN-WAIT-2"),
    CLOSE_WAIT("CLOSE-WAIT"),
    CLOSING("CLOSING"),
    LAST_ACK("LAST-ACK"),
    TIME_WAIT("TIME-WAIT");

    private final String rfcName;

    TcpState(final String rfcName)
    {
        this.rfcName = rfcName;
    }

    /** States after the handshake has completed on our side (RFC 9293 "synchronized states" minus SYN-RECEIVED). */
    public boolean isSynchronized()
    {
        return ordinal() >= SYN_RECEIVED.ordinal();
    }

    public String toString()
    {
        return rfcName;
    }
}
