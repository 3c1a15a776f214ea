package org.lshsmile.core.lsh;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Objects;
import org.lshsmile.core.grid.OffHeap;

/**
 * Off-heap open-addressing hash table from {@code long} keys (LSH hash codes) to {@code int} values
 * (bucket ids). One instance backs one LSH table of the LSH-SMILE engine.
 *
 * <p>Layout: one native segment of {@code capacity + 1} interleaved 16-byte slots, each a
 * {@code long} key at offset 0 and an {@code int} value at offset 8 (4 bytes of padding). The
 * capacity is a power of two, collisions are resolved by linear probing on a mixed key, and
 * {@link #remove} uses backward-shift deletion, so there are no tombstones and lookups never
 * degrade after many removals.
 *
 * <p>Every {@code long} is a valid key. Key {@code 0} marks empty slots; the key {@code 0} itself
 * is held outside the probed slots, in the value field of the extra slot {@code capacity()}, with
 * a flag that says whether it is present. Every {@code int} except {@link #NO_VALUE} is a valid
 * value: {@code NO_VALUE} is what the mutators return for "no previous value", so storing it is
 * refused.
 *
 * <p>Memory: the table owns its arena. When it grows it allocates the doubled segment from a new
 * arena of the same kind (shared or confined), rehashes, and closes the old arena, so only one
 * segment is ever alive. {@link #close()} frees it; afterwards every method other than
 * {@code close()} throws {@link IllegalStateException}.
 *
 * <p>Threads: not thread-safe for writes. A shared table (the default) may be read by many threads
 * at once while nobody writes; a confined table may only be used by the thread that created it.
 * Closing a shared arena costs a handshake with every thread, and growth closes one, so size the
 * table up front when the number of keys is known.
 *
 * <p>Iteration order ({@link #forEach}) depends only on the keys, the capacity and the order of
 * operations, never on the run, so results built from it are reproducible.
 */
public final class LongIntTable implements AutoCloseable {

    /** Returned by {@link #put}, {@link #putIfAbsent} and {@link #remove} for "no value"; never storable. */
    public static final int NO_VALUE = Integer.MIN_VALUE;

    /** Load factor used when none is given. */
    public static final double DEFAULT_LOAD_FACTOR = 0.75;

    /** Largest load factor accepted: beyond it linear-probing chains grow long. */
    public static final double MAX_LOAD_FACTOR = 0.95;

    /** Smallest capacity (slots). */
    public static final int MIN_CAPACITY = 4;

    /** Largest capacity (slots): slot indices and their complements must fit an {@code int}. */
    public static final int MAX_CAPACITY = 1 << 30;

    /** Key value that marks an empty slot: fresh arena memory and {@code fill(0)} are already empty. */
    private static final long EMPTY = 0L;

    /** log2 of the slot size: 16-byte slots keep the key 8-aligned and the address a shift. */
    private static final int SLOT_SHIFT = 4;

    private static final long VALUE_OFFSET = 8;

    /** Cache-line alignment, so no 16-byte slot straddles two lines. */
    private static final long SEGMENT_ALIGNMENT = 64;

    private static final ValueLayout.OfLong KEY = ValueLayout.JAVA_LONG;
    private static final ValueLayout.OfInt VALUE = ValueLayout.JAVA_INT;

    private final double loadFactor;
    private final boolean shared;

    private Arena arena;
    private MemorySegment slots;
    private int mask;
    /** Per-capacity hash seed: see {@link #seedFor}. */
    private long seed;
    /** Keys held in probed slots (key 0 excluded). */
    private int assigned;
    /** Grow before {@link #assigned} would exceed this; always below the capacity, so probes end. */
    private int resizeAt;
    private boolean hasEmptyKey;
    private boolean closed;

    /**
     * A table with {@link #DEFAULT_LOAD_FACTOR} in a shared arena.
     *
     * @param expectedSize number of keys the table holds without growing, {@code >= 0}
     * @throws IllegalArgumentException if {@code expectedSize} is negative or needs more than
     *     {@link #MAX_CAPACITY} slots
     */
    public LongIntTable(int expectedSize) {
        this(expectedSize, DEFAULT_LOAD_FACTOR, true);
    }

