package org.lshsmile.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.lshsmile.core.diag.Diagnostics;
import org.lshsmile.core.grid.Boundary;
import org.lshsmile.core.grid.Grid;
import org.lshsmile.core.model.CahnHilliard;
import org.lshsmile.simd.Kernels;
import org.lshsmile.simd.StencilKernels;

class CahnHilliardEngineTest {

    private static double[] run(int ny, int nx, Boundary bc, StencilKernels k, int threads, int steps) {
        double[] init = new double[ny * nx];
        SplittableRandom r = new SplittableRandom(ny * 31L + nx);
        for (int i = 0; i < init.length; i++) {
            init[i] = 0.5 + 0.05 * (r.nextDouble() - 0.5);
        }
        try (Grid g = new Grid(1, ny, nx, 1.0, bc);
             ExactEngine e = new ExactEngine(CahnHilliard.pfhub1(), g, 1e-3, k, threads, 0)) {
            g.copyFrom(init);
            e.step(steps);
            double[] out = new double[init.length];
            g.copyTo(out);
            return out;
        }
    }

    static Stream<Arguments> shapes() {
        Stream.Builder<Arguments> b = Stream.builder();
        for (int n : new int[] {2, 3, 17, 31, 64, 100, 129}) {
            for (Boundary bc : Boundary.values()) {
                b.add(Arguments.of(n, n + 2, bc));
            }
        }
        return b.build();
    }

    @ParameterizedTest(name = "{0}x{1} {2}")
    @MethodSource("shapes")
    void simdAndScalarAgreeBitwise(int ny, int nx, Boundary bc) {
        Optional<StencilKernels> simd = Kernels.simd();
        Assumptions.assumeTrue(simd.isPresent(), () -> "no SIMD kernels: " + Kernels.vectorUnavailableReason());
        assertBitwise(run(ny, nx, bc, Kernels.scalar(), 1, 25), run(ny, nx, bc, simd.get(), 1, 25));
    }

    /**
     * The SIMD kernel keeps mu in as many rows as its scratch holds (blocks of rows - 2): every scratch size from
     * the contract's 3 rows up, on a row range that starts and ends inside the grid, gives the scalar kernel's bits.
     */
    @Test
    void simdGivesTheScalarBitsForEveryScratchSize() {
        Optional<StencilKernels> simd = Kernels.simd();
        Assumptions.assumeTrue(simd.isPresent(), () -> "no SIMD kernels: " + Kernels.vectorUnavailableReason());
        int ny = 75;
        int nx = 37;
        try (Grid g = new Grid(1, ny, nx, 1.0, Boundary.PERIODIC);
             Arena arena = Arena.ofConfined()) {
            g.copyFrom(CahnHilliard.pfhub1Initial(ny, nx, 1.0, 0.5, 0.05));
            long rs = g.rowStride();
            int from = g.rowStart() + 3;
            int to = g.rowStart() + ny - 2;
            double[] expected = chRows(Kernels.scalar(), g, arena.allocate(3 * rs * Double.BYTES, 64), from, to);
            for (int rows : new int[] {3, 4, 5, 7, 34, 40}) {
                MemorySegment scratch = arena.allocate(rows * rs * Double.BYTES, 64);
                assertBitwise(expected, chRows(simd.get(), g, scratch, from, to));
            }
        }
    }

    private static double[] chRows(StencilKernels k, Grid g, MemorySegment scratch, int from, int to) {
        g.next().fill((byte) 0);
        k.cahnHilliardRows(g.current(), g.next(), scratch, g.rowStride(), from, to, g.colStart(), g.nx(), 1e-3 * 5,
            2.0, 5.0, 0.3, 0.7, 1.0);
        double[] out = new double[(int) (g.next().byteSize() / Double.BYTES)];
        MemorySegment.copy(g.next(), ValueLayout.JAVA_DOUBLE, 0, out, 0, out.length);
        return out;
    }

    @Test
    void anyThreadCountGivesTheSameBits() {
        StencilKernels k = Kernels.fromSystemProperty();
        double[] one = run(70, 45, Boundary.NOFLUX, k, 1, 40);
        for (int t : new int[] {2, 3, 5}) {
            assertBitwise(one, run(70, 45, Boundary.NOFLUX, k, t, 40));
        }
    }

    @Test
    void totalConcentrationIsConservedForBothBoundaries() {
        for (Boundary bc : Boundary.values()) {
            try (Grid g = new Grid(1, 40, 56, 1.0, bc);
                 ExactEngine e = new ExactEngine(CahnHilliard.pfhub1(), g, 2e-3, Kernels.fromSystemProperty(), 2)) {
                g.copyFrom(CahnHilliard.pfhub1Initial(40, 56, 1.0, 0.5, 0.05));
                double m0 = Diagnostics.fieldTotals(g)[0];
                double f0 = CahnHilliard.pfhub1().freeEnergy(g);
                e.step(5000);
                double m1 = Diagnostics.fieldTotals(g)[0];
                assertEquals(m0, m1, 1e-11 * m0, bc + ": mass drift");
                assertTrue(CahnHilliard.pfhub1().freeEnergy(g) < f0, "energy decreased");
            }
        }
    }

    @Test
    void stableDtMatchesPhysicsTable() {
        assertEquals(0.0028, CahnHilliard.pfhub1().stableDt(1.0), 1e-4);
    }

    private static void assertBitwise(double[] a, double[] b) {
        for (int i = 0; i < a.length; i++) {
            assertEquals(Double.doubleToRawLongBits(a[i]), Double.doubleToRawLongBits(b[i]), "element " + i);
        }
    }
}
