package org.lshsmile.bindings;

import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Facade of java-bindings: finds and loads {@code liblshsmile.so}. Search order: the system property
 * {@value #PROPERTY}, then the build output {@code native/target/} (relative to the working directory
 * and its parents), then the system library path. No other module touches {@code Linker} or
 * {@code SymbolLookup}.
 */
public final class NativeLibrary {

    /** System property naming the library file. */
    public static final String PROPERTY = "lshsmile.native.lib";
    /** ABI version this code was written for. */
    public static final int ABI_VERSION = 1;
    private static final String FILE = "liblshsmile.so";

    private static volatile Result cached;

    private NativeLibrary() {
    }

    /** The outcome of a load: the bindings, or why there are none. */
    public record Result(Optional<lshsmile_h> bindings, String description) {
    }

    /** Loads once per JVM (the library stays loaded for the JVM's life, in the global arena). */
    public static Result load() {
        Result r = cached;
        if (r == null) {
            synchronized (NativeLibrary.class) {
                r = cached;
                if (r == null) {
                    r = find();
                    cached = r;
                }
            }
        }
        return r;
    }

    /** Loads a specific file; empty with the reason when it cannot be used. Does not cache. */
    public static Result loadFrom(Path file) {
        if (!Files.isRegularFile(file)) {
            return new Result(Optional.empty(), "no native library at " + file + "; build it with ./jmvn package"
                + " (needs gcc) or fix -D" + PROPERTY);
        }
        try {
            lshsmile_h h = new lshsmile_h(SymbolLookup.libraryLookup(file, Arena.global()));
            int v = h.lshsmile_abi_version();
            if (v != ABI_VERSION) {
                return new Result(Optional.empty(), file + " has ABI version " + v + ", expected " + ABI_VERSION
                    + "; rebuild it with ./jmvn package");
            }
            return new Result(Optional.of(h), "loaded " + file + " (" + h.lshsmile_build_info() + ")");
        } catch (IllegalArgumentException | IllegalCallerException | UnsatisfiedLinkError e) {
            return new Result(Optional.empty(), "cannot load " + file + ": " + e.getMessage()
                + (e instanceof IllegalCallerException ? "; start the JVM with --enable-native-access=ALL-UNNAMED" : ""));
        }
    }

    private static Result find() {
        String prop = System.getProperty(PROPERTY);
        if (prop != null && !prop.isBlank()) {
            return loadFrom(Path.of(prop));
        }
        List<Path> candidates = new ArrayList<>();
        Path dir = Path.of("").toAbsolutePath();
        for (int i = 0; i < 4 && dir != null; i++, dir = dir.getParent()) {
            candidates.add(dir.resolve("native").resolve("target").resolve(FILE));
        }
        for (Path p : candidates) {
            if (Files.isRegularFile(p)) {
                return loadFrom(p);
            }
        }
        try {
            lshsmile_h h = new lshsmile_h(SymbolLookup.libraryLookup(System.mapLibraryName("lshsmile"), Arena.global()));
            return new Result(Optional.of(h), "loaded lshsmile from the system library path");
        } catch (IllegalArgumentException | IllegalCallerException | UnsatisfiedLinkError e) {
            return new Result(Optional.empty(), "native library not found (looked for native/target/" + FILE
                + " and the system path); set -D" + PROPERTY + "=/path/to/" + FILE);
        }
    }
}
