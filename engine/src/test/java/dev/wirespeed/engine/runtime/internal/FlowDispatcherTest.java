package dev.wirespeed.engine.runtime.internal;

import java.nio.ByteOrder;

import dev.wirespeed.engine.tcp.FlowHash;
import dev.wirespeed.engine.wire.Ipv4Header;
import dev.wirespeed.engine.wire.PacketBuilder;
import dev.wirespeed.engine.wire.TcpOptions;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FlowDispatcherTest
{
    private static final int US = (int)Ipv4Header.parseAddress("192.0.2.1");
    private static final int PEER = (int)Ipv4Header.parseAddress("192.0.2.2");
    private static final long US_MAC = 0x02_00_00_00_00_01L;
    private static final long PEER_MAC = 0x02_00_00_00_00_02L;

    private final UnsafeBuffer frame = new UnsafeBuffer(new byte[2048]);
    private final PacketBuilder builder = new PacketBuilder();

    private int inbound(final int peerPort, final int ourPort, final int vlan)
    {
        builder.srcMac(PEER_MAC).dstMac(US_MAC).srcAddress(PEER).dstAddress(US).srcPort(peerPort).dstPort(ourPort)
            .flags(0x02).window(1000).vlanId(vlan);
        return builder.writeTcp(frame, 0, new TcpOptions(), null, 0, 0);
    }

    @Test
    void tcpSegmentsGoToTheShardOfTheirTupleSeenFromOurSide()
    {
        final FlowDispatcher dispatcher = new FlowDispatcher(4);
        final int[] seen = new int[4];
        for (int port = 40000; port < 40400; port++)
        {
            final int length = inbound(port, 80, PacketBuilder.NO_VLAN);
            final int shard = dispatcher.target(frame, length);
            assertEquals(FlowHash.shardOf(US, 80, PEER, port, 4), shard, "port " + port);
            seen[shard]++;
        }
        for (final int n : seen)
        {
            assertTrue(n > 0, "every shard gets flows");
        }
    }

    @Test
    void vlanTaggedSegmentsHashLikeUntaggedOnes()
    {
        final FlowDispatcher dispatcher = new FlowDispatcher(3);
        for (int port = 50000; port < 50050; port++)
        {
            final int untagged = dispatcher.target(frame, inbound(port, 7, PacketBuilder.NO_VLAN));
            assertEquals(untagged, dispatcher.target(frame, inbound(port, 7, 42)), "port " + port);
        }
    }

    @Test
    void arpGoesToEveryShardAndOtherFramesToShardZero()
    {
        final FlowDispatcher dispatcher = new FlowDispatcher(2);
        final int arpLength = builder.srcMac(PEER_MAC).dstMac(-1L & 0xFFFF_FFFF_FFFFL).vlanId(PacketBuilder.NO_VLAN)
            .writeArp(frame, 0, 1, PEER, 0, US);
        assertEquals(FlowDispatcher.ALL_SHARDS, dispatcher.target(frame, arpLength));
        assertEquals(0, new FlowDispatcher(1).target(frame, arpLength), "one shard: no copies");

        int length = inbound(40001, 80, PacketBuilder.NO_VLAN);
        frame.putByte(14 + Ipv4Header.PROTOCOL_OFFSET, (byte)Ipv4Header.PROTOCOL_ICMP);
        assertEquals(0, dispatcher.target(frame, length), "ICMP");

        for (int port = 40000; port < 40100; port++)
        {
            length = inbound(port, 80, PacketBuilder.NO_VLAN);
            frame.putShort(14 + Ipv4Header.FLAGS_FRAGMENT_OFFSET, (short)Ipv4Header.FLAG_MF, ByteOrder.BIG_ENDIAN);
            assertEquals(0, dispatcher.target(frame, length), "first fragment of port " + port);
        }
        assertEquals(0, dispatcher.target(frame, 20), "truncated");
        assertEquals(0, dispatcher.target(frame, 14 + 20 + 2), "no room for ports");
    }
}
