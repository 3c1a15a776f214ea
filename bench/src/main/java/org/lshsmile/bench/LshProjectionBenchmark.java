package org.lshsmile.bench;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.lshsmile.core.engine.ExactEngine;
import org.lshsmile.core.grid.Boundary;
import org.lshsmile.core.grid.Grid;
import org.lshsmile.core.kernels.KernelSets;
import org.lshsmile.core.lsh.LshFamily;
import org.lshsmile.core.model.Neighbourhood;
import org.lshsmile.simd.Kernels;
import org.lshsmile.simd.ProjectionKernels;
import org.lshsmile.simd.Projections;
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
 * Batched LSH projections of 13-point feature vectors, as the LSH-SMILE engine computes bucket codes: one
 * {@link LshFamily#codes} call on {@link #VECTORS} vectors of dimension d = 13 m (the engine's batch), with the
 * engine's usual family (L = {@value #TABLES} tables of K = {@value #HASHES} hashes, so 30 codes per vector;
 * r = {@value #WIDTH}, seed {@value #SEED}). Score: nanoseconds per <em>element</em>, i.e. per feature
 * vector (all 30 of its codes); elements per second = 1e9 / score, ns per code = score / 30.
 *
 * <p>Models ({@link #model}; they only set m, hence d, and where the vectors come from):
 * {@code cahn-hilliard} (m = 1, d = 13), {@code nanovoid-literal} (m = 3, d = 39), {@code grain-growth}
 * (m = 8, d = 104), each with the problem of {@link ModelStepBenchmark#problemFor} on a periodic
 * {@value #GRID_SIDE}^2 grid advanced {@value #RELAX_STEPS} dense steps (so interfaces are diffuse and the
 * vectors differ), and the 13-point neighbourhoods of {@value #VECTORS} cells drawn at random (seed
 * {@value #SEED}). The vectors sit in one segment with the family's row stride (d rounded up to 8), as the
 * engine lays them out; the m = 8 batch (1024 x 104 doubles, 832 KiB) fits the 1 MiB L2 of the machine in the
 * README, as in the engine.
 *
 * <p>Kernels ({@link #kernels}, the parameter that sorts last, so the three kernel sets of a model run back to
 * back): {@code scalar} and {@code simd} (simd's {@link ProjectionKernels}) and {@code native} (the C library
 * through FFM, one downcall per batch; core's {@code NativeProjections}).
 *
 * <p>Self-check (trial setup): the codes of this trial's kernels (the SIMD ones for a scalar trial) must equal
 * the scalar kernels' codes bitwise, int for int, as {@link Projections} promises (fixed summation order, no
 * FMA). As a check of the scalar reference itself, every code must also lie within 1 of
 * {@code floor((a.x + b) / r)} with a plain left-to-right dot product in a different order (the order only
 * moves a value lying within rounding of a bucket edge; the count of such codes is printed), and row 0 must
 * take more than one value over the batch (the inputs are not degenerate).
 *
 * <p>The forked JVM gets {@code --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED} from
 * {@link Fork#jvmArgsAppend()}; a command-line {@code -jvmArgsAppend} replaces those flags.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class LshProjectionBenchmark {

    /** Feature vectors per invocation: the engine's batch of bucket codings. */
    public static final int VECTORS = 1024;
    /** LSH tables L (the engine's usual value). */
    public static final int TABLES = 10;
    /** Hashes per table K. */
    public static final int HASHES = 3;
    /** Bucket width r (the verified engine at 1e-3). */
    public static final double WIDTH = 1e-3;
    /** Seed of the hash family and of the cell draw. */
    public static final long SEED = 42L;
    /** Side of the grid the feature vectors are read from. */
    public static final int GRID_SIDE = 64;
    /** Dense scalar steps from the initial state before the vectors are read. */
    public static final int RELAX_STEPS = 16;

    private static final ValueLayout.OfDouble D = ValueLayout.JAVA_DOUBLE;
    private static final ValueLayout.OfInt I = ValueLayout.JAVA_INT;

    /** Model whose feature vectors are projected: {@code cahn-hilliard} (d = 13), {@code nanovoid-literal} (39), {@code grain-growth} (104). */
    @Param({"cahn-hilliard", "nanovoid-literal", "grain-growth"})
    public String model;

    /** Projection kernels: {@code scalar}, {@code simd} or {@code native} (core's {@code KernelSets}). */
    @Param({"scalar", "simd", "native"})
    public String kernels;

    private Arena arena;
    private LshFamily family;
    private MemorySegment vectors;
    private MemorySegment codes;
    private int[] reference;
    private int dimension;
    private boolean verified;
    private long offByOne;

    /**
     * The feature vectors of {@link #VECTORS} random cells of the model's state after {@link #RELAX_STEPS}
     * dense scalar steps on a periodic {@link #GRID_SIDE}^2 grid: vector i at double index {@code i * stride},
     * feature {@code f * 13 + q} the value of field f at neighbourhood point q (the engine's layout).
     */
    static double[] featureVectors(String model, long stride) {
        ModelStepBenchmark.Kind kind = ModelStepBenchmark.Kind.parse(model);
        int n = GRID_SIDE;
        ModelStepBenchmark.Problem p = ModelStepBenchmark.problemFor(kind, n);
        int m = p.model().fields();
        double[] state = new double[m * n * n];
        try (Grid g = new Grid(m, n, n, p.dx(), Boundary.PERIODIC)) {
            g.copyFrom(p.initial());
            try (ExactEngine e = new ExactEngine(p.model(), g, p.dt(), Kernels.scalar(), 1)) {
                e.step(RELAX_STEPS);
            }
            g.copyTo(state);
        }
        double[] out = new double[(int) (VECTORS * stride)];
        SplittableRandom rng = new SplittableRandom(SEED);
        for (int i = 0; i < VECTORS; i++) {
            int y = rng.nextInt(n);
            int x = rng.nextInt(n);
            for (int f = 0; f < m; f++) {
                for (int q = 0; q < Neighbourhood.SIZE; q++) {
                    int yy = Math.floorMod(y + Neighbourhood.dy(q), n);
                    int xx = Math.floorMod(x + Neighbourhood.dx(q), n);
                    out[(int) (i * stride) + f * Neighbourhood.SIZE + q] = state[(f * n + yy) * n + xx];
                }
            }
        }
        return out;
    }

    /**
     * The projections a trial's self-check holds against the scalar ones: the trial's own, or the SIMD ones
     * when the trial runs the scalar ones (so every trial checks a second implementation).
     */
    static Projections checkedProjections(Projections trial) {
        if (!trial.name().equals("scalar")) {
            return trial;
        }
        return ProjectionKernels.simd().orElseThrow(() -> new IllegalStateException(
            "the self-check needs the SIMD projections: " + ProjectionKernels.vectorUnavailableReason()));
    }

    /** Draws the family, builds the batch and runs the self-check against the scalar projections. */
    @Setup(Level.Trial)
    public void setupTrial() {
        Projections proj = KernelSets.projections(kernels);
        int m = ModelStepBenchmark.fieldsOf(ModelStepBenchmark.Kind.parse(model));
        dimension = Neighbourhood.SIZE * m;
        arena = Arena.ofShared();
        family = new LshFamily(TABLES, HASHES, dimension, WIDTH, SEED, proj);
        long stride = family.rowStride();
        vectors = arena.allocate(VECTORS * stride * Double.BYTES, 64);
        MemorySegment.copy(featureVectors(model, stride), 0, vectors, D, 0, (int) (VECTORS * stride));
        codes = arena.allocate((long) VECTORS * family.rows() * Integer.BYTES, 64);
        selfCheck(checkedProjections(proj));
    }

    private void selfCheck(Projections checked) {
        int rows = family.rows();
        long stride = family.rowStride();
        MemorySegment a = family.matrix();
        MemorySegment b = family.offsets();
        double invR = 1.0 / WIDTH;
        MemorySegment ref = arena.allocate((long) VECTORS * rows * Integer.BYTES, 64);
        ProjectionKernels.scalar().project(a, b, rows, dimension, stride, vectors, VECTORS, stride, invR, ref);
        reference = ref.toArray(I);
        codes.fill((byte) 0x5A); // whatever is compared below was written by the checked kernels
        checked.project(a, b, rows, dimension, stride, vectors, VECTORS, stride, invR, codes);
        long differ = 0;
        int firstAt = -1;
        for (int i = 0; i < reference.length; i++) {
            if (codes.getAtIndex(I, i) != reference[i]) {
                differ++;
                firstAt = firstAt < 0 ? i : firstAt;
            }
        }
        String what = model + " (d = " + dimension + "): scalar and " + checked.name() + " codes of " + VECTORS
            + " vectors x " + rows + " hashes";
        if (differ > 0) {
            throw new IllegalStateException("self-check failed: " + what + " differ in " + differ
                + " codes (bitwise equality expected), first at int index " + firstAt + ": "
                + reference[firstAt] + " vs " + codes.getAtIndex(I, firstAt));
        }
        long near = 0;
        Set<Integer> distinctRow0 = new HashSet<>();
        for (int i = 0; i < VECTORS; i++) {
            distinctRow0.add(reference[i * rows]);
            for (int j = 0; j < rows; j++) {
                double dot = 0;
                for (int k = 0; k < dimension; k++) {
                    dot += a.getAtIndex(D, j * stride + k) * vectors.getAtIndex(D, i * stride + k);
                }
                int plain = (int) Math.floor((dot + b.getAtIndex(D, j)) / WIDTH);
                int diff = Math.abs(plain - reference[i * rows + j]);
                if (diff > 1) {
                    throw new IllegalStateException("self-check failed: " + model + " scalar code of vector " + i
                        + " hash " + j + " is " + reference[i * rows + j] + ", a plain dot product gives " + plain);
                }
                near += diff;
            }
        }
        if (distinctRow0.size() < 2) {
            throw new IllegalStateException("self-check failed: " + model + ": every vector has the same code in hash 0");
        }
        offByOne = near;
        System.out.printf(Locale.ROOT, "self-check %s: 0 differ; %d of %d differ by one from a plain dot product; "
            + "%d distinct codes in hash 0%n", what, near, reference.length, distinctRow0.size());
        verified = true;
    }

    /** Frees the batch and the family. */
    @TearDown(Level.Trial)
    public void tearDownTrial() {
        if (family != null) {
            family.close();
        }
        if (arena != null) {
            arena.close();
        }
    }

    /**
     * The 30 codes of each of the {@link #VECTORS} vectors, one {@link LshFamily#codes} call (argument checks once,
     * then the kernels), as the engine's merge pass does. Returns the last code so the call is observed.
     */
    @Benchmark
    @OperationsPerInvocation(VECTORS)
    public int project() {
        family.codes(vectors, VECTORS, family.rowStride(), codes);
        return codes.getAtIndex(I, (long) VECTORS * family.rows() - 1);
    }

    /** Whether the trial setup's self-check ran and passed. */
    boolean verified() {
        return verified;
    }

    /** Codes of the scalar reference that differ by one from a plain left-to-right dot product. */
    long offByOneCodes() {
        return offByOne;
    }

    /** Overwrites the output codes, so a test can see that an invocation writes them all. */
    void scrambleCodes() {
        codes.fill((byte) 0x5A);
    }

    /** Whether the output codes equal the scalar reference's, int for int. */
    boolean codesMatchReference() {
        for (int i = 0; i < reference.length; i++) {
            if (codes.getAtIndex(I, i) != reference[i]) {
                return false;
            }
        }
        return true;
    }
}
