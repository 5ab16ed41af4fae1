package dev.wirespeed.engine.tcp;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.wirespeed.engine.tcp.TcpSegment.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Per-state tests in smoltcp's shape. Every test named {@code checklistNN_...} covers behaviour NN of
 * docs/TCP-BEHAVIOUR.md with exact reply segments and resulting state.
 */
class TcpConnectionTest extends TcpTestSupport
{
    @BeforeEach
    void init()
    {
        setUp(c -> { });
    }

    // ======================================================================================== Tests for LISTEN

    @Nested
    class Listen
    {
        @Test
        void checklist01_synWithOptionsGetsSynAckEchoingOnlyOfferedOptions()
        {
            listen();
            send(sackOk(ws(mss(syn(), 1400), 5)));
            final TcpSegment expected = out().seq(LOCAL_SEQ).flags(SYN | ACK);
            mss(expected, 1460);
            ws(expected, 7);
            sackOk(expected);
            expect(expected);
            assertState(TcpState.SYN_RECEIVED);
            assertEquals(1400, conn().effectiveMss());
        }

        @Test
        void checklist01_synWithTimestampOnlyGetsMssAndTimestampOnly()
        {
            listen();
            advanceTo(5 * MS);
            send(ts(syn(), 777, 0));
            expect(ts(mss(out().seq(LOCAL_SEQ).flags(SYN | ACK), 1460), 5, 777));
            assertState(TcpState.SYN_RECEIVED);
        }

        @Test
        void checklist09_oldDuplicateSynThenRstReturnsToListenAndFreshSynSucceeds()
        {
            listen();
            final int z = REMOTE_SEQ - 90_000;
            send(syn().seq(z));
            expect(mss(out().seq(LOCAL_SEQ).ack(z + 1).flags(SYN | ACK), 1460));
            send(in().seq(z + 1).ack(0).flags(RST));
            expectNothing();
            assertState(TcpState.LISTEN);
            assertEquals(0, ep.connectionCount());
            send(syn());
            expect(mss(out().seq(LOCAL_SEQ).flags(SYN | ACK), 1460));
            send(in());
            expectNothing();
            assertState(TcpState.ESTABLISHED);
            assertEvents("accepted 80");
        }

        @Test
        void checklist45_rstToListenerIgnored()
        {
            listen();
            send(in().flags(RST));
            expectNothing();
            assertState(TcpState.LISTEN);
            assertEquals(1, ep.counters().get(TcpCounters.DROP_LISTEN_RST));
        }

        @Test
        void checklist45_ackToListenerGetsRstAtSegAck()
        {
            listen();
            send(in().ack(123_456));
            expect(out().seq(123_456).ack(0).flags(RST).window(0));
            assertState(TcpState.LISTEN);
        }

        @Test
        void checklist45_synAckToListenerGetsRstAtSegAck()
        {
            listen();
            send(in().seq(REMOTE_SEQ).ack(777).flags(SYN | ACK));
            expect(out().seq(777).ack(0).flags(RST).window(0));
            assertState(TcpState.LISTEN);
            assertEquals(0, ep.connectionCount());
        }
    }

    // ================================================================================== Tests for SYN-RECEIVED

    @Nested
    class SynReceived
    {
        @Test
        void checklist02_acceptableAckEstablishes()
        {
            synReceived();
            send(in());
            expectNothing();
            assertState(TcpState.ESTABLISHED);
            assertEvents("accepted 80");
            assertEquals(REMOTE_WIN, conn().sndWnd());
        }

        @Test
        void checklist02_unacceptableAckGetsRstAndStaysSynReceived()
        {
            synReceived();
            send(in().ack(LOCAL_SEQ + 5));
            expect(out().seq(LOCAL_SEQ + 5).ack(0).flags(RST).window(0));
            assertState(TcpState.SYN_RECEIVED);
            send(in().ack(LOCAL_SEQ));
            expect(out().seq(LOCAL_SEQ).ack(0).flags(RST).window(0));
            assertState(TcpState.SYN_RECEIVED);
        }

        @Test
        void checklist03_rstAtRcvNxtReturnsToListen()
        {
            synReceived();
            send(in().flags(RST).ack(0));
            expectNothing();
            assertState(TcpState.LISTEN);
            assertEquals(0, ep.connectionCount());
            assertEquals(0, ep.halfOpenCount());
            assertEvents();
        }

        @Test
        void checklist03_rstInWindowGetsChallengeAck()
        {
            synReceived();
            send(in().seq(REMOTE_SEQ + 11).flags(RST).ack(0));
            expect(out());
            assertState(TcpState.SYN_RECEIVED);
        }

        @Test
        void checklist03_rstOutsideWindowDropped()
        {
            synReceived();
            send(in().seq(REMOTE_SEQ + 1 + 200_000).flags(RST).ack(0));
            expectNothing();
            assertState(TcpState.SYN_RECEIVED);
            assertEquals(1, ep.counters().get(TcpCounters.DROP_RST_OUT_OF_WINDOW));
        }

        @Test
        void checklist11_retransmittedSynGetsTheSameSynAckAgain()
        {
            synReceived();
            send(syn());
            expect(mss(out().seq(LOCAL_SEQ).flags(SYN | ACK), 1460));
            assertState(TcpState.SYN_RECEIVED);
            assertEquals(1, ep.connectionCount());
        }

        @Test
        void checklist02_dataOnTheHandshakeAckIsDelivered()
        {
            synReceived();
            send(data(in().flags(ACK | PSH), "GET"));
            assertEvents("accepted 80");
            assertEquals("GET", app.data.toString());
            assertState(TcpState.ESTABLISHED);
        }

        @Test
        void checklist11_synAckRetransmittedWithDoublingRtoThenDropped()
        {
            setUp(c -> c.synAckRetries = 2);
            synReceived();
            final TcpSegment synAck = mss(out().seq(LOCAL_SEQ).flags(SYN | ACK), 1460);
            advanceTo(999 * MS);
            expectNothing();
            advanceTo(1000 * MS);
            expect(synAck);
            advanceTo(2999 * MS);
            expectNothing();
            advanceTo(3000 * MS);
            expect(mss(out().seq(LOCAL_SEQ).flags(SYN | ACK), 1460));
            advanceTo(7000 * MS);
            expectNothing();
            assertEquals(0, ep.connectionCount());
            assertEquals(0, ep.halfOpenCount());
            assertEquals(1, ep.counters().get(TcpCounters.DROP_HALF_OPEN_TIMEOUT));
        }
    }

    // ====================================================================================== Tests for SYN-SENT

    @Nested
    class SynSent
    {
        @Test
        void checklist04_synAckAckingIssPlusOneEstablishes()
        {
            synSent();
            send(mss(in().seq(REMOTE_SEQ).flags(SYN | ACK), 1460));
            expect(out());
            assertState(TcpState.ESTABLISHED);
            assertEvents("connected");
            assertFalse(conn().windowScaling());
        }

        @Test
        void checklist39_shutdownOutputInSynSentSendsFinOnceEstablished()
        {
            synSent();
            write("hi");
            ep.shutdownOutput(id);
            expectNothing();
            send(mss(in().seq(REMOTE_SEQ).flags(SYN | ACK), 1460));
            expect(data(out().flags(FIN | PSH | ACK), "hi"));
            assertState(TcpState.FIN_WAIT_1);
        }

        @Test
        void checklist05_ackAtOrBelowIssGetsRst()
        {
            synSent();
            send(in().seq(REMOTE_SEQ).ack(LOCAL_SEQ).flags(SYN | ACK));
            expect(out().seq(LOCAL_SEQ).ack(0).flags(RST).window(0));
            assertState(TcpState.SYN_SENT);
        }

        @Test
        void checklist05_ackAboveSndNxtGetsRst()
        {
            synSent();
            send(in().seq(REMOTE_SEQ).ack(LOCAL_SEQ + 2));
            expect(out().seq(LOCAL_SEQ + 2).ack(0).flags(RST).window(0));
            assertState(TcpState.SYN_SENT);
        }

        @Test
        void checklist05_badAckOnRstGetsNothing()
        {
            synSent();
            send(in().seq(REMOTE_SEQ).ack(LOCAL_SEQ + 9).flags(RST | ACK));
            expectNothing();
            assertState(TcpState.SYN_SENT);
        }

        @Test
        void checklist06_rstWithAcceptableAckRefusesConnection()
        {
            synSent();
            send(in().seq(0).ack(LOCAL_SEQ + 1).flags(RST | ACK));
            expectNothing();
            assertEquals(TcpState.CLOSED, ep.state(id));
            assertEquals(0, ep.connectionCount());
            assertEvents("reset", "closed");
        }

        @Test
        void checklist06_rstWithoutAckDropped()
        {
            synSent();
            send(in().seq(REMOTE_SEQ).ack(0).flags(RST));
            expectNothing();
            assertState(TcpState.SYN_SENT);
            assertEvents();
        }

        @Test
        void checklist07_bareFinDropped()
        {
            synSent();
            send(in().seq(REMOTE_SEQ).ack(0).flags(FIN));
            expectNothing();
            assertState(TcpState.SYN_SENT);
        }

        @Test
        void checklist08_simultaneousOpenFourSegments()
        {
            synSent();
            send(syn());
            expect(mss(out().seq(LOCAL_SEQ).flags(SYN | ACK), 1460));
            assertState(TcpState.SYN_RECEIVED);
            send(in());
            expectNothing();
            assertState(TcpState.ESTABLISHED);
            assertEvents("connected");
        }

        @Test
        void checklist08_simultaneousOpenWithPeerSynAck()
        {
            synSent();
            send(syn());
            expect(mss(out().seq(LOCAL_SEQ).flags(SYN | ACK), 1460));
            send(in().seq(REMOTE_SEQ).flags(SYN | ACK));
            expectNothing();
            assertState(TcpState.ESTABLISHED);
        }

        @Test
        void checklist08_simultaneousOpenTakesThePeersSynAckWindowUnscaled()
        {
            synSent();
            // both sides scale windows (shift 9 for the peer); the window of a segment with SYN set is never scaled
            send(ws(syn().window(3584), 9));
            assertEquals(SYN | ACK, recv().get(0).flags);
            send(ws(in().seq(REMOTE_SEQ).flags(SYN | ACK).window(3584), 9));
            assertState(TcpState.ESTABLISHED);
            assertEquals(3584, conn().sndWnd(), "3584 bytes, not 3584 << 9");
            // and the peer's later segments are scaled
            send(in().window(8));
            assertEquals(8 << 9, conn().sndWnd());
        }

