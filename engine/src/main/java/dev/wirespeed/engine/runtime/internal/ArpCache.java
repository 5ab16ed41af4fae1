package dev.wirespeed.engine.runtime.internal;

import org.agrona.collections.Int2IntHashMap;

/**
 * IPv4 &rarr; MAC cache with expiry, and a bounded queue of packets (mbuf addresses) per address being resolved.
 * <ul>
 *   <li>{@link #resolve} gives the MAC of a fresh entry; otherwise it queues the packet and, for a new
 *       address, sends a request through the {@link ArpEmitter}. The queue of an unresolved address is bounded in
 *       bytes, as Linux's {@code unres_qlen_bytes} is (its default, {@link #DEFAULT_QUEUE_BYTES}): a burst of
 *       small frames (SYN-ACKs to a new peer during a connection storm) waits in full, while the same budget
 *       holds only a few dozen full-sized segments. Every queued frame also takes one node of a pool shared by all
 *       addresses ({@code maxQueued}), so all the queues together never pin more than that many mbufs. Past
 *       either bound the oldest frame of that address is dropped, and counted.</li>
 *   <li>{@link #learn} (from a request or reply addressed to us) stores the MAC and transmits what waited,
 *       in order.</li>
 *   <li>{@link #poll} re-sends a request every {@code retryIntervalNs}; after {@code maxRequests} requests with no
 *       answer the queued packets are dropped. It also frees entries that have expired.</li>
 * </ul>
 * Entries live in preallocated arrays indexed by slot, found through an {@link Int2IntHashMap}; nothing is
 * allocated after construction. Time is the caller's {@code nowNs}; comparisons are wrap-safe.
 * <p>
 * Not thread safe: one per shard.
 */
public final class ArpCache
{
    /** {@link #lookup} result when the address has no fresh entry. */
    public static final long NO_MAC = -1L;

    /** {@link #resolve} result codes below 0. */
    public static final long QUEUED = -2L;
    /** The packet was dropped: the table is full of other addresses being resolved or fresh entries. */
    public static final long TABLE_FULL = -3L;

    /** {@link #update(int, long, long, boolean)}: the entry was stored (and what waited for it was sent). */
    public static final int UPDATED = 1;
    /** {@link #update(int, long, long, boolean)}: no entry for the address; nothing was created. */
    public static final int UNKNOWN = 0;
    /** {@link #update(int, long, long, boolean)}: another MAC within the lock time of the last update; ignored. */
    public static final int LOCKED = -1;
    /**
     * Linux's {@code locktime} (1 s): a resolved entry keeps its MAC for this long against a different one from a
     * non-gratuitous ARP, so that when several answers come back to back the first wins (no ARP thrashing).
     */
    public static final long LOCKTIME_NS = 1_000_000_000L;
    /** Linux's {@code unres_qlen_bytes} default (SK_WMEM_MAX): bytes queued per address awaiting ARP. */
    public static final int DEFAULT_QUEUE_BYTES = 212_992;

    private static final int FREE = 0;
    private static final int PENDING = 1;
    private static final int RESOLVED = 2;
    private static final int MISSING = -1;
    private static final int NONE = -1;

    private final ArpEmitter emitter;
    private final long entryTtlNs;
    private final long retryIntervalNs;
    private final int maxRequests;
    private final int queueBytes;
    private final int capacity;

    private final Int2IntHashMap slotByIp;
    private final int[] state;
    private final int[] ip;
    private final long[] mac;
    private final long[] deadlineNs;
    /** When the entry's MAC was last stored. */
    private final long[] updatedNs;
    private final int[] requestsSent;
    /** Per slot: its FIFO of nodes (head, tail, or NONE), their count and their bytes. */
    private final int[] queueHead;
    private final int[] queueTail;
    private final int[] queueSize;
    private final int[] queueBytesUsed;
    /** The node pool shared by every queue: the mbuf, its length, the next node (or the next free one). */
    private final long[] nodeMbuf;
    private final int[] nodeLength;
    private final int[] nodeNext;
    private int freeNode;
    private int used;
    private int freeHint;
    /** No entry's deadline is earlier than this (it may be earlier than the real earliest: then a scan fixes it). */
    private long earliestDeadlineNs;
    private boolean deadlineLowered;

    private long requests;
    private long resolutions;
    private long queueOverflowDrops;
    private long unresolvedDrops;
    private long tableFullDrops;
    private long expirations;

