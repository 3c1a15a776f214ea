package org.lshsmile.cli;

import java.io.PrintWriter;
import java.util.Locale;
import org.lshsmile.bindings.NativeLibrary;
import org.lshsmile.core.kernels.KernelSets;
import org.lshsmile.simd.Kernels;
import org.lshsmile.simd.StencilKernels;

/**
 * Resolves {@code --kernels} and says which kernels run: one INFO line (the kernels, and whether the native
 * library loaded), plus one WARN when SIMD is off.
 */
final class KernelChoice {

    private KernelChoice() {
    }

    /** Kernels for {@code auto}, {@code scalar}, {@code simd} or {@code native}; a usage error for anything else. */
    static StencilKernels resolve(String requested) {
        String n = requested.trim().toLowerCase(Locale.ROOT);
        if (n.equals("auto") || n.equals("scalar")) {
            return Kernels.byName(n);
        }
        if (n.equals("simd")) {
            return Kernels.simd().orElseThrow(KernelChoice::simdUnavailable);
        }
        if (n.equals(KernelSets.NATIVE)) {
            return KernelSets.nativeStencils().orElseThrow(KernelChoice::nativeUnavailable);
        }
        throw CliException.usage("unknown --kernels '" + requested + "'", "use auto, scalar, simd or native");
    }

    private static CliException simdUnavailable() {
        String reason = Kernels.vectorUnavailableReason();
        if (reason.contains(Kernels.VECTOR_FLAG)) {
            return CliException.usage("--kernels simd: the Vector API module is not loaded",
                "start java with " + Kernels.VECTOR_FLAG + " (the lshsmile launcher does), or use --kernels auto");
        }
        return CliException.usage("--kernels simd: " + reason, "use --kernels auto or scalar");
    }

    /** The loader's reason already names the fix for its case (build the library, or correct the property). */
    private static CliException nativeUnavailable() {
        return CliException.usage("--kernels native: the native library is absent: "
            + KernelSets.nativeLibrary().description(), "or use --kernels auto");
    }

    /** {@code loaded <path> (<build info>)} or {@code absent (<reason>)}: for the INFO line and run.json. */
    static String nativeStatus() {
        NativeLibrary.Result r = KernelSets.nativeLibrary();
        return r.kernels().isPresent() ? r.description() : "absent (" + r.description() + ")";
    }

    /**
     * Prints {@code [INFO] kernels: ...; native library: ...} and, when {@code auto} fell back to scalar, one
     * WARN line with the JVM flag that enables the Vector API.
     */
    static void announce(PrintWriter err, String requested, StencilKernels k, int threads, int requestedThreads) {
        if (requested.trim().equalsIgnoreCase("auto") && Kernels.simd().isEmpty()) {
            String reason = Kernels.vectorUnavailableReason();
            err.println("[WARN] running the scalar kernels: " + reason
                + (reason.contains(Kernels.VECTOR_FLAG) ? ""
                    : " (the SIMD kernels need the JVM flag " + Kernels.VECTOR_FLAG + ")"));
        }
        String t = threads + (threads == 1 ? " thread" : " threads");
        if (threads < requestedThreads) {
            t += " (" + requestedThreads + " requested; the grid is too small for more bands)";
        }
        err.println("[INFO] kernels: " + k.name() + " (" + k.description() + "), " + t + "; native library: "
            + nativeStatus());
        err.flush();
    }
}