        @Test
        void checklist10_closeInSynSentSendsNothingAndLateSynAckGetsRst()
        {
            synSent();
            ep.close(id);
            expectNothing();
            assertEvents("closed");
            assertEquals(0, ep.connectionCount());
            send(mss(in().seq(REMOTE_SEQ).flags(SYN | ACK), 1460));
            expect(out().seq(LOCAL_SEQ + 1).ack(0).flags(RST).window(0));
        }

        @Test
        void checklist11_synRetransmittedWithDoublingRtoThenTimeout()
        {
            setUp(c -> c.synRetries = 3);
            synSent();
            final long[] at = { 1000, 3000, 7000 };
            for (final long t : at)
            {
                advanceTo((t - 1) * MS);
                expectNothing();
                advanceTo(t * MS);
                final TcpSegment s = out().seq(LOCAL_SEQ).ack(0).flags(SYN);
                mss(s, 1460);
                ws(s, 7);
                sackOk(s);
                ts(s, (int)t, 0);
                expect(s);
            }
            advanceTo(14_999 * MS);
            expectNothing();
            assertEvents();
            advanceTo(15_000 * MS);
            expectNothing();
            assertEvents("timeout", "closed");
            assertEquals(0, ep.connectionCount());
        }

        @Test
        void checklist56_retransmittedSynLeavesThreeSecondRtoForData()
        {
            synSent();
            advanceTo(SEC);
            assertEquals(1, recv().size());
            advanceTo(1500 * MS);
            send(mss(in().seq(REMOTE_SEQ).flags(SYN | ACK), 1460));
            recv();
            assertEquals(0, conn().srttNs());
            assertEquals(3 * SEC, conn().rtoNs());
            write("x");
            assertEquals(1, recv().size());
            advanceTo(4500 * MS - 1);
            expectNothing();
            advanceTo(4500 * MS);
            assertEquals(1, recv().size());
        }

        @Test
        void checklist27_windowScaleIgnoredWhenSynAckLacksIt()
        {
            synSent();
            send(mss(in().seq(REMOTE_SEQ).flags(SYN | ACK).window(1000), 1460));
            expect(out());
            assertFalse(conn().windowScaling());
            assertEquals(1000, conn().sndWnd());
            send(in().window(3000));
            assertEquals(3000, conn().sndWnd());
        }

        @Test
        void checklist27_synWindowNeverScaledAndShiftAbove14Clamped()
        {
            synSent();
            send(ws(mss(in().seq(REMOTE_SEQ).flags(SYN | ACK).window(1000), 1460), 20));
            expect(out().window(WINDOW >> 7));
            assertTrue(conn().windowScaling());
            assertEquals(14, conn().peerWindowScale());
            assertEquals(1000, conn().sndWnd());
            send(in().window(2));
            assertEquals(2 << 14, conn().sndWnd());
        }
    }

    // =================================================================================== Tests for ESTABLISHED

    @Nested
    class Established
    {
        @Test
        void checklist12_inOrderDataAckDelayedLessThan500ms()
        {
            established();
            send(data(in(), "hello"));
            expectNothing();
            assertEquals("hello", app.data.toString());
            advance(39 * MS);
            expectNothing();
            advance(1 * MS);
            expect(out().window(WINDOW - 5).ack(REMOTE_SEQ + 6));
            assertTrue(config.delayedAckNs < 500 * MS);
        }

        @Test
        void checklist12_everySecondFullSizedSegmentAckedAtOnce()
        {
            established();
            send(data(in(), 1460));
            expectNothing();
            send(data(in().seq(REMOTE_SEQ + 1 + 1460), 1460));
            expect(out().ack(REMOTE_SEQ + 1 + 2920));
        }

        @Test
        void checklist13_outOfOrderImmediateDupAckWithSackThenCumulativeAck()
        {
            establishedSack();
            send(data(in().seq(REMOTE_SEQ + 101), 100));
            expect(sack(out(), REMOTE_SEQ + 101, REMOTE_SEQ + 201));
            assertEquals("", app.data.toString());
            send(data(in(), "x".repeat(100)));
            expect(out().window(WINDOW - 200).ack(REMOTE_SEQ + 201));
            assertEquals(200, app.data.length());
            assertTrue(app.data.toString().startsWith("x".repeat(100) + "abc"));
        }

        @Test
        void checklist14_oldDuplicateSegmentAckedNeverDeliveredTwice()
        {
            established();
            send(data(in(), "abcdefghij"));
            send(data(in(), "abcdefghij"));
            expect(out().window(WINDOW - 10).ack(REMOTE_SEQ + 11));
            assertEquals("abcdefghij", app.data.toString());
        }

        @Test
        void checklist14_outOfWindowPureAcksAreAnsweredAtMostOncePerHalfSecond()
        {
            established();
            final TcpSegment beyond = in().seq(REMOTE_SEQ + 1 + 2 * WINDOW);
            send(beyond);
            expect(out());
            // another at once: an ACK loop would look like this, so no answer (counted)
            send(in().seq(REMOTE_SEQ + 1 + 2 * WINDOW));
            expectNothing();
            assertEquals(1, ep.counters().get(TcpCounters.DROP_OOW_ACK_RATE_LIMITED));
            // an old duplicate with data is always answered
            send(data(in().seq(REMOTE_SEQ - 9), "abcdefghij"));
            expect(out());
            // half a second later a pure ACK is answered again
            advance(500 * MS);
            send(in().seq(REMOTE_SEQ + 1 + 2 * WINDOW));
            expect(out());
            assertEquals(1, ep.counters().get(TcpCounters.DROP_OOW_ACK_RATE_LIMITED));
        }

        @Test
        void checklist15_overlapKeepsOnlyNewBytes()
        {
            established();
            send(data(in(), "abcde"));
            send(data(in().seq(REMOTE_SEQ + 3), "cdefgh"));
            assertEquals("abcdefgh", app.data.toString());
            assertEquals(REMOTE_SEQ + 9, conn().rcvNxt());
        }

        @Test
        void checklist15_bytesBeyondRightEdgeTrimmed()
        {
            setUp(c -> c.receiveBufferSize = 1024);
            established();
            send(data(in(), 1000));
            assertEquals(896, app.data.length());
            advance(40 * MS);
            expect(out().ack(REMOTE_SEQ + 1 + 896).window(896));
        }

        @Test
        void checklist16_segmentWhollyOutsideWindowAckedAndDropped()
        {
            established();
            send(data(in().seq(REMOTE_SEQ + 1 + 100_000), "zz"));
            expect(out());
            assertEquals("", app.data.toString());
        }

        @Test
        void checklist16_zeroWindowDataAckedWithWindowZeroButAckProcessed()
        {
            setUp(c -> c.receiveBufferSize = 1024);
            established();
            write("12345");
            expect(data(out().flags(ACK | PSH).window(896), "12345"));
            app.consume = false;
            send(data(in(), 896));
            advance(40 * MS);
            expect(out().seq(LOCAL_SEQ + 6).ack(REMOTE_SEQ + 897).window(0));
            send(data(in().seq(REMOTE_SEQ + 897).ack(LOCAL_SEQ + 6), "more"));
            expect(out().seq(LOCAL_SEQ + 6).ack(REMOTE_SEQ + 897).window(0));
            assertEquals(LOCAL_SEQ + 6, conn().sndUna());
            assertEquals(896, conn().unreadBytes());
            app.consume = true;
            ep.resumeReading(id);
            expect(out().seq(LOCAL_SEQ + 6).ack(REMOTE_SEQ + 897).window(896));
            assertEquals(896, app.data.length());
        }

        @Test
        void checklist17_rightEdgeNeverMovesLeft()
        {
            setUp(c -> c.receiveBufferSize = 1024);
            synReceived(ws(syn(), 0));
            send(in());
            expectNothing();
            id = app.lastId;
            app.consume = false;
            int seq = REMOTE_SEQ + 1;
            int lastRight = REMOTE_SEQ + 1 + 896;
            for (int i = 0; i < 8; i++)
            {
                send(data(in().seq(seq), 100));
                seq += 100;
                advance(40 * MS);
                final List<TcpSegment> got = recv();
                assertEquals(1, got.size());
                final int right = got.get(0).ack + (got.get(0).window << 7);
                assertTrue(SeqNum.geq(right, lastRight), "right edge moved left at " + i);
                lastRight = right;
            }
            assertEquals(REMOTE_SEQ + 1 + 800, conn().rcvNxt());
        }

        @Test
        void checklist18_zeroWindowProbesBackOffAndSendingResumes()
        {
            established();
            send(in().window(0));
            expectNothing();
            write("0123456789");
            expectNothing();
            advanceTo(199 * MS);
            expectNothing();
            advanceTo(200 * MS);
            expect(data(out(), "0"));
            send(in().window(0));
            expectNothing();
            advanceTo(599 * MS);
            expectNothing();
            advanceTo(600 * MS);
            expect(data(out(), "0"));
            send(in().window(0));
            advanceTo(1399 * MS);
            expectNothing();
            advanceTo(1400 * MS);
            expect(data(out(), "0"));
            assertEquals(TcpState.ESTABLISHED, state());
            send(in().window(1000));
            expect(data(out().flags(ACK | PSH), "0123456789"));
            assertEquals(3, ep.counters().get(TcpCounters.ZERO_WINDOW_PROBES));
        }

        @Test
        void checklist18_windowGrowingFromASmallNonZeroWindowSendsHeldDataAtOnce()
        {
            // a receiver whose application was slow reopens its window in steps (pure window updates, same ACK):
            // the held-back data goes at the first update that makes room, not at the 200 ms SWS override timer
            established();
            send(in().window(100));
            write(3000);
            expectNothing();
            send(in().window(5000));
            expect(outLen(out(), 1460), outLen(out().seq(LOCAL_SEQ + 1 + 1460), 1460));
        }

        @Test
        void checklist19_ackAboveSndNxtAckedAndDropped()
        {
            established();
            send(data(in().ack(LOCAL_SEQ + 100), "xyz"));
            expect(out());
            assertEquals("", app.data.toString());
            assertEquals(LOCAL_SEQ + 1, conn().sndUna());
        }

