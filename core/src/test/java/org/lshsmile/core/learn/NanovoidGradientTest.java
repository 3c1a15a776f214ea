package org.lshsmile.core.learn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.BitSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.lshsmile.core.grid.Boundary;
import org.lshsmile.core.grid.Grid;
import org.lshsmile.core.model.Model;
import org.lshsmile.core.model.Nanovoid;
import org.lshsmile.simd.Kernels;
import org.lshsmile.simd.StencilKernels;

/**
 * The nanovoid adjoint against central finite differences of the loss (Richardson-extrapolated), every
 * parameter, T = 5 and 30, literal and conservative, periodic and no-flux, with the eta clamp active in the
 * whole matrix and the void mask active inside the voids for the whole rollout.
 *
 * <p>State: two sharp voids in v2's matrix (c_v = 0.069, c_i = 0.122, eta = 0). The larger is v2's void
 * (c_v = 1, c_i = 0, eta = 1): its interior stays masked through the rollout. The smaller holds
 * interstitials (c_v = 0.97, c_i = 0.03, eta = 1; masked in the first step only, recombination then empties
 * it), which gives R_surf a gradient: with v2's voids alone it is exactly 0 in the literal form. v2's matrix
 * c_i makes the c_i parameters matter; with v0's c_i = 6.9e-4 the Ei, ki, Di, R_surf gradients are so small
 * (1e-11 .. 1e-17) that the finite differences drown in round-off.
 *
 * <p>Step {@code h = 1e-5 theta} (not {@link GradientCheckTest}'s 1e-3): the loss is piecewise smooth, with
 * kinks where a clamp starts or stops acting, a cell enters or leaves the void mask, or a logarithm meets
 * its floor. Relaxed states straddle such kinks at h = 1e-3 over 30 steps (errors 1e-4 .. 5e-2 there,
 * while h = 1e-5 agrees with the adjoint to 1e-11), and near-void cells with small 1 - c_v - c_i curve
 * the loss strongly. Each check asserts that the set of kinks passed (per step, cell and kind) is the same
 * at theta +- h and theta +- h/2 as at theta, so the finite differences and the adjoint differentiate the
 * same smooth piece.
 */
class NanovoidGradientTest {

    static final int N = 24;
    static final double DT = 0.02;
    static final double H = 1e-5;
    static final double TOL = 1e-6;
    /**
     * Kinds of kink: c_v, c_i, 1 - c_v - c_i at or below EPS; unclamped c_v, c_i, eta outside [0, 1]; with
     * cascades, eta below 0.8 (where cascades may act).
     */
    static final int KINDS = 7;

    /** The two-void state described in the class comment, (3, n, n) C order. */
    static double[] twoVoids(int n) {
        double s = n / 24.0;
        double[] matrix = {0.069, 0.122, 0};
        double[] a = Nanovoid.voids(n, n, new double[][] {{7 * s, 7 * s, 4.5 * s}}, new double[] {1, 0, 1}, matrix);
        double[] b = Nanovoid.voids(n, n, new double[][] {{17 * s, 16 * s, 3 * s}}, new double[] {0.97, 0.03, 1},
            matrix);
        int plane = n * n;
        for (int c = 0; c < plane; c++) {
            if (b[2 * plane + c] == 1) {
                for (int f = 0; f < 3; f++) {
                    a[f * plane + c] = b[f * plane + c];
                }
            }
        }
        return a;
    }

    static Learnable perturbed(Learnable truth) {
        return truth.withParameters(GradientCheckTest.scaled(truth.parameterValues(),
            1.1, 0.9, 1.05, 0.95, 1.08, 0.92, 1.1, 0.9, 1.07, 0.93, 1.06));
    }

    /**
     * The kinks a rollout passes: bit {@code (step * KINDS + kind) * n * n + cell} for the kinds of
     * {@link #KINDS}. Steps the unclamped twin and clamps here: the model's clamp is its last operation.
     */
    static BitSet kinks(Nanovoid m, double[] start, int n, Boundary bc, int steps) {
        BitSet bits = new BitSet();
        int plane = n * n;
        double eps = StencilKernels.Nanovoid.EPS;
        Model free = m.with(m.form(), m.voidMask(), false);
        try (Grid grid = new Grid(3, n, n, 1.0, bc); Arena arena = Arena.ofConfined()) {
            MemorySegment scratch = arena.allocate(m.scratchDoubles(grid) * Double.BYTES, 64);
            double[] x = start.clone();
            for (int k = 0; k < steps; k++) {
                int base = k * KINDS * plane;
                for (int c = 0; c < plane; c++) {
                    double cv = x[c];
                    double ci = x[plane + c];
                    bits.set(base + c, cv <= eps);
                    bits.set(base + plane + c, ci <= eps);
                    bits.set(base + 2 * plane + c, (1.0 - cv) - ci <= eps);
                    bits.set(base + 6 * plane + c, m.sources().cascades() && x[2 * plane + c] < 0.8);
                }
                grid.copyFrom(x);
                free.stepRows(Kernels.scalar(), grid, DT, k, grid.rowStart(), grid.rowStart() + n, scratch);
                grid.swap();
                grid.copyTo(x);
                for (int c = 0; c < 3 * plane; c++) {
                    boolean out = !(x[c] >= 0 && x[c] <= 1);
                    bits.set(base + 3 * plane + c, out);
                    if (out && m.clamp()) {
                        x[c] = Math.min(Math.max(x[c], 0.0), 1.0);
                    }
                }
            }
        }
        return bits;
    }

