package org.lshsmile.bindings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Finding and loading the library: a wrong path gives an empty result with a clear reason, never a throw. */
class NativeLibraryTest {

    @TempDir
    Path tmp;

    private static void assertAbsent(NativeLibrary.Result r, String... phrases) {
        assertTrue(r.kernels().isEmpty(), "expected no library, got " + r.description());
        assertTrue(r.bindings().isEmpty());
        assertFalse(r.description().contains("\n"), "one line: " + r.description());
        for (String p : phrases) {
            assertTrue(r.description().contains(p), "reason '" + r.description() + "' should mention '" + p + "'");
        }
    }

    @Test
    void propertyNamingAMissingFileIsReported() {
        Path missing = tmp.resolve("nope/liblshsmile.so");
        assertAbsent(NativeLibrary.find(missing.toString(), List.of(tmp)), "-Dlshsmile.native.lib=" + missing,
            "names no file", "native/target/liblshsmile.so");
    }

    @Test
    void propertyNamingADirectoryIsReported() {
        assertAbsent(NativeLibrary.find(tmp.toString(), List.of(tmp)), "names no file", "(it is a directory)");
    }

    @Test
    void propertyNamingANonLibraryFileIsReported() throws IOException {
        Path text = Files.writeString(tmp.resolve("liblshsmile.so"), "not an ELF file\n");
        assertAbsent(NativeLibrary.find(text.toString(), List.of(tmp)), "-Dlshsmile.native.lib=" + text, "cannot load");
        assertAbsent(NativeLibrary.loadFrom(text), "cannot load " + text);
    }

    @Test
    void anExplicitPathThatFailsIsNotReplacedByTheDefaults() {
        // the working directory would find the real build output, the bad property must still win
        NativeLibrary.Result r = NativeLibrary.find(tmp.resolve("missing.so").toString(),
            List.of(Path.of("").toAbsolutePath()));
        assertAbsent(r, "missing.so");
    }

    @Test
    void loadFollowsTheSystemProperty() {
        String old = System.getProperty(NativeLibrary.PROPERTY);
        try {
            System.setProperty(NativeLibrary.PROPERTY, tmp.resolve("gone.so").toString());
            assertAbsent(NativeLibrary.load(), "gone.so");
        } finally {
            if (old == null) {
                System.clearProperty(NativeLibrary.PROPERTY);
            } else {
                System.setProperty(NativeLibrary.PROPERTY, old);
            }
        }
        assertFalse(NativeLibrary.load().description().contains("gone.so"), "search repeated after the reset");
    }

    @Test
    void noLibraryAnywhereNamesTheSearchAndTheFix() {
        NativeLibrary.Result r = NativeLibrary.find(null, List.of(tmp));
        // tmp has no native/target; only a liblshsmile.so installed on the system path could be found
        assumeTrue(r.kernels().isEmpty(), "a liblshsmile.so is on the system library path: " + r.description());
        assertAbsent(r, "native library not found", "native/target/liblshsmile.so", tmp.toString(),
            "-Dlshsmile.native.lib=");
    }

    @Test
    void aLibraryOfAnotherAbiVersionIsRefused() throws Exception {
        Path src = Files.writeString(tmp.resolve("old.c"), "int lshsmile_abi_version(void) { return 1; }\n");
        Path lib = tmp.resolve("libold.so");
        Process p;
        try {
            p = new ProcessBuilder("gcc", "-shared", "-fPIC", "-o", lib.toString(), src.toString())
                .redirectErrorStream(true).start();
        } catch (IOException e) {
            assumeTrue(false, "no gcc to build a fake library: " + e.getMessage());
            return;
        }
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "gcc timed out");
        assumeTrue(p.exitValue() == 0, "gcc failed: " + new String(p.getInputStream().readAllBytes()));
        assertAbsent(NativeLibrary.loadFrom(lib), "ABI version 1", "needs " + NativeLibrary.ABI_VERSION, "rebuild");
    }

    @Test
    void theBuildOutputIsFoundFromAModuleDirectory() {
        NativeLibrary.Result r = NativeLibrary.find(null, List.of(Path.of("").toAbsolutePath()));
        assumeTrue(r.kernels().isPresent(), "native library absent: " + r.description());
        assertTrue(r.description().startsWith("loaded "), r.description());
        assertTrue(r.description().contains("liblshsmile.so"), r.description());
        assertEquals(NativeLibrary.ABI_VERSION, r.kernels().orElseThrow().abiVersion());
    }

    @Test
    void theBuildOutputIsFoundFromTheClassesDirectoryToo() {
        assumeTrue(NativeLibrary.load().kernels().isPresent(), "native library absent: "
            + NativeLibrary.load().description());
        List<Path> starts = NativeLibrary.startDirs();
        assertEquals(2, starts.size(), "working directory and code location: " + starts);
        // java-bindings/target/classes: three parents up is the checkout holding native/target
        NativeLibrary.Result r = NativeLibrary.find(null, List.of(tmp, starts.get(1)));
        assertTrue(r.kernels().isPresent(), r.description());
    }
}
