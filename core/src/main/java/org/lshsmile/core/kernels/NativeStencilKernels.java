package org.lshsmile.core.kernels;

import java.lang.foreign.MemorySegment;
import java.util.Objects;
import org.lshsmile.bindings.NativeKernels;
import org.lshsmile.simd.StencilKernels;

/**
 * The stencil kernels of {@code liblshsmile} (C through FFM), for {@code ExactEngine} and the engines built
 * on it. Each call is one checked downcall of {@link NativeKernels} for the whole row band; the C code
 * keeps the operation order of the scalar Java kernels and is compiled without FMA contraction, so the
 * results are bit for bit those of {@link org.lshsmile.simd.Kernels#scalar()}. Stateless and thread-safe.
 */
public final class NativeStencilKernels implements StencilKernels {

    private final NativeKernels kernels;

    /** Kernels over a loaded library; see {@link KernelSets#nativeStencils()}. */
    public NativeStencilKernels(NativeKernels kernels) {
        this.kernels = Objects.requireNonNull(kernels, "kernels");
    }

    @Override
    public String name() {
        return "native";
    }

    /** {@code C through FFM (lshsmile <version> abi <n>)}; the full build line is {@link NativeKernels#buildInfo()}. */
    @Override
    public String description() {
        String info = kernels.buildInfo();
        int end = info.indexOf(';');
        return "C through FFM (" + (end < 0 ? info : info.substring(0, end)) + ")";
    }

    @Override
    public void grainGrowthRows(MemorySegment cur, MemorySegment next, MemorySegment sumSq, int q, long planeStride,
                                long rowStride, int rowFrom, int rowTo, int colFrom, int nx, double[] ldt,
                                double[] kappa, double a, double b, double invDx2, boolean clamp) {
        kernels.grainGrowthRows(cur, next, sumSq, q, planeStride, rowStride, rowFrom, rowTo, colFrom, nx, ldt, kappa,
            a, b, invDx2, clamp);
    }

    @Override
    public boolean hasGrainGrowthPairs() {
        return PAIR_ROW_MULTIPLE == NativeKernels.PAIR_ROW_MULTIPLE;
    }

    @Override
    public void grainGrowthPairRows(MemorySegment cur, MemorySegment next, MemorySegment scratch, int q,
                                    long planeStride, long rowStride, int rowFrom, int rowTo, int colFrom, int nx,
                                    double[] ldt, double[] kappa, double a, double b, double invDx2,
                                    boolean clamp) {
        kernels.grainGrowthPairRows(cur, next, scratch, q, planeStride, rowStride, rowFrom, rowTo, colFrom, nx, ldt,
            kappa, a, b, invDx2, clamp);
    }

    @Override
    public void cahnHilliardRows(MemorySegment cur, MemorySegment next, MemorySegment muRows, long rowStride,
                                 int rowFrom, int rowTo, int colFrom, int nx, double mdt, double kappa, double rho,
                                 double ca, double cb, double invDx2) {
        kernels.cahnHilliardRows(cur, next, muRows, rowStride, rowFrom, rowTo, colFrom, nx, mdt, kappa, rho, ca, cb,
            invDx2);
    }

    @Override
    public void nanovoidRows(MemorySegment cur, MemorySegment next, MemorySegment muRows, long planeStride,
                             long rowStride, int rowFrom, int rowTo, int colFrom, int nx, double[] p,
                             boolean conservative, boolean voidMask, boolean clamp) {
        kernels.nanovoidRows(cur, next, muRows, planeStride, rowStride, rowFrom, rowTo, colFrom, nx, p, conservative,
            voidMask, clamp);
    }
}
