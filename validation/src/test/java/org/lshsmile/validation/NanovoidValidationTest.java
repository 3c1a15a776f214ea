package org.lshsmile.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.lshsmile.core.diag.Diagnostics;
import org.lshsmile.core.engine.ExactEngine;
import org.lshsmile.core.grid.Boundary;
import org.lshsmile.core.grid.Grid;
import org.lshsmile.core.model.Nanovoid;
import org.lshsmile.simd.Kernels;

/** Nanovoid behaviour against physics.md 2.3 and 2.5 (numbers checked there with an independent numpy code). */
class NanovoidValidationTest {

    /** physics.md 2.3 [checked]: kT = 1, Ev = Ei = 8, no sources or recombination, no clamp, void r = 10. */
    private static Nanovoid checkedSetup(Nanovoid.Form form) {
        return Nanovoid.standard(form).with(form, true, false).with("kT", 1).with("R_bulk", 0).with("R_surf", 0);
    }

    private static double[] checkedState() {
        return Nanovoid.voids(128, 128, new double[][] {{64, 64, 10}}, new double[] {1, 0, 1},
            new double[] {0.02, 0.001, 0});
    }

    @Test
    void conservativeFormConservesBothConcentrations() {
        for (Boundary bc : Boundary.values()) {
            try (Grid g = new Grid(3, 128, 128, 1.0, bc);
                 ExactEngine e = new ExactEngine(checkedSetup(Nanovoid.Form.CONSERVATIVE), g, 0.02,
                     Kernels.fromSystemProperty(), 2)) {
                g.copyFrom(checkedState());
                double[] t0 = Diagnostics.fieldTotals(g);
                assertEquals(626.58, t0[0], 1e-9, "physics.md's starting sum of c_v");
                assertEquals(16.079, t0[1], 1e-9, "physics.md's starting sum of c_i");
                e.step(1000);
                double[] t1 = Diagnostics.fieldTotals(g);
                assertEquals(t0[0], t1[0], 1e-12 * t0[0], bc + " sum c_v");
                assertEquals(t0[1], t1[1], 1e-12 * t0[1], bc + " sum c_i");
            }
        }
    }

    @Test
    void literalFormDoesNotConserveAsPhysicsMdMeasured() {
        // physics.md 2.3: "M*lap form drifts sum c_v 626.6 -> 946.2" over the same 1000 steps.
        try (Grid g = new Grid(3, 128, 128, 1.0, Boundary.PERIODIC);
             ExactEngine e = new ExactEngine(checkedSetup(Nanovoid.Form.LITERAL), g, 0.02,
                 Kernels.fromSystemProperty(), 2)) {
            g.copyFrom(checkedState());
            e.step(1000);
            double sum = Diagnostics.fieldTotals(g)[0];
            assertEquals(946.2, sum, 0.01 * 946.2, "sum c_v after 1000 literal steps");
        }
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.122, 0.2, 0.3})
    void aVoidInASupersaturatedMatrixDissolvesAndFieldsStayBounded(double matrixCv) {
        // physics.md 2.5 [checked]: standard parameters, no sources, void r = 10, periodic: sum eta -> 0
        // within ~1000-2000 steps at dt = 0.1.
        try (Grid g = new Grid(3, 64, 64, 1.0, Boundary.PERIODIC);
             ExactEngine e = new ExactEngine(Nanovoid.standard(Nanovoid.Form.LITERAL), g, 0.1,
                 Kernels.fromSystemProperty(), 2)) {
            g.copyFrom(Nanovoid.voids(64, 64, new double[][] {{32, 32, 10}}, new double[] {1, 6.9e-4, 1},
                new double[] {matrixCv, 6.9e-4, 0}));
            double eta0 = Diagnostics.fieldTotals(g)[2];
            e.step(2500);
            double eta1 = Diagnostics.fieldTotals(g)[2];
            assertTrue(eta1 < 0.01 * eta0, "void should dissolve: sum eta " + eta0 + " -> " + eta1);
            double[] range = Diagnostics.range(g);
            assertTrue(range[0] >= 0 && range[1] <= 1, "clamped fields in [0, 1]");
        }
    }

    @Test
    void withoutTheClampEtaRunsAwayInTheMatrix() {
        // physics.md 2.5: the eta energy is concave in the matrix for kT = 5, so the clamp is load-bearing.
        Nanovoid m = Nanovoid.standard(Nanovoid.Form.LITERAL);
        Nanovoid free = m.with(m.form(), true, false);
        try (Grid g = new Grid(3, 64, 64, 1.0, Boundary.PERIODIC);
             ExactEngine e = new ExactEngine(free, g, 0.1, Kernels.fromSystemProperty(), 1)) {
            g.copyFrom(Nanovoid.initialState("v0", 64, 64));
            double prev = g.get(2, 0, 0);
            for (int s = 0; s < 10; s++) {
                e.step(1);
                double now = g.get(2, 0, 0);
                assertTrue(now < prev, "eta in the matrix decreases every step: " + prev + " -> " + now);
                prev = now;
            }
            assertTrue(prev < 0, "eta left [0, 1]: " + prev);
        }
    }
}
