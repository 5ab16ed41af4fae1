package dev.wirespeed.engine.runtime;

import java.util.Locale;

import dev.wirespeed.bindings.MbufBurst;
import dev.wirespeed.engine.tcp.SplitMix64;
import dev.wirespeed.engine.wire.EthernetFrame;

/**
 * The engine's own fault injection at the port layer, on the RX or the TX path, over mbuf addresses (no copies
 * except for duplicates). Configured by a spec string:
 * <pre>
 *   loss=5%,dup=2%,reorder=10%,corrupt=0.5%,seed=42,delay=200us,depth=64
 * </pre>
 * Every key is optional (at least one must be given); rates are percentages 0..100 and need the {@code %};
 * {@code delay} (ns, us, ms, s; default 0) is the least time a reordered packet is held; {@code depth}
 * (default 64) bounds the hold ring; {@code seed} (default 1) makes a run repeatable.
 * <p>
 * For each packet of a burst, in order, four random draws are made whatever the outcome (so one decision never
 * shifts the others): <b>loss</b> frees the mbuf; <b>corrupt</b> XORs one random byte after the 14-byte
 * Ethernet header of an IPv4 frame with a nonzero mask, so an IPv4, ICMP or TCP checksum catches it (other frames
 * are left alone: on a real link the Ethernet FCS drops damaged frames, and ARP, which has no checksum of its own,
 * would otherwise teach the ARP cache a wrong address); <b>dup</b> emits a copy
 * right after the original (skipped, and counted, when no mbuf or no room is left); <b>reorder</b> holds the
 * packet in a fixed ring and releases it at the start of a later {@link #apply}/{@link #poll} call once
 * {@code delay} has passed, i.e. after the packets that followed it. A full ring lets packets pass unheld.
 * Held packets leave in the order they were held; {@link #flush} releases them all, {@link #freeHeld} frees them.
 * <p>
 * Ownership: {@link #apply} takes every mbuf of {@code in} (and clears it); each one ends up exactly once in
 * {@code out}, in the hold ring, or freed through {@link MbufOps#free}.
 * <p>
 * Not thread safe: one per shard and direction.
 */
public final class Impairment
{
    /** Hold-ring capacity (packets) when the spec names no {@code depth}. */
    public static final int DEFAULT_DEPTH = 64;
    /** PRNG seed when the spec names no {@code seed}. */
    public static final long DEFAULT_SEED = 1;

    private final MbufOps ops;
    private final SplitMix64 random;
    private final double lossRate;
    private final double duplicateRate;
    private final double reorderRate;
    private final double corruptRate;
    private final long lossThreshold;
    private final long duplicateThreshold;
    private final long reorderThreshold;
    private final long corruptThreshold;
    private final long delayNs;
    private final long seed;

    private final long[] heldMbufs;
    private final long[] heldAtNs;
    private int heldHead;
    private int heldCount;

    private long packetsIn;
    private long packetsOut;
    private long dropped;
    private long corrupted;
    private long duplicated;
    private long duplicateFailed;
    private long reordered;

    /**
     * An impairment with the given rates, applied with a seeded PRNG so that a run is repeatable.
     *
     * @param lossRate      probability 0..1 that a packet is dropped.
     * @param duplicateRate probability 0..1 that a packet is duplicated.
     * @param reorderRate   probability 0..1 that a packet is held back.
     * @param corruptRate   probability 0..1 that one byte of a packet is flipped.
     * @param delayNs       least time a held packet stays held.
     * @param depth         capacity of the hold ring.
     * @param seed          of the PRNG.
     * @param ops           frees, copies and corrupts mbufs.
     */
    public Impairment(
        final double lossRate,
        final double duplicateRate,
        final double reorderRate,
        final double corruptRate,
        final long delayNs,
        final int depth,
        final long seed,
        final MbufOps ops)
    {
        checkRate("loss", lossRate);
        checkRate("dup", duplicateRate);
        checkRate("reorder", reorderRate);
        checkRate("corrupt", corruptRate);
        if (delayNs < 0)
        {
            throw new IllegalArgumentException("impairment delay must be >= 0: " + delayNs + " ns");
        }
        if (depth < 1 || depth > 65536)
        {
            throw new IllegalArgumentException("impairment depth must be 1..65536: " + depth);
        }
        this.lossRate = lossRate;
        this.duplicateRate = duplicateRate;
        this.reorderRate = reorderRate;
        this.corruptRate = corruptRate;
        this.lossThreshold = SplitMix64.threshold(lossRate);
        this.duplicateThreshold = SplitMix64.threshold(duplicateRate);
        this.reorderThreshold = SplitMix64.threshold(reorderRate);
        this.corruptThreshold = SplitMix64.threshold(corruptRate);
        this.delayNs = delayNs;
        this.seed = seed;
        this.random = new SplitMix64(seed);
        this.ops = ops;
        this.heldMbufs = new long[depth];
        this.heldAtNs = new long[depth];
    }

