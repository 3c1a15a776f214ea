package org.lshsmile.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.lshsmile.core.kernels.KernelSets;

/**
 * Runs the setup (with its self-check), one invocation and the teardown of each LSH benchmark directly (no
 * JMH), and checks the invocation's result, so a broken benchmark fails the build instead of a benchmark run.
 */
class LshBenchmarksSmokeTest {

    private static void assumeProjections(String kernels) {
        if (kernels.equals("native")) {
            assumeTrue(KernelSets.nativeProjections().isPresent(), () -> "native library absent: "
                + KernelSets.nativeLibrary().description());
        }
    }

    @ParameterizedTest
    @CsvSource({"cahn-hilliard, scalar", "nanovoid-literal, simd", "grain-growth, simd", "grain-growth, native"})
    void projectionRunsAndChecksItself(String model, String kernels) {
        assumeProjections(kernels);
        LshProjectionBenchmark b = new LshProjectionBenchmark();
        b.model = model;
        b.kernels = kernels;
        try {
            b.setupTrial();
            assertTrue(b.verified(), "the trial setup must compare the kernels with the scalar reference");
            assertTrue(b.offByOneCodes() < 30L * LshProjectionBenchmark.VECTORS / 100,
                "a different summation order moves only codes at a bucket edge: " + b.offByOneCodes());
            b.scrambleCodes();
            assertFalse(b.codesMatchReference());
            b.project();
            assertTrue(b.codesMatchReference(), "one invocation writes every code, bitwise the scalar reference's");
        } finally {
            b.tearDownTrial();
        }
    }
}