        @Test
        void checklist20_ackBelowSndUnaIgnoredAndWindowUpdatedOnlyUnderWl1Wl2()
        {
            established();
            write("0123456789");
            expect(data(out().flags(ACK | PSH), "0123456789"));
            send(in().seq(REMOTE_SEQ + 1).ack(LOCAL_SEQ + 11).window(5000));
            assertEquals(5000, conn().sndWnd());
            send(data(in().seq(REMOTE_SEQ + 1).ack(LOCAL_SEQ + 5).window(100), "abc"));
            assertEquals(LOCAL_SEQ + 11, conn().sndUna());
            assertEquals("abc", app.data.toString());
            assertEquals(5000, conn().sndWnd(), "SND.WL2 > SEG.ACK: no window update");
            send(in().seq(REMOTE_SEQ + 4).ack(LOCAL_SEQ + 11).window(100));
            assertEquals(100, conn().sndWnd());
            // an older segment (SEQ < SND.WL1) does not update the window
            send(in().seq(REMOTE_SEQ + 1).ack(LOCAL_SEQ + 11).window(7));
            assertEquals(100, conn().sndWnd());
        }

        @Test
        void checklist21_noFlagsSegmentDataNotQueued()
        {
            established();
            send(data(in().flags(0), "abc"));
            expectNothing();
            assertEquals("", app.data.toString());
            assertEquals(REMOTE_SEQ + 1, conn().rcvNxt());
        }

        @Test
        void checklist22_nagleCoalescesSmallWritesWhileUnacked()
        {
            established();
            write("a");
            expect(data(out().flags(ACK | PSH), "a"));
            write("b");
            write("c");
            expectNothing();
            send(in().ack(LOCAL_SEQ + 2));
            expect(data(out().seq(LOCAL_SEQ + 2).flags(ACK | PSH), "bc"));
        }

        @Test
        void checklist22_noDelaySendsEachWrite()
        {
            established();
            ep.setNoDelay(id, true);
            write("a");
            expect(data(out().flags(ACK | PSH), "a"));
            write("b");
            expect(data(out().seq(LOCAL_SEQ + 2).flags(ACK | PSH), "b"));
        }

        @Test
        void checklist23_peerKeepaliveGetsAck()
        {
            established();
            send(in().seq(REMOTE_SEQ));
            expect(out());
            send(data(in().seq(REMOTE_SEQ), "k"));
            expect(out());
            assertEquals("", app.data.toString());
        }

        @Test
        void checklist23_ownKeepaliveOffByDefault()
        {
            established();
            assertFalse(config.keepAlive);
            advanceTo(3 * 3600 * SEC);
            expectNothing();
            assertState(TcpState.ESTABLISHED);
        }

        @Test
        void checklist23_keepaliveDetectsDeadPeerAndAborts()
        {
            setUp(c ->
            {
                c.keepAlive = true;
                c.keepAliveIdleNs = 10 * SEC;
                c.keepAliveIntervalNs = SEC;
                c.keepAliveProbes = 3;
            });
            established();
            advanceTo(10 * SEC - 1);
            expectNothing();
            advanceTo(10 * SEC);
            expect(out().seq(LOCAL_SEQ));
            advanceTo(11 * SEC);
            expect(out().seq(LOCAL_SEQ));
            advanceTo(12 * SEC);
            expect(out().seq(LOCAL_SEQ));
            advanceTo(13 * SEC);
            expectNothing();
            assertEvents("timeout", "closed");
            assertEquals(0, ep.connectionCount());
        }

        @Test
        void checklist23_defaultKeepaliveAfterTwoHoursAcrossAClockJump()
        {
            setUp(c -> c.keepAlive = true);
            established();
            advanceTo(7200 * SEC - 1);
            expectNothing();
            advanceTo(7200 * SEC);
            expect(out().seq(LOCAL_SEQ));
            advanceTo(7200 * SEC + 75 * SEC);
            expect(out().seq(LOCAL_SEQ));
        }

        @Test
        void checklist23_keepaliveAnsweredKeepsConnection()
        {
            setUp(c ->
            {
                c.keepAlive = true;
                c.keepAliveIdleNs = 10 * SEC;
                c.keepAliveIntervalNs = SEC;
                c.keepAliveProbes = 3;
            });
            established();
            advanceTo(10 * SEC);
            expect(out().seq(LOCAL_SEQ));
            send(in());
            advanceTo(13 * SEC);
            expectNothing();
            assertState(TcpState.ESTABLISHED);
            advanceTo(20 * SEC);
            expect(out().seq(LOCAL_SEQ));
        }

        @Test
        void checklist64_receiverSwsAvoidanceOpensTheWindowOnlyByAWorthwhileAmount()
        {
            established();
            app.consume = false;
            send(data(in(), 1000));
            advance(200 * MS);
            // the unread bytes keep the right edge where it was: the window shrinks by them
            expect(out().window(WINDOW - 1000).ack(REMOTE_SEQ + 1001));
            // the app reads them: the window could grow by 1000 bytes, less than one MSS (1460): no update
            app.consume = true;
            ep.resumeReading(id);
            expectNothing();
            assertEquals(1000, app.data.length());
            // the next 1000 bytes are read at once: now the edge moves by 2000 ≥ one MSS, the whole buffer opens
            send(data(in().seq(REMOTE_SEQ + 1001), 1000));
            advance(200 * MS);
            expect(out().ack(REMOTE_SEQ + 2001));
            assertEquals(2000, app.data.length());
        }

        @Test
        void checklist64_smallReadsFromAFullBufferAdvertiseNoSillyWindow()
        {
            established();
            app.consume = false;
            final int mss = 1460;
            int seq = REMOTE_SEQ + 1;
            while (seq - (REMOTE_SEQ + 1) + mss <= WINDOW)
            {
                send(data(in().seq(seq), mss));
                seq += mss;
            }
            send(data(in().seq(seq), WINDOW - (seq - (REMOTE_SEQ + 1))));
            recv();
            assertEquals(WINDOW, conn().unreadBytes());
            // the application takes 100 bytes at a time: no window update for any of these
            app.consume = true;
            for (int i = 1; i <= 5; i++)
            {
                app.budget = 100;
                ep.resumeReading(id);
                assertEquals(WINDOW - 100 * i, conn().unreadBytes());
                expectNothing();
            }
            // a zero-window probe gets our ACK: still window 0, 500 freed bytes are not worth offering
            send(data(in().seq(REMOTE_SEQ + 1 + WINDOW), 1));
            expect(out().window(0).ack(REMOTE_SEQ + 1 + WINDOW));
            // once a full MSS is free, the window opens (by everything free)
            app.budget = 1000;
            ep.resumeReading(id);
            expect(out().window(1500).ack(REMOTE_SEQ + 1 + WINDOW));
        }

        @Test
        void checklist24_invalidUrgentPointerKeepsStreamIntact()
        {
            established();
            final TcpSegment s = data(in().flags(ACK | URG), "abc");
            s.urgentPointer = 60_000;
            send(s);
            send(data(in().seq(REMOTE_SEQ + 4), "def"));
            expectNothing();
            advance(40 * MS);
            expect(out().window(WINDOW - 6).ack(REMOTE_SEQ + 7));
            assertEquals("abcdef", app.data.toString());
            assertEquals(1, ep.counters().get(TcpCounters.DROP_URGENT_INVALID));
        }

        @Test
        void checklist22_fullSendBufferAcceptsPartialWriteThenSignalsWritable()
        {
            setUp(c -> c.sendBufferSize = 1024);
            established();
            send(in().window(0));
            assertEquals(1024, write(1500));
            assertEquals(0, write(10));
            send(in().window(10_000));
            final List<TcpSegment> got = recv();
            assertEquals(1024, got.stream().mapToInt(x -> x.payloadLength).sum());
            send(in().ack(LOCAL_SEQ + 1 + 1024).window(10_000));
            assertEvents("writable");
            assertEquals(10, write(10));
        }

        @Test
        void checklist39_writeAfterShutdownFailsClearly()
        {
            established();
            ep.shutdownOutput(id);
            expect(out().flags(FIN | ACK));
            assertEquals((int)TcpEndpoint.ERR_OUTPUT_SHUTDOWN, write("x"));
        }

        @Test
        void checklist39_halfCloseKeepsReceiving()
        {
            established();
            ep.shutdownOutput(id);
            expect(out().flags(FIN | ACK));
            send(in().ack(LOCAL_SEQ + 2));
            assertState(TcpState.FIN_WAIT_2);
            send(data(in().ack(LOCAL_SEQ + 2), "xyz"));
            advance(40 * MS);
            expect(out().window(WINDOW - 3).seq(LOCAL_SEQ + 2).ack(REMOTE_SEQ + 4));
            assertEquals("xyz", app.data.toString());
        }

        @Test
        void checklist39_shutdownInputKeepsSending()
        {
            established();
            ep.shutdownInput(id);
            send(data(in(), "ignored"));
            assertEquals("", app.data.toString());
            assertEquals(REMOTE_SEQ + 8, conn().rcvNxt());
            write("abc");
            expect(data(out().window(WINDOW - 7).flags(ACK | PSH).ack(REMOTE_SEQ + 8), "abc"));
        }

        @Test
        void checklist40_closeWithUnreadDataSendsRstNotFin()
        {
            established();
            app.consume = false;
            send(data(in(), "abc"));
            ep.close(id);
            expect(out().flags(RST | ACK).ack(REMOTE_SEQ + 4).window(0));
            assertEquals(0, ep.connectionCount());
            assertEvents("closed");
        }

        @Test
        void checklist46_abortSendsRstFlushesQueuesNoTimeWait()
        {
            established();
            write(100);
            expect(outLen(out().flags(ACK | PSH), 100));
            write(50);
            ep.abort(id);
            expect(out().seq(LOCAL_SEQ + 101).flags(RST | ACK).window(0));
            assertEquals(0, ep.connectionCount());
            assertEquals(TcpState.CLOSED, ep.state(id));
            assertEvents("closed");
            advance(120 * SEC);
            expectNothing();
        }

        @Test
        void checklist46_abortAfterARefusedZeroWindowProbeSendsRstAtTheWindowEdge()
        {
            // The probe byte took SND.NXT past the peer's closed window; an RST there is outside the window and
            // dropped (Linux did, leaving its socket ESTABLISHED). It goes at SND.UNA + SND.WND, where the peer's
            // RCV.NXT is (Linux's tcp_acceptable_seq).
            established();
            send(in().window(0));
            expectNothing();
            write("0123456789");
            expectNothing();
            advanceTo(200 * MS);
            expect(data(out(), "0"));
            send(in().window(0));
            expectNothing();
            ep.abort(id);
            expect(out().seq(LOCAL_SEQ + 1).flags(RST | ACK).window(0));
            assertEquals(0, ep.connectionCount());
        }

