package org.lshsmile.core.grid;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * m fields of ny x nx doubles off-heap, with a halo of width {@value #HALO}.
 *
 * <p>Layout (structure of arrays): one plane per field, planes back to back in one segment; a row is
 * {@link #rowStride()} doubles, the interior of a row starts at column {@link #colStart()} = 8 so
 * that interior rows start on a 64-byte boundary (one AVX-512 vector), and the stride is a multiple
 * of 8 doubles so that every row does. Row r of the interior is padded row {@code r + HALO}.
 * Two buffers, current and next, are swapped after each step, never copied.
 *
 * <p>The grid owns a shared {@link Arena} (engine threads read and write it) and closes it in
 * {@link #close()}; after that every access fails with {@link IllegalStateException}.
 */
public final class Grid implements AutoCloseable {

    /** Halo width: the radius of the widest stencil (second-order neighbours). */
    public static final int HALO = 2;
    /** Interior column offset: 8 doubles = 64 bytes, so interior rows are vector-aligned. */
    public static final int COL_START = 8;
    private static final int ALIGN_DOUBLES = 8;
    /** Largest accepted side, far above anything that fits in memory at m = 1. */
    public static final int MAX_SIDE = 1 << 20;

    static final ValueLayout.OfDouble D = ValueLayout.JAVA_DOUBLE;

    private final int fields;
    private final int ny;
    private final int nx;
    private final double dx;
    private final Boundary boundary;
    private final long rowStride;
    private final long planeStride;
    private final Arena arena;
    private MemorySegment cur;
    private MemorySegment next;
    private boolean closed;

    /**
     * Allocates a zeroed grid.
     *
     * @throws IllegalArgumentException for non-positive or absurd sizes, a bad dx, or a null boundary
     * @throws IllegalStateException    if the grid would not fit in memory (see {@link #bytesFor})
     */
    public Grid(int fields, int ny, int nx, double dx, Boundary boundary) {
        if (fields < 1 || fields > 4096) {
            throw new IllegalArgumentException("fields must be in [1, 4096], got " + fields);
        }
        if (ny < HALO || nx < HALO || ny > MAX_SIDE || nx > MAX_SIDE) {
            throw new IllegalArgumentException("grid sides must be in [" + HALO + ", " + MAX_SIDE + "], got "
                + ny + " x " + nx);
        }
        if (!(dx > 0) || !Double.isFinite(dx)) {
            throw new IllegalArgumentException("dx must be a positive finite number, got " + dx);
        }
        if (boundary == null) {
            throw new IllegalArgumentException("boundary must not be null");
        }
        MemoryBudget.check(bytesFor(fields, ny, nx), "a grid of " + fields + " x " + ny + " x " + nx);
        this.fields = fields;
        this.ny = ny;
        this.nx = nx;
        this.dx = dx;
        this.boundary = boundary;
        this.rowStride = roundUp(COL_START + nx + HALO, ALIGN_DOUBLES);
        this.planeStride = rowStride * (ny + 2L * HALO);
        this.arena = OffHeap.shared();
        long bytes = planeStride * fields * Double.BYTES;
        this.cur = arena.allocate(bytes, 64);
        this.next = arena.allocate(bytes, 64);
    }

    private Grid(Grid shape, MemorySegment current, MemorySegment next) {
        this.fields = shape.fields;
        this.ny = shape.ny;
        this.nx = shape.nx;
        this.dx = shape.dx;
        this.boundary = shape.boundary;
        this.rowStride = shape.rowStride;
        this.planeStride = shape.planeStride;
        this.arena = null;
        this.cur = current;
        this.next = next;
    }

    /**
     * A grid of this one's shape over two caller-owned buffers of {@link #bufferBytes()} each (e.g. slots of
     * a state store), so a step can read one stored state and write the next in place. The view does not
     * own the buffers: closing it frees nothing, and it must not outlive them.
     *
     * @throws IllegalArgumentException when a buffer is null, too small, not 8-byte aligned or the same as the other
     */
    public Grid view(MemorySegment current, MemorySegment next) {
        ensureOpen();
        long need = bufferBytes();
        for (MemorySegment m : new MemorySegment[] {current, next}) {
            if (m == null || m.byteSize() < need || m.address() % Double.BYTES != 0) {
                throw new IllegalArgumentException("a view buffer needs " + need + " bytes, 8-byte aligned, got "
                    + (m == null ? "null" : m.byteSize() + " bytes at " + m.address()));
            }
        }
        if (current.address() == next.address()) {
            throw new IllegalArgumentException("a view needs two distinct buffers");
        }
        return new Grid(this, current, next);
    }

    /** Bytes of one buffer (one state, halo and padding included). */
    public long bufferBytes() {
        return planeStride * fields * Double.BYTES;
    }

    /** Bytes both buffers of a grid of this shape take (what {@link MemoryBudget} is asked for). */
    public static long bytesFor(int fields, int ny, int nx) {
        long stride = roundUp(COL_START + (long) nx + HALO, ALIGN_DOUBLES);
        return 2L * fields * stride * (ny + 2L * HALO) * Double.BYTES;
    }

    private static long roundUp(long v, int m) {
        return (v + m - 1) / m * m;
    }

    /** Number of fields m. */
    public int fields() {
        return fields;
    }

    /** Rows of the interior. */
    public int ny() {
        return ny;
    }

    /** Columns of the interior. */
    public int nx() {
        return nx;
    }

    /** Grid spacing (same in x and y). */
    public double dx() {
        return dx;
    }

    /** The boundary condition the halo implements. */
    public Boundary boundary() {
        return boundary;
    }

    /** Doubles per padded row. */
    public long rowStride() {
        return rowStride;
    }

    /** Doubles per field plane. */
    public long planeStride() {
        return planeStride;
    }

    /** Padded column of interior column 0. */
    public int colStart() {
        return COL_START;
    }

    /** Padded row of interior row 0. */
    public int rowStart() {
        return HALO;
    }

    /** Number of interior cells per field. */
    public long cells() {
        return (long) ny * nx;
    }

    /** The current state (all planes). Valid until {@link #swap()} or {@link #close()}. */
    public MemorySegment current() {
        ensureOpen();
        return cur;
    }

    /** The buffer the next step writes. */
    public MemorySegment next() {
        ensureOpen();
        return next;
    }

    /** Makes the next buffer current: O(1). */
    public void swap() {
        ensureOpen();
        MemorySegment t = cur;
        cur = next;
        next = t;
    }

    /** Double index of (field, interior row y, interior column x). */
    public long index(int field, int y, int x) {
        return field * planeStride + (y + (long) HALO) * rowStride + COL_START + x;
    }

    /** Reads interior value (field, y, x) of the current state, with bounds checks. */
    public double get(int field, int y, int x) {
        checkCell(field, y, x);
        return current().getAtIndex(D, index(field, y, x));
    }

    /** Writes interior value (field, y, x) of the current state, with bounds checks. */
    public void set(int field, int y, int x, double v) {
        checkCell(field, y, x);
        current().setAtIndex(D, index(field, y, x), v);
    }

    private void checkCell(int field, int y, int x) {
        if (field < 0 || field >= fields || y < 0 || y >= ny || x < 0 || x >= nx) {
            throw new IndexOutOfBoundsException("cell (" + field + ", " + y + ", " + x + ") outside grid of "
                + fields + " x " + ny + " x " + nx);
        }
    }

    /**
     * Copies the interior of the current state into {@code out} in (field, y, x) C order; length must be
     * {@code fields * ny * nx}.
     */
    public void copyTo(double[] out) {
        if (out.length != (long) fields * ny * nx) {
            throw new IllegalArgumentException("array length " + out.length + " != " + (long) fields * ny * nx);
        }
        MemorySegment c = current();
        int k = 0;
        for (int f = 0; f < fields; f++) {
            for (int y = 0; y < ny; y++) {
                MemorySegment.copy(c, D, index(f, y, 0) * Double.BYTES, out, k, nx);
                k += nx;
            }
        }
    }

    /** Loads (field, y, x) C-order values into the interior of the current state and refreshes its halo. */
    public void copyFrom(double[] in) {
        if (in.length != (long) fields * ny * nx) {
            throw new IllegalArgumentException("array length " + in.length + " != " + (long) fields * ny * nx);
        }
        MemorySegment c = current();
        int k = 0;
        for (int f = 0; f < fields; f++) {
            for (int y = 0; y < ny; y++) {
                MemorySegment.copy(in, k, c, D, index(f, y, 0) * Double.BYTES, nx);
                k += nx;
            }
        }
        refreshHalo();
    }

    /** Copies the whole current buffer (halo included) of this grid into {@code dst}'s, same shape. */
    public void copyStateTo(Grid dst) {
        if (dst.fields != fields || dst.ny != ny || dst.nx != nx) {
            throw new IllegalArgumentException("shape mismatch: " + shape() + " vs " + dst.shape());
        }
        MemorySegment.copy(current(), 0, dst.current(), 0, planeStride * fields * Double.BYTES);
    }

    /** "m x ny x nx". */
    public String shape() {
        return fields + " x " + ny + " x " + nx;
    }

    /** Fills the halo of the current state from its interior according to the boundary condition. */
    public void refreshHalo() {
        Halo.refresh(current(), fields, ny, nx, rowStride, planeStride, boundary);
    }

    /** Whether {@link #close()} has been called. */
    public boolean isClosed() {
        return closed;
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("grid " + shape() + " is closed");
        }
    }

    /** Frees both buffers. Idempotent. Must not race with a running step. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            if (arena != null) {
                arena.close();
            }
        }
    }
}