    /**
     * Parses a spec such as {@code loss=5%,dup=2%,reorder=10%,corrupt=0.5%,seed=7,delay=1ms,depth=32}.
     *
     * @param spec the spec; a rate is a percentage, a delay takes {@code ns}, {@code us}, {@code ms} or {@code s}.
     * @param ops  frees, copies and corrupts mbufs.
     * @return the impairment (stream 0).
     * @throws IllegalArgumentException naming the bad part and what was expected.
     */
    public static Impairment parse(final String spec, final MbufOps ops)
    {
        return parse(spec, ops, 0);
    }

    /**
     * Like {@link #parse(String, MbufOps)}, for one of several independent streams of the same spec (a shard and
     * a direction): stream 0 uses the spec's seed as is, other streams a seed derived from it, so a run stays
     * repeatable while directions and shards do not drop in lockstep.
     *
     * @param spec   the spec, as {@link #parse(String, MbufOps)} reads it.
     * @param ops    frees, copies and corrupts mbufs.
     * @param stream the stream index, 0 for the spec's seed as is.
     * @return the impairment.
     * @throws IllegalArgumentException naming the bad part and what was expected.
     */
    public static Impairment parse(final String spec, final MbufOps ops, final int stream)
    {
        final Impairment base = parseSpec(spec, ops);
        if (stream == 0)
        {
            return base;
        }
        return new Impairment(base.lossRate, base.duplicateRate, base.reorderRate, base.corruptRate, base.delayNs,
            base.heldMbufs.length, base.seed + stream * 0x9E37_79B9_7F4A_7C15L, ops);
    }

    private static Impairment parseSpec(final String spec, final MbufOps ops)
    {
        if (spec == null || spec.isBlank())
        {
            throw new IllegalArgumentException(
                "empty impairment spec; expected e.g. loss=5%,dup=2%,reorder=10%,corrupt=0.5%,seed=1");
        }
        double loss = 0;
        double dup = 0;
        double reorder = 0;
        double corrupt = 0;
        long delayNs = 0;
        int depth = DEFAULT_DEPTH;
        long seed = DEFAULT_SEED;
        final java.util.Set<String> seen = new java.util.HashSet<>();
        for (final String part : spec.split(",", -1))
        {
            final String item = part.trim();
            final int eq = item.indexOf('=');
            if (eq <= 0 || eq == item.length() - 1)
            {
                throw new IllegalArgumentException("impairment spec '" + spec + "': expected key=value, got '" + item +
                    "' (keys: loss, dup, reorder, corrupt, seed, delay, depth)");
            }
            final String key = item.substring(0, eq).trim().toLowerCase(Locale.ROOT);
            final String value = item.substring(eq + 1).trim();
            if (!seen.add(key))
            {
                throw new IllegalArgumentException("impairment spec '" + spec + "': '" + key + "' given twice");
            }
            switch (key)
            {
                case "loss" -> loss = parsePercent(key, value);
                case "dup" -> dup = parsePercent(key, value);
                case "reorder" -> reorder = parsePercent(key, value);
                case "corrupt" -> corrupt = parsePercent(key, value);
                case "delay" -> delayNs = parseDurationNs(value);
                case "depth" -> depth = (int)parseLong(key, value, 1, 65536);
                case "seed" -> seed = parseLong(key, value, Long.MIN_VALUE, Long.MAX_VALUE);
                default -> throw new IllegalArgumentException("impairment spec '" + spec + "': unknown key '" + key +
                    "' (keys: loss, dup, reorder, corrupt, seed, delay, depth)");
            }
        }
        return new Impairment(loss, dup, reorder, corrupt, delayNs, depth, seed, ops);
    }

