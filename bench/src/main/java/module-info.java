/**
 * The benchmarks: JMH (wire, tcp, kernel NIO, NIC forwarding), the engine-to-engine e2e harness and the load-vs-serve
 * run. Like the applications, it reads only what the engine exports.
 */
module dev.wirespeed.bench
{
    requires transitive dev.wirespeed.apps;
    requires info.picocli;
    requires jmh.core;
    requires jdk.management;

    exports dev.wirespeed.bench.e2e;

    opens dev.wirespeed.bench.e2e to info.picocli;
}
