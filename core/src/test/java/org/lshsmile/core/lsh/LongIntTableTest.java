package org.lshsmile.core.lsh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class LongIntTableTest {

    private static final int NO = LongIntTable.NO_VALUE;
    private static final long[] SPECIAL = {0L, Long.MIN_VALUE, Long.MAX_VALUE, -1L, 1L};

    /** Every mapping via forEach; fails on a key reported twice. */
    private static Map<Long, Integer> contents(LongIntTable t) {
        Map<Long, Integer> seen = new HashMap<>();
        t.forEach((k, v) -> assertNull(seen.put(k, v), () -> "key reported twice: " + k));
        return seen;
    }

    private static void assertSameContent(Map<Long, Integer> expected, LongIntTable t) {
        assertEquals(expected.size(), t.size(), "size");
        assertEquals(expected, contents(t), "content");
    }

    private static int randomValue(Random rnd) {
        int v = rnd.nextInt();
        return v == NO ? 0 : v;
    }

    private static int orNo(Integer v) {
        return v == null ? NO : v;
    }

    /** Keys with the given home slot in a table of {@code t}'s current capacity. */
    private static long[] keysWithHome(LongIntTable t, int home, int count, Random rnd) {
        long[] keys = new long[count];
        int n = 0;
        while (n < count) {
            long k = rnd.nextLong();
            if (k != 0 && t.homeSlot(k) == home) {
                keys[n++] = k;
            }
        }
        return keys;
    }

    @Test
    void differentialAgainstHashMap() {
        long[] ranges = {8, 64, 1024, 1 << 14, 1 << 16, 1 << 12};
        double[] loadFactors = {0.75, 0.5, 0.95, 0.3, 0.9, 0.75};
        int opsPerRound = 200_000;
        Random rnd = new Random(0x15AD_5EEDL);
        long ops = 0;
        for (int round = 0; round < ranges.length; round++) {
            long range = ranges[round];
            // Centred on 0 (so 0 and negatives occur), or straddling Long.MAX_VALUE/MIN_VALUE in the last round.
            long base = round == ranges.length - 1 ? Long.MAX_VALUE - range / 2 : -range / 2;
            try (LongIntTable t = new LongIntTable(round % 2 == 0 ? 0 : 100, loadFactors[round], round % 3 != 2)) {
                Map<Long, Integer> ref = new HashMap<>();
                for (int i = 0; i < opsPerRound; i++, ops++) {
                    long key = rnd.nextInt(50) == 0 ? SPECIAL[rnd.nextInt(SPECIAL.length)] : base + rnd.nextLong(range);
                    int op = rnd.nextInt(100);
                    if (op < 30) {
                        int v = randomValue(rnd);
                        assertEquals(orNo(ref.put(key, v)), t.put(key, v), "put");
                    } else if (op < 45) {
                        int v = randomValue(rnd);
                        assertEquals(orNo(ref.putIfAbsent(key, v)), t.putIfAbsent(key, v), "putIfAbsent");
                    } else if (op < 70) {
                        int missing = rnd.nextBoolean() ? NO : rnd.nextInt();
                        assertEquals(ref.getOrDefault(key, missing), t.get(key, missing), "get");
                    } else if (op < 85) {
                        assertEquals(orNo(ref.remove(key)), t.remove(key), "remove");
                    } else {
                        int index = t.indexOf(key);
                        Integer old = ref.get(key);
                        int v = randomValue(rnd);
                        if (old != null) {
                            assertTrue(index >= 0, "indexOf of a present key");
                            assertEquals(old, t.valueAt(index), "valueAt");
                            if (rnd.nextBoolean()) {
                                t.setValueAt(index, v);
                                ref.put(key, v);
                            }
                        } else {
                            assertTrue(index < 0, "indexOf of an absent key");
                            t.insertAt(index, key, v);
                            ref.put(key, v);
                        }
                    }
                    if (rnd.nextInt(40_000) == 0) {
                        long capacity = t.capacity();
                        t.clear();
                        ref.clear();
                        assertEquals(capacity, t.capacity(), "clear keeps the capacity");
                        ops++;
                    }
                    if (i % 10_000 == 9_999) {
                        assertSameContent(ref, t);
                    }
                }
                assertSameContent(ref, t);
            }
        }
        assertTrue(ops >= 1_000_000, "ops " + ops);
    }

    @Test
    void keysCongruentModCapacity() {
        Random rnd = new Random(7);
        for (int shift : new int[] {10, 20, 32, 40, 63 - 17}) {
            try (LongIntTable t = new LongIntTable(4)) {
                Map<Long, Integer> ref = new HashMap<>();
                int n = 1 << 17;
                for (long i = 0; i < n; i++) {
                    long key = i << shift;
                    int v = (int) i;
                    assertEquals(NO, t.put(key, v));
                    ref.put(key, v);
                }
                assertSameContent(ref, t);
                List<Long> keys = new ArrayList<>(ref.keySet());
                Collections.shuffle(keys, rnd);
                for (int i = 0; i < keys.size() / 2; i++) {
                    long key = keys.get(i);
                    assertEquals(ref.remove(key), t.remove(key));
                }
                for (long key : keys) {
                    assertEquals(orNo(ref.get(key)), t.get(key, NO));
                }
                assertSameContent(ref, t);
            }
        }
    }

    @Test
    void oneLongRunWrappingTheEnd() {
        Random rnd = new Random(11);
        try (LongIntTable t = new LongIntTable(700)) {
            assertEquals(1024, t.capacity());
            int mask = (int) t.capacity() - 1;
            // Most keys share home slot mask - 3, the rest start nearby: one run that wraps past slot 0.
            long[] same = keysWithHome(t, mask - 3, 350, rnd);
            List<Long> keys = new ArrayList<>();
            for (long k : same) {
                keys.add(k);
            }
            for (int i = 0; i < 150; i++) {
                keys.add(keysWithHome(t, (mask - 8 + rnd.nextInt(16)) & mask, 1, rnd)[0]);
            }
            Collections.shuffle(keys, rnd);
            Map<Long, Integer> ref = new HashMap<>();
            for (long k : keys) {
                int v = randomValue(rnd);
                assertEquals(orNo(ref.put(k, v)), t.put(k, v));
            }
            assertEquals(1024, t.capacity(), "no growth");
            assertSameContent(ref, t);
            Collections.shuffle(keys, rnd);
            for (long k : keys) {
                assertEquals(orNo(ref.remove(k)), t.remove(k));
                assertEquals(NO, t.get(k, NO));
                for (Map.Entry<Long, Integer> e : ref.entrySet()) {
                    assertEquals(e.getValue(), t.get(e.getKey(), NO));
                }
            }
            assertEquals(0, t.size());
            assertTrue(contents(t).isEmpty());
        }
    }

    @Test
    void backwardShiftKeepsEveryKeyFindable() {
        Random rnd = new Random(3);
        try (LongIntTable t = new LongIntTable(12)) {
            assertEquals(16, t.capacity());
            // Candidate keys whose home slots cluster around the wrap point and in the middle.
            int[] homes = {14, 15, 15, 0, 0, 1, 2, 7, 7, 8};
            List<Long> pool = new ArrayList<>();
            for (int home : homes) {
                for (long k : keysWithHome(t, home, 4, rnd)) {
                    pool.add(k);
                }
            }
            int removes = 0;
            for (int trial = 0; trial < 3000; trial++) {
                Map<Long, Integer> ref = new HashMap<>();
                int n = 1 + rnd.nextInt(12);
                Collections.shuffle(pool, rnd);
                for (int i = 0; i < n; i++) {
                    int v = randomValue(rnd);
                    t.put(pool.get(i), v);
                    ref.put(pool.get(i), v);
                }
                assertEquals(16, t.capacity());
                List<Long> order = new ArrayList<>(ref.keySet());
                Collections.shuffle(order, rnd);
                for (long k : order) {
                    assertEquals(ref.remove(k), t.remove(k));
                    removes++;
                    assertTrue(t.indexOf(k) < 0, "removed key is gone");
                    for (Map.Entry<Long, Integer> e : ref.entrySet()) {
                        int slot = t.indexOf(e.getKey());
                        assertTrue(slot >= 0, () -> "key lost after a remove: " + e.getKey());
                        assertEquals(e.getValue(), t.valueAt(slot));
                    }
                    assertSameContent(ref, t);
                    if (rnd.nextInt(4) == 0) {
                        long back = order.get(rnd.nextInt(order.size()));
                        if (!ref.containsKey(back)) {
                            t.insertAt(t.indexOf(back), back, 42);
                            ref.put(back, 42);
                        }
                    }
                }
                t.clear();
            }
            assertTrue(removes > 10_000);
        }
    }

    @Test
    void specialKeys() {
        try (LongIntTable t = new LongIntTable(0)) {
            Map<Long, Integer> ref = new HashMap<>();
            for (long k : SPECIAL) {
                assertEquals(-5, t.get(k, -5));
                assertTrue(t.indexOf(k) < 0);
                assertEquals(NO, t.remove(k));
                assertEquals(NO, t.put(k, (int) k + 1));
                ref.put(k, (int) k + 1);
                assertEquals((int) k + 1, t.putIfAbsent(k, 99));
            }
            assertSameContent(ref, t);
            int zeroSlot = t.indexOf(0L);
            assertEquals(t.capacity(), zeroSlot, "key 0 lives in slot capacity()");
            assertEquals(1, t.valueAt(zeroSlot));
            t.setValueAt(zeroSlot, 77);
            ref.put(0L, 77);
            assertEquals(77, t.get(0L, NO));
            for (long k = 2; k < 1000; k++) {
                t.put(k * 31, (int) k);
                ref.put(k * 31, (int) k);
            }
            assertTrue(t.capacity() >= 1024, "grew");
            assertSameContent(ref, t);
            for (long k : SPECIAL) {
                assertEquals(ref.remove(k), t.remove(k));
                assertEquals(NO, t.remove(k));
            }
            assertSameContent(ref, t);
            int negative = t.indexOf(0L);
            assertEquals(~t.capacity(), negative);
            t.insertAt(negative, 0L, 5);
            ref.put(0L, 5);
            assertSameContent(ref, t);
            t.clear();
            assertEquals(0, t.size());
            assertEquals(NO, t.get(0L, NO));
            assertTrue(contents(t).isEmpty());
        }
    }

    @Test
    void growthFromCapacityFourFreesEveryOldSegment() {
        Random rnd = new Random(5);
        try (LongIntTable t = new LongIntTable(0)) {
            assertEquals(LongIntTable.MIN_CAPACITY, t.capacity());
            List<MemorySegment> retired = new ArrayList<>();
            MemorySegment current = t.segment();
            long capacity = t.capacity();
            Map<Long, Integer> ref = new HashMap<>();
            int n = 150_000;
            int growths = 0;
            for (int i = 0; i < n; i++) {
                long key = i % 3 == 0 ? i : rnd.nextLong();
                int v = i;
                int op = i % 3;
                if (op == 0) {
                    t.put(key, v);
                } else if (op == 1) {
                    t.putIfAbsent(key, v);
                } else {
                    int index = t.indexOf(key);
                    if (index < 0) {
                        t.insertAt(index, key, v);
                    } else {
                        t.setValueAt(index, v);
                    }
                }
                ref.put(key, v);
                if (t.capacity() != capacity) {
                    growths++;
                    assertEquals(capacity * 2, t.capacity(), "doubling");
                    assertFalse(current.scope().isAlive(), "old segment freed on growth");
                    retired.add(current);
                    current = t.segment();
                    capacity = t.capacity();
                    assertTrue(current.scope().isAlive());
                    assertEquals((capacity + 1) * 16, t.bytes());
                }
                // Key 0 (inserted first) is held outside the probed slots, so it does not count towards the load.
                assertTrue(t.size() - 1 <= Math.ceil(t.capacity() * LongIntTable.DEFAULT_LOAD_FACTOR), "load factor kept");
            }
            assertTrue(ref.size() > 100_000);
            assertEquals(Long.numberOfTrailingZeros(t.capacity()) - 2, growths);
            for (MemorySegment s : retired) {
                assertFalse(s.scope().isAlive());
            }
            assertSameContent(ref, t);
            for (Map.Entry<Long, Integer> e : ref.entrySet()) {
                assertEquals(e.getValue(), t.get(e.getKey(), NO));
            }
        }
    }

    @Test
    void expectedSizeHoldsWithoutGrowth() {
        for (double lf : new double[] {0.1, 0.5, 0.75, 0.95}) {
            for (int n : new int[] {0, 1, 3, 4, 5, 12, 13, 100, 1000, 12345}) {
                try (LongIntTable t = new LongIntTable(n, lf)) {
                    long capacity = t.capacity();
                    assertEquals(1, Long.bitCount(capacity));
                    for (int i = 1; i <= n; i++) {
                        t.put(i, i);
                    }
                    assertEquals(capacity, t.capacity(), () -> "grew below expectedSize " + n + " at lf " + lf);
                    assertEquals(n, t.size());
                    if (capacity > LongIntTable.MIN_CAPACITY) {
                        assertTrue(n > Math.min(capacity / 2 - 1, Math.ceil(capacity / 2 * lf)), "smallest capacity");
                    }
                }
            }
        }
    }

    @Test
    void closeFreesMemoryAndEveryMethodThrows() {
        LongIntTable t = new LongIntTable(10);
        t.put(0L, 1);
        t.put(5L, 2);
        MemorySegment segment = t.segment();
        t.close();
        assertFalse(segment.scope().isAlive());
        Executable[] calls = {
            () -> t.get(5L, NO), () -> t.get(0L, NO), () -> t.get(6L, NO),
            () -> t.put(5L, 3), () -> t.put(0L, 3), () -> t.put(6L, 3),
            () -> t.putIfAbsent(6L, 3), () -> t.putIfAbsent(0L, 3),
            () -> t.remove(5L), () -> t.remove(0L), () -> t.remove(6L),
            () -> t.indexOf(5L), () -> t.indexOf(0L), () -> t.indexOf(6L),
            () -> t.valueAt(0), () -> t.setValueAt(0, 1), () -> t.insertAt(~1, 6L, 1), () -> t.insertAt(~16, 0L, 1),
            t::size, t::clear, () -> t.forEach((k, v) -> { }), t::capacity, t::bytes,
        };
        for (Executable call : calls) {
            assertThrows(IllegalStateException.class, call);
        }
        t.close();
        assertFalse(t.segment().scope().isAlive());
    }

    @Test
    void growthOnInsertAtAfterCloseDoesNotLeak() {
        LongIntTable t = new LongIntTable(0, 0.75);
        int index = t.indexOf(1L);
        for (long k = 2; t.size() < 3; k++) {
            t.put(k, 1);
        }
        MemorySegment segment = t.segment();
        t.close();
        assertThrows(IllegalStateException.class, () -> t.insertAt(index, 1L, 1));
        assertFalse(segment.scope().isAlive());
    }

    @Test
    void argumentsAreChecked() {
        assertThrows(IllegalArgumentException.class, () -> new LongIntTable(-1));
        assertThrows(IllegalArgumentException.class, () -> new LongIntTable(Integer.MAX_VALUE));
        for (double lf : new double[] {0, -0.5, 0.96, 1, Double.NaN, Double.POSITIVE_INFINITY}) {
            assertThrows(IllegalArgumentException.class, () -> new LongIntTable(10, lf), "lf " + lf);
        }
        try (LongIntTable t = new LongIntTable(10, LongIntTable.MAX_LOAD_FACTOR, false)) {
            t.put(3L, 4);
            assertThrows(IllegalArgumentException.class, () -> t.put(3L, NO));
            assertThrows(IllegalArgumentException.class, () -> t.put(9L, NO));
            assertThrows(IllegalArgumentException.class, () -> t.putIfAbsent(9L, NO));
            assertThrows(IllegalArgumentException.class, () -> t.insertAt(t.indexOf(9L), 9L, NO));
            assertThrows(IllegalArgumentException.class, () -> t.setValueAt(t.indexOf(3L), NO));
            assertThrows(IndexOutOfBoundsException.class, () -> t.valueAt(-1));
            assertThrows(IndexOutOfBoundsException.class, () -> t.valueAt((int) t.capacity() + 1));
            assertThrows(NullPointerException.class, () -> t.forEach(null));
            assertEquals(Map.of(3L, 4), contents(t));
        }
    }

    @Test
    void sharedTableIsReadableFromAnotherThreadConfinedIsNot() throws InterruptedException {
        try (LongIntTable sharedTable = new LongIntTable(0, 0.75, true);
             LongIntTable confined = new LongIntTable(0, 0.75, false)) {
            for (int i = 1; i <= 1000; i++) {
                sharedTable.put(i, -i);
                confined.put(i, -i);
            }
            assertEquals(-1000, confined.get(1000L, NO), "confined growth works on the owner thread");
            AtomicReference<Throwable> failure = new AtomicReference<>();
            AtomicReference<Integer> read = new AtomicReference<>();
            Thread reader = Thread.ofPlatform().start(() -> {
                read.set(sharedTable.get(500L, NO));
                try {
                    confined.get(500L, NO);
                } catch (RuntimeException e) {
                    failure.set(e);
                }
            });
            reader.join();
            assertEquals(-500, read.get());
            assertTrue(failure.get() instanceof WrongThreadException, () -> "got " + failure.get());
        }
    }

    @Test
    void mixerHasNoCollisionsOnSamples() {
        Random rnd = new Random(13);
        Map<Long, Long> seen = new HashMap<>();
        for (int i = 0; i < 100_000; i++) {
            long x = i < 50_000 ? i : rnd.nextLong();
            Long prev = seen.put(LongIntTable.mix(x), x);
            assertTrue(prev == null || prev == x);
        }
    }
}
