package org.lshsmile.core.kernels;

import java.util.Locale;
import java.util.Optional;
import org.lshsmile.bindings.NativeLibrary;
import org.lshsmile.simd.Kernels;
import org.lshsmile.simd.ProjectionKernels;
import org.lshsmile.simd.Projections;
import org.lshsmile.simd.StencilKernels;

/**
 * Picks kernels by name, the native ones included: {@code auto}, {@code scalar}, {@code simd} (simd's
 * {@link Kernels} and {@link ProjectionKernels}) or {@code native} (the C library through
 * {@link NativeLibrary}, which simd cannot see). {@code auto} stays the Java SIMD kernels (else scalar):
 * the Java path must not need C to be fast, and every set gives the same bits.
 */
public final class KernelSets {

    /** The name of the native kernel sets. */
    public static final String NATIVE = "native";

    private KernelSets() {
    }

    /** The native library's load outcome (searched once per value of {@value NativeLibrary#PROPERTY}). */
    public static NativeLibrary.Result nativeLibrary() {
        return NativeLibrary.load();
    }

    /** The native stencil kernels, or empty when the library did not load ({@link #nativeLibrary()} says why). */
    public static Optional<StencilKernels> nativeStencils() {
        return nativeLibrary().kernels().map(NativeStencilKernels::new);
    }

    /** The native projections, or empty when the library did not load. */
    public static Optional<Projections> nativeProjections() {
        return nativeLibrary().kernels().map(NativeProjections::new);
    }

    /**
     * Stencil kernels by name: {@code auto} (null or blank too), {@code scalar}, {@code simd} or {@code native}.
     *
     * @throws IllegalArgumentException for an unknown name, or a set that is unavailable (with the reason)
     */
    public static StencilKernels stencils(String name) {
        if (isNative(name)) {
            return nativeStencils().orElseThrow(KernelSets::nativeUnavailable);
        }
        return Kernels.byName(name);
    }

    /**
     * Projections by name, as {@link #stencils(String)}.
     *
     * @throws IllegalArgumentException for an unknown name, or a set that is unavailable (with the reason)
     */
    public static Projections projections(String name) {
        if (isNative(name)) {
            return nativeProjections().orElseThrow(KernelSets::nativeUnavailable);
        }
        return ProjectionKernels.byName(name);
    }

    /** Projections named by the {@value Kernels#PROPERTY} system property (default {@code auto}). */
    public static Projections projectionsFromSystemProperty() {
        return projections(System.getProperty(Kernels.PROPERTY, "auto"));
    }

    /** Stencil kernels named by the {@value Kernels#PROPERTY} system property (default {@code auto}). */
    public static StencilKernels stencilsFromSystemProperty() {
        return stencils(System.getProperty(Kernels.PROPERTY, "auto"));
    }

    private static boolean isNative(String name) {
        return name != null && name.trim().toLowerCase(Locale.ROOT).equals(NATIVE);
    }

    private static IllegalArgumentException nativeUnavailable() {
        return new IllegalArgumentException("native kernels requested but unavailable: " + nativeLibrary().description());
    }
}
