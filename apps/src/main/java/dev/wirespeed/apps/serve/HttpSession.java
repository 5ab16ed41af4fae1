package dev.wirespeed.apps.serve;

import org.agrona.concurrent.UnsafeBuffer;

/**
 * The state of one HTTP connection of {@link Services}: where the request parser is, the header buffer it
 * borrowed while a head is incomplete, the response still waiting for send room, and its place in the idle
 * timeout list (oldest deadline first; every deadline is "now + the same timeout", so appending keeps the order
 * and expiry costs O(expired)). Pooled by {@link Services}; not thread safe.
 */
final class HttpSession
{
    /** Collecting the request head. */
    static final int HEAD = 0;
    /** Skipping a Content-Length body. */
    static final int BODY = 1;
    /** Reading a chunk-size line (hex size, optional extensions). */
    static final int CHUNK_SIZE = 2;
    /** Skipping chunk data. */
    static final int CHUNK_DATA = 3;
    /** Expecting the CRLF (or LF) after chunk data. */
    static final int CHUNK_DATA_END = 4;
    /** Reading trailer lines up to the empty line that ends the message. */
    static final int TRAILER = 5;
    /** After an error answer, a timeout or Connection: close: everything else is read and dropped. */
    static final int DISCARD = 6;

    long id;
    int phase;
    /** Bytes of the head (or of the chunk-size line, or of the trailer) collected. */
    int length;
    /** Where the current line of the head starts. */
    int lineStart;
    /** Digits seen on the chunk-size line; -1 once in its extension. */
    int chunkDigits;
    /** The chunk-size line had a CR: the next byte must be its LF. */
    boolean sawCr;
    /** The current trailer line has content. */
    boolean lineHasContent;
    UnsafeBuffer header;
    long bodyRemaining;
    /** The request being read is HEAD / wants the connection closed after its answer. */
    boolean headRequest;
    boolean closeRequested;
    /** The answer not yet wholly accepted by the send buffer (null: none), and how much of it was. */
    UnsafeBuffer pending;
    int pendingOffset;
    /** Shut our side down once {@link #pending} is written. */
    boolean closeAfterPending;

    long deadlineNs;
    HttpSession prev;
    HttpSession next;
    boolean timed;

    void reset(final long id)
    {
        this.id = id;
        phase = HEAD;
        length = 0;
        lineStart = 0;
        chunkDigits = 0;
        sawCr = false;
        lineHasContent = false;
        header = null;
        bodyRemaining = 0;
        headRequest = false;
        closeRequested = false;
        pending = null;
        pendingOffset = 0;
        closeAfterPending = false;
        deadlineNs = 0;
        prev = null;
        next = null;
        timed = false;
    }
}
