package org.lshsmile.simd;

import java.util.Locale;
import java.util.Optional;

/**
 * Facade of the LSH projections: picks the {@link Projections} implementation at run time.
 *
 * <p>As in {@link Kernels}, the Vector API implementation is created reflectively and only when the
 * {@code jdk.incubator.vector} module is in the boot layer, so a JVM started without it still runs
 * on the scalar projections. Both implementations give bit-for-bit the same codes, so the choice
 * only changes speed. The same system property, {@value Kernels#PROPERTY}, selects both facades.
 */
public final class ProjectionKernels {

    private static final Projections SCALAR = new ScalarProjections();
    private static final Availability VECTOR = probeVector();

    private ProjectionKernels() {
    }

    /** Whether the Vector API projections can be used, and if not, why. */
    public record Availability(Optional<Projections> projections, String reason) {
    }

    /** The scalar projections (always available). */
    public static Projections scalar() {
        return SCALAR;
    }

    /** The Vector API projections, or empty with {@link #vectorUnavailableReason()}. */
    public static Optional<Projections> simd() {
        return VECTOR.projections();
    }

    /** Why {@link #simd()} is empty; an empty string when it is present. */
    public static String vectorUnavailableReason() {
        return VECTOR.reason();
    }

    /**
     * Projections by name: {@code scalar}, {@code simd}, or {@code auto} (SIMD when available, else
     * scalar); {@code null} or blank means {@code auto}.
     *
     * @throws IllegalArgumentException for an unknown name, or {@code simd} when the Vector API is off
     */
    public static Projections byName(String name) {
        String n = name == null ? "auto" : name.trim().toLowerCase(Locale.ROOT);
        return switch (n) {
            case "scalar" -> SCALAR;
            case "simd" -> VECTOR.projections().orElseThrow(() -> new IllegalArgumentException(
                "SIMD projections requested but unavailable: " + VECTOR.reason()));
            case "auto", "" -> VECTOR.projections().orElse(SCALAR);
            default -> throw new IllegalArgumentException("unknown projections '" + name
                + "': use auto, scalar or simd");
        };
    }

    /** Projections named by the {@value Kernels#PROPERTY} system property (default {@code auto}). */
    public static Projections fromSystemProperty() {
        return byName(System.getProperty(Kernels.PROPERTY, "auto"));
    }

    private static Availability probeVector() {
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            return new Availability(Optional.empty(),
                "the Vector API module is not loaded; start the JVM with " + Kernels.VECTOR_FLAG);
        }
        try {
            Class<?> c = Class.forName("org.lshsmile.simd.VectorProjections");
            int lanes = (int) c.getDeclaredMethod("lanes").invoke(null);
            if (lanes < 2) {
                // A 1-lane species means no usable SIMD: the vector code would be slower than scalar.
                return new Availability(Optional.empty(), "the CPU offers no double vectors wider than 64 bits");
            }
            var ctor = c.getDeclaredConstructor();
            return new Availability(Optional.of((Projections) ctor.newInstance()), "");
        } catch (ReflectiveOperationException | LinkageError e) {
            return new Availability(Optional.empty(), "the Vector API projections failed to load: " + e);
        }
    }
}
