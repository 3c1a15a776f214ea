package org.lshsmile.bindings;

import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Finds and loads {@code liblshsmile.so}. Search order: the system property {@value #PROPERTY} (when
 * set, it is the only place looked at: an explicit path that fails is reported, never silently
 * replaced), then the build output {@code native/target/} (in the working directory or up to three of
 * its parents, then the same from the jar or classes directory of this class), then the system library
 * path. Every candidate must report
 * {@link #ABI_VERSION}; a library of another version is refused.
 *
 * <p>No other module touches {@code Linker} or {@code SymbolLookup}: they use {@link NativeKernels}.
 */
public final class NativeLibrary {

    /** System property naming the library file. */
    public static final String PROPERTY = "lshsmile.native.lib";
    /** ABI version this code was written for: {@code LSHSMILE_ABI_VERSION} of {@code lshsmile.h}. */
    public static final int ABI_VERSION = 3;
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
                    c = new Cached(property, find(property, startDirs()));
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

    /**
     * The search of {@link #load()}: the property value, then {@code native/target/} in each start
     * directory and up to three of its parents, then the system library path.
     */
    static Result find(String property, List<Path> startDirs) {
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
        for (Path start : startDirs) {
            Path dir = start;
            for (int i = 0; i < 4 && dir != null; i++, dir = dir.getParent()) {
                Path p = dir.resolve("native").resolve("target").resolve(FILE);
                if (Files.isRegularFile(p)) {
                    return loadFrom(p);
                }
            }
        }
        String name = System.mapLibraryName("lshsmile");
        Result r = bind(name + " (system library path)", () -> SymbolLookup.libraryLookup(name, Arena.global()));
        return r.kernels().isPresent() ? r
            : absent("native library not found (looked for native/target/" + FILE + " from " + startDirs
                + " up, and " + name + " on the system library path); " + BUILD_HINT + " or set -D" + PROPERTY
                + "=/path/to/" + FILE);
    }

    /**
     * Where the default search starts: the working directory, and the directory of this class's jar or
     * classes (so a launcher run from anywhere still finds the checkout's {@code native/target/}).
     */
    static List<Path> startDirs() {
        List<Path> dirs = new ArrayList<>();
        dirs.add(Path.of("").toAbsolutePath());
        try {
            CodeSource cs = NativeLibrary.class.getProtectionDomain().getCodeSource();
            if (cs != null && cs.getLocation() != null) {
                Path here = Path.of(cs.getLocation().toURI()).toAbsolutePath();
                dirs.add(Files.isDirectory(here) ? here : here.getParent());
            }
        } catch (URISyntaxException | IllegalArgumentException | SecurityException e) {
            // not a file location (e.g. a custom class loader): the working directory is searched alone
        }
        return dirs;
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
