/**
 * The {@code wirespeed} command line. It reads only what the engine, the applications and the benchmarks export.
 */
module dev.wirespeed.cli
{
    requires dev.wirespeed.apps;
    requires dev.wirespeed.bench;
    requires info.picocli;
    requires jdk.management;
    requires jdk.unsupported;

    opens dev.wirespeed.cli to info.picocli;
}
