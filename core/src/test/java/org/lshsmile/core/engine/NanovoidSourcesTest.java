package org.lshsmile.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.lshsmile.core.grid.Boundary;
import org.lshsmile.core.grid.Grid;
import org.lshsmile.core.model.Nanovoid;
import org.lshsmile.simd.Kernels;
import org.lshsmile.simd.StencilKernels;

class NanovoidSourcesTest {

    private static final int N = 128;

    private static double[] run(Nanovoid m, double[] init, StencilKernels k, int threads, long firstStep, int steps) {
        try (Grid g = new Grid(3, N, N, 1.0, Boundary.PERIODIC); ExactEngine e = new ExactEngine(m, g, 0.02, k, threads, 0)) {
            g.copyFrom(init);
            e.setStepsDone(firstStep);
            e.step(steps);
            double[] out = new double[init.length];
            g.copyTo(out);
            return out;
        }
    }

    private static double[] uniformMatrix() {
        return Nanovoid.voids(N, N, new double[0][], new double[] {1, 0, 1}, new double[] {0.2, 0.1, 0.3});
    }

    private static void assertBitwise(double[] a, double[] b) {
        for (int i = 0; i < a.length; i++) {
            assertEquals(Double.doubleToRawLongBits(a[i]), Double.doubleToRawLongBits(b[i]), "element " + i);
        }
    }

    @Test
    void sourcesAreSeededAndIndependentOfThreadsAndResume() {
        Nanovoid m = Nanovoid.standard(Nanovoid.Form.LITERAL).with(Nanovoid.Sources.standard(42, true, true));
        double[] init = Nanovoid.initialState("v2", N, N);
        StencilKernels k = Kernels.fromSystemProperty();
        double[] a = run(m, init, k, 1, 0, 20);
        assertBitwise(a, run(m, init, k, 3, 0, 20));
        double[] half = run(m, init, k, 2, 0, 10);
        assertBitwise(a, run(m, half, k, 1, 10, 10));
        double[] other = run(m.with(Nanovoid.Sources.standard(43, true, true)), init, k, 1, 0, 20);
        assertNotEquals(a[N * N / 2], other[N * N / 2], "another seed, other numbers");
    }

    @Test
    void aBlowUpWithSourcesIsReplayedWithTheSameRandomNumbers() {
        // far above the stable dt and unclamped: the run overflows; the replay must reproduce it
        Nanovoid m = Nanovoid.standard(Nanovoid.Form.LITERAL).with(Nanovoid.Form.LITERAL, true, false)
            .with(Nanovoid.Sources.standard(3, true, true));
        try (Grid g = new Grid(3, 32, 32, 1.0, Boundary.PERIODIC);
             ExactEngine e = new ExactEngine(m, g, 2.0, Kernels.scalar(), 1);
             GuardedRun run = new GuardedRun(e, 16)) {
            g.copyFrom(Nanovoid.initialState("v0", 32, 32));
            e.setStepsDone(100);
            NonFiniteStateException x = org.junit.jupiter.api.Assertions.assertThrows(NonFiniteStateException.class,
                () -> run.advance(100_000));
            assertEquals(x.step() - 1, run.steps());
            assertEquals(null, org.lshsmile.core.diag.Diagnostics.firstNonFinite(g));
        }
    }

    @Test
    void cascadeAndNoiseStatisticsMatchTheirDefinitions() {
        Nanovoid base = Nanovoid.standard(Nanovoid.Form.LITERAL);
        double[] init = uniformMatrix();
        StencilKernels k = Kernels.scalar();
        double[] det = run(base, init, k, 1, 0, 1);
        double[] casc = run(base.with(Nanovoid.Sources.standard(7, true, false)), init, k, 1, 0, 1);
        double[] noise = run(base.with(Nanovoid.Sources.standard(7, false, true)), init, k, 1, 0, 1);
        int plane = N * N;
        int hits = 0;
        double sumV = 0;
        double sumSq = 0;
        for (int i = 0; i < plane; i++) {
            double pv = (casc[i] - det[i]) / 0.02;
            double pi = (casc[plane + i] - det[plane + i]) / 0.02;
            if (pv != 0) {
                hits++;
                assertEquals(0.3 / 0.7, pv / pi, 1e-6, "bias B = 0.3 splits P into vacancies and interstitials");
                assertTrue(pv > 0 && pv <= 0.3 * 0.01 + 1e-12);
            }
            sumV += pv;
            double xi = (noise[i] - det[i]) / 0.02;
            sumSq += xi * xi;
        }
        // hits ~ Binomial(16384, 0.01): mean 163.8, sd 12.7; allow 5 sd.
        assertTrue(Math.abs(hits - 163.84) < 5 * 12.7, "cascade count " + hits);
        double meanPerHit = sumV / hits;
        assertEquals(0.3 * 0.01 / 2, meanPerHit, 0.3 * 0.01 / 2 * 0.25, "mean vacancy source per cascade");
        double sd = Math.sqrt(sumSq / plane);
        assertEquals(0.01, sd, 0.01 * 0.05, "noise standard deviation");
    }

    @Test
    void simdAndScalarGiveTheSameBitsWithSources() {
        Nanovoid m = Nanovoid.standard(Nanovoid.Form.CONSERVATIVE).with(Nanovoid.Sources.standard(5, true, true));
        double[] init = Nanovoid.initialState("v2", N, N);
        org.junit.jupiter.api.Assumptions.assumeTrue(Kernels.simd().isPresent(), "no SIMD kernels");
        double[] a = run(m, init, Kernels.scalar(), 1, 0, 15);
        double[] b = run(m, init, Kernels.simd().get(), 2, 0, 15);
        assertBitwise(a, b);
    }
}
