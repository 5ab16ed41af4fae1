/**
 * Wirespeed used as a library: an echo server on the shard thread, a client on an application thread and a
 * request/response latency probe, reading only what {@code dev.wirespeed.engine} exports.
 */
module dev.wirespeed.examples
{
    requires dev.wirespeed.engine;

    exports dev.wirespeed.examples;
}
