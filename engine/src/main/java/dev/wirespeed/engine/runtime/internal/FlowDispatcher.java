package dev.wirespeed.engine.runtime.internal;

import java.nio.ByteOrder;

import dev.wirespeed.engine.tcp.FlowHash;
import dev.wirespeed.engine.wire.EthernetFrame;
import dev.wirespeed.engine.wire.Ipv4Header;
import org.agrona.DirectBuffer;

/**
 * Chooses the shard of a received frame when one poller feeds several shards (a port without RSS over as many
 * queues as shards, such as {@code net_af_packet}): the {@link FlowHash} of an IPv4 TCP segment's 4-tuple, seen
 * from our side (local = destination). ARP goes to {@link #ALL_SHARDS}: each shard keeps its own ARP cache.
 * Everything else (ICMP, fragments, malformed or foreign frames) goes to shard 0, whose parser answers or drops
 * it. Reads only a few header fields; full validation stays with each shard's parser.
 */
public final class FlowDispatcher
{
    /** An ARP frame: one shard answers it, every shard learns from it. */
    public static final int ALL_SHARDS = -1;

    private final int shards;

    public FlowDispatcher(final int shards)
    {
        if (shards < 1)
        {
            throw new IllegalArgumentException("shards must be >= 1: " + shards);
        }
        this.shards = shards;
    }

    public int shards()
    {
        return shards;
    }

    /** The shard for the frame at {@code buffer[0, length)}, or {@link #ALL_SHARDS}. */
    public int target(final DirectBuffer buffer, final int length)
    {
        if (length < EthernetFrame.HEADER_LENGTH)
        {
            return 0;
        }
        int l3 = EthernetFrame.HEADER_LENGTH;
        int etherType = buffer.getShort(EthernetFrame.ETHERTYPE_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
        if (etherType == EthernetFrame.ETHERTYPE_VLAN)
        {
            if (length < EthernetFrame.VLAN_HEADER_LENGTH)
            {
                return 0;
            }
            l3 = EthernetFrame.VLAN_HEADER_LENGTH;
            etherType = buffer.getShort(EthernetFrame.INNER_ETHERTYPE_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
        }
        if (etherType == EthernetFrame.ETHERTYPE_ARP)
        {
            return shards == 1 ? 0 : ALL_SHARDS;
        }
        if (etherType != EthernetFrame.ETHERTYPE_IPV4 || length < l3 + Ipv4Header.MIN_HEADER_LENGTH)
        {
            return 0;
        }
        final int ihl = (buffer.getByte(l3 + Ipv4Header.VERSION_IHL_OFFSET) & 0x0F) * 4;
        final int fragment = buffer.getShort(l3 + Ipv4Header.FLAGS_FRAGMENT_OFFSET, ByteOrder.BIG_ENDIAN) &
            (Ipv4Header.FLAG_MF | Ipv4Header.FRAGMENT_OFFSET_MASK);
        if ((buffer.getByte(l3 + Ipv4Header.PROTOCOL_OFFSET) & 0xFF) != Ipv4Header.PROTOCOL_TCP || fragment != 0 ||
            ihl < Ipv4Header.MIN_HEADER_LENGTH || length < l3 + ihl + 4)
        {
            return 0;
        }
        final int remoteIp = buffer.getInt(l3 + Ipv4Header.SRC_ADDRESS_OFFSET, ByteOrder.BIG_ENDIAN);
        final int localIp = buffer.getInt(l3 + Ipv4Header.DST_ADDRESS_OFFSET, ByteOrder.BIG_ENDIAN);
        final int remotePort = buffer.getShort(l3 + ihl, ByteOrder.BIG_ENDIAN) & 0xFFFF;
        final int localPort = buffer.getShort(l3 + ihl + 2, ByteOrder.BIG_ENDIAN) & 0xFFFF;
        return FlowHash.shardOf(localIp, localPort, remoteIp, remotePort, shards);
    }
}
