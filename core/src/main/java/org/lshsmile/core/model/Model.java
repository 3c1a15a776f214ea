package org.lshsmile.core.model;

import java.lang.foreign.MemorySegment;
import java.util.Map;
import org.lshsmile.core.grid.Grid;
import org.lshsmile.simd.StencilKernels;

/**
 * A phase-field model: its fields, named parameters, the explicit-Euler dense update of a band of
 * rows, its stability bound and its free energy. Engines share models; models hold no grid state.
 */
public interface Model {

    /** CLI name, e.g. {@code grain-growth}. */
    String name();

    /** Number of fields m. */
    int fields();

    /** Name of field f, e.g. {@code eta_1}. */
    String fieldName(int f);

    /** Parameters by name, in a stable order. */
    Map<String, Double> parameters();

    /**
     * Largest stable explicit-Euler time step on a grid of spacing dx (linearised bound); a larger dt
     * oscillates or diverges.
     */
    double stableDt(double dx);

    /** Doubles of per-thread scratch {@link #stepRows} needs for this grid. */
    long scratchDoubles(Grid grid);

    /**
     * Writes rows {@code [rowFrom, rowTo)} (padded coordinates) of {@code grid.next()} from
     * {@code grid.current()}, whose halo is filled. Called concurrently on disjoint bands.
     *
     * @param step index of the step being computed (0 for the first step of a run): seeds per-cell
     *             random sources so results do not depend on bands or threads
     */
    void stepRows(StencilKernels kernels, Grid grid, double dt, long step, int rowFrom, int rowTo,
                  MemorySegment scratch);

    /** Total free energy of the current state (refreshes the halo first). */
    double freeEnergy(Grid grid);
}
