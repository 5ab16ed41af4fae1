package dev.wirespeed.engine.runtime.internal;

import java.lang.foreign.Arena;
import java.nio.ByteOrder;

import dev.wirespeed.bindings.Eal;
import dev.wirespeed.bindings.EalOptions;
import dev.wirespeed.bindings.EthPort;
import dev.wirespeed.bindings.Mbuf;
import dev.wirespeed.bindings.MbufBurst;
import dev.wirespeed.bindings.MbufView;
import dev.wirespeed.bindings.PortConfig;
import dev.wirespeed.bindings.RingPair;
import dev.wirespeed.engine.tcp.TcpConfig;
import dev.wirespeed.engine.tcp.TcpEndpoint;
import dev.wirespeed.engine.tcp.TcpHandler;
import dev.wirespeed.engine.wire.ArpPacket;
import dev.wirespeed.engine.wire.EthernetFrame;
import dev.wirespeed.engine.wire.FrameParser;
import dev.wirespeed.engine.wire.Ipv4Header;
import dev.wirespeed.engine.wire.PacketBuilder;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * When a shard sends: a frame produced in a duty cycle whose rx burst came back short goes out in that same cycle
 * (before, a lone segment waited up to {@link Shard#TX_FLUSH_INTERVAL_NS}, which made every ping-pong round trip
 * about 100 µs); while rx bursts come back full, frames are still batched. The clock is frozen, so the interval
 * never expires by itself. Runs on real DPDK over a net_ring pair: the shard owns port A; the test plays the peer
 * on port B.
 */
class ShardTxFlushTest
{
    private static final int OUR_IP = (int)Ipv4Header.parseAddress("192.0.2.1");
    private static final int PEER_IP = (int)Ipv4Header.parseAddress("192.0.2.2");

    @Test
    void aFrameGoesOutInTheCycleThatMadeItWhenRxIsQuietButIsBatchedWhileRxBurstsAreFull()
    {
        if (Eal.current() == null)
        {
            Eal.init(new EalOptions().memoryMb(256));
        }
        Eal.registerThread();
        try (RingPair pair = RingPair.create("ws_t_flush", 256); Arena arena = Arena.ofConfined())
        {
            final EthPort ours = pair.a().start(new PortConfig().mempool(1023, 32));
            final EthPort peer = pair.b().start(new PortConfig().mempool(1023, 32));
            final long frozenNs = 1_000_000_000L;
            final NanoClock clock = () -> frozenNs;
            final TcpEndpoint endpoint = new TcpEndpoint(new TcpConfig(), new TcpHandler()
            {
            }, frozenNs);
            final Shard shard = new Shard(0, ours, 0, 0, OUR_IP, endpoint, clock, new MbufBurst(arena, 32),
                new MbufBurst(arena, 32), null);
            final MbufBurst in = new MbufBurst(arena, 32);

            // quiet rx: one ARP request; the reply is made in place and sent in the same cycle
            sendFrames(peer, arena, 0, true);
            shard.doWork();
            assertEquals(1, peer.rxBurst(0, in), "the ARP reply left in the cycle that made it");
            assertEquals(ArpPacket.OPERATION_REPLY, arpOperation(in.get(0)));
            in.freeAll();

            // a full rx burst (31 frames the shard drops, then an ARP request): the reply stays batched ...
            sendFrames(peer, arena, 31, true);
            shard.doWork();
            assertEquals(31, shard.drops(FrameParser.DROP_UNSUPPORTED_ETHERTYPE));
            assertEquals(0, peer.rxBurst(0, in), "batched while rx bursts are full");
            // ... until a cycle finds rx short
            shard.doWork();
            assertEquals(1, peer.rxBurst(0, in), "sent once the rx burst comes back short");
            assertEquals(ArpPacket.OPERATION_REPLY, arpOperation(in.get(0)));
            in.freeAll();
            shard.onClose();
        }
    }

    private static int arpOperation(final long mbuf)
    {
        final UnsafeBuffer frame = new MbufView().wrap(mbuf);
        assertEquals(EthernetFrame.ETHERTYPE_ARP, frame.getShort(EthernetFrame.ETHERTYPE_OFFSET, ByteOrder.BIG_ENDIAN) & 0xffff);
        return frame.getShort(EthernetFrame.HEADER_LENGTH + ArpPacket.OPERATION_OFFSET, ByteOrder.BIG_ENDIAN) & 0xffff;
    }

    /** {@code junk} frames of an EtherType the shard drops, then (if asked) an ARP request for our address. */
    private static void sendFrames(final EthPort port, final Arena arena, final int junk, final boolean arpRequest)
    {
        final int count = junk + (arpRequest ? 1 : 0);
        final MbufBurst out = new MbufBurst(arena, count);
        final MbufView view = new MbufView();
        port.mempool().allocBulk(out, count);
        for (int i = 0; i < junk; i++)
        {
            final long m = out.get(i);
            final UnsafeBuffer frame = view.wrapForWrite(m);
            frame.setMemory(0, 60, (byte)0);
            frame.putShort(EthernetFrame.ETHERTYPE_OFFSET, (short)0x88b5, ByteOrder.BIG_ENDIAN); // local experimental
            Mbuf.length(m, 60);
        }
        if (arpRequest)
        {
            final long m = out.get(junk);
            final int length = new PacketBuilder().srcMac(port.macAddress()).dstMac(EthernetFrame.BROADCAST_MAC)
                .writeArp(view.wrapForWrite(m), 0, ArpPacket.OPERATION_REQUEST, PEER_IP, 0, OUR_IP);
            Mbuf.length(m, length);
        }
        assertEquals(count, port.txBurst(0, out));
    }
}
