package org.lshsmile.bench;

import java.lang.foreign.MemorySegment;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.lshsmile.core.diag.Diagnostics;
import org.lshsmile.core.engine.ExactEngine;
import org.lshsmile.core.grid.Boundary;
import org.lshsmile.core.grid.Grid;
import org.lshsmile.core.ic.GrainStates;
import org.lshsmile.core.model.CahnHilliard;
import org.lshsmile.core.model.Model;
import org.lshsmile.core.model.Nanovoid;
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
 * Dense explicit steps of every model with {@link ExactEngine} on a periodic grid: scalar, SIMD and native
 * (C through FFM) kernels. The score is nanoseconds per <em>element-step</em>, one value of one field advanced by one step
 * (a step of an n x n grid with m fields is n^2 m element-steps), so ms per step is
 * {@code score * n * n * m / 1e6}.
 *
 * <p>Models ({@link #config} = {@code model:size:threads}):
 * <ul>
 *   <li>{@code grain-growth}: Fan-Chen, Q = 8 order parameters, preset {@code default} (dx = 0.5,
 *   dt = 0.05), a periodic Voronoi state of 8 grains (as {@link GrainGrowthStepBenchmark});</li>
 *   <li>{@code cahn-hilliard}: {@link CahnHilliard#pfhub1()}, 1 field, dx = 1, dt = 1e-3, the PFHub
 *   benchmark 1 initial condition {@code pfhub1Initial(n, n, 1.0, 0.5, 0.01)};</li>
 *   <li>{@code nanovoid-literal}, {@code nanovoid-conservative}: {@link Nanovoid#standard} in that form,
 *   3 fields, dx = 1, dt = 0.02, initial state {@code v2} (two voids).</li>
 * </ul>
 *
 * <p>The model, size and thread count are one parameter whose values are listed in run order, and the
 * kernel set is the parameter that sorts last by name (JMH runs the cartesian product with the
 * alphabetically last parameter varying fastest): so the scalar, SIMD and native trials of one configuration
 * run back to back, and on a shared machine all see the same background load as far as possible.
 *
 * <p>Every invocation does exactly {@link #ELEMENT_STEPS} element-steps ({@code @OperationsPerInvocation}
 * must be a constant): 96 steps of grain growth at 128^2, 768 of Cahn-Hilliard, 256 of nanovoid; 6, 48 and
 * 16 at 512^2. The state is restored from a pristine copy before every iteration and must be finite after it.
 *
 * <p>Self-check: the trial setup runs {@link #CHECK_STEPS} steps of this configuration with the scalar
 * kernels on one thread and with this trial's kernels (SIMD for a scalar trial) on this trial's thread count
 * and throws unless grain growth and Cahn-Hilliard agree bitwise and nanovoid agrees within
 * {@link #NANOVOID_REL_TOL} relative per value (all kernel sets take their logarithms from simd's
 * {@code Log}, so it is bitwise in practice too), and unless the state changed and is finite. It prints one line with the number of values that differ.
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
public class ModelStepBenchmark extends EngineStepState {

    /**
     * Element-steps per invocation: 3 * 2^22, twice the least common multiple of every configuration's
     * n^2 m (2^14 or 2^18 cells times 8, 1 or 3 fields), so every configuration runs a whole number of steps
     * and the slowest (a few tens of ns per element-step) still fits several invocations in a second.
     */
    public static final int ELEMENT_STEPS = 3 << 22;

    /** Steps of the trial setup's check against the scalar kernels: values leave the initial ones and reach the halo. */
    public static final int CHECK_STEPS = 3;

    /** Largest relative difference per value the nanovoid self-check accepts between scalar and the checked kernels. */
    public static final double NANOVOID_REL_TOL = 1e-12;

    /** Seed of the grain-growth Voronoi seeds (as {@link GrainGrowthStepBenchmark#SEED}). */
    public static final long SEED = 42L;

    /** Order parameters of the grain-growth configurations. */
    public static final int GRAIN_Q = 8;


    /** The models, by the names {@link #config} uses. */
    enum Kind {
        GRAIN_GROWTH("grain-growth"),
        CAHN_HILLIARD("cahn-hilliard"),
        NANOVOID_LITERAL("nanovoid-literal"),
        NANOVOID_CONSERVATIVE("nanovoid-conservative");

        final String label;

        Kind(String label) {
            this.label = label;
        }

        static Kind parse(String s) {
            for (Kind k : values()) {
                if (k.label.equals(s.trim().toLowerCase(Locale.ROOT))) {
                    return k;
                }
            }
            throw new IllegalArgumentException("unknown model '" + s
                + "': use grain-growth, cahn-hilliard, nanovoid-literal or nanovoid-conservative");
        }

        /** Whether scalar and the checked kernels must agree bitwise (else within {@link #NANOVOID_REL_TOL}). */
        boolean bitwise() {
            return this == GRAIN_GROWTH || this == CAHN_HILLIARD;
        }
    }

    /** A parsed {@link #config}: model, grid side and engine threads. */
    record Config(Kind kind, int size, int threads) {
    }

    /** A model with its grid spacing, time step and initial state ((field, y, x) C order). */
    record Problem(Model model, double dx, double dt, double[] initial) {
    }

    /**
     * {@code model:size:threads}, in run order. Threads = 2 only at 512^2: at 128^2 a step is too short for
     * the per-step barrier to pay (see the grain-growth results in the README).
     */
    @Param({
        "grain-growth:128:1", "cahn-hilliard:128:1", "nanovoid-literal:128:1", "nanovoid-conservative:128:1",
        "grain-growth:512:1", "cahn-hilliard:512:1", "nanovoid-literal:512:1", "nanovoid-conservative:512:1",
        "grain-growth:512:2", "cahn-hilliard:512:2", "nanovoid-literal:512:2", "nanovoid-conservative:512:2"})
    public String config;

    /** Kernel set: {@code scalar}, {@code simd} or {@code native} (core's {@code KernelSets}). */
    @Param({"scalar", "simd", "native"})
    public String kernels;

    private Config cfg;
    private Problem problem;
    private boolean verified;
    private long differing;
    private double maxRelDiff;

    /** Parses {@code model:size:threads}. */
    static Config parseConfig(String config) {
        String[] p = config.trim().split(":");
        if (p.length != 3) {
            throw new IllegalArgumentException("config must be model:size:threads, got '" + config + "'");
        }
        Kind kind = Kind.parse(p[0]);
        int size = Integer.parseInt(p[1].trim());
        int threads = Integer.parseInt(p[2].trim());
        if (size < 8 || threads < 1) {
            throw new IllegalArgumentException("config needs size >= 8 and threads >= 1, got '" + config + "'");
        }
        return new Config(kind, size, threads);
    }

    /** Fields of a model kind. */
    static int fieldsOf(Kind kind) {
        return switch (kind) {
            case GRAIN_GROWTH -> GRAIN_Q;
            case CAHN_HILLIARD -> 1;
            case NANOVOID_LITERAL, NANOVOID_CONSERVATIVE -> 3;
        };
    }

    /** Steps per invocation, so that one invocation is {@link #ELEMENT_STEPS} element-steps. */
    static int stepsFor(String config) {
        Config c = parseConfig(config);
        long perStep = (long) c.size() * c.size() * fieldsOf(c.kind());
        if (perStep > ELEMENT_STEPS || ELEMENT_STEPS % perStep != 0) {
            throw new IllegalArgumentException("config " + config + ": size^2 * fields = " + perStep
                + " must divide " + ELEMENT_STEPS + " (the fixed element-steps per invocation)");
        }
        return (int) (ELEMENT_STEPS / perStep);
    }

    /** The model, dx, dt and initial state of a kind on an n x n grid. */
    static Problem problemFor(Kind kind, int n) {
        return switch (kind) {
            case GRAIN_GROWTH -> new Problem(Preset.DEFAULT.grainGrowth(GRAIN_Q, false), Preset.DEFAULT.dx(),
                Preset.DEFAULT.dt(), GrainStates.voronoi(n, n, GRAIN_Q, GRAIN_Q, SEED, true).values());
            case CAHN_HILLIARD -> new Problem(CahnHilliard.pfhub1(), 1.0, 1e-3,
                CahnHilliard.pfhub1Initial(n, n, 1.0, 0.5, 0.01));
            case NANOVOID_LITERAL -> new Problem(Nanovoid.standard(Nanovoid.Form.LITERAL), 1.0, 0.02,
                Nanovoid.initialState("v2", n, n));
            case NANOVOID_CONSERVATIVE -> new Problem(Nanovoid.standard(Nanovoid.Form.CONSERVATIVE), 1.0, 0.02,
                Nanovoid.initialState("v2", n, n));
        };
    }

    /** Builds the initial state, the grid and the engine, then runs the self-check against the scalar kernels. */
    @Setup(Level.Trial)
    public void setupTrial() {
        cfg = parseConfig(config);
        steps = stepsFor(config);
        StencilKernels k = kernelsByName(kernels);
        int n = cfg.size();
        problem = problemFor(cfg.kind(), n);
        int m = problem.model().fields();
        pristine = new Grid(m, n, n, problem.dx(), Boundary.PERIODIC);
        pristine.copyFrom(problem.initial());
        grid = new Grid(m, n, n, problem.dx(), Boundary.PERIODIC);
        verifyAgainstScalar(checkedKernels(k));
        pristine.copyStateTo(grid);
        engine = new ExactEngine(problem.model(), grid, problem.dt(), k, cfg.threads());
        // Last field, centre cell: a value every step rewrites; returning it keeps the result observed.
        probe = grid.index(m - 1, n / 2, n / 2);
    }

    private void verifyAgainstScalar(StencilKernels checked) {
        Model model = problem.model();
        pristine.copyStateTo(grid);
        try (ExactEngine ref = new ExactEngine(model, grid, problem.dt(), Kernels.scalar(), 1)) {
            ref.step(CHECK_STEPS);
        }
        String what = config + ": scalar (1 thread) and " + checked.name() + " (" + cfg.threads()
            + (cfg.threads() == 1 ? " thread" : " threads") + ") after "
            + CHECK_STEPS + " steps";
        try (Grid other = new Grid(model.fields(), cfg.size(), cfg.size(), problem.dx(), Boundary.PERIODIC)) {
            pristine.copyStateTo(other);
            try (ExactEngine cand = new ExactEngine(model, other, problem.dt(), checked, cfg.threads())) {
                cand.step(CHECK_STEPS);
            }
            Diagnostics.Cell bad = Diagnostics.firstNonFinite(other);
            if (bad != null) {
                throw new IllegalStateException("self-check failed for " + config + ": " + checked.name() + " state not finite: " + bad);
            }
            // Whole buffer, halo and padding included.
            compare(grid.current(), other.current(), what);
        }
        if (pristine.current().mismatch(grid.current()) < 0) {
            throw new IllegalStateException("self-check failed for " + config + ": " + CHECK_STEPS
                + " steps left the state unchanged");
        }
        Diagnostics.Cell bad = Diagnostics.firstNonFinite(grid);
        if (bad != null) {
            throw new IllegalStateException("self-check failed for " + config + ": scalar state not finite: " + bad);
        }
        System.out.printf(Locale.ROOT, "self-check %s: %d of %d values differ, max relative difference %.3g%n",
            what, differing, grid.current().byteSize() / Double.BYTES, maxRelDiff);
        verified = true;
    }

    /**
     * Throws unless {@code a} and {@code b} agree: bitwise for grain growth and Cahn-Hilliard (the kernels
     * promise 0 ulp), within {@link #NANOVOID_REL_TOL} of the larger magnitude per value for nanovoid.
     * Records how many values differ and the largest relative difference.
     */
    private void compare(MemorySegment a, MemorySegment b, String what) {
        long count = a.byteSize() / Double.BYTES;
        long diff = 0;
        double worst = 0;
        long worstAt = -1;
        for (long i = 0; i < count; i++) {
            double x = a.getAtIndex(D, i);
            double y = b.getAtIndex(D, i);
            if (Double.doubleToRawLongBits(x) == Double.doubleToRawLongBits(y)) {
                continue;
            }
            diff++;
            double rel = Math.abs(x - y) / Math.max(Math.abs(x), Math.abs(y));
            if (!(rel <= worst)) {
                worst = rel;
                worstAt = i;
            }
        }
        differing = diff;
        maxRelDiff = worst;
        if (diff > 0 && cfg.kind().bitwise()) {
            throw new IllegalStateException("self-check failed: " + what + " differ in " + diff
                + " values (bitwise equality expected), first at double index " + a.mismatch(b) / Double.BYTES);
        }
        if (!(worst <= NANOVOID_REL_TOL)) {
            throw new IllegalStateException(String.format(Locale.ROOT,
                "self-check failed: %s differ by %.3g relative at double index %d (%.17g vs %.17g); tolerance %.1g",
                what, worst, worstAt, a.getAtIndex(D, worstAt), b.getAtIndex(D, worstAt), NANOVOID_REL_TOL));
        }
    }

    /**
     * {@code ELEMENT_STEPS / (n^2 m)} dense steps. Each step reads the previous step's output, so no step
     * can be skipped, and the returned value depends on the last one (JMHSample_34).
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

    /** Values (of the whole buffer) in which the self-check's scalar and checked states differed. */
    long differingValues() {
        return differing;
    }

    /** Largest relative difference the self-check saw. */
    double maxRelativeDifference() {
        return maxRelDiff;
    }
}
