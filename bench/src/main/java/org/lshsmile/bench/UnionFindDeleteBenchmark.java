package org.lshsmile.bench;

import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.lshsmile.core.lsh.UnionFindDelete;
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
 * Operations on core's off-heap {@link UnionFindDelete} forest (Ben-Amram &amp; Yoffe), which holds the member
 * sets of the LSH-SMILE buckets, at {@link #elements} = 2^14 (a 128^2 grid) and 2^20 (1024^2) elements. Score:
 * nanoseconds per operation; every invocation does {@value #OPS} operations.
 *
 * <p><b>State</b> (built once per trial, seed {@value #SEED}): the elements are split into <em>groups</em>, laid
 * out as contiguous runs in shuffled order: half of the elements in groups of {@value #BIG_SET} (grain interiors)
 * and the rest in groups of 1 to {@value #MAX_SMALL_SET} (interface buckets), as the engine's buckets are at
 * grain growth. Each group becomes one set by unions of random pairs of its current sets (a random merge tree,
 * so big sets get union-by-rank trees of several levels, not just the height-1 trees of element-by-element
 * unions).
 *
 * <p><b>Operations</b> (random elements, drawn once; every invocation replays the same stream):
 * <ul>
 *   <li>{@link #find}: the set id of an element (path splitting; after the first invocations the trees it
 *       walks are the ones the other operations leave, so this is the steady state, not the first walk);</li>
 *   <li>{@link #move}: an element leaves its set and comes back, as in the engine's split-off then merge:
 *       {@code delete(e)}, {@code makeSet(e)}, {@code union(e, t)} with t another member of e's group (two
 *       finds and an O(1) link). One move is one operation. The partition into groups is the same after every
 *       move, so every invocation starts from the same sets;</li>
 *   <li>{@link #mixed}: half finds, half moves, in random order.</li>
 * </ul>
 *
 * <p><b>Self-check</b> (trial setup): (1) on a fresh forest of the same size, {@value #CHECK_OPS} random
 * operations (makeSet of elements in no set, unions of nearby or random elements, deletes, finds) against
 * {@link ReferenceSets}, a plain labelled-lists implementation: every find must return the set id the
 * documented contract predicts (ids change only in a union, to one of the two ids), and at the end every
 * element's set id, every set size and the set count must agree and {@link UnionFindDelete#checkInvariants()}
 * must pass; (2) the trial's forest must hold exactly the groups (one set per group, sizes and membership),
 * before and after one pass of the move and mixed streams.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class UnionFindDeleteBenchmark {

    /** Operations per invocation. */
    public static final int OPS = 1 << 16;
    /** Size of the big groups, which hold half of the elements. */
    public static final int BIG_SET = 1024;
    /** Largest size of the small groups (sizes 1 to this, uniform). */
    public static final int MAX_SMALL_SET = 8;
    /** Random operations of the self-check against {@link ReferenceSets}. */
    public static final int CHECK_OPS = 1 << 18;
    /** Seed of the groups, the merge trees, the streams and the self-check. */
    public static final long SEED = 42L;

    /** Number of elements: 2^14 or 2^20. */
    @Param({"16384", "1048576"})
    public int elements;

    private UnionFindDelete forest;
    /** First element and size of each group. */
    private int[] groupFirst;
    private int[] groupSize;
    /** Group of each element. */
    private int[] groupOf;
    /** The operation streams: element, move target (another member of its group), and, for mixed, find or move. */
    private int[] opElement;
    private int[] opTarget;
    private boolean[] opIsFind;
    private boolean verified;

    /** Builds the groups, the forest and the streams, and runs both self-checks. */
    @Setup(Level.Trial)
    public void setupTrial() {
        if (elements < 2 * BIG_SET) {
            throw new IllegalArgumentException("elements must be >= " + 2 * BIG_SET + ", got " + elements);
        }
        SplittableRandom rng = new SplittableRandom(SEED);
        checkAgainstReference(elements, CHECK_OPS, rng.split());
        makeGroups(rng);
        forest = new UnionFindDelete(elements);
        for (int g = 0; g < groupFirst.length; g++) {
            uniteByRandomPairs(groupFirst[g], groupSize[g], rng);
        }
        makeStreams(rng);
        checkGroups("after the build");
        move();
        mixed();
        checkGroups("after one pass of the move and mixed streams");
        forest.checkInvariants();
        System.out.printf(Locale.ROOT, "self-check %d elements: %d groups as sets; %d random operations agree with "
            + "the reference%n", elements, groupFirst.length, CHECK_OPS);
        verified = true;
    }

    /** Group sizes (half the elements in big groups, then small ones up to n), shuffled, as contiguous runs. */
    private void makeGroups(SplittableRandom rng) {
        int[] sizes = new int[elements];
        int count = 0;
        int covered = 0;
        while (covered + BIG_SET <= elements / 2) {
            sizes[count++] = BIG_SET;
            covered += BIG_SET;
        }
        while (covered < elements) {
            int s = Math.min(1 + rng.nextInt(MAX_SMALL_SET), elements - covered);
            sizes[count++] = s;
            covered += s;
        }
        for (int i = count - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = sizes[i];
            sizes[i] = sizes[j];
            sizes[j] = t;
        }
        groupFirst = new int[count];
        groupSize = new int[count];
        int first = 0;
        for (int g = 0; g < count; g++) {
            groupFirst[g] = first;
            groupSize[g] = sizes[g];
            first += sizes[g];
        }
    }

    /** Unites elements first..first+size-1 into one set by unions of random pairs of the sets formed so far. */
    private void uniteByRandomPairs(int first, int size, SplittableRandom rng) {
        int[] reps = new int[size];
        for (int i = 0; i < size; i++) {
            reps[i] = first + i;
        }
        for (int live = size; live > 1; live--) {
            int i = rng.nextInt(live);
            int j = rng.nextInt(live - 1);
            j = j >= i ? j + 1 : j;
            forest.union(reps[i], reps[j]);
            reps[j] = reps[live - 1]; // reps[i] still names the united set
        }
    }

    /** Random elements, their move targets (another member of the group, itself in a group of one) and the mix. */
    private void makeStreams(SplittableRandom rng) {
        groupOf = new int[elements];
        for (int g = 0; g < groupFirst.length; g++) {
            for (int e = groupFirst[g]; e < groupFirst[g] + groupSize[g]; e++) {
                groupOf[e] = g;
            }
        }
        opElement = new int[OPS];
        opTarget = new int[OPS];
        opIsFind = new boolean[OPS];
        for (int i = 0; i < OPS; i++) {
            int e = rng.nextInt(elements);
            int g = groupOf[e];
            int t = e;
            if (groupSize[g] > 1) {
                // union(e, e) would leave e alone: the target must be another member
                int k = rng.nextInt(groupSize[g] - 1);
                t = groupFirst[g] + k >= e ? groupFirst[g] + k + 1 : groupFirst[g] + k;
            }
            opElement[i] = e;
            opTarget[i] = t;
            opIsFind[i] = rng.nextBoolean();
        }
    }

    /** Throws unless the forest's sets are exactly the groups. */
    private void checkGroups(String when) {
        boolean[] seen = new boolean[elements];
        for (int g = 0; g < groupFirst.length; g++) {
            int id = forest.find(groupFirst[g]);
            if (id < 0 || seen[id]) {
                throw new IllegalStateException("self-check failed " + when + ": group " + g + " has set id " + id
                    + ", in no set or shared with another group");
            }
            seen[id] = true;
            for (int e = groupFirst[g]; e < groupFirst[g] + groupSize[g]; e++) {
                if (forest.find(e) != id) {
                    throw new IllegalStateException("self-check failed " + when + ": element " + e + " of group " + g
                        + " is in set " + forest.find(e) + ", not " + id);
                }
            }
            if (forest.size(id) != groupSize[g]) {
                throw new IllegalStateException("self-check failed " + when + ": set of group " + g + " has "
                    + forest.size(id) + " elements, the group " + groupSize[g]);
            }
        }
        if (forest.setCount() != groupFirst.length) {
            throw new IllegalStateException("self-check failed " + when + ": " + forest.setCount() + " sets for "
                + groupFirst.length + " groups");
        }
    }

    /**
     * Runs {@code ops} random operations on a fresh forest of {@code n} elements and on {@link ReferenceSets},
     * comparing every find with the set id the contract predicts, then compares the whole partition.
     */
    static void checkAgainstReference(int n, int ops, SplittableRandom rng) {
        try (UnionFindDelete f = new UnionFindDelete(n)) {
            ReferenceSets ref = new ReferenceSets(n, n + ops);
            for (int op = 0; op < ops; op++) {
                int e = rng.nextInt(n);
                if (!ref.inSet(e)) {
                    ref.makeSet(e, f.makeSet(e));
                    continue;
                }
                double u = rng.nextDouble();
                if (u < 0.4) {
                    // mostly nearby elements, so sets of every size form, not one giant set at once
                    int o = rng.nextInt(4) == 0 ? rng.nextInt(n) : (e + 1 + rng.nextInt(16)) % n;
                    if (!ref.inSet(o)) {
                        ref.makeSet(o, f.makeSet(o));
                    }
                    int ia = ref.idOf(e);
                    int ib = ref.idOf(o);
                    int id = f.union(e, o);
                    if (id != ia && id != ib) {
                        throw new IllegalStateException("self-check failed: union(" + e + ", " + o + ") of sets " + ia
                            + " and " + ib + " returned " + id);
                    }
                    ref.union(e, o, id);
                } else if (u < 0.7) {
                    f.delete(e);
                    ref.delete(e);
                } else {
                    int id = f.find(e);
                    if (id != ref.idOf(e)) {
                        throw new IllegalStateException("self-check failed: find(" + e + ") = " + id + " after " + op
                            + " operations, the reference says " + ref.idOf(e));
                    }
                }
            }
            for (int e = 0; e < n; e++) {
                int want = ref.inSet(e) ? ref.idOf(e) : -1;
                if (f.find(e) != want) {
                    throw new IllegalStateException("self-check failed: element " + e + " is in set " + f.find(e)
                        + ", the reference says " + want);
                }
                if (want >= 0 && f.size(want) != ref.sizeOf(e)) {
                    throw new IllegalStateException("self-check failed: set " + want + " has " + f.size(want)
                        + " elements, the reference " + ref.sizeOf(e));
                }
            }
            if (f.setCount() != ref.sets()) {
                throw new IllegalStateException("self-check failed: " + f.setCount() + " sets, the reference has "
                    + ref.sets());
            }
            f.checkInvariants();
        }
    }

    /** Frees the forest. */
    @TearDown(Level.Trial)
    public void tearDownTrial() {
        if (forest != null) {
            forest.close();
        }
    }

    /** {@value #OPS} finds; returns the sum of the set ids so none is dead code. */
    @Benchmark
    @OperationsPerInvocation(OPS)
    public long find() {
        long sum = 0;
        for (int i = 0; i < OPS; i++) {
            sum += forest.find(opElement[i]);
        }
        return sum;
    }

    /** {@value #OPS} moves (delete, makeSet, union back into the group); returns the sum of the union ids. */
    @Benchmark
    @OperationsPerInvocation(OPS)
    public long move() {
        long sum = 0;
        for (int i = 0; i < OPS; i++) {
            int e = opElement[i];
            forest.delete(e);
            forest.makeSet(e);
            sum += forest.union(e, opTarget[i]);
        }
        return sum;
    }

    /** {@value #OPS} operations, each a find or a move. */
    @Benchmark
    @OperationsPerInvocation(OPS)
    public long mixed() {
        long sum = 0;
        for (int i = 0; i < OPS; i++) {
            int e = opElement[i];
            if (opIsFind[i]) {
                sum += forest.find(e);
            } else {
                forest.delete(e);
                forest.makeSet(e);
                sum += forest.union(e, opTarget[i]);
            }
        }
        return sum;
    }

    /** Whether the trial setup's self-checks ran and passed. */
    boolean verified() {
        return verified;
    }

    /** Whether the forest's sets are exactly the groups (throws with the first difference otherwise). */
    boolean holdsGroups() {
        checkGroups("(test)");
        forest.checkInvariants();
        return true;
    }

    /**
     * What {@link #find} must return if the sets are the groups: the sum over the stream of the set id of each
     * element's group, found through the group's first element instead of the element itself.
     */
    long expectedFindSum() {
        long sum = 0;
        for (int i = 0; i < OPS; i++) {
            sum += forest.find(groupFirst[groupOf[opElement[i]]]);
        }
        return sum;
    }

    /** Number of groups, i.e. of sets after every invocation. */
    int groups() {
        return groupFirst.length;
    }

    /**
     * The reference: each set a label with a circular list of its members, union relabelling the smaller
     * set's members (O(n log n) over any sequence). It also keeps, per label, the set id the forest's contract
     * predicts: the id returned by the makeSet or union that made the set, unchanged by deletes.
     */
    static final class ReferenceSets {
        private final int[] label;
        private final int[] next;
        private final int[] prev;
        private final int[] head;
        private final int[] size;
        private final int[] id;
        private int labels;
        private int sets;

        /** Every element e a singleton with set id e, room for {@code maxLabels} labels in all. */
        ReferenceSets(int n, int maxLabels) {
            label = new int[n];
            next = new int[n];
            prev = new int[n];
            head = new int[maxLabels];
            size = new int[maxLabels];
            id = new int[maxLabels];
            for (int e = 0; e < n; e++) {
                label[e] = e;
                next[e] = e;
                prev[e] = e;
                head[e] = e;
                size[e] = 1;
                id[e] = e;
            }
            labels = n;
            sets = n;
        }

        boolean inSet(int e) {
            return label[e] >= 0;
        }

        int idOf(int e) {
            return id[label[e]];
        }

        int sizeOf(int e) {
            return size[label[e]];
        }

        int sets() {
            return sets;
        }

        void makeSet(int e, int setId) {
            int l = labels++;
            label[e] = l;
            next[e] = e;
            prev[e] = e;
            head[l] = e;
            size[l] = 1;
            id[l] = setId;
            sets++;
        }

        void delete(int e) {
            int l = label[e];
            label[e] = -1;
            if (--size[l] == 0) {
                sets--;
                return;
            }
            next[prev[e]] = next[e];
            prev[next[e]] = prev[e];
            if (head[l] == e) {
                head[l] = next[e];
            }
        }

        /** Unites the sets of a and b; the united set gets {@code setId}. */
        void union(int a, int b, int setId) {
            int la = label[a];
            int lb = label[b];
            if (la != lb) {
                int keep = size[la] >= size[lb] ? la : lb;
                int gone = keep == la ? lb : la;
                int h = head[gone];
                int v = h;
                do {
                    label[v] = keep;
                    v = next[v];
                } while (v != h);
                // splice gone's cycle into keep's after its head
                int kh = head[keep];
                int kNext = next[kh];
                int gTail = prev[h];
                next[kh] = h;
                prev[h] = kh;
                next[gTail] = kNext;
                prev[kNext] = gTail;
                size[keep] += size[gone];
                sets--;
                la = keep;
            }
            id[la] = setId;
        }
    }
}
