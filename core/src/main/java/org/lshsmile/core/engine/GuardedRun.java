package org.lshsmile.core.engine;

import java.util.function.BooleanSupplier;
import org.lshsmile.core.diag.Diagnostics;
import org.lshsmile.core.grid.Grid;

/**
 * Runs an engine in chunks and stops at the first non-finite value with the last good state in the grid.
 *
 * <p>Scanning every step would cost a full pass per step; instead the state is backed up before each
 * chunk and scanned after it (two passes per chunk). When a chunk goes bad it is replayed step by step
 * from the backup, which is exact because every engine here is deterministic, to name the first bad
 * step and cell.
 */
public final class GuardedRun implements AutoCloseable {

    /** Steps between finiteness checks. */
    public static final int DEFAULT_CHUNK = 50;

    private final Engine engine;
    private final Grid backup;
    private final int chunk;
    private final BooleanSupplier anyNonFinite;
    private long steps;

    /**
     * @param chunk steps between checks (>= 1)
     * @throws IllegalArgumentException for a null engine or a chunk below 1
     * @throws IllegalStateException    when the engine's grid is closed, or the backup grid would not fit
     */
    public GuardedRun(Engine engine, int chunk) {
        this(engine, chunk, null);
    }

    /**
     * A guarded run whose finiteness check is {@code anyNonFinite}: for a slab of a distributed grid, a
     * collective check over all ranks ({@code SlabGrid::anyNonFinite}), so that every rank replays and
     * stops at the same step. Null checks this engine's grid alone.
     *
     * @param chunk steps between checks (>= 1)
     */
    public GuardedRun(Engine engine, int chunk, BooleanSupplier anyNonFinite) {
        if (engine == null) {
            throw new IllegalArgumentException("engine must not be null");
        }
        if (chunk < 1) {
            throw new IllegalArgumentException("check interval must be >= 1, got " + chunk);
        }
        this.engine = engine;
        this.chunk = chunk;
        this.anyNonFinite = anyNonFinite != null ? anyNonFinite
            : () -> Diagnostics.firstNonFinite(engine.grid()) != null;
        Grid g = engine.grid();
        g.ensureOpen();
        this.backup = new Grid(g.fields(), g.nz(), g.ny(), g.nx(), g.dx(), g.boundary());
    }

    /** Guarded run with {@link #DEFAULT_CHUNK}. */
    public GuardedRun(Engine engine) {
        this(engine, DEFAULT_CHUNK);
    }

    /** Steps done through this runner. */
    public long steps() {
        return steps;
    }

    /**
     * Advances n steps.
     *
     * @throws NonFiniteStateException if a value became NaN or infinite; the grid then holds the state
     *                                 after the last good step and {@link #steps()} counts up to it
     * @throws IllegalArgumentException when n is negative
     */
    public void advance(long n) {
        if (n < 0) {
            throw new IllegalArgumentException("steps must be >= 0, got " + n);
        }
        long left = n;
        while (left > 0) {
            int k = (int) Math.min(chunk, left);
            Grid g = engine.grid();
            g.copyStateTo(backup);
            long first = engine.stepsDone();
            engine.step(k);
            if (anyNonFinite.getAsBoolean()) {
                replay(first, k);
            }
            steps += k;
            left -= k;
        }
    }

    private void replay(long first, int k) {
        Grid g = engine.grid();
        backup.copyStateTo(g);
        engine.setStepsDone(first); // random sources are keyed by the step: replay draws the same numbers
        for (int i = 1; i <= k; i++) {
            g.copyStateTo(backup);
            engine.step(1);
            if (anyNonFinite.getAsBoolean()) {
                Diagnostics.Cell bad = Diagnostics.firstNonFinite(g);
                backup.copyStateTo(g);
                g.refreshHalo();
                long badStep = steps + i;
                steps = badStep - 1;
                double stable = engine.model().stableDt(g.dx(), g.is3d() ? 3 : 2);
                if (bad == null) { // on another rank's slab
                    throw new NonFiniteStateException(badStep, "(another rank's slab)", -1, -1, -1, Double.NaN,
                        engine.dt(), stable);
                }
                // global coordinates: a slab's cells are numbered from its grid's cell offset
                long layer = g.is3d() ? (long) g.ny() * g.nx() : g.nx();
                int shift = (int) (g.cellOffset() / layer);
                throw new NonFiniteStateException(badStep, engine.model().fieldName(bad.field()),
                    g.is3d() ? bad.z() + shift : -1, g.is3d() ? bad.y() : bad.y() + shift, bad.x(), bad.value(),
                    engine.dt(), stable);
            }
        }
        throw new IllegalStateException("non-finite value did not reproduce on replay: engine is not deterministic");
    }

    @Override
    public void close() {
        backup.close();
    }
}
