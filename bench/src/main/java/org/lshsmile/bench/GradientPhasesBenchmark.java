package org.lshsmile.bench;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;
import org.lshsmile.core.grid.Boundary;
import org.lshsmile.core.grid.Grid;
import org.lshsmile.core.ic.GrainStates;
import org.lshsmile.core.learn.Learnable;
import org.lshsmile.core.learn.Learnables;
import org.lshsmile.core.model.Model;
import org.lshsmile.core.model.Preset;
import org.lshsmile.simd.AdjointKernels;
import org.lshsmile.simd.Kernels;
import org.lshsmile.simd.StencilKernels;
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
 * Where a gradient evaluation's time goes: {@link GradientBenchmark}'s exact case (grain growth, preset
 * {@code default}, Q = 3, SIMD kernels, one thread) split into the phases {@code RolloutGradient} runs, each
 * as T steps of the same model and kernels:
 * <ul>
 *   <li>{@code rollout}: T steps between two buffers, as a loss-only rollout (both stay in the caches up to
 *       512^2: 2 x 6.3 MB against a 32 MB L3);</li>
 *   <li>{@code rollout-pairs}: the same rollout in two-step passes ({@code Model.stepRowsPair}, as
 *       {@code ExactEngine} steps grain growth with the SIMD kernels): the fastest rollout the library has;</li>
 *   <li>{@code forward-stored}: T steps each writing a state of its own, as the gradient's forward pass keeps
 *       every state for the adjoint (T + 1 states: 12 MB at 128^2 and T = 30, 195 MB at 512^2);</li>
 *   <li>{@code adjoint}: T adjoint steps back over those stored states (reads a stored state and the
 *       adjoint, writes the next adjoint).</li>
 * </ul>
 * {@code forward-stored + adjoint} is the gradient's cost less the loss and the seeding of the adjoint
 * (one pass each); set against {@code rollout} it says how much of {@code gradient / rollout} is the
 * stored states' memory traffic and how much the adjoint's arithmetic. Score: milliseconds per T steps.
 *
 * <p>Self-check (trial setup): the last stored state and the two-step passes' result equal the two-buffer
 * rollout's bit for bit, and the
 * adjoint after T steps is finite and not zero.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class GradientPhasesBenchmark {

    /** {@code size:T}. */
    @Param({"128:10", "128:30", "512:10", "512:30"})
    public String config;

    /** {@code rollout}, {@code rollout-pairs}, {@code forward-stored} or {@code adjoint}. */
    @Param({"rollout", "rollout-pairs", "forward-stored", "adjoint"})
    public String phase;

    private int steps;
    private Learnable at;
    private Model model;
    private double dt;
    private StencilKernels kernels;
    private AdjointKernels adjoint;
    private Grid x;
    private Grid lam;
    private Arena arena;
    private Grid[] views;
    private MemorySegment scratch;
    private double[] rowGrad;
    private double[] start;
    private double[] seed;

    /** Allocates the grids and the T + 1 stored states and runs the self-check. */
    @Setup(Level.Trial)
    public void setup() {
        int[] c = parse(config);
        int n = c[0];
        steps = c[1];
        at = Learnables.of(Preset.DEFAULT.grainGrowth(3, false));
        model = at.model();
        dt = Preset.DEFAULT.dt();
        kernels = Kernels.byName("simd");
        adjoint = Kernels.adjointFor(kernels);
        x = new Grid(3, n, n, Preset.DEFAULT.dx(), Boundary.PERIODIC);
        lam = new Grid(3, n, n, Preset.DEFAULT.dx(), Boundary.PERIODIC);
        arena = Arena.ofShared();
        long stateBytes = x.planeStride() * 3 * Double.BYTES;
        MemorySegment[] slots = new MemorySegment[steps + 1];
        for (int i = 0; i <= steps; i++) {
            slots[i] = arena.allocate(stateBytes, 64);
        }
        views = new Grid[steps];
        for (int i = 0; i < steps; i++) {
            views[i] = x.view(slots[i], slots[i + 1]);
        }
        scratch = arena.allocate(Math.max(Math.max(model.scratchDoubles(x), at.adjointScratchDoubles(x)),
            model.pairScratchDoubles(x)) * Double.BYTES, 64);
        if (!model.hasPairStep(kernels, x)) {
            throw new IllegalStateException("self-check: the SIMD grain-growth kernels have no two-step pass here");
        }
        rowGrad = new double[n * at.parameterNames().size()];
        start = GrainStates.voronoi(n, n, 3, 3, 5, true).values();
        seed = new double[start.length];
        for (int i = 0; i < seed.length; i++) {
            seed[i] = 1e-6 * ((i * 7919L) % 1000 - 500);
        }
        double[] inPlace = new double[start.length];
        rolloutPairs();
        double[] paired = new double[start.length];
        x.copyTo(paired);
        rollout();
        x.copyTo(inPlace);
        for (int i = 0; i < paired.length; i++) {
            if (Double.doubleToRawLongBits(paired[i]) != Double.doubleToRawLongBits(inPlace[i])) {
                throw new IllegalStateException("self-check: two-step passes differ from the rollout at " + i);
            }
        }
        forwardStored();
        double[] stored = new double[start.length];
        views[steps - 1].swap();
        views[steps - 1].copyTo(stored);
        views[steps - 1].swap();
        for (int i = 0; i < stored.length; i++) {
            if (Double.doubleToRawLongBits(stored[i]) != Double.doubleToRawLongBits(inPlace[i])) {
                throw new IllegalStateException("self-check: stored state differs from the rollout at " + i);
            }
        }
        adjointPass();
        double[] l = new double[start.length];
        lam.copyTo(l);
        boolean nonzero = false;
        for (double v : l) {
            if (!Double.isFinite(v)) {
                throw new IllegalStateException("self-check: adjoint not finite");
            }
            nonzero |= v != 0;
        }
        if (!nonzero) {
            throw new IllegalStateException("self-check: adjoint all zero");
        }
        System.out.println("self-check passed: " + config + ", " + (steps + 1) + " stored states of "
            + stateBytes / 1_000_000.0 + " MB");
    }

    static int[] parse(String config) {
        String[] p = config.split(":");
        if (p.length != 2) {
            throw new IllegalArgumentException("config must be size:T, got " + config);
        }
        return new int[] {Integer.parseInt(p[0]), Integer.parseInt(p[1])};
    }

    private void rollout() {
        x.copyFrom(start);
        for (int k = 0; k < steps; k++) {
            x.refreshHalo();
            model.stepRows(kernels, x, dt, k, x.rowStart(), x.rowStart() + x.ny(), scratch);
            x.swap();
        }
    }

    private void rolloutPairs() {
        x.copyFrom(start);
        int k = 0;
        for (; k + 2 <= steps; k += 2) {
            x.refreshHalo();
            model.stepRowsPair(kernels, x, dt, k, x.rowStart(), x.rowStart() + x.ny(), scratch);
            x.swap();
        }
        for (; k < steps; k++) {
            x.refreshHalo();
            model.stepRows(kernels, x, dt, k, x.rowStart(), x.rowStart() + x.ny(), scratch);
            x.swap();
        }
    }

    private void forwardStored() {
        views[0].copyFrom(start);
        for (int k = 0; k < steps; k++) {
            Grid v = views[k];
            v.refreshHalo();
            model.stepRows(kernels, v, dt, k, v.rowStart(), v.rowStart() + v.ny(), scratch);
        }
    }

    private void adjointPass() {
        java.util.Arrays.fill(rowGrad, 0.0);
        lam.copyFrom(seed);
        lam.refreshHalo();
        for (int k = steps - 1; k >= 0; k--) {
            Grid v = views[k];
            at.adjointRows(adjoint, v, lam.current(), lam.next(), dt, k, v.rowStart(), v.rowStart() + v.ny(),
                scratch, rowGrad, v.rowStart());
            lam.swap();
            lam.refreshHalo();
        }
    }

    /** Frees the grids and the stored states. */
    @TearDown(Level.Trial)
    public void tearDown() {
        for (Grid v : views) {
            v.close();
        }
        x.close();
        lam.close();
        arena.close();
    }

    /** T steps of the chosen phase; returns the bits of one value the phase computed (the same for every call). */
    @Benchmark
    public long run() {
        int mid = x.ny() / 2;
        double v = switch (phase) {
            case "rollout" -> {
                rollout();
                yield x.get(0, mid, mid);
            }
            case "rollout-pairs" -> {
                rolloutPairs();
                yield x.get(0, mid, mid);
            }
            case "forward-stored" -> {
                forwardStored();
                yield views[steps - 1].get(0, mid, mid);
            }
            case "adjoint" -> {
                adjointPass();
                yield rowGrad[mid * at.parameterNames().size()] + lam.get(0, mid, mid);
            }
            default -> throw new IllegalArgumentException("phase must be rollout, rollout-pairs, forward-stored or adjoint, got "
                + phase);
        };
        return Double.doubleToRawLongBits(v);
    }
}
