package dev.wirespeed.cli.it;

import java.lang.foreign.Arena;

import dev.wirespeed.bindings.Eal;
import dev.wirespeed.bindings.EalOptions;
import dev.wirespeed.bindings.EthPort;
import dev.wirespeed.bindings.Mbuf;
import dev.wirespeed.bindings.MbufBurst;
import dev.wirespeed.bindings.MbufView;
import dev.wirespeed.bindings.PortConfig;
import dev.wirespeed.bindings.PortSpec;
import dev.wirespeed.engine.wire.EthernetFrame;
import dev.wirespeed.engine.wire.FrameParser;
import dev.wirespeed.engine.wire.Ipv4Header;
import dev.wirespeed.engine.wire.PacketBuilder;
import dev.wirespeed.engine.wire.TcpHeader;

/**
 * Runs inside a test namespace: opens {@code --iface IF} through net_af_packet, sends SYNs from 192.0.2.1 to a
 * closed port of the Linux peer at 192.0.2.2, and counts the peer kernel's RST+ACK replies, each checked
 * (checksums by {@link FrameParser}, ports, ACK = our ISN + 1). Prints one {@code RESULT} line.
 * Bounded: {@code count} SYNs and at most 20 s.
 */
public final class AfPacketProbe
{
    public static void main(final String[] args)
    {
        final String iface = args[0];
        final long peerMac = EthernetFrame.parseMac(args[1]);
        final int count = Integer.parseInt(args[2]);
        Eal.init(new EalOptions());
        Eal.registerThread();
        try (EthPort port = EthPort.open(PortSpec.iface(iface)); Arena arena = Arena.ofConfined())
        {
            port.start(new PortConfig().mempool(4095, 128));
            final long ourMac = port.macAddress();
            final int src = (int)Ipv4Header.parseAddress("192.0.2.1");
            final int dst = (int)Ipv4Header.parseAddress("192.0.2.2");
            final PacketBuilder builder = new PacketBuilder().srcMac(ourMac).dstMac(peerMac)
                .srcAddress(src).dstAddress(dst).dstPort(9).flags(TcpHeader.SYN).window(65535);
            final FrameParser parser = new FrameParser();
            final MbufView view = new MbufView();
            final MbufBurst out = new MbufBurst(arena, 32);
            final MbufBurst in = new MbufBurst(arena, 32);
            final boolean[] seen = new boolean[count];
            int sent = 0;
            int rsts = 0;
            int bad = 0;
            final long deadline = System.nanoTime() + 20_000_000_000L;
            while (rsts < count && System.nanoTime() - deadline < 0)
            {
                if (sent < count && out.size() == 0)
                {
                    final int n = Math.min(16, count - sent);
                    if (port.mempool().allocBulk(out, n))
                    {
                        for (int i = 0; i < n; i++)
                        {
                            final int k = sent + i;
                            final long m = out.get(i);
                            final int len = builder.srcPort(40000 + k).seq(k * 1000)
                                .writeTcp(view.wrapForWrite(m), 0, null, null, 0, 0);
                            Mbuf.length(m, len);
                        }
                        sent += n;
                    }
                }
                port.txBurst(0, out);
                final int got = port.rxBurst(0, in);
                for (int i = 0; i < got; i++)
                {
                    final long m = in.get(i);
                    final var buf = view.wrap(m);
                    if (parser.parse(buf, 0, buf.capacity()) != FrameParser.DROP_NONE || parser.type() != FrameParser.TYPE_TCP)
                    {
                        continue; // e.g. IPv6 router solicitations from the peer kernel
                    }
                    final TcpHeader tcp = parser.tcp();
                    final int k = tcp.dstPort() - 40000;
                    final boolean ok = tcp.srcPort() == 9 && k >= 0 && k < count && !seen[k] &&
                        tcp.flags() == (TcpHeader.RST | TcpHeader.ACK) && tcp.ack() == k * 1000 + 1;
                    if (ok)
                    {
                        seen[k] = true;
                        rsts++;
                    }
                    else
                    {
                        bad++;
                    }
                }
                in.freeAll();
                if (got == 0)
                {
                    Thread.onSpinWait();
                }
            }
            out.freeAll();
            System.out.println("RESULT sent=" + sent + " rsts=" + rsts + " bad=" + bad + " mac=" + EthPort.formatMac(ourMac));
        }
    }
}
