package org.lshsmile.core.engine;

import org.lshsmile.core.grid.Grid;
import org.lshsmile.core.model.Model;

/**
 * Advances a grid's state under a model by explicit time steps. Closing frees the engine's own memory and threads
 * (not the grid); it is idempotent.
 *
 * <p>Contract of every engine: it holds its grid ({@link Grid#acquire}) while it steps, so another engine using
 * the same grid on another thread meanwhile, or closing the grid, is refused with an
 * {@link IllegalStateException}; engines may share a grid by turns. Stepping a closed engine, or an engine whose
 * grid was closed, is an {@link IllegalStateException} too, checked before any kernel runs.
 */
public interface Engine extends AutoCloseable {

    /**
     * Advances n steps.
     *
     * @throws IllegalArgumentException when n is negative
     * @throws IllegalStateException    when the engine or its grid is closed, or another engine is using the grid
     */
    void step(int n);

    /** Steps done since construction (or since the count was set). */
    long stepsDone();

    /**
     * Sets the step counter: the index of the next step is {@code n}. Random sources are keyed by it,
     * so resuming a run or replaying steps draws the same numbers again.
     */
    void setStepsDone(long n);

    /** Time step. */
    double dt();

    /** The grid this engine advances (owned by the caller). */
    Grid grid();

    /** The model. */
    Model model();

    /** One line naming the engine and the kernels it runs, e.g. {@code exact, simd (Vector API 512-bit), 2 threads}. */
    String description();

    @Override
    void close();
}
