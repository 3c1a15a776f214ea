package org.lshsmile.validation;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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

/**
 * The scalar and the Vector API kernels on the same states, every model (grain growth with and without
 * the clamp, Cahn-Hilliard, nanovoid in both forms), bitwise: they perform the same operations in the
 * same order, with the project's own logarithm for nanovoid. Grids have odd widths so the
 * vector loops' tails run. The case always compares scalar with SIMD, whatever kernels the suite was given;
 * without the Vector API each comparison is SKIPPED with the reason.
 */
final class KernelAgreementCase implements ValidationCase {

    static final String NAME = "kernel-agreement";
    private static final String SOURCE = "scalar kernels";
    private static final int NY = 37;
    private static final int NX = 53;

    /** One comparison: a model, its state, and how many steps of what dt. */
    private record Setup(String label, Model model, Boundary bc, double dx, double dt, double[] state,
                         boolean bitwise) {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "scalar vs SIMD kernels, every model: bitwise";
    }

    private static List<Setup> setups() {
        double[] grains = GrainStates.voronoi(NY, NX, 9, 5, 7, true).values();
        double[] nanovoid = Nanovoid.initialState("v2", NY, NX);
        return List.of(
            new Setup("grain-growth", Preset.DEFAULT.grainGrowth(5, false), Boundary.PERIODIC, 0.5, 0.05, grains,
                true),
            new Setup("grain-growth clamped", Preset.DEFAULT.grainGrowth(5, true), Boundary.NOFLUX, 0.5, 0.05, grains,
                true),
            new Setup("cahn-hilliard", CahnHilliard.pfhub1(), Boundary.PERIODIC, 1.0, 1e-3,
                CahnHilliard.pfhub1Initial(NY, NX, 1.0, 0.5, 0.01), true),
            new Setup("cahn-hilliard noflux", CahnHilliard.pfhub1(), Boundary.NOFLUX, 1.0, 1e-3,
                CahnHilliard.pfhub1Initial(NY, NX, 1.0, 0.5, 0.01), true),
            new Setup("nanovoid literal", Nanovoid.standard(Nanovoid.Form.LITERAL), Boundary.PERIODIC, 1.0, 0.02,
                nanovoid, true),
            new Setup("nanovoid conservative", Nanovoid.standard(Nanovoid.Form.CONSERVATIVE), Boundary.NOFLUX, 1.0,
                0.02, nanovoid, true));
    }

    @Override
    public List<Check> run(boolean quick, StencilKernels kernels, int threads) {
        Optional<StencilKernels> simd = Kernels.simd();
        int steps = quick ? 100 : 500;
        List<Check> out = new ArrayList<>();
        for (Setup s : setups()) {
            String quantity = s.label + (s.bitwise ? ": values differing in bits, " : ": max rel. difference, ")
                + steps + " steps";
            if (simd.isEmpty()) {
                out.add(Check.skipped(NAME, quantity, SOURCE, "SIMD kernels unavailable: "
                    + Kernels.vectorUnavailableReason()));
                continue;
            }
            double[] a = run(s, Kernels.scalar(), threads, steps);
            double[] b = run(s, simd.get(), threads, steps);
            if (s.bitwise) {
                long differ = 0;
                for (int i = 0; i < a.length; i++) {
                    if (Double.doubleToRawLongBits(a[i]) != Double.doubleToRawLongBits(b[i])) {
                        differ++;
                    }
                }
                out.add(Check.of(NAME, quantity, 0, differ, 0, Check.Comparison.ABSOLUTE, SOURCE,
                    "of " + a.length + " values"));
            } else {
                double worst = 0;
                for (int i = 0; i < a.length; i++) {
                    worst = Math.max(worst, Math.abs(a[i] - b[i]) / Math.max(1.0, Math.abs(a[i]))); // keeps a NaN
                }
                out.add(Check.of(NAME, quantity, 1e-12, worst, 0, Check.Comparison.AT_MOST, SOURCE,
                    "|simd - scalar| / max(1, |scalar|)"));
            }
        }
        return out;
    }

    private static double[] run(Setup s, StencilKernels k, int threads, int steps) {
        try (Grid g = new Grid(s.model.fields(), NY, NX, s.dx, s.bc);
             ExactEngine e = new ExactEngine(s.model, g, s.dt, k, threads)) {
            g.copyFrom(s.state);
            e.step(steps);
            double[] out = new double[s.state.length];
            g.copyTo(out);
            return out;
        }
    }
}
