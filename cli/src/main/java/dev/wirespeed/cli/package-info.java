/**
 * The {@code wirespeed} command line (picocli): {@link dev.wirespeed.cli.WirespeedCli} checks the JVM flags and
 * dispatches to {@code demo} ({@link dev.wirespeed.cli.DemoCommand}), {@code serve}
 * ({@link dev.wirespeed.cli.ServeCommand}), {@code client} ({@link dev.wirespeed.cli.ClientCommand}), {@code load}
 * and {@code report} ({@link dev.wirespeed.cli.LoadCommand}, {@link dev.wirespeed.cli.ReportCommand}), {@code stat}
 * ({@link dev.wirespeed.cli.StatCommand}), {@code nicbench} ({@link dev.wirespeed.cli.NicBenchCommand} and its
 * {@code Nic*Command} modes) and {@code e2e} (the benchmark module's engine-to-engine run).
 * <p>
 * Options shared by several commands are declared once: {@link dev.wirespeed.cli.PortOptions} (how a port is named:
 * {@code --iface}, {@code --vdev}, {@code --pci}), {@link dev.wirespeed.cli.EngineOptions} (address, shards,
 * threading, TCP settings, capture, impairment) and {@link dev.wirespeed.cli.ByteCount} (sizes with a unit suffix).
 * Bad input ends in one {@code wirespeed: error: ...} line and exit code 2, never a stack trace; long runs print a
 * progress line each second. The commands build engines through {@link dev.wirespeed.engine.runtime.Engine} and the
 * applications of {@code dev.wirespeed.apps}; the module reads nothing the engine does not export.
 */
package dev.wirespeed.cli;
