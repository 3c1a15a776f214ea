package org.lshsmile.core.model;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.lshsmile.core.grid.Grid;

/**
 * The 25-point neighbourhood of one element of a 3-D grid, the paper's feature vector in 3-D: the
 * element itself and its 24 first- and second-order neighbours, i.e. the cells that differ from it in one
 * coordinate by 1 or 2, or in two coordinates by 1 each. It is both what {@link Model#evalNew3d} reads and
 * the feature vector the LSH engine hashes on a 3-D grid. Its points with {@code dz = 0} are the 13 points
 * of the 2-D {@link Neighbourhood}.
 *
 * <p>Offsets {@code (dz, dy, dx)} in this fixed order, index {@code k} (F is the slice in front, z - 1, B
 * the one behind, z + 1, as in the 3-D kernels' Laplacian):
 * <pre>
 *   0 CENTER ( 0,  0,  0)   1 W ( 0,  0, -1)   2 E ( 0,  0, +1)   3 N ( 0, -1,  0)   4 S ( 0, +1,  0)
 *   5 F      (-1,  0,  0)   6 B (+1,  0,  0)
 *   7 NW     ( 0, -1, -1)   8 NE ( 0, -1, +1)   9 SW ( 0, +1, -1)  10 SE ( 0, +1, +1)
 *  11 FW     (-1,  0, -1)  12 FE (-1,  0, +1)  13 BW (+1,  0, -1)  14 BE (+1,  0, +1)
 *  15 FN     (-1, -1,  0)  16 FS (-1, +1,  0)  17 BN (+1, -1,  0)  18 BS (+1, +1,  0)
 *  19 WW     ( 0,  0, -2)  20 EE ( 0,  0, +2)  21 NN ( 0, -2,  0)  22 SS ( 0, +2,  0)  23 FF (-2, 0, 0)
 *  24 BB     (+2,  0,  0)
 * </pre>
 * The first {@link #DIRECT} points are the centre and its six direct neighbours (a seven-point Laplacian).
 *
 * <p>Layout of a neighbourhood array of a grid with m fields: field-major, {@code 25 * m} doubles, field
 * {@code f} at point {@code k} at {@code nb[f * SIZE + k]}.
 */
public final class Neighbourhood3d {

    /** Number of stencil points. */
    public static final int SIZE = 25;

    /** The centre and its six direct neighbours: the leading points a seven-point Laplacian reads. */
    public static final int DIRECT = 7;

    /** Index of the element itself. */
    public static final int CENTER = 0;
    /** Index of offset (0, 0, -1). */
    public static final int W = 1;
    /** Index of offset (0, 0, +1). */
    public static final int E = 2;
    /** Index of offset (0, -1, 0). */
    public static final int N = 3;
    /** Index of offset (0, +1, 0). */
    public static final int S = 4;
    /** Index of offset (-1, 0, 0). */
    public static final int F = 5;
    /** Index of offset (+1, 0, 0). */
    public static final int B = 6;
    /** Index of offset (0, -1, -1). */
    public static final int NW = 7;
    /** Index of offset (0, -1, +1). */
    public static final int NE = 8;
    /** Index of offset (0, +1, -1). */
    public static final int SW = 9;
    /** Index of offset (0, +1, +1). */
    public static final int SE = 10;
    /** Index of offset (-1, 0, -1). */
    public static final int FW = 11;
    /** Index of offset (-1, 0, +1). */
    public static final int FE = 12;
    /** Index of offset (+1, 0, -1). */
    public static final int BW = 13;
    /** Index of offset (+1, 0, +1). */
    public static final int BE = 14;
    /** Index of offset (-1, -1, 0). */
    public static final int FN = 15;
    /** Index of offset (-1, +1, 0). */
    public static final int FS = 16;
    /** Index of offset (+1, -1, 0). */
    public static final int BN = 17;
    /** Index of offset (+1, +1, 0). */
    public static final int BS = 18;
    /** Index of offset (0, 0, -2). */
    public static final int WW = 19;
    /** Index of offset (0, 0, +2). */
    public static final int EE = 20;
    /** Index of offset (0, -2, 0). */
    public static final int NN = 21;
    /** Index of offset (0, +2, 0). */
    public static final int SS = 22;
    /** Index of offset (-2, 0, 0). */
    public static final int FF = 23;
    /** Index of offset (+2, 0, 0). */
    public static final int BB = 24;

