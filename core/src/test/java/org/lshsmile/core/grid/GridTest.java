package org.lshsmile.core.grid;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class GridTest {

    private static double[] ramp(int m, int ny, int nx) {
        double[] v = new double[m * ny * nx];
        for (int i = 0; i < v.length; i++) {
            v[i] = i * 0.5 - 3;
        }
        return v;
    }

    @Test
    void layoutIsPaddedAndAligned() {
        try (Grid g = new Grid(3, 5, 17, 0.5, Boundary.PERIODIC)) {
            assertEquals(0, g.rowStride() % 8, "rows are a multiple of 64 bytes");
            assertTrue(g.rowStride() >= Grid.COL_START + 17 + Grid.HALO);
            assertEquals(0, g.index(1, 0, 0) % 8, "interior rows start on a 64-byte boundary");
            assertEquals(0, g.current().address() % 64);
            assertEquals(g.rowStride() * (5 + 2 * Grid.HALO), g.planeStride());
        }
    }

    @Test
    void copyRoundTripIsExact() {
        try (Grid g = new Grid(2, 7, 9, 1.0, Boundary.NOFLUX)) {
            double[] in = ramp(2, 7, 9);
            g.copyFrom(in);
            double[] out = new double[in.length];
            g.copyTo(out);
            assertArrayEquals(in, out, 0.0);
            assertEquals(in[1 * 63 + 2 * 9 + 4], g.get(1, 2, 4), 0.0);
        }
    }

    @ParameterizedTest
    @CsvSource({"PERIODIC, 6, 5", "NOFLUX, 6, 5", "PERIODIC, 2, 3", "NOFLUX, 2, 2", "NOFLUX, 9, 17"})
    void haloMatchesBoundaryRule(Boundary bc, int ny, int nx) {
        try (Grid g = new Grid(2, ny, nx, 1.0, bc)) {
            double[] in = ramp(2, ny, nx);
            g.copyFrom(in);
            MemorySegment s = g.current();
            for (int f = 0; f < 2; f++) {
                for (int y = -2; y < ny + 2; y++) {
                    for (int x = -2; x < nx + 2; x++) {
                        int sy = source(y, ny, bc);
                        int sx = source(x, nx, bc);
                        double expect = in[f * ny * nx + sy * nx + sx];
                        long idx = f * g.planeStride() + (y + 2L) * g.rowStride() + Grid.COL_START + x;
                        assertEquals(expect, s.getAtIndex(ValueLayout.JAVA_DOUBLE, idx), 0.0,
                            bc + " halo at f=" + f + " y=" + y + " x=" + x);
                    }
                }
            }
        }
    }

    /** Where a halo index takes its value from, written from the definition, not the implementation. */
    private static int source(int i, int n, Boundary bc) {
        if (bc == Boundary.PERIODIC) {
            return Math.floorMod(i, n);
        }
        int r = i < 0 ? -i - 1 : i >= n ? 2 * n - 1 - i : i;
        return Math.max(0, Math.min(n - 1, r));
    }

    @Test
    void swapExchangesBuffersWithoutCopying() {
        try (Grid g = new Grid(1, 4, 4, 1.0, Boundary.PERIODIC)) {
            MemorySegment a = g.current();
            MemorySegment b = g.next();
            g.swap();
            assertEquals(b.address(), g.current().address());
            assertEquals(a.address(), g.next().address());
        }
    }

    @Test
    void closedGridRefusesAccessAndItsSegmentsDie() {
        Grid g = new Grid(2, 8, 8, 1.0, Boundary.PERIODIC);
        MemorySegment cur = g.current();
        MemorySegment next = g.next();
        g.close();
        assertFalse(cur.scope().isAlive(), "current buffer freed");
        assertFalse(next.scope().isAlive(), "next buffer freed");
        assertTrue(g.isClosed());
        assertThrows(IllegalStateException.class, g::current);
        assertThrows(IllegalStateException.class, () -> g.get(0, 0, 0));
        assertThrows(IllegalStateException.class,
            () -> cur.getAtIndex(ValueLayout.JAVA_DOUBLE, 0), "a stale segment fails, never crashes");
        g.close();
    }

    @Test
    void badArgumentsAreRefusedWithAMessage() {
        assertThrows(IllegalArgumentException.class, () -> new Grid(0, 8, 8, 1, Boundary.PERIODIC));
        assertThrows(IllegalArgumentException.class, () -> new Grid(1, 1, 8, 1, Boundary.PERIODIC));
        assertThrows(IllegalArgumentException.class, () -> new Grid(1, 8, 8, 0, Boundary.PERIODIC));
        assertThrows(IllegalArgumentException.class, () -> new Grid(1, 8, 8, Double.NaN, Boundary.PERIODIC));
        assertThrows(IllegalArgumentException.class, () -> new Grid(1, 8, 8, 1, null));
        IllegalStateException big = assertThrows(IllegalStateException.class,
            () -> new Grid(4096, 1 << 20, 1 << 20, 1, Boundary.PERIODIC));
        assertTrue(big.getMessage().contains("off-heap"), big.getMessage());
        try (Grid g = new Grid(1, 4, 4, 1.0, Boundary.PERIODIC)) {
            assertThrows(IndexOutOfBoundsException.class, () -> g.get(0, 4, 0));
            assertThrows(IllegalArgumentException.class, () -> g.copyFrom(new double[3]));
        }
        assertEquals(Boundary.NOFLUX, Boundary.parse("no-flux"));
        assertThrows(IllegalArgumentException.class, () -> Boundary.parse("torus"));
    }

    @Test
    void viewWorksOnCallerBuffersAndClosingItFreesNothing() {
        try (Grid g = new Grid(2, 9, 11, 1.0, Boundary.PERIODIC);
             java.lang.foreign.Arena a = java.lang.foreign.Arena.ofConfined()) {
            MemorySegment s0 = a.allocate(g.bufferBytes(), 64);
            MemorySegment s1 = a.allocate(g.bufferBytes(), 64);
            double[] v = new double[2 * 9 * 11];
            for (int i = 0; i < v.length; i++) {
                v[i] = i * 0.5;
            }
            Grid view = g.view(s0, s1);
            view.copyFrom(v);
            assertEquals(s0.getAtIndex(ValueLayout.JAVA_DOUBLE, g.index(1, 2, 3)), v[9 * 11 + 2 * 11 + 3]);
            view.swap();
            assertEquals(s1.address(), view.current().address());
            view.close();
            assertTrue(view.isClosed());
            assertEquals(v[5], s0.getAtIndex(ValueLayout.JAVA_DOUBLE, g.index(0, 0, 5)), "buffers stay usable");
            assertThrows(IllegalArgumentException.class, () -> g.view(a.allocate(8), s1));
            assertThrows(IllegalArgumentException.class, () -> g.view(s0, s0));
            assertThrows(IllegalArgumentException.class, () -> g.view(null, s1));
        }
    }
}
