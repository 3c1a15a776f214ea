package org.lshsmile.core.dist;

import java.lang.foreign.MemorySegment;
import org.lshsmile.core.grid.Boundary;
import org.lshsmile.core.grid.Grid;
import org.lshsmile.core.model.Model;

/**
 * This rank's slab of a grid distributed over ranks: a local {@link Grid} of the slab's layers (slices in
 * 3-D, rows in 2-D) whose two ghost layers on each side of the cut axis come from the neighbouring ranks at
 * every halo refresh, so any engine that steps the local grid computes exactly what it computes on the
 * whole grid: the kernels see the same neighbour values, and random draws are keyed by global cells.
 *
 * <p>A halo refresh first applies the boundary rule locally to every ghost layer (so the x and y ghosts
 * of the layers sent are filled, and the global ends keep the mirror of a no-flux boundary), then
 * exchanges the two outermost interior layers of each field with each neighbour, directly between the
 * grid's buffers (no packing: each field's layers are contiguous). Reductions ({@link #totals()},
 * {@link #freeEnergy}) sum per rank and then over ranks, so they match a single process to rounding,
 * not bitwise; the state itself matches bitwise.
 */
public final class SlabGrid implements AutoCloseable {

    private final Communicator comm;
    private final Slab slab;
    private final Grid local;
    private final int fields;
    private final int nz;
    private final int ny;
    private final int nx;
    private long exchangeNanos;
    private long exchanges;

    /**
     * The slab of {@code comm.rank()} of an {@code fields x nz x ny x nx} grid (nz = 1: 2-D, cut along y).
     *
     * @throws IllegalArgumentException when a rank would get fewer than two layers, or a size is bad
     */
    public SlabGrid(Communicator comm, int fields, int nz, int ny, int nx, double dx, Boundary boundary) {
        if (comm == null) {
            throw new IllegalArgumentException("communicator must not be null");
        }
        this.comm = comm;
        this.fields = fields;
        this.nz = nz;
        this.ny = ny;
        this.nx = nx;
        boolean threeD = nz > 1;
        this.slab = Slab.of(threeD ? nz : ny, comm.size(), comm.rank());
        this.local = threeD ? new Grid(fields, slab.count(), ny, nx, dx, boundary)
            : new Grid(fields, slab.count(), nx, dx, boundary);
        long cellsPerLayer = threeD ? (long) ny * nx : nx;
        boolean periodic = boundary == Boundary.PERIODIC;
        local.distribute(g -> exchange(g, periodic), slab.start() * cellsPerLayer);
    }

    private void exchange(Grid g, boolean periodic) {
        long t0 = System.nanoTime();
        MemorySegment s = g.current();
        long unit = g.is3d() ? g.sliceStride() : g.rowStride();
        long layer = unit * Double.BYTES;
        long two = 2 * layer;
        int h = Grid.HALO;
        int count = slab.count();
        for (int f = 0; f < fields; f++) {
            long base = f * g.planeStride() * Double.BYTES;
            comm.haloExchange(s.asSlice(base + h * layer, two), s.asSlice(base, two),
                s.asSlice(base + count * layer, two), s.asSlice(base + (h + count) * layer, two), 2 * unit, periodic);
        }
        exchangeNanos += System.nanoTime() - t0;
        exchanges++;
    }

    /** Halo exchanges done (one per halo refresh: every step, and at loads and energy evaluations). */
    public long exchanges() {
        return exchanges;
    }

    /** Wall time spent in halo exchanges on this rank, waiting for the neighbours included. */
    public double exchangeSeconds() {
        return exchangeNanos * 1e-9;
    }

    /** The local grid: step it with any engine; every halo refresh exchanges with the neighbours. */
    public Grid local() {
        return local;
    }

    /** This rank's share. */
    public Slab slab() {
        return slab;
    }

    /** The communicator. */
    public Communicator communicator() {
        return comm;
    }

    /** Values per field and layer: ny * nx in 3-D, nx in 2-D. */
    private long layerCells() {
        return nz > 1 ? (long) ny * nx : nx;
    }

    /** Global values per field. */
    private long globalCells() {
        return (long) nz * ny * nx;
    }

    /**
     * Loads this rank's slab from the whole state (every rank holds it, e.g. generated from the same seed
     * or read from the same file) in (field, z, y, x) C order, and refreshes the halo (collective).
     */
    public void scatter(double[] global) {
        if (global.length != fields * globalCells()) {
            throw new IllegalArgumentException("state length " + global.length + " != " + fields * globalCells());
        }
        int chunk = Math.toIntExact(slab.count() * layerCells());
        double[] mine = new double[fields * chunk];
        for (int f = 0; f < fields; f++) {
            System.arraycopy(global, Math.toIntExact(f * globalCells() + slab.start() * layerCells()), mine, f * chunk,
                chunk);
        }
        local.copyFrom(mine);
    }

    /** The whole state in (field, z, y, x) C order on {@code root}; null on the other ranks (collective). */
    public double[] gather(int root) {
        double[] mine = new double[Math.toIntExact(fields * local.cells())];
        local.copyTo(mine);
        double[] all = comm.gatherv(mine, root);
        if (comm.rank() != root) {
            return null;
        }
        double[] out = new double[Math.toIntExact(fields * globalCells())];
        int at = 0;
        for (int r = 0; r < comm.size(); r++) {
            Slab s = Slab.of(slab.layers(), comm.size(), r);
            int chunk = Math.toIntExact(s.count() * layerCells());
            for (int f = 0; f < fields; f++) {
                System.arraycopy(all, at, out, Math.toIntExact(f * globalCells() + s.start() * layerCells()), chunk);
                at += chunk;
            }
        }
        return out;
    }

    /** Sum over all cells of each field (collective; equal to a single process's to rounding). */
    public double[] totals() {
        return comm.allreduceSum(org.lshsmile.core.diag.Diagnostics.fieldTotals(local));
    }

    /** The model's free energy of the whole grid (collective; equal to a single process's to rounding). */
    public double freeEnergy(Model model) {
        return comm.allreduceSum(new double[] {model.freeEnergy(local)})[0];
    }

    /** Whether any rank holds a non-finite value (collective). */
    public boolean anyNonFinite() {
        return comm.allreduceMax(org.lshsmile.core.diag.Diagnostics.firstNonFinite(local) != null ? 1 : 0) > 0;
    }

    /** Closes the local grid. */
    @Override
    public void close() {
        local.close();
    }
}
