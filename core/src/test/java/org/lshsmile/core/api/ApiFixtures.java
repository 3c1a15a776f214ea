package org.lshsmile.core.api;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.function.Executable;
import org.lshsmile.core.grid.Boundary;
import org.lshsmile.core.grid.Grid;
import org.lshsmile.core.ic.GrainStates;
import org.lshsmile.core.kernels.KernelSets;
import org.lshsmile.core.model.GrainGrowth;
import org.lshsmile.simd.Kernels;
import org.lshsmile.simd.StencilKernels;

/** Small shared setup of the API-contract tests: a two-grain model on a 32 x 32 grid, and message checks. */
final class ApiFixtures {

    static final int Q = 2;
    static final int N = 32;
    static final double DX = 0.5;
    static final double DT = 0.05;
    static final GrainGrowth MODEL = GrainGrowth.uniform(Q, 5.0, 0.1, 1.0, 1.0, false);

    private ApiFixtures() {
    }

    /** A Voronoi state on a fresh grid (the caller closes it). */
    static Grid grid() {
        Grid g = new Grid(Q, N, N, DX, Boundary.PERIODIC);
        g.copyFrom(GrainStates.voronoi(N, N, 2, Q, 7, true).values());
        return g;
    }

    /** Every stencil kernel set on this machine: scalar, SIMD when the Vector API is on, native when loaded. */
    static List<StencilKernels> allKernels() {
        List<StencilKernels> all = new ArrayList<>(List.of(Kernels.scalar()));
        Kernels.simd().ifPresent(all::add);
        Optional<StencilKernels> nat = KernelSets.nativeStencils();
        nat.ifPresent(all::add);
        return all;
    }

    /** Asserts {@code call} throws {@code type} with a one-line message containing every phrase. */
    static <T extends Throwable> T refused(Class<T> type, Executable call, String... phrases) {
        T e = assertThrows(type, call);
        String m = e.getMessage();
        assertTrue(m != null && !m.isBlank(), "a message is required");
        assertFalse(m.contains("\n"), "one line: " + m);
        for (String p : phrases) {
            assertTrue(m.contains(p), "message '" + m + "' should contain '" + p + "'");
        }
        return e;
    }
}
