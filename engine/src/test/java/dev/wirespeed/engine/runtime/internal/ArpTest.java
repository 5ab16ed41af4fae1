package dev.wirespeed.engine.runtime.internal;

import java.util.ArrayList;
import java.util.List;

import dev.wirespeed.engine.runtime.LocalAddresses;
import dev.wirespeed.engine.wire.ArpPacket;
import dev.wirespeed.engine.wire.EthernetFrame;
import dev.wirespeed.engine.wire.FrameParser;
import dev.wirespeed.engine.wire.PacketBuilder;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ArpTest
{
    static final long OUR_MAC = 0x02_00_00_00_00_01L;
    static final int OUR_IP = 0x0A_00_00_01;
    static final long PEER_MAC = 0x02_00_00_00_00_02L;
    static final int PEER_IP = 0x0A_00_00_02;
    static final long OTHER_MAC = 0x02_00_00_00_00_03L;
    static final int OTHER_IP = 0x0A_00_00_03;

    static final long MS = 1_000_000L;
    static final long TTL_NS = 60_000 * MS;
    /** The length charged for one queued frame in most tests (a SYN-ACK with options). */
    static final int FRAME = 74;
    static final long RETRY_NS = 100 * MS;
    static final int MAX_REQUESTS = 3;

    /** Records what the cache asks for. */
    static final class Recorder implements ArpEmitter
    {
        final List<Integer> requests = new ArrayList<>();
        final List<long[]> transmitted = new ArrayList<>();
        final List<Long> dropped = new ArrayList<>();

        public void sendRequest(final int targetIp)
        {
            requests.add(targetIp);
        }

        public void transmit(final long mbuf, final long dstMac)
        {
            transmitted.add(new long[]{mbuf, dstMac});
        }

        public void drop(final long mbuf)
        {
            dropped.add(mbuf);
        }
    }

    final Recorder emitter = new Recorder();
    final ArpCache cache = new ArpCache(4, 3 * FRAME, 8, TTL_NS, RETRY_NS, MAX_REQUESTS, emitter);
    final ArpResponder responder = new ArpResponder(OUR_MAC, OUR_IP, cache);
    final FrameParser parser = new FrameParser();

    static int arpFrame(final UnsafeBuffer b, final int vlan, final long srcMac, final long dstMac, final int op,
        final int senderIp, final long targetMac, final int targetIp)
    {
        return new PacketBuilder().srcMac(srcMac).dstMac(dstMac).vlanId(vlan)
            .writeArp(b, 0, op, senderIp, targetMac, targetIp);
    }

    @Nested
    class Responder
    {
        @Test
        void answersARequestForUsInPlaceAndLearnsTheRequester()
        {
            final UnsafeBuffer b = new UnsafeBuffer(new byte[64]);
            final int len = arpFrame(b, PacketBuilder.NO_VLAN, PEER_MAC, EthernetFrame.BROADCAST_MAC,
                ArpPacket.OPERATION_REQUEST, PEER_IP, 0, OUR_IP);
            assertEquals(ArpResponder.REPLY_IN_PLACE, responder.onArp(b, 0, len, 0));
            assertEquals(FrameParser.DROP_NONE, parser.parse(b, 0, len));
            assertEquals(FrameParser.TYPE_ARP, parser.type());
            assertEquals(PEER_MAC, parser.ethernet().dstMac());
            assertEquals(OUR_MAC, parser.ethernet().srcMac());
            final ArpPacket arp = parser.arp();
            assertEquals(ArpPacket.OPERATION_REPLY, arp.operation());
            assertEquals(OUR_MAC, arp.senderMac());
            assertEquals(OUR_IP, arp.senderIp());
            assertEquals(PEER_MAC, arp.targetMac());
            assertEquals(PEER_IP, arp.targetIp());
            assertEquals(PEER_MAC, cache.lookup(PEER_IP, 1));
            assertEquals(1, responder.repliesSent());
        }

        @Test
        void vlanTagIsKeptInTheReply()
        {
            final UnsafeBuffer b = new UnsafeBuffer(new byte[64]);
            final int len = arpFrame(b, 100, PEER_MAC, EthernetFrame.BROADCAST_MAC, ArpPacket.OPERATION_REQUEST,
                PEER_IP, 0, OUR_IP);
            assertEquals(ArpResponder.REPLY_IN_PLACE, responder.onArp(b, 0, len, 0));
            assertEquals(FrameParser.DROP_NONE, parser.parse(b, 0, len));
            assertEquals(100, parser.ethernet().vlanId());
            assertEquals(ArpPacket.OPERATION_REPLY, parser.arp().operation());
            assertEquals(PEER_IP, parser.arp().targetIp());
        }

        @Test
        void requestForSomeoneElseIsNotAnsweredAndTeachesNothing()
        {
            final UnsafeBuffer b = new UnsafeBuffer(new byte[64]);
            final int len = arpFrame(b, PacketBuilder.NO_VLAN, PEER_MAC, EthernetFrame.BROADCAST_MAC,
                ArpPacket.OPERATION_REQUEST, PEER_IP, 0, OTHER_IP);
            final byte[] before = b.byteArray().clone();
            assertEquals(ArpResponder.CONSUMED, responder.onArp(b, 0, len, 0));
            assertEquals(ArpCache.NO_MAC, cache.lookup(PEER_IP, 0));
            assertEquals(java.util.Arrays.toString(before), java.util.Arrays.toString(b.byteArray()));
            assertEquals(1, responder.ignored());
        }

        @Test
        void gratuitousArpRefreshesAKnownNeighbourOnly()
        {
            cache.learn(PEER_IP, PEER_MAC, 0);
            final UnsafeBuffer b = new UnsafeBuffer(new byte[64]);
            final long newMac = 0x02_00_00_00_00_99L;
            int len = arpFrame(b, PacketBuilder.NO_VLAN, newMac, EthernetFrame.BROADCAST_MAC,
                ArpPacket.OPERATION_REQUEST, PEER_IP, 0, PEER_IP);
            assertEquals(ArpResponder.CONSUMED, responder.onArp(b, 0, len, 5));
            assertEquals(newMac, cache.lookup(PEER_IP, 6));
            len = arpFrame(b, PacketBuilder.NO_VLAN, OTHER_MAC, EthernetFrame.BROADCAST_MAC,
                ArpPacket.OPERATION_REQUEST, OTHER_IP, 0, OTHER_IP);
            assertEquals(ArpResponder.CONSUMED, responder.onArp(b, 0, len, 5));
            assertEquals(ArpCache.NO_MAC, cache.lookup(OTHER_IP, 6));
        }

        @Test
        void replyToUsReleasesQueuedPacketsInOrder()
        {
            assertEquals(ArpCache.QUEUED, cache.resolve(PEER_IP, 0xA1, FRAME, 0));
            assertEquals(ArpCache.QUEUED, cache.resolve(PEER_IP, 0xA2, FRAME, 1));
            assertEquals(List.of(PEER_IP), emitter.requests, "one request for two packets");
            final UnsafeBuffer b = new UnsafeBuffer(new byte[64]);
            final int len = arpFrame(b, PacketBuilder.NO_VLAN, PEER_MAC, OUR_MAC, ArpPacket.OPERATION_REPLY,
                PEER_IP, OUR_MAC, OUR_IP);
            assertEquals(ArpResponder.CONSUMED, responder.onArp(b, 0, len, 2));
            assertEquals(2, emitter.transmitted.size());
            assertEquals(0xA1, emitter.transmitted.get(0)[0]);
            assertEquals(PEER_MAC, emitter.transmitted.get(0)[1]);
            assertEquals(0xA2, emitter.transmitted.get(1)[0]);
            assertEquals(1, cache.resolutions());
            assertEquals(PEER_MAC, cache.resolve(PEER_IP, 0xA3, FRAME, 3), "resolved: the caller sends it");
        }

        /** Linux arp_accept=0: a reply nobody asked for creates no entry (a forged one cannot poison the cache). */
        @Test
        void unsolicitedReplyCreatesNothing()
        {
            final UnsafeBuffer b = new UnsafeBuffer(new byte[64]);
            final int len = arpFrame(b, PacketBuilder.NO_VLAN, PEER_MAC, OUR_MAC, ArpPacket.OPERATION_REPLY,
                PEER_IP, OUR_MAC, OUR_IP);
            assertEquals(ArpResponder.CONSUMED, responder.onArp(b, 0, len, 0));
            assertEquals(ArpCache.NO_MAC, cache.lookup(PEER_IP, 1));
            assertEquals(0, cache.size());
            assertEquals(1, responder.unsolicited());
        }

        /** Linux locktime: a second, different answer within 1 s of the first is ignored; after it, it is taken. */
        @Test
        void replyForAKnownPeerUpdatesItOnlyAfterTheLockTime()
        {
            cache.learn(PEER_IP, PEER_MAC, 0);
            final UnsafeBuffer b = new UnsafeBuffer(new byte[64]);
            final int len = arpFrame(b, PacketBuilder.NO_VLAN, OTHER_MAC, OUR_MAC, ArpPacket.OPERATION_REPLY,
                PEER_IP, OUR_MAC, OUR_IP);
            assertEquals(ArpResponder.CONSUMED, responder.onArp(b, 0, len, ArpCache.LOCKTIME_NS - 1));
            assertEquals(PEER_MAC, cache.lookup(PEER_IP, ArpCache.LOCKTIME_NS));
            assertEquals(1, responder.locked());
            assertEquals(ArpResponder.CONSUMED, responder.onArp(b, 0, len, ArpCache.LOCKTIME_NS));
            assertEquals(OTHER_MAC, cache.lookup(PEER_IP, ArpCache.LOCKTIME_NS + 1));
        }

        /** RFC 5227 §2.4: another MAC claiming our address is counted, never learned, and defended once per 10 s. */
        @Test
        void conflictingClaimOfOurAddressIsCountedAndDefendedRateLimited()
        {
            final UnsafeBuffer b = new UnsafeBuffer(new byte[64]);
            final int len = arpFrame(b, PacketBuilder.NO_VLAN, OTHER_MAC, EthernetFrame.BROADCAST_MAC,
                ArpPacket.OPERATION_REPLY, OUR_IP, 0, OUR_IP);
            assertEquals(ArpResponder.DEFEND, responder.onArp(b, 0, len, 5));
            assertEquals(ArpResponder.CONSUMED, responder.onArp(b, 0, len, 5 + ArpResponder.DEFEND_INTERVAL_NS - 1));
            assertEquals(ArpResponder.DEFEND, responder.onArp(b, 0, len, 5 + ArpResponder.DEFEND_INTERVAL_NS));
            assertEquals(3, responder.conflicts());
            assertEquals(2, responder.defended());
            assertEquals(0, cache.size());
            final int announcement = responder.writeAnnouncement(b, 0);
            assertEquals(FrameParser.DROP_NONE, parser.parse(b, 0, announcement));
            assertEquals(EthernetFrame.BROADCAST_MAC, parser.ethernet().dstMac());
            assertEquals(ArpPacket.OPERATION_REQUEST, parser.arp().operation());
            assertEquals(OUR_MAC, parser.arp().senderMac());
            assertEquals(OUR_IP, parser.arp().senderIp());
            assertEquals(OUR_IP, parser.arp().targetIp());
        }

        /** Loopback, multicast and subnet-broadcast senders teach nothing and get no answer. */
        @Test
        void martianSendersAreNeitherLearnedNorAnswered()
        {
            final ArpResponder onSubnet = new ArpResponder(OUR_MAC, new Martians(OUR_IP, 24), cache, true);
            final UnsafeBuffer b = new UnsafeBuffer(new byte[64]);
            for (final int sender : new int[] {0x7F000001, 0xE0000001, 0x0A0000FF, 0x0A000000, 0x0B000002})
            {
                final int len = arpFrame(b, PacketBuilder.NO_VLAN, PEER_MAC, EthernetFrame.BROADCAST_MAC,
                    ArpPacket.OPERATION_REQUEST, sender, 0, OUR_IP);
                assertEquals(ArpResponder.CONSUMED, onSubnet.onArp(b, 0, len, 0), Integer.toHexString(sender));
            }
            assertEquals(5, onSubnet.martian());
            assertEquals(0, cache.size());
            // an RFC 5227 probe (sender 0.0.0.0) for our address is answered, and teaches nothing
            final int probe = arpFrame(b, PacketBuilder.NO_VLAN, PEER_MAC, EthernetFrame.BROADCAST_MAC,
                ArpPacket.OPERATION_REQUEST, 0, 0, OUR_IP);
            assertEquals(ArpResponder.REPLY_IN_PLACE, onSubnet.onArp(b, 0, probe, 0));
            assertEquals(0, cache.size());
        }

        /** With several local addresses each is answered as itself, and each is defended as itself. */
        @Test
        void everyLocalAddressIsAnsweredAndDefended()
        {
            final int second = OUR_IP + 5;
            final ArpResponder multi = new ArpResponder(OUR_MAC, LocalAddresses.of(24, OUR_IP, second), cache, true);
            final UnsafeBuffer b = new UnsafeBuffer(new byte[64]);
            int len = arpFrame(b, PacketBuilder.NO_VLAN, PEER_MAC, EthernetFrame.BROADCAST_MAC,
                ArpPacket.OPERATION_REQUEST, PEER_IP, 0, second);
            assertEquals(ArpResponder.REPLY_IN_PLACE, multi.onArp(b, 0, len, 0));
            assertEquals(FrameParser.DROP_NONE, parser.parse(b, 0, len));
            assertEquals(ArpPacket.OPERATION_REPLY, parser.arp().operation());
            assertEquals(second, parser.arp().senderIp());
            assertEquals(OUR_MAC, parser.arp().senderMac());
            assertEquals(PEER_IP, parser.arp().targetIp());

            // another host claims our second address: a conflict, defended by announcing that address
            len = arpFrame(b, PacketBuilder.NO_VLAN, OTHER_MAC, EthernetFrame.BROADCAST_MAC,
                ArpPacket.OPERATION_REQUEST, second, 0, second);
            assertEquals(ArpResponder.DEFEND, multi.onArp(b, 0, len, 0));
            assertEquals(1, multi.conflicts());
            final int announcement = multi.writeAnnouncement(b, 0);
            assertEquals(FrameParser.DROP_NONE, parser.parse(b, 0, announcement));
            assertEquals(second, parser.arp().senderIp());
            assertEquals(second, parser.arp().targetIp());
            assertEquals(OUR_MAC, parser.arp().senderMac());
            assertEquals(0, cache.lookup(second, 0) == ArpCache.NO_MAC ? 0 : 1, "a claim of ours is never learned");
        }

        @Test
        void writeRequestMakesABroadcastRequestThatParses()
        {
            final UnsafeBuffer b = new UnsafeBuffer(new byte[64]);
            final int len = responder.writeRequest(b, 0, PEER_IP);
            assertEquals(42, len);
            assertEquals(FrameParser.DROP_NONE, parser.parse(b, 0, len));
            assertEquals(EthernetFrame.BROADCAST_MAC, parser.ethernet().dstMac());
            assertEquals(ArpPacket.OPERATION_REQUEST, parser.arp().operation());
            assertEquals(OUR_IP, parser.arp().senderIp());
            assertEquals(PEER_IP, parser.arp().targetIp());
            final int replyLen = responder.writeReply(b, 0, PEER_MAC, PEER_IP);
            assertEquals(FrameParser.DROP_NONE, parser.parse(b, 0, replyLen));
            assertEquals(ArpPacket.OPERATION_REPLY, parser.arp().operation());
            assertEquals(PEER_MAC, parser.ethernet().dstMac());
        }
    }

    @Nested
    class Cache
    {
        /** A question without a frame: one request, retries from poll, and the reply is learned as ours. */
        @Test
        void requestAsksOnceAndTheReplyIsLearned()
        {
            assertEquals(ArpCache.NO_MAC, cache.request(PEER_IP, 0));
            assertEquals(ArpCache.NO_MAC, cache.request(PEER_IP, 1), "pending: nothing more is asked");
            assertEquals(1, emitter.requests.size());
            cache.poll(RETRY_NS);
            assertEquals(2, emitter.requests.size(), "retried by poll");
            assertEquals(ArpCache.UPDATED, cache.update(PEER_IP, PEER_MAC, RETRY_NS + 1, false),
                "the reply answers our question");
            assertEquals(PEER_MAC, cache.request(PEER_IP, RETRY_NS + 2));
            assertEquals(2, emitter.requests.size());
        }

        @Test
        void fullQueueDropsTheOldest()
        {
            for (long m = 1; m <= 5; m++)
            {
                assertEquals(ArpCache.QUEUED, cache.resolve(PEER_IP, m, FRAME, 0));
            }
            assertEquals(List.of(1L, 2L), emitter.dropped);
            assertEquals(2, cache.queueOverflowDrops());
            assertEquals(3, cache.queued(PEER_IP));
            cache.learn(PEER_IP, PEER_MAC, 1);
            assertEquals(3L, emitter.transmitted.get(0)[0]);
            assertEquals(5L, emitter.transmitted.get(2)[0]);
        }

        @Test
        void queueIsBoundedInBytesSoSmallFramesWaitWhereLargeOnesWouldNot()
        {
            // the budget is 3 * FRAME bytes: one full-sized frame and a small one fit, a second large one pushes
            // out the oldest until it fits (Linux's unres_qlen_bytes)
            assertEquals(ArpCache.QUEUED, cache.resolve(PEER_IP, 1, 2 * FRAME, 0));
            assertEquals(ArpCache.QUEUED, cache.resolve(PEER_IP, 2, FRAME, 0));
            assertEquals(3 * FRAME, cache.queuedBytes(PEER_IP));
            assertEquals(ArpCache.QUEUED, cache.resolve(PEER_IP, 3, FRAME / 2, 0));
            assertEquals(List.of(1L), emitter.dropped, "the oldest went to make room");
            assertEquals(FRAME + FRAME / 2, cache.queuedBytes(PEER_IP));
            assertEquals(1, cache.queueOverflowDrops());
            cache.learn(PEER_IP, PEER_MAC, 1);
            assertEquals(2, emitter.transmitted.size());
            assertEquals(0, cache.queuedBytes(PEER_IP));
        }

        @Test
        void allQueuesTogetherHoldAtMostTheSharedNodes()
        {
            // 8 nodes in all: three addresses take 3 + 3 + 2, a ninth frame takes the oldest of its own address
            for (long m = 0; m < 3; m++)
            {
                cache.resolve(PEER_IP, 10 + m, FRAME, 0);
                cache.resolve(OTHER_IP, 20 + m, FRAME, 0);
            }
            cache.resolve(0x0B000001, 30, FRAME, 0);
            cache.resolve(0x0B000001, 31, FRAME, 0);
            assertTrue(emitter.dropped.isEmpty());
            cache.resolve(0x0B000001, 32, FRAME, 0);
            assertEquals(List.of(30L), emitter.dropped, "its own oldest frame gives up the node");
            cache.resolve(0x0B000002, 40, FRAME, 0);
            assertEquals(List.of(30L, 40L), emitter.dropped, "an empty queue with no free node drops the new frame");
            assertEquals(2, cache.queueOverflowDrops());
            cache.learn(PEER_IP, PEER_MAC, 1);
            cache.resolve(0x0B000002, 41, FRAME, 2);
            assertEquals(1, cache.queued(0x0B000002), "nodes return to the pool once sent");
        }

        @Test
        void retriesEveryIntervalThenDropsThePending()
        {
            cache.resolve(PEER_IP, 7, FRAME, 0);
            cache.resolve(PEER_IP, 8, FRAME, 0);
            assertEquals(0, cache.poll(RETRY_NS - 1));
            assertEquals(1, emitter.requests.size());
            cache.poll(RETRY_NS);
            assertEquals(2, emitter.requests.size());
            cache.poll(2 * RETRY_NS - 1);
            assertEquals(2, emitter.requests.size());
            cache.poll(2 * RETRY_NS);
            assertEquals(MAX_REQUESTS, emitter.requests.size());
            assertTrue(emitter.dropped.isEmpty());
            cache.poll(3 * RETRY_NS);
            assertEquals(MAX_REQUESTS, emitter.requests.size(), "no request beyond the maximum");
            assertEquals(List.of(7L, 8L), emitter.dropped);
            assertEquals(2, cache.unresolvedDrops());
            assertEquals(0, cache.size());
            assertEquals(MAX_REQUESTS, cache.requestsSent());
        }

        @Test
        void entriesExpire()
        {
            cache.learn(PEER_IP, PEER_MAC, 0);
            assertEquals(PEER_MAC, cache.lookup(PEER_IP, TTL_NS - 1));
            assertEquals(ArpCache.NO_MAC, cache.lookup(PEER_IP, TTL_NS));
            assertEquals(1, cache.poll(TTL_NS));
            assertEquals(0, cache.size());
            assertEquals(1, cache.expirations());
        }

        @Test
        void expiredEntryAsksAgainOnUse()
        {
            cache.learn(PEER_IP, PEER_MAC, 0);
            assertEquals(ArpCache.QUEUED, cache.resolve(PEER_IP, 9, FRAME, TTL_NS + 1));
            assertEquals(List.of(PEER_IP), emitter.requests);
        }

        @Test
        void fullTableDropsAndCounts()
        {
            for (int i = 0; i < 4; i++)
            {
                assertEquals(ArpCache.QUEUED, cache.resolve(0x0B000000 + i, 100 + i, FRAME, 0));
            }
            assertEquals(ArpCache.TABLE_FULL, cache.resolve(OTHER_IP, 200, FRAME, 0));
            assertEquals(List.of(200L), emitter.dropped);
            assertEquals(1, cache.tableFullDrops());
            assertFalse(cache.learn(OTHER_IP, OTHER_MAC, 0));
        }

        @Test
        void expiredEntryIsReclaimedWhenTheTableIsFull()
        {
            for (int i = 0; i < 4; i++)
            {
                cache.learn(0x0B000000 + i, 0x0200_0000_0100L + i, i);
            }
            assertTrue(cache.learn(OTHER_IP, OTHER_MAC, TTL_NS));
            assertEquals(ArpCache.NO_MAC, cache.lookup(0x0B000000, TTL_NS));
            assertEquals(0x0200_0000_0101L, cache.lookup(0x0B000001, TTL_NS));
            assertEquals(OTHER_MAC, cache.lookup(OTHER_IP, TTL_NS));
        }

        @Test
        void wrapSafeAcrossTheLongBoundary()
        {
            final long near = Long.MAX_VALUE - 10;
            cache.learn(PEER_IP, PEER_MAC, near);
            assertEquals(PEER_MAC, cache.lookup(PEER_IP, near + 20));
        }

        @Test
        void pollSkipsTheTableUntilTheEarliestDeadlineYetServesEveryEntryOnTime()
        {
            // poll runs every duty cycle and only scans when something is due; entries learned, refreshed and
            // pending at different times must still each be served at their own deadline
            cache.learn(PEER_IP, PEER_MAC, 0);                     // expires at TTL
            cache.resolve(OTHER_IP, 5, FRAME, 10 * MS);                   // retries at 10 ms + RETRY
            cache.learn(PEER_IP, PEER_MAC, TTL_NS / 2);            // refreshed: now expires at 1.5 TTL
            assertEquals(0, cache.poll(10 * MS + RETRY_NS - 1));
            assertEquals(1, emitter.requests.size());
            assertEquals(1, cache.poll(10 * MS + RETRY_NS));
            assertEquals(2, emitter.requests.size());
            cache.poll(10 * MS + 2 * RETRY_NS);
            cache.poll(10 * MS + 3 * RETRY_NS);
            assertEquals(List.of(5L), emitter.dropped, "the pending entry gave up after its retries");
            assertEquals(0, cache.poll(TTL_NS), "the refreshed entry does not expire at its old deadline");
            assertEquals(PEER_MAC, cache.lookup(PEER_IP, TTL_NS));
            assertEquals(0, cache.poll(TTL_NS + TTL_NS / 2 - 1));
            assertEquals(1, cache.poll(TTL_NS + TTL_NS / 2));
            assertEquals(0, cache.size());
            cache.learn(OTHER_IP, OTHER_MAC, 2 * TTL_NS);          // a new entry after the table emptied
            assertEquals(0, cache.poll(3 * TTL_NS - 1));
            assertEquals(1, cache.poll(3 * TTL_NS));
        }

        @Test
        void clearDropsEverythingQueued()
        {
            cache.resolve(PEER_IP, 1, FRAME, 0);
            cache.resolve(OTHER_IP, 2, FRAME, 0);
            cache.clear();
            assertEquals(List.of(1L, 2L), emitter.dropped);
            assertEquals(0, cache.size());
        }
    }
}
