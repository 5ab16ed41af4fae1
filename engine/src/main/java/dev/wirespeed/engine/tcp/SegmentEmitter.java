package dev.wirespeed.engine.tcp;

/**
 * Receives the segments the TCP layer wants to send. The {@link TcpSegment} passed in is reused by the caller:
 * the emitter must copy what it needs (headers into an mbuf, payload bytes) before returning.
 */
@FunctionalInterface
public interface SegmentEmitter
{
    void emit(TcpSegment segment);
}
