package org.lshsmile.validation;

import java.util.ArrayList;
import java.util.List;
import org.lshsmile.core.diag.Diagnostics;
import org.lshsmile.core.engine.ExactEngine;
import org.lshsmile.core.grid.Boundary;
import org.lshsmile.core.grid.Grid;
import org.lshsmile.core.model.CahnHilliard;
import org.lshsmile.core.model.Nanovoid;
import org.lshsmile.simd.StencilKernels;

/**
 * Conserved totals (physics.md 5): with wrap or mirror ghosts the 5-point Laplacian and the flux-form
 * divergence telescope, so the totals drift only by round-off. Cahn-Hilliard (PFHub 1 setup) and the
 * nanovoid CONSERVATIVE form in physics.md 2.3's checked setup (kT = 1, Ev = Ei = 8, R_bulk = R_surf = 0,
 * no sources, no clamp, a void of radius 10 in c_v = 0.02, c_i = 0.001, dt = 0.02), both boundary
 * conditions, 10^4 steps (10^3 when quick), drift at most 1e-12 relative.
 */
final class MassConservationCase implements ValidationCase {

    static final String NAME = "mass-conservation";
    private static final int FULL_STEPS = 10_000;
    private static final int QUICK_STEPS = 1_000;
    private static final double DRIFT = 1e-12;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "sum c (Cahn-Hilliard) and sum c_v, sum c_i (nanovoid conservative form) drift <= 1e-12 over 10^4"
            + " steps, periodic and no-flux (quick: 10^3)";
    }

    /** physics.md 2.3 [checked] setup: kT = 1, no recombination, no sources, no clamp, void mask on. */
    static Nanovoid checkedNanovoid(Nanovoid.Form form) {
        return Nanovoid.standard(form).with(form, true, false).with("kT", 1).with("R_bulk", 0).with("R_surf", 0);
    }

    /** physics.md 2.3 [checked] state: 128 x 128, void of radius 10 at (64, 64) in c_v = 0.02, c_i = 0.001. */
    static double[] checkedNanovoidState() {
        return Nanovoid.voids(128, 128, new double[][] {{64, 64, 10}}, new double[] {1, 0, 1},
            new double[] {0.02, 0.001, 0});
    }

    /**
     * A conservation check: the relative drift {@code |end - start| / |start|} at most {@code bound}; the
     * note gives both totals.
     */
    static Check drift(String caseName, String quantity, double start, double end, double bound) {
        return Check.of(caseName, quantity, bound, Math.abs(end - start) / Math.abs(start), 0,
            Check.Comparison.AT_MOST, "conservation", Check.format(start, 15) + " -> " + Check.format(end, 15));
    }

    @Override
    public List<Check> run(boolean quick, StencilKernels kernels, int threads) {
        int steps = quick ? QUICK_STEPS : FULL_STEPS;
        String after = " rel. drift, " + steps + " steps";
        List<Check> out = new ArrayList<>();
        for (Boundary bc : Boundary.values()) {
            try (Grid g = new Grid(1, 200, 200, 1.0, bc);
                 ExactEngine e = new ExactEngine(CahnHilliard.pfhub1(), g, 1e-3, kernels, threads)) {
                g.copyFrom(CahnHilliard.pfhub1Initial(200, 200, 1.0, 0.5, 0.01));
                double t0 = Diagnostics.fieldTotals(g)[0];
                e.step(steps);
                out.add(drift(NAME, "CH " + bc.label() + ": sum c" + after, t0,
                    Diagnostics.fieldTotals(g)[0], DRIFT));
            }
        }
        for (Boundary bc : Boundary.values()) {
            try (Grid g = new Grid(3, 128, 128, 1.0, bc);
                 ExactEngine e = new ExactEngine(checkedNanovoid(Nanovoid.Form.CONSERVATIVE), g, 0.02, kernels,
                     threads)) {
                g.copyFrom(checkedNanovoidState());
                double[] t0 = Diagnostics.fieldTotals(g);
                String p = "nanovoid cons. " + bc.label() + ":";
                out.add(Check.of(NAME, p + " sum c_v at step 0", 626.58, t0[0], 1e-9, Check.Comparison.ABSOLUTE,
                    "physics.md 2.3 [checked]"));
                out.add(Check.of(NAME, p + " sum c_i at step 0", 16.079, t0[1], 1e-9, Check.Comparison.ABSOLUTE,
                    "physics.md 2.3 [checked]"));
                e.step(steps);
                double[] t1 = Diagnostics.fieldTotals(g);
                out.add(drift(NAME, p + " sum c_v" + after, t0[0], t1[0], DRIFT));
                out.add(drift(NAME, p + " sum c_i" + after, t0[1], t1[1], DRIFT));
            }
        }
        return out;
    }
}
