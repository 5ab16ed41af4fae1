package dev.wirespeed.engine.api;

import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.ControlledMessageHandler;
import org.agrona.concurrent.ringbuffer.RingBuffer;

import static dev.wirespeed.engine.api.ApiMessages.*;
import static org.agrona.concurrent.ControlledMessageHandler.Action.ABORT;
import static org.agrona.concurrent.ControlledMessageHandler.Action.CONTINUE;

/**
 * Application side of one shard's event ring: decodes the events {@link EventProxy} wrote and calls a
 * {@link ConnectionListener}. Data is handed over as a view into the ring (no copy) valid during the call.
 * <p>
 * When {@link ConnectionListener#onData} consumes only part of a DATA event, the adapter remembers how much and
 * stops the poll there (the event stays at the head of the ring); the next poll offers the rest first. Until the
 * application takes it, the ring stays full and the shard leaves further bytes in TCP's receive buffer, so the
 * peer is slowed down rather than anything being dropped.
 * <p>
 * Not thread safe: one polling thread per adapter (the ring is one-to-one). Allocates nothing.
 */
public final class EventAdapter implements ControlledMessageHandler
{
    private final RingBuffer ring;
    private final ConnectionListener listener;
    private int headConsumed;

    /**
     * An adapter delivering the events of {@code eventRing} to {@code listener}.
     *
     * @param eventRing the ring a shard's {@link EventProxy} writes.
     * @param listener  receives every event, on the polling thread.
     */
    public EventAdapter(final RingBuffer eventRing, final ConnectionListener listener)
    {
        this.ring = eventRing;
        this.listener = listener;
    }

    /**
     * Delivers up to {@code limit} events. Returns how many were fully consumed.
     *
     * @param limit events at most.
     * @return events fully consumed (0 when idle).
     */
    public int poll(final int limit)
    {
        return ring.controlledRead(this, limit);
    }

    public Action onMessage(final int msgTypeId, final MutableDirectBuffer buffer, final int index, final int length)
    {
        final ConnectionListener l = listener;
        switch (msgTypeId)
        {
            case EVT_DATA:
            {
                final long connectionId = buffer.getLong(index + DATA_CONNECTION_ID_OFFSET, BYTE_ORDER);
                final int offered = length - DATA_OFFSET - headConsumed;
                final int consumed = l.onData(connectionId, buffer, index + DATA_OFFSET + headConsumed, offered);
                if (consumed < offered)
                {
                    headConsumed += Math.max(0, consumed);
                    return ABORT;
                }
                headConsumed = 0;
                break;
            }

            case EVT_CONNECTED:
                l.onConnected(buffer.getLong(index + ID_OFFSET, BYTE_ORDER),
                    buffer.getLong(index + SECOND_ID_OFFSET, BYTE_ORDER));
                break;

            case EVT_CONNECT_FAILED:
                l.onConnectFailed(buffer.getLong(index + ID_OFFSET, BYTE_ORDER),
                    buffer.getInt(index + A_OFFSET, BYTE_ORDER), buffer.getInt(index + B_OFFSET, BYTE_ORDER));
                break;

            case EVT_ACCEPTED:
                l.onAccepted(buffer.getInt(index + A_OFFSET, BYTE_ORDER), buffer.getLong(index + ID_OFFSET, BYTE_ORDER));
                break;

            case EVT_WRITE_BLOCKED:
                l.onWriteBlocked(buffer.getLong(index + ID_OFFSET, BYTE_ORDER));
                break;

            case EVT_WRITABLE:
                l.onWritable(buffer.getLong(index + ID_OFFSET, BYTE_ORDER));
                break;

            case EVT_PEER_CLOSED:
                l.onPeerClosed(buffer.getLong(index + ID_OFFSET, BYTE_ORDER));
                break;

            case EVT_RESET:
                l.onReset(buffer.getLong(index + ID_OFFSET, BYTE_ORDER));
                break;

            case EVT_TIMEOUT:
                l.onTimeout(buffer.getLong(index + ID_OFFSET, BYTE_ORDER));
                break;

            case EVT_CLOSED:
                l.onClosed(buffer.getLong(index + ID_OFFSET, BYTE_ORDER));
                break;

            case EVT_COMMAND_FAILED:
                l.onCommandFailed(buffer.getLong(index + ID_OFFSET, BYTE_ORDER),
                    buffer.getInt(index + A_OFFSET, BYTE_ORDER), buffer.getInt(index + B_OFFSET, BYTE_ORDER));
                break;

            default:
                // an event type this adapter does not know (a newer shard): skipped
                break;
        }
        return CONTINUE;
    }
}
