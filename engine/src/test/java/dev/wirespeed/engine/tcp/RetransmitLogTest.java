package dev.wirespeed.engine.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Behaviour 69: which retransmissions of a pass the evidence shows lost. Segments of 100 bytes from 1000. */
class RetransmitLogTest
{
    private final SeqRangeSet scoreboard = new SeqRangeSet(new RangeArrayPool());
    private final RetransmitLog log = new RetransmitLog();

    /** Holes at 1000 and 1200, everything else up to 2000 SACKed; both retransmitted while SND.NXT was 2000. */
    private void twoHolesRetransmitted()
    {
        scoreboard.add(1100, 1200);
        scoreboard.add(1300, 2000);
        log.add(1000, 1100, 2000, 1000, scoreboard);
        log.add(1200, 1300, 2000, 1000, scoreboard);
    }

    @Test
    void dataFirstSentAfterARetransmissionIsSackedWhileItIsNot()
    {
        twoHolesRetransmitted();
        assertFalse(log.anyLost(1000, scoreboard), "only data sent before the retransmissions is SACKed");
        // new data sent after them (2000-2100) arrives, they do not
        scoreboard.add(2000, 2100);
        assertTrue(log.anyLost(1000, scoreboard));
    }

    @Test
    void aLaterRetransmissionDeliveredShowsTheEarlierOneLost()
    {
        twoHolesRetransmitted();
        // the second retransmission arrives, the first does not
        scoreboard.add(1200, 1300);
        assertTrue(log.anyLost(1000, scoreboard));
    }

    @Test
    void anEarlierRetransmissionDeliveredSaysNothingAboutALaterOne()
    {
        twoHolesRetransmitted();
        // the first arrives (SND.UNA moves to the second hole): the second may still be on its way
        assertFalse(log.anyLost(1200, scoreboard));
        // and once it arrives too, nothing is out
        scoreboard.add(1200, 1300);
        assertFalse(log.anyLost(1200, scoreboard));
    }

    @Test
    void aFullLogMakesRoomByDroppingWhatWasDelivered()
    {
        // sixteen holes retransmitted, all delivered (SACKed) since
        for (int i = 0; i < RetransmitLog.CAPACITY; i++)
        {
            log.add(1000 + 200 * i, 1100 + 200 * i, 5000, 1000, scoreboard);
        }
        for (int i = 0; i < RetransmitLog.CAPACITY; i++)
        {
            scoreboard.add(1000 + 200 * i, 1100 + 200 * i);
        }
        assertEquals(RetransmitLog.CAPACITY, log.count());
        // one more, at 4600 while SND.NXT is 6000: logged in place of the delivered ones
        log.add(4600, 4700, 6000, 900, scoreboard);
        assertEquals(1, log.count());
        scoreboard.add(6000, 6100);
        assertTrue(log.anyLost(900, scoreboard), "the retransmission at 4600 is tracked");
    }

    @Test
    void aClearedLogHasNothingLost()
    {
        scoreboard.add(1100, 2100);
        log.add(1000, 1100, 2000, 1000, scoreboard);
        assertTrue(log.anyLost(1000, scoreboard));
        log.clear();
        assertFalse(log.anyLost(1000, scoreboard));
    }
}
