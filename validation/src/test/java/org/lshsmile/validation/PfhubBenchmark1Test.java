package org.lshsmile.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.lshsmile.core.diag.Diagnostics;
import org.lshsmile.core.engine.ExactEngine;
import org.lshsmile.core.grid.Boundary;
import org.lshsmile.core.grid.Grid;
import org.lshsmile.core.model.CahnHilliard;
import org.lshsmile.simd.Kernels;

/**
 * PFHub benchmark 1 against numbers we did not compute: the free energy MEMPHIS published for its
 * explicit-Euler runs (memphis-snl/memphis, benchmark/BM_001/1a_ and 1b_free-energy_explicit-euler.csv:
 * 200 x 200, dx = 1, dt = 1e-3; 1a periodic, 1b no-flux).
 */
class PfhubBenchmark1Test {

    private static final double[] TIMES = {0, 0.1, 0.5, 1, 2, 5, 10, 20, 50, 100};
    private static final double[] MEMPHIS_1A = {319.099361293, 319.068069997, 318.982080577, 318.860653773,
        318.547166495, 316.415790963, 297.757406262, 209.219603195, 164.841652945, 135.220691271};
    private static final double[] MEMPHIS_1B = {319.045881093, 319.027693467, 318.950261137, 318.841295146,
        318.572746250, 317.023367912, 304.078240614, 206.011698037, 164.084467790, 128.069111035};

    @ParameterizedTest
    @EnumSource(Boundary.class)
    void freeEnergyMatchesMemphisToOnePartPerMillionUpToT100(Boundary bc) {
        double[] ref = bc == Boundary.PERIODIC ? MEMPHIS_1A : MEMPHIS_1B;
        CahnHilliard m = CahnHilliard.pfhub1();
        double dt = 1e-3;
        try (Grid g = new Grid(1, 200, 200, 1.0, bc);
             ExactEngine e = new ExactEngine(m, g, dt, Kernels.fromSystemProperty(), 2)) {
            g.copyFrom(CahnHilliard.pfhub1Initial(200, 200, 1.0, 0.5, 0.01));
            double mass0 = Diagnostics.fieldTotals(g)[0];
            long done = 0;
            for (int k = 0; k < TIMES.length; k++) {
                long target = Math.round(TIMES[k] / dt);
                e.step((int) (target - done));
                done = target;
                double f = m.freeEnergy(g);
                assertEquals(ref[k], f, 1e-6 * ref[k], bc + " F(t=" + TIMES[k] + ")");
                double mass = Diagnostics.fieldTotals(g)[0];
                assertTrue(Math.abs(mass - mass0) <= 1e-9 * mass0, "sum c drifted " + mass0 + " -> " + mass);
            }
        }
    }
}
