package dev.wirespeed.cli;

import java.util.ArrayList;
import java.util.List;

import dev.wirespeed.bindings.EalOptions;
import dev.wirespeed.bindings.PortSpec;
import picocli.CommandLine.Option;

/** Port selection shared by every command: {@code --iface}, {@code --vdev}, {@code --pci}, {@code --eal}. */
public final class PortOptions
{
    @Option(names = "--iface", paramLabel = "NAME", description = "Linux interface, through net_af_packet (repeatable)")
    List<String> ifaces = new ArrayList<>();

    @Option(names = "--vdev", paramLabel = "SPEC", description = "DPDK virtual device, e.g. net_null0 or net_af_xdp0,iface=veth1 (repeatable)")
    List<String> vdevs = new ArrayList<>();

    @Option(names = "--pci", paramLabel = "ADDR", description = "real NIC by PCI address, bound to a DPDK driver (repeatable)")
    List<String> pcis = new ArrayList<>();

    @Option(names = "--eal", paramLabel = "ARGS", description = "extra EAL arguments, passed through as they are")
    String eal;

    /** Ports in the order given: ifaces, then vdevs, then PCI addresses. */
    public List<PortSpec> ports()
    {
        final List<PortSpec> specs = new ArrayList<>();
        ifaces.forEach(i -> specs.add(PortSpec.iface(i)));
        vdevs.forEach(v -> specs.add(PortSpec.vdev(v)));
        pcis.forEach(p -> specs.add(PortSpec.pci(p)));
        return specs;
    }

    public boolean isEmpty()
    {
        return ifaces.isEmpty() && vdevs.isEmpty() && pcis.isEmpty();
    }

    /** EAL options for these ports: PCI devices are allowed at start; vdevs and ifaces are probed later. */
    public EalOptions ealOptions()
    {
        final EalOptions o = new EalOptions();
        pcis.forEach(o::pci);
        return o.extra(eal);
    }
}