        @Test
        void checklist47_restartedPeerSynGetsChallengeAckThenItsRstAccepted()
        {
            established();
            send(syn().seq(REMOTE_SEQ + 777_777));
            expect(out());
            assertState(TcpState.ESTABLISHED);
            send(in().seq(REMOTE_SEQ + 1).ack(0).flags(RST));
            expectNothing();
            assertEquals(0, ep.connectionCount());
            assertEvents("reset", "closed");
        }

        @Test
        void checklist48_rstCarryingDataAcceptedAndReportedAsReset()
        {
            established();
            send(data(in().flags(RST | ACK), "bye"));
            expectNothing();
            assertEvents("reset", "closed");
            assertEquals("", app.data.toString());
        }

        @Test
        void checklist51_ackBelowSndUnaMinusMaxSndWndAckedAndDropped()
        {
            established();
            send(data(in().ack(LOCAL_SEQ + 1 - 70_000), "abc"));
            expect(out());
            assertEquals("", app.data.toString());
        }

        @Test
        void checklist52_challengeAcksRateLimitedButDupAcksNot()
        {
            setUp(c -> c.challengeAckPerSecond = 2);
            established();
            send(syn().seq(REMOTE_SEQ + 50));
            send(syn().seq(REMOTE_SEQ + 60));
            send(syn().seq(REMOTE_SEQ + 70));
            expect(out());
            assertEquals(2, ep.counters().get(TcpCounters.CHALLENGE_ACKS));
            assertEquals(1, ep.counters().get(TcpCounters.DROP_CHALLENGE_ACK_RATE_LIMITED));
            for (int i = 0; i < 5; i++)
            {
                send(data(in().seq(REMOTE_SEQ + 1000 + i * 10), "x"));
                expect(out());
            }
            advance(SEC);
            send(syn().seq(REMOTE_SEQ + 80));
            expect(out());
        }

        @Test
        void checklist52_zeroWindowAcksNotRateLimited()
        {
            setUp(c ->
            {
                c.challengeAckPerSecond = 1;
                c.receiveBufferSize = 1024;
            });
            established();
            send(syn().seq(REMOTE_SEQ + 50));
            expect(out().window(896));
            send(syn().seq(REMOTE_SEQ + 60));
            expectNothing();
            app.consume = false;
            send(data(in(), 896));
            advance(40 * MS);
            expect(out().ack(REMOTE_SEQ + 897).window(0));
            for (int i = 0; i < 4; i++)
            {
                send(data(in().seq(REMOTE_SEQ + 897), "z"));
                expect(out().ack(REMOTE_SEQ + 897).window(0));
            }
        }

        @Test
        void checklist50_synInEstablishedGetsChallengeAckNeverRst()
        {
            established();
            send(syn().seq(REMOTE_SEQ + 5));
            expect(out());
            assertState(TcpState.ESTABLISHED);
        }

        @Test
        void checklist62_finWithoutAckInSynchronizedStateDropped()
        {
            established();
            send(in().flags(FIN));
            expectNothing();
            assertState(TcpState.ESTABLISHED);
            assertEquals(1, ep.counters().get(TcpCounters.DROP_NO_ACK));
        }

        @Test
        void checklist62_synRstTreatedAsRst()
        {
            established();
            send(in().flags(SYN | RST).ack(0));
            expectNothing();
            assertEvents("reset", "closed");
        }
    }

    // ============================================================================== Tests for options (25-33)

    @Nested
    class Options
    {
        @Test
        void checklist25_noMssOptionMeans536()
        {
            listen();
            send(noMss(syn()));
            expect(mss(out().seq(LOCAL_SEQ).flags(SYN | ACK), 1460));
            send(in());
            expectNothing();
            id = app.lastId;
            assertEquals(536, conn().effectiveMss());
            write(2000);
            expect(outLen(out(), 536), outLen(out().seq(LOCAL_SEQ + 537), 536),
                outLen(out().seq(LOCAL_SEQ + 1073), 536));
        }

        @Test
        void checklist25_effectiveMssIsMinOfPeerMssAndMtu()
        {
            listen();
            send(mss(syn(), 9000));
            recv();
            send(in());
            id = app.lastId;
            assertEquals(1460, conn().effectiveMss());
        }

        @Test
        void checklist26_mssZeroOrTinyClamped()
        {
            listen();
            send(mss(syn(), 0));
            recv();
            send(in());
            id = app.lastId;
            assertEquals(64, conn().effectiveMss());
            ep.setNoDelay(id, true);
            write(100);
            expect(outLen(out(), 64), outLen(out().seq(LOCAL_SEQ + 65).flags(ACK | PSH), 36));
        }

        @Test
        void checklist27_windowScaleOnlyWhenBothSidesCarryIt()
        {
            listen();
            send(syn());
            expect(mss(out().seq(LOCAL_SEQ).flags(SYN | ACK), 1460));
            send(in().window(1000));
            assertFalse(conn().windowScaling());
            assertEquals(1000, conn().sndWnd());
        }

        @Test
        void checklist27_passiveWindowScaleNegotiated()
        {
            listen();
            send(ws(syn().window(1000), 3));
            expect(ws(mss(out().seq(LOCAL_SEQ).flags(SYN | ACK), 1460), 7));
            send(in().window(1000));
            assertEquals(8000, conn().sndWnd());
            id = app.lastId;
            write("a");
            expect(data(out().flags(ACK | PSH).window(WINDOW >> 7), "a"));
        }

        @Test
        void checklist28_noSackBlocksWithoutSackPermitted()
        {
            established();
            send(data(in().seq(REMOTE_SEQ + 101), 100));
            expect(out());
        }

        @Test
        void checklist28_sackPermittedOnlyOnSynAndFirstBlockCoversTrigger()
        {
            establishedSack();
            send(data(in().seq(REMOTE_SEQ + 201), 100));
            expect(sack(out(), REMOTE_SEQ + 201, REMOTE_SEQ + 301));
            send(data(in().seq(REMOTE_SEQ + 401), 100));
            expect(sack(out(), REMOTE_SEQ + 401, REMOTE_SEQ + 501, REMOTE_SEQ + 201, REMOTE_SEQ + 301));
            send(data(in().seq(REMOTE_SEQ + 301), 100));
            expect(sack(out(), REMOTE_SEQ + 201, REMOTE_SEQ + 501));
            int nonSyn = 0;
            for (final TcpSegment s : sent)
            {
                if ((s.flags & SYN) == 0)
                {
                    nonSyn++;
                    assertFalse(s.options.sackPermitted);
                }
                else
                {
                    assertTrue(s.options.sackPermitted);
                }
            }
            assertEquals(3, nonSyn);
        }

        @Test
        void checklist30_everyNonRstSegmentCarriesTimestamps()
        {
            establishedTsSack();
            advanceTo(7 * MS);
            write("a");
            expect(ts(data(out().flags(ACK | PSH), "a"), 7, 101));
            send(ts(data(in().ack(LOCAL_SEQ + 2), "b"), 102, 7));
            advance(40 * MS);
            expect(ts(out().window(WINDOW - 1).seq(LOCAL_SEQ + 2).ack(REMOTE_SEQ + 2), 47, 102));
            ep.abort(id);
            expect(out().seq(LOCAL_SEQ + 2).ack(REMOTE_SEQ + 2).flags(RST | ACK).window(0));
        }

        @Test
        void checklist30_noTimestampOnSynAckWhenSynHadNone()
        {
            listen();
            send(sackOk(syn()));
            final TcpSegment expected = sackOk(mss(out().seq(LOCAL_SEQ).flags(SYN | ACK), 1460));
            expect(expected);
            assertFalse(conn().timestamps());
        }

        @Test
        void checklist30_segmentWithoutTimestampDroppedSilently()
        {
            establishedTsSack();
            send(data(in(), "abc"));
            expectNothing();
            assertEquals("", app.data.toString());
            assertEquals(1, ep.counters().get(TcpCounters.DROP_MISSING_TIMESTAMP));
        }

        @Test
        void checklist30_synWithoutTimestampStillGetsChallengeAckAndHalfOpenRecovers()
        {
            // a rebooted peer with timestamps off (Linux tcp_timestamps=0, Windows) meets our half-open connection
            establishedTsSack();
            advanceTo(9 * MS);
            send(in().seq(77_000_000).ack(0).flags(SYN));
            expect(ts(out(), 9, 101));
            assertEquals(1, ep.counters().get(TcpCounters.CHALLENGE_ACKS));
            assertEquals(0, ep.counters().get(TcpCounters.DROP_MISSING_TIMESTAMP));
            // its RST at our ACK number (no timestamp: RSTs never need one) clears the connection
            send(in().flags(RST).ack(0));
            expectNothing();
            assertEquals(0, ep.connectionCount());
            assertState(TcpState.LISTEN);
            assertEvents("reset", "closed");
            // and its next SYN opens a fresh connection
            send(syn().seq(77_000_000));
            assertEquals(1, recv().size());
            assertState(TcpState.SYN_RECEIVED);
        }

        @Test
        void checklist30_synWithoutTimestampChallengeAcksAreRateLimited()
        {
            setUp(c -> c.challengeAckPerSecond = 1);
            establishedTsSack();
            send(in().seq(77_000_000).ack(0).flags(SYN));
            assertEquals(1, recv().size());
            send(in().seq(77_000_000).ack(0).flags(SYN));
            expectNothing();
            assertEquals(1, ep.counters().get(TcpCounters.DROP_CHALLENGE_ACK_RATE_LIMITED));
            // other segments without a timestamp are still dropped silently
            send(data(in(), "abc"));
            expectNothing();
            assertEquals(1, ep.counters().get(TcpCounters.DROP_MISSING_TIMESTAMP));
        }

        @Test
        void checklist31_pawsOldTsvalAckedAndDropped()
        {
            establishedTsSack();
            send(ts(data(in(), "abc"), 50, 0));
            expect(ts(out(), 0, 101));
            assertEquals("", app.data.toString());
            assertEquals(1, ep.counters().get(TcpCounters.DROP_PAWS));
        }

        @Test
        void checklist31_pawsIgnoresTsRecentIdleForMoreThan24Days()
        {
            establishedTsSack();
            advanceTo(25L * 24 * 3600 * SEC);
            send(ts(data(in(), "abc"), 50, 0));
            assertEquals("abc", app.data.toString());
            assertEquals(50, conn().tsRecent());
        }

