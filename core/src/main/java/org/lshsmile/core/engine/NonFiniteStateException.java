package org.lshsmile.core.engine;

import java.util.Locale;

/** A step produced NaN or infinity; the grid holds the last good state (the one before {@link #step()}). */
public final class NonFiniteStateException extends RuntimeException {

    private static final long serialVersionUID = 1L;
    private final long step;
    private final String field;
    private final int z;
    private final int y;
    private final int x;

    /** @param step the first step whose result is not finite (1-based count of steps done) */
    public NonFiniteStateException(long step, String field, int y, int x, double value, double dt, double stableDt) {
        this(step, field, -1, y, x, value, dt, stableDt);
    }

    /**
     * @param step the first step whose result is not finite (1-based count of steps done)
     * @param z    slice of the cell in a 3-D grid, or -1 for a 2-D grid
     */
    public NonFiniteStateException(long step, String field, int z, int y, int x, double value, double dt,
                                   double stableDt) {
        super(String.format(Locale.ROOT,
            "non-finite value %s at step %d in field %s, cell (%sy=%d, x=%d); the state after step %d is kept."
                + " dt=%g (stable bound %g): lower --dt or check the initial state", value, step, field,
            z >= 0 ? "z=" + z + ", " : "", y, x, step - 1, dt, stableDt));
        this.step = step;
        this.field = field;
        this.z = z;
        this.y = y;
        this.x = x;
    }

    /** Slice of that cell in a 3-D grid, -1 in 2-D. */
    public int z() {
        return z;
    }

    /** First bad step. */
    public long step() {
        return step;
    }

    /** Name of the field holding the first non-finite value. */
    public String field() {
        return field;
    }

    /** Row of that cell. */
    public int y() {
        return y;
    }

    /** Column of that cell. */
    public int x() {
        return x;
    }
}
