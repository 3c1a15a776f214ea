package org.lshsmile.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.lshsmile.core.engine.ActiveSetEngine;
import org.lshsmile.core.engine.Engine;
import org.lshsmile.core.engine.ExactEngine;
import org.lshsmile.core.grid.Boundary;
import org.lshsmile.core.grid.Grid;
import org.lshsmile.core.ic.GrainStates;
import org.lshsmile.core.learn.Learnable;
import org.lshsmile.core.learn.Learnables;
import org.lshsmile.core.learn.RolloutGradient;
import org.lshsmile.core.lsh.LshSmileEngine;
import org.lshsmile.core.model.Model;
import org.lshsmile.core.model.ModelPreset;
import org.lshsmile.core.model.Nanovoid;
import org.lshsmile.core.model.Preset;
import org.lshsmile.simd.Kernels;
import org.lshsmile.simd.StencilKernels;

/**
 * One row of the paper's Table 1, run in its own JVM so that its peak resident memory is its own
 * ({@code VmHWM}); prints one JSON line. The paper's structure: 1700 frames, 10 epochs, each a rollout
 * of T = 30 steps from a frame (17,000 rollouts, 510,000 steps).
 * <ul>
 *   <li>{@code gg-sim}: grain growth, paper preset (128^2, dx = 1, dt = 0.05), 3 grains, Q = 3;</li>
 *   <li>{@code nn-sim}: nanovoid, paper preset (128^2, dt = 0.1, literal form, state v0);</li>
 *   <li>{@code gg-learn-30} / {@code gg-learn-10}: loss-and-gradient evaluations of one pair each, T = 30
 *   or 10, grain growth default preset (dx = 0.5, Q = 3), 10 epochs of 1700 pairs.</li>
 * </ul>
 * Engines: exact and active (SIMD, 2 threads), lsh-verified (r = r0 = 1e-3) and lsh-paper (r = 0.01),
 * K = 3, L = 10, one thread; for learning exact or lsh-verified forward. Every frame of the data set is
 * held in memory in every case (as a learner holds its data set); a fraction f runs the first
 * {@code ceil(f * 17000)} rollouts (frames evenly spread) and projects the time linearly.
 */
public final class PaperTable {

    /** Rollouts (or pair gradients) of a row: 1700 frames x 10 epochs. */
    public static final int UNITS = 17_000;
    /** Frames of the data set. */
    public static final int FRAMES = 1700;

    private PaperTable() {
    }

    /** {@code row engine fraction}: runs and prints the JSON line. */
    public static void main(String[] args) throws IOException {
        if (args.length != 3) {
            System.err.println("usage: PaperTable gg-sim|nn-sim|gg-learn-30|gg-learn-10 ENGINE FRACTION");
            System.exit(2);
        }
        String row = args[0];
        String engine = args[1];
        double f = Double.parseDouble(args[2]);
        if (!(f > 0 && f <= 1)) {
            throw new IllegalArgumentException("fraction must be in (0, 1], got " + f);
        }
        int units = (int) Math.ceil(f * UNITS);
        StencilKernels k = Kernels.simd().isPresent() ? Kernels.byName("simd") : Kernels.scalar();
        long t0 = System.nanoTime();
        double seconds = switch (row) {
            case "gg-sim" -> sim(ModelPreset.byName(ModelPreset.GRAIN_GROWTH, "paper"), 3,
                GrainStates.voronoi(128, 128, 3, 3, EngineMacroBenchmark.SEED, true).values(), engine, units, k);
            case "nn-sim" -> sim(ModelPreset.byName(ModelPreset.NANOVOID, "paper"), 3,
                Nanovoid.initialState("v0", 128, 128), engine, units, k);
            case "gg-learn-30" -> learn(30, engine, units, k);
            case "gg-learn-10" -> learn(10, engine, units, k);
            default -> throw new IllegalArgumentException("unknown row " + row);
        };
        double wall = (System.nanoTime() - t0) * 1e-9;
        System.out.printf(Locale.ROOT, "{\"row\": \"%s\", \"engine\": \"%s\", \"fraction\": %s, \"units\": %d,"
                + " \"units_total\": %d, \"measured_s\": %.6f, \"projected_s\": %.3f, \"wall_s\": %.3f,"
                + " \"peak_rss_mb\": %.1f, \"kernels\": \"%s\"}%n", row, engine, args[2], units, UNITS, seconds,
            seconds / units * UNITS, wall, peakRssMb(), k.name());
    }

