package org.lshsmile.core.dist;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.lshsmile.core.engine.Engine;
import org.lshsmile.core.grid.Grid;
import org.lshsmile.core.lsh.LshSmileEngine;
import org.lshsmile.core.model.Model;
import org.lshsmile.simd.Projections;

/**
 * The LSH-SMILE engine on this rank's slab of a distributed grid: each rank hashes its own slab, with the
 * two neighbouring layers on each side (the halo the exact engines exchange) as <em>ghost elements</em> of
 * its engine, so every interior element's feature vector and evaluation see the neighbour ranks' current
 * values.
 *
 * <h2>How it runs</h2>
 * The rank's {@link LshSmileEngine} (verified mode) steps an extended grid of the slab's layers plus two
 * ghost layers on each side. After every step the two outermost interior layers of each side are sent
 * to the neighbours through the slab grid's halo exchange (the global boundary rule at the ends) and the
 * layers received are written into the ghost elements by {@link LshSmileEngine#overwrite}, and every
 * element whose feature vector contains a ghost that changed is checked against its representative before
 * the next evaluation. A ghost sits in a bucket of its own that is never evaluated or merged (its own
 * neighbourhood reaches past the extended grid, so an update computed from it would be wrong).
 *
 * <h2>How buckets relate across ranks</h2>
 * They do not: each rank's buckets hold only its own slab's elements and ghost copies, and no bucket spans
 * two ranks, so a grain interior cut by a slab boundary is one bucket per rank. The state is therefore not
 * the single-process LSH run's, and not the exact run's either: like a single process, each element's
 * feature vector is within r of its representative's whenever it was last checked, so the error against
 * exact is of the single-process run's size (measured in the tests and in BENCHMARKS.md).
 *
 * <p>The slab grid ({@link #grid()}) holds the state after every {@link #step(int)} call (its interior
 * layers are copied from the extended grid at the end of the call), so gathers, diagnostics and
 * checkpoints read it as with the exact engines. Every call is collective.
 */
public final class SlabLshEngine implements Engine {

    private static final ValueLayout.OfDouble D = ValueLayout.JAVA_DOUBLE;

    private final Grid local;
    private final Grid ext;
    private final LshSmileEngine lsh;
    private final int fields;
    private final int count;
    private final int layerCells;
    private final double[] lower;
    private final double[] upper;
    private boolean closed;

    /**
     * Encodes this rank's slab (collective: the first halo exchange).
     *
     * @param slab        this rank's slab, loaded with its part of the state
     * @param projections the hash projections' kernels
     * @throws IllegalArgumentException as {@link LshSmileEngine}'s constructor
     * @throws IllegalStateException    as {@link LshSmileEngine}'s constructor
     */
    public SlabLshEngine(SlabGrid slab, Model model, double dt, double r, double r0, int k, int l, long seed,
                         Projections projections) {
        if (slab == null) {
            throw new IllegalArgumentException("slab must not be null");
        }
        this.local = slab.local();
        this.fields = local.fields();
        this.count = slab.slab().count();
        long cells = local.is3d() ? (long) local.ny() * local.nx() : local.nx();
        if (cells * (count + 4L) > Integer.MAX_VALUE / 4) {
            throw new IllegalArgumentException("slab of " + cells * count + " cells is too large for the LSH engine; "
                + "use more ranks or the exact engine");
        }
        this.layerCells = (int) cells;
        this.lower = new double[2 * layerCells * fields];
        this.upper = new double[2 * layerCells * fields];
        Grid g = local.is3d()
            ? new Grid(fields, count + 4, local.ny(), local.nx(), local.dx(), local.boundary())
            : new Grid(fields, count + 4, local.nx(), local.dx(), local.boundary());
        LshSmileEngine e = null;
        try {
            // the extended grid's first cell is two layers before the slab's: random sources stay keyed by global cells
            g.distribute(null, local.cellOffset() - 2L * layerCells);
            local.refreshHalo(); // collective: the ghost layers
            copyLayers(local, -2, g, 0, count + 4);
            e = new LshSmileEngine(model, g, dt, LshSmileEngine.Mode.VERIFIED, r, r0, k, l, seed, projections,
                2 * layerCells, 2 * layerCells);
        } finally {
            if (e == null) {
                g.close();
            }
        }
        this.ext = g;
        this.lsh = e;
    }

