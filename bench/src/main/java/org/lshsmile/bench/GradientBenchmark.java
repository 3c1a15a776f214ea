package org.lshsmile.bench;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.lshsmile.core.grid.Boundary;
import org.lshsmile.core.ic.GrainStates;
import org.lshsmile.core.learn.Learnable;
import org.lshsmile.core.learn.Learnables;
import org.lshsmile.core.learn.RolloutGradient;
import org.lshsmile.core.lsh.LshSmileEngine;
import org.lshsmile.core.model.Preset;
import org.lshsmile.simd.Kernels;
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
 * One gradient evaluation against one forward rollout of the same T (issue 6's target: at most 3x), grain
 * growth (preset {@code default}: dx = 0.5, dt = 0.05, Q = 3, a periodic Voronoi state of 3 grains, the
 * parameters off by 10-30% from the truth that made the target), SIMD kernels, exact or LSH-SMILE forward
 * (verified, r = 1e-3). Score: milliseconds per call for one pair.
 *
 * <p>{@link #kind} sorts last, so JMH runs the rollout and the gradient of one configuration back to back
 * and their ratio sees the same background load.
 *
 * <p>Self-check (trial setup): the gradient is finite and not zero, the loss positive, and for the exact
 * forward the gradient with the SIMD kernels agrees with the scalar kernels' to 1e-12 relative.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class GradientBenchmark {

    /** {@code size:T:threads}. */
    @Param({"128:10:1", "128:30:1", "512:10:1", "512:30:1", "512:30:2"})
    public String config;

    /** Forward model: {@code exact} or {@code lsh}. */
    @Param({"exact", "lsh"})
    public String engine;

    /** {@code rollout} (loss only) or {@code gradient} (loss and gradient). */
    @Param({"rollout", "gradient"})
    public String kind;

    private RolloutGradient rg;
    private Learnable at;
    private List<RolloutGradient.Pair> pairs;
    private double[] grad;

    /** Parses {@code size:T:threads}. */
    static int[] parse(String config) {
        String[] p = config.split(":");
        if (p.length != 3) {
            throw new IllegalArgumentException("config must be size:T:threads, got " + config);
        }
        return new int[] {Integer.parseInt(p[0]), Integer.parseInt(p[1]), Integer.parseInt(p[2])};
    }

    static RolloutGradient create(int n, int steps, int threads, String engine, org.lshsmile.simd.StencilKernels k) {
        RolloutGradient.LshForward lsh = engine.equals("lsh")
            ? new RolloutGradient.LshForward(LshSmileEngine.Mode.VERIFIED, 1e-3, 1e-3, 3, 10, 42) : null;
        return new RolloutGradient(3, n, n, Preset.DEFAULT.dx(), Boundary.PERIODIC, Preset.DEFAULT.dt(), steps, k,
            threads, 0, 0, lsh);
    }

    /** Builds the pair, the gradient engine and runs the self-check. */
    @Setup(Level.Trial)
    public void setup() {
        int[] c = parse(config);
        Learnable truth = Learnables.of(Preset.DEFAULT.grainGrowth(3, false));
        double[] v = truth.parameterValues();
        double[] f = {1.2, 0.9, 1.3, 0.8, 1.1, 0.7, 1.25, 0.85};
        for (int i = 0; i < v.length; i++) {
            v[i] *= f[i % f.length];
        }
        at = truth.withParameters(v);
        double[] start = GrainStates.voronoi(c[0], c[0], 3, 3, 5, true).values();
        double[] target = new double[start.length];
        rg = create(c[0], c[1], c[2], engine, Kernels.byName("simd"));
        rg.rollout(truth, start, 0, target);
        pairs = List.of(new RolloutGradient.Pair(start, 0, target));
        grad = new double[v.length];
        double loss = rg.lossAndGradient(at, pairs, grad);
        boolean nonzero = false;
        for (double g : grad) {
            if (!Double.isFinite(g)) {
                throw new IllegalStateException("self-check: gradient not finite");
            }
            nonzero |= g != 0;
        }
        if (!(loss > 0) || !nonzero) {
            throw new IllegalStateException("self-check: loss " + loss + ", gradient all zero: " + !nonzero);
        }
        if (engine.equals("exact")) {
            double[] ref = new double[v.length];
            try (RolloutGradient s = create(c[0], c[1], 1, engine, Kernels.scalar())) {
                s.lossAndGradient(at, pairs, ref);
            }
            for (int i = 0; i < ref.length; i++) {
                if (Math.abs(ref[i] - grad[i]) > 1e-12 * Math.abs(ref[i])) {
                    throw new IllegalStateException("self-check: parameter " + i + " simd " + grad[i] + " scalar "
                        + ref[i]);
                }
            }
        }
        System.out.println("self-check passed: " + config + " " + engine + " loss " + loss + ", checkpoint every "
            + rg.checkpointEvery() + ", adjoint kernels " + rg.adjointKernels().name());
    }

    /** Frees the gradient engine. */
    @TearDown(Level.Trial)
    public void tearDown() {
        rg.close();
    }

    /** One rollout (loss only) or one gradient evaluation, for one pair. */
    @Benchmark
    public double run() {
        return kind.equals("gradient") ? rg.lossAndGradient(at, pairs, grad) : rg.loss(at, pairs);
    }
}
