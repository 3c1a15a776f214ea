package org.lshsmile.bench;

import java.lang.foreign.ValueLayout;
import org.lshsmile.core.diag.Diagnostics;
import org.lshsmile.core.engine.ExactEngine;
import org.lshsmile.core.grid.Grid;
import org.lshsmile.core.kernels.KernelSets;
import org.lshsmile.simd.Kernels;
import org.lshsmile.simd.StencilKernels;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The lifecycle the dense-step benchmarks share (JMH runs a superclass's {@code @Setup}/{@code @TearDown}
 * methods for a {@code @State} subclass): each iteration starts from the same pristine state, fails on a
 * non-finite result, and the trial frees the engine and both grids. Subclasses set the fields in their
 * trial setup and time {@link #run()}.
 */
abstract class EngineStepState {

    static final ValueLayout.OfDouble D = ValueLayout.JAVA_DOUBLE;

    /** Steps one invocation runs. */
    int steps;
    /** The initial state, restored before every iteration. */
    Grid pristine;
    /** The grid being stepped. */
    Grid grid;
    /** The engine stepping it. */
    ExactEngine engine;
    /** A double index whose value the benchmark returns, so the steps cannot be skipped. */
    long probe;

    /** The kernels named by a {@code kernels} param: {@code scalar}, {@code simd} or {@code native}. */
    static StencilKernels kernelsByName(String name) {
        return KernelSets.stencils(name);
    }

    /**
     * The kernels a trial's self-check holds against the scalar ones: the trial's own, or the SIMD kernels
     * when the trial runs the scalar ones (so every trial checks a second implementation).
     */
    static StencilKernels checkedKernels(StencilKernels trial) {
        if (!trial.name().equals("scalar")) {
            return trial;
        }
        return Kernels.simd().orElseThrow(() -> new IllegalStateException(
            "the self-check needs the SIMD kernels: " + Kernels.vectorUnavailableReason()));
    }

    /** Restores the initial state so every iteration times the same trajectory (no drift to a relaxed state). */
    @Setup(Level.Iteration)
    public void resetState() {
        pristine.copyStateTo(grid);
    }

    /** Fails the run if the iteration's steps produced a NaN or an infinity. */
    @TearDown(Level.Iteration)
    public void checkFinite() {
        Diagnostics.Cell bad = Diagnostics.firstNonFinite(grid);
        if (bad != null) {
            throw new IllegalStateException("state went non-finite during the iteration: " + bad);
        }
    }

    /** Frees the engine and both grids. */
    @TearDown(Level.Trial)
    public void tearDownTrial() {
        if (engine != null) {
            engine.close();
        }
        if (grid != null) {
            grid.close();
        }
        if (pristine != null) {
            pristine.close();
        }
    }

    /**
     * {@link #steps} steps. Each step reads the previous step's output, so none can be skipped, and the
     * returned value depends on the last one (JMHSample_34: the loop's work is consumed).
     */
    double run() {
        engine.step(steps);
        return grid.current().getAtIndex(D, probe);
    }

    /** Steps one invocation runs. */
    int stepsPerInvocation() {
        return steps;
    }

    /** Whether the current state differs from the initial one anywhere. */
    boolean stateChanged() {
        return pristine.current().mismatch(grid.current()) >= 0;
    }
}