    /**
     * Impairs one burst. {@code out} needs room for at least {@code in.size()} more entries; duplicates and
     * released packets only use room beyond that.
     *
     * @param in    the burst to impair; it is left empty.
     * @param out   receives the packets that pass, copies and released held packets.
     * @param nowNs the shard's time in nanoseconds, for the hold delay.
     * @return entries appended to {@code out}.
     */
    public int apply(final MbufBurst in, final MbufBurst out, final long nowNs)
    {
        final int inSize = in.size();
        final int startSize = out.size();
        if (out.capacity() - startSize < inSize)
        {
            throw new IllegalArgumentException("impairment: out burst has room for " + (out.capacity() - startSize) +
                " mbufs, needs " + inSize);
        }
        release(out, nowNs, inSize, false);
        for (int i = 0; i < inSize; i++)
        {
            final long mbuf = in.get(i);
            final int laterOriginals = inSize - i - 1;
            final boolean lose = random.next53() < lossThreshold;
            final boolean corrupt = random.next53() < corruptThreshold;
            final boolean duplicate = random.next53() < duplicateThreshold;
            final boolean reorder = random.next53() < reorderThreshold;
            packetsIn++;
            if (lose)
            {
                dropped++;
                ops.free(mbuf);
                continue;
            }
            if (corrupt)
            {
                corrupt(mbuf);
            }
            long copy = 0;
            if (duplicate)
            {
                if (out.capacity() - out.size() - 1 > laterOriginals)
                {
                    copy = ops.copy(mbuf);
                }
                if (copy == 0)
                {
                    duplicateFailed++;
                }
                else
                {
                    duplicated++;
                }
            }
            if (reorder && heldCount < heldMbufs.length)
            {
                reordered++;
                final int tail = (heldHead + heldCount) % heldMbufs.length;
                heldMbufs[tail] = mbuf;
                heldAtNs[tail] = nowNs;
                heldCount++;
            }
            else
            {
                out.add(mbuf);
            }
            if (copy != 0)
            {
                out.add(copy);
            }
        }
        in.clear();
        final int added = out.size() - startSize;
        packetsOut += added;
        return added;
    }

    /**
     * Releases held packets whose delay has passed, in order, as room in {@code out} allows.
     *
     * @param out   receives the released packets.
     * @param nowNs the shard's time in nanoseconds.
     * @return entries appended to {@code out}.
     */
    public int poll(final MbufBurst out, final long nowNs)
    {
        final int added = release(out, nowNs, 0, false);
        packetsOut += added;
        return added;
    }

    /**
     * Releases every held packet, in order, as room in {@code out} allows.
     *
     * @param out receives the released packets.
     * @return entries appended to {@code out}.
     */
    public int flush(final MbufBurst out)
    {
        final int added = release(out, 0, 0, true);
        packetsOut += added;
        return added;
    }

    /** Frees every held packet (shutdown). */
    public void freeHeld()
    {
        while (heldCount > 0)
        {
            ops.free(heldMbufs[heldHead]);
            heldHead = (heldHead + 1) % heldMbufs.length;
            heldCount--;
        }
    }

    private int release(final MbufBurst out, final long nowNs, final int reserve, final boolean all)
    {
        int released = 0;
        while (heldCount > 0 && out.capacity() - out.size() > reserve &&
            (all || heldAtNs[heldHead] + delayNs - nowNs <= 0))
        {
            out.add(heldMbufs[heldHead]);
            heldHead = (heldHead + 1) % heldMbufs.length;
            heldCount--;
            released++;
        }
        return released;
    }

    private void corrupt(final long mbuf)
    {
        final int length = ops.dataLength(mbuf);
        final int from = EthernetFrame.HEADER_LENGTH;
        if (length > from && ops.getByte(mbuf, EthernetFrame.ETHERTYPE_OFFSET) == 0x08 &&
            ops.getByte(mbuf, EthernetFrame.ETHERTYPE_OFFSET + 1) == 0x00)
        {
            final int index = from + random.nextInt(length - from);
            final int mask = 1 + random.nextInt(255);
            ops.xorByte(mbuf, index, mask);
            corrupted++;
        }
    }

    /**
     * Packets given to {@link #apply}.
     *
     * @return the count since construction.
     */
    public long packetsIn()
    {
        return packetsIn;
    }

    /**
     * Entries appended to out bursts (originals, copies and released ones).
     *
     * @return the count since construction.
     */
    public long packetsOut()
    {
        return packetsOut;
    }

    /**
     * Packets dropped (freed) by the loss rate.
     *
     * @return the count since construction.
     */
    public long dropped()
    {
        return dropped;
    }

