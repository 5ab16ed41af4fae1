package dev.wirespeed.engine.tcp;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import static dev.wirespeed.engine.tcp.TcpSegment.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * smoltcp-style fixtures: one endpoint on a fake clock, deterministic LOCAL_SEQ (fixed ISN) and REMOTE_SEQ,
 * segment templates overridden one field at a time, send/expect helpers that run onSegment + poll + dispatch.
 */
abstract class TcpTestSupport
{
    static final int LOCAL_IP = 0x0a000001;
    static final int REMOTE_IP = 0x0a000002;
    static final int LOCAL_PORT = 80;
    static final int REMOTE_PORT = 49500;
    static final int LOCAL_SEQ = 1_000_000;
    static final int REMOTE_SEQ = 5_000_000;
    static final int REMOTE_WIN = 65535;
    /** Our advertised window with 64 KiB rings: 65536 minus the 128-byte scaling slack. */
    static final int WINDOW = 65408;
    /**
     * Our window after the peer's FIN: the FIN takes one sequence number, and receiver SWS avoidance (behaviour 64)
     * keeps the right edge where it was rather than move it by one byte.
     */
    static final int WINDOW_AFTER_FIN = WINDOW - 1;
    static final long MS = 1_000_000L;
    static final long SEC = 1_000_000_000L;

    TcpConfig config;
    TcpEndpoint ep;
    long now;
    final Recorder app = new Recorder();
    final List<TcpSegment> sent = new ArrayList<>();
    final List<byte[]> sentPayloads = new ArrayList<>();
    long id = -1;

    final class Recorder implements TcpHandler
    {
        final List<String> events = new ArrayList<>();
        final StringBuilder data = new StringBuilder();
        boolean consume = true;
        /** With {@link #consume}: at most this many more bytes are taken (negative: no limit). */
        int budget = -1;
        long lastId = -1;

        public void onConnected(final long id)
        {
            events.add("connected");
            lastId = id;
        }

        public void onAccepted(final int listenerPort, final long id)
        {
            events.add("accepted " + listenerPort);
            lastId = id;
        }

        public int onData(final long id, final DirectBuffer buffer, final int offset, final int length)
        {
            if (!consume)
            {
                return 0;
            }
            final int n = budget < 0 ? length : Math.min(length, budget);
            if (budget >= 0)
            {
                budget -= n;
            }
            final byte[] b = new byte[n];
            buffer.getBytes(offset, b);
            data.append(new String(b, StandardCharsets.ISO_8859_1));
            return n;
        }

        public void onWritable(final long id)
        {
            events.add("writable");
        }

        public void onPeerClosed(final long id)
        {
            events.add("peerClosed");
        }

        public void onReset(final long id)
        {
            events.add("reset");
        }

        public void onTimeout(final long id)
        {
            events.add("timeout");
        }

        public void onClosed(final long id)
        {
            events.add("closed");
        }
    }

    void setUp(final Consumer<TcpConfig> tweak)
    {
        config = new TcpConfig();
        config.fixedIsnForTests = LOCAL_SEQ;
        config.randomTimestampOffset = false;
        tweak.accept(config);
        now = 0;
        ep = new TcpEndpoint(config, app, 0);
        sent.clear();
        sentPayloads.clear();
        app.events.clear();
        app.data.setLength(0);
        app.consume = true;
        app.budget = -1;
        id = -1;
    }

    // ------------------------------------------------------------------------------------------------ templates

    /** A segment from the peer, as we receive it: SEQ=REMOTE_SEQ+1, ACK=LOCAL_SEQ+1, ACK flag. */
    static TcpSegment in()
    {
        final TcpSegment s = new TcpSegment();
        s.tuple(LOCAL_IP, LOCAL_PORT, REMOTE_IP, REMOTE_PORT);
        s.seq = REMOTE_SEQ + 1;
        s.ack = LOCAL_SEQ + 1;
        s.flags = ACK;
        s.window = REMOTE_WIN;
        return s;
    }

    /** The peer's SYN: SEQ=REMOTE_SEQ, MSS 1460, no other option. */
    static TcpSegment syn()
    {
        final TcpSegment s = in().seq(REMOTE_SEQ).ack(0).flags(SYN);
        s.options.mssPresent = true;
        s.options.mss = 1460;
        return s;
    }

