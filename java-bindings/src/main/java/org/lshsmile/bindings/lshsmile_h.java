package org.lshsmile.bindings;

import java.lang.foreign.AddressLayout;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * Bindings for {@code native/include/lshsmile.h} in the shape jextract generates: the C layouts, and
 * per function a holder class (descriptor, address, downcall handle), the accessors
 * {@code fn$descriptor()}, {@code fn$address()}, {@code fn$handle()}, and a typed wrapper calling
 * {@code invokeExact}. Written by hand (jextract is not installable here) and checked against the
 * header by {@code LshsmileHeaderTest}; see {@code java-bindings/regenerate.sh}.
 *
 * <p>One difference from jextract's output: the holders are per instance, bound to the
 * {@link SymbolLookup} {@link NativeLibrary} chose at run time (jextract binds one library name in a
 * static initialiser, which could neither take a path from a system property nor report a missing
 * library as a reason). A handle in an instance field is not a JIT constant, which costs a few
 * nanoseconds per call: nothing next to a row band of a stencil.
 *
 * <p>The wrappers do no argument checks; other modules call {@link NativeKernels}, which does.
 */
@SuppressWarnings("checkstyle:TypeName")
public final class lshsmile_h {

    /** C {@code int32_t}. */
    public static final ValueLayout.OfInt C_INT = ValueLayout.JAVA_INT;
    /** C {@code int64_t} (LP64 {@code long}). */
    public static final ValueLayout.OfLong C_LONG = ValueLayout.JAVA_LONG;
    /** C {@code double}. */
    public static final ValueLayout.OfDouble C_DOUBLE = ValueLayout.JAVA_DOUBLE;
    /** C pointer. */
    public static final AddressLayout C_POINTER = ValueLayout.ADDRESS;

    private final lshsmile_abi_version abiVersion;
    private final lshsmile_build_info buildInfo;
    private final lshsmile_grain_growth_rows grainGrowthRows;
    private final lshsmile_grain_growth_pair_rows grainGrowthPairRows;
    private final lshsmile_cahn_hilliard_rows cahnHilliardRows;
    private final lshsmile_nanovoid_rows nanovoidRows;
    private final lshsmile_log log;
    private final lshsmile_project project;
    private final lshsmile_max_abs_diff maxAbsDiff;

    /** Binds every function of the header; throws {@link UnsatisfiedLinkError} naming a missing symbol. */
    lshsmile_h(SymbolLookup lookup) {
        Linker linker = Linker.nativeLinker();
        this.abiVersion = new lshsmile_abi_version(linker, lookup);
        this.buildInfo = new lshsmile_build_info(linker, lookup);
        this.grainGrowthRows = new lshsmile_grain_growth_rows(linker, lookup);
        this.grainGrowthPairRows = new lshsmile_grain_growth_pair_rows(linker, lookup);
        this.cahnHilliardRows = new lshsmile_cahn_hilliard_rows(linker, lookup);
        this.nanovoidRows = new lshsmile_nanovoid_rows(linker, lookup);
        this.log = new lshsmile_log(linker, lookup);
        this.project = new lshsmile_project(linker, lookup);
        this.maxAbsDiff = new lshsmile_max_abs_diff(linker, lookup);
    }

    /**
     * The ABI version of the library behind {@code lookup}, binding nothing else, so that a library of
     * another version (which may lack symbols) is refused by version rather than by a missing symbol.
     */
    static int abiVersionOf(SymbolLookup lookup) {
        return new lshsmile_h.lshsmile_abi_version(Linker.nativeLinker(), lookup).call();
    }

    private static MemorySegment find(SymbolLookup lookup, String name) {
        return lookup.find(name).orElseThrow(() -> new UnsatisfiedLinkError("symbol " + name + " not found"));
    }

    private static AssertionError unexpected(Throwable t) {
        return new AssertionError("should not reach here", t);
    }

    // ---------------------------------------------------------------- int32_t lshsmile_abi_version(void)

    static final class lshsmile_abi_version {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT);
        final MemorySegment addr;
        final MethodHandle handle;

        lshsmile_abi_version(Linker linker, SymbolLookup lookup) {
            addr = find(lookup, "lshsmile_abi_version");
            // critical: a call of a few instructions, no thread-state transition needed
            handle = linker.downcallHandle(addr, DESC, Linker.Option.critical(false));
        }

