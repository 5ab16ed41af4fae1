/**
 * The applications built on the public engine surface: servers, the TCP client, the load generator, the NIC tools
 * and the HTML report. It reads only what {@code dev.wirespeed.engine} exports.
 */
module dev.wirespeed.apps
{
    requires transitive dev.wirespeed.engine;
    // Histogram is in this module's API. HdrHistogram 2.2.2 (the newest release) carries no Automatic-Module-Name,
    // so its module name comes from the jar's file name (the compiler plugin warns: "filename-based automodule").
    // The HdrHistogram build means to name it org.HdrHistogram (its jar-plugin setting, lost in 2.2.2's bundle step;
    // 2.2.1's module-info.class is broken): when a release carries that name, this becomes
    // "requires transitive org.HdrHistogram", here and in bench.
    requires transitive HdrHistogram;
    requires transitive com.fasterxml.jackson.databind;
    requires java.management;

    exports dev.wirespeed.apps.client;
    exports dev.wirespeed.apps.load;
    exports dev.wirespeed.apps.nic;
    exports dev.wirespeed.apps.report;
    exports dev.wirespeed.apps.serve;

    // JSON results are written and read by reflection
    opens dev.wirespeed.apps.load to com.fasterxml.jackson.databind;
    opens dev.wirespeed.apps.nic to com.fasterxml.jackson.databind;
    opens dev.wirespeed.apps.report to com.fasterxml.jackson.databind;
}