        @Test
        void checklist32_unacceptableAckDoesNotUpdateTsRecent()
        {
            establishedTsSack();
            send(ts(in().ack(LOCAL_SEQ + 1000), 500, 0));
            expect(ts(out(), 0, 101));
            assertEquals(101, conn().tsRecent());
            send(ts(in(), 600, 0));
            assertEquals(600, conn().tsRecent());
        }
    }

    // ============================================================================================ Tests for teardown

    @Nested
    class Teardown
    {
        @Test
        void checklist34_activeClose()
        {
            finWait1();
            send(in().ack(LOCAL_SEQ + 2));
            expectNothing();
            assertState(TcpState.FIN_WAIT_2);
            send(in().flags(FIN | ACK).ack(LOCAL_SEQ + 2));
            expect(out().window(WINDOW_AFTER_FIN).seq(LOCAL_SEQ + 2).ack(REMOTE_SEQ + 2));
            assertState(TcpState.TIME_WAIT);
            assertEvents("peerClosed", "closed");
        }

        @Test
        void checklist35_passiveClose()
        {
            established();
            send(in().flags(FIN | ACK));
            expect(out().window(WINDOW_AFTER_FIN).ack(REMOTE_SEQ + 2));
            assertState(TcpState.CLOSE_WAIT);
            assertEvents("peerClosed");
            ep.close(id);
            expect(out().window(WINDOW_AFTER_FIN).flags(FIN | ACK).ack(REMOTE_SEQ + 2));
            assertState(TcpState.LAST_ACK);
            send(in().seq(REMOTE_SEQ + 2).ack(LOCAL_SEQ + 2));
            expectNothing();
            assertEquals(TcpState.CLOSED, ep.state(id));
            assertEquals(0, ep.connectionCount());
            assertEvents("peerClosed", "closed");
        }

        @Test
        void checklist35_lastAckFinRetransmittedOnRto()
        {
            lastAck();
            advanceTo(199 * MS);
            expectNothing();
            advanceTo(200 * MS);
            expect(out().window(WINDOW_AFTER_FIN).flags(FIN | ACK).ack(REMOTE_SEQ + 2));
            advanceTo(600 * MS);
            expect(out().window(WINDOW_AFTER_FIN).flags(FIN | ACK).ack(REMOTE_SEQ + 2));
            send(in().seq(REMOTE_SEQ + 2).ack(LOCAL_SEQ + 2));
            expectNothing();
            assertEquals(0, ep.connectionCount());
        }

        @Test
        void checklist40_newDataAfterCloseGetsRstButRetransmittedDataIsAcked()
        {
            established();
            send(data(in(), "abc"));
            ep.close(id);
            expect(out().window(WINDOW - 3).flags(FIN | ACK).ack(REMOTE_SEQ + 4));
            send(data(in().ack(LOCAL_SEQ + 2), "abc"));
            expect(out().window(WINDOW - 3).seq(LOCAL_SEQ + 2).ack(REMOTE_SEQ + 4));
            assertState(TcpState.FIN_WAIT_1);
            send(data(in().seq(REMOTE_SEQ + 4).ack(LOCAL_SEQ + 2), "new"));
            expect(out().seq(LOCAL_SEQ + 2).ack(REMOTE_SEQ + 4).flags(RST | ACK).window(0));
            assertEquals(0, ep.connectionCount());
        }

        @Test
        void checklist36_simultaneousCloseThroughClosing()
        {
            closing();
            send(in().seq(REMOTE_SEQ + 2).ack(LOCAL_SEQ + 2));
            expectNothing();
            assertState(TcpState.TIME_WAIT);
        }

        @Test
        void checklist36_finAckingOursGoesStraightToTimeWait()
        {
            finWait1();
            send(in().flags(FIN | ACK).ack(LOCAL_SEQ + 2));
            expect(out().window(WINDOW_AFTER_FIN).seq(LOCAL_SEQ + 2).ack(REMOTE_SEQ + 2));
            assertState(TcpState.TIME_WAIT);
        }

        @Test
        void checklist34_orphanInFinWait2DroppedAfterFinTimeout()
        {
            finWait2();
            assertEquals(60 * SEC, config.finWait2TimeoutNs);
            advanceTo(60 * SEC - 1);
            expectNothing();
            assertState(TcpState.FIN_WAIT_2);
            advanceTo(60 * SEC);
            expectNothing();
            assertEquals(0, ep.connectionCount());
        }

        @Test
        void checklist39_halfClosedFinWait2WaitsForThePeer()
        {
            established();
            ep.shutdownOutput(id);
            expect(out().flags(FIN | ACK));
            send(in().ack(LOCAL_SEQ + 2));
            advanceTo(600 * SEC);
            expectNothing();
            assertState(TcpState.FIN_WAIT_2);
        }

        @Test
        void checklist37_finAfterAckOfOurFinStillAcked()
        {
            finWait2();
            send(in().flags(FIN | ACK).ack(LOCAL_SEQ + 2));
            expect(out().window(WINDOW_AFTER_FIN).seq(LOCAL_SEQ + 2).ack(REMOTE_SEQ + 2));
            assertState(TcpState.TIME_WAIT);
        }

        @Test
        void checklist38_finBeyondHoleHeldUntilHoleFills()
        {
            established();
            send(data(in().seq(REMOTE_SEQ + 4).flags(FIN | ACK), "def"));
            expect(out());
            assertState(TcpState.ESTABLISHED);
            send(data(in(), "abc"));
            expect(out().window(WINDOW - 7).ack(REMOTE_SEQ + 8));
            assertState(TcpState.CLOSE_WAIT);
            assertEquals("abcdef", app.data.toString());
            assertEvents("peerClosed");
        }

        @Test
        void checklist41_timeWaitRetransmittedFinAckedAndTwoMslRestarts()
        {
            timeWait();
            advanceTo(30 * SEC);
            send(in().flags(FIN | ACK).ack(LOCAL_SEQ + 2));
            expect(out().window(WINDOW_AFTER_FIN).seq(LOCAL_SEQ + 2).ack(REMOTE_SEQ + 2));
            advanceTo(89 * SEC);
            expectNothing();
            assertState(TcpState.TIME_WAIT);
            advanceTo(90 * SEC);
            expectNothing();
            assertEquals(TcpState.CLOSED, ep.state(id));
            assertEquals(0, ep.connectionCount());
        }

        @Test
        void checklist41_timeWaitKeepsNoBuffers()
        {
            timeWait();
            assertNull(conn(), "TIME-WAIT is a compact record, the TCB is back in the pool");
            assertEquals(1, ep.timeWaitRecords());
            send(data(in().seq(REMOTE_SEQ + 2).ack(LOCAL_SEQ + 2), "late"));
            expect(out().window(WINDOW_AFTER_FIN).seq(LOCAL_SEQ + 2).ack(REMOTE_SEQ + 2));
            assertState(TcpState.TIME_WAIT);
        }

        @Test
        void checklist41_timeWaitOutOfWindowSegmentAcked()
        {
            timeWait();
            send(data(in().seq(REMOTE_SEQ + 500_000).ack(LOCAL_SEQ + 2), "x"));
            expect(out().window(WINDOW_AFTER_FIN).seq(LOCAL_SEQ + 2).ack(REMOTE_SEQ + 2));
        }

        @Test
        void checklist41_timeWaitRstIgnored()
        {
            timeWait();
            send(in().seq(REMOTE_SEQ + 2).flags(RST).ack(0));
            expectNothing();
            assertState(TcpState.TIME_WAIT);
        }

        @Test
        void checklist42_afterTwoMslClosedAndSameTupleHandshakes()
        {
            timeWait();
            assertEquals(TcpEndpoint.ERR_ADDRESS_IN_USE, ep.connect(now, LOCAL_IP, LOCAL_PORT, REMOTE_IP, REMOTE_PORT));
            assertEquals(60 * SEC, 2 * config.mslNs);
            advanceTo(60 * SEC - 1);
            expectNothing();
            assertState(TcpState.TIME_WAIT);
            advanceTo(60 * SEC);
            expectNothing();
            assertEquals(0, ep.connectionCount());
            id = ep.connect(now, LOCAL_IP, LOCAL_PORT, REMOTE_IP, REMOTE_PORT);
            assertTrue(id >= 0);
            final List<TcpSegment> got = recv();
            assertEquals(1, got.size());
            assertEquals(SYN, got.get(0).flags);
            send(mss(in().seq(REMOTE_SEQ + 9).flags(SYN | ACK), 1460));
            expect(out().ack(REMOTE_SEQ + 10));
            assertState(TcpState.ESTABLISHED);
        }

        @Test
        void checklist42_ephemeralAllocationSkipsTimeWaitTuple()
        {
            setUp(c ->
            {
                c.ephemeralLow = LOCAL_PORT;
                c.ephemeralHigh = LOCAL_PORT + 1;
            });
            timeWait();
            id = ep.connect(now, LOCAL_IP, REMOTE_IP, REMOTE_PORT);
            assertTrue(id >= 0);
            assertEquals(LOCAL_PORT + 1, ep.connection(id).localPort());
            assertEquals(TcpEndpoint.ERR_NO_EPHEMERAL_PORT, ep.connect(now, LOCAL_IP, REMOTE_IP, REMOTE_PORT));
            assertTrue(ep.connect(now, LOCAL_IP + 7, REMOTE_IP, REMOTE_PORT) >= 0);
        }

        @Test
        void checklist43_synInTimeWaitAboveRcvNxtOpensNewConnection()
        {
            timeWait();
            send(syn().seq(REMOTE_SEQ + 1000));
            expect(mss(out().seq(LOCAL_SEQ + 2 + 65536).ack(REMOTE_SEQ + 1001).flags(SYN | ACK), 1460));
            assertState(TcpState.SYN_RECEIVED);
        }

        @Test
        void checklist43_oldSynInTimeWaitGetsAck()
        {
            timeWait();
            send(syn().seq(REMOTE_SEQ - 5));
            expect(out().window(WINDOW_AFTER_FIN).seq(LOCAL_SEQ + 2).ack(REMOTE_SEQ + 2));
            assertState(TcpState.TIME_WAIT);
        }

