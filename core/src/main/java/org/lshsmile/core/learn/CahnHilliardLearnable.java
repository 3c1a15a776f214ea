package org.lshsmile.core.learn;

import java.lang.foreign.MemorySegment;
import java.util.List;
import org.lshsmile.core.grid.Grid;
import org.lshsmile.core.model.CahnHilliard;
import org.lshsmile.core.model.Model;
import org.lshsmile.simd.AdjointKernels;

/**
 * Cahn-Hilliard's learnable parameters M, kappa, rho (ca and cb stay fixed). Only the products M kappa and
 * M rho are identifiable from states: the update is {@code c' = c + dt lap((M rho) g1(c) - (M kappa) lap c)}
 * with {@code g1 = g / rho}, so scaling M up and kappa, rho down by the same factor changes nothing.
 */
final class CahnHilliardLearnable implements Learnable {

    private static final List<String> NAMES = List.of("M", "kappa", "rho");

    private final CahnHilliard model;

    CahnHilliardLearnable(CahnHilliard model) {
        this.model = model;
    }

    @Override
    public Model model() {
        return model;
    }

    @Override
    public List<String> parameterNames() {
        return NAMES;
    }

    @Override
    public double[] parameterValues() {
        var p = model.parameters();
        return new double[] {p.get("M"), p.get("kappa"), p.get("rho")};
    }

    @Override
    public Learnable withParameters(double[] v) {
        Learnables.checkLength(v, NAMES.size(), model.name());
        var p = model.parameters();
        return new CahnHilliardLearnable(new CahnHilliard(v[0], v[1], v[2], p.get("ca"), p.get("cb")));
    }

    @Override
    public Model unclamped() {
        return null;
    }

    @Override
    public long adjointScratchDoubles(Grid grid) {
        return 6 * grid.rowStride();
    }

    @Override
    public void adjointRows(AdjointKernels kernels, Grid state, MemorySegment lam, MemorySegment out, double dt,
                            long step, int rowFrom, int rowTo, MemorySegment scratch, double[] rowGrad,
                            int rowGradBase) {
        var p = model.parameters();
        kernels.cahnHilliardAdjointRows(state.current(), lam, out, scratch, state.rowStride(), rowFrom, rowTo,
            state.colStart(), state.nx(), p.get("M") * dt, dt, p.get("kappa"), p.get("rho"), p.get("ca"), p.get("cb"),
            1.0 / (state.dx() * state.dx()), rowGrad, rowGradBase);
    }
}
