package dev.wirespeed.bindings;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * One DPDK Ethernet port: attach ({@link #open}), configure and start ({@link #start}), burst I/O, MAC, link,
 * statistics, stop and close.
 * <p>
 * Setup and teardown are not thread safe. Bursts on one queue must come from one thread at a time
 * (DPDK's rule); different queues may be polled by different threads.
 */
public final class EthPort implements AutoCloseable
{
    private final int portId;
    private final String name;
    private final boolean probedByUs;
    private final boolean vdev;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment scratch = arena.allocate(256, 8);
    /** For the timesync reads (one thread: the one that samples latency), apart from {@code scratch}. */
    private final MemorySegment timespec = arena.allocate(64, 8);
    private DeviceInfo info;
    private Mempool mempool;
    private boolean started;
    private boolean closed;
    private String user;
    private long txOffloads;
    private long rxOffloads;
    /** For a net_af_packet port: the kernel's ring drops, which the driver does not report. */
    private PacketRingDrops ringDrops;

    private EthPort(final int portId, final String name, final boolean probedByUs, final boolean vdev)
    {
        this.portId = portId;
        this.name = name;
        this.probedByUs = probedByUs;
        this.vdev = vdev;
    }

    /**
     * Attaches the port named by {@code spec}: an existing ethdev of that name (e.g. one given to EAL with
     * {@code --vdev}) or a device probed now ({@code rte_dev_probe}).
     *
     * @param spec the interface, vdev or PCI address.
     * @return the port, attached and not started.
     * @throws IllegalStateException if EAL is not running.
     * @throws DpdkException with a clear message for a bad vdev string or a missing interface.
     */
    public static EthPort open(final PortSpec spec)
    {
        requireEal();
        spec.validate();
        final String deviceName = spec.deviceName();
        int id = portIdByName(deviceName);
        boolean probed = false;
        if (id < 0)
        {
            try (Arena a = Arena.ofConfined())
            {
                final int rc = (int)Dpdk.RTE_DEV_PROBE.invokeExact(Dpdk.cString(a, spec.devargs()));
                if (rc < 0)
                {
                    throw new DpdkException("cannot attach port " + spec + " (device '" + deviceName +
                        "', devargs '" + spec.devargs() + "'): " + Dpdk.strerror(-rc) + " (" + -rc + ")" +
                        probeHint(spec) + "; ports in this process: " + existingNames(), -rc);
                }
            }
            catch (final Throwable t)
            {
                throw Dpdk.rethrow(t);
            }
            probed = true;
            id = portIdByName(deviceName);
            if (id < 0)
            {
                throw new DpdkException("device " + spec + " was probed but created no Ethernet port named '" +
                    deviceName + "'", 19);
            }
        }
        final EthPort port = new EthPort(id, deviceName, probed, spec.kind() != PortSpec.Kind.PCI);
        final String iface = afPacketInterface(spec.devargs());
        if (iface != null)
        {
            port.ringDrops = PacketRingDrops.forInterface(iface);
        }
        return port;
    }

    /** The {@code iface=} of a net_af_packet devargs string, else null. */
    static String afPacketInterface(final String devargs)
    {
        if (!devargs.startsWith("net_af_packet"))
        {
            return null;
        }
        for (final String arg : devargs.split(","))
        {
            if (arg.startsWith("iface="))
            {
                return arg.substring(6);
            }
        }
        return null;
    }

    private static String probeHint(final PortSpec spec)
    {
        return switch (spec.kind())
        {
            case VDEV -> ". Check the driver name and its arguments (e.g. net_null0, net_ring0, " +
                "net_af_packet0,iface=veth0, net_pcap0,rx_pcap=in.pcap,tx_pcap=out.pcap)";
            case IFACE -> ". Is the interface up, and are we root (AF_PACKET needs CAP_NET_RAW)?";
            case PCI -> ". Is the NIC bound to vfio-pci or uio (dpdk-devbind.py --status)?";
        };
    }

    /** Names of the ports DPDK knows in this process, for error messages. */
    static String existingNames()
    {
        final StringBuilder sb = new StringBuilder("[");
        try
        {
            for (int id = 0; id < NativeLayout.MAX_ETHPORTS; id++)
            {
                if ((int)Dpdk.RTE_ETH_DEV_IS_VALID_PORT.invokeExact((short)id) != 0)
                {
                    sb.append(sb.length() > 1 ? ", " : "").append(nameOf(id));
                }
            }
        }
        catch (final Throwable t)
        {
            throw Dpdk.rethrow(t);
        }
        return sb.append(']').toString();
    }

    /**
     * Wraps a port DPDK already created (for example by {@link RingPair}).
     *
     * @param portId the ethdev port id.
     * @return the port, not started.
     */
    public static EthPort ofId(final int portId)
    {
        requireEal();
        try
        {
            if ((int)Dpdk.RTE_ETH_DEV_IS_VALID_PORT.invokeExact((short)portId) == 0)
            {
                throw new DpdkException("no DPDK port with id " + portId, 19);
            }
        }
        catch (final Throwable t)
        {
            throw Dpdk.rethrow(t);
        }
        return new EthPort(portId, nameOf(portId), false, false);
    }

    /**
     * Number of ports DPDK knows.
     *
     * @return the number of ports.
     */
    public static int count()
    {
        requireEal();
        try
        {
            return ((short)Dpdk.RTE_ETH_DEV_COUNT_AVAIL.invokeExact()) & 0xFFFF;
        }
        catch (final Throwable t)
        {
            throw Dpdk.rethrow(t);
        }
    }

    static void requireEal()
    {
        NativeLibrary.check();
        if (Eal.current() == null)
        {
            throw new IllegalStateException("DPDK EAL is not running: call Eal.init(...) first");
        }
    }

    static int portIdByName(final String name)
    {
        try (Arena a = Arena.ofConfined())
        {
            final MemorySegment id = a.allocate(JAVA_SHORT);
            final int rc = (int)Dpdk.RTE_ETH_DEV_GET_PORT_BY_NAME.invokeExact(Dpdk.cString(a, name), id);
            return rc == 0 ? id.get(JAVA_SHORT, 0) & 0xFFFF : -1;
        }
        catch (final Throwable t)
        {
            throw Dpdk.rethrow(t);
        }
    }

    static String nameOf(final int portId)
    {
        try (Arena a = Arena.ofConfined())
        {
            final MemorySegment buf = a.allocate(NativeLayout.ETH_NAME_MAX_LEN);
            Dpdk.check((int)Dpdk.RTE_ETH_DEV_GET_NAME_BY_PORT.invokeExact((short)portId, buf), "rte_eth_dev_get_name_by_port");
            return buf.getString(0);
        }
        catch (final Throwable t)
        {
            throw Dpdk.rethrow(t);
        }
    }

    /**
     * The ethdev port id, as DPDK numbers ports.
     *
     * @return the id.
     */
    public int id()
    {
        return portId;
    }

    /**
     * The ethdev name, e.g. {@code net_ring0} or the PCI address.
     *
     * @return the name.
     */
    public String name()
    {
        return name;
    }

    /**
     * Capabilities ({@code rte_eth_dev_info_get}), read once.
     *
     * @return the capabilities.
     */
    public DeviceInfo info()
    {
        if (info == null)
        {
            try (Arena a = Arena.ofConfined())
            {
                final MemorySegment di = a.allocate(NativeLayout.DEV_INFO_SIZE, 8);
                Dpdk.check((int)Dpdk.RTE_ETH_DEV_INFO_GET.invokeExact((short)portId, di), "rte_eth_dev_info_get(" + name + ")");
                final MemorySegment driver = di.get(ADDRESS, NativeLayout.DEV_INFO_DRIVER_NAME);
                info = new DeviceInfo(
                    driver.address() == 0 ? "?" : driver.reinterpret(256).getString(0),
                    di.get(JAVA_INT, NativeLayout.DEV_INFO_IF_INDEX),
                    di.get(JAVA_SHORT, NativeLayout.DEV_INFO_MAX_RX_QUEUES) & 0xFFFF,
                    di.get(JAVA_SHORT, NativeLayout.DEV_INFO_MAX_TX_QUEUES) & 0xFFFF,
                    di.get(JAVA_SHORT, NativeLayout.DEV_INFO_RX_DESC_MAX) & 0xFFFF,
                    di.get(JAVA_SHORT, NativeLayout.DEV_INFO_TX_DESC_MAX) & 0xFFFF,
                    di.get(JAVA_SHORT, NativeLayout.DEV_INFO_MAX_MTU) & 0xFFFF,
                    di.get(JAVA_LONG, NativeLayout.DEV_INFO_RX_OFFLOAD_CAPA),
                    di.get(JAVA_LONG, NativeLayout.DEV_INFO_TX_OFFLOAD_CAPA),
                    di.get(JAVA_LONG, NativeLayout.DEV_INFO_FLOW_TYPE_RSS_OFFLOADS),
                    di.get(JAVA_SHORT, NativeLayout.DEV_INFO_RETA_SIZE) & 0xFFFF,
                    di.get(JAVA_BYTE, NativeLayout.DEV_INFO_HASH_KEY_SIZE) & 0xFF);
            }
            catch (final Throwable t)
            {
                throw Dpdk.rethrow(t);
            }
        }
        return info;
    }

    /**
     * Configures queues, creates the port's mempool on its NUMA socket, sets up RSS and checksum offloads where
     * the port has them, and starts it.
     *
     * @param cfg queues, descriptors, mempool and offloads.
     * @return this port, started.
     * @throws DpdkException naming the DPDK call that failed and its reason.
     */
    public EthPort start(final PortConfig cfg)
    {
        if (started)
        {
            throw new IllegalStateException("port " + name + " is already started");
        }
        final DeviceInfo di = info();
        if (cfg.rxQueues > di.maxRxQueues() || cfg.txQueues > di.maxTxQueues())
        {
            throw new DpdkException("port " + name + " (" + di.driverName() + ") supports at most " + di.maxRxQueues() +
                " rx and " + di.maxTxQueues() + " tx queues; asked for " + cfg.rxQueues + "/" + cfg.txQueues, 22);
        }
        try (Arena a = Arena.ofConfined())
        {
            final MemorySegment conf = a.allocate(NativeLayout.ETH_CONF_SIZE, 8);
            if (cfg.rxQueues > 1 && di.rss())
            {
                final MemorySegment key = arena.allocate(cfg.rssKey.length);
                MemorySegment.copy(cfg.rssKey, 0, key, JAVA_BYTE, 0, cfg.rssKey.length);
                conf.set(JAVA_INT, NativeLayout.ETH_CONF_RX_MQ_MODE, NativeLayout.MQ_RX_RSS);
                conf.set(ADDRESS, NativeLayout.ETH_CONF_RSS_KEY, key);
                conf.set(JAVA_BYTE, NativeLayout.ETH_CONF_RSS_KEY_LEN, (byte)cfg.rssKey.length);
                conf.set(JAVA_LONG, NativeLayout.ETH_CONF_RSS_HF,
                    di.rssOffloads() & (NativeLayout.RSS_IPV4 | NativeLayout.RSS_NONFRAG_IPV4_TCP | NativeLayout.RSS_NONFRAG_IPV4_UDP));
            }
            if (cfg.checksumOffload)
            {
                txOffloads = di.txOffloadCapa() & (NativeLayout.TX_OFFLOAD_IPV4_CKSUM | NativeLayout.TX_OFFLOAD_TCP_CKSUM);
                rxOffloads = di.rxOffloadCapa() & (NativeLayout.RX_OFFLOAD_IPV4_CKSUM | NativeLayout.RX_OFFLOAD_TCP_CKSUM);
            }
            if (cfg.rxTimestamps)
            {
                rxOffloads |= di.rxOffloadCapa() & NativeLayout.RX_OFFLOAD_TIMESTAMP;
            }
            conf.set(JAVA_LONG, NativeLayout.ETH_CONF_TX_OFFLOADS, txOffloads);
            conf.set(JAVA_LONG, NativeLayout.ETH_CONF_RX_OFFLOADS, rxOffloads);
            Dpdk.check((int)Dpdk.RTE_ETH_DEV_CONFIGURE.invokeExact((short)portId, (short)cfg.rxQueues,
                (short)cfg.txQueues, conf), "rte_eth_dev_configure(" + name + ")");

            final MemorySegment nrx = a.allocate(JAVA_SHORT);
            final MemorySegment ntx = a.allocate(JAVA_SHORT);
            nrx.set(JAVA_SHORT, 0, (short)cfg.rxDescriptors);
            ntx.set(JAVA_SHORT, 0, (short)cfg.txDescriptors);
            Dpdk.check((int)Dpdk.RTE_ETH_DEV_ADJUST_NB_RX_TX_DESC.invokeExact((short)portId, nrx, ntx),
                "rte_eth_dev_adjust_nb_rx_tx_desc(" + name + ")");

            final int socket = socketId();
            final int dataRoom = cfg.dataRoom > 0 ? cfg.dataRoom : NativeLayout.MBUF_DEFAULT_BUF_SIZE;
            mempool = Mempool.create("ws_mp_p" + portId, cfg.mempoolSize, cfg.mempoolCache, dataRoom, socket);
            for (int q = 0; q < cfg.rxQueues; q++)
            {
                Dpdk.check((int)Dpdk.RTE_ETH_RX_QUEUE_SETUP.invokeExact((short)portId, (short)q, nrx.get(JAVA_SHORT, 0),
                    socket, MemorySegment.NULL, mempool.pointer()), "rte_eth_rx_queue_setup(" + name + ", " + q + ")");
            }
            for (int q = 0; q < cfg.txQueues; q++)
            {
                Dpdk.check((int)Dpdk.RTE_ETH_TX_QUEUE_SETUP.invokeExact((short)portId, (short)q, ntx.get(JAVA_SHORT, 0),
                    socket, MemorySegment.NULL), "rte_eth_tx_queue_setup(" + name + ", " + q + ")");
            }
            Dpdk.check((int)Dpdk.RTE_ETH_DEV_START.invokeExact((short)portId), "rte_eth_dev_start(" + name + ")");
            started = true;
            if (cfg.promiscuous)
            {
                // Not every PMD supports it (-ENOTSUP): that is not an error for us.
                final int rc = (int)Dpdk.RTE_ETH_PROMISCUOUS_ENABLE.invokeExact((short)portId);
                if (rc < 0 && rc != -95)
                {
                    Dpdk.check(rc, "rte_eth_promiscuous_enable(" + name + ")");
                }
            }
        }
        catch (final Throwable t)
        {
            throw Dpdk.rethrow(t);
        }
        return this;
    }

    /**
     * NUMA socket of the port, or of the calling thread when the port does not say.
     *
     * @return the NUMA socket id.
     */
    public int socketId()
    {
        try
        {
            final int s = (int)Dpdk.RTE_ETH_DEV_SOCKET_ID.invokeExact((short)portId);
            return s < 0 ? NativeLayout.SOCKET_ID_ANY : s;
        }
        catch (final Throwable t)
        {
            throw Dpdk.rethrow(t);
        }
    }

    /**
     * The mempool created by {@link #start}, from which RX fills and TX should allocate.
     *
     * @return the mempool, or null before {@link #start}.
     */
    public Mempool mempool()
    {
        return mempool;
    }

    /**
     * TX offloads in effect (e.g. {@link NativeLayout#TX_OFFLOAD_TCP_CKSUM}); 0 means software checksums.
     *
     * @return {@code RTE_ETH_TX_OFFLOAD_*} bits.
     */
    public long txOffloads()
    {
        return txOffloads;
    }

    /**
     * RX offloads in effect (e.g. {@link NativeLayout#RX_OFFLOAD_TCP_CKSUM}); 0 means software checks.
     *
     * @return {@code RTE_ETH_RX_OFFLOAD_*} bits.
     */
    public long rxOffloads()
    {
        return rxOffloads;
    }

    /**
     * Receives up to {@code burst.capacity()} packets from {@code queue} into {@code burst} (one native call).
     * The caller owns the mbufs and must free or transmit each exactly once.
     *
     * @param queue the RX queue, 0..rxQueues - 1.
     * @param burst receives the mbuf addresses; its old entries are overwritten.
     * @return the number received (also the burst's new size).
     */
    public int rxBurst(final int queue, final MbufBurst burst)
    {
        try
        {
            final int n = ((short)Dpdk.WS_RX_BURST.invokeExact((short)portId, (short)queue, burst.segment(),
                (short)burst.capacity())) & 0xFFFF;
            burst.size(n);
            return n;
        }
        catch (final Throwable t)
        {
            throw Dpdk.rethrow(t);
        }
    }

    /**
     * Transmits the burst's entries from the front. Ownership of the sent mbufs passes to the driver; the unsent
     * remainder stays in the burst (moved to the front), still owned by the caller.
     *
     * @param queue the TX queue, 0..txQueues - 1.
     * @param burst the mbufs to send.
     * @return the number sent.
     */
    public int txBurst(final int queue, final MbufBurst burst)
    {
        final int size = burst.size();
        if (size == 0)
        {
            return 0;
        }
        try
        {
            final int n = ((short)Dpdk.WS_TX_BURST.invokeExact((short)portId, (short)queue, burst.segment(),
                (short)size)) & 0xFFFF;
            if (n == size)
            {
                burst.clear();
            }
            else
            {
                burst.consumeFront(n);
            }
            return n;
        }
        catch (final Throwable t)
        {
            throw Dpdk.rethrow(t);
        }
    }

    /**
     * The MAC address, 48 bits in the low bytes of a long, first octet most significant.
     *
     * @return the address.
     */
    public long macAddress()
    {
        try
        {
            Dpdk.check((int)Dpdk.RTE_ETH_MACADDR_GET.invokeExact((short)portId, scratch), "rte_eth_macaddr_get(" + name + ")");
            long mac = 0;
            for (int i = 0; i < 6; i++)
            {
                mac = (mac << 8) | (scratch.get(JAVA_BYTE, i) & 0xFF);
            }
            return mac;
        }
        catch (final Throwable t)
        {
            throw Dpdk.rethrow(t);
        }
    }

    /**
     * A MAC address as text.
     *
     * @param mac 48 bits in the low bytes, first octet most significant.
     * @return e.g. {@code "02:00:00:00:00:01"}.
     */
    public static String formatMac(final long mac)
    {
        final StringBuilder sb = new StringBuilder(17);
        for (int i = 5; i >= 0; i--)
        {
            final int b = (int)(mac >>> (8 * i)) & 0xFF;
            sb.append(Character.forDigit(b >> 4, 16)).append(Character.forDigit(b & 0xF, 16));
            if (i > 0)
            {
                sb.append(':');
            }
        }
        return sb.toString();
    }

    /**
     * True if the link is up ({@code rte_eth_link_get_nowait}).
     *
     * @return the link status now, without waiting.
     */
    public boolean linkUp()
    {
        readLink();
        // struct rte_eth_link: u32 link_speed, then a u16 of bit-fields: bit 0 duplex, bit 1 autoneg, bit 2 status.
        return (scratch.get(JAVA_SHORT, NativeLayout.ETH_LINK_SPEED + 4) & 0x4) != 0;
    }

    /**
     * Link speed in Mbit/s (0 if unknown).
     *
     * @return Mbit/s.
     */
    public int linkSpeedMbps()
    {
        readLink();
        return scratch.get(JAVA_INT, NativeLayout.ETH_LINK_SPEED);
    }

    private void readLink()
    {
        try
        {
            scratch.set(JAVA_LONG, 0, 0L);
            Dpdk.check((int)Dpdk.RTE_ETH_LINK_GET_NOWAIT.invokeExact((short)portId, scratch), "rte_eth_link_get_nowait(" + name + ")");
        }
        catch (final Throwable t)
        {
            throw Dpdk.rethrow(t);
        }
    }

    /**
     * Tries to turn on IEEE 1588 hardware timestamping ({@code rte_eth_timesync_enable}) and turns it off again.
     *
     * @return 0 if the port has it, else the negative errno DPDK gave (-95, ENOTSUP, for every vdev).
     */
    public int probeHardwareTimestamping()
    {
        try
        {
            final int rc = (int)Dpdk.RTE_ETH_TIMESYNC_ENABLE.invokeExact((short)portId);
            if (rc == 0)
            {
                final int ignored = (int)Dpdk.RTE_ETH_TIMESYNC_DISABLE.invokeExact((short)portId);
            }
            return rc;
        }
        catch (final Throwable t)
        {
            throw Dpdk.rethrow(t);
        }
    }

    /**
     * {@code rte_eth_timesync_enable}: the NIC latches the time of frames sent with
     * {@link NativeLayout#MBUF_F_TX_IEEE1588_TMST} and of received PTP frames, in its IEEE 1588 clock.
     *
     * @return 0, or the negative errno DPDK gave (-95, ENOTSUP, for every vdev).
     */
    public int enableTimesync()
    {
        try
        {
            return (int)Dpdk.RTE_ETH_TIMESYNC_ENABLE.invokeExact((short)portId);
        }
        catch (final Throwable t)
        {
            throw Dpdk.rethrow(t);
        }
    }

    /**
     * {@code rte_eth_timesync_disable}; returns its code.
     *
     * @return 0, or DPDK's negative error code.
     */
    public int disableTimesync()
    {
        try
        {
            return (int)Dpdk.RTE_ETH_TIMESYNC_DISABLE.invokeExact((short)portId);
        }
        catch (final Throwable t)
        {
            throw Dpdk.rethrow(t);
        }
    }

    /**
     * The NIC's IEEE 1588 time of the last frame sent with {@link NativeLayout#MBUF_F_TX_IEEE1588_TMST}
     * ({@code rte_eth_timesync_read_tx_timestamp}); reading it frees the register for the next frame.
     *
     * @return nanoseconds, or -1 when no timestamp is latched yet (EINVAL).
     * @throws DpdkException for any other error.
     */
    public long readTxTimestampNs()
    {
        try
        {
            return timespecResult((int)Dpdk.RTE_ETH_TIMESYNC_READ_TX_TIMESTAMP.invokeExact((short)portId, timespec),
                "rte_eth_timesync_read_tx_timestamp");
        }
        catch (final Throwable t)
        {
            throw Dpdk.rethrow(t);
        }
    }

    /**
     * The NIC's IEEE 1588 time of the last timestamped received frame ({@code rte_eth_timesync_read_rx_timestamp}).
     *
     * @param flags the frame's {@code rte_mbuf.timesync} register index for i40e ({@link Mbuf#timesync}), 0 for
     *              igb/ixgbe.
     * @return nanoseconds, or -1 when no timestamp is latched (EINVAL).
     */
    public long readRxTimestampNs(final int flags)
    {
        try
        {
            return timespecResult((int)Dpdk.RTE_ETH_TIMESYNC_READ_RX_TIMESTAMP.invokeExact((short)portId, timespec,
                flags), "rte_eth_timesync_read_rx_timestamp");
        }
        catch (final Throwable t)
        {
            throw Dpdk.rethrow(t);
        }
    }

    /**
     * The NIC's IEEE 1588 clock now ({@code rte_eth_timesync_read_time}), nanoseconds; -1 if it has none.
     *
     * @return nanoseconds, or -1.
     */
    public long readTimesyncTimeNs()
    {
        try
        {
            return timespecResult((int)Dpdk.RTE_ETH_TIMESYNC_READ_TIME.invokeExact((short)portId, timespec),
                "rte_eth_timesync_read_time");
        }
        catch (final Throwable t)
        {
            throw Dpdk.rethrow(t);
        }
    }

    /**
     * The raw clock counter that the RX timestamp offload writes into mbufs ({@code rte_eth_read_clock}), in the
     * device's ticks.
     *
     * @return device ticks.
     * @throws DpdkException when the device has no such clock (ENOTSUP for every vdev).
     */
    public long readClock()
    {
        try
        {
            Dpdk.check((int)Dpdk.RTE_ETH_READ_CLOCK.invokeExact((short)portId, timespec), "rte_eth_read_clock(" + name + ")");
            return timespec.get(JAVA_LONG, 0);
        }
        catch (final Throwable t)
        {
            throw Dpdk.rethrow(t);
        }
    }

    /**
     * True when the port offers the RX timestamp offload ({@code RTE_ETH_RX_OFFLOAD_TIMESTAMP}).
     *
     * @return true if offered.
     */
    public boolean hasRxTimestampOffload()
    {
        return (info().rxOffloadCapa() & NativeLayout.RX_OFFLOAD_TIMESTAMP) != 0;
    }

    /**
     * {@code struct timespec} seconds and nanoseconds as nanoseconds.
     *
     * @param seconds {@code tv_sec}.
     * @param nanos   {@code tv_nsec}.
     * @return nanoseconds.
     */
    public static long timespecNanos(final long seconds, final long nanos)
    {
        return seconds * 1_000_000_000L + nanos;
    }

    private long timespecResult(final int rc, final String what)
    {
        if (rc == -22 /* EINVAL: nothing latched */)
        {
            return -1;
        }
        Dpdk.check(rc, what + "(" + name + ")");
        return timespecNanos(timespec.get(JAVA_LONG, NativeLayout.TIMESPEC_SEC),
            timespec.get(JAVA_LONG, NativeLayout.TIMESPEC_NSEC));
    }

    /**
     * Whether the port is in promiscuous mode ({@code rte_eth_promiscuous_get}).
     *
     * @return true if it receives frames for any MAC address.
     */
    public boolean promiscuous()
    {
        try
        {
            return (int)Dpdk.RTE_ETH_PROMISCUOUS_GET.invokeExact((short)portId) == 1;
        }
        catch (final Throwable t)
        {
            throw Dpdk.rethrow(t);
        }
    }

    /**
     * Fills {@code out} from {@code rte_eth_stats_get}. For a {@code net_af_packet} port, {@code rxMissed} also
     * counts the frames the kernel dropped because an AF_PACKET ring was full ({@code PACKET_STATISTICS}), which
     * DPDK 22.11's driver leaves out. Not thread safe: one caller at a time.
     *
     * @param out the statistics to fill.
     * @return {@code out}.
     */
    public PortStats stats(final PortStats out)
    {
        try (Arena a = Arena.ofConfined())
        {
            final MemorySegment s = a.allocate(NativeLayout.ETH_STATS_SIZE, 8);
            Dpdk.check((int)Dpdk.RTE_ETH_STATS_GET.invokeExact((short)portId, s), "rte_eth_stats_get(" + name + ")");
            out.rxPackets = s.get(JAVA_LONG, NativeLayout.ETH_STATS_IPACKETS);
            out.txPackets = s.get(JAVA_LONG, NativeLayout.ETH_STATS_OPACKETS);
            out.rxBytes = s.get(JAVA_LONG, NativeLayout.ETH_STATS_IBYTES);
            out.txBytes = s.get(JAVA_LONG, NativeLayout.ETH_STATS_OBYTES);
            out.rxMissed = s.get(JAVA_LONG, NativeLayout.ETH_STATS_IMISSED) + (ringDrops == null ? 0 : ringDrops.drops());
            out.rxErrors = s.get(JAVA_LONG, NativeLayout.ETH_STATS_IERRORS);
            out.txErrors = s.get(JAVA_LONG, NativeLayout.ETH_STATS_OERRORS);
            out.rxNoMbuf = s.get(JAVA_LONG, NativeLayout.ETH_STATS_RX_NOMBUF);
            return out;
        }
        catch (final Throwable t)
        {
            throw Dpdk.rethrow(t);
        }
    }

    /**
     * Zeroes the port's statistics ({@code rte_eth_stats_reset}).
     *
     * @throws DpdkException if the driver refuses.
     */
    public void resetStats()
    {
        try
        {
            Dpdk.check((int)Dpdk.RTE_ETH_STATS_RESET.invokeExact((short)portId), "rte_eth_stats_reset(" + name + ")");
        }
        catch (final Throwable t)
        {
            throw Dpdk.rethrow(t);
        }
    }

    /**
     * Stops the port ({@code rte_eth_dev_stop}) if it is started; it can be started again.
     *
     * @throws DpdkException if the driver refuses.
     */
    public void stop()
    {
        if (started)
        {
            started = false;
            try
            {
                Dpdk.check((int)Dpdk.RTE_ETH_DEV_STOP.invokeExact((short)portId), "rte_eth_dev_stop(" + name + ")");
            }
            catch (final Throwable t)
            {
                throw Dpdk.rethrow(t);
            }
        }
    }

    /**
     * Stops and closes the port (the driver frees the mbufs its queues hold), detaches a vdev we probed, and frees
     * the port's mempool. Every mbuf the application took from the pool must have been freed before.
     */
    public void close()
    {
        if (closed)
        {
            return;
        }
        synchronized (this)
        {
            if (user != null)
            {
                throw new IllegalStateException("port " + name + " is still used by " + user + ": close that first");
            }
        }
        closed = true;
        stop();
        try (Arena a = Arena.ofConfined())
        {
            Dpdk.check((int)Dpdk.RTE_ETH_DEV_CLOSE.invokeExact((short)portId), "rte_eth_dev_close(" + name + ")");
            if (probedByUs && vdev)
            {
                Dpdk.check((int)Dpdk.RTE_EAL_HOTPLUG_REMOVE.invokeExact(Dpdk.cString(a, "vdev"), Dpdk.cString(a, name)),
                    "rte_eal_hotplug_remove(" + name + ")");
            }
        }
        catch (final Throwable t)
        {
            throw Dpdk.rethrow(t);
        }
        finally
        {
            if (mempool != null)
            {
                mempool.close();
            }
            arena.close();
        }
    }

    /**
     * True between {@link #start} and {@link #stop}.
     *
     * @return true while started.
     */
    public boolean isStarted()
    {
        return started;
    }

    /**
     * Marks the port as used by {@code user} (e.g. an engine), so that closing it meanwhile fails with a clear
     * message instead of pulling the queues from under a polling thread.
     *
     * @param user names the user in error messages.
     * @throws IllegalStateException if the port is closed or already used.
     */
    public synchronized void claim(final String user)
    {
        if (closed)
        {
            throw new IllegalStateException("port " + name + " is closed");
        }
        if (this.user != null)
        {
            throw new IllegalStateException("port " + name + " is already used by " + this.user);
        }
        this.user = user;
    }

    /**
     * Who {@linkplain #claim claimed} the port, or null.
     *
     * @return the user's name, or null.
     */
    public synchronized String user()
    {
        return user;
    }

    /**
     * Ends a {@link #claim}; a no-op if {@code user} does not hold it.
     *
     * @param user the name given to {@link #claim}.
     */
    public synchronized void release(final String user)
    {
        if (user.equals(this.user))
        {
            this.user = null;
        }
    }

    public String toString()
    {
        return "EthPort{" + portId + ", " + name + '}';
    }
}
