package org.lshsmile.bindings;

import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Finds and loads {@code liblshsmile.so}. Search order: the system property {@value #PROPERTY} (when
 * set, it is the only place looked at: an explicit path that fails is reported, never silently
 * replaced), then the build output {@code native/target/} (relative to the working directory and up
 * to three of its parents), then the system library path. Every candidate must report
 * {@link #ABI_VERSION}; a library of another version is refused.
 *
 * <p>No other module touches {@code Linker} or {@code SymbolLookup}: they use {@link NativeKernels}.
 */
public final class NativeLibrary {

    /** System property naming the library file. */
    public static final String PROPERTY = "lshsmile.native.lib";
    /** ABI version this code was written for: {@code LSHSMILE_ABI_VERSION} of {@code lshsmile.h}. */
    public static final int ABI_VERSION = 2;
    private static final String FILE = "liblshsmile.so";
    private static final String BUILD_HINT = "build it with ./jmvn -B -ntp -pl native package (needs gcc)";

    /** The last search: its property value and outcome (a record, so both are read in one volatile load). */
    private record Cached(String property, Result result) {
    }

    private static volatile Cached cached;

    private NativeLibrary() {
    }

    /**
     * The outcome of a load: the kernels, or why there are none.
     *
     * @param kernels     the checked facade over the library, empty when it could not be loaded
     * @param description one line: what was loaded (path and build info), or why nothing was
     */
    public record Result(Optional<NativeKernels> kernels, String description) {

        /** The raw bindings (no argument checks), when loaded. */
        public Optional<lshsmile_h> bindings() {
            return kernels.map(NativeKernels::bindings);
        }
    }

    /**
     * The library the search order finds, searched once per value of {@value #PROPERTY} (a library once
     * loaded stays loaded for the JVM's life, in the global arena; a changed property, as in tests,
     * searches again).
     */
    public static Result load() {
        String property = System.getProperty(PROPERTY);
        Cached c = cached;
        if (c == null || !Objects.equals(c.property(), property)) {
            synchronized (NativeLibrary.class) {
                c = cached;
                if (c == null || !Objects.equals(c.property(), property)) {
                    c = new Cached(property, find(property, Path.of("").toAbsolutePath()));
                    cached = c;
                }
            }
        }
        return c.result();
    }

    /** Loads a specific file; empty with the reason when it cannot be used. Does not cache. */
    public static Result loadFrom(Path file) {
        if (!Files.isRegularFile(file)) {
            return absent("no native library at " + file + "; " + BUILD_HINT);
        }
        return bind(file.toString(), () -> SymbolLookup.libraryLookup(file, Arena.global()));
    }

    /** The search of {@link #load()}, with the property value and working directory as arguments. */
    static Result find(String property, Path workingDir) {
        if (property != null && !property.isBlank()) {
            Path p = Path.of(property.trim());
            if (!Files.isRegularFile(p)) {
                return absent("-D" + PROPERTY + "=" + property + " names no file" + (Files.isDirectory(p)
                    ? " (it is a directory)" : "") + "; point it at a built " + FILE + " (" + BUILD_HINT
                    + ": native/target/" + FILE + ") or remove it to search the defaults");
            }
            Result r = loadFrom(p);
            return r.kernels().isPresent() ? r
                : absent("-D" + PROPERTY + "=" + property + ": " + r.description());
        }
        Path dir = workingDir;
        for (int i = 0; i < 4 && dir != null; i++, dir = dir.getParent()) {
            Path p = dir.resolve("native").resolve("target").resolve(FILE);
            if (Files.isRegularFile(p)) {
                return loadFrom(p);
            }
        }
        String name = System.mapLibraryName("lshsmile");
        Result r = bind(name + " (system library path)", () -> SymbolLookup.libraryLookup(name, Arena.global()));
        return r.kernels().isPresent() ? r
            : absent("native library not found (looked for native/target/" + FILE + " from " + workingDir
                + " up, and " + name + " on the system library path); " + BUILD_HINT + " or set -D" + PROPERTY
                + "=/path/to/" + FILE);
    }

    private interface Opener {
        SymbolLookup open();
    }

    private static Result bind(String what, Opener opener) {
        try {
            SymbolLookup lookup = opener.open();
            int v = lshsmile_h.abiVersionOf(lookup);
            if (v != ABI_VERSION) {
                return absent(what + " has ABI version " + v + ", this code needs " + ABI_VERSION
                    + "; rebuild it (" + BUILD_HINT + ")");
            }
            NativeKernels k = new NativeKernels(new lshsmile_h(lookup));
            return new Result(Optional.of(k), "loaded " + what + " (" + k.buildInfo() + ")");
        } catch (IllegalCallerException e) {
            return absent("cannot load " + what + ": native access is disabled; start the JVM with "
                + "--enable-native-access=ALL-UNNAMED");
        } catch (IllegalArgumentException | UnsatisfiedLinkError e) {
            return absent("cannot load " + what + ": " + oneLine(e.getMessage()) + "; " + BUILD_HINT);
        }
    }

    private static Result absent(String reason) {
        return new Result(Optional.empty(), reason);
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replace('\n', ' ').replace('\r', ' ');
    }
}
