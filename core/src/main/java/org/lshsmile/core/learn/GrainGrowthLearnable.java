package org.lshsmile.core.learn;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import org.lshsmile.core.grid.Grid;
import org.lshsmile.core.model.GrainGrowth;
import org.lshsmile.core.model.Model;
import org.lshsmile.simd.AdjointKernels;

/** Grain growth's parameters A, B, L_1..L_Q, kappa_1..kappa_Q (the order of {@link GrainGrowth#parameters()}). */
final class GrainGrowthLearnable implements Learnable {

    private final GrainGrowth model;

    GrainGrowthLearnable(GrainGrowth model) {
        this.model = model;
    }

    @Override
    public Model model() {
        return model;
    }

    @Override
    public List<String> parameterNames() {
        return new ArrayList<>(model.parameters().keySet());
    }

    @Override
    public double[] parameterValues() {
        return model.parameters().values().stream().mapToDouble(Double::doubleValue).toArray();
    }

    @Override
    public Learnable withParameters(double[] v) {
        int q = model.orderParameters();
        Learnables.checkLength(v, AdjointKernels.grainGrowthParameters(q), model.name());
        double[] l = new double[q];
        double[] k = new double[q];
        System.arraycopy(v, 2, l, 0, q);
        System.arraycopy(v, 2 + q, k, 0, q);
        return new GrainGrowthLearnable(new GrainGrowth(l, k, v[0], v[1], model.clamp()));
    }

    @Override
    public Model unclamped() {
        return model.clamp() ? model.withClamp(false) : null;
    }

    @Override
    public long adjointScratchDoubles(Grid grid) {
        return 2 * grid.rowStride();
    }

    @Override
    public void adjointRows(AdjointKernels kernels, Grid state, MemorySegment lam, MemorySegment out, double dt,
                            long step, int rowFrom, int rowTo, MemorySegment scratch, double[] rowGrad,
                            int rowGradBase) {
        int q = model.orderParameters();
        double[] ldt = new double[q];
        double[] kappa = new double[q];
        for (int i = 0; i < q; i++) {
            ldt[i] = model.mobility(i + 1) * dt;
            kappa[i] = model.kappa(i + 1);
        }
        double inv = 1.0 / (state.dx() * state.dx());
        kernels.grainGrowthAdjointRows(state.current(), lam, out, scratch, q, state.planeStride(), state.rowStride(),
            rowFrom, rowTo, state.colStart(), state.nx(), ldt, kappa, model.a(), model.b(), inv, dt, rowGrad,
            rowGradBase);
    }
}
