package org.lshsmile.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.lshsmile.core.engine.ExactEngine;
import org.lshsmile.core.grid.Boundary;
import org.lshsmile.core.grid.Grid;
import org.lshsmile.core.ic.GrainStates;
import org.lshsmile.core.model.GrainGrowth;
import org.lshsmile.core.model.Preset;
import org.lshsmile.simd.Kernels;

/** Grain growth held to references that share no code with the kernels. */
class GrainGrowthValidationTest {

    /**
     * The paper's update written the plainest way (physics.md 1.2), periodic wrap by modulo, heap arrays,
     * the literal form {@code -A eta + B eta^3 + 2 eta S_q - kappa lap eta}; no flush, no clamp.
     */
    private static double[][][] referenceSteps(double[][][] eta, int steps, double l, double kappa, double a,
                                               double b, double dt, double dx) {
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

    @Test
    void engineMatchesAPlainReferenceLoopAfter180PaperSteps() {
        int q = 4;
        int ny = 48;
        int nx = 57;
        Preset p = Preset.PAPER;
        double[] init = GrainStates.voronoi(ny, nx, q, q, 5, true).values();
        double[][][] ref = new double[q][ny][nx];
        for (int f = 0; f < q; f++) {
            for (int y = 0; y < ny; y++) {
                for (int x = 0; x < nx; x++) {
                    ref[f][y][x] = init[(f * ny + y) * nx + x];
                }
            }
        }
        ref = referenceSteps(ref, 180, p.mobility(), p.kappa(), p.a(), p.b(), p.dt(), p.dx());
        double[] out = new double[init.length];
        try (Grid g = new Grid(q, ny, nx, p.dx(), Boundary.PERIODIC);
             ExactEngine e = new ExactEngine(p.grainGrowth(q, false), g, p.dt(), Kernels.fromSystemProperty(), 2)) {
            g.copyFrom(init);
            e.step(180);
            g.copyTo(out);
        }
        double worst = 0;
        for (int f = 0; f < q; f++) {
            for (int y = 0; y < ny; y++) {
                for (int x = 0; x < nx; x++) {
                    double r = ref[f][y][x];
                    double err = Math.abs(out[(f * ny + y) * nx + x] - r) / Math.max(1.0, Math.abs(r));
                    worst = Math.max(worst, err);
                }
            }
        }
        assertTrue(worst <= 1e-12, "max relative error vs reference " + worst);
    }

    @Test
    void freeEnergyNeverIncreasesBelowTheStableDt() {
        for (Preset p : Preset.all()) {
            GrainGrowth m = p.grainGrowth(5, false);
            try (Grid g = new Grid(5, 64, 64, p.dx(), Boundary.PERIODIC);
                 ExactEngine e = new ExactEngine(m, g, p.dt(), Kernels.fromSystemProperty(), 1)) {
                g.copyFrom(GrainStates.voronoi(64, 64, 12, 5, 3, true).values());
                double prev = m.freeEnergy(g);
                double first = prev;
                for (int s = 1; s <= 300; s++) {
                    e.step(1);
                    double f = m.freeEnergy(g);
                    assertTrue(f <= prev + 1e-12 * Math.abs(prev), p.name() + " step " + s + ": F rose " + prev + " -> " + f);
                    prev = f;
                }
                assertTrue(prev < first, "F decreased overall");
            }
        }
    }

    @Test
    void freeEnergyOfAUniformGrainIsTheBulkValue() {
        // eta_1 = 1, others 0: f0 = -A/2 + B/4 per cell, no gradient, no pair term.
        GrainGrowth m = GrainGrowth.uniform(3, 5, 0.1, 1.0, 2.0, false);
        try (Grid g = new Grid(3, 10, 12, 0.5, Boundary.NOFLUX)) {
            double[] v = new double[3 * 120];
            java.util.Arrays.fill(v, 0, 120, 1.0);
            g.copyFrom(v);
            assertEquals(120 * 0.25 * (-0.5 + 0.5), m.freeEnergy(g), 1e-15);
            v[120 + 4 * 12 + 5] = 1.0; // one interior cell with eta_2 = 1 too: pair term 1, bulk -A/2+B/4 = 0, gradient 4 faces
            g.copyFrom(v);
            double grad = 0.5 * 0.1 * 4 / 0.25;
            assertEquals(0.25 * (1.0 + grad), m.freeEnergy(g), 1e-12);
        }
    }

    @Test
    void grainInteriorsAreStationary() {
        int q = 3;
        int n = 64;
        GrainStates.Labelled s = GrainStates.voronoi(n, n, q, q, 9, true);
        double[] init = s.values();
        double[] out = new double[init.length];
        try (Grid g = new Grid(q, n, n, 0.5, Boundary.PERIODIC);
             ExactEngine e = new ExactEngine(Preset.DEFAULT.grainGrowth(q, false), g, 0.05,
                 Kernels.fromSystemProperty(), 2)) {
            g.copyFrom(init);
            e.step(1);
            g.copyTo(out);
        }
        int[] lab = s.grainOfCell();
        int interior = 0;
        for (int y = 0; y < n; y++) {
            for (int x = 0; x < n; x++) {
                int c = lab[y * n + x];
                boolean flat = c == lab[Math.floorMod(y + 1, n) * n + x] && c == lab[Math.floorMod(y - 1, n) * n + x]
                    && c == lab[y * n + Math.floorMod(x + 1, n)] && c == lab[y * n + Math.floorMod(x - 1, n)];
                if (flat) {
                    interior++;
                    for (int f = 0; f < q; f++) {
                        int i = (f * n + y) * n + x;
                        assertEquals(init[i], out[i], 0.0, "interior cell moved at f=" + f + " y=" + y + " x=" + x);
                    }
                }
            }
        }
        assertTrue(interior > n * n / 2, "most cells are interior");
    }

    @Test
    void shrinkingCircleFollowsTheSharpInterfaceLawAtDx025() {
        // physics.md 1.7: dA/dt = -2 pi L kappa; within 5% at dx = 0.25 (numpy measured -3.09 vs -3.1416).
        CircleShrink.Result r = CircleShrink.run(Preset.DEFAULT.grainGrowth(2, false), 0.25, 10.0, 5.0, 30.0,
            Kernels.fromSystemProperty(), 2);
        assertTrue(r.relativeError() < 0.05, "rate " + r.measuredRate() + " vs theory " + r.theoryRate());
        assertTrue(r.finalArea() < r.initialArea() - 50, "the circle shrank");
    }

    @Test
    void boundariesArePinnedAtThePapersDx1() {
        // physics.md 1.3: with dx = 1 the boundary profile is thinner than a cell and does not move.
        CircleShrink.Result r = CircleShrink.run(Preset.PAPER.grainGrowth(2, false), 1.0, 15.0, 20.0, 60.0,
            Kernels.fromSystemProperty(), 2);
        assertTrue(Math.abs(r.measuredRate()) < 0.05 * Math.abs(r.theoryRate()),
            "rate at dx=1 should be ~0, was " + r.measuredRate());
    }
}