    /**
     * Packets with one byte flipped by the corrupt rate.
     *
     * @return the count since construction.
     */
    public long corrupted()
    {
        return corrupted;
    }

    /**
     * Duplicates appended by the duplicate rate.
     *
     * @return the count since construction.
     */
    public long duplicated()
    {
        return duplicated;
    }

    /**
     * Duplicates not made: no mbuf from {@link MbufOps#copy}, or no room in the out burst.
     *
     * @return the count since construction.
     */
    public long duplicateFailed()
    {
        return duplicateFailed;
    }

    /**
     * Packets held back for reordering.
     *
     * @return the count since construction.
     */
    public long reordered()
    {
        return reordered;
    }

    /**
     * Packets in the hold ring now.
     *
     * @return packets, 0..depth.
     */
    public int held()
    {
        return heldCount;
    }

    /**
     * The PRNG seed in use (for stream 0 the spec's, else the derived one), to repeat a run.
     *
     * @return the seed.
     */
    public long seed()
    {
        return seed;
    }

    /**
     * Least time a held packet stays held.
     *
     * @return nanoseconds.
     */
    public long delayNs()
    {
        return delayNs;
    }

    public String toString()
    {
        return String.format(Locale.ROOT, "loss=%s%%,dup=%s%%,reorder=%s%%,corrupt=%s%%,seed=%d,delay=%dns,depth=%d",
            pct(lossRate), pct(duplicateRate), pct(reorderRate), pct(corruptRate), seed, delayNs, heldMbufs.length);
    }

    private static String pct(final double rate)
    {
        return java.math.BigDecimal.valueOf(rate * 100).stripTrailingZeros().toPlainString();
    }

    private static void checkRate(final String name, final double rate)
    {
        if (!(rate >= 0 && rate <= 1))
        {
            throw new IllegalArgumentException("impairment " + name + " rate must be 0..1: " + rate);
        }
    }

    private static double parsePercent(final String key, final String value)
    {
        if (!value.endsWith("%"))
        {
            throw new IllegalArgumentException("impairment " + key + ": expected a percentage such as 5% or 0.5%, got '" +
                value + "'");
        }
        final double pct;
        try
        {
            pct = Double.parseDouble(value.substring(0, value.length() - 1).trim());
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException("impairment " + key + ": not a number: '" + value + "'");
        }
        if (!(pct >= 0 && pct <= 100))
        {
            throw new IllegalArgumentException("impairment " + key + ": must be 0%..100%, got '" + value + "'");
        }
        return pct / 100.0;
    }

    private static long parseLong(final String key, final String value, final long min, final long max)
    {
        final long v;
        try
        {
            v = Long.parseLong(value);
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException("impairment " + key + ": not an integer: '" + value + "'");
        }
        if (v < min || v > max)
        {
            throw new IllegalArgumentException("impairment " + key + ": must be " + min + ".." + max + ", got " + v);
        }
        return v;
    }

    /** Parses {@code 250ns}, {@code 100us}, {@code 5ms}, {@code 1s} (a unit is required, except for 0). */
    static long parseDurationNs(final String value)
    {
        final String v = value.toLowerCase(Locale.ROOT);
        final long scale;
        final String digits;
        if (v.endsWith("ns"))
        {
            scale = 1;
            digits = v.substring(0, v.length() - 2);
        }
        else if (v.endsWith("us"))
        {
            scale = 1_000;
            digits = v.substring(0, v.length() - 2);
        }
        else if (v.endsWith("ms"))
        {
            scale = 1_000_000;
            digits = v.substring(0, v.length() - 2);
        }
        else if (v.endsWith("s"))
        {
            scale = 1_000_000_000;
            digits = v.substring(0, v.length() - 1);
        }
        else if (v.equals("0"))
        {
            return 0;
        }
        else
        {
            throw new IllegalArgumentException("impairment delay: expected a duration such as 500us, 2ms or 1s, got '" +
                value + "'");
        }
        try
        {
            final long n = Long.parseLong(digits.trim());
            if (n < 0 || n > Long.MAX_VALUE / scale)
            {
                throw new IllegalArgumentException("impairment delay out of range: '" + value + "'");
            }
            return n * scale;
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException("impairment delay: expected a duration such as 500us, 2ms or 1s, got '" +
                value + "'");
        }
    }
}
