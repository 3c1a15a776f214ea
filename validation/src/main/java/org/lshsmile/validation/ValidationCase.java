package org.lshsmile.validation;

import java.util.List;
import org.lshsmile.simd.StencilKernels;

/**
 * A validation case: runs the models on a fixed setup and compares what comes out with references that
 * share no code with the kernels (published numbers, physics.md's independently checked values, exact
 * invariants, analytic laws).
 */
public interface ValidationCase {

    /** Short name used on the command line ({@code --case NAME}), e.g. {@code pfhub-1a}. */
    String name();

    /** One line saying what the case checks. */
    String description();

    /**
     * Runs the case and returns its checks, in a stable order.
     *
     * @param quick   a shorter run (fewer steps or an earlier end time) that keeps every kind of check
     * @param kernels the stencil kernels the engines use
     * @param threads threads per engine (the results do not depend on it)
     */
    List<Check> run(boolean quick, StencilKernels kernels, int threads);
}
