package org.lshsmile.validation;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.lshsmile.core.engine.ExactEngine;
import org.lshsmile.core.grid.Boundary;
import org.lshsmile.core.grid.Grid;
import org.lshsmile.core.ic.GrainStates;
import org.lshsmile.core.model.GrainGrowth;
import org.lshsmile.core.model.Preset;
import org.lshsmile.simd.StencilKernels;

/**
 * Fan-Chen grain growth held to references that share no code with the kernels (physics.md 1.1, 1.2,
 * 1.7, 5): a plain heap-array loop of the paper's update, the analytic free energy of uniform states,
 * stationary grain interiors, a free energy that never increases (both presets), the circle shrink law
 * at dx = 0.25 within 5%, and boundaries pinned by the lattice at dx = 1.
 */
final class GrainGrowthCase implements ValidationCase {

    static final String NAME = "grain-growth";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "grain growth: plain reference loop, analytic F, stationary interiors, F non-increasing (both"
            + " presets), circle shrink law at dx = 0.25 within 5%, pinned at dx = 1";
    }

    @Override
    public List<Check> run(boolean quick, StencilKernels kernels, int threads) {
        List<Check> out = new ArrayList<>();
        out.add(referenceLoop(kernels, threads));
        out.addAll(uniformFreeEnergy());
        out.addAll(interiorsStationary(kernels, threads));
        for (Preset p : Preset.all()) {
            out.addAll(freeEnergyNonIncreasing(p, quick ? 100 : 300, kernels, threads));
        }
        out.addAll(circleShrinks(kernels, threads));
        out.add(pinnedAtDx1(kernels, threads));
        return out;
    }

    /**
     * The paper's update written the plainest way (physics.md 1.2): periodic wrap by modulo, heap arrays,
     * {@code -A eta + B eta^3 + 2 eta S_q - kappa lap eta}; no flush, no clamp.
     */
    static double[][][] referenceSteps(double[][][] eta, int steps, double l, double kappa, double a, double b,
                                       double dt, double dx) {
        int q = eta.length;
        int ny = eta[0].length;
        int nx = eta[0][0].length;
        double[][][] cur = eta;
        for (int s = 0; s < steps; s++) {
            double[][][] nxt = new double[q][ny][nx];
            for (int y = 0; y < ny; y++) {
                for (int x = 0; x < nx; x++) {
                    double total = 0;
                    for (int r = 0; r < q; r++) {
                        total += cur[r][y][x] * cur[r][y][x];
                    }
                    for (int p = 0; p < q; p++) {
                        double e = cur[p][y][x];
                        double lap = (cur[p][(y + 1) % ny][x] + cur[p][(y - 1 + ny) % ny][x]
                            + cur[p][y][(x + 1) % nx] + cur[p][y][(x - 1 + nx) % nx] - 4 * e) / (dx * dx);
                        double others = total - e * e;
                        double rate = -a * e + b * e * e * e + 2 * e * others - kappa * lap;
                        nxt[p][y][x] = e - l * dt * rate;
                    }
                }
            }
            cur = nxt;
        }
        return cur;
    }

    /** The engine against {@link #referenceSteps} after 180 steps of the paper preset, Q = 4, 48 x 57. */
    private static Check referenceLoop(StencilKernels kernels, int threads) {
        int q = 4;
        int ny = 48;
        int nx = 57;
        int steps = 180;
        Preset p = Preset.PAPER;
        double[] init = GrainStates.voronoi(ny, nx, q, q, 5, true).values();
        double[][][] ref = new double[q][ny][nx];
        for (int f = 0; f < q; f++) {
            for (int y = 0; y < ny; y++) {
                System.arraycopy(init, (f * ny + y) * nx, ref[f][y], 0, nx);
            }
        }
        ref = referenceSteps(ref, steps, p.mobility(), p.kappa(), p.a(), p.b(), p.dt(), p.dx());
        double[] got = new double[init.length];
        try (Grid g = new Grid(q, ny, nx, p.dx(), Boundary.PERIODIC);
             ExactEngine e = new ExactEngine(p.grainGrowth(q, false), g, p.dt(), kernels, threads)) {
            g.copyFrom(init);
            e.step(steps);
            g.copyTo(got);
        }
        double worst = 0;
        for (int f = 0; f < q; f++) {
            for (int y = 0; y < ny; y++) {
                for (int x = 0; x < nx; x++) {
                    double r = ref[f][y][x];
                    double err = Math.abs(got[(f * ny + y) * nx + x] - r) / Math.max(1.0, Math.abs(r));
                    worst = Math.max(worst, err); // Math.max keeps a NaN
                }
            }
        }
        return Check.of(NAME, "max rel. error vs plain loop, " + steps + " steps", 1e-12, worst, 0,
            Check.Comparison.AT_MOST, "independent loop, physics.md 1.2");
    }

    /**
     * eta_1 = 1, others 0: {@code f0 = -A/2 + B/4} per cell, no gradient, no pair term; then one interior
     * cell with eta_2 = 1 as well: pair term 1, bulk 0 (A = 1, B = 2), gradient kappa/2 * 4 faces / dx^2.
     */
    private static List<Check> uniformFreeEnergy() {
        GrainGrowth m = GrainGrowth.uniform(3, 5, 0.1, 1.0, 2.0, false);
        List<Check> out = new ArrayList<>();
        try (Grid g = new Grid(3, 10, 12, 0.5, Boundary.NOFLUX)) {
            double[] v = new double[3 * 120];
            Arrays.fill(v, 0, 120, 1.0);
            g.copyFrom(v);
            out.add(Check.of(NAME, "F of a uniform grain (A=1, B=2)", 120 * 0.25 * (-0.5 + 0.5), m.freeEnergy(g),
                1e-15, Check.Comparison.ABSOLUTE, "analytic, physics.md 1.1"));
            v[120 + 4 * 12 + 5] = 1.0;
            g.copyFrom(v);
            double grad = 0.5 * 0.1 * 4 / 0.25;
            out.add(Check.of(NAME, "F with one doubly-occupied cell", 0.25 * (1.0 + grad), m.freeEnergy(g), 1e-12,
                Check.Comparison.ABSOLUTE, "analytic, physics.md 1.1"));
        }
        return out;
    }

    /** One step from sharp Voronoi grains: cells whose four neighbours share their grain do not change. */
    private static List<Check> interiorsStationary(StencilKernels kernels, int threads) {
        int q = 3;
        int n = 64;
        GrainStates.Labelled s = GrainStates.voronoi(n, n, q, q, 9, true);
        double[] init = s.values();
        double[] got = new double[init.length];
        try (Grid g = new Grid(q, n, n, 0.5, Boundary.PERIODIC);
             ExactEngine e = new ExactEngine(Preset.DEFAULT.grainGrowth(q, false), g, 0.05, kernels, threads)) {
            g.copyFrom(init);
            e.step(1);
            g.copyTo(got);
        }
        int[] lab = s.grainOfCell();
        int interior = 0;
        int moved = 0;
        for (int y = 0; y < n; y++) {
            for (int x = 0; x < n; x++) {
                int c = lab[y * n + x];
                boolean flat = c == lab[Math.floorMod(y + 1, n) * n + x] && c == lab[Math.floorMod(y - 1, n) * n + x]
                    && c == lab[y * n + Math.floorMod(x + 1, n)] && c == lab[y * n + Math.floorMod(x - 1, n)];
                if (flat) {
                    interior++;
                    for (int f = 0; f < q; f++) {
                        int i = (f * n + y) * n + x;
                        if (Double.doubleToRawLongBits(init[i]) != Double.doubleToRawLongBits(got[i])) {
                            moved++;
                        }
                    }
                }
            }
        }
        return List.of(
            Check.of(NAME, "interior values changed by one step", 0, moved, 0, Check.Comparison.ABSOLUTE,
                "physics.md 5 (interiors stationary)"),
            Check.of(NAME, "interior cells (of " + n * n + ")", n * n / 2.0, interior, 0, Check.Comparison.ABOVE,
                "setup: most cells interior"));
    }

    /**
     * physics.md 1.7: total F non-increasing every step below the stable dt (exact for the discrete gradient
     * flow), Q = 5, 12 Voronoi grains, 64 x 64, the preset's dx and dt.
     */
    private static List<Check> freeEnergyNonIncreasing(Preset p, int steps, StencilKernels kernels, int threads) {
        GrainGrowth m = p.grainGrowth(5, false);
        double worstRise = Double.NEGATIVE_INFINITY;
        double first;
        double last;
        try (Grid g = new Grid(5, 64, 64, p.dx(), Boundary.PERIODIC);
             ExactEngine e = new ExactEngine(m, g, p.dt(), kernels, threads)) {
            g.copyFrom(GrainStates.voronoi(64, 64, 12, 5, 3, true).values());
            double prev = m.freeEnergy(g);
            first = prev;
            for (int s = 1; s <= steps; s++) {
                e.step(1);
                double f = m.freeEnergy(g);
                double rise = (f - prev) / Math.abs(prev);
                worstRise = Math.max(worstRise, rise); // Math.max keeps a NaN
                prev = f;
            }
            last = prev;
        }
        String w = p.name() + " preset";
        return List.of(
            Check.of(NAME, w + ": max rel. F rise per step, " + steps + " steps", 1e-12, worstRise, 0,
                Check.Comparison.AT_MOST, "physics.md 1.7 (F non-increasing)"),
            Check.of(NAME, w + ": F(end) - F(0)", 0, last - first, 0, Check.Comparison.BELOW,
                "physics.md 1.7 (F non-increasing)"));
    }

    /** physics.md 1.7: dA/dt = -2 pi L kappa within 5% at dx = 0.25 (numpy measured -3.09 vs -3.1416). */
    private static List<Check> circleShrinks(StencilKernels kernels, int threads) {
        CircleShrink.Result r = CircleShrink.run(Preset.DEFAULT.grainGrowth(2, false), 0.25, 10.0, 5.0, 30.0,
            kernels, threads);
        return List.of(
            Check.of(NAME, "circle dA/dt at dx=0.25", r.theoryRate(), r.measuredRate(), 0.05,
                Check.Comparison.RELATIVE, "physics.md 1.7 sharp-interface law"),
            Check.of(NAME, "circle area lost by t=30", 50, r.initialArea() - r.finalArea(), 0,
                Check.Comparison.ABOVE, "physics.md 1.7 (the circle shrinks)"));
    }

    /** physics.md 1.3, 1.7: at dx = 1 the boundary is thinner than a cell and does not move. */
    private static Check pinnedAtDx1(StencilKernels kernels, int threads) {
        CircleShrink.Result r = CircleShrink.run(Preset.PAPER.grainGrowth(2, false), 1.0, 15.0, 20.0, 60.0,
            kernels, threads);
        return Check.of(NAME, "|circle dA/dt| / theory at dx=1", 0.05, Math.abs(r.measuredRate() / r.theoryRate()),
            0, Check.Comparison.BELOW, "physics.md 1.7 (pinned at dx = 1)");
    }
}