    /**
     * @param capacity        entries (resolved plus pending).
     * @param queueBytes      bytes (frame lengths) queued per address being resolved, at least one frame's worth;
     *                        {@link #DEFAULT_QUEUE_BYTES} as in Linux.
     * @param maxQueued       frames queued over all addresses together (the mbufs the queues may pin).
     * @param entryTtlNs      how long a learned MAC stays valid.
     * @param retryIntervalNs time between requests for an unanswered address.
     * @param maxRequests     requests sent before giving up on an address (at least 1).
     * @param emitter         sends requests, transmits and drops queued packets.
     */
    public ArpCache(
        final int capacity,
        final int queueBytes,
        final int maxQueued,
        final long entryTtlNs,
        final long retryIntervalNs,
        final int maxRequests,
        final ArpEmitter emitter)
    {
        if (capacity < 1 || queueBytes < 1 || maxQueued < 1 || entryTtlNs <= 0 || retryIntervalNs <= 0 ||
            maxRequests < 1)
        {
            throw new IllegalArgumentException("ArpCache: capacity, queueBytes, maxQueued, entryTtlNs, " +
                "retryIntervalNs and maxRequests must all be positive");
        }
        this.capacity = capacity;
        this.queueBytes = queueBytes;
        this.entryTtlNs = entryTtlNs;
        this.retryIntervalNs = retryIntervalNs;
        this.maxRequests = maxRequests;
        this.emitter = emitter;
        this.slotByIp = new Int2IntHashMap(capacity * 2, 0.65f, MISSING);
        this.state = new int[capacity];
        this.ip = new int[capacity];
        this.mac = new long[capacity];
        this.deadlineNs = new long[capacity];
        this.updatedNs = new long[capacity];
        this.requestsSent = new int[capacity];
        this.queueHead = new int[capacity];
        this.queueTail = new int[capacity];
        this.queueSize = new int[capacity];
        this.queueBytesUsed = new int[capacity];
        this.nodeMbuf = new long[maxQueued];
        this.nodeLength = new int[maxQueued];
        this.nodeNext = new int[maxQueued];
        for (int i = 0; i < maxQueued; i++)
        {
            nodeNext[i] = i + 1 < maxQueued ? i + 1 : NONE;
        }
        this.freeNode = 0;
    }

    /** The MAC of {@code address} if it has a fresh entry, else {@link #NO_MAC}. */
    public long lookup(final int address, final long nowNs)
    {
        final int slot = slotByIp.get(address);
        if (slot != MISSING && state[slot] == RESOLVED && deadlineNs[slot] - nowNs > 0)
        {
            return mac[slot];
        }
        return NO_MAC;
    }

    /**
     * Finds the MAC to send {@code mbuf} to {@code address}.
     *
     * @param length the frame's length in bytes, charged to the address's queue while it waits.
     * @return the MAC (&ge; 0): the caller still owns the mbuf and sends it. {@link #QUEUED}: the cache owns it
     * now and will {@link ArpEmitter#transmit} or {@link ArpEmitter#drop} it. {@link #TABLE_FULL}: it was
     * dropped through the emitter.
     */
    public long resolve(final int address, final long mbuf, final int length, final long nowNs)
    {
        final int slot = askedSlot(address, nowNs);
        if (slot == MISSING)
        {
            emitter.drop(mbuf);
            return TABLE_FULL;
        }
        if (state[slot] == RESOLVED)
        {
            return mac[slot];
        }
        enqueue(slot, mbuf, length);
        return QUEUED;
    }

    /**
     * The MAC of {@code address}, or a question for it when there is no fresh entry: the entry becomes pending (a
     * request now, retries from {@link #poll}), so that the answer counts as a reply to our own request and is
     * learned (an unsolicited reply is not). For a caller that needs a neighbour before it has a frame for it,
     * such as a load generator waiting for its target. Calling it again while the entry is pending asks nothing more.
     *
     * @return the MAC (&ge; 0), {@link #NO_MAC} while the answer is awaited, or {@link #TABLE_FULL}.
     */
    public long request(final int address, final long nowNs)
    {
        final int slot = askedSlot(address, nowNs);
        if (slot == MISSING)
        {
            return TABLE_FULL;
        }
        return state[slot] == RESOLVED ? mac[slot] : NO_MAC;
    }

