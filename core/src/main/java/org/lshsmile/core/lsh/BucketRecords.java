package org.lshsmile.core.lsh;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.lshsmile.core.grid.OffHeap;

/**
 * The LSH-SMILE buckets as packed fixed-size records with a free list, split by how hot each field is into
 * three off-heap segments indexed by the same record id {@code b}:
 * <table>
 *   <caption>record layout</caption>
 *   <tr><th>segment, bytes of record b</th><th>field</th></tr>
 *   <tr><td>values, {@code b * 8m ..}</td><td>value: the m field values every member has</td></tr>
 *   <tr><td>meta, {@code b * metaStride} + 0 .. 8m</td><td>hashed: the value when the bucket's neighbours
 *       were last re-hashed (drift base)</td></tr>
 *   <tr><td>meta, + 8m + 0</td><td>rep: representative element (next free record while free)</td></tr>
 *   <tr><td>meta, + 8m + 4</td><td>root: set id of the members in the union-find-delete forest</td></tr>
 *   <tr><td>meta, + 8m + 8</td><td>count: number of members</td></tr>
 *   <tr><td>meta, + 8m + 12</td><td>livePos: position in the engine's live list</td></tr>
 *   <tr><td>meta, + 8m + 16</td><td>flags</td></tr>
 *   <tr><td>meta, + 8m + 20, + 24</td><td>feature-cache slot and the stamp it is valid for</td></tr>
 *   <tr><td>meta, + 8m + 32 ..</td><td>keys: the L table keys of the representative's codes when last hashed</td></tr>
 *   <tr><td>cold, if kept</td><td>the representative's feature vector (13 m doubles) and its L K raw projections
 *       a.v + b when last hashed: a later coding adds only the changed features' columns (a.v is linear)</td></tr>
 * </table>
 * Why three: an evaluation gathers the values of up to 13 different buckets, so values sit densely (one
 * cache line per bucket for m = 8) instead of inside 1.3 KB records whose features and projections
 * (read only when a bucket is re-coded) would spread them over 60 MB for 50 000 buckets. The free list
 * recycles the records of merged-away buckets, so the store grows only to the largest bucket count
 * seen; growth doubles the segments (amortised O(1) per record).
 *
 * <p>Not thread-safe; owned and closed by the engine.
 */
final class BucketRecords implements AutoCloseable {

    static final int FLAG_FREE = 1;
    static final int FLAG_DIRTY = 2;
    static final int FLAG_RECODE = 4;
    static final int FLAG_VERIFY_ALL = 8;
    /** The representative's features were the bucket's constant pattern (all 13 neighbours in it) when chosen. */
    static final int FLAG_REP_DEEP = 16;
    /** The stored features and projections are not the representative's: the next coding starts afresh. */
    static final int FLAG_CODES_STALE = 32;
    /** A ghost element's own bucket: never evaluated, never merged, changed only by the engine's overwrite. */
    static final int FLAG_GHOST = 64;

    private static final ValueLayout.OfDouble D = ValueLayout.JAVA_DOUBLE;
    private static final ValueLayout.OfInt I = ValueLayout.JAVA_INT;
    private static final ValueLayout.OfLong J = ValueLayout.JAVA_LONG;
    private static final int NONE = -1;

    private final int m;
    private final int tables;
    private final long valStride;
    private final long stride;
    private final long intBase;
    private final long keyBase;
    private final long coldStride;
    private final long projBase;
    private Arena arena;
    private MemorySegment vals;
    private MemorySegment seg;
    private MemorySegment cold;
    private int capacity;
    private int top;
    private int freeHead = NONE;
    private int inUse;

    /**
     * @param features    doubles of a feature vector kept per record (0: none kept)
     * @param projections raw projections kept per record (0: none kept)
     */
    BucketRecords(int fields, int tables, int features, int projections, int initialCapacity) {
        this.m = fields;
        this.tables = tables;
        this.valStride = 8L * fields;
        this.intBase = 8L * fields;
        this.keyBase = intBase + 32;
        this.stride = keyBase + 8L * tables;
        this.projBase = 8L * features;
        this.coldStride = projBase + 8L * projections;
        this.capacity = Math.max(16, initialCapacity);
        this.arena = OffHeap.shared();
        allocateSegments(arena, capacity);
    }

    private void allocateSegments(Arena a, long cap) {
        vals = a.allocate(cap * valStride, 64);
        seg = a.allocate(cap * stride, 64);
        cold = a.allocate(Math.max(1, cap * coldStride), 64);
    }

    /** Bytes per record, all three segments. */
    long stride() {
        return valStride + stride + coldStride;
    }

    /** Records in use. */
    int inUse() {
        return inUse;
    }

    /** Records ever handed out (free ones included): ids are below this. */
    int highWater() {
        return top;
    }

    /** Off-heap bytes held. */
    long bytes() {
        return vals.byteSize() + seg.byteSize() + cold.byteSize();
    }

