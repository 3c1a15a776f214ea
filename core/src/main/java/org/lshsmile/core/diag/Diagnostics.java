package org.lshsmile.core.diag;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayDeque;
import org.lshsmile.core.grid.Boundary;
import org.lshsmile.core.grid.Grid;

/** Reductions over the current state of a grid (diagnostics, not hot-path kernels). */
public final class Diagnostics {

    private static final ValueLayout.OfDouble D = ValueLayout.JAVA_DOUBLE;

    private Diagnostics() {
    }

    /** A cell of the interior: field, row, column, and the value found there; {@code z} is its slice (0 in 2-D). */
    public record Cell(int field, int z, int y, int x, double value) {
    }

    /** Row bases of field f: index of (f, z, y, 0) for every slice z and row y, in C order. */
    private static long[] rowBases(Grid g, int f) {
        long[] b = new long[g.nz() * g.ny()];
        int k = 0;
        for (int z = 0; z < g.nz(); z++) {
            for (int y = 0; y < g.ny(); y++) {
                b[k++] = g.index(f, z, y, 0);
            }
        }
        return b;
    }

    /** Sum over interior cells of each field's values (no dx^2 factor). */
    public static double[] fieldTotals(Grid g) {
        MemorySegment s = g.current();
        double[] t = new double[g.fields()];
        for (int f = 0; f < g.fields(); f++) {
            double sum = 0;
            for (long base : rowBases(g, f)) {
                double row = 0;
                for (int x = 0; x < g.nx(); x++) {
                    row += s.getAtIndex(D, base + x);
                }
                sum += row;
            }
            t[f] = sum;
        }
        return t;
    }

    /** The first non-finite interior value in (field, y, x) order, or null when all are finite. */
    public static Cell firstNonFinite(Grid g) {
        MemorySegment s = g.current();
        for (int f = 0; f < g.fields(); f++) {
            long[] bases = rowBases(g, f);
            for (int k = 0; k < bases.length; k++) {
                long base = bases[k];
                // sum-then-check: one branch per row; the exact cell is searched only when a row is bad
                double acc = 0;
                for (int x = 0; x < g.nx(); x++) {
                    acc += s.getAtIndex(D, base + x) * 0.0;
                }
                if (acc != 0.0 || Double.isNaN(acc)) {
                    for (int x = 0; x < g.nx(); x++) {
                        double v = s.getAtIndex(D, base + x);
                        if (!Double.isFinite(v)) {
                            return new Cell(f, k / g.ny(), k % g.ny(), x, v);
                        }
                    }
                }
            }
        }
        return null;
    }

    /** Smallest and largest interior value over all fields: {min, max}. */
    public static double[] range(Grid g) {
        MemorySegment s = g.current();
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (int f = 0; f < g.fields(); f++) {
            for (long base : rowBases(g, f)) {
                for (int x = 0; x < g.nx(); x++) {
                    double v = s.getAtIndex(D, base + x);
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
        }
        return new double[] {lo, hi};
    }

    /**
     * Per cell, the index of the largest field, or -1 where the largest value is below {@code threshold}
     * (a grain boundary or an empty cell). C order (y, x).
     */
    public static int[] dominantField(Grid g, double threshold) {
        MemorySegment s = g.current();
        int[] lab = new int[g.ny() * g.nx()];
        for (int y = 0; y < g.ny(); y++) {
            for (int x = 0; x < g.nx(); x++) {
                double best = Double.NEGATIVE_INFINITY;
                int arg = -1;
                for (int f = 0; f < g.fields(); f++) {
                    double v = s.getAtIndex(D, g.index(f, y, x));
                    if (v > best) {
                        best = v;
                        arg = f;
                    }
                }
                lab[y * g.nx() + x] = best > threshold ? arg : -1;
            }
        }
        return lab;
    }

    /**
     * Number of grains: 8-connected regions of cells whose dominant order parameter exceeds 0.5 and is
     * the same, connected through the periodic boundary when the grid is periodic. 8-connectivity: a
     * discrete Voronoi cell can touch the rest of its grain only at a corner, and grains sharing an order
     * parameter never touch, not even at corners (see GrainStates).
     */
    public static int countGrains(Grid g) {
        int ny = g.ny();
        int nx = g.nx();
        int[] lab = dominantField(g, 0.5);
        boolean periodic = g.boundary() == Boundary.PERIODIC;
        boolean[] seen = new boolean[lab.length];
        ArrayDeque<Integer> stack = new ArrayDeque<>();
        int count = 0;
        for (int start = 0; start < lab.length; start++) {
            if (seen[start] || lab[start] < 0) {
                continue;
            }
            count++;
            seen[start] = true;
            stack.push(start);
            while (!stack.isEmpty()) {
                int c = stack.pop();
                int y = c / nx;
                int x = c % nx;
                for (int k = 0; k < 9; k++) {
                    int yy = y + k / 3 - 1;
                    int xx = x + k % 3 - 1;
                    if (periodic) {
                        yy = Math.floorMod(yy, ny);
                        xx = Math.floorMod(xx, nx);
                    } else if (yy < 0 || yy >= ny || xx < 0 || xx >= nx) {
                        continue;
                    }
                    int n = yy * nx + xx;
                    if (!seen[n] && lab[n] == lab[c]) {
                        seen[n] = true;
                        stack.push(n);
                    }
                }
            }
        }
        return count;
    }

    /** Area (in cells) where field f exceeds 0.5. */
    public static long cellsAbove(Grid g, int field, double threshold) {
        MemorySegment s = g.current();
        long n = 0;
        for (long base : rowBases(g, field)) {
            for (int x = 0; x < g.nx(); x++) {
                if (s.getAtIndex(D, base + x) > threshold) {
                    n++;
                }
            }
        }
        return n;
    }
}