        int call() {
            try {
                return (int) handle.invokeExact();
            } catch (Error | RuntimeException e) {
                throw e;
            } catch (Throwable t) {
                throw unexpected(t);
            }
        }
    }

    /** Descriptor of {@code lshsmile_abi_version}. */
    public static FunctionDescriptor lshsmile_abi_version$descriptor() {
        return lshsmile_abi_version.DESC;
    }

    /** Downcall handle of {@code lshsmile_abi_version}. */
    public MethodHandle lshsmile_abi_version$handle() {
        return abiVersion.handle;
    }

    /** Address of {@code lshsmile_abi_version}. */
    public MemorySegment lshsmile_abi_version$address() {
        return abiVersion.addr;
    }

    /** {@code int32_t lshsmile_abi_version(void)}. */
    public int lshsmile_abi_version() {
        return abiVersion.call();
    }

    // ---------------------------------------------------------------- const char *lshsmile_build_info(void)

    static final class lshsmile_build_info {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_POINTER);
        final MemorySegment addr;
        final MethodHandle handle;

        lshsmile_build_info(Linker linker, SymbolLookup lookup) {
            addr = find(lookup, "lshsmile_build_info");
            handle = linker.downcallHandle(addr, DESC, Linker.Option.critical(false));
        }
    }

    /** Descriptor of {@code lshsmile_build_info}. */
    public static FunctionDescriptor lshsmile_build_info$descriptor() {
        return lshsmile_build_info.DESC;
    }

    /** Downcall handle of {@code lshsmile_build_info}. */
    public MethodHandle lshsmile_build_info$handle() {
        return buildInfo.handle;
    }

    /** Address of {@code lshsmile_build_info}. */
    public MemorySegment lshsmile_build_info$address() {
        return buildInfo.addr;
    }

    /** {@code const char *lshsmile_build_info(void)}: a zero-length segment at the static string. */
    public MemorySegment lshsmile_build_info() {
        try {
            return (MemorySegment) buildInfo.handle.invokeExact();
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    // ---------------------------------------------------------------- lshsmile_grain_growth_rows

    static final class lshsmile_grain_growth_rows {
        static final FunctionDescriptor DESC = FunctionDescriptor.ofVoid(C_POINTER, C_POINTER, C_POINTER, C_INT,
            C_LONG, C_LONG, C_INT, C_INT, C_INT, C_INT, C_POINTER, C_POINTER, C_DOUBLE, C_DOUBLE, C_DOUBLE, C_INT);
        final MemorySegment addr;
        final MethodHandle handle;

        lshsmile_grain_growth_rows(Linker linker, SymbolLookup lookup) {
            addr = find(lookup, "lshsmile_grain_growth_rows");
            handle = linker.downcallHandle(addr, DESC);
        }
    }

    /** Descriptor of {@code lshsmile_grain_growth_rows}. */
    public static FunctionDescriptor lshsmile_grain_growth_rows$descriptor() {
        return lshsmile_grain_growth_rows.DESC;
    }

    /** Downcall handle of {@code lshsmile_grain_growth_rows}. */
    public MethodHandle lshsmile_grain_growth_rows$handle() {
        return grainGrowthRows.handle;
    }

    /** Address of {@code lshsmile_grain_growth_rows}. */
    public MemorySegment lshsmile_grain_growth_rows$address() {
        return grainGrowthRows.addr;
    }

    /**
     * {@code void lshsmile_grain_growth_rows(const double *cur, double *next, double *sum_sq, int32_t q,
     * int64_t plane_stride, int64_t row_stride, int32_t row_from, int32_t row_to, int32_t col_from,
     * int32_t nx, const double *ldt, const double *kappa, double a, double b, double inv_dx2, int32_t clamp)}.
     */
    public void lshsmile_grain_growth_rows(MemorySegment cur, MemorySegment next, MemorySegment sum_sq, int q,
                                           long plane_stride, long row_stride, int row_from, int row_to,
                                           int col_from, int nx, MemorySegment ldt, MemorySegment kappa,
                                           double a, double b, double inv_dx2, int clamp) {
        try {
            grainGrowthRows.handle.invokeExact(cur, next, sum_sq, q, plane_stride, row_stride, row_from, row_to,
                col_from, nx, ldt, kappa, a, b, inv_dx2, clamp);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    // ---------------------------------------------------------------- lshsmile_grain_growth_pair_rows

    static final class lshsmile_grain_growth_pair_rows {
        static final FunctionDescriptor DESC = lshsmile_grain_growth_rows.DESC;
        final MemorySegment addr;
        final MethodHandle handle;

        lshsmile_grain_growth_pair_rows(Linker linker, SymbolLookup lookup) {
            addr = find(lookup, "lshsmile_grain_growth_pair_rows");
            handle = linker.downcallHandle(addr, DESC);
        }
    }

    /** Descriptor of {@code lshsmile_grain_growth_pair_rows}. */
    public static FunctionDescriptor lshsmile_grain_growth_pair_rows$descriptor() {
        return lshsmile_grain_growth_pair_rows.DESC;
    }

    /** Downcall handle of {@code lshsmile_grain_growth_pair_rows}. */
    public MethodHandle lshsmile_grain_growth_pair_rows$handle() {
        return grainGrowthPairRows.handle;
    }

    /** Address of {@code lshsmile_grain_growth_pair_rows}. */
    public MemorySegment lshsmile_grain_growth_pair_rows$address() {
        return grainGrowthPairRows.addr;
    }

    /**
     * {@code void lshsmile_grain_growth_pair_rows(const double *cur, double *next, double *scratch, int32_t q,
     * int64_t plane_stride, int64_t row_stride, int32_t row_from, int32_t row_to, int32_t col_from,
     * int32_t nx, const double *ldt, const double *kappa, double a, double b, double inv_dx2, int32_t clamp)}.
     */
    public void lshsmile_grain_growth_pair_rows(MemorySegment cur, MemorySegment next, MemorySegment scratch, int q,
                                                long plane_stride, long row_stride, int row_from, int row_to,
                                                int col_from, int nx, MemorySegment ldt, MemorySegment kappa,
                                                double a, double b, double inv_dx2, int clamp) {
        try {
            grainGrowthPairRows.handle.invokeExact(cur, next, scratch, q, plane_stride, row_stride, row_from, row_to,
                col_from, nx, ldt, kappa, a, b, inv_dx2, clamp);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    // ---------------------------------------------------------------- lshsmile_cahn_hilliard_rows

    static final class lshsmile_cahn_hilliard_rows {
        static final FunctionDescriptor DESC = FunctionDescriptor.ofVoid(C_POINTER, C_POINTER, C_POINTER, C_LONG,
            C_INT, C_INT, C_INT, C_INT, C_DOUBLE, C_DOUBLE, C_DOUBLE, C_DOUBLE, C_DOUBLE, C_DOUBLE);
        final MemorySegment addr;
        final MethodHandle handle;

        lshsmile_cahn_hilliard_rows(Linker linker, SymbolLookup lookup) {
            addr = find(lookup, "lshsmile_cahn_hilliard_rows");
            handle = linker.downcallHandle(addr, DESC);
        }
    }

    /** Descriptor of {@code lshsmile_cahn_hilliard_rows}. */
    public static FunctionDescriptor lshsmile_cahn_hilliard_rows$descriptor() {
        return lshsmile_cahn_hilliard_rows.DESC;
    }

    /** Downcall handle of {@code lshsmile_cahn_hilliard_rows}. */
    public MethodHandle lshsmile_cahn_hilliard_rows$handle() {
        return cahnHilliardRows.handle;
    }

    /** Address of {@code lshsmile_cahn_hilliard_rows}. */
    public MemorySegment lshsmile_cahn_hilliard_rows$address() {
        return cahnHilliardRows.addr;
    }

    /**
     * {@code void lshsmile_cahn_hilliard_rows(const double *cur, double *next, double *mu_rows,
     * int64_t row_stride, int32_t row_from, int32_t row_to, int32_t col_from, int32_t nx, double mdt,
     * double kappa, double rho, double ca, double cb, double inv_dx2)}.
     */
    public void lshsmile_cahn_hilliard_rows(MemorySegment cur, MemorySegment next, MemorySegment mu_rows,
                                            long row_stride, int row_from, int row_to, int col_from, int nx,
                                            double mdt, double kappa, double rho, double ca, double cb,
                                            double inv_dx2) {
        try {
            cahnHilliardRows.handle.invokeExact(cur, next, mu_rows, row_stride, row_from, row_to, col_from, nx, mdt,
                kappa, rho, ca, cb, inv_dx2);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    // ---------------------------------------------------------------- lshsmile_nanovoid_rows

    static final class lshsmile_nanovoid_rows {
        static final FunctionDescriptor DESC = FunctionDescriptor.ofVoid(C_POINTER, C_POINTER, C_POINTER, C_LONG,
            C_LONG, C_INT, C_INT, C_INT, C_INT, C_POINTER, C_INT, C_INT, C_INT);
        final MemorySegment addr;
        final MethodHandle handle;

        lshsmile_nanovoid_rows(Linker linker, SymbolLookup lookup) {
            addr = find(lookup, "lshsmile_nanovoid_rows");
            handle = linker.downcallHandle(addr, DESC);
        }
    }

    /** Descriptor of {@code lshsmile_nanovoid_rows}. */
    public static FunctionDescriptor lshsmile_nanovoid_rows$descriptor() {
        return lshsmile_nanovoid_rows.DESC;
    }

    /** Downcall handle of {@code lshsmile_nanovoid_rows}. */
    public MethodHandle lshsmile_nanovoid_rows$handle() {
        return nanovoidRows.handle;
    }

    /** Address of {@code lshsmile_nanovoid_rows}. */
    public MemorySegment lshsmile_nanovoid_rows$address() {
        return nanovoidRows.addr;
    }

    /**
     * {@code void lshsmile_nanovoid_rows(const double *cur, double *next, double *scratch,
     * int64_t plane_stride, int64_t row_stride, int32_t row_from, int32_t row_to, int32_t col_from,
     * int32_t nx, const double *p, int32_t conservative, int32_t void_mask, int32_t clamp)}.
     */
    public void lshsmile_nanovoid_rows(MemorySegment cur, MemorySegment next, MemorySegment scratch,
                                       long plane_stride, long row_stride, int row_from, int row_to, int col_from,
                                       int nx, MemorySegment p, int conservative, int void_mask, int clamp) {
        try {
            nanovoidRows.handle.invokeExact(cur, next, scratch, plane_stride, row_stride, row_from, row_to, col_from,
                nx, p, conservative, void_mask, clamp);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    // ---------------------------------------------------------------- double lshsmile_log(double x)

    static final class lshsmile_log {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_DOUBLE, C_DOUBLE);
        final MemorySegment addr;
        final MethodHandle handle;

        lshsmile_log(Linker linker, SymbolLookup lookup) {
            addr = find(lookup, "lshsmile_log");
            // critical: a few dozen flops, no thread-state transition needed
            handle = linker.downcallHandle(addr, DESC, Linker.Option.critical(false));
        }
    }

    /** Descriptor of {@code lshsmile_log}. */
    public static FunctionDescriptor lshsmile_log$descriptor() {
        return lshsmile_log.DESC;
    }

    /** Downcall handle of {@code lshsmile_log}. */
    public MethodHandle lshsmile_log$handle() {
        return log.handle;
    }

    /** Address of {@code lshsmile_log}. */
    public MemorySegment lshsmile_log$address() {
        return log.addr;
    }

    /** {@code double lshsmile_log(double x)}. */
    public double lshsmile_log(double x) {
        try {
            return (double) log.handle.invokeExact(x);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    // ---------------------------------------------------------------- lshsmile_project

    static final class lshsmile_project {
        static final FunctionDescriptor DESC = FunctionDescriptor.ofVoid(C_POINTER, C_POINTER, C_INT, C_INT, C_LONG,
            C_POINTER, C_INT, C_LONG, C_DOUBLE, C_POINTER);
        final MemorySegment addr;
        final MethodHandle handle;

        lshsmile_project(Linker linker, SymbolLookup lookup) {
            addr = find(lookup, "lshsmile_project");
            handle = linker.downcallHandle(addr, DESC);
        }
    }

    /** Descriptor of {@code lshsmile_project}. */
    public static FunctionDescriptor lshsmile_project$descriptor() {
        return lshsmile_project.DESC;
    }

    /** Downcall handle of {@code lshsmile_project}. */
    public MethodHandle lshsmile_project$handle() {
        return project.handle;
    }

    /** Address of {@code lshsmile_project}. */
    public MemorySegment lshsmile_project$address() {
        return project.addr;
    }

    /**
     * {@code void lshsmile_project(const double *a, const double *b, int32_t rows, int32_t d, int64_t ds,
     * const double *x, int32_t n, int64_t dxs, double inv_r, int32_t *out_codes)}.
     */
    public void lshsmile_project(MemorySegment a, MemorySegment b, int rows, int d, long ds, MemorySegment x, int n,
                                 long dxs, double inv_r, MemorySegment out_codes) {
        try {
            project.handle.invokeExact(a, b, rows, d, ds, x, n, dxs, inv_r, out_codes);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    // ---------------------------------------------------------------- lshsmile_max_abs_diff

    static final class lshsmile_max_abs_diff {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_DOUBLE, C_POINTER, C_POINTER, C_LONG);
        final MemorySegment addr;
        final MethodHandle handle;

        lshsmile_max_abs_diff(Linker linker, SymbolLookup lookup) {
            addr = find(lookup, "lshsmile_max_abs_diff");
            handle = linker.downcallHandle(addr, DESC);
        }
    }

    /** Descriptor of {@code lshsmile_max_abs_diff}. */
    public static FunctionDescriptor lshsmile_max_abs_diff$descriptor() {
        return lshsmile_max_abs_diff.DESC;
    }

    /** Downcall handle of {@code lshsmile_max_abs_diff}. */
    public MethodHandle lshsmile_max_abs_diff$handle() {
        return maxAbsDiff.handle;
    }

    /** Address of {@code lshsmile_max_abs_diff}. */
    public MemorySegment lshsmile_max_abs_diff$address() {
        return maxAbsDiff.addr;
    }

    /** {@code double lshsmile_max_abs_diff(const double *x, const double *y, int64_t n)}. */
    public double lshsmile_max_abs_diff(MemorySegment x, MemorySegment y, long n) {
        try {
            return (double) maxAbsDiff.handle.invokeExact(x, y, n);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }
}
