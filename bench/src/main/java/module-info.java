/**
 * The benchmarks: JMH (wire, tcp, kernel NIO, NIC forwarding), the engine-to-engine e2e harness and the load-vs-serve
 * run. Like the applications, it reads only what the engine exports.
 */
module dev.wirespeed.bench
{
    requires transitive dev.wirespeed.apps;
    requires info.picocli;
    // jmh-core 1.37 (the newest release) carries no Automatic-Module-Name: the name comes from the jar's file name
    // (the compiler plugin warns: "filename-based automodule"); only the unexported JMH benchmarks use it
    requires jmh.core;
    requires jdk.management;

    exports dev.wirespeed.bench.e2e;

    opens dev.wirespeed.bench.e2e to info.picocli;
}