        @Test
        void checklist43_synInTimeWaitWithNewerTimestampOpens()
        {
            synReceived(ts(syn(), 100, 0));
            send(ts(in(), 101, 0));
            id = app.lastId;
            ep.close(id);
            recv();
            send(ts(in().ack(LOCAL_SEQ + 2).flags(FIN | ACK), 102, 0));
            recv();
            assertState(TcpState.TIME_WAIT);
            send(ts(syn().seq(REMOTE_SEQ - 5), 103, 0));
            final List<TcpSegment> got = recv();
            assertEquals(1, got.size());
            assertEquals(SYN | ACK, got.get(0).flags);
            assertEquals(REMOTE_SEQ - 4, got.get(0).ack);
            assertState(TcpState.SYN_RECEIVED);
        }
    }

    // ============================================================================================ Tests for resets

    @Nested
    class Closed
    {
        @Test
        void checklist44_closedPortSynGetsRstAck()
        {
            send(syn());
            expect(out().seq(0).ack(REMOTE_SEQ + 1).flags(RST | ACK).window(0));
            send(data(syn().flags(SYN), "abcd"));
            expect(out().seq(0).ack(REMOTE_SEQ + 5).flags(RST | ACK).window(0));
        }

        @Test
        void checklist44_closedPortAckGetsRstAtSegAck()
        {
            send(in().ack(4242));
            expect(out().seq(4242).ack(0).flags(RST).window(0));
        }

        @Test
        void checklist44_closedPortRstGetsNothing()
        {
            send(in().flags(RST));
            expectNothing();
            assertEquals(1, ep.counters().get(TcpCounters.DROP_RST_NO_CONNECTION));
        }

        @Test
        void checklist47_dataForUnknownConnectionGetsRst()
        {
            listen();
            send(data(in().ack(31337), "hello"));
            expect(out().seq(31337).ack(0).flags(RST).window(0));
        }

        @Test
        void checklist55_synToOrFromBroadcastOrMulticastDroppedSilently()
        {
            ep.addLocalAddress(LOCAL_IP, 24);
            listen();
            send(syn().tuple(0x0a0000ff, LOCAL_PORT, REMOTE_IP, REMOTE_PORT));
            send(syn().tuple(0xe0000001, LOCAL_PORT, REMOTE_IP, REMOTE_PORT));
            send(syn().tuple(LOCAL_IP, LOCAL_PORT, 0xffffffff, REMOTE_PORT));
            send(syn().tuple(LOCAL_IP, LOCAL_PORT, 0x0a0000ff, REMOTE_PORT));
            send(syn().tuple(LOCAL_IP, LOCAL_PORT, 0xe1020304, REMOTE_PORT));
            expectNothing();
            assertEquals(5, ep.counters().get(TcpCounters.DROP_NON_UNICAST));
            send(syn());
            assertEquals(1, recv().size());
        }

        @Test
        void checklist62_synFinDropped()
        {
            listen();
            send(syn().flags(SYN | FIN));
            expectNothing();
            send(in().flags(0xff));
            expectNothing();
            assertEquals(2, ep.counters().get(TcpCounters.DROP_SYN_FIN));
            assertEquals(0, ep.connectionCount());
        }

        @Test
        void checklist62_synRstToListenerIgnored()
        {
            listen();
            send(syn().flags(SYN | RST));
            expectNothing();
            assertEquals(0, ep.connectionCount());
        }

        @Test
        void checklist54_connectionTableBoundRefusesConnectAndCookiesSyns()
        {
            setUp(c -> c.maxConnections = 1);
            listen();
            send(syn());
            assertEquals(1, recv().size());
            assertEquals(TcpEndpoint.ERR_TOO_MANY_CONNECTIONS, ep.connect(now, LOCAL_IP, REMOTE_IP, 9999));
            send(syn().tuple(LOCAL_IP, LOCAL_PORT, REMOTE_IP, 1234));
            final List<TcpSegment> got = recv();
            assertEquals(1, got.size());
            assertEquals(ep.cookieIsn(now, syn().tuple(LOCAL_IP, LOCAL_PORT, REMOTE_IP, 1234)), got.get(0).seq);
            assertEquals(1, ep.connectionCount());
        }

        @Test
        void checklist62_portZeroDroppedWithoutRst()
        {
            send(syn().tuple(LOCAL_IP, 0, REMOTE_IP, REMOTE_PORT));
            send(syn().tuple(LOCAL_IP, LOCAL_PORT, REMOTE_IP, 0));
            expectNothing();
            assertEquals(2, ep.counters().get(TcpCounters.DROP_PORT_ZERO));
        }
    }

    // ============================================================================ RST and SYN in every state

    private void synchronizedFixture(final int which)
    {
        setUp(c -> { });
        switch (which)
        {
            case 0 -> established();
            case 1 -> finWait1();
            case 2 -> finWait2();
            case 3 -> closeWait();
            case 4 -> closing();
            default -> lastAck();
        }
        app.events.clear();
    }

    @Test
    void checklist49_rstRulesHoldInEverySynchronizedState()
    {
        for (int which = 0; which < 6; which++)
        {
            synchronizedFixture(which);
            final TcpState st = state();
            final int rn = conn().rcvNxt();
            final int sn = conn().sndNxt();
            // CLOSE-WAIT, CLOSING and LAST-ACK have taken the peer's FIN
            final int wnd = which >= 3 ? WINDOW_AFTER_FIN : WINDOW;
            send(in().seq(rn + 1).flags(RST).ack(0));
            expect(out().window(wnd).seq(sn).ack(rn));
            assertEquals(st, state());
            send(in().seq(rn + 300_000).flags(RST).ack(0));
            expectNothing();
            assertEquals(st, state());
            send(in().seq(rn).flags(RST).ack(0));
            expectNothing();
            assertEquals(TcpState.CLOSED, ep.state(id), "state " + st);
            assertEquals(0, ep.connectionCount());
        }
    }

    @Test
    void checklist50_synInEverySynchronizedStateGetsChallengeAck()
    {
        for (int which = 0; which < 6; which++)
        {
            synchronizedFixture(which);
            final TcpState st = state();
            final int rn = conn().rcvNxt();
            final int sn = conn().sndNxt();
            final int wnd = which >= 3 ? WINDOW_AFTER_FIN : WINDOW;
            send(syn().seq(rn + 3));
            expect(out().window(wnd).seq(sn).ack(rn));
            assertEquals(st, state());
        }
        setUp(c -> { });
        synReceived();
        send(syn().seq(REMOTE_SEQ + 3));
        expect(out());
        assertState(TcpState.SYN_RECEIVED);
    }

    // ============================================================================= Tests for security (53, 54)

    @Nested
    class Security
    {
        @Test
        void checklist53_isnKeyedHashPlusFourMicrosecondClock()
        {
            final TcpConfig c = new TcpConfig();
            c.isnKey0 = 0x0123456789abcdefL;
            c.isnKey1 = 0x0fedcba987654321L;
            final TcpEndpoint a = new TcpEndpoint(c, new TcpHandler() { }, 0);
            final TcpEndpoint b = new TcpEndpoint(c, new TcpHandler() { }, 0);
            final java.util.Set<Integer> seen = new java.util.HashSet<>();
            for (int port = 1000; port < 1100; port++)
            {
                final int isn = a.isn(0, LOCAL_IP, LOCAL_PORT, REMOTE_IP, port);
                seen.add(isn);
                assertEquals(isn, b.isn(0, LOCAL_IP, LOCAL_PORT, REMOTE_IP, port));
                assertEquals(isn + 250, a.isn(1000 * 1000, LOCAL_IP, LOCAL_PORT, REMOTE_IP, port));
            }
            assertEquals(100, seen.size());
            final int d = a.isn(0, LOCAL_IP, LOCAL_PORT, REMOTE_IP, 1001) - a.isn(0, LOCAL_IP, LOCAL_PORT, REMOTE_IP, 1000);
            assertTrue(Math.abs((long)d) > 1000, "adjacent tuples must not give adjacent ISNs");
            final long expectedF = SipHash.hash24(c.isnKey0, c.isnKey1,
                ((long)LOCAL_IP << 32) | REMOTE_IP, (LOCAL_PORT << 16) | 1000, 0);
            assertEquals((int)expectedF, a.isn(0, LOCAL_IP, LOCAL_PORT, REMOTE_IP, 1000));
            final TcpConfig other = new TcpConfig();
            other.isnKey0 = 1;
            other.isnKey1 = 2;
            assertNotEquals(a.isn(0, LOCAL_IP, LOCAL_PORT, REMOTE_IP, 1000),
                new TcpEndpoint(other, new TcpHandler() { }, 0).isn(0, LOCAL_IP, LOCAL_PORT, REMOTE_IP, 1000));
        }

        @Test
        void checklist54_synFloodBoundedCookiesCarryMssWsSackAndRealClientConnects()
        {
            setUp(c -> c.halfOpenBound = 2);
            listen();
            send(syn().tuple(LOCAL_IP, LOCAL_PORT, REMOTE_IP, 1000));
            send(syn().tuple(LOCAL_IP, LOCAL_PORT, REMOTE_IP, 1001));
            assertEquals(2, recv().size());
            assertEquals(2, ep.halfOpenCount());
            advanceTo(503 * MS);
            final TcpSegment flood = ts(sackOk(ws(mss(syn(), 1400), 5)), 777, 0);
            flood.tuple(LOCAL_IP, LOCAL_PORT, REMOTE_IP, 1002);
            send(flood);
            final List<TcpSegment> got = recv();
            assertEquals(1, got.size());
            final TcpSegment synAck = got.get(0);
            assertEquals(SYN | ACK, synAck.flags);
            assertEquals(REMOTE_SEQ + 1, synAck.ack);
            assertEquals(ep.cookieIsn(now, flood), synAck.seq);
            assertEquals(1460, synAck.options.mss);
            assertEquals(7, synAck.options.windowScale);
            assertTrue(synAck.options.sackPermitted);
            assertEquals(777, synAck.options.tsEcr);
            assertEquals(5 | 0x10, synAck.options.tsVal & 0x1f);
            assertEquals(2, ep.connectionCount());
            assertEquals(2, ep.halfOpenCount());
            advance(2 * MS);
            final TcpSegment ack = ts(in().seq(REMOTE_SEQ + 1).ack(synAck.seq + 1), 778, synAck.options.tsVal);
            ack.tuple(LOCAL_IP, LOCAL_PORT, REMOTE_IP, 1002);
            send(data(ack, "GET /"));
            assertEquals(TcpState.ESTABLISHED, ep.state(LOCAL_IP, LOCAL_PORT, REMOTE_IP, 1002));
            assertEvents("accepted 80");
            assertEquals("GET /", app.data.toString());
            final TcpConnection c = ep.find(LOCAL_IP, LOCAL_PORT, REMOTE_IP, 1002);
            assertEquals(1400, c.effectiveMss());
            assertTrue(c.windowScaling());
            assertEquals(5, c.peerWindowScale());
            assertTrue(c.sack());
            assertTrue(c.timestamps());
            assertEquals(1, ep.counters().get(TcpCounters.SYN_COOKIES_ACCEPTED));
        }

