package org.lshsmile.core.ic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.lshsmile.core.diag.Diagnostics;
import org.lshsmile.core.grid.Boundary;
import org.lshsmile.core.grid.Grid;

class GrainStatesTest {

    @Test
    void voronoiIsSharpAndEveryCellInOneGrain() {
        GrainStates.Labelled s = GrainStates.voronoi(40, 50, 5, 5, 11, true);
        int plane = 40 * 50;
        for (int i = 0; i < plane; i++) {
            double sum = 0;
            for (int q = 0; q < 5; q++) {
                double v = s.values()[q * plane + i];
                assertTrue(v == 0 || v == 1);
                sum += v;
            }
            assertEquals(1.0, sum, 0.0);
        }
        assertArrayEquals(s.values(), GrainStates.voronoi(40, 50, 5, 5, 11, true).values(), 0.0, "seeded");
    }

    @Test
    void moreGrainsThanOrderParametersNeverTouchTheirOwnKind() {
        int n = 128;
        GrainStates.Labelled s = GrainStates.voronoi(n, n, 30, 8, 42, true);
        int[] lab = s.grainOfCell();
        int[] col = s.orderParamOfGrain();
        for (int y = 0; y < n; y++) {
            for (int x = 0; x < n; x++) {
                for (int d = 0; d < 4; d++) {
                    int yy = Math.floorMod(y + (d == 0 ? 1 : d == 1 ? -1 : 0), n);
                    int xx = Math.floorMod(x + (d == 2 ? 1 : d == 3 ? -1 : 0), n);
                    int a = lab[y * n + x];
                    int b = lab[yy * n + xx];
                    if (a != b) {
                        assertNotEquals(col[a], col[b], "grains " + a + " and " + b + " touch and share eta");
                    }
                }
            }
        }
        try (Grid g = new Grid(8, n, n, 0.5, Boundary.PERIODIC)) {
            g.copyFrom(s.values());
            assertEquals(30, Diagnostics.countGrains(g), "every seed became a separate grain");
        }
    }

    @Test
    void impossibleColouringIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> GrainStates.voronoi(64, 64, 40, 2, 1, true));
        assertTrue(e.getMessage().contains("order parameters"), e.getMessage());
    }

    @Test
    void circleAreaMatchesGeometry() {
        double[] v = GrainStates.circle(200, 200, 0.25, 20);
        double cells = 0;
        for (int i = 200 * 200; i < v.length; i++) {
            cells += v[i];
        }
        assertEquals(Math.PI * 20 * 20, cells * 0.25 * 0.25, 0.01 * Math.PI * 400);
    }
}
