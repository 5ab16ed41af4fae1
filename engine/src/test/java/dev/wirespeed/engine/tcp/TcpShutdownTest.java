package dev.wirespeed.engine.tcp;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static dev.wirespeed.engine.tcp.TcpSegment.ACK;
import static dev.wirespeed.engine.tcp.TcpSegment.FIN;
import static dev.wirespeed.engine.tcp.TcpSegment.RST;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Engine shutdown (abortAll / closeAll) and the per-state connection gauge. */
class TcpShutdownTest extends TcpTestSupport
{
    @BeforeEach
    void setUp()
    {
        setUp(c ->
        {
        });
    }

    @Test
    void abortAllResetsEstablishedAndHalfOpenConnections()
    {
        established();
        send(syn().tuple(LOCAL_IP, LOCAL_PORT, REMOTE_IP, REMOTE_PORT + 1)); // a second peer, left half-open
        recv();
        assertEquals(1, ep.counters().connections(TcpState.ESTABLISHED));
        assertEquals(1, ep.counters().connections(TcpState.SYN_RECEIVED));

        assertEquals(2, ep.abortAll());
        final var out = recv();
        assertEquals(2, out.size(), out.toString());
        for (final TcpSegment s : out)
        {
            assertEquals(RST | ACK, s.flags & (RST | ACK), s.toString());
        }
        assertEquals(0, ep.connectionCount());
        assertEquals(0, ep.counters().connections(TcpState.ESTABLISHED));
        assertEquals(0, ep.counters().connections(TcpState.SYN_RECEIVED));
    }

    @Test
    void closeAllSendsFinAndWaitsForThePeer()
    {
        established();
        assertEquals(1, ep.liveConnectionCount());
        assertEquals(1, ep.closeAll());
        expect(out().flags(FIN | ACK));
        assertState(TcpState.FIN_WAIT_1);
        assertEquals(0, ep.closeAll(), "a closing connection is not closed twice");
        send(in().ack(LOCAL_SEQ + 2).flags(FIN | ACK));
        expect(out().window(WINDOW_AFTER_FIN).seq(LOCAL_SEQ + 2).ack(REMOTE_SEQ + 2));
        assertState(TcpState.TIME_WAIT);
        assertEquals(1, ep.counters().connections(TcpState.TIME_WAIT));
        assertEquals(0, ep.liveConnectionCount());
    }
}