    /**
     * The slot of {@code address}: resolved and fresh, or pending (a missing or expired entry starts asking now).
     * {@link #MISSING}, counted, when the table has no room for a new entry.
     */
    private int askedSlot(final int address, final long nowNs)
    {
        int slot = slotByIp.get(address);
        if (slot == MISSING)
        {
            slot = takeFreeSlot(nowNs);
            if (slot == MISSING)
            {
                tableFullDrops++;
                return MISSING;
            }
            ip[slot] = address;
            slotByIp.put(address, slot);
            startPending(slot, nowNs);
        }
        else if (state[slot] == RESOLVED && deadlineNs[slot] - nowNs <= 0)
        {
            expirations++; // expired: ask again, keeping the slot
            startPending(slot, nowNs);
        }
        return slot;
    }

    /**
     * Stores {@code address} at {@code macAddress} for the entry TTL and transmits any packets waiting for it.
     * When the table is full and the address is new, nothing is stored.
     *
     * @return true if stored.
     */
    public boolean learn(final int address, final long macAddress, final long nowNs)
    {
        int slot = slotByIp.get(address);
        if (slot == MISSING)
        {
            slot = takeFreeSlot(nowNs);
            if (slot == MISSING)
            {
                return false;
            }
            ip[slot] = address;
            slotByIp.put(address, slot);
        }
        if (state[slot] == PENDING)
        {
            resolutions++;
        }
        state[slot] = RESOLVED;
        mac[slot] = macAddress;
        updatedNs[slot] = nowNs;
        deadlineNs[slot] = nowNs + entryTtlNs;
        setDeadline(deadlineNs[slot]);
        requestsSent[slot] = 0;
        while (queueSize[slot] > 0)
        {
            emitter.transmit(dequeue(slot), macAddress);
        }
        return true;
    }

    /** Refreshes an existing entry only (RFC 826 merge): true if {@code address} was known. */
    public boolean update(final int address, final long macAddress, final long nowNs)
    {
        return update(address, macAddress, nowNs, true) == UPDATED;
    }

    /**
     * Refreshes an existing entry only, pending (we asked for it) or resolved (we hold it), as Linux's
     * {@code arp_process} does with {@code arp_accept=0}: nothing is ever created here.
     *
     * @param override false to keep a resolved entry's different MAC if it was stored less than
     *                 {@link #LOCKTIME_NS} ago (Linux overrides only after the lock time, or for gratuitous ARP).
     * @return {@link #UPDATED}, {@link #UNKNOWN} or {@link #LOCKED}.
     */
    public int update(final int address, final long macAddress, final long nowNs, final boolean override)
    {
        final int slot = slotByIp.get(address);
        if (slot == MISSING)
        {
            return UNKNOWN;
        }
        if (!override && state[slot] == RESOLVED && mac[slot] != macAddress && nowNs - updatedNs[slot] < LOCKTIME_NS)
        {
            return LOCKED;
        }
        return learn(address, macAddress, nowNs) ? UPDATED : UNKNOWN;
    }

    /**
     * Retries and expiry; call every millisecond or so.
     *
     * @return requests re-sent plus entries removed.
     */
    public int poll(final long nowNs)
    {
        if (used == 0 || earliestDeadlineNs - nowNs > 0)
        {
            // nothing is due: the shard calls this every duty cycle, so no scan of the table
            return 0;
        }
        int work = 0;
        boolean any = false;
        long earliest = 0;
        deadlineLowered = false;
        for (int slot = 0; slot < capacity; slot++)
        {
            final int s = state[slot];
            if (s == FREE)
            {
                continue;
            }
            if (deadlineNs[slot] - nowNs > 0)
            {
                if (!any || deadlineNs[slot] - earliest < 0)
                {
                    earliest = deadlineNs[slot];
                    any = true;
                }
                continue;
            }
            if (s == RESOLVED)
            {
                expirations++;
                release(slot);
            }
            else if (requestsSent[slot] < maxRequests)
            {
                requestsSent[slot]++;
                deadlineNs[slot] = nowNs + retryIntervalNs;
                if (!any || deadlineNs[slot] - earliest < 0)
                {
                    earliest = deadlineNs[slot];
                    any = true;
                }
                requests++;
                emitter.sendRequest(ip[slot]);
            }
            else
            {
                while (queueSize[slot] > 0)
                {
                    unresolvedDrops++;
                    emitter.drop(dequeue(slot));
                }
                release(slot);
            }
            work++;
        }
        // the scan saw every deadline, unless the emitter called back into the cache meanwhile and set an
        // earlier one; keep whichever is earlier then
        if (any && !(deadlineLowered && earliestDeadlineNs - earliest < 0))
        {
            earliestDeadlineNs = earliest;
        }
        return work;
    }

