package org.lshsmile.validation;

import java.util.ArrayList;
import java.util.List;
import org.lshsmile.core.diag.Diagnostics;
import org.lshsmile.core.engine.ExactEngine;
import org.lshsmile.core.grid.Boundary;
import org.lshsmile.core.grid.Grid;
import org.lshsmile.core.model.CahnHilliard;
import org.lshsmile.simd.StencilKernels;

/**
 * PFHub benchmark 1 (spinodal decomposition, physics.md 3.1-3.2) against numbers we did not compute: the
 * free energy MEMPHIS published for its explicit-Euler runs (memphis-snl/memphis,
 * benchmark/BM_001/1a_free-energy_explicit-euler.csv and 1b_free-energy_explicit-euler.csv: 200 x 200,
 * dx = 1, dt = 1e-3; 1a periodic, 1b no-flux). F must match to 1e-6 relative up to t = 100 (t = 10 when
 * quick); the total concentration must be conserved along the way.
 */
final class Pfhub1Case implements ValidationCase {

    /** Sample times of the reference. */
    static final double[] TIMES = {0, 0.1, 0.5, 1, 2, 5, 10, 20, 50, 100};
    /** memphis-snl/memphis benchmark/BM_001/1a_free-energy_explicit-euler.csv at {@link #TIMES} (periodic). */
    static final double[] MEMPHIS_1A = {319.099361293, 319.068069997, 318.982080577, 318.860653773,
        318.547166495, 316.415790963, 297.757406262, 209.219603195, 164.841652945, 135.220691271};
    /** memphis-snl/memphis benchmark/BM_001/1b_free-energy_explicit-euler.csv at {@link #TIMES} (no-flux). */
    static final double[] MEMPHIS_1B = {319.045881093, 319.027693467, 318.950261137, 318.841295146,
        318.572746250, 317.023367912, 304.078240614, 206.011698037, 164.084467790, 128.069111035};
    /** physics.md 3.2 [checked]: sum of c over the 200 x 200 nodes of the initial condition. */
    static final double TOTAL_C = 20099.9193780828;

    private static final int N = 200;
    private static final double DT = 1e-3;
    private static final double QUICK_END = 10;
    private static final double F_TOLERANCE = 1e-6;
    private static final double MASS_TOLERANCE = 1e-9;

    private final String name;
    private final Boundary boundary;
    private final double[] times;
    private final double[] reference;
    private final String source;

    /**
     * @param name      case name
     * @param boundary  periodic (1a) or no-flux (1b)
     * @param times     sample times, ascending, multiples of dt = 1e-3
     * @param reference F at those times
     * @param source    where the reference numbers come from
     */
    Pfhub1Case(String name, Boundary boundary, double[] times, double[] reference, String source) {
        if (times.length != reference.length) {
            throw new IllegalArgumentException("need one reference value per time");
        }
        this.name = name;
        this.boundary = boundary;
        this.times = times.clone();
        this.reference = reference.clone();
        this.source = source;
    }

    /** Benchmark 1a (periodic) or 1b (no-flux) against MEMPHIS. */
    static Pfhub1Case memphis(Boundary bc) {
        return bc == Boundary.PERIODIC
            ? new Pfhub1Case("pfhub-1a", bc, TIMES, MEMPHIS_1A, "MEMPHIS 1a csv")
            : new Pfhub1Case("pfhub-1b", bc, TIMES, MEMPHIS_1B, "MEMPHIS 1b csv");
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String description() {
        return "PFHub benchmark 1" + (boundary == Boundary.PERIODIC ? "a (periodic)" : "b (no-flux)")
            + ": Cahn-Hilliard free energy vs MEMPHIS to 1e-6 up to t = 100 (quick: t = 10)";
    }

    @Override
    public List<Check> run(boolean quick, StencilKernels kernels, int threads) {
        List<Check> out = new ArrayList<>();
        CahnHilliard m = CahnHilliard.pfhub1();
        double worstMass = Double.NaN;
        double mass0 = Double.NaN;
        double end = quick ? QUICK_END : times[times.length - 1];
        try (Grid g = new Grid(1, N, N, 1.0, boundary); ExactEngine e = new ExactEngine(m, g, DT, kernels, threads)) {
            g.copyFrom(CahnHilliard.pfhub1Initial(N, N, 1.0, 0.5, 0.01));
            mass0 = Diagnostics.fieldTotals(g)[0];
            worstMass = mass0;
            out.add(Check.of(name, "sum c at t=0", TOTAL_C, mass0, 1e-12, Check.Comparison.RELATIVE,
                "physics.md 3.2 [checked]"));
            long done = 0;
            for (int k = 0; k < times.length && times[k] <= end; k++) {
                long target = Math.round(times[k] / DT);
                e.step((int) (target - done));
                done = target;
                out.add(Check.of(name, "F(t=" + Check.format(times[k], 6) + ")", reference[k], m.freeEnergy(g),
                    F_TOLERANCE, Check.Comparison.RELATIVE, source));
                double mass = Diagnostics.fieldTotals(g)[0];
                if (!(Math.abs(mass - mass0) <= Math.abs(worstMass - mass0))) {
                    worstMass = mass;
                }
            }
        }
        out.add(MassConservationCase.drift(name, "sum c rel. drift, worst sample to t=" + Check.format(end, 6),
            mass0, worstMass, MASS_TOLERANCE));
        return out;
    }
}
