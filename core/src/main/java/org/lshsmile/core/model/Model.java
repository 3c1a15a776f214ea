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

    /**
     * Whether {@link #stepRowsPair} can advance this grid with these kernels: a model whose update reads
     * only the direct neighbours, a 2-D grid and kernels with a two-step pass. False by default.
     */
    default boolean hasPairStep(StencilKernels kernels, Grid grid) {
        return false;
    }

    /** Doubles of per-thread scratch {@link #stepRowsPair} needs for this grid (0 without a pair step). */
    default long pairScratchDoubles(Grid grid) {
        return 0;
    }

    /**
     * Writes rows {@code [rowFrom, rowTo)} of {@code grid.next()} two steps on from {@code grid.current()},
     * whose halo is filled: bitwise what {@link #stepRows} for steps {@code step} and {@code step + 1} with a
     * halo refresh between gives, in one pass over memory. Called concurrently on disjoint bands.
     *
     * @throws UnsupportedOperationException when {@link #hasPairStep} is false
     */
    default void stepRowsPair(StencilKernels kernels, Grid grid, double dt, long step, int rowFrom, int rowTo,
                              MemorySegment scratch) {
        throw new UnsupportedOperationException(name() + " has no two-step pass");
    }

    /**
     * 3-D: writes padded slices {@code [zFrom, zTo)} (all interior rows) of {@code grid.next()} from
     * {@code grid.current()}, whose halo is filled, with the kernels' seven-point stencils. Called
     * concurrently on disjoint bands of slices; random sources are keyed by the cell's index in the
     * volume, so slice 0 draws what the 2-D grid draws.
     *
     * @throws UnsupportedOperationException when the model or the kernels have no 3-D step (see
     *                                       {@link StencilKernels#has3d()})
     */
    default void stepSlices(StencilKernels kernels, Grid grid, double dt, long step, int zFrom, int zTo,
                            MemorySegment scratch) {
        throw new UnsupportedOperationException(name() + " has no 3-D step");
    }

    /**
     * Largest stable time step on a grid of {@code dims} dimensions (2 or 3): the seven-point Laplacian's
     * largest eigenvalue is 12/dx^2 against 8/dx^2 for the five-point one, so second-order terms allow 2/3
     * of the 2-D step; fourth-order models override.
     */
    default double stableDt(double dx, int dims) {
        if (dims != 2 && dims != 3) {
            throw new IllegalArgumentException("dims must be 2 or 3, got " + dims);
        }
        return dims == 3 ? stableDt(dx) * (2.0 / 3.0) : stableDt(dx);
    }

    /** Total free energy of the current state (refreshes the halo first). */
    double freeEnergy(Grid grid);

    /**
     * The per-element update the LSH engine calls once per bucket: writes into {@code out[f]}, for every
     * field f, the NEW value of the centre element after one step (not the increment; the paper's
     * increment is {@code out[f] - nb[Neighbourhood.at(f, Neighbourhood.CENTER)]}), computed from the
     * element's {@link Neighbourhood} alone.
     *
     * <p>Contract: for every interior cell, with {@code nb} gathered by {@link Neighbourhood#gather} from
     * a grid with a fresh halo, the result is bitwise equal to what {@link #stepRows} writes with the
     * scalar kernels: the same operations in the same order, the same flush of magnitudes below
     * {@link StencilKernels#FLUSH_BELOW} to zero, the same clamp and the same random sources.
     *
     * <p>Allocates nothing; safe to call concurrently with distinct {@code out} arrays.
     *
     * @param nb   the neighbourhood, field-major, at least {@code Neighbourhood.SIZE * fields()} doubles
     * @param dt   time step
     * @param dx   grid spacing
     * @param step index of the step being computed, as passed to {@link #stepRows} (seeds random sources)
     * @param y    interior row of the element (seeds random sources)
     * @param x    interior column of the element (seeds random sources)
     * @param nx   number of interior columns of the grid (the random sources' cell index is {@code y * nx + x})
     * @param out  receives the new values, at least {@code fields()} doubles
     */
    void evalNew(double[] nb, double dt, double dx, long step, int y, int x, int nx, double[] out);

    /**
     * How many leading points of the {@link Neighbourhood} order {@link #evalNew} reads: 5 (the centre and
     * its direct neighbours, for a 5-point Laplacian) or {@link Neighbourhood#SIZE} (all 13). A caller may
     * leave the other points unset.
     *
     * <p>Why: the LSH engine gathers each representative's neighbourhood from up to 13 buckets' values,
     * one likely cache miss each; reading 5 points instead of 13 is most of an evaluation's cost.
     */
    default int evalPoints() {
        return Neighbourhood.SIZE;
    }

    /**
     * The per-element update of a 3-D grid, as {@link #evalNew} is in 2-D: writes into {@code out[f]} the
     * new value of the centre element after one step, computed from its {@link Neighbourhood3d} alone.
     *
     * <p>Contract: for every interior cell, with {@code nb} gathered by {@link Neighbourhood3d#gather} from a
     * 3-D grid with a fresh halo, the result is bitwise equal to what {@link #stepSlices} writes with the
     * scalar kernels (same operations in the same order, the same flush, clamp and random sources, the
     * latter keyed by {@code cell}).
     *
     * <p>Allocates nothing; safe to call concurrently with distinct {@code out} arrays.
     *
     * @param nb   the neighbourhood, field-major, at least {@code Neighbourhood3d.SIZE * fields()} doubles
     *             (only the leading {@link #evalPoints3d()} points of each field are read)
     * @param dt   time step
     * @param dx   grid spacing
     * @param step index of the step being computed (seeds random sources)
     * @param cell the element's index in the volume, {@code (z * ny + y) * nx + x} (seeds random sources)
     * @param out  receives the new values, at least {@code fields()} doubles
     * @throws UnsupportedOperationException when the model has no 3-D evaluation
     */
    default void evalNew3d(double[] nb, double dt, double dx, long step, long cell, double[] out) {
        throw new UnsupportedOperationException(name() + " has no 3-D evaluation");
    }

    /**
     * How many leading points of the {@link Neighbourhood3d} order {@link #evalNew3d} reads:
     * {@link Neighbourhood3d#DIRECT} (a seven-point Laplacian) or {@link Neighbourhood3d#SIZE} (all 25).
     */
    default int evalPoints3d() {
        return Neighbourhood3d.SIZE;
    }
}
