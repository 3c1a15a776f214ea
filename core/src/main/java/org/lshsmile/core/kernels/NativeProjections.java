package org.lshsmile.core.kernels;

import java.lang.foreign.MemorySegment;
import java.util.Objects;
import org.lshsmile.bindings.NativeKernels;
import org.lshsmile.simd.ProjectionKernels;
import org.lshsmile.simd.Projections;

/**
 * The LSH projections of {@code liblshsmile}: {@link #project} is one checked downcall for the whole
 * batch, in the summation order of {@link Projections} (so the codes are bit for bit those of the Java
 * implementations). A single {@link #dot} is a few dozen flops, less than a downcall costs, so it runs in
 * scalar Java, which gives the same bits. Stateless and thread-safe.
 */
public final class NativeProjections implements Projections {

    private static final Projections SCALAR = ProjectionKernels.scalar();

    private final NativeKernels kernels;

    /** Projections over a loaded library; see {@link KernelSets#nativeProjections()}. */
    public NativeProjections(NativeKernels kernels) {
        this.kernels = Objects.requireNonNull(kernels, "kernels");
    }

    @Override
    public String name() {
        return "native";
    }

    @Override
    public String description() {
        return "C through FFM, " + CHUNK + " lane accumulators (single dot products in scalar Java)";
    }

    @Override
    public double dot(MemorySegment a, long aIndex, MemorySegment x, long xIndex, int d) {
        return SCALAR.dot(a, aIndex, x, xIndex, d);
    }

    @Override
    public void project(MemorySegment a, MemorySegment b, int rows, int d, long ds, MemorySegment x, int n, long dxs,
                       double invR, MemorySegment outCodes) {
        kernels.project(a, b, rows, d, ds, x, n, dxs, invR, outCodes);
    }
}
