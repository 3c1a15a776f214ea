package org.lshsmile.validation;

import java.util.ArrayList;
import java.util.List;
import org.lshsmile.core.diag.Diagnostics;
import org.lshsmile.core.engine.ExactEngine;
import org.lshsmile.core.grid.Boundary;
import org.lshsmile.core.grid.Grid;
import org.lshsmile.core.model.Nanovoid;
import org.lshsmile.simd.StencilKernels;

/**
 * Nanovoid behaviour against physics.md 2.3 and 2.5 (numbers checked there with an independent numpy
 * code): a void in a supersaturated matrix dissolves with the fields kept in [0, 1] by the clamp; the
 * literal form drifts sum c_v from 626.6 to 946.2 in the checked setup; without the clamp eta runs away
 * in the matrix.
 */
final class NanovoidCase implements ValidationCase {

    static final String NAME = "nanovoid";
    private static final double[] MATRIX_CV = {0.122, 0.2, 0.3};

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "nanovoid: a void in a supersaturated matrix dissolves with fields in [0, 1]; literal form drifts"
            + " sum c_v 626.6 -> 946.2 within 1%; eta runs away without the clamp";
    }

    /** Every check is cheap (about a second), so {@code quick} runs the same. */
    @Override
    public List<Check> run(boolean quick, StencilKernels kernels, int threads) {
        List<Check> out = new ArrayList<>();
        for (double cv : MATRIX_CV) {
            out.addAll(voidDissolves(cv, kernels, threads));
        }
        out.add(literalDrift(kernels, threads));
        out.addAll(clampIsLoadBearing(kernels, threads));
        return out;
    }

    /**
     * physics.md 2.5 [checked]: standard parameters (clamped), no sources, void r = 10, periodic: sum eta
     * -> 0 within ~1000-2000 steps at dt = 0.1; 2500 steps must take it below 1% of the start.
     */
    private static List<Check> voidDissolves(double matrixCv, StencilKernels kernels, int threads) {
        double eta0;
        double eta1;
        double[] range;
        try (Grid g = new Grid(3, 64, 64, 1.0, Boundary.PERIODIC);
             ExactEngine e = new ExactEngine(Nanovoid.standard(Nanovoid.Form.LITERAL), g, 0.1, kernels, threads)) {
            g.copyFrom(Nanovoid.voids(64, 64, new double[][] {{32, 32, 10}}, new double[] {1, 6.9e-4, 1},
                new double[] {matrixCv, 6.9e-4, 0}));
            eta0 = Diagnostics.fieldTotals(g)[2];
            e.step(2500);
            eta1 = Diagnostics.fieldTotals(g)[2];
            range = Diagnostics.range(g);
        }
        String w = "c_v=" + matrixCv + ": ";
        return List.of(
            Check.of(NAME, w + "sum eta(2500) / sum eta(0)", 0.01, eta1 / eta0, 0, Check.Comparison.BELOW,
                "physics.md 2.5 (void dissolves)"),
            Check.of(NAME, w + "min over fields", 0, range[0], 0, Check.Comparison.AT_LEAST,
                "physics.md 2.5 (clamp keeps [0, 1])"),
            Check.of(NAME, w + "max over fields", 1, range[1], 0, Check.Comparison.AT_MOST,
                "physics.md 2.5 (clamp keeps [0, 1])"));
    }

    /** physics.md 2.3 [checked]: "M*lap form drifts sum c_v 626.6 -> 946.2" over 1000 steps of dt = 0.02. */
    private static Check literalDrift(StencilKernels kernels, int threads) {
        double sum;
        try (Grid g = new Grid(3, 128, 128, 1.0, Boundary.PERIODIC);
             ExactEngine e = new ExactEngine(MassConservationCase.checkedNanovoid(Nanovoid.Form.LITERAL), g, 0.02,
                 kernels, threads)) {
            g.copyFrom(MassConservationCase.checkedNanovoidState());
            e.step(1000);
            sum = Diagnostics.fieldTotals(g)[0];
        }
        return Check.of(NAME, "literal form: sum c_v after 1000 steps", 946.2, sum, 0.01, Check.Comparison.RELATIVE,
            "physics.md 2.3 [checked]");
    }

    /**
     * physics.md 2.5: with kT = 5 eta's energy is concave in the matrix, so without the clamp eta decreases
     * every step there and leaves [0, 1] (initial state v0, 64 x 64, dt = 0.1, cell (0, 0)).
     */
    private static List<Check> clampIsLoadBearing(StencilKernels kernels, int threads) {
        Nanovoid m = Nanovoid.standard(Nanovoid.Form.LITERAL);
        Nanovoid free = m.with(m.form(), true, false);
        int steps = 10;
        int decreased = 0;
        double eta;
        try (Grid g = new Grid(3, 64, 64, 1.0, Boundary.PERIODIC);
             ExactEngine e = new ExactEngine(free, g, 0.1, kernels, threads)) {
            g.copyFrom(Nanovoid.initialState("v0", 64, 64));
            eta = g.get(2, 0, 0);
            for (int s = 0; s < steps; s++) {
                e.step(1);
                double now = g.get(2, 0, 0);
                if (now < eta) {
                    decreased++;
                }
                eta = now;
            }
        }
        return List.of(
            Check.of(NAME, "no clamp: steps matrix eta decreased", steps, decreased, 0, Check.Comparison.ABSOLUTE,
                "physics.md 2.5 (eta runs away)"),
            Check.of(NAME, "no clamp: matrix eta after " + steps + " steps", 0, eta, 0, Check.Comparison.BELOW,
                "physics.md 2.5 (eta runs away)"));
    }
}
