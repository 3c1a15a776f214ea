package org.lshsmile.core.lsh;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The LSH-SMILE buckets as packed fixed-size records in one off-heap segment, with a free list.
 *
 * <p>Record {@code b} starts at byte {@code b * stride()}:
 * <table>
 *   <caption>record layout</caption>
 *   <tr><th>bytes</th><th>field</th></tr>
 *   <tr><td>0 .. 8m</td><td>value: the m field values every member has</td></tr>
 *   <tr><td>8m .. 16m</td><td>hashed: the value when the bucket's neighbours were last re-hashed (drift base)</td></tr>
 *   <tr><td>16m + 0</td><td>rep: representative element (next free record while free)</td></tr>
 *   <tr><td>16m + 4</td><td>root: set id of the members in the union-find-delete forest</td></tr>
 *   <tr><td>16m + 8</td><td>count: number of members</td></tr>
 *   <tr><td>16m + 12</td><td>livePos: position in the engine's live list</td></tr>
 *   <tr><td>16m + 16</td><td>flags</td></tr>
 *   <tr><td>16m + 20, + 24</td><td>feature-cache slot and the stamp it is valid for</td></tr>
 *   <tr><td>16m + 32 ..</td><td>keys: the L table keys of the representative's codes when last hashed</td></tr>
 *   <tr><td>then, if kept</td><td>the representative's feature vector (13 m doubles) and its L K raw projections
 *       a.v + b when last hashed: a later coding adds only the changed features' columns (a.v is linear)</td></tr>
 * </table>
 * One record per bucket keeps a bucket's hot fields on one or two cache lines (an evaluation reads the
 * value and rep together); the free list recycles the records of merged-away buckets, so the store
 * grows only to the largest bucket count seen. Growth doubles the segment (amortised O(1) per record).
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

    private static final ValueLayout.OfDouble D = ValueLayout.JAVA_DOUBLE;
    private static final ValueLayout.OfInt I = ValueLayout.JAVA_INT;
    private static final ValueLayout.OfLong J = ValueLayout.JAVA_LONG;
    private static final int NONE = -1;

    private final int m;
    private final int tables;
    private final long stride;
    private final long intBase;
    private final long keyBase;
    private final long featBase;
    private final long projBase;
    private Arena arena;
    private MemorySegment seg;
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
        this.intBase = 16L * fields;
        this.keyBase = intBase + 32;
        this.featBase = keyBase + 8L * tables;
        this.projBase = featBase + 8L * features;
        this.stride = projBase + 8L * projections;
        this.capacity = Math.max(16, initialCapacity);
        this.arena = Arena.ofShared();
        this.seg = arena.allocate(capacity * stride, 64);
    }

    /** Bytes per record. */
    long stride() {
        return stride;
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
        return seg.byteSize();
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
        seg.asSlice(b * stride, stride).fill((byte) 0);
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
        Arena next = Arena.ofShared();
        MemorySegment bigger = next.allocate(cap * stride, 64);
        MemorySegment.copy(seg, 0, bigger, 0, top * stride);
        arena.close();
        arena = next;
        seg = bigger;
        capacity = (int) cap;
    }

    double value(int b, int f) {
        return seg.get(D, b * stride + 8L * f);
    }

    void setValue(int b, int f, double v) {
        seg.set(D, b * stride + 8L * f, v);
    }

    double hashed(int b, int f) {
        return seg.get(D, b * stride + 8L * (m + f));
    }

    void setHashed(int b, int f, double v) {
        seg.set(D, b * stride + 8L * (m + f), v);
    }

    /** Copies value (and, if {@code alsoHashed}, hashed) of record {@code from} into record {@code to}. */
    void copyValue(int from, int to, boolean alsoHashed) {
        MemorySegment.copy(seg, from * stride, seg, to * stride, (alsoHashed ? 16L : 8L) * m);
    }

    /** Sets hashed := value. */
    void markHashed(int b) {
        MemorySegment.copy(seg, b * stride, seg, b * stride + 8L * m, 8L * m);
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
        return seg.get(D, b * stride + featBase + 8L * i);
    }

    void setFeature(int b, int i, double v) {
        seg.set(D, b * stride + featBase + 8L * i, v);
    }

    double projection(int b, int j) {
        return seg.get(D, b * stride + projBase + 8L * j);
    }

    void setProjection(int b, int j, double v) {
        seg.set(D, b * stride + projBase + 8L * j, v);
    }

    int tables() {
        return tables;
    }

    @Override
    public void close() {
        if (arena.scope().isAlive()) {
            arena.close();
        }
    }
}
