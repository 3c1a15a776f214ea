package org.lshsmile.validation;

import org.lshsmile.core.diag.Diagnostics;
import org.lshsmile.core.engine.ExactEngine;
import org.lshsmile.core.grid.Boundary;
import org.lshsmile.core.grid.Grid;
import org.lshsmile.core.ic.GrainStates;
import org.lshsmile.core.model.GrainGrowth;
import org.lshsmile.simd.StencilKernels;

/**
 * A circular grain shrinking in a matrix grain (physics.md 1.7): the sharp-interface law
 * {@code A(t) = A0 - 2 pi L kappa t} from {@code v = L kappa curvature}. The case measures dA/dt by a
 * least-squares line through the area samples after an initial relaxation.
 */
public final class CircleShrink {

    private CircleShrink() {
    }

    /** Measured and predicted shrink rates (area per unit time, negative). */
    public record Result(double measuredRate, double theoryRate, double initialArea, double finalArea) {

        /** |measured / theory - 1|. */
        public double relativeError() {
            return Math.abs(measuredRate / theoryRate - 1.0);
        }
    }

    /**
     * @param dx       grid spacing
     * @param radius   initial radius in length units
     * @param tStart   time at which sampling starts (after the sharp interface relaxed)
     * @param tEnd     time of the last sample
     */
    public static Result run(GrainGrowth model, double dx, double radius, double tStart, double tEnd,
                             StencilKernels kernels, int threads) {
        int n = (int) Math.ceil((2 * radius + 10) / dx);
        double dt = 0.75 * model.stableDt(dx);
        int every = Math.max(1, (int) Math.round(0.5 / dt));
        long first = Math.round(tStart / dt);
        long last = Math.round(tEnd / dt);
        double sumT = 0;
        double sumA = 0;
        double sumTT = 0;
        double sumTA = 0;
        int samples = 0;
        double a0;
        double aEnd;
        try (Grid g = new Grid(2, n, n, dx, Boundary.PERIODIC);
             ExactEngine e = new ExactEngine(model, g, dt, kernels, threads)) {
            g.copyFrom(GrainStates.circle(n, n, dx, radius));
            a0 = Diagnostics.cellsAbove(g, 1, 0.5) * dx * dx;
            e.step((int) first);
            aEnd = a0;
            for (long s = first; s <= last; s += every) {
                double t = s * dt;
                double a = Diagnostics.cellsAbove(g, 1, 0.5) * dx * dx;
                sumT += t;
                sumA += a;
                sumTT += t * t;
                sumTA += t * a;
                samples++;
                aEnd = a;
                e.step(every);
            }
        }
        double slope = (samples * sumTA - sumT * sumA) / (samples * sumTT - sumT * sumT);
        double theory = -2 * Math.PI * model.mobility(2) * model.kappa(2);
        return new Result(slope, theory, a0, aEnd);
    }
}