    private static final int[] DZ = {0, 0, 0, 0, 0, -1, 1, 0, 0, 0, 0, -1, -1, 1, 1, -1, -1, 1, 1, 0, 0, 0, 0, -2, 2};
    private static final int[] DY = {0, 0, 0, -1, 1, 0, 0, -1, -1, 1, 1, 0, 0, 0, 0, -1, 1, -1, 1, 0, 0, -2, 2, 0, 0};
    private static final int[] DX = {0, -1, 1, 0, 0, 0, 0, -1, 1, -1, 1, -1, 1, -1, 1, 0, 0, 0, 0, -2, 2, 0, 0, 0, 0};

    /**
     * For each of the 7 direct points CENTER, W, E, N, S, F, B, the indices of its own W, E, N, S, F and B
     * neighbours: {@code CROSS[p * 6 + d]}, d = 0 (W), 1 (E), 2 (N), 3 (S), 4 (F), 5 (B). The 25 points
     * hold exactly these, which is why seven-point Laplacians at the direct neighbours are computable.
     */
    static final int[] CROSS = new int[DIRECT * 6];

    private static final ValueLayout.OfDouble D = ValueLayout.JAVA_DOUBLE;

    static {
        int[][] dirs = {{0, 0, -1}, {0, 0, 1}, {0, -1, 0}, {0, 1, 0}, {-1, 0, 0}, {1, 0, 0}};
        for (int p = 0; p < DIRECT; p++) {
            for (int d = 0; d < 6; d++) {
                CROSS[p * 6 + d] = index(DZ[p] + dirs[d][0], DY[p] + dirs[d][1], DX[p] + dirs[d][2]);
            }
        }
    }

    private Neighbourhood3d() {
    }

    /** Slice offset of stencil point k. */
    public static int dz(int k) {
        return DZ[k];
    }

    /** Row offset of stencil point k. */
    public static int dy(int k) {
        return DY[k];
    }

    /** Column offset of stencil point k. */
    public static int dx(int k) {
        return DX[k];
    }

    /**
     * The point with offset {@code (dz, dy, dx)}.
     *
     * @throws IllegalArgumentException when the offset is not one of the 25 points
     */
    public static int index(int dz, int dy, int dx) {
        for (int k = 0; k < SIZE; k++) {
            if (DZ[k] == dz && DY[k] == dy && DX[k] == dx) {
                return k;
            }
        }
        throw new IllegalArgumentException("(" + dz + ", " + dy + ", " + dx + ") is not a point of the 25-point "
            + "neighbourhood");
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
     * Fills {@code out[f * SIZE + k]} with field f at cell {@code (z + dz(k), y + dy(k), x + dx(k))} of the
     * grid's current buffer, halo included, for every field f and stencil point k. The halo must be fresh.
     *
     * @throws IndexOutOfBoundsException if (z, y, x) is not an interior cell
     * @throws IllegalArgumentException  if {@code out} is shorter than {@code SIZE * g.fields()}
     */
    public static void gather(Grid g, int z, int y, int x, double[] out) {
        if (z < 0 || z >= g.nz() || y < 0 || y >= g.ny() || x < 0 || x >= g.nx()) {
            throw new IndexOutOfBoundsException("cell (" + z + ", " + y + ", " + x + ") outside grid " + g.shape());
        }
        int m = g.fields();
        if (out.length < SIZE * m) {
            throw new IllegalArgumentException("neighbourhood array needs " + SIZE * m + " doubles, got "
                + out.length);
        }
        MemorySegment s = g.current();
        long centre = g.index(0, z, y, x);
        for (int f = 0; f < m; f++) {
            int base = f * SIZE;
            for (int k = 0; k < SIZE; k++) {
                out[base + k] = s.getAtIndex(D, centre + offset(g, f, k));
            }
        }
    }

    /** Index offset of field f at point k from the index of field 0 at the centre, in grid g's buffers. */
    public static long offset(Grid g, int f, int k) {
        return f * g.planeStride() + DZ[k] * g.sliceStride() + DY[k] * g.rowStride() + DX[k];
    }

    /**
     * The seven-point Laplacian of the field whose points start at {@code base}, at direct point p, in the
     * 3-D kernels' operation order: {@code ((((w + e) + (n + s)) - 4 c) + ((f + b) - 2 c)) inv}.
     */
    static double lap(double[] nb, int base, int p, double inv) {
        int q = p * 6;
        double c = nb[base + p];
        return ((((nb[base + CROSS[q]] + nb[base + CROSS[q + 1]])
            + (nb[base + CROSS[q + 2]] + nb[base + CROSS[q + 3]])) - 4.0 * c)
            + ((nb[base + CROSS[q + 4]] + nb[base + CROSS[q + 5]]) - 2.0 * c)) * inv;
    }
}
