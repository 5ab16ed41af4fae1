package dev.wirespeed.engine.tcp;

import java.util.SplittableRandom;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The tests' link in frame mode ({@link TestLink#frames}): bytes cross as real frames and come out byte-exact, every
 * corrupted frame is either dropped by the parser or was flipped in a MAC address, and a frame over the MTU fails.
 */
class TestLinkTest
{
    static final int CLIENT_IP = 0xc0000201;
    static final int SERVER_IP = 0xc0000202;
    static final int PORT = 80;
    static final int SIZE = 200_000;

    /** Takes every byte into {@link #received}. */
    static final class Sink implements TcpHandler
    {
        final ExpandableArrayBuffer received = new ExpandableArrayBuffer();
        int length;

        public int onData(final long id, final DirectBuffer buffer, final int offset, final int n)
        {
            received.putBytes(length, buffer, offset, n);
            length += n;
            return n;
        }
    }

    static TcpConfig config(final long seed)
    {
        final TcpConfig c = new TcpConfig();
        c.seed = seed;
        c.mslNs = 1_000_000L;
        return c;
    }

    @Test
    void bytesCrossAsFramesThroughCorruptionAndEveryFlipIsCaughtOrInAMac()
    {
        final TcpEndpoint client = new TcpEndpoint(config(1), new TcpHandler() { }, 0);
        final Sink sink = new Sink();
        final TcpEndpoint server = new TcpEndpoint(config(2), sink, 0);
        server.listen(SERVER_IP, PORT, 4);
        final TestLink link = new TestLink().side(0, client).side(1, server).frames(1500).seed(7)
            .delay(50_000, 20_000).loss(0.03).duplicates(0.03, 0).corrupt(0.05);
        final long id = client.connect(0, CLIENT_IP, SERVER_IP, PORT);
        final byte[] data = new byte[SIZE];
        new SplittableRandom(3).nextBytes(data);
        final UnsafeBuffer src = new UnsafeBuffer(data);
        int written = 0;
        for (int round = 0; round < 10_000 && sink.length < SIZE; round++)
        {
            if (written < SIZE)
            {
                written += Math.max(0, client.write(id, src, written, SIZE - written));
            }
            link.step(100_000);
        }
        final byte[] got = new byte[sink.length];
        sink.received.getBytes(0, got);
        assertArrayEquals(data, got);
        assertTrue(link.corrupted() > 0, "no frame was corrupted");
        assertTrue(link.corruptCaught() > 0, "the parser caught no corrupted frame");
        assertEquals(link.corrupted(), link.corruptCaught() + link.corruptUncovered(),
            "every corrupted frame was dropped by the parser or flipped in a MAC address");
        assertTrue(link.dropped() > 0 && link.duplicated() > 0,
            "of " + link.emitted() + " frames " + link.dropped() + " lost, " + link.duplicated() + " duplicated");
    }

    @Test
    void aFrameOverTheMtuFails()
    {
        final TcpEndpoint client = new TcpEndpoint(config(1), new TcpHandler() { }, 0);
        final TcpEndpoint server = new TcpEndpoint(config(2), new TcpHandler() { }, 0);
        // a SYN with its options is 40 bytes of headers and more: it does not fit 40 bytes of IPv4
        final TestLink link = new TestLink().side(0, client).side(1, server).frames(40);
        client.connect(0, CLIENT_IP, SERVER_IP, PORT);
        final AssertionError e = assertThrows(AssertionError.class, link::exchange);
        assertTrue(e.getMessage().contains("does not fit a 40 B MTU"), e.getMessage());
    }
}