    /** Copies {@code layers} layers (slices in 3-D, rows in 2-D; interior columns and rows) of every field. */
    private static void copyLayers(Grid src, int from, Grid dst, int to, int layers) {
        boolean threeD = src.is3d();
        int rows = threeD ? src.ny() : 1;
        int nx = src.nx();
        for (int f = 0; f < src.fields(); f++) {
            for (int i = 0; i < layers; i++) {
                for (int y = 0; y < rows; y++) {
                    long a = threeD ? src.index(f, from + i, y, 0) : src.index(f, from + i, 0);
                    long b = threeD ? dst.index(f, to + i, y, 0) : dst.index(f, to + i, 0);
                    MemorySegment.copy(src.current(), a * Double.BYTES, dst.current(), b * Double.BYTES,
                        (long) nx * Double.BYTES);
                }
            }
        }
    }

    /**
     * Moves two layers of the slab grid, from layer {@code first}, to ({@code toGrid}) or from {@code values},
     * field-major as {@link LshSmileEngine#read} lists elements.
     */
    private void moveLayers(int first, double[] values, boolean toGrid) {
        boolean threeD = local.is3d();
        int rows = threeD ? local.ny() : 1;
        int nx = local.nx();
        int per = 2 * layerCells;
        for (int f = 0; f < fields; f++) {
            for (int i = 0; i < 2; i++) {
                for (int y = 0; y < rows; y++) {
                    long a = (threeD ? local.index(f, first + i, y, 0) : local.index(f, first + i, 0)) * Double.BYTES;
                    int v = f * per + (i * rows + y) * nx;
                    if (toGrid) {
                        MemorySegment.copy(values, v, local.current(), D, a, nx);
                    } else {
                        MemorySegment.copy(local.current(), D, a, values, v, nx);
                    }
                }
            }
        }
    }

    /**
     * Sends the slab's outer layers, receives the neighbours' into the ghost elements (collective). The
     * outer layers are read from the engine's buckets: the extended grid is written once per {@link #step}
     * call, not every step.
     */
    private void exchangeGhosts() {
        lsh.read(2 * layerCells, 2 * layerCells, lower);
        moveLayers(0, lower, true);
        lsh.read(count * layerCells, 2 * layerCells, upper);
        moveLayers(count - 2, upper, true);
        local.refreshHalo();
        moveLayers(-2, lower, false);
        moveLayers(count, upper, false);
        lsh.overwrite(0, 2 * layerCells, lower);
        lsh.overwrite((count + 2) * layerCells, 2 * layerCells, upper);
    }

    /** {@inheritDoc} Collective: every rank steps as many steps. */
    @Override
    public void step(int n) {
        ensureOpen();
        if (n < 0) {
            throw new IllegalArgumentException("steps must be >= 0, got " + n);
        }
        local.ensureOpen();
        if (n == 0) {
            return;
        }
        local.acquire(this);
        try {
            for (int s = 0; s < n; s++) {
                lsh.advance(1);
                exchangeGhosts();
            }
            lsh.writeGrid();
            copyLayers(ext, 2, local, 0, count);
            local.refreshHalo();
        } finally {
            local.release(this);
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("distributed lsh-smile engine is closed; create a new engine");
        }
    }

    @Override
    public long stepsDone() {
        return lsh.stepsDone();
    }

    /** {@inheritDoc} A new count encodes the slab grid's state again (collective). */
    @Override
    public void setStepsDone(long n) {
        ensureOpen();
        if (n != lsh.stepsDone()) {
            local.refreshHalo();
            copyLayers(local, -2, ext, 0, count + 4);
            lsh.setStepsDone(n);
        }
    }

    @Override
    public double dt() {
        return lsh.dt();
    }

    /** The slab grid (this rank's layers and their halo). */
    @Override
    public Grid grid() {
        return local;
    }

    @Override
    public Model model() {
        return lsh.model();
    }

    /** The engine of this rank's slab plus its ghost layers: its buckets and statistics. */
    public LshSmileEngine slabEngine() {
        return lsh;
    }

    @Override
    public String description() {
        return lsh.description() + ", this rank's slab with 2 ghost layers a side";
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            lsh.close();
        } finally {
            ext.close();
        }
    }
}