    /**
     * A table in a shared arena.
     *
     * @param expectedSize number of keys the table holds without growing, {@code >= 0}
     * @param loadFactor fraction of slots filled before the table doubles, in {@code (0, 0.95]}
     * @throws IllegalArgumentException if an argument is out of range
     */
    public LongIntTable(int expectedSize, double loadFactor) {
        this(expectedSize, loadFactor, true);
    }

    /**
     * A table.
     *
     * @param expectedSize number of keys the table holds without growing, {@code >= 0}
     * @param loadFactor fraction of slots filled before the table doubles, in {@code (0, 0.95]}
     * @param shared {@code true} for a shared arena (readable from any thread), {@code false} for a
     *     confined one (creating thread only; cheaper to close on growth)
     * @throws IllegalArgumentException if an argument is out of range
     */
    public LongIntTable(int expectedSize, double loadFactor, boolean shared) {
        if (expectedSize < 0) {
            throw new IllegalArgumentException("expectedSize must be >= 0, got " + expectedSize);
        }
        if (!(loadFactor > 0 && loadFactor <= MAX_LOAD_FACTOR)) {
            throw new IllegalArgumentException("loadFactor must be in (0, " + MAX_LOAD_FACTOR + "], got " + loadFactor);
        }
        this.loadFactor = loadFactor;
        this.shared = shared;
        int capacity = MIN_CAPACITY;
        while (resizeAtFor(capacity, loadFactor) < expectedSize) {
            if (capacity == MAX_CAPACITY) {
                throw new IllegalArgumentException("expectedSize " + expectedSize + " at load factor " + loadFactor
                    + " needs more than " + MAX_CAPACITY + " slots");
            }
            capacity <<= 1;
        }
        Arena a = newArena();
        try {
            this.slots = a.allocate(bytesFor(capacity), SEGMENT_ALIGNMENT);
        } catch (RuntimeException | Error e) {
            a.close();
            throw e;
        }
        this.arena = a;
        setCapacity(capacity);
    }

    /**
     * Returns the value mapped to {@code key}, or {@code missing} if there is none.
     *
     * @param key any long
     * @param missing value to return when {@code key} is absent
     * @return the mapped value or {@code missing}
     * @throws IllegalStateException if the table is closed
     */
    public int get(long key, int missing) {
        MemorySegment s = slots;
        if (key == EMPTY) {
            // Read unconditionally: the access is what fails on a closed table.
            int v = s.get(VALUE, valueOffset(mask + 1));
            return hasEmptyKey ? v : missing;
        }
        int m = mask;
        int slot = slotOf(key, seed, m);
        long k;
        while ((k = s.get(KEY, keyOffset(slot))) != EMPTY) {
            if (k == key) {
                return s.get(VALUE, valueOffset(slot));
            }
            slot = (slot + 1) & m;
        }
        return missing;
    }

    /**
     * Maps {@code key} to {@code value}.
     *
     * @param key any long
     * @param value any int except {@link #NO_VALUE}
     * @return the previous value, or {@link #NO_VALUE} if {@code key} was absent
     * @throws IllegalArgumentException if {@code value == NO_VALUE}
     * @throws IllegalStateException if the table is closed, or full at {@link #MAX_CAPACITY}
     */
    public int put(long key, int value) {
        checkValue(value);
        int index = indexOf(key);
        if (index >= 0) {
            long off = valueOffset(index);
            int previous = slots.get(VALUE, off);
            slots.set(VALUE, off, value);
            return previous;
        }
        insert(~index, key, value);
        return NO_VALUE;
    }