    /** Cells with a kink of this kind at this step. */
    static int count(BitSet bits, int step, int kind, int n) {
        int from = (step * KINDS + kind) * n * n;
        return bits.get(from, from + n * n).cardinality();
    }

    /** Adjoint vs finite differences for every parameter; returns the relative errors. */
    static double[] check(Learnable truth, Learnable at, double[] start, int n, Boundary bc, int steps) {
        try (RolloutGradient g = new RolloutGradient(3, n, n, 1.0, bc, DT, steps, Kernels.fromSystemProperty(), 1, 0,
            0)) {
            double[] target = new double[start.length];
            g.rollout(truth, start, 0, target);
            List<RolloutGradient.Pair> pairs = List.of(new RolloutGradient.Pair(start, 0, target));
            double[] grad = new double[at.parameterNames().size()];
            double loss = g.lossAndGradient(at, pairs, grad);
            assertTrue(loss > 0, "loss at perturbed parameters must be positive");
            assertEquals(g.loss(at, pairs), loss, 0.0, "loss alone and with gradient agree bitwise");
            double[] theta = at.parameterValues();
            BitSet here = kinks((Nanovoid) at.model(), start, n, bc, steps);
            double[] rel = new double[theta.length];
            for (int i = 0; i < theta.length; i++) {
                String name = at.parameterNames().get(i);
                for (double f : new double[] {-H, -H / 2, H / 2, H}) {
                    double[] p = theta.clone();
                    p[i] = theta[i] * (1 + f);
                    assertEquals(here, kinks((Nanovoid) at.withParameters(p).model(), start, n, bc, steps),
                        name + ": a kink is straddled at relative step " + f);
                }
                double h = H * theta[i];
                double d1 = GradientCheckTest.central(g, at, pairs, theta, i, h);
                double d2 = GradientCheckTest.central(g, at, pairs, theta, i, h / 2);
                double fd = (4 * d2 - d1) / 3;
                rel[i] = Math.abs(grad[i] - fd) / Math.abs(fd);
                assertTrue(rel[i] < TOL, name + ": adjoint " + grad[i] + " vs FD " + fd + " (rel " + rel[i] + ") T="
                    + steps + " " + bc + " " + at.model());
            }
            System.out.printf("nanovoid gradient check %s T=%d %s: max rel %.1e %s%n",
                ((Nanovoid) at.model()).form(), steps, bc, java.util.Arrays.stream(rel).max().orElse(0),
                java.util.Arrays.toString(java.util.Arrays.stream(rel).mapToObj(r -> String.format("%.0e", r))
                    .toArray()));
            return rel;
        }
    }

    @ParameterizedTest
    @CsvSource({"5, LITERAL, PERIODIC", "30, LITERAL, PERIODIC", "5, LITERAL, NOFLUX", "30, LITERAL, NOFLUX",
        "5, CONSERVATIVE, PERIODIC", "30, CONSERVATIVE, PERIODIC", "5, CONSERVATIVE, NOFLUX",
        "30, CONSERVATIVE, NOFLUX"})
    void everyParameterWithClampAndVoidMaskActive(int steps, Nanovoid.Form form, Boundary bc) {
        Nanovoid model = Nanovoid.standard(form);
        Learnable truth = Learnables.of(model);
        Learnable at = perturbed(truth);
        double[] start = twoVoids(N);
        BitSet active = kinks((Nanovoid) at.model(), start, N, bc, steps);
        for (int k = 0; k < steps; k++) {
            // the big void's interior stays masked and the matrix's eta stays clamped at 0 in every step
            int masked = count(active, k, 2, N);
            int clamped = count(active, k, 3, N) + count(active, k, 4, N) + count(active, k, 5, N);
            assertTrue(masked >= 20, "void mask active in only " + masked + " cells at step " + k);
            assertTrue(clamped >= N * N / 2, "clamp active in only " + clamped + " cells at step " + k);
        }
        check(truth, at, start, N, bc, steps);
    }

