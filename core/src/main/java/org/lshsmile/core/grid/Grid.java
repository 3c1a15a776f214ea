package org.lshsmile.core.grid;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * m fields of nz x ny x nx doubles off-heap, with a halo of width {@value #HALO}; 2-D is nz = 1.
 *
 * <p>Layout (structure of arrays): one plane per field, planes back to back in one segment; a row is
 * {@link #rowStride()} doubles, the interior of a row starts at column {@link #colStart()} = 8 so
 * that interior rows start on a 64-byte boundary (one AVX-512 vector), and the stride is a multiple
 * of 8 doubles so that every row does. Row r of the interior is padded row {@code r + HALO}.
 * A slice (ny + 2 HALO padded rows) is {@link #sliceStride()} doubles; in 3-D a field plane holds
 * nz + 2 HALO slices and interior slice z is padded slice {@code z + HALO}; in 2-D the plane is one
 * slice, with no ghost slices, so every 2-D kernel and index works unchanged.
 * Two buffers, current and next, are swapped after each step, never copied.
 *
 * <p>The grid owns a shared {@link Arena} (engine threads read and write it) and closes it in
 * {@link #close()}; after that every access fails with {@link IllegalStateException}.
 *
 * <p>One engine at a time: engines {@link #acquire(Object) acquire} the grid while they touch it (a step, or
 * encoding the state in a constructor) and {@link #release(Object) release} it after. Another engine, on
 * another thread, that tries to use the grid meanwhile gets an {@link IllegalStateException} instead of a
 * data race, and {@link #close()} refuses while the grid is in use. Several engines may exist on one grid
 * and step it by turns.
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
    private final int nz;
    private final int ny;
    private final int nx;
    private final double dx;
    private final Boundary boundary;
    private final long rowStride;
    private final long sliceStride;
    private final long planeStride;
    private final Arena arena;
    private MemorySegment cur;
    private MemorySegment next;
    private volatile boolean closed;
    /** Guards user, userThread, depth and the closing transition. */
    private final Object useLock = new Object();
    private Object user;
    private Thread userThread;
    private int depth;
    private HaloExchange exchange;
    private long cellOffset;

    /**
     * Fills the ghost layers another process owns, after the local boundary rule has filled every ghost
     * layer (distributed runs: slabs along the slowest axis). Runs on one thread at a time.
     */
    @FunctionalInterface
    public interface HaloExchange {
        /** Overwrites the slab-axis ghost layers of {@code grid}'s current buffer that neighbours own. */
        void exchange(Grid grid);
    }

    /**
     * Allocates a zeroed grid.
     *
     * @throws IllegalArgumentException for non-positive or absurd sizes, a bad dx, or a null boundary
     * @throws IllegalStateException    if the grid would not fit in memory (see {@link #bytesFor})
     */
    public Grid(int fields, int ny, int nx, double dx, Boundary boundary) {
        this(fields, 1, ny, nx, dx, boundary);
    }

    /**
     * Allocates a zeroed 3-D grid of nz slices (nz = 1 is the 2-D grid, without ghost slices).
     *
     * @throws IllegalArgumentException for non-positive or absurd sizes, a bad dx, or a null boundary
     * @throws IllegalStateException    if the grid would not fit in memory (see {@link #bytesFor(int, int, int, int)})
     */
    public Grid(int fields, int nz, int ny, int nx, double dx, Boundary boundary) {
        if (nz < 1 || nz > MAX_SIDE) {
            throw new IllegalArgumentException("nz must be in [1, " + MAX_SIDE + "], got " + nz);
        }
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
        MemoryBudget.check(bytesFor(fields, nz, ny, nx), "a grid of " + fields + " x "
            + (nz == 1 ? "" : nz + " x ") + ny + " x " + nx);
        this.fields = fields;
        this.nz = nz;
        this.ny = ny;
        this.nx = nx;
        this.dx = dx;
        this.boundary = boundary;
        this.rowStride = roundUp(COL_START + nx + HALO, ALIGN_DOUBLES);
        this.sliceStride = rowStride * (ny + 2L * HALO);
        this.planeStride = sliceStride * (nz == 1 ? 1 : nz + 2L * HALO);
        this.arena = OffHeap.shared();
        long bytes = planeStride * fields * Double.BYTES;
        this.cur = arena.allocate(bytes, 64);
        this.next = arena.allocate(bytes, 64);
    }

    private Grid(Grid shape, MemorySegment current, MemorySegment next) {
        this.fields = shape.fields;
        this.nz = shape.nz;
        this.ny = shape.ny;
        this.nx = shape.nx;
        this.dx = shape.dx;
        this.boundary = shape.boundary;
        this.rowStride = shape.rowStride;
        this.sliceStride = shape.sliceStride;
        this.planeStride = shape.planeStride;
        this.arena = null;
        this.exchange = shape.exchange;
        this.cellOffset = shape.cellOffset;
        this.cur = current;
        this.next = next;
    }

    /**
     * A grid of this one's shape over two caller-owned buffers of {@link #bufferBytes()} each (e.g. slots of
     * a state store), so a step can read one stored state and write the next in place. The view does not
     * own the buffers: closing it frees nothing, and it must not outlive them.
     *
     * <p>The buffers must be native, writable, alive, and accessible from the calling thread. Buffers of a
     * confined arena make a view only single-threaded engines take (see {@link #accessibleFromAnyThread()}):
     * engines with worker threads need a global, automatic or shared arena's. A view whose buffers are freed
     * later counts as closed.
     *
     * @throws IllegalArgumentException when a buffer is null, too small, not 8-byte aligned, the same as or
     *                                  overlapping the other, on the heap, read-only, already freed, or confined
     *                                  to another thread
     * @throws IllegalStateException    when this grid is closed
     */
    public Grid view(MemorySegment current, MemorySegment next) {
        ensureOpen();
        long need = bufferBytes();
        String[] names = {"current", "next"};
        MemorySegment[] bufs = {current, next};
        for (int i = 0; i < 2; i++) {
            MemorySegment m = bufs[i];
            String name = "view buffer " + names[i];
            if (m == null || m.byteSize() < need || m.address() % Double.BYTES != 0) {
                throw new IllegalArgumentException("a view buffer needs " + need + " bytes, 8-byte aligned, got "
                    + (m == null ? "null" : m.byteSize() + " bytes at " + m.address()));
            }
            if (!m.isNative()) {
                throw new IllegalArgumentException(name + " is a heap segment; a grid needs native memory (Arena.allocate)");
            }
            if (m.isReadOnly()) {
                throw new IllegalArgumentException(name + " is read-only; a step writes both buffers");
            }
            if (!m.scope().isAlive()) {
                throw new IllegalArgumentException(name + " is already freed (its arena is closed)");
            }
            if (!m.isAccessibleBy(Thread.currentThread())) {
                throw new IllegalArgumentException(name + " belongs to a confined arena of another thread; allocate "
                    + "it from Arena.ofShared() or Arena.global()");
            }
        }
        if (current.address() == next.address() || current.asOverlappingSlice(next).isPresent()) {
            throw new IllegalArgumentException("a view needs two distinct buffers, got overlapping ones");
        }
        return new Grid(this, current, next);
    }

    /**
     * Whether every thread may access the buffers: true for a grid (its arena is shared) and for a view over
     * global, automatic or shared memory; false for a view over a confined arena's buffers, which only engines
     * running on the owner thread alone may step.
     */
    public boolean accessibleFromAnyThread() {
        return arena != null || (cur.isAccessibleBy(PROBE) && next.isAccessibleBy(PROBE));
    }

    /** A thread that never runs: no confined arena can belong to it. */
    private static final Thread PROBE = Thread.ofVirtual().unstarted(() -> { });

    /** Bytes of one buffer (one state, halo and padding included). */
    public long bufferBytes() {
        return planeStride * fields * Double.BYTES;
    }

    /** Bytes both buffers of a grid of this shape take (what {@link MemoryBudget} is asked for). */
    public static long bytesFor(int fields, int ny, int nx) {
        return bytesFor(fields, 1, ny, nx);
    }

    /** Bytes both buffers of a 3-D grid take; saturates at {@code Long.MAX_VALUE} instead of overflowing. */
    public static long bytesFor(int fields, int nz, int ny, int nx) {
        long stride = roundUp(COL_START + (long) nx + HALO, ALIGN_DOUBLES);
        long slices = nz == 1 ? 1 : nz + 2L * HALO;
        double bytes = 2.0 * fields * stride * (ny + 2.0 * HALO) * slices * Double.BYTES;
        return bytes >= Long.MAX_VALUE ? Long.MAX_VALUE : 2L * fields * stride * (ny + 2L * HALO) * slices * Double.BYTES;
    }

    private static long roundUp(long v, int m) {
        return (v + m - 1) / m * m;
    }

    /** Number of fields m. */
    public int fields() {
        return fields;
    }

    /** Slices of the interior: 1 for a 2-D grid. */
    public int nz() {
        return nz;
    }

    /** Whether the grid has more than one slice. */
    public boolean is3d() {
        return nz > 1;
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

    /** Doubles per slice (ny + 2 HALO padded rows); equal to {@link #planeStride()} in 2-D. */
    public long sliceStride() {
        return sliceStride;
    }

    /** Padded slice of interior slice 0: HALO in 3-D, 0 in 2-D. */
    public int sliceStart() {
        return nz == 1 ? 0 : HALO;
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
        return (long) nz * ny * nx;
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

    /** Double index of (field, interior slice z, interior row y, interior column x). */
    public long index(int field, int z, int y, int x) {
        return field * planeStride + (z + (long) sliceStart()) * sliceStride + (y + (long) HALO) * rowStride
            + COL_START + x;
    }

    /**
     * Reads interior value (field, y, x) of the current state (slice 0 in 3-D), with bounds checks.
     *
     * @throws IndexOutOfBoundsException outside the grid
     * @throws IllegalStateException     when the grid is closed
     */
    public double get(int field, int y, int x) {
        return get(field, 0, y, x);
    }

    /**
     * Writes interior value (field, y, x) of the current state (slice 0 in 3-D), with bounds checks.
     *
     * @throws IndexOutOfBoundsException outside the grid
     * @throws IllegalStateException     when the grid is closed
     */
    public void set(int field, int y, int x, double v) {
        set(field, 0, y, x, v);
    }

    /** Reads interior value (field, z, y, x) of the current state, with bounds checks. */
    public double get(int field, int z, int y, int x) {
        checkCell(field, z, y, x);
        return current().getAtIndex(D, index(field, z, y, x));
    }

    /** Writes interior value (field, z, y, x) of the current state, with bounds checks. */
    public void set(int field, int z, int y, int x, double v) {
        checkCell(field, z, y, x);
        current().setAtIndex(D, index(field, z, y, x), v);
    }

    private void checkCell(int field, int z, int y, int x) {
        if (field < 0 || field >= fields || z < 0 || z >= nz || y < 0 || y >= ny || x < 0 || x >= nx) {
            throw new IndexOutOfBoundsException("cell (" + field + (nz == 1 ? "" : ", " + z) + ", " + y + ", " + x
                + ") outside grid of " + shape());
        }
    }

    /**
     * Copies the interior of the current state into {@code out} in (field, z, y, x) C order; length must be
     * {@code fields * nz * ny * nx}.
     */
    public void copyTo(double[] out) {
        if (out == null) {
            throw new IllegalArgumentException("out must not be null");
        }
        if (out.length != (long) fields * cells()) {
            throw new IllegalArgumentException("array length " + out.length + " != " + (long) fields * cells());
        }
        MemorySegment c = current();
        int k = 0;
        for (int f = 0; f < fields; f++) {
            for (int z = 0; z < nz; z++) {
                for (int y = 0; y < ny; y++) {
                    MemorySegment.copy(c, D, index(f, z, y, 0) * Double.BYTES, out, k, nx);
                    k += nx;
                }
            }
        }
    }

    /** Loads (field, z, y, x) C-order values into the interior of the current state and refreshes its halo. */
    public void copyFrom(double[] in) {
        if (in == null) {
            throw new IllegalArgumentException("in must not be null");
        }
        if (in.length != (long) fields * cells()) {
            throw new IllegalArgumentException("array length " + in.length + " != " + (long) fields * cells());
        }
        MemorySegment c = current();
        int k = 0;
        for (int f = 0; f < fields; f++) {
            for (int z = 0; z < nz; z++) {
                for (int y = 0; y < ny; y++) {
                    MemorySegment.copy(in, k, c, D, index(f, z, y, 0) * Double.BYTES, nx);
                    k += nx;
                }
            }
        }
        refreshHalo();
    }

    /** Copies the whole current buffer (halo included) of this grid into {@code dst}'s, same shape. */
    public void copyStateTo(Grid dst) {
        if (dst == null) {
            throw new IllegalArgumentException("dst must not be null");
        }
        if (dst == this) {
            return;
        }
        if (dst.fields != fields || dst.nz != nz || dst.ny != ny || dst.nx != nx) {
            throw new IllegalArgumentException("shape mismatch: " + shape() + " vs " + dst.shape());
        }
        MemorySegment.copy(current(), 0, dst.current(), 0, planeStride * fields * Double.BYTES);
    }

    /** "m x ny x nx" in 2-D, "m x nz x ny x nx" in 3-D. */
    public String shape() {
        return fields + " x " + (nz == 1 ? "" : nz + " x ") + ny + " x " + nx;
    }

    /**
     * Makes this grid one slab of a distributed grid: {@link #refreshHalo()} then lets {@code exchange}
     * overwrite the ghost layers neighbours own, and {@code cellOffset} is the global index of local cell
     * (0, 0, 0), {@code (z, y, x) -> cellOffset + (z ny + y) nx + x}, which keys per-cell random draws.
     *
     * @param exchange   the exchange, or null for a grid of its own
     * @param cellOffset the global index of the first local cell; negative for a grid whose first layers are
     *                   copies of cells before the first global layer (the LSH engine's ghost layers on rank 0)
     */
    public void distribute(HaloExchange exchange, long cellOffset) {
        ensureOpen();
        this.exchange = exchange;
        this.cellOffset = cellOffset;
    }

    /** Global index of local cell (0, 0, 0): 0 unless {@link #distribute} said otherwise. */
    public long cellOffset() {
        return cellOffset;
    }

    /** Fills the halo of the current state from its interior according to the boundary condition. */
    public void refreshHalo() {
        Halo.refresh(current(), fields, nz, ny, nx, rowStride, sliceStride, planeStride, boundary);
        if (exchange != null) {
            exchange.exchange(this);
        }
    }

    /**
     * Whether {@link #close()} has been called, or, for a {@link #view view}, whether the caller freed its
     * buffers.
     */
    public boolean isClosed() {
        return closed || (arena == null && !(cur.scope().isAlive() && next.scope().isAlive()));
    }

    /**
     * Throws when the grid is closed (or a view's buffers were freed): engines call it before any kernel,
     * so a native kernel never receives freed memory.
     *
     * @throws IllegalStateException naming the grid
     */
    public void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("grid " + shape() + " is closed; create a new grid (or use it before closing)");
        }
        if (arena == null && !(cur.scope().isAlive() && next.scope().isAlive())) {
            throw new IllegalStateException("the buffers under the view grid " + shape() + " were freed; keep their "
                + "arena open while the view is used");
        }
    }

    /**
     * Marks the grid as used by {@code user} (an engine) on the current thread until the matching
     * {@link #release(Object)}. Nested acquisitions on the thread that holds the grid are allowed (an engine
     * that steps through an inner engine), whoever the user.
     *
     * @throws IllegalArgumentException when user is null
     * @throws IllegalStateException    when the grid is closed, or in use on another thread (naming its user)
     */
    public void acquire(Object user) {
        if (user == null) {
            throw new IllegalArgumentException("user must not be null");
        }
        synchronized (useLock) {
            ensureOpen();
            Thread me = Thread.currentThread();
            if (this.user != null && userThread != me) {
                throw new IllegalStateException("grid " + shape() + " is in use by " + describe(this.user) + " on thread "
                    + userThread.getName() + "; one grid takes one engine at a time: wait for that step, close that "
                    + "engine first or give this one its own copy of the grid (Grid.copyStateTo)");
            }
            if (this.user == null) {
                this.user = user;
                userThread = me;
            }
            depth++;
        }
    }

    /**
     * Ends one {@link #acquire(Object)} of the current thread; the grid is free again when every nested
     * acquisition has been released.
     *
     * @throws IllegalStateException when the current thread does not hold the grid
     */
    public void release(Object user) {
        synchronized (useLock) {
            if (this.user == null || userThread != Thread.currentThread()) {
                throw new IllegalStateException("grid " + shape() + " released by " + describe(user) + " on thread "
                    + Thread.currentThread().getName() + ", which does not hold it");
            }
            if (--depth == 0) {
                this.user = null;
                userThread = null;
            }
        }
    }

    /** The engine (or other user) holding the grid now, or null when it is free. */
    public Object user() {
        synchronized (useLock) {
            return user;
        }
    }

    private static String describe(Object user) {
        if (user == null || user instanceof CharSequence) {
            return String.valueOf(user);
        }
        return user.getClass().getSimpleName() + "@" + Integer.toHexString(System.identityHashCode(user));
    }

    /**
     * Frees both buffers (a view frees nothing). Idempotent.
     *
     * @throws IllegalStateException when an engine is using the grid at this moment (a step running on
     *                               another thread): closing then would free memory under it
     */
    @Override
    public void close() {
        synchronized (useLock) {
            if (closed) {
                return;
            }
            if (user != null) {
                throw new IllegalStateException("grid " + shape() + " is in use by " + describe(user) + " on thread "
                    + userThread.getName() + "; close it after that step returns");
            }
            closed = true;
        }
        if (arena != null) {
            arena.close();
        }
    }
}