    /**
     * Maps {@code key} to {@code value} unless {@code key} is already present.
     *
     * @param key any long
     * @param value any int except {@link #NO_VALUE}
     * @return the value already mapped (table unchanged), or {@link #NO_VALUE} if {@code value} was
     *     inserted
     * @throws IllegalArgumentException if {@code value == NO_VALUE}
     * @throws IllegalStateException if the table is closed, or full at {@link #MAX_CAPACITY}
     */
    public int putIfAbsent(long key, int value) {
        checkValue(value);
        int index = indexOf(key);
        if (index >= 0) {
            return slots.get(VALUE, valueOffset(index));
        }
        insert(~index, key, value);
        return NO_VALUE;
    }

    /**
     * Removes the mapping of {@code key}. The keys after it in its probe run are shifted back, so
     * no tombstone is left behind; slot indices from {@link #indexOf} are invalid afterwards.
     *
     * @param key any long
     * @return the removed value, or {@link #NO_VALUE} if {@code key} was absent
     * @throws IllegalStateException if the table is closed
     */
    public int remove(long key) {
        MemorySegment s = slots;
        if (key == EMPTY) {
            int v = s.get(VALUE, valueOffset(mask + 1));
            if (!hasEmptyKey) {
                return NO_VALUE;
            }
            hasEmptyKey = false;
            return v;
        }
        int slot = indexOf(key);
        if (slot < 0) {
            return NO_VALUE;
        }
        int previous = s.get(VALUE, valueOffset(slot));
        shiftBack(s, slot);
        assigned--;
        return previous;
    }

    /**
     * Finds {@code key}, hashing it once, for a following {@link #valueAt}, {@link #setValueAt} or
     * {@link #insertAt}.
     *
     * @param key any long
     * @return the slot holding {@code key} ({@code >= 0}), or {@code ~slot} ({@code < 0}) where
     *     {@code slot} is where it would be inserted; key {@code 0} lives in slot {@link #capacity()}
     * @throws IllegalStateException if the table is closed
     */
    public int indexOf(long key) {
        if (key == EMPTY) {
            ensureOpen();
            int sentinelSlot = mask + 1;
            return hasEmptyKey ? sentinelSlot : ~sentinelSlot;
        }
        MemorySegment s = slots;
        int m = mask;
        int slot = slotOf(key, seed, m);
        long k;
        while ((k = s.get(KEY, keyOffset(slot))) != EMPTY) {
            if (k == key) {
                return slot;
            }
            slot = (slot + 1) & m;
        }
        return ~slot;
    }

    /**
     * Returns the value in a slot found by {@link #indexOf}, with no change to the table in between.
     * A slot that does not hold a key gives an unspecified value.
     *
     * @param slot a non-negative result of {@link #indexOf}
     * @return the value stored in {@code slot}
     * @throws IndexOutOfBoundsException if {@code slot} is outside {@code [0, capacity()]}
     * @throws IllegalStateException if the table is closed
     */
    public int valueAt(int slot) {
        return slots.get(VALUE, valueOffset(slot));
    }

    /**
     * Replaces the value in a slot found by {@link #indexOf}, with no change to the table in between.
     *
     * @param slot a non-negative result of {@link #indexOf}
     * @param value any int except {@link #NO_VALUE}
     * @throws IllegalArgumentException if {@code value == NO_VALUE}
     * @throws IndexOutOfBoundsException if {@code slot} is outside {@code [0, capacity()]}
     * @throws IllegalStateException if the table is closed
     */
    public void setValueAt(int slot, int value) {
        checkValue(value);
        slots.set(VALUE, valueOffset(slot), value);
    }

    /**
     * Inserts {@code key} at the place {@link #indexOf} found for it, without hashing it again.
     * {@code negativeIndex} must be {@code indexOf(key)}, negative, with no change to the table in
     * between; otherwise the table is corrupted (checked only by assertions). May grow the table.
     *
     * @param negativeIndex a negative result of {@code indexOf(key)}
     * @param key the key passed to {@link #indexOf}
     * @param value any int except {@link #NO_VALUE}
     * @throws IllegalArgumentException if {@code value == NO_VALUE}
     * @throws IllegalStateException if the table is closed, or full at {@link #MAX_CAPACITY}
     */
    public void insertAt(int negativeIndex, long key, int value) {
        checkValue(value);
        insert(~negativeIndex, key, value);
    }

