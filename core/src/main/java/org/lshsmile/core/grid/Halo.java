package org.lshsmile.core.grid;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Halo refresh: in each interior slice, columns of the interior rows first, then whole rows, so corners
 * come out right; in 3-D then whole slices, so edges and corners of the volume do too.
 */
final class Halo {

    private static final ValueLayout.OfDouble D = ValueLayout.JAVA_DOUBLE;
    private static final int H = Grid.HALO;
    private static final int C0 = Grid.COL_START;

    private Halo() {
    }

    static void refresh(MemorySegment s, int fields, int ny, int nx, long rowStride, long planeStride,
                        Boundary bc) {
        refresh(s, fields, 1, ny, nx, rowStride, planeStride, planeStride, bc);
    }

    /** 3-D: nz interior slices of {@code sliceStride} doubles, with H ghost slices each side when nz > 1. */
    static void refresh(MemorySegment s, int fields, int nz, int ny, int nx, long rowStride, long sliceStride,
                        long planeStride, Boundary bc) {
        int z0 = nz == 1 ? 0 : H;
        for (int f = 0; f < fields; f++) {
            for (int z = z0; z < z0 + nz; z++) {
                refreshSlice(s, f * planeStride + z * sliceStride, ny, nx, rowStride, bc);
            }
            if (nz == 1) {
                continue;
            }
            long sliceBytes = sliceStride * Double.BYTES;
            for (int k = 1; k <= H; k++) {
                int front = H - k;
                int back = H + nz - 1 + k;
                int srcFront = bc == Boundary.PERIODIC ? H + nz - k : H + Math.min(k - 1, nz - 1);
                int srcBack = bc == Boundary.PERIODIC ? H + k - 1 : H + Math.max(nz - k, 0);
                long plane = f * planeStride;
                MemorySegment.copy(s, (plane + srcFront * sliceStride) * Double.BYTES, s,
                    (plane + front * sliceStride) * Double.BYTES, sliceBytes);
                MemorySegment.copy(s, (plane + srcBack * sliceStride) * Double.BYTES, s,
                    (plane + back * sliceStride) * Double.BYTES, sliceBytes);
            }
        }
    }

    private static void refreshSlice(MemorySegment s, long plane, int ny, int nx, long rowStride, Boundary bc) {
        long rowBytes = rowStride * Double.BYTES;
        for (int r = H; r < ny + H; r++) {
            long row = plane + r * rowStride;
            if (bc == Boundary.PERIODIC) {
                for (int k = 1; k <= H; k++) {
                    s.setAtIndex(D, row + C0 - k, s.getAtIndex(D, row + C0 + nx - k));
                    s.setAtIndex(D, row + C0 + nx - 1 + k, s.getAtIndex(D, row + C0 + k - 1));
                }
            } else {
                for (int k = 1; k <= H; k++) {
                    // mirror about the cell face: u[-k] = u[k-1], u[nx-1+k] = u[nx-k]; clamp for tiny grids
                    s.setAtIndex(D, row + C0 - k, s.getAtIndex(D, row + C0 + Math.min(k - 1, nx - 1)));
                    s.setAtIndex(D, row + C0 + nx - 1 + k, s.getAtIndex(D, row + C0 + Math.max(nx - k, 0)));
                }
            }
        }
        for (int k = 1; k <= H; k++) {
            int top = H - k;
            int bottom = H + ny - 1 + k;
            int srcTop;
            int srcBottom;
            if (bc == Boundary.PERIODIC) {
                srcTop = H + ny - k;
                srcBottom = H + k - 1;
            } else {
                srcTop = H + Math.min(k - 1, ny - 1);
                srcBottom = H + Math.max(ny - k, 0);
            }
            MemorySegment.copy(s, (plane + srcTop * rowStride) * Double.BYTES, s,
                (plane + top * rowStride) * Double.BYTES, rowBytes);
            MemorySegment.copy(s, (plane + srcBottom * rowStride) * Double.BYTES, s,
                (plane + bottom * rowStride) * Double.BYTES, rowBytes);
        }
    }
}
