package dev.wirespeed.engine.tcp;

/**
 * Receives the segments the TCP layer wants to send. The {@link TcpSegment} passed in is reused by the caller:
 * the emitter must copy what it needs (headers into an mbuf, payload bytes) before returning.
 */
@FunctionalInterface
public interface SegmentEmitter
{
    /**
     * Sends one segment (builds its frame and queues it for TX), on the endpoint's thread.
     *
     * @param segment valid only during the call.
     */
    void emit(TcpSegment segment);
}
