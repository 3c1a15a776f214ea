package org.lshsmile.core.model;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.lshsmile.core.grid.Grid;

/**
 * The 13-point neighbourhood of one element: the element itself, its 4 direct neighbours, its 4
 * diagonal neighbours and its 4 neighbours at distance 2 along the axes (the radius-2 stencil of the
 * LSH-SMILE paper). It is both what {@link Model#evalNew} reads and the feature vector the LSH engine
 * hashes.
 *
 * <p>Offsets {@code (dy, dx)} in this fixed order, index {@code k}:
 * <pre>
 *   0 CENTER ( 0,  0)    1 W  ( 0, -1)    2 E  ( 0, +1)    3 N  (-1,  0)    4 S  (+1,  0)
 *   5 NW     (-1, -1)    6 NE (-1, +1)    7 SW (+1, -1)    8 SE (+1, +1)
 *   9 WW     ( 0, -2)   10 EE ( 0, +2)   11 NN (-2,  0)   12 SS (+2,  0)
 * </pre>
 * {@code dy} is the row (y) offset, rows growing downwards ("south"), {@code dx} the column offset.
 *
 * <p>Layout of a neighbourhood array of a grid with m fields: field-major, {@code 13 * m} doubles,
 * value of field {@code f} at offset {@code k} at {@code nb[f * SIZE + k]} (see {@link #at}).
 */
public final class Neighbourhood {

    /** Number of stencil points. */
    public static final int SIZE = 13;

    /** Index of the element itself, offset (0, 0). */
    public static final int CENTER = 0;
    /** Index of offset (0, -1). */
    public static final int W = 1;
    /** Index of offset (0, +1). */
    public static final int E = 2;
    /** Index of offset (-1, 0). */
    public static final int N = 3;
    /** Index of offset (+1, 0). */
    public static final int S = 4;
    /** Index of offset (-1, -1). */
    public static final int NW = 5;
    /** Index of offset (-1, +1). */
    public static final int NE = 6;
    /** Index of offset (+1, -1). */
    public static final int SW = 7;
    /** Index of offset (+1, +1). */
    public static final int SE = 8;
    /** Index of offset (0, -2). */
    public static final int WW = 9;
    /** Index of offset (0, +2). */
    public static final int EE = 10;
    /** Index of offset (-2, 0). */
    public static final int NN = 11;
    /** Index of offset (+2, 0). */
    public static final int SS = 12;

    private static final int[] DY = {0, 0, 0, -1, 1, -1, -1, 1, 1, 0, 0, -2, 2};
    private static final int[] DX = {0, -1, 1, 0, 0, -1, 1, -1, 1, -2, 2, 0, 0};

    /**
     * For each of the 5 points CENTER, W, E, N, S (indices 0..4), the indices of its own W, E, N and S
     * neighbours: {@code CROSS[p * 4 + d]}, d = 0 (W), 1 (E), 2 (N), 3 (S). The 13 points hold exactly
     * these, which is why Laplacians at the direct neighbours (chemical potentials) are computable.
     */
    static final int[] CROSS = {
        W, E, N, S,
        WW, CENTER, NW, SW,
        CENTER, EE, NE, SE,
        NW, NE, NN, CENTER,
        SW, SE, CENTER, SS,
    };

    private static final ValueLayout.OfDouble D = ValueLayout.JAVA_DOUBLE;

    private Neighbourhood() {
    }

    /** Row offset of stencil point k. */
    public static int dy(int k) {
        return DY[k];
    }

    /** Column offset of stencil point k. */
    public static int dx(int k) {
        return DX[k];
    }

    /** Index of field f at stencil point k in a neighbourhood array: {@code f * SIZE + k}. */
    public static int at(int f, int k) {
        return f * SIZE + k;
    }

    /** Length of the neighbourhood array of an m-field model: {@code SIZE * m}. */
    public static int length(int fields) {
        return SIZE * fields;
    }

    /**
     * Fills {@code out[f * SIZE + k]} with field f at interior cell {@code (y + dy(k), x + dx(k))} of the
     * grid's current buffer, halo included, for every field f and stencil point k.
     *
     * <p>{@code (y, x)} must be an interior cell; points outside the interior are read from the halo,
     * which must be fresh for the boundary condition (it is after every engine step and after
     * {@link Grid#copyFrom}).
     *
     * @throws IndexOutOfBoundsException if (y, x) is not an interior cell
     * @throws IllegalArgumentException  if {@code out} is shorter than {@code SIZE * g.fields()}
     */
    public static void gather(Grid g, int y, int x, double[] out) {
        if (y < 0 || y >= g.ny() || x < 0 || x >= g.nx()) {
            throw new IndexOutOfBoundsException("cell (" + y + ", " + x + ") outside grid " + g.shape());
        }
        int m = g.fields();
        if (out.length < SIZE * m) {
            throw new IllegalArgumentException("neighbourhood array needs " + SIZE * m + " doubles, got "
                + out.length);
        }
        MemorySegment s = g.current();
        long rs = g.rowStride();
        long ps = g.planeStride();
        long centre = g.index(0, y, x);
        for (int f = 0; f < m; f++) {
            long c = centre + f * ps;
            int base = f * SIZE;
            for (int k = 0; k < SIZE; k++) {
                out[base + k] = s.getAtIndex(D, c + DY[k] * rs + DX[k]);
            }
        }
    }

    /**
     * The 5-point Laplacian of the field whose points start at {@code base}, at stencil point p (one of
     * CENTER, W, E, N, S), in the dense kernels' operation order: {@code (((w + e) + (n + s)) - 4 c) inv}.
     */
    static double lap(double[] nb, int base, int p, double inv) {
        int q = p * 4;
        return (((nb[base + CROSS[q]] + nb[base + CROSS[q + 1]])
            + (nb[base + CROSS[q + 2]] + nb[base + CROSS[q + 3]])) - 4.0 * nb[base + p]) * inv;
    }
}