        @Test
        void checklist54_forgedAndExpiredCookiesRefused()
        {
            setUp(c -> c.halfOpenBound = 0);
            listen();
            send(syn());
            final TcpSegment synAck = recv().get(0);
            assertEquals(ep.cookieIsn(now, syn()), synAck.seq);
            assertEquals(0, ep.connectionCount());
            send(in().ack(synAck.seq + 2));
            expect(out().seq(synAck.seq + 2).ack(0).flags(RST).window(0));
            assertEquals(1, ep.counters().get(TcpCounters.DROP_COOKIE_INVALID));
            advanceTo(3L << 36);
            send(in().ack(synAck.seq + 1));
            expect(out().seq(synAck.seq + 1).ack(0).flags(RST).window(0));
            assertEquals(2, ep.counters().get(TcpCounters.DROP_COOKIE_INVALID));
            assertEquals(0, ep.connectionCount());
            advanceTo(4L << 36);
            send(syn());
            final TcpSegment fresh = recv().get(0);
            send(in().ack(fresh.seq + 1));
            expectNothing();
            assertState(TcpState.ESTABLISHED);
            assertEquals(1460, conn().effectiveMss(), "MSS index carried by the cookie");
        }
    }

    // =============================================================== Tests for retransmission and congestion

    @Nested
    class Retransmission
    {
        @Test
        void checklist56_rtoDoublesMinRtoDefaultsAndKarn()
        {
            assertEquals(200 * MS, config.minRtoNs);
            assertTrue(config.maxRtoNs >= 60 * SEC);
            assertEquals(SEC, config.initialRtoNs);
            established();
            write(100);
            expect(outLen(out().flags(ACK | PSH), 100));
            final long[] at = { 200, 600, 1400, 3000 };
            for (final long t : at)
            {
                advanceTo((t - 1) * MS);
                expectNothing();
                advanceTo(t * MS);
                expect(outLen(out().flags(ACK | PSH), 100));
            }
            advanceTo(3100 * MS);
            send(in().ack(LOCAL_SEQ + 101));
            expectNothing();
            assertEquals(0, conn().srttNs(), "Karn: no sample from a retransmitted segment");
            assertEquals(Long.MAX_VALUE, conn().nextDeadlineNs());
        }

        @Test
        void checklist56_partialAckRestartsTimerFullAckStopsIt()
        {
            established();
            ep.setNoDelay(id, true);
            write(2920);
            expect(outLen(out(), 1460), outLen(out().seq(LOCAL_SEQ + 1461).flags(ACK | PSH), 1460));
            advanceTo(100 * MS);
            send(in().ack(LOCAL_SEQ + 1461));
            expectNothing();
            assertEquals(12_500_000L, conn().srttNs());
            assertEquals(200 * MS, conn().rtoNs());
            advanceTo(299 * MS);
            expectNothing();
            advanceTo(300 * MS);
            expect(outLen(out().seq(LOCAL_SEQ + 1461).flags(ACK | PSH), 1460));
            send(in().ack(LOCAL_SEQ + 2921));
            expectNothing();
            assertEquals(Long.MAX_VALUE, conn().nextDeadlineNs());
        }

        @Test
        void checklist57_threeDupAcksFastRetransmitThenNewRenoPartialAck()
        {
            established();
            write(5 * 1460);
            final List<TcpSegment> burst = recv();
            assertEquals(5, burst.size());
            send(in());
            send(in());
            expectNothing();
            send(in());
            expect(outLen(out(), 1460));
            assertEquals(3650, conn().ssthresh());
            assertEquals(3650 + 3 * 1460, conn().cwnd());
            send(in().ack(LOCAL_SEQ + 1 + 2 * 1460));
            expect(outLen(out().seq(LOCAL_SEQ + 1 + 2 * 1460), 1460));
            send(in().ack(LOCAL_SEQ + 1 + 5 * 1460));
            expectNothing();
            assertEquals(2920, conn().cwnd());
            assertEquals(1, ep.counters().get(TcpCounters.FAST_RETRANSMITS));
        }

        @Test
        void checklist57_windowUpdatesAndDataAcksAreNotDupAcks()
        {
            established();
            write(5 * 1460);
            assertEquals(5, recv().size());
            send(in().window(60000));
            send(in().window(50000));
            send(in().window(40000));
            expectNothing();
            send(data(in(), "a"));
            send(data(in().seq(REMOTE_SEQ + 2), "b"));
            send(data(in().seq(REMOTE_SEQ + 3), "c"));
            final List<TcpSegment> got = recv();
            for (final TcpSegment s : got)
            {
                assertEquals(0, s.payloadLength, "no retransmission");
            }
            assertEquals(0, ep.counters().get(TcpCounters.FAST_RETRANSMITS));
        }

        @Test
        void checklist29_garbageSackBlocksIgnoredWithoutCrash()
        {
            establishedSack();
            // four segments: neither early retransmit (RFC 5827, flights under four) nor IsLost (RFC 6675,
            // more than two segments SACKed) applies to one SACKed segment
            write(4 * 1460);
            assertEquals(4, recv().size());
            final TcpSegment bad = sack(in(), LOCAL_SEQ + 5000, LOCAL_SEQ + 10, LOCAL_SEQ - 100, LOCAL_SEQ + 1,
                LOCAL_SEQ + 1461, LOCAL_SEQ + 99_999, 0, 0);
            bad.options.sackBlockCount = 9;
            send(bad);
            send(sack(in(), LOCAL_SEQ + 1461, LOCAL_SEQ + 2921));
            expectNothing();
            assertState(TcpState.ESTABLISHED);
            send(in().ack(LOCAL_SEQ + 4 * 1460 + 1));
            expectNothing();
            assertEquals(0, ep.counters().get(TcpCounters.RETRANSMITS));
        }

        @Test
        void checklist29_onlyUnsackedHolesRetransmitted()
        {
            establishedSack();
            write(5 * 1460);
            assertEquals(5, recv().size());
            final int s1 = LOCAL_SEQ + 1;
            final int s2 = s1 + 1460;
            final int s3 = s2 + 1460;
            final int s4 = s3 + 1460;
            final int end = s4 + 2 * 1460;
            send(sack(in(), s2, s3));
            expectNothing();
            // three segments SACKed above SND.UNA: IsLost(SND.UNA) (RFC 6675 §5 step 3) before a third dup ACK.
            // Both holes go at once: ssthresh = 3650 and the pipe (RFC 6675 §4) is 0 before them, 2920 after
            send(sack(in(), s4, end, s2, s3));
            expect(outLen(out(), 1460), outLen(out().seq(s3), 1460));
            send(sack(in(), s4, end, s2, s3));
            expectNothing();
            send(sack(in(), s4, end, s2, s3));
            expectNothing();
            send(in().ack(end));
            expectNothing();
            assertEquals(2, ep.counters().get(TcpCounters.RETRANSMITS));
        }

        /**
         * A large window with many holes: 40 segments out, every other one lost, the other 20 SACKed over several ACKs
         * (four blocks each, highest first). The scoreboard must remember all 20 ranges: a scoreboard that forgets
         * SACKed ranges when full (it held 8) takes them for holes and sends the peer data it already has (a 16 MiB
         * echo at 5% loss with 512 KiB buffers sent 1,384 such spurious retransmissions of 1,641 the peer saw).
         */
        @Test
        void checklist29_twentyHolesRetransmitOnlyTheHolesNotSackedData()
        {
            setUp(c -> c.initialCwndSegments = 40);
            establishedSack();
            write(40 * 1460);
            assertEquals(40, recv().size());
            final int s0 = LOCAL_SEQ + 1;
            final java.util.List<Integer> edges = new java.util.ArrayList<>();
            for (int k = 1; k < 40; k += 2)
            {
                edges.add(s0 + k * 1460);
                edges.add(s0 + (k + 1) * 1460);
            }
            final java.util.List<TcpSegment> out = new java.util.ArrayList<>();
            // the peer reports the newest blocks first, four per ACK, while the holes stay open
            for (int from = 0; from < edges.size(); from += 8)
            {
                final int n = Math.min(8, edges.size() - from);
                final int[] blocks = new int[n];
                for (int i = 0; i < n; i += 2)
                {
                    blocks[i] = edges.get(from + n - 2 - i);
                    blocks[i + 1] = edges.get(from + n - 1 - i);
                }
                send(sack(in(), blocks));
                out.addAll(recv());
            }
            // further duplicate ACKs (the newest block again) let PRR send the rest of the holes
            for (int i = 0; i < 30; i++)
            {
                send(sack(in(), edges.get(edges.size() - 2), edges.get(edges.size() - 1)));
                out.addAll(recv());
            }
            final java.util.Set<Integer> holes = new java.util.TreeSet<>();
            for (final TcpSegment seg : out)
            {
                final int k = (seg.seq - s0) / 1460;
                assertEquals(0, k % 2, "segment " + k + " was SACKed and is sent again");
                holes.add(k);
            }
            assertEquals(20, holes.size(), "every hole once: " + holes);
            assertEquals(20, ep.counters().get(TcpCounters.RETRANSMITS));
        }

        /** ESTABLISHED, then one segment ACKed after 10 ms: the RTT estimator has samples (0 ms and 10 ms). */
        private void establishedWithOneRttSample()
        {
            established();
            oneRttSample();
        }

        /** One segment written and ACKed after 10 ms. */
        private void oneRttSample()
        {
            write(1460);
            recv();
            advance(10 * MS);
            send(in().ack(LOCAL_SEQ + 1461));
            recv();
        }

