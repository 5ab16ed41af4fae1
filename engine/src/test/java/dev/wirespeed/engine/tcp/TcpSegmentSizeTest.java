package dev.wirespeed.engine.tcp;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * RFC 6691 / RFC 9293 §3.7.1: options plus data never exceed the MSS the peer announced. The SACK blocks we add
 * while holding out-of-order data take room from the payload; otherwise a full segment is larger than the path
 * MTU and is lost on every try (found with a Linux echo peer over a lossy link).
 */
class TcpSegmentSizeTest extends TcpTestSupport
{
    private static final int PEER_MSS = 1460;

    private static int optionBytes(final TcpSegment s)
    {
        int bytes = s.options.timestampPresent ? 12 : 0;
        if (s.options.sackBlockCount > 0)
        {
            bytes += 4 + 8 * s.options.sackBlockCount;
        }
        return bytes;
    }

    private void assertEveryDataSegmentFits(final List<TcpSegment> segments, final int expectedSackBlocks)
    {
        int dataSegments = 0;
        for (final TcpSegment s : segments)
        {
            if (s.payloadLength > 0)
            {
                dataSegments++;
                assertEquals(expectedSackBlocks, s.options.sackBlockCount, s.toString());
                assertTrue(optionBytes(s) + s.payloadLength <= PEER_MSS,
                    "options " + optionBytes(s) + " + payload " + s.payloadLength + " > MSS " + PEER_MSS + ": " + s);
            }
        }
        assertTrue(dataSegments >= 2, "full-sized data segments were sent: " + segments);
    }

    @Test
    void dataSegmentsShrinkByTheSackBlocksTheyCarry()
    {
        setUp(c ->
        {
        });
        establishedTsSack();
        // two holes in what the peer sends us: SACK blocks ride on every segment we send until they fill
        send(ts(data(in().seq(REMOTE_SEQ + 1 + 1000), 100), 102, 0));
        send(ts(data(in().seq(REMOTE_SEQ + 1 + 3000), 100), 103, 0));
        recv();
        write(10 * PEER_MSS);
        assertEveryDataSegmentFits(recv(), 2);
    }

    @Test
    void withoutTimestampsFourBlocksFitAndStillLeaveRoom()
    {
        setUp(c -> c.timestampsEnabled = false);
        establishedSack();
        for (int i = 1; i <= 5; i++)
        {
            send(data(in().seq(REMOTE_SEQ + 1 + i * 1000), 100));
        }
        recv();
        write(10 * PEER_MSS);
        assertEveryDataSegmentFits(recv(), 4);
    }
}
