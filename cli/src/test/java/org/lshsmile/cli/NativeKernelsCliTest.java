package org.lshsmile.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.lshsmile.bindings.NativeLibrary;
import org.lshsmile.core.kernels.KernelSets;

/** {@code --kernels native}: the scalar kernels' bits, the INFO line and run.json, and the refusal when absent. */
class NativeKernelsCliTest {

    @TempDir
    Path tmp;

    private static void assumeNative() {
        assumeTrue(KernelSets.nativeStencils().isPresent(), () -> "native library absent: "
            + KernelSets.nativeLibrary().description());
    }

    private static String infoLine(Cli.Run r) {
        List<String> info = r.err().lines().filter(l -> l.startsWith("[INFO] kernels: ")).toList();
        assertEquals(1, info.size(), r.err());
        return info.get(0);
    }

    private byte[] finalBytes(String model, String kernels, List<String> more) throws IOException {
        Path out = tmp.resolve(model + "-" + kernels);
        List<String> args = new ArrayList<>(more);
        args.addAll(List.of("--kernels", kernels));
        Cli.ok(Cli.simulate(model, out, args.toArray(String[]::new)));
        return Files.readAllBytes(out.resolve("final.npy"));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"grain-growth", "cahn-hilliard", "nanovoid"})
    void nativeGivesTheScalarKernelsBits(String model) throws IOException {
        assumeNative();
        List<String> common = List.of("--size", "37", "--steps", "40", "--every", "40", "--bc", "noflux", "--threads",
            "2");
        assertArrayEquals(finalBytes(model, "scalar", common), finalBytes(model, "native", common));
    }

    @Test
    void theLshEnginesProjectionsFollowKernelsNativeWithTheSameBits() throws IOException {
        assumeNative();
        List<String> lsh = List.of("--size", "33", "--steps", "30", "--every", "30", "--engine", "lsh", "--threads",
            "1");
        assertArrayEquals(finalBytes("grain-growth", "scalar", lsh), finalBytes("grain-growth", "native", lsh));
        String json = Files.readString(tmp.resolve("grain-growth-native").resolve("run.json"));
        assertTrue(json.contains("\"projections\": \"native\""), json);
        String scalarJson = Files.readString(tmp.resolve("grain-growth-scalar").resolve("run.json"));
        assertTrue(scalarJson.contains("\"projections\": \"scalar\""), scalarJson);
    }

    @Test
    void infoLineAndRunJsonNameTheNativeKernelsAndLibrary() throws IOException {
        assumeNative();
        Path out = tmp.resolve("info");
        Cli.Run r = Cli.ok(Cli.simulate("grain-growth", out, "--size", "16", "--steps", "2", "--kernels", "native",
            "--threads", "1"));
        String info = infoLine(r);
        assertTrue(info.startsWith("[INFO] kernels: native (C through FFM (lshsmile "), info);
        assertTrue(info.contains("; native library: loaded ") && info.contains("liblshsmile.so (lshsmile "), info);
        String json = Files.readString(out.resolve("run.json"));
        assertTrue(json.contains("\"kernels\": \"native\""), json);
        assertTrue(json.contains("\"native_library\": \"loaded "), json);
    }

    @Test
    void autoStaysJavaAndStillSaysWhetherTheLibraryLoaded() {
        Cli.Run r = Cli.ok(Cli.simulate("grain-growth", tmp.resolve("auto"), "--size", "16", "--steps", "2"));
        String info = infoLine(r);
        assertTrue(info.startsWith("[INFO] kernels: simd ") || info.startsWith("[INFO] kernels: scalar "), info);
        String status = KernelSets.nativeLibrary().kernels().isPresent() ? "; native library: loaded "
            : "; native library: absent (";
        assertTrue(info.contains(status), info);
    }

    @Test
    void aBadLibraryPathIsRefusedWithTheReasonAndTheFix() throws IOException {
        Path bad = Files.writeString(tmp.resolve("liblshsmile.so"), "not a library\n");
        Path missing = tmp.resolve("nowhere/liblshsmile.so");
        String old = System.getProperty(NativeLibrary.PROPERTY);
        try {
            System.setProperty(NativeLibrary.PROPERTY, missing.toString());
            String line = Cli.usageError("--kernels native: the native library is absent: -Dlshsmile.native.lib="
                + missing + " names no file", Cli.simulate("grain-growth", tmp.resolve("x"), "--size", "16",
                "--steps", "2", "--kernels", "native"));
            assertTrue(line.contains("point it at a built liblshsmile.so"), line);
            assertTrue(line.contains("or use --kernels auto"), line);

            System.setProperty(NativeLibrary.PROPERTY, bad.toString());
            line = Cli.usageError("cannot load " + bad, Cli.simulate("grain-growth", tmp.resolve("y"), "--size", "16",
                "--steps", "2", "--kernels", "native"));
            assertTrue(line.contains("build it with ./jmvn"), line);

            // the Java kernels still run, and the INFO line says why the library is absent
            Cli.Run r = Cli.ok(Cli.simulate("grain-growth", tmp.resolve("z"), "--size", "16", "--steps", "2"));
            assertTrue(infoLine(r).contains("; native library: absent (-Dlshsmile.native.lib=" + bad), infoLine(r));
        } finally {
            if (old == null) {
                System.clearProperty(NativeLibrary.PROPERTY);
            } else {
                System.setProperty(NativeLibrary.PROPERTY, old);
            }
        }
    }
}
