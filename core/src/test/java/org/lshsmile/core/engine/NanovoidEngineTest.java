package org.lshsmile.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.lshsmile.core.grid.Boundary;
import org.lshsmile.core.grid.Grid;
import org.lshsmile.core.model.Nanovoid;
import org.lshsmile.simd.Kernels;
import org.lshsmile.simd.StencilKernels;

class NanovoidEngineTest {

    private static double[] run(Nanovoid m, int ny, int nx, Boundary bc, String ic, StencilKernels k, int threads,
                                int steps, double dt) {
        try (Grid g = new Grid(3, ny, nx, 1.0, bc); ExactEngine e = new ExactEngine(m, g, dt, k, threads, 0)) {
            g.copyFrom(Nanovoid.initialState(ic, ny, nx));
            e.step(steps);
            double[] out = new double[3 * ny * nx];
            g.copyTo(out);
            return out;
        }
    }

    static Stream<Arguments> cases() {
        Stream.Builder<Arguments> b = Stream.builder();
        for (int n : new int[] {17, 31, 64, 100}) {
            for (Boundary bc : Boundary.values()) {
                for (Nanovoid.Form f : Nanovoid.Form.values()) {
                    b.add(Arguments.of(n, bc, f));
                }
            }
        }
        return b.build();
    }

    /** Same operations in the same order, including the project's own logarithm: identical bits. */
    @ParameterizedTest(name = "n={0} {1} {2}")
    @MethodSource("cases")
    void simdAndScalarAgreeBitwise(int n, Boundary bc, Nanovoid.Form form) {
        Optional<StencilKernels> simd = Kernels.simd();
        Assumptions.assumeTrue(simd.isPresent(), () -> "no SIMD kernels: " + Kernels.vectorUnavailableReason());
        Nanovoid m = Nanovoid.standard(form);
        double[] a = run(m, n, n + 3, bc, "v2", Kernels.scalar(), 1, 30, 0.02);
        double[] b = run(m, n, n + 3, bc, "v2", simd.get(), 1, 30, 0.02);
        for (int i = 0; i < a.length; i++) {
            assertEquals(Double.doubleToRawLongBits(a[i]), Double.doubleToRawLongBits(b[i]), "element " + i);
        }
    }

    @Test
    void anyThreadCountGivesTheSameBits() {
        StencilKernels k = Kernels.fromSystemProperty();
        Nanovoid m = Nanovoid.standard(Nanovoid.Form.CONSERVATIVE);
        double[] one = run(m, 64, 48, Boundary.PERIODIC, "v2", k, 1, 40, 0.05);
        for (int t : new int[] {2, 3}) {
            double[] many = run(m, 64, 48, Boundary.PERIODIC, "v2", k, t, 40, 0.05);
            for (int i = 0; i < one.length; i++) {
                assertEquals(Double.doubleToRawLongBits(one[i]), Double.doubleToRawLongBits(many[i]), "element " + i);
            }
        }
    }

    @Test
    void stableDtMatchesPhysicsTable() {
        assertEquals(0.125, Nanovoid.standard(Nanovoid.Form.LITERAL).stableDt(1.0), 1e-12);
    }

    @Test
    void initialStatesAreTheGroupsCircles() {
        double[] v0 = Nanovoid.initialState("v0", 128, 128);
        int plane = 128 * 128;
        int voidCells = 0;
        for (int i = 0; i < plane; i++) {
            voidCells += v0[2 * plane + i] == 1.0 ? 1 : 0;
        }
        assertEquals(145, voidCells, "cells strictly within radius 7 of (64, 64), as numpy counts them");
        assertThrows(IllegalArgumentException.class, () -> Nanovoid.initialState("v9", 8, 8));
        assertThrows(IllegalArgumentException.class, () -> Nanovoid.standard(Nanovoid.Form.LITERAL).with("kT", 0));
        assertThrows(IllegalArgumentException.class, () -> Nanovoid.standard(Nanovoid.Form.LITERAL).with("zz", 1));
    }
}
