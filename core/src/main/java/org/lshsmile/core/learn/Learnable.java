package org.lshsmile.core.learn;

import java.lang.foreign.MemorySegment;
import java.util.List;
import org.lshsmile.core.grid.Grid;
import org.lshsmile.core.model.Model;
import org.lshsmile.simd.AdjointKernels;

/**
 * A model whose parameters can be learned: its parameters as a named vector, the model rebuilt from a
 * vector, and the adjoint (reverse-mode derivative) of one explicit step. Get one from
 * {@link Learnables#of(Model)}.
 */
public interface Learnable {

    /** The model at the current parameter values. */
    Model model();

    /** Parameter names, as the model names them, in vector order. */
    List<String> parameterNames();

    /** Parameter values in the order of {@link #parameterNames()} (a fresh array). */
    double[] parameterValues();

    /**
     * The same model with new parameter values.
     *
     * @throws IllegalArgumentException for a wrong length or a value the model refuses (e.g. not positive)
     */
    Learnable withParameters(double[] values);

    /**
     * The model without its [0, 1] clamp, or {@code null} when the model has no clamp switched on. Where
     * the clamped model's step moved a value, the unclamped step's value lies outside [0, 1]: the adjoint
     * is zero there.
     */
    Model unclamped();

    /** Doubles of per-thread scratch {@link #adjointRows} needs. */
    long adjointScratchDoubles(Grid grid);

    /**
     * Writes {@code (dF/dx)^T lam} for rows {@code [rowFrom, rowTo)} (padded coordinates) into {@code out}
     * and adds {@code lam . dF/dtheta} into per-row partial sums.
     *
     * @param state   grid whose current buffer holds the state the step started from (halo filled)
     * @param lam     adjoint of the step's result, same layout as the state (halo filled, clamps masked)
     * @param step    index of the step (seeds the model's random sources, which do not depend on the parameters)
     * @param rowGrad per-row partial sums, {@code parameterNames().size()} doubles per row; row r adds into
     *                slot {@code (r - rowGradBase) * P + p}
     */
    void adjointRows(AdjointKernels kernels, Grid state, MemorySegment lam, MemorySegment out, double dt, long step,
                     int rowFrom, int rowTo, MemorySegment scratch, double[] rowGrad, int rowGradBase);
}