    /** Keeps {@link #earliestDeadlineNs} at or before every entry's deadline. */
    private void setDeadline(final long deadline)
    {
        if (used <= 1 || deadline - earliestDeadlineNs < 0)
        {
            earliestDeadlineNs = deadline;
            deadlineLowered = true;
        }
    }

    /** Drops every queued packet and forgets every entry (shutdown). */
    public void clear()
    {
        for (int slot = 0; slot < capacity; slot++)
        {
            if (state[slot] != FREE)
            {
                while (queueSize[slot] > 0)
                {
                    emitter.drop(dequeue(slot));
                }
                release(slot);
            }
        }
    }

    private void startPending(final int slot, final long nowNs)
    {
        state[slot] = PENDING;
        requestsSent[slot] = 1;
        deadlineNs[slot] = nowNs + retryIntervalNs;
        setDeadline(deadlineNs[slot]);
        requests++;
        emitter.sendRequest(ip[slot]);
    }

    /**
     * Appends to the slot's queue; the oldest frames of this address go first while its bytes would pass the
     * budget (Linux's {@code __neigh_event_send}) or while no node is free.
     */
    private void enqueue(final int slot, final long mbuf, final int length)
    {
        while (queueSize[slot] > 0 && (queueBytesUsed[slot] + length > queueBytes || freeNode == NONE))
        {
            queueOverflowDrops++;
            emitter.drop(dequeue(slot));
        }
        if (freeNode == NONE)
        {
            // every node is queued for other addresses: this frame is the one that goes
            queueOverflowDrops++;
            emitter.drop(mbuf);
            return;
        }
        final int node = freeNode;
        freeNode = nodeNext[node];
        nodeMbuf[node] = mbuf;
        nodeLength[node] = length;
        nodeNext[node] = NONE;
        if (queueSize[slot] == 0)
        {
            queueHead[slot] = node;
        }
        else
        {
            nodeNext[queueTail[slot]] = node;
        }
        queueTail[slot] = node;
        queueSize[slot]++;
        queueBytesUsed[slot] += length;
    }

    private long dequeue(final int slot)
    {
        final int node = queueHead[slot];
        final long mbuf = nodeMbuf[node];
        queueHead[slot] = nodeNext[node];
        queueSize[slot]--;
        queueBytesUsed[slot] -= nodeLength[node];
        nodeNext[node] = freeNode;
        freeNode = node;
        return mbuf;
    }

    private int takeFreeSlot(final long nowNs)
    {
        if (used == capacity)
        {
            // reclaim one expired resolved entry, if any
            for (int slot = 0; slot < capacity; slot++)
            {
                if (state[slot] == RESOLVED && deadlineNs[slot] - nowNs <= 0)
                {
                    expirations++;
                    release(slot);
                    break;
                }
            }
            if (used == capacity)
            {
                return MISSING;
            }
        }
        for (int i = 0; i < capacity; i++)
        {
            final int slot = (freeHint + i) % capacity;
            if (state[slot] == FREE)
            {
                freeHint = slot + 1;
                used++;
                queueHead[slot] = NONE;
                queueSize[slot] = 0;
                queueBytesUsed[slot] = 0;
                return slot;
            }
        }
        return MISSING;
    }

    private void release(final int slot)
    {
        slotByIp.remove(ip[slot]);
        state[slot] = FREE;
        while (queueSize[slot] > 0)
        {
            emitter.drop(dequeue(slot)); // callers drain it first; never leak a node or an mbuf
        }
        queueHead[slot] = NONE;
        used--;
        freeHint = slot;
    }

    /** Entries in use (resolved or pending). */
    public int size()
    {
        return used;
    }

    /** Bytes waiting for {@code address}. */
    public int queuedBytes(final int address)
    {
        final int slot = slotByIp.get(address);
        return slot == MISSING ? 0 : queueBytesUsed[slot];
    }

    /** Packets waiting for {@code address}. */
    public int queued(final int address)
    {
        final int slot = slotByIp.get(address);
        return slot == MISSING ? 0 : queueSize[slot];
    }

    public long requestsSent()
    {
        return requests;
    }

    /** Pending addresses that got an answer. */
    public long resolutions()
    {
        return resolutions;
    }

    /** Queued packets dropped to make room (the address's byte budget or the shared node pool was full). */
    public long queueOverflowDrops()
    {
        return queueOverflowDrops;
    }

    /** Queued packets dropped because their address never answered. */
    public long unresolvedDrops()
    {
        return unresolvedDrops;
    }

    /** Packets dropped because no slot was free. */
    public long tableFullDrops()
    {
        return tableFullDrops;
    }

    public long expirations()
    {
        return expirations;
    }
}
