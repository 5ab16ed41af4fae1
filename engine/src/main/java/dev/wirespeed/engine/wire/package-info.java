/**
 * The wire layer: zero-copy flyweights over frames in an Agrona {@link org.agrona.DirectBuffer} (in the
 * runtime, an {@link org.agrona.concurrent.UnsafeBuffer} over mbuf memory). No state, no allocation, no
 * exceptions on malformed input.
 * <ul>
 * <li>Headers: {@link dev.wirespeed.engine.wire.EthernetFrame} (802.1Q aware),
 * {@link dev.wirespeed.engine.wire.ArpPacket}, {@link dev.wirespeed.engine.wire.Ipv4Header},
 * {@link dev.wirespeed.engine.wire.IcmpEcho}, {@link dev.wirespeed.engine.wire.TcpHeader}. Each has
 * {@code *_OFFSET} constants, a header diagram, getters {@code seq()} and fluent setters {@code seq(int)}, all
 * in network byte order. Received bytes must pass {@code isValid()}/{@code validate()} before the getters
 * are trusted; that check only reads bytes it has verified exist.</li>
 * <li>{@link dev.wirespeed.engine.wire.Checksum}: RFC 1071 sums, IPv4 and TCP checksums, RFC 1624
 * incremental updates, and the pseudo-header sum DPDK TX offload wants.</li>
 * <li>{@link dev.wirespeed.engine.wire.TcpOptionsCodec} fills and writes
 * {@link dev.wirespeed.engine.wire.TcpOptions}, the holder shared with the TCP layer. Values are reported
 * raw: a window scale above 14 or an MSS of 0 is the TCP layer's to clamp (behaviours 26, 27).</li>
 * <li>{@link dev.wirespeed.engine.wire.FrameParser} runs the whole receive-side validation and returns a drop
 * reason code to count; {@link dev.wirespeed.engine.wire.PacketBuilder} turns a segment into a frame.</li>
 * </ul>
 * The layer does not judge addresses (broadcast or multicast sources, behaviour 55) or flag combinations
 * (behaviour 62): it offers the helpers and the TCP layer applies the policy.
 * <p>
 * Behaviour numbers refer to the numbered list in docs/TCP-BEHAVIOUR.md.
 */
package dev.wirespeed.engine.wire;
