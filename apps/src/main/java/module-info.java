/**
 * The applications built on the public engine surface: servers, the TCP client, the load generator, the NIC tools
 * and the HTML report. It reads only what {@code dev.wirespeed.engine} exports.
 */
module dev.wirespeed.apps
{
    requires transitive dev.wirespeed.engine;
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
