package org.lshsmile.core.grid;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** Halo refresh: columns of the interior rows first, then whole rows, so corners come out right. */
final class Halo {

    private static final ValueLayout.OfDouble D = ValueLayout.JAVA_DOUBLE;
    private static final int H = Grid.HALO;
    private static final int C0 = Grid.COL_START;

    private Halo() {
    }

    static void refresh(MemorySegment s, int fields, int ny, int nx, long rowStride, long planeStride,
                        Boundary bc) {
        long rowBytes = rowStride * Double.BYTES;
        for (int f = 0; f < fields; f++) {
            long plane = f * planeStride;
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
}
