package org.lshsmile.bench;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.lshsmile.core.lsh.LongIntTable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Operations on core's {@link LongIntTable}, the off-heap open-addressing table from an LSH table key to a
 * bucket record that the LSH-SMILE engine keeps per LSH table, holding {@link #keys} keys: 2^12 (the engine's
 * initial size), 2^16 (the bucket count of a 512^2 polycrystal) and 2^20. Score: nanoseconds per operation;
 * every invocation does {@value #OPS} lookups, or {@value #OPS} removals and {@value #OPS} insertions.
 *
 * <p>Keys are random 64-bit words (seed {@value #SEED}), as the engine's SplitMix-finalised table keys are;
 * the table is sized for {@link #keys} at the default load factor 0.75 ({@code new LongIntTable(keys)}), so it
 * is between 3/8 and 3/4 full and never grows during a run. Key {@code i} of the stream maps to the value
 * {@code i}.
 * <ul>
 *   <li>{@link #lookupHit}: {@code get} of keys in the table, drawn at random;</li>
 *   <li>{@link #lookupMiss}: {@code get} of keys never inserted (a probe to the end of a run);</li>
 *   <li>{@link #churn}: the table holds a sliding window of {@link #keys} consecutive keys of a stream of
 *       {@code keys + OPS}; each step removes the oldest key (backward-shift deletion) and inserts the next
 *       one the way the engine's merge pass does ({@code indexOf}, then {@code insertAt} at the slot found),
 *       so the size stays {@link #keys}. A removal and an insertion are two operations.</li>
 * </ul>
 * The lookups assume the window at its start: JMH gives each benchmark method its own trial and state.
 *
 * <p>Self-check (trial setup): a table created empty (so it grows through every capacity) and a
 * {@link java.util.HashMap} receive the same {@link #keys} insertions and then {@value #CHECK_OPS} random
 * {@code put}, {@code putIfAbsent}, {@code remove}, {@code get} and {@code indexOf}/{@code insertAt}/
 * {@code valueAt}/{@code setValueAt} calls (key 0, which the table keeps outside its slots, included); every
 * return value must agree, and at the end the sizes and every mapping ({@code forEach}). Then the trial's
 * table must map every window key to its value and no miss key to anything.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class BucketTableBenchmark {

    /** Lookups, or removal-insertion pairs, per invocation. */
    public static final int OPS = 1 << 16;
    /** Random operations of the self-check against {@link java.util.HashMap}, after the insertions. */
    public static final int CHECK_OPS = 1 << 18;
    /** Seed of the keys, the lookup order and the self-check. */
    public static final long SEED = 42L;

    private static final int MISSING = -1;

    /** Keys in the table: 4096, 65536 or 1048576. */
    @Param({"4096", "65536", "1048576"})
    public int keys;

    private LongIntTable table;
    /** keys + OPS distinct non-zero keys; key i maps to value i. */
    private long[] stream;
    /** Start of the window of the stream the table holds. */
    private int pos;
    private long[] hitKeys;
    private long hitSum;
    private long[] missKeys;
    private boolean verified;

    /** Draws the keys, runs the self-check against {@link HashMap} and fills the trial's table with the window. */
    @Setup(Level.Trial)
    public void setupTrial() {
        if (keys < 1) {
            throw new IllegalArgumentException("keys must be >= 1, got " + keys);
        }
        SplittableRandom rng = new SplittableRandom(SEED);
        Set<Long> seen = new HashSet<>();
        seen.add(0L); // key 0 takes the table's side path: the benchmarks use probed keys only
        stream = distinctKeys(keys + OPS, seen, rng);
        missKeys = distinctKeys(OPS, seen, rng);
        hitKeys = new long[OPS];
        hitSum = 0;
        for (int i = 0; i < OPS; i++) {
            int k = rng.nextInt(keys);
            hitKeys[i] = stream[k];
            hitSum += k;
        }
        checkAgainstHashMap(stream, keys, missKeys, CHECK_OPS, rng.split());
        table = new LongIntTable(keys);
        for (int i = 0; i < keys; i++) {
            table.put(stream[i], i);
        }
        pos = 0;
        if (!holdsWindow()) {
            throw new IllegalStateException("self-check failed: the table does not hold the keys put in it");
        }
        for (long k : missKeys) {
            if (table.get(k, MISSING) != MISSING) {
                throw new IllegalStateException("self-check failed: a key never put maps to " + table.get(k, MISSING));
            }
        }
        System.out.printf(Locale.ROOT, "self-check %d keys: %d random operations agree with java.util.HashMap; "
            + "capacity %d (load %.2f)%n", keys, CHECK_OPS, table.capacity(), keys / (double) table.capacity());
        verified = true;
    }

    private static long[] distinctKeys(int count, Set<Long> seen, SplittableRandom rng) {
        long[] out = new long[count];
        for (int i = 0; i < count; i++) {
            long k;
            do {
                k = rng.nextLong();
            } while (!seen.add(k));
            out[i] = k;
        }
        return out;
    }

    /**
     * Puts {@code stream[0..initial)} into an empty table and a {@link HashMap}, then applies {@code ops} random
     * operations to both over keys drawn from the stream, the misses and 0, and throws at the first difference.
     */
    static void checkAgainstHashMap(long[] stream, int initial, long[] misses, int ops, SplittableRandom rng) {
        Map<Long, Integer> map = new HashMap<>();
        try (LongIntTable t = new LongIntTable(0)) {
            for (int i = 0; i < initial; i++) {
                agree("put", stream[i], t.put(stream[i], i), map.put(stream[i], i));
            }
            int pool = Math.min(stream.length, 2 * initial);
            for (int op = 0; op < ops; op++) {
                int r = rng.nextInt(64);
                long k = r == 0 ? 0L : r == 1 ? misses[rng.nextInt(misses.length)] : stream[rng.nextInt(pool)];
                int v = rng.nextInt(Integer.MAX_VALUE);
                double u = rng.nextDouble();
                if (u < 0.2) {
                    agree("put", k, t.put(k, v), map.put(k, v));
                } else if (u < 0.3) {
                    agree("putIfAbsent", k, t.putIfAbsent(k, v), map.putIfAbsent(k, v));
                } else if (u < 0.5) {
                    agree("remove", k, t.remove(k), map.remove(k));
                } else if (u < 0.6) {
                    int slot = t.indexOf(k);
                    if ((slot >= 0) != map.containsKey(k)) {
                        throw new IllegalStateException("self-check failed: indexOf(" + k + ") = " + slot
                            + " but HashMap.containsKey says " + map.containsKey(k));
                    }
                    if (slot < 0) {
                        t.insertAt(slot, k, v);
                    } else {
                        agree("valueAt", k, t.valueAt(slot), map.get(k));
                        t.setValueAt(slot, v);
                    }
                    map.put(k, v);
                } else {
                    int got = t.get(k, MISSING);
                    Integer want = map.get(k);
                    if (got != (want == null ? MISSING : want)) {
                        throw new IllegalStateException("self-check failed: get(" + k + ") = " + got + ", HashMap " + want);
                    }
                }
            }
            if (t.size() != map.size()) {
                throw new IllegalStateException("self-check failed: " + t.size() + " keys, HashMap " + map.size());
            }
            int[] visited = {0};
            t.forEach((k, v) -> {
                visited[0]++;
                Integer want = map.get(k);
                if (want == null || want != v) {
                    throw new IllegalStateException("self-check failed: forEach gives " + k + " -> " + v + ", HashMap "
                        + want);
                }
            });
            if (visited[0] != map.size()) {
                throw new IllegalStateException("self-check failed: forEach visits " + visited[0] + " mappings, HashMap "
                    + "has " + map.size());
            }
        }
    }

    private static void agree(String op, long key, int table, Integer map) {
        int want = map == null ? LongIntTable.NO_VALUE : map;
        if (table != want) {
            throw new IllegalStateException("self-check failed: " + op + "(" + key + ") returned " + table
                + ", HashMap " + map);
        }
    }

    /** Frees the table. */
    @TearDown(Level.Trial)
    public void tearDownTrial() {
        if (table != null) {
            table.close();
        }
    }

    /** {@value #OPS} lookups of present keys; returns the sum of the values. */
    @Benchmark
    @OperationsPerInvocation(OPS)
    public long lookupHit() {
        long sum = 0;
        for (long k : hitKeys) {
            sum += table.get(k, MISSING);
        }
        return sum;
    }

    /** {@value #OPS} lookups of absent keys; returns the sum of the values ({@code -OPS}). */
    @Benchmark
    @OperationsPerInvocation(OPS)
    public long lookupMiss() {
        long sum = 0;
        for (long k : missKeys) {
            sum += table.get(k, MISSING);
        }
        return sum;
    }

    /**
     * {@value #OPS} times: remove the oldest key of the window, insert the next key of the stream (indexOf, then
     * insertAt). Returns the sum of the removed values.
     */
    @Benchmark
    @OperationsPerInvocation(2 * OPS)
    public long churn() {
        long[] s = stream;
        int w = s.length;
        int out = pos;
        int in = pos + keys;
        in = in >= w ? in - w : in;
        long sum = 0;
        for (int i = 0; i < OPS; i++) {
            sum += table.remove(s[out]);
            long k = s[in];
            table.insertAt(table.indexOf(k), k, in);
            // increments with a wrap instead of % w: an integer division would cost as much as a probe
            out = out + 1 == w ? 0 : out + 1;
            in = in + 1 == w ? 0 : in + 1;
        }
        pos = out;
        return sum;
    }

    /** Whether the trial setup's self-check ran and passed. */
    boolean verified() {
        return verified;
    }

    /** What {@link #lookupHit} must return. */
    long expectedHitSum() {
        return hitSum;
    }

    /** Whether the table holds exactly the current window: its size, and every window key with its value. */
    boolean holdsWindow() {
        if (table.size() != keys) {
            return false;
        }
        int w = stream.length;
        for (int j = 0; j < keys; j++) {
            int i = (pos + j) % w;
            if (table.get(stream[i], MISSING) != i) {
                return false;
            }
        }
        return true;
    }

    /** Start of the window in the stream. */
    int windowStart() {
        return pos;
    }
}