        @Test
        void checklist65_oneSegmentInFlightWaitsForTheDelayedAckSoTheRtoComesFirst()
        {
            establishedWithOneRttSample();
            write(2 * 1460);
            assertEquals(2, recv().size());
            send(in().ack(LOCAL_SEQ + 1 + 2 * 1460));
            // one segment in flight: PTO = 2·SRTT + 200 ms (the peer may delay its ACK), later than the RTO
            advance(199 * MS);
            expectNothing();
            advance(1 * MS);
            expect(outLen(out().seq(LOCAL_SEQ + 1 + 2 * 1460).flags(ACK | PSH), 1460));
            assertEquals(0, ep.counters().get(TcpCounters.TAIL_LOSS_PROBES));
            assertEquals(1, ep.counters().get(TcpCounters.RTO_EXPIRIES));
        }

        @Test
        void checklist65_tailLossProbeAfterTwoRttsWhenSeveralSegmentsAreInFlight()
        {
            establishedWithOneRttSample();
            write(4 * 1460);
            assertEquals(4, recv().size());
            // the last two are lost; the first two are ACKed 5 ms later. SRTT is small (samples 0 ms from the
            // fixture's handshake, 10 ms, 5 ms: 1.7 ms), so PTO = max(2·SRTT, 200 µs) = 3.4 ms from this ACK (two
            // segments in flight: no delayed-ACK allowance)
            advance(5 * MS);
            send(in().ack(LOCAL_SEQ + 1 + 3 * 1460));
            expectNothing();
            assertEquals(1_718_750, conn().srttNs());
            advance(3 * MS);
            expectNothing();
            // the last segment again, long before the 200 ms RTO (within a timer tick of 1 ms)
            advance(2 * MS);
            expect(outLen(out().seq(LOCAL_SEQ + 1 + 4 * 1460).flags(ACK | PSH), 1460));
            assertEquals(1, ep.counters().get(TcpCounters.TAIL_LOSS_PROBES));
            assertEquals(0, ep.counters().get(TcpCounters.RTO_EXPIRIES));
        }

        /** ESTABLISHED with SACK, one segment ACKed after 10 ms: SRTT 1.25 ms. */
        private void establishedSackWithOneRttSample()
        {
            establishedSack();
            oneRttSample();
        }

        @Test
        void checklist65_probeInRecoveryWhenTheAckEndingItIsLost()
        {
            establishedSackWithOneRttSample();
            final int s1 = LOCAL_SEQ + 1461;
            final int end = s1 + 5 * 1460;
            write(5 * 1460);
            assertEquals(5, recv().size());
            // everything but the first is SACKed: IsLost, fast retransmit of the first
            send(sack(in().ack(s1), s1 + 1460, end));
            expect(outLen(out().seq(s1), 1460));
            // the ACK of the retransmission is lost and nothing else is in flight to reveal it: a probe after
            // PTO = max(2·SRTT, 200 µs) instead of the 200 ms RTO. The last segment is SACKed, so the probe is the
            // highest bytes not SACKed: the hole itself
            advance(1 * MS);
            expectNothing();
            advance(3 * MS);
            expect(outLen(out().seq(s1).flags(ACK), 1460));
            assertEquals(1, ep.counters().get(TcpCounters.TAIL_LOSS_PROBES));
            // the probe's ACK is the full ACK: recovery ends, with cwnd = ssthresh (RFC 6937, behaviour 66)
            send(in().ack(end));
            expectNothing();
            assertEquals(0, ep.counters().get(TcpCounters.RTO_EXPIRIES));
            assertEquals(conn().ssthresh(), conn().cwnd());
        }

        @Test
        void checklist65_probeInRecoveryResendsTheHoleNotSackedDataWhenTheRetransmissionIsLost()
        {
            establishedSackWithOneRttSample();
            final int s1 = LOCAL_SEQ + 1461;
            final int end = s1 + 6 * 1460;
            write(6 * 1460);
            assertEquals(6, recv().size());
            // the first segment is lost; the rest SACKed: fast retransmit of the hole, and that is lost too
            final int hole = s1;
            send(sack(in().ack(hole), hole + 1460, end));
            expect(outLen(out().seq(hole), 1460));
            // the peer has nothing new to say: every probe that does not carry the hole gets a D-SACK back at best.
            // Each probe (PTO after PTO) carries the hole, the only bytes the peer lacks, never the SACKed tail
            for (int probe = 1; probe <= 3; probe++)
            {
                advance(5 * MS);
                final List<TcpSegment> sent = recv();
                assertEquals(1, sent.size(), "probe " + probe + ": " + sent);
                assertEquals(hole, sent.get(0).seq, "probe " + probe + " resends the hole");
                assertEquals(1460, sent.get(0).payloadLength);
            }
            assertEquals(0, ep.counters().get(TcpCounters.RTO_EXPIRIES));
            // the last probe arrives: everything is acknowledged
            send(in().ack(end));
            expectNothing();
            assertEquals(end, conn().sndUna());
        }

        @Test
        void checklist65_anAckThatMovesSndUnaAndSacksThreeSegmentsAboveANewHoleStartsRecoveryAtOnce()
        {
            establishedSackWithOneRttSample();
            final int s1 = LOCAL_SEQ + 1461;
            write(40 * 1460);
            assertEquals(11, recv().size());
            // one ACK: the first three segments arrived, the fourth is lost, the next four are SACKed. It is not a
            // duplicate ACK, but the scoreboard says the hole is lost: the hole goes first, with no time gone by
            final int hole = s1 + 3 * 1460;
            send(sack(in().ack(hole), hole + 1460, hole + 5 * 1460));
            final List<TcpSegment> sent = recv();
            assertFalse(sent.isEmpty());
            assertEquals(hole, sent.get(0).seq, "the hole at once: " + sent);
            assertEquals(1, ep.counters().get(TcpCounters.FAST_RETRANSMITS));
        }

        @Test
        void checklist69_aRetransmissionOvertakenByLaterDataIsSentAgainAtOnce()
        {
            final int s1 = LOCAL_SEQ + 1461;
            // fast retransmit of the first; that retransmission is lost
            elevenInFlightThenTheFirstFastRetransmitted(s1);
            // SACKs of the rest of the first flight, all sent before the retransmission: no evidence it was lost,
            // the hole is not sent again; PRR lets out new data meanwhile
            int highestEnd = s1 + 11 * 1460;
            for (int k = 4; k < 11; k++)
            {
                send(sack(in().ack(s1), s1 + 1460, s1 + (k + 1) * 1460));
                for (final TcpSegment seg : recv())
                {
                    assertNotEquals(s1, seg.seq, "no evidence yet: " + seg);
                    highestEnd = Math.max(highestEnd, seg.seq + seg.payloadLength);
                }
            }
            assertTrue(highestEnd > s1 + 11 * 1460, "new data went out after the retransmission");
            assertEquals(0, ep.counters().get(TcpCounters.LOST_RETRANSMITS));
            // the peer SACKs data first sent after the retransmission, with no time gone by: the retransmission
            // was lost (it went first and has not arrived), so the hole goes again now, not a timer later
            send(sack(in().ack(s1), s1 + 1460, highestEnd));
            final List<TcpSegment> again = recv();
            assertFalse(again.isEmpty());
            assertEquals(s1, again.get(0).seq, "the hole again: " + again);
            assertEquals(1, ep.counters().get(TcpCounters.LOST_RETRANSMITS));
            // once: the same evidence does not send it a third time
            send(sack(in().ack(s1), s1 + 1460, highestEnd));
            for (final TcpSegment seg : recv())
            {
                assertNotEquals(s1, seg.seq);
            }
            assertEquals(0, ep.counters().get(TcpCounters.RTO_EXPIRIES));
        }

        /**
         * Eleven segments in flight from {@code s1} (the initial window plus one from the RTT sample's ACK), more
         * queued; the peer SACKs the second to fourth: the fast retransmission of the first. Returns what went out.
         */
        private List<TcpSegment> elevenInFlightThenTheFirstFastRetransmitted(final int s1)
        {
            establishedSackWithOneRttSample();
            write(40 * 1460);
            assertEquals(11, recv().size());
            send(sack(in().ack(s1), s1 + 1460, s1 + 4 * 1460));
            final List<TcpSegment> first = recv();
            assertEquals(s1, first.get(0).seq);
            return first;
        }

        @Test
        void checklist66_prrSendsNewDataInProportionAndEndsAtSsthresh()
        {
            final int s1 = LOCAL_SEQ + 1461;
            // IsLost(s1), fast retransmit; RecoverFS = 16060, ssthresh = 8030
            final List<TcpSegment> first = elevenInFlightThenTheFirstFastRetransmitted(s1);
            assertEquals(8030, conn().ssthresh());
            // then one ACK per SACKed segment up to the last of the eleven. While the pipe is above ssthresh PRR
            // lets out ssthresh/RecoverFS (one half) of what was delivered, a whole segment once the allowance is
            // positive: the retransmission and one new segment at once, then one per two ACKs. The last two ACKs
            // find the pipe at 5 segments, below ssthresh: the slow-start reduction bound tops it up, one each.
            // Six segments for ten delivered, where RFC 6675 alone would have sent nothing until the pipe fell
            // below ssthresh and then a burst
            int sent = first.size();
            for (int k = 4; k < 11; k++)
            {
                send(sack(in().ack(s1), s1 + 1460, s1 + (k + 1) * 1460));
                sent += recv().size();
            }
            assertEquals(6, sent);
            assertEquals(1, ep.counters().get(TcpCounters.FAST_RETRANSMITS));
            // the ACK of the retransmission ends recovery (everything sent before it is acknowledged):
            // cwnd = ssthresh, not what happens to be in flight (RFC 6582)
            send(in().ack(s1 + 11 * 1460));
            recv();
            assertEquals(8030, conn().cwnd());
        }

        @Test
        void checklist58_afterRtoCwndIsOneSmss()
        {
            established();
            write(5 * 1460);
            assertEquals(5, recv().size());
            advanceTo(200 * MS);
            expect(outLen(out(), 1460));
            assertEquals(1460, conn().cwnd());
            send(in().ack(LOCAL_SEQ + 1461));
            expect(outLen(out().seq(LOCAL_SEQ + 1461), 1460), outLen(out().seq(LOCAL_SEQ + 2921), 1460));
        }

        @Test
        void checklist58_slowStartRestartsAfterIdle()
        {
            established();
            write(5 * 1460);
            assertEquals(5, recv().size());
            send(in().ack(LOCAL_SEQ + 1 + 5 * 1460));
            assertEquals(14600 + 1460, conn().cwnd());
            advanceTo(SEC);
            write(100);
            assertEquals(1, recv().size());
            assertEquals(14600, conn().cwnd());
        }
    }
}