    /** A segment we send: SEQ=LOCAL_SEQ+1, ACK=REMOTE_SEQ+1, ACK flag, full window. */
    static TcpSegment out()
    {
        final TcpSegment s = new TcpSegment();
        s.tuple(LOCAL_IP, LOCAL_PORT, REMOTE_IP, REMOTE_PORT);
        s.seq = LOCAL_SEQ + 1;
        s.ack = REMOTE_SEQ + 1;
        s.flags = ACK;
        s.window = WINDOW;
        return s;
    }

    static TcpSegment data(final TcpSegment s, final String text)
    {
        final byte[] b = text.getBytes(StandardCharsets.ISO_8859_1);
        return s.payload(new UnsafeBuffer(b), 0, b.length);
    }

    static TcpSegment data(final TcpSegment s, final int length)
    {
        final byte[] b = new byte[length];
        for (int i = 0; i < length; i++)
        {
            b[i] = (byte)('a' + i % 26);
        }
        return s.payload(new UnsafeBuffer(b), 0, length);
    }

    /** A segment we send with {@code length} payload bytes (content not compared, only length). */
    static TcpSegment outLen(final TcpSegment s, final int length)
    {
        s.payloadLength = length;
        return s;
    }

    static TcpSegment ts(final TcpSegment s, final int val, final int ecr)
    {
        s.options.timestampPresent = true;
        s.options.tsVal = val;
        s.options.tsEcr = ecr;
        return s;
    }

    static TcpSegment ws(final TcpSegment s, final int shift)
    {
        s.options.windowScalePresent = true;
        s.options.windowScale = shift;
        return s;
    }

    static TcpSegment mss(final TcpSegment s, final int mss)
    {
        s.options.mssPresent = true;
        s.options.mss = mss;
        return s;
    }

    static TcpSegment noMss(final TcpSegment s)
    {
        s.options.mssPresent = false;
        s.options.mss = 0;
        return s;
    }

    static TcpSegment sackOk(final TcpSegment s)
    {
        s.options.sackPermitted = true;
        return s;
    }

    static TcpSegment sack(final TcpSegment s, final int... edges)
    {
        s.options.sackBlockCount = edges.length / 2;
        for (int i = 0; i < edges.length / 2; i++)
        {
            s.options.sackLeft[i] = edges[2 * i];
            s.options.sackRight[i] = edges[2 * i + 1];
        }
        return s;
    }

    // ------------------------------------------------------------------------------------------------- driving

    void send(final TcpSegment s)
    {
        ep.onSegment(now, s);
    }

    void advanceTo(final long t)
    {
        now = t;
    }

    void advance(final long dt)
    {
        now += dt;
    }

    /** Run timers and dispatch; return what was emitted (copied). */
    List<TcpSegment> recv()
    {
        ep.poll(now);
        final List<TcpSegment> got = new ArrayList<>();
        ep.dispatch(now, seg ->
        {
            final TcpSegment copy = new TcpSegment().copyFrom(seg);
            final byte[] b = new byte[seg.payloadLength];
            if (seg.payloadLength > 0)
            {
                seg.payload.getBytes(seg.payloadOffset, b);
            }
            copy.payload = new UnsafeBuffer(b);
            copy.payloadOffset = 0;
            got.add(copy);
            sent.add(copy);
            sentPayloads.add(b);
        });
        return got;
    }

    void expect(final TcpSegment... expected)
    {
        final List<TcpSegment> got = recv();
        assertEquals(describe(List.of(expected)), describe(got));
    }

    void expectNothing()
    {
        final List<TcpSegment> got = recv();
        assertEquals("[]", describe(got));
    }

    static String describe(final List<TcpSegment> segs)
    {
        final StringBuilder sb = new StringBuilder("[");
        for (final TcpSegment s : segs)
        {
            if (sb.length() > 1)
            {
                sb.append(", ");
            }
            sb.append(s).append(" ").append(Integer.toHexString(s.localIp)).append(':').append(s.localPort)
                .append('>').append(Integer.toHexString(s.remoteIp)).append(':').append(s.remotePort);
        }
        return sb.append(']').toString();
    }

