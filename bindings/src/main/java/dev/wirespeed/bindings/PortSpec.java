package dev.wirespeed.bindings;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How the user names a port, the same way in every command:
 * {@code --iface NAME} (a Linux interface through {@code net_af_packet}), {@code --vdev SPEC} (any DPDK virtual
 * device, e.g. {@code net_null0} or {@code net_af_xdp0,iface=veth1}) or {@code --pci ADDR} (a real NIC bound to a
 * DPDK driver).
 *
 * @param kind  how the port is named.
 * @param value the interface name, vdev spec or PCI address, not blank.
 */
public record PortSpec(Kind kind, String value)
{
    /** How the port is named: {@code --iface}, {@code --vdev} or {@code --pci}. */
    public enum Kind
    {
        /** Linux interface. */ IFACE, /** DPDK vdev. */ VDEV, /** NIC on a DPDK driver. */ PCI
    }

    /** Frames in each AF_PACKET ring of an {@code --iface} port (DPDK's default is 512). */
    public static final int AF_PACKET_FRAMES = 2048;

    /**
     * Checks that the value is not blank.
     *
     * @throws IllegalArgumentException for a null or blank value.
     */
    public PortSpec
    {
        if (value == null || value.isBlank())
        {
            throw new IllegalArgumentException("empty " + kind.name().toLowerCase() + " port name");
        }
    }

    /**
     * A Linux interface, opened through {@code net_af_packet} ({@code --iface}).
     *
     * @param name the interface name, e.g. {@code veth0}.
     * @return the spec.
     */
    public static PortSpec iface(final String name)
    {
        return new PortSpec(Kind.IFACE, name);
    }

    /**
     * A DPDK virtual device ({@code --vdev}).
     *
     * @param spec the vdev name and devargs, e.g. {@code net_null0}.
     * @return the spec.
     */
    public static PortSpec vdev(final String spec)
    {
        return new PortSpec(Kind.VDEV, spec);
    }

    /**
     * A NIC bound to a DPDK driver ({@code --pci}).
     *
     * @param address the PCI address, e.g. {@code 0000:01:00.0}.
     * @return the spec.
     */
    public static PortSpec pci(final String address)
    {
        return new PortSpec(Kind.PCI, address);
    }

    /**
     * The DPDK device arguments to probe ({@code name[,key=value...]}).
     *
     * @return the devargs.
     */
    public String devargs()
    {
        return switch (kind)
        {
            // framecnt: the driver's default ring of 512 frames loses bursts under load without counting them
            case IFACE -> "net_af_packet_" + value.replaceAll("[^A-Za-z0-9_]", "_") + ",iface=" + value +
                ",framecnt=" + AF_PACKET_FRAMES;
            case VDEV, PCI -> value;
        };
    }

    /**
     * The ethdev name DPDK gives the port (the devargs up to the first comma).
     *
     * @return the name.
     */
    public String deviceName()
    {
        final String d = devargs();
        final int comma = d.indexOf(',');
        return comma < 0 ? d : d.substring(0, comma);
    }

    /**
     * Checks what can be checked before DPDK is asked, for a clearer error.
     *
     * @throws DpdkException naming the problem.
     */
    public void validate()
    {
        if (kind == Kind.IFACE && !Files.exists(Path.of("/sys/class/net", value)))
        {
            throw new DpdkException("no such network interface: '" + value + "' (see 'ip link show'; " +
                "in a namespace, run inside it with 'ip netns exec')", 19 /* ENODEV */);
        }
        if (kind == Kind.VDEV && !value.startsWith("net_") && !value.startsWith("eth_"))
        {
            throw new DpdkException("'" + value + "' is not a DPDK network vdev: names start with a driver " +
                "such as net_null, net_ring, net_af_packet, net_af_xdp, net_tap, net_pcap, net_memif", 22 /* EINVAL */);
        }
    }

    public String toString()
    {
        return "--" + kind.name().toLowerCase() + " " + value;
    }
}
