package org.lshsmile.bench;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.lshsmile.core.engine.ExactEngine;
import org.lshsmile.core.grid.Boundary;
import org.lshsmile.core.grid.Grid;
import org.lshsmile.core.ic.GrainStates;
import org.lshsmile.core.kernels.KernelSets;
import org.lshsmile.core.lsh.LshSmileEngine;
import org.lshsmile.core.model.GrainGrowth;
import org.lshsmile.simd.Kernels;
import org.lshsmile.simd.ProjectionKernels;
import org.lshsmile.simd.Projections;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Bucket merges as the LSH-SMILE engine does them, through its public API: the encoding of a realistic
 * grain-growth state by the {@link LshSmileEngine} constructor, i.e. EncodeInitState (cells with bit-identical
 * 13-point patterns share a bucket at once, VERIFIED only) and then MergeBuckets on every bucket (codes of the
 * representatives, table insertions, on a key collision the distance check (VERIFIED) and the merge itself:
 * members re-pointed, forest union, keys unlinked, record freed), then in VERIFIED the settling rounds in which
 * merged members' neighbours are re-checked and merged again, and the write-back of the bucket values to the
 * grid. The merges themselves are private to the engine; the encoding is the one public call that is all
 * merge phase on a state of one's choosing, while a step's merge phase depends on the steps before it. Score:
 * milliseconds per encoding; the self-check line prints the merges of one encoding, so ms per encoding / merges
 * is the cost per merge of this phase (coding and checking included).
 *
 * <p>States ({@link #state} = {@code case:size} of {@link EngineMacroBenchmark}'s cases, preset {@code paper}:
 * dx = 1, dt = 0.05): {@code poly} (Q = 8, size^2/1000 grains) at 128^2 and 256^2, {@code 3grains} at 256^2,
 * each a periodic Voronoi state (seed 42) advanced {@value #RELAX_STEPS} dense scalar steps, so its interfaces
 * are diffuse as in a run, not the sharp initial ones that few patterns describe. Engines ({@link #engine}) as
 * in the macro benchmark: {@code lsh-verified-1e-3} (VERIFIED, r = r0 = 1e-3) and {@code lsh-paper-0.01}
 * (PAPER, r = r0 = 0.01), K = 3, L = 10, seed 42, projections {@code auto} (SIMD when available).
 *
 * <p>Every invocation restores the grid from the pristine state (the encoding writes the merged values back),
 * encodes it and closes the engine; the copy (4 MiB at 256^2) is timed too and costs well under 1% of an
 * encoding. The encoding is deterministic, so every invocation does the same merges.
 *
 * <p>Self-check (trial setup): the state is encoded once with the scalar projections and once with this
 * trial's (the SIMD ones when {@code auto} picks scalar, as a check needs two implementations), and the two
 * must give the same bucket of every element, the same merge count and bitwise the same grid. Then, on that
 * encoding: {@link LshSmileEngine#checkInvariants()} must pass (every element in exactly one live bucket,
 * member counts adding up to n, the distance invariants in VERIFIED; in PAPER the count of elements whose code
 * misses their representative's is printed, as the published algorithm does not keep it at 0); independently
 * of the engine's own checker, the number of distinct bucket ids must equal {@link LshSmileEngine#buckets()},
 * every member of a bucket must hold bitwise the same m values in the grid, and there must have been merges
 * (fewer buckets than elements).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
// The engine's large methods take about ten encodings to reach C2 code (0.9 s, then 0.15 s at poly:128): a
// longer warm-up than the kernels', and 2 s iterations so even poly:256 runs a few encodings per iteration.
@Warmup(iterations = 8, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class MergeBenchmark {

    /** Dense scalar steps from the Voronoi state to the encoded one. */
    public static final int RELAX_STEPS = 30;

    /** {@code case:size}, with the cases of {@link EngineMacroBenchmark}. */
    @Param({"poly:128", "poly:256", "3grains:256"})
    public String state;

    /** Engine configuration, by its name in {@link EngineMacroBenchmark}: {@code lsh-verified-1e-3} or {@code lsh-paper-0.01}. */
    @Param({"lsh-verified-1e-3", "lsh-paper-0.01"})
    public String engine;

    private EngineMacroBenchmark.Case kase;
    private EngineMacroBenchmark.EngineSpec spec;
    private GrainGrowth model;
    private Projections projections;
    private Grid pristine;
    private Grid grid;
    private boolean verified;
    private int buckets;
    private int merges;
    private long codeViolations;
    /** The grid after the self-check's encoding, (field, y, x) order. */
    private double[] encoded;

    /** Parses {@code case:size}. */
    static EngineMacroBenchmark.Case parseState(String s) {
        String[] p = s.trim().split(":");
        if (p.length != 2) {
            throw new IllegalArgumentException("state must be case:size, e.g. poly:256, got '" + s + "'");
        }
        return EngineMacroBenchmark.Case.of(p[0].trim(), Integer.parseInt(p[1].trim()));
    }

    /** The LSH configuration of {@link EngineMacroBenchmark} named {@code name}. */
    static EngineMacroBenchmark.EngineSpec lshSpec(String name) {
        for (EngineMacroBenchmark.EngineSpec e : EngineMacroBenchmark.ENGINES) {
            if (e.name().equals(name) && e.kind() == EngineMacroBenchmark.Kind.LSH) {
                return e;
            }
        }
        throw new IllegalArgumentException("unknown LSH engine '" + name + "': use lsh-verified-1e-3, "
            + "lsh-verified-1e-4 or lsh-paper-0.01");
    }

    /** Builds the relaxed state and runs the self-check. */
    @Setup(Level.Trial)
    public void setupTrial() {
        kase = parseState(state);
        spec = lshSpec(engine);
        model = EngineMacroBenchmark.PRESET.grainGrowth(kase.q(), false);
        projections = KernelSets.projections("auto");
        int n = kase.size();
        pristine = new Grid(kase.q(), n, n, EngineMacroBenchmark.PRESET.dx(), Boundary.PERIODIC);
        pristine.copyFrom(GrainStates.voronoi(n, n, kase.grains(), kase.q(), EngineMacroBenchmark.SEED, true).values());
        try (ExactEngine relax = new ExactEngine(model, pristine, EngineMacroBenchmark.PRESET.dt(), Kernels.scalar(), 1)) {
            relax.step(RELAX_STEPS);
        }
        grid = new Grid(kase.q(), n, n, EngineMacroBenchmark.PRESET.dx(), Boundary.PERIODIC);
        selfCheck();
    }

    private LshSmileEngine create(Grid g, Projections p) {
        return new LshSmileEngine(model, g, EngineMacroBenchmark.PRESET.dt(), spec.mode(), spec.r(), spec.r(),
            EngineMacroBenchmark.LSH_K, EngineMacroBenchmark.LSH_L, EngineMacroBenchmark.SEED, p);
    }

    private void selfCheck() {
        Projections scalar = ProjectionKernels.scalar();
        Projections checked = projections.name().equals("scalar")
            ? ProjectionKernels.simd().orElseThrow(() -> new IllegalStateException(
                "the self-check needs the SIMD projections: " + ProjectionKernels.vectorUnavailableReason()))
            : projections;
        int cells = kase.size() * kase.size();
        int[] refIds = new int[cells];
        int[] ids = new int[cells];
        String what = state + " " + engine;
        try (Grid other = new Grid(kase.q(), kase.size(), kase.size(), EngineMacroBenchmark.PRESET.dx(),
            Boundary.PERIODIC)) {
            pristine.copyStateTo(other);
            int refMerges;
            try (LshSmileEngine ref = create(other, scalar)) {
                ref.bucketIds(refIds);
                refMerges = ref.lastStep().merges();
            }
            pristine.copyStateTo(grid);
            try (LshSmileEngine e = create(grid, checked)) {
                e.bucketIds(ids);
                LshSmileEngine.StepStats s = e.lastStep();
                if (!Arrays.equals(refIds, ids) || s.merges() != refMerges
                    || grid.current().mismatch(other.current()) >= 0) {
                    throw new IllegalStateException("self-check failed: " + what + ": the encodings with scalar and "
                        + checked.name() + " projections differ (merges " + refMerges + " vs " + s.merges() + ")");
                }
                codeViolations = e.checkInvariants();
                buckets = e.buckets();
                merges = s.merges();
                checkBuckets(ids, buckets, what);
                encoded = new double[kase.q() * cells];
                grid.copyTo(encoded);
                if (merges == 0 || buckets >= cells) {
                    throw new IllegalStateException("self-check failed: " + what + ": no merges (" + buckets
                        + " buckets for " + cells + " elements)");
                }
                System.out.printf(Locale.ROOT, "self-check %s: %d elements -> %d buckets, %d merges (%d refused), "
                    + "%d codings; scalar and %s projections agree%s%n", what, cells, buckets, merges,
                    s.rejectedMerges(), s.rehashed(), checked.name(), spec.mode() == LshSmileEngine.Mode.PAPER
                    ? "; " + codeViolations + " elements whose code misses their representative's" : "");
            }
        }
        verified = true;
    }

    /**
     * Throws unless the bucket ids name exactly {@code expected} buckets and every member of a bucket holds, in
     * every field, bitwise the value of the bucket's first member in the grid.
     */
    private void checkBuckets(int[] ids, int expected, String what) {
        int n = kase.size();
        Map<Integer, Integer> first = new HashMap<>();
        for (int e = 0; e < ids.length; e++) {
            Integer f = first.putIfAbsent(ids[e], e);
            if (f == null) {
                continue;
            }
            for (int q = 0; q < kase.q(); q++) {
                double a = grid.get(q, f / n, f % n);
                double b = grid.get(q, e / n, e % n);
                if (Double.doubleToRawLongBits(a) != Double.doubleToRawLongBits(b)) {
                    throw new IllegalStateException("self-check failed: " + what + ": elements " + f + " and " + e
                        + " share bucket " + ids[e] + " but hold " + a + " and " + b + " in field " + q);
                }
            }
        }
        if (first.size() != expected) {
            throw new IllegalStateException("self-check failed: " + what + ": " + first.size()
                + " distinct bucket ids, the engine counts " + expected);
        }
    }

    /** Frees both grids. */
    @TearDown(Level.Trial)
    public void tearDownTrial() {
        if (grid != null) {
            grid.close();
        }
        if (pristine != null) {
            pristine.close();
        }
    }

    /** Restores the state, encodes it (merging its buckets) and closes the engine; returns the bucket count. */
    @Benchmark
    public int encode() {
        pristine.copyStateTo(grid);
        try (LshSmileEngine e = create(grid, projections)) {
            return e.buckets();
        }
    }

    /** Whether the trial setup's self-check ran and passed. */
    boolean verified() {
        return verified;
    }

    /** Buckets after the self-check's encoding: what every {@link #encode} must return. */
    int expectedBuckets() {
        return buckets;
    }

    /** Merges of the self-check's encoding. */
    int mergesPerEncoding() {
        return merges;
    }

    /** Whether the grid holds bitwise what the self-check's encodings (scalar and checked) wrote back. */
    boolean gridMatchesCheckedEncoding() {
        double[] now = new double[encoded.length];
        grid.copyTo(now);
        return Arrays.equals(now, encoded);
    }

    /** Whether the grid differs from the pristine state (the merges moved values). */
    boolean gridChanged() {
        return grid.current().mismatch(pristine.current()) >= 0;
    }
}