    static String text(final TcpSegment s)
    {
        final byte[] b = new byte[s.payloadLength];
        s.payload.getBytes(s.payloadOffset, b);
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    TcpConnection conn()
    {
        return ep.find(LOCAL_IP, LOCAL_PORT, REMOTE_IP, REMOTE_PORT);
    }

    TcpState state()
    {
        return ep.state(LOCAL_IP, LOCAL_PORT, REMOTE_IP, REMOTE_PORT);
    }

    void assertState(final TcpState expected)
    {
        assertEquals(expected, state());
    }

    void assertEvents(final String... events)
    {
        assertEquals(List.of(events), app.events);
    }

    int write(final String text)
    {
        final byte[] b = text.getBytes(StandardCharsets.ISO_8859_1);
        return ep.write(id, new UnsafeBuffer(b), 0, b.length);
    }

    int write(final int length)
    {
        final byte[] b = new byte[length];
        return ep.write(id, new UnsafeBuffer(b), 0, length);
    }

    // ------------------------------------------------------------------------------------------------ fixtures

    void listen()
    {
        ep.listen(LOCAL_IP, LOCAL_PORT, 16);
    }

    /** LISTEN + SYN → SYN-ACK ⇒ SYN-RECEIVED. */
    void synReceived(final TcpSegment theirSyn)
    {
        listen();
        send(theirSyn);
        final List<TcpSegment> got = recv();
        assertEquals(1, got.size());
        assertEquals(SYN | ACK, got.get(0).flags);
        assertState(TcpState.SYN_RECEIVED);
    }

    void synReceived()
    {
        synReceived(syn());
    }

    /** Passive open completed ⇒ ESTABLISHED; {@link #id} is the accepted connection. */
    void established()
    {
        synReceived();
        send(in());
        expectNothing();
        assertState(TcpState.ESTABLISHED);
        id = app.lastId;
        app.events.clear();
    }

    /** Established with timestamps (their SYN TSval 100, ACK TSval 101) and SACK. */
    void establishedTsSack()
    {
        synReceived(ts(sackOk(syn()), 100, 0));
        send(ts(in(), 101, 0));
        expectNothing();
        assertState(TcpState.ESTABLISHED);
        id = app.lastId;
        app.events.clear();
    }

    void establishedSack()
    {
        synReceived(sackOk(syn()));
        send(in());
        expectNothing();
        id = app.lastId;
        app.events.clear();
    }

    /** Active open: our SYN is out ⇒ SYN-SENT. */
    void synSent()
    {
        id = ep.connect(now, LOCAL_IP, LOCAL_PORT, REMOTE_IP, REMOTE_PORT);
        assertTrue(id >= 0);
        final TcpSegment s = out().seq(LOCAL_SEQ).ack(0).flags(SYN);
        mss(s, 1460);
        ws(s, 7);
        sackOk(s);
        ts(s, (int)(now / MS), 0);
        expect(s);
        assertState(TcpState.SYN_SENT);
    }

    void finWait1()
    {
        established();
        ep.close(id);
        expect(out().flags(FIN | ACK));
        assertState(TcpState.FIN_WAIT_1);
    }

    void finWait2()
    {
        finWait1();
        send(in().ack(LOCAL_SEQ + 2));
        expectNothing();
        assertState(TcpState.FIN_WAIT_2);
    }

    void closeWait()
    {
        established();
        send(in().flags(FIN | ACK));
        expect(out().ack(REMOTE_SEQ + 2).window(WINDOW_AFTER_FIN));
        assertState(TcpState.CLOSE_WAIT);
        app.events.clear();
    }

    void lastAck()
    {
        closeWait();
        ep.close(id);
        expect(out().flags(FIN | ACK).ack(REMOTE_SEQ + 2).window(WINDOW_AFTER_FIN));
        assertState(TcpState.LAST_ACK);
    }

    void closing()
    {
        finWait1();
        send(in().flags(FIN | ACK));
        expect(out().seq(LOCAL_SEQ + 2).ack(REMOTE_SEQ + 2).window(WINDOW_AFTER_FIN));
        assertState(TcpState.CLOSING);
    }

    void timeWait()
    {
        finWait2();
        send(in().flags(FIN | ACK).ack(LOCAL_SEQ + 2));
        expect(out().seq(LOCAL_SEQ + 2).ack(REMOTE_SEQ + 2).window(WINDOW_AFTER_FIN));
        assertState(TcpState.TIME_WAIT);
        app.events.clear();
    }
}
