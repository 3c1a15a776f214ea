package org.lshsmile.bench;

import java.util.concurrent.TimeUnit;
import org.lshsmile.core.engine.ExactEngine;
import org.lshsmile.core.grid.Boundary;
import org.lshsmile.core.grid.Grid;
import org.lshsmile.core.ic.GrainStates;
import org.lshsmile.core.model.GrainGrowth;
import org.lshsmile.core.model.Preset;
import org.lshsmile.simd.Kernels;
import org.lshsmile.simd.StencilKernels;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * Dense explicit steps of Fan-Chen grain growth with {@link ExactEngine} on a periodic Voronoi state
 * (grains = Q, preset {@code default}: dx = 0.5, dt = 0.05). The score is nanoseconds per
 * <em>element-step</em>, one order parameter of one cell advanced by one step; ms per step is
 * {@code score * size * size * Q / 1e6}.
 *
 * <p>Every invocation does exactly {@link #ELEMENT_STEPS} element-steps: {@code @OperationsPerInvocation}
 * must be a compile-time constant, so the number of steps per invocation is
 * {@code ELEMENT_STEPS / (size * size * Q)} (6 steps at 2048:8, 4096 steps at 128:3); a shape passed with
 * {@code -p shape=...} must divide it.
 *
 * <p>Self-check (as Elasticsearch's benchmarkTest does): the trial setup runs {@link #CHECK_STEPS} steps
 * of this very shape with the scalar kernels on one thread and with this trial's kernels (SIMD for a scalar
 * trial) on this trial's thread count, and throws unless the two states are bitwise equal and differ from
 * the initial state.
 * After each iteration the state must still be finite.
 *
 * <p>The forked JVM gets {@code --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED}
 * from {@link Fork#jvmArgsAppend()}; a command-line {@code -jvmArgsAppend} replaces those flags, so
 * whoever passes one must repeat them.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class GrainGrowthStepBenchmark extends EngineStepState {

    /**
     * Element-steps per invocation: 6 * 2^25, twice the least multiple of every shape's size^2 * Q
     * (2048^2 * 8 = 2^25, 128^2 * 3 = 3 * 2^14), so every shape runs a whole, even number of steps (6 at
     * 2048:8): with {@link #pairSteps} every step is part of a two-step pass.
     */
    public static final int ELEMENT_STEPS = 6 << 25;

    /** Steps the trial setup's check against the scalar kernels runs: enough for values to leave {0, 1} and reach the halo. */
    public static final int CHECK_STEPS = 3;

    /** Seed of the Voronoi seeds: every fork and every kernel set starts from the same state. */
    public static final long SEED = 42L;


    /** Grid side and number of order parameters (= grains), {@code size:Q}. */
    @Param({"128:3", "128:8", "512:8", "2048:8"})
    public String shape;

    /** Kernel set: {@code scalar}, {@code simd} or {@code native} (core's {@code KernelSets}). */
    @Param({"scalar", "simd", "native"})
    public String kernels;

    /**
     * Whether the engine advances two steps per pass where the kernels can ({@code ExactEngine}'s pair
     * steps; the SIMD and native kernels have them, the scalar kernels step one at a time either way).
     */
    @Param({"true"})
    public boolean pairSteps = true;

    /** Engine threads (row bands); 1 runs on the benchmark thread. */
    @Param({"1", "2"})
    public int threads;

    private int size;
    private int q;
    private GrainGrowth model;
    private boolean verified;

    /** Parsed {@code size:Q}: {size, Q}. */
    static int[] parseShape(String shape) {
        String[] p = shape.trim().split(":");
        if (p.length != 2) {
            throw new IllegalArgumentException("shape must be size:Q, got '" + shape + "'");
        }
        int s = Integer.parseInt(p[0].trim());
        int k = Integer.parseInt(p[1].trim());
        if (s < 8 || k < 1) {
            throw new IllegalArgumentException("shape needs size >= 8 and Q >= 1, got '" + shape + "'");
        }
        return new int[] {s, k};
    }

    /** Steps per invocation for {@code size:Q}, so that one invocation is {@link #ELEMENT_STEPS} element-steps. */
    static int stepsFor(String shape) {
        int[] sq = parseShape(shape);
        long perStep = (long) sq[0] * sq[0] * sq[1];
        if (perStep > ELEMENT_STEPS || ELEMENT_STEPS % perStep != 0) {
            throw new IllegalArgumentException("shape " + shape + ": size^2 * Q = " + perStep
                + " must divide " + ELEMENT_STEPS + " (the fixed element-steps per invocation)");
        }
        return (int) (ELEMENT_STEPS / perStep);
    }

    /** Builds the initial state, the grid and the engine, then runs the self-check against the scalar kernels. */
    @Setup(Level.Trial)
    public void setupTrial() {
        int[] sq = parseShape(shape);
        size = sq[0];
        q = sq[1];
        steps = stepsFor(shape);
        Preset preset = Preset.DEFAULT;
        model = preset.grainGrowth(q, false);
        StencilKernels k = kernelsByName(kernels);
        pristine = new Grid(q, size, size, preset.dx(), Boundary.PERIODIC);
        pristine.copyFrom(GrainStates.voronoi(size, size, q, q, SEED, true).values());
        grid = new Grid(q, size, size, preset.dx(), Boundary.PERIODIC);
        verifyAgainstScalar(checkedKernels(k));
        pristine.copyStateTo(grid);
        engine = new ExactEngine(model, grid, preset.dt(), k, threads, ExactEngine.MIN_BAND_WORK, pairSteps);
        // Last field, centre cell: a value every step rewrites; returning it keeps the result observed.
        probe = grid.index(q - 1, size / 2, size / 2);
    }

    private void verifyAgainstScalar(StencilKernels checked) {
        double dt = Preset.DEFAULT.dt();
        pristine.copyStateTo(grid);
        try (ExactEngine ref = new ExactEngine(model, grid, dt, Kernels.scalar(), 1)) {
            ref.step(CHECK_STEPS);
        }
        try (Grid other = new Grid(q, size, size, grid.dx(), Boundary.PERIODIC)) {
            pristine.copyStateTo(other);
            try (ExactEngine cand = new ExactEngine(model, other, dt, checked, threads, ExactEngine.MIN_BAND_WORK,
                pairSteps)) {
                cand.step(CHECK_STEPS);
            }
            // Whole buffer, halo and padding included: the kernels promise bitwise equality (0 ulp).
            long at = grid.current().mismatch(other.current());
            if (at >= 0) {
                throw new IllegalStateException("self-check failed for shape " + shape + ": scalar (1 thread) and "
                    + checked.name() + " (" + threads + " threads) differ after " + CHECK_STEPS + " steps at byte " + at);
            }
        }
        if (pristine.current().mismatch(grid.current()) < 0) {
            throw new IllegalStateException("self-check failed for shape " + shape + ": " + CHECK_STEPS
                + " steps left the state unchanged");
        }
        verified = true;
    }

    /**
     * {@code ELEMENT_STEPS / (size^2 Q)} dense steps. Each step reads the previous step's output, so no
     * step can be skipped, and the returned value depends on the last one (JMHSample_34: the work in the
     * loop is consumed, not just the loop's last iteration).
     */
    @Benchmark
    @OperationsPerInvocation(ELEMENT_STEPS)
    public double step() {
        return run();
    }

    /** Whether the trial setup's self-check ran and passed. */
    boolean verified() {
        return verified;
    }
}