    /** The frames: the preset's initial state and the states after 1..FRAMES-1 exact steps. */
    private static List<double[]> frames(Model m, ModelPreset p, double[] init, StencilKernels k, int count) {
        List<double[]> out = new ArrayList<>(count);
        try (Grid g = new Grid(m.fields(), p.size(), p.size(), p.dx(), p.boundary());
             ExactEngine e = new ExactEngine(m, g, p.dt(), k, 2)) {
            g.copyFrom(init);
            for (int i = 0; i < count; i++) {
                double[] v = new double[m.fields() * p.size() * p.size()];
                g.copyTo(v);
                out.add(v);
                e.step(1);
            }
        }
        return out;
    }

    private static double sim(ModelPreset p, int q, double[] init, String engine, int units, StencilKernels k) {
        Model m = p.model(q);
        List<double[]> frames = frames(m, p, init, k, FRAMES);
        long total = 0;
        try (Grid g = new Grid(m.fields(), p.size(), p.size(), p.dx(), p.boundary())) {
            for (int u = -warmUp(engine); u < units; u++) {
                g.copyFrom(frames.get((int) ((long) Math.max(u, 0) * FRAMES / Math.max(1, units)) % FRAMES));
                long t = System.nanoTime();
                try (Engine e = create(engine, m, g, p.dt(), k)) {
                    e.step(30);
                }
                total += u >= 0 ? System.nanoTime() - t : 0;
            }
        }
        return total * 1e-9;
    }

    /** Untimed units first, so the timed ones run compiled code (a short fraction would time the JIT). */
    private static int warmUp(String engine) {
        return engine.startsWith("lsh") ? 2 : 20;
    }

    private static Engine create(String engine, Model m, Grid g, double dt, StencilKernels k) {
        return switch (engine) {
            case "exact" -> new ExactEngine(m, g, dt, k, 2);
            case "active" -> new ActiveSetEngine(m, g, dt, k, 2);
            case "lsh-verified" -> new LshSmileEngine(m, g, dt, LshSmileEngine.Mode.VERIFIED, 1e-3, 1e-3, 3, 10,
                EngineMacroBenchmark.SEED);
            case "lsh-paper" -> new LshSmileEngine(m, g, dt, LshSmileEngine.Mode.PAPER, 0.01, 0.01, 3, 10,
                EngineMacroBenchmark.SEED);
            default -> throw new IllegalArgumentException("unknown engine " + engine);
        };
    }

    private static double learn(int steps, String engine, int units, StencilKernels k) {
        int n = 128;
        Learnable truth = Learnables.of(Preset.DEFAULT.grainGrowth(3, false));
        double[] v = truth.parameterValues();
        for (int i = 0; i < v.length; i++) {
            v[i] *= i % 2 == 0 ? 1.2 : 0.85;
        }
        Learnable at = truth.withParameters(v);
        ModelPreset p = ModelPreset.byName(ModelPreset.GRAIN_GROWTH, "default");
        List<double[]> frames = frames(truth.model(), p, GrainStates.voronoi(n, n, 3, 3, EngineMacroBenchmark.SEED,
            true).values(), k, FRAMES + steps);
        RolloutGradient.LshForward lsh = switch (engine) {
            case "exact" -> null;
            case "lsh-verified" -> new RolloutGradient.LshForward(LshSmileEngine.Mode.VERIFIED, 1e-3, 1e-3, 3, 10,
                EngineMacroBenchmark.SEED);
            default -> throw new IllegalArgumentException("learning engines: exact, lsh-verified; got " + engine);
        };
        double[] grad = new double[v.length];
        long total = 0;
        try (RolloutGradient g = new RolloutGradient(3, n, n, p.dx(), Boundary.PERIODIC, p.dt(), steps, k,
            lsh == null ? 2 : 1, 0, 64L * 1024, lsh)) {
            for (int u = -warmUp(engine); u < units; u++) {
                int i = (int) ((long) Math.max(u, 0) * FRAMES / Math.max(1, units)) % FRAMES;
                List<RolloutGradient.Pair> pair = List.of(new RolloutGradient.Pair(frames.get(i), i,
                    frames.get(i + steps)));
                long t = System.nanoTime();
                g.lossAndGradient(at, pair, grad);
                total += u >= 0 ? System.nanoTime() - t : 0;
            }
        }
        return total * 1e-9;
    }

    /** The process's peak resident set (VmHWM), MB; NaN where /proc is absent. */
    static double peakRssMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
        return Double.NaN;
    }
}