    /**
     * Returns the number of keys.
     *
     * @return number of keys, including key {@code 0} if present
     * @throws IllegalStateException if the table is closed
     */
    public int size() {
        ensureOpen();
        return assigned + (hasEmptyKey ? 1 : 0);
    }

    /**
     * Removes every key; keeps the capacity and the segment. Costs O(capacity).
     *
     * @throws IllegalStateException if the table is closed
     */
    public void clear() {
        ensureOpen();
        slots.fill((byte) 0);
        assigned = 0;
        hasEmptyKey = false;
    }

    /**
     * Calls {@code action} once per mapping, in slot order and then key {@code 0}. The action must
     * not modify this table.
     *
     * @param action receives each key and its value
     * @throws IllegalStateException if the table is closed
     */
    public void forEach(LongIntConsumer action) {
        ensureOpen();
        Objects.requireNonNull(action, "action");
        MemorySegment s = slots;
        int m = mask;
        for (int slot = 0; slot <= m; slot++) {
            long k = s.get(KEY, keyOffset(slot));
            if (k != EMPTY) {
                action.accept(k, s.get(VALUE, valueOffset(slot)));
            }
        }
        if (hasEmptyKey) {
            action.accept(EMPTY, s.get(VALUE, valueOffset(m + 1)));
        }
    }

    /**
     * Returns the number of probed slots, a power of two.
     *
     * @return the capacity in slots
     * @throws IllegalStateException if the table is closed
     */
    public long capacity() {
        ensureOpen();
        return mask + 1L;
    }

    /**
     * Returns the native memory held: {@code (capacity() + 1) * 16} bytes.
     *
     * @return bytes of the live segment
     * @throws IllegalStateException if the table is closed
     */
    public long bytes() {
        ensureOpen();
        return slots.byteSize();
    }

    /** Frees the native memory. Idempotent; afterwards every other method throws {@link IllegalStateException}. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        arena.close();
    }

    /** The live segment, so tests can check that growth and close free the previous one. */
    MemorySegment segment() {
        return slots;
    }

    /** The slot where probing for {@code key} starts at the current capacity, for tests that build collisions. */
    int homeSlot(long key) {
        return slotOf(key, seed, mask);
    }

    /** The murmur3 64-bit finaliser: every input bit affects every output bit, so low bits are usable as a slot. */
    static long mix(long x) {
        x ^= x >>> 33;
        x *= 0xff51afd7ed558ccdL;
        x ^= x >>> 33;
        x *= 0xc4ceb9fe1a85ec53L;
        x ^= x >>> 33;
        return x;
    }

    private static int slotOf(long key, long seed, int mask) {
        return (int) mix(key ^ seed) & mask;
    }

    /**
     * Seed per capacity: tables of different sizes order keys differently, so copying one into
     * another in {@link #forEach} order cannot pile keys into a few runs (HPPC-80), while the order
     * stays reproducible from run to run.
     */
    private static long seedFor(int capacity) {
        return mix(capacity * 0x9E3779B97F4A7C15L);
    }

    private static int resizeAtFor(int capacity, double loadFactor) {
        return (int) Math.min(capacity - 1L, (long) Math.ceil(capacity * loadFactor));
    }

    private static long bytesFor(int capacity) {
        return (capacity + 1L) << SLOT_SHIFT;
    }

    private static long keyOffset(int slot) {
        return (long) slot << SLOT_SHIFT;
    }

    private static long valueOffset(int slot) {
        return ((long) slot << SLOT_SHIFT) + VALUE_OFFSET;
    }

    private static void checkValue(int value) {
        if (value == NO_VALUE) {
            throw new IllegalArgumentException("value must not be LongIntTable.NO_VALUE (Integer.MIN_VALUE)");
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("LongIntTable is closed");
        }
    }

