package org.lshsmile.core.learn;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import org.lshsmile.core.grid.Grid;
import org.lshsmile.core.model.Model;
import org.lshsmile.core.model.Nanovoid;
import org.lshsmile.simd.AdjointKernels;
import org.lshsmile.simd.StencilKernels;

/**
 * The nanovoid model's parameters Ev, Ei, kT, kv, ki, ke, R_bulk, R_surf, Dv, Di, L (the order of
 * {@link Nanovoid#parameters()}) and the adjoint of its step, through
 * {@link AdjointKernels#nanovoidAdjointRows} of the kernels given (scalar or SIMD). Both forms, the
 * void-interior mask and the clamp (through {@link #unclamped()}).
 * R_bulk and R_surf are learnable too: like the others they enter the deterministic update (the
 * recombination {@code (R_bulk + R_surf eta^2) c_v c_i}), so their derivatives are exact and cheap; only
 * the random sources (p_casc, B, v_g, noise) stay out, as constants of the step.
 *
 * <p>Identifiable from pairs of states: Ev/kT, Ei/kT, kv/kT, ke/kT, L kT, R_bulk, Dv and Di. Scaling Ev, Ei,
 * kT, kv, ki, ke by s and L by 1/s leaves every term but f_v unchanged, and f_v acts only at void surfaces,
 * so fix kT (the energy unit); ki and R_surf barely act on the group's states (R_surf shows only where a
 * void holds interstitials). Numbers and reasons: {@code core/LEARNING-nanovoid.md}.
 */
final class NanovoidLearnable implements Learnable {

    private static final int P = AdjointKernels.NANOVOID_PARAMETERS;

    private final Nanovoid model;
    private final List<String> names;
    private final double[] values;

    NanovoidLearnable(Nanovoid model) {
        this.model = model;
        this.names = List.copyOf(new ArrayList<>(model.parameters().keySet()));
        this.values = model.parameters().values().stream().mapToDouble(Double::doubleValue).toArray();
        if (names.size() != P) {
            throw new IllegalStateException("nanovoid learnable expects " + P + " parameters, model has " + names);
        }
    }

    @Override
    public Model model() {
        return model;
    }

    @Override
    public List<String> parameterNames() {
        return names;
    }

    @Override
    public double[] parameterValues() {
        return values.clone();
    }

    @Override
    public Learnable withParameters(double[] v) {
        Learnables.checkLength(v, P, model.name());
        Nanovoid m = model;
        for (int k = 0; k < P; k++) {
            m = m.with(names.get(k), v[k]);
        }
        return new NanovoidLearnable(m);
    }

    /** The same model (form, void mask, sources) with the clamp off; null when the clamp is off. */
    @Override
    public Model unclamped() {
        return model.clamp() ? model.with(model.form(), model.voidMask(), false) : null;
    }

    @Override
    public long adjointScratchDoubles(Grid grid) {
        return AdjointKernels.NANOVOID_SCRATCH_ROWS * grid.rowStride();
    }

    /**
     * Through {@link AdjointKernels#nanovoidAdjointRows} (its Javadoc has the formulas); the clamp is handled by
     * the caller through {@link #unclamped()}, the random sources are constants of the step.
     */
    @Override
    public void adjointRows(AdjointKernels kernels, Grid state, MemorySegment lam, MemorySegment out, double dt,
                            long step, int rowFrom, int rowTo, MemorySegment scratch, double[] rowGrad,
                            int rowGradBase) {
        double[] p = new double[StencilKernels.Nanovoid.COUNT];
        // values are in the model's order Ev .. L, which is the kernel's slot order EV .. L
        System.arraycopy(values, 0, p, StencilKernels.Nanovoid.EV, P);
        p[StencilKernels.Nanovoid.DT] = dt;
        p[StencilKernels.Nanovoid.INV_DX2] = 1.0 / (state.dx() * state.dx());
        kernels.nanovoidAdjointRows(state.current(), lam, out, scratch, state.planeStride(), state.rowStride(),
            rowFrom, rowTo, state.colStart(), state.nx(), p, model.form() == Nanovoid.Form.CONSERVATIVE,
            model.voidMask(), rowGrad, rowGradBase);
    }
}