    /** A fresh record with all fields zero except rep/root = -1; reuses a freed one when there is one. */
    int allocate() {
        int b;
        if (freeHead != NONE) {
            b = freeHead;
            freeHead = seg.get(I, b * stride + intBase);
        } else {
            if (top == capacity) {
                grow();
            }
            b = top++;
        }
        vals.asSlice(b * valStride, valStride).fill((byte) 0);
        seg.asSlice(b * stride, stride).fill((byte) 0);
        if (coldStride > 0) {
            cold.asSlice(b * coldStride, coldStride).fill((byte) 0);
        }
        setRep(b, NONE);
        setRoot(b, NONE);
        setCacheStamp(b, -1);
        inUse++;
        return b;
    }

    /** Returns record b to the free list. */
    void free(int b) {
        setFlags(b, FLAG_FREE);
        seg.set(I, b * stride + intBase, freeHead);
        freeHead = b;
        inUse--;
    }

    boolean isFree(int b) {
        return (flags(b) & FLAG_FREE) != 0;
    }

    private void grow() {
        long cap = Math.min((long) capacity * 2, Integer.MAX_VALUE / 2);
        if (cap <= capacity) {
            throw new IllegalStateException("bucket store cannot grow beyond " + capacity + " records");
        }
        // a new arena per segment so the old one can be freed now, not when the engine closes
        Arena next = OffHeap.shared();
        MemorySegment oldVals = vals;
        MemorySegment oldSeg = seg;
        MemorySegment oldCold = cold;
        allocateSegments(next, cap);
        MemorySegment.copy(oldVals, 0, vals, 0, top * valStride);
        MemorySegment.copy(oldSeg, 0, seg, 0, top * stride);
        MemorySegment.copy(oldCold, 0, cold, 0, top * coldStride);
        arena.close();
        arena = next;
        capacity = (int) cap;
    }

    double value(int b, int f) {
        return vals.get(D, b * valStride + 8L * f);
    }

    void setValue(int b, int f, double v) {
        vals.set(D, b * valStride + 8L * f, v);
    }

    double hashed(int b, int f) {
        return seg.get(D, b * stride + 8L * f);
    }

    void setHashed(int b, int f, double v) {
        seg.set(D, b * stride + 8L * f, v);
    }

    /** Copies value (and, if {@code alsoHashed}, hashed) of record {@code from} into record {@code to}. */
    void copyValue(int from, int to, boolean alsoHashed) {
        MemorySegment.copy(vals, from * valStride, vals, to * valStride, valStride);
        if (alsoHashed) {
            MemorySegment.copy(seg, from * stride, seg, to * stride, 8L * m);
        }
    }

    /** Sets hashed := value. */
    void markHashed(int b) {
        MemorySegment.copy(vals, b * valStride, seg, b * stride, 8L * m);
    }

    int rep(int b) {
        return seg.get(I, b * stride + intBase);
    }

    void setRep(int b, int e) {
        seg.set(I, b * stride + intBase, e);
    }

    int root(int b) {
        return seg.get(I, b * stride + intBase + 4);
    }

    void setRoot(int b, int s) {
        seg.set(I, b * stride + intBase + 4, s);
    }

    int count(int b) {
        return seg.get(I, b * stride + intBase + 8);
    }

    void setCount(int b, int c) {
        seg.set(I, b * stride + intBase + 8, c);
    }

    int livePos(int b) {
        return seg.get(I, b * stride + intBase + 12);
    }

    void setLivePos(int b, int p) {
        seg.set(I, b * stride + intBase + 12, p);
    }

    int flags(int b) {
        return seg.get(I, b * stride + intBase + 16);
    }

    void setFlags(int b, int f) {
        seg.set(I, b * stride + intBase + 16, f);
    }

    boolean hasFlag(int b, int flag) {
        return (flags(b) & flag) != 0;
    }

    void addFlag(int b, int flag) {
        setFlags(b, flags(b) | flag);
    }

    void clearFlag(int b, int flag) {
        setFlags(b, flags(b) & ~flag);
    }

    int cacheSlot(int b) {
        return seg.get(I, b * stride + intBase + 20);
    }

    int cacheStamp(int b) {
        return seg.get(I, b * stride + intBase + 24);
    }

    void setCache(int b, int slot, int stamp) {
        seg.set(I, b * stride + intBase + 20, slot);
        seg.set(I, b * stride + intBase + 24, stamp);
    }

    void setCacheStamp(int b, int stamp) {
        seg.set(I, b * stride + intBase + 24, stamp);
    }

    long key(int b, int t) {
        return seg.get(J, b * stride + keyBase + 8L * t);
    }

    void setKey(int b, int t, long k) {
        seg.set(J, b * stride + keyBase + 8L * t, k);
    }

    double feature(int b, int i) {
        return cold.get(D, b * coldStride + 8L * i);
    }

    void setFeature(int b, int i, double v) {
        cold.set(D, b * coldStride + 8L * i, v);
    }

    double projection(int b, int j) {
        return cold.get(D, b * coldStride + projBase + 8L * j);
    }

    void setProjection(int b, int j, double v) {
        cold.set(D, b * coldStride + projBase + 8L * j, v);
    }

    int tables() {
        return tables;
    }

    /** The current segments (values, meta, cold), for tests that check {@link #close()} frees them. */
    MemorySegment[] segments() {
        return new MemorySegment[] {vals, seg, cold};
    }

    @Override
    public void close() {
        if (arena.scope().isAlive()) {
            arena.close();
        }
    }
}