    private Arena newArena() {
        return shared ? OffHeap.shared() : OffHeap.confined();
    }

    private void setCapacity(int capacity) {
        mask = capacity - 1;
        seed = seedFor(capacity);
        resizeAt = resizeAtFor(capacity, loadFactor);
    }

    private void insert(int slot, long key, int value) {
        MemorySegment s = slots;
        if (key == EMPTY) {
            assert slot == mask + 1 : "key 0 goes to slot capacity()";
            s.set(VALUE, valueOffset(mask + 1), value);
            hasEmptyKey = true;
            return;
        }
        if (assigned == resizeAt) {
            // Rare: probe again in the doubled table rather than special-case the old one.
            grow();
            s = slots;
            int m = mask;
            slot = slotOf(key, seed, m);
            while (s.get(KEY, keyOffset(slot)) != EMPTY) {
                slot = (slot + 1) & m;
            }
        }
        assert s.get(KEY, keyOffset(slot)) == EMPTY : "insertion slot is taken: stale index from indexOf";
        s.set(KEY, keyOffset(slot), key);
        s.set(VALUE, valueOffset(slot), value);
        assigned++;
    }

    /** Doubles the capacity into a segment from a fresh arena and closes the old arena. */
    private void grow() {
        ensureOpen();
        int oldCapacity = mask + 1;
        if (oldCapacity == MAX_CAPACITY) {
            throw new IllegalStateException("LongIntTable is full: " + size() + " keys at capacity " + MAX_CAPACITY);
        }
        int capacity = oldCapacity << 1;
        Arena next = newArena();
        MemorySegment fresh;
        try {
            fresh = next.allocate(bytesFor(capacity), SEGMENT_ALIGNMENT);
            rehash(slots, oldCapacity, fresh, capacity);
        } catch (RuntimeException | Error e) {
            next.close();
            throw e;
        }
        Arena previous = arena;
        arena = next;
        slots = fresh;
        setCapacity(capacity);
        previous.close();
    }

    private static void rehash(MemorySegment old, int oldCapacity, MemorySegment fresh, int capacity) {
        int m = capacity - 1;
        long newSeed = seedFor(capacity);
        for (int from = 0; from < oldCapacity; from++) {
            long k = old.get(KEY, keyOffset(from));
            if (k != EMPTY) {
                int slot = slotOf(k, newSeed, m);
                while (fresh.get(KEY, keyOffset(slot)) != EMPTY) {
                    slot = (slot + 1) & m;
                }
                fresh.set(KEY, keyOffset(slot), k);
                fresh.set(VALUE, valueOffset(slot), old.get(VALUE, valueOffset(from)));
            }
        }
        fresh.set(VALUE, valueOffset(capacity), old.get(VALUE, valueOffset(oldCapacity)));
    }

    /**
     * Backward-shift deletion (Knuth's Algorithm R): walk the run after the freed slot and move
     * back every key whose home slot does not lie strictly between the gap and its position.
     */
    private void shiftBack(MemorySegment s, int gap) {
        int m = mask;
        long sd = seed;
        int probe = gap;
        while (true) {
            probe = (probe + 1) & m;
            long k = s.get(KEY, keyOffset(probe));
            if (k == EMPTY) {
                break;
            }
            int home = slotOf(k, sd, m);
            // The key may fill the gap iff the gap lies cyclically in [home, probe).
            if (((probe - home) & m) >= ((probe - gap) & m)) {
                s.set(KEY, keyOffset(gap), k);
                s.set(VALUE, valueOffset(gap), s.get(VALUE, valueOffset(probe)));
                gap = probe;
            }
        }
        s.set(KEY, keyOffset(gap), EMPTY);
    }

    /** Receives one mapping of a {@link LongIntTable}. */
    @FunctionalInterface
    public interface LongIntConsumer {
        /**
         * Accepts one mapping.
         *
         * @param key the key
         * @param value its value
         */
        void accept(long key, int value);
    }
}
