package org.lshsmile.core.ic;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.SplittableRandom;
import org.lshsmile.core.grid.MemoryBudget;

/**
 * Grain-growth initial states (physics.md 1.5) as (q, ny, nx) or, in 3-D, (q, nz, ny, nx) C-order arrays: sharp interfaces,
 * {@code eta = 1} in a cell's grain, 0 elsewhere.
 */
public final class GrainStates {

    private GrainStates() {
    }

    /** A labelled state: the field values and, per cell, the grain id and its order parameter. */
    public record Labelled(double[] values, int[] grainOfCell, int[] orderParamOfGrain) {
    }

    /**
     * Voronoi tessellation of G grains from seeds uniform in the box, nearest seed by the minimum-image
     * distance when {@code periodic}. With G > Q, grains are given order parameters by greedy colouring
     * so that touching grains never share one (they would coalesce), preferring parameters not used
     * within two grains either.
     *
     * @throws IllegalArgumentException when the sizes are bad or the colouring needs more than Q parameters
     */
    public static Labelled voronoi(int ny, int nx, int grains, int q, long seed, boolean periodic) {
        return voronoi(1, ny, nx, grains, q, seed, periodic);
    }

    /**
     * The 3-D Voronoi tessellation (nz = 1 is the 2-D one, with the same random draws): seeds uniform in
     * the box, touching grains (26-neighbourhood) never share an order parameter.
     *
     * @throws IllegalArgumentException when the sizes are bad or the colouring needs more than Q parameters
     */
    public static Labelled voronoi(int nz, int ny, int nx, int grains, int q, long seed, boolean periodic) {
        if (nz < 1 || ny < 1 || nx < 1) {
            throw new IllegalArgumentException("sizes must be >= 1, got " + nz + " x " + ny + " x " + nx);
        }
        if (grains < 1 || q < 1) {
            throw new IllegalArgumentException("grains and order parameters must be >= 1, got " + grains + ", " + q);
        }
        // (q, nz * ny, nx): a 3-D state is nz * ny rows of nx values per field
        MemoryBudget.heapDoubles(q, (long) nz * ny, nx, "the voronoi initial state");
        long cells = (long) nz * ny * nx;
        if (grains > cells) {
            throw new IllegalArgumentException(grains + " grains do not fit in " + cells + " cells");
        }
        if (grains > q && q < 2) {
            throw new IllegalArgumentException(grains + " grains need at least 2 order parameters, got " + q);
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        double[] sz = new double[grains];
        double[] sy = new double[grains];
        double[] sx = new double[grains];
        for (int g = 0; g < grains; g++) {
            sy[g] = rnd.nextDouble() * ny;
            sx[g] = rnd.nextDouble() * nx;
            // drawn last and only in 3-D, so a 2-D state keeps its seeds
            sz[g] = nz == 1 ? 0.5 : rnd.nextDouble() * nz;
        }
        int[] label = new int[(int) cells];
        for (int z = 0; z < nz; z++) {
            for (int y = 0; y < ny; y++) {
                for (int x = 0; x < nx; x++) {
                    double best = Double.POSITIVE_INFINITY;
                    int arg = 0;
                    for (int g = 0; g < grains; g++) {
                        double dz = Math.abs(z + 0.5 - sz[g]);
                        double dy = Math.abs(y + 0.5 - sy[g]);
                        double dxx = Math.abs(x + 0.5 - sx[g]);
                        if (periodic) {
                            dz = Math.min(dz, nz - dz);
                            dy = Math.min(dy, ny - dy);
                            dxx = Math.min(dxx, nx - dxx);
                        }
                        double d = dy * dy + dxx * dxx + dz * dz;
                        if (d < best) {
                            best = d;
                            arg = g;
                        }
                    }
                    label[(z * ny + y) * nx + x] = arg;
                }
            }
        }
        int[] colour = grains <= q ? identity(grains) : colour(label, nz, ny, nx, grains, q, periodic);
        return new Labelled(fill(label, colour, label.length, q), label, colour);
    }

    private static int[] identity(int n) {
        int[] c = new int[n];
        for (int i = 0; i < n; i++) {
            c[i] = i;
        }
        return c;
    }

    private static double[] fill(int[] label, int[] colour, int plane, int q) {
        double[] v = new double[q * plane];
        for (int i = 0; i < plane; i++) {
            v[colour[label[i]] * plane + i] = 1.0;
        }
        return v;
    }

    private static int[] colour(int[] label, int nz, int ny, int nx, int grains, int q, boolean periodic) {
        List<BitSet> adj = new ArrayList<>(grains);
        for (int g = 0; g < grains; g++) {
            adj.add(new BitSet(grains));
        }
        int reachZ = nz == 1 ? 0 : 1;
        for (int z = 0; z < nz; z++) {
            for (int y = 0; y < ny; y++) {
                for (int x = 0; x < nx; x++) {
                    int a = label[(z * ny + y) * nx + x];
                    // 8- (26- in 3-D) neighbourhood: grains meeting at a corner also touch once boundaries move
                    for (int dz = -reachZ; dz <= reachZ; dz++) {
                        for (int dy = -1; dy <= 1; dy++) {
                            for (int dx = -1; dx <= 1; dx++) {
                                int zz = z + dz;
                                int yy = y + dy;
                                int xx = x + dx;
                                if (periodic) {
                                    zz = Math.floorMod(zz, nz);
                                    yy = Math.floorMod(yy, ny);
                                    xx = Math.floorMod(xx, nx);
                                } else if (zz < 0 || zz >= nz || yy < 0 || yy >= ny || xx < 0 || xx >= nx) {
                                    continue;
                                }
                                int b = label[(zz * ny + yy) * nx + xx];
                                if (a != b) {
                                    adj.get(a).set(b);
                                    adj.get(b).set(a);
                                }
                            }
                        }
                    }
                }
            }
        }
        Integer[] order = new Integer[grains];
        for (int g = 0; g < grains; g++) {
            order[g] = g;
        }
        Arrays.sort(order, (i, j) -> adj.get(j).cardinality() != adj.get(i).cardinality()
            ? Integer.compare(adj.get(j).cardinality(), adj.get(i).cardinality()) : Integer.compare(i, j));
        int[] colour = new int[grains];
        Arrays.fill(colour, -1);
        int[] uses = new int[q];
        for (int g : order) {
            boolean[] banned = new boolean[q];
            boolean[] near = new boolean[q];
            BitSet nb = adj.get(g);
            for (int h = nb.nextSetBit(0); h >= 0; h = nb.nextSetBit(h + 1)) {
                if (colour[h] >= 0) {
                    banned[colour[h]] = true;
                }
                BitSet nb2 = adj.get(h);
                for (int k = nb2.nextSetBit(0); k >= 0; k = nb2.nextSetBit(k + 1)) {
                    if (k != g && colour[k] >= 0) {
                        near[colour[k]] = true;
                    }
                }
            }
            int pick = -1;
            for (int pass = 0; pass < 2 && pick < 0; pass++) {
                for (int c = 0; c < q; c++) {
                    if (banned[c] || (pass == 0 && near[c])) {
                        continue;
                    }
                    if (pick < 0 || uses[c] < uses[pick]) {
                        pick = c;
                    }
                }
            }
            if (pick < 0) {
                throw new IllegalArgumentException("cannot give the " + grains + " grains order parameters so that"
                    + " touching grains differ with Q = " + q + "; use more order parameters or fewer grains");
            }
            colour[g] = pick;
            uses[pick]++;
        }
        return colour;
    }

    /**
     * Two grains: a disc of radius {@code radius} (in length units, grid spacing dx) centred in the box is
     * grain 2 ({@code eta_2 = 1}), the rest grain 1. A cell belongs to the disc if its node lies inside.
     */
    public static double[] circle(int ny, int nx, double dx, double radius) {
        if (!(radius > 0) || !Double.isFinite(radius)) {
            throw new IllegalArgumentException("circle radius must be positive, got " + radius);
        }
        MemoryBudget.heapDoubles(2, ny, nx, "the circle initial state");
        double[] v = new double[2 * ny * nx];
        int plane = ny * nx;
        double cy = (ny - 1) / 2.0;
        double cx = (nx - 1) / 2.0;
        for (int y = 0; y < ny; y++) {
            for (int x = 0; x < nx; x++) {
                double ry = (y - cy) * dx;
                double rx = (x - cx) * dx;
                boolean in = ry * ry + rx * rx <= radius * radius;
                v[(in ? plane : 0) + y * nx + x] = 1.0;
            }
        }
        return v;
    }
}
