package dev.wirespeed.apps.nic;

import java.util.Locale;

import dev.wirespeed.bindings.DpdkException;
import dev.wirespeed.bindings.Eal;
import dev.wirespeed.bindings.EthPort;

/**
 * Which clock stamps the latency test's frames ({@code --timestamps auto|hw|sw}), decided once per run from what
 * the ports can do:
 * <ul>
 * <li>{@link Kind#IEEE1588}: both ports have IEEE 1588 timesync ({@code rte_eth_timesync_enable} succeeds). Sampled
 * frames (one in flight at a time, as MoonGen does) go out with {@code RTE_MBUF_F_TX_IEEE1588_TMST}; the NIC
 * latches their transmit and receive times, read with {@code rte_eth_timesync_read_tx_timestamp} and
 * {@code _read_rx_timestamp}. On one port both stamps come from one clock; on two ports their offset is measured
 * (bracketed {@code rte_eth_timesync_read_time}) and taken as constant over a trial.</li>
 * <li>{@link Kind#RX_OFFLOAD}: the receiving port has the RX timestamp offload: every frame's arrival is stamped
 * by the NIC ({@code rte_mbuf_dyn_rx_timestamp_register}), mapped to the software clock by a linear fit of
 * {@code rte_eth_read_clock} against it; the send side stays the software stamp in the payload.</li>
 * <li>{@link Kind#SOFTWARE}: the payload stamp against a software read after {@code rx_burst}.</li>
 * </ul>
 */
public final class Timestamps
{
    /** What the user asked for. */
    public enum Mode
    {
        /** Hardware if the ports have it, else software. */ AUTO, /** Hardware or fail. */ HW, /** Software. */ SW;

        /**
         * Parses {@code --timestamps}.
         *
         * @param s {@code auto}, {@code hw} or {@code sw}, either case.
         * @return the mode.
         * @throws IllegalArgumentException for anything else.
         */
        public static Mode parse(final String s)
        {
            return switch (s.strip().toLowerCase(Locale.ROOT))
            {
                case "auto" -> AUTO;
                case "hw" -> HW;
                case "sw" -> SW;
                default -> throw new IllegalArgumentException("--timestamps must be auto, hw or sw, not '" + s + "'");
            };
        }
    }

    /** What is used. */
    public enum Kind
    {
        /** Software stamps. */ SOFTWARE, /** IEEE 1588 timesync. */ IEEE1588, /** RX timestamp offload. */ RX_OFFLOAD
    }

    /**
     * The source chosen, and the sentence the report prints about it (which source, and why).
     *
     * @param kind        the source.
     * @param description the sentence.
     */
    public record Choice(Kind kind, String description)
    {
    }

    private Timestamps()
    {
    }

    /**
     * Probes the ports and picks the source. IEEE 1588 timesync is left enabled on the ports when chosen.
     *
     * @param mode  what the user asked for.
     * @param tx    the sending port.
     * @param rx    the receiving port.
     * @param clock the software clock.
     * @return the choice.
     * @throws IllegalArgumentException for {@link Mode#HW} on a port without hardware timestamping: one line naming
     *                                  the port and DPDK's reason.
     */
    public static Choice choose(final Mode mode, final EthPort tx, final EthPort rx, final PacketClock clock)
    {
        if (mode == Mode.SW)
        {
            return new Choice(Kind.SOFTWARE, "software (" + clock.source() + "), as --timestamps sw asks");
        }
        final int txRc = tx.enableTimesync();
        final int rxRc = rx == tx ? txRc : rx.enableTimesync();
        if (txRc == 0 && rxRc == 0)
        {
            return new Choice(Kind.IEEE1588, "hardware: IEEE 1588 timesync on " + (rx == tx ? "port " + tx.name() +
                " (send and receive stamps from its one clock)" : "ports " + tx.name() + " and " + rx.name() +
                " (their clock offset is measured before the test and assumed constant during it)") +
                "; sampled frames, one in flight at a time; the payload stamps are kept as the software figure");
        }
        if (txRc == 0)
        {
            tx.disableTimesync();
        }
        if (rxRc == 0 && rx != tx)
        {
            rx.disableTimesync();
        }
        final EthPort failed = txRc != 0 ? tx : rx;
        final int rc = txRc != 0 ? txRc : rxRc;
        String offload = "no RX timestamp offload";
        if (rx.hasRxTimestampOffload())
        {
            try
            {
                rx.readClock();
                return new Choice(Kind.RX_OFFLOAD, "hardware on receive: the RX timestamp offload of " + rx.name() +
                    " (its clock mapped to " + clock.source() + " by rte_eth_read_clock); software on send (payload " +
                    "stamp). IEEE 1588 timesync unavailable on " + failed.name() + ": " + reason(rc));
            }
            catch (final DpdkException ex)
            {
                offload = "RX timestamp offload present but rte_eth_read_clock fails: " + ex.getMessage();
            }
        }
        final String why = "port " + failed.name() + " (" + failed.info().driverName() + ") has no hardware " +
            "timestamping: rte_eth_timesync_enable: " + reason(rc) + "; " + offload;
        if (mode == Mode.HW)
        {
            throw new IllegalArgumentException("--timestamps hw: " + why);
        }
        return new Choice(Kind.SOFTWARE, "software (" + clock.source() + "): --timestamps auto fell back because " + why);
    }

    private static String reason(final int rc)
    {
        return Eal.strerror(rc) + " (" + rc + ")";
    }
}