    @Test
    void voidMaskOffAndRandomSourcesTreatedAsConstants() {
        Nanovoid std = Nanovoid.standard(Nanovoid.Form.LITERAL);
        double[] start = twoVoids(N);
        Learnable noMask = Learnables.of(std.with(Nanovoid.Form.LITERAL, false, true));
        check(noMask, perturbed(noMask), start, N, Boundary.PERIODIC, 10);
        // cascades and noise depend on the step and cell only, and cascades on the old eta < 0.8 (a kink)
        Learnable sources = Learnables.of(std.with(Nanovoid.Form.CONSERVATIVE, true, true)
            .with(Nanovoid.Sources.standard(7, true, true)));
        check(sources, perturbed(sources), start, N, Boundary.NOFLUX, 10);
    }

    @Test
    void unclampedIsTheSameModelWithoutTheClamp() {
        Nanovoid m = Nanovoid.standard(Nanovoid.Form.CONSERVATIVE).with(Nanovoid.Form.CONSERVATIVE, false, true)
            .with(Nanovoid.Sources.standard(3, true, false)).with("kT", 4.0);
        Learnable l = Learnables.of(m);
        Nanovoid u = assertInstanceOf(Nanovoid.class, l.unclamped());
        assertEquals(false, u.clamp());
        assertEquals(m.form(), u.form());
        assertEquals(m.voidMask(), u.voidMask());
        assertEquals(m.sources(), u.sources());
        assertEquals(m.parameters(), u.parameters());
        assertNull(Learnables.of(m.with(m.form(), m.voidMask(), false)).unclamped());
    }

    @Test
    void parametersAreTheModelsNamesAndRoundTrip() {
        Learnable l = Learnables.of(Nanovoid.standard(Nanovoid.Form.LITERAL));
        assertEquals(List.copyOf(l.model().parameters().keySet()), l.parameterNames());
        assertEquals(List.of("Ev", "Ei", "kT", "kv", "ki", "ke", "R_bulk", "R_surf", "Dv", "Di", "L"),
            l.parameterNames());
        double[] v = l.parameterValues();
        v[2] = 3.5;
        v[10] = 0.7;
        Learnable w = l.withParameters(v);
        assertArrayEquals(v, w.parameterValues(), 0.0);
        assertEquals(3.5, ((Nanovoid) w.model()).get("kT"), 0.0);
        assertEquals(Nanovoid.Form.LITERAL, ((Nanovoid) w.model()).form());
        v[2] = -1;
        assertThrows(IllegalArgumentException.class, () -> l.withParameters(v));
        assertThrows(IllegalArgumentException.class, () -> l.withParameters(new double[3]));
    }

    @Test
    void checkpointIntervalAndThreadsDoNotChangeTheBits() {
        Learnable truth = Learnables.of(Nanovoid.standard(Nanovoid.Form.CONSERVATIVE));
        Learnable at = perturbed(truth);
        double[] start = twoVoids(N);
        int steps = 12;
        double[] reference = null;
        double refLoss = 0;
        for (int every : new int[] {12, 1, 5}) {
            for (int threads : new int[] {1, 2}) {
                try (RolloutGradient g = new RolloutGradient(3, N, N, 1.0, Boundary.NOFLUX, DT, steps,
                    Kernels.fromSystemProperty(), threads, every, 0)) {
                    assertEquals(threads, g.threads());
                    double[] target = new double[start.length];
                    g.rollout(truth, start, 0, target);
                    double[] grad = new double[11];
                    double loss = g.lossAndGradient(at, List.of(new RolloutGradient.Pair(start, 0, target)), grad);
                    if (reference == null) {
                        reference = grad;
                        refLoss = loss;
                    } else {
                        assertEquals(refLoss, loss, 0.0);
                        assertArrayEquals(reference, grad, 0.0, "every=" + every + " threads=" + threads);
                    }
                }
            }
        }
    }

    @Test
    void gradientIsZeroAtTheTruth() {
        Learnable truth = Learnables.of(Nanovoid.standard(Nanovoid.Form.LITERAL));
        double[] start = twoVoids(N);
        try (RolloutGradient g = new RolloutGradient(3, N, N, 1.0, Boundary.PERIODIC, DT, 10,
            Kernels.fromSystemProperty(), 1, 0, 0)) {
            double[] target = new double[start.length];
            g.rollout(truth, start, 0, target);
            double[] grad = new double[11];
            assertEquals(0.0, g.lossAndGradient(truth, List.of(new RolloutGradient.Pair(start, 0, target)), grad), 0.0);
            assertArrayEquals(new double[grad.length], grad, 0.0);
        }
    }
}
