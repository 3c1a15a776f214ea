package org.lshsmile.simd;

import java.util.Locale;
import java.util.Optional;

/**
 * Facade of the simd module: picks the stencil kernels at run time.
 *
 * <p>The Vector API implementation is created reflectively, and only when the
 * {@code jdk.incubator.vector} module is in the boot layer, so a JVM started without
 * {@code --add-modules jdk.incubator.vector} still runs (on the scalar kernels) instead of failing
 * with a linkage error.
 */
public final class Kernels {

    /** System property that forces a kernel set: {@code auto}, {@code scalar} or {@code simd}. */
    public static final String PROPERTY = "lshsmile.kernels";

    /** The flag that enables the Vector API kernels when they are off. */
    public static final String VECTOR_FLAG = "--add-modules jdk.incubator.vector";

    private static final StencilKernels SCALAR = new ScalarKernels();
    private static final Availability VECTOR = probeVector();
    private static final AdjointKernels SCALAR_ADJOINT = new ScalarAdjointKernels();
    private static final AdjointKernels VECTOR_ADJOINT = probeVectorAdjoint();

    private Kernels() {
    }

    /** Whether a kernel set can be used, and if not, why. */
    public record Availability(Optional<StencilKernels> kernels, String reason) {
    }

    /** The scalar kernels (always available). */
    public static StencilKernels scalar() {
        return SCALAR;
    }

    /**
     * The natural logarithm every kernel set uses (fixed operations, the same bits on every run and CPU),
     * for code outside this module that must reproduce the kernels bitwise. Domain: positive normal
     * doubles, NaN and +infinity.
     */
    public static double log(double x) {
        return Log.log(x);
    }

    /** The scalar adjoint kernels (always available). */
    public static AdjointKernels scalarAdjoint() {
        return SCALAR_ADJOINT;
    }

    /**
     * The adjoint kernels that go with a forward kernel set: the SIMD ones for the SIMD kernels when the
     * Vector API is on, the scalar ones otherwise (native forward kernels have no adjoint twin).
     */
    public static AdjointKernels adjointFor(StencilKernels forward) {
        if (forward != null && "simd".equals(forward.name()) && VECTOR_ADJOINT != null) {
            return VECTOR_ADJOINT;
        }
        return SCALAR_ADJOINT;
    }

    /** The Vector API kernels, or empty with {@link #vectorUnavailableReason()}. */
    public static Optional<StencilKernels> simd() {
        return VECTOR.kernels();
    }

    /** Why {@link #simd()} is empty; an empty string when it is present. */
    public static String vectorUnavailableReason() {
        return VECTOR.reason();
    }

    /**
     * Kernels by name: {@code scalar}, {@code simd}, or {@code auto} (SIMD when available, else scalar).
     *
     * @throws IllegalArgumentException for an unknown name, or {@code simd} when the Vector API is off
     */
    public static StencilKernels byName(String name) {
        String n = name == null ? "auto" : name.trim().toLowerCase(Locale.ROOT);
        switch (n) {
            case "scalar":
                return SCALAR;
            case "simd":
                return VECTOR.kernels().orElseThrow(() -> new IllegalArgumentException(
                    "SIMD kernels requested but unavailable: " + VECTOR.reason()));
            case "auto":
            case "":
                return VECTOR.kernels().orElse(SCALAR);
            default:
                throw new IllegalArgumentException("unknown kernels '" + name + "': use auto, scalar or simd");
        }
    }

    /** Kernels named by the {@value #PROPERTY} system property (default {@code auto}). */
    public static StencilKernels fromSystemProperty() {
        return byName(System.getProperty(PROPERTY, "auto"));
    }

    private static AdjointKernels probeVectorAdjoint() {
        if (VECTOR.kernels().isEmpty()) {
            return null;
        }
        try {
            Class<?> c = Class.forName("org.lshsmile.simd.VectorAdjointKernels");
            return (AdjointKernels) c.getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | LinkageError e) {
            // Without a usable SIMD adjoint the scalar one serves; the forward kernels' INFO line already says why.
            return null;
        }
    }

    private static Availability probeVector() {
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            return new Availability(Optional.empty(),
                "the Vector API module is not loaded; start the JVM with " + VECTOR_FLAG);
        }
        try {
            Class<?> c = Class.forName("org.lshsmile.simd.VectorKernels");
            StencilKernels k = (StencilKernels) c.getDeclaredConstructor().newInstance();
            int lanes = (int) c.getDeclaredMethod("lanes").invoke(null);
            if (lanes < 2) {
                // A 1-lane species means no usable SIMD: the vector code would be slower than scalar.
                return new Availability(Optional.empty(), "the CPU offers no double vectors wider than 64 bits");
            }
            return new Availability(Optional.of(k), "");
        } catch (ReflectiveOperationException | LinkageError e) {
            return new Availability(Optional.empty(), "the Vector API kernels failed to load: " + e);
        }
    }
}
