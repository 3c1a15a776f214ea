package org.lshsmile.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.lshsmile.core.kernels.KernelSets;
import org.openjdk.jmh.annotations.Param;

/**
 * Runs each benchmark's setup, one invocation and teardown directly (no JMH), so a broken benchmark fails
 * the build instead of a benchmark run.
 */
class BenchmarksSmokeTest {

    private static void assumeKernels(String kernels) {
        if (kernels.equals("native")) {
            assumeTrue(KernelSets.nativeStencils().isPresent(), () -> "native library absent: "
                + KernelSets.nativeLibrary().description());
        }
    }

    @ParameterizedTest
    @CsvSource({"scalar, 1", "simd, 2", "native, 2"})
    void grainGrowthStepRunsAndChecksItself(String kernels, int threads) {
        assumeKernels(kernels);
        GrainGrowthStepBenchmark b = new GrainGrowthStepBenchmark();
        b.shape = "128:3";
        b.kernels = kernels;
        b.threads = threads;
        try {
            b.setupTrial();
            assertTrue(b.verified(), "the trial setup must run the self-check against the scalar kernels");
            b.resetState();
            assertFalse(b.stateChanged(), "the iteration setup restores the initial state");
            double probe = b.step();
            assertTrue(Double.isFinite(probe));
            assertTrue(b.stateChanged(), "one invocation must change the state");
            b.checkFinite();
            b.resetState();
            assertFalse(b.stateChanged());
        } finally {
            b.tearDownTrial();
        }
    }

    @Test
    void everyShapeParamDividesTheElementStepsPerInvocation() throws NoSuchFieldException {
        String[] shapes = GrainGrowthStepBenchmark.class.getField("shape")
            .getAnnotation(Param.class).value();
        for (String s : shapes) {
            int[] sq = GrainGrowthStepBenchmark.parseShape(s);
            int steps = GrainGrowthStepBenchmark.stepsFor(s);
            assertEquals(GrainGrowthStepBenchmark.ELEMENT_STEPS, (long) sq[0] * sq[0] * sq[1] * steps, s);
        }
        assertEquals(List.of(4096, 1536, 96, 6), List.of(GrainGrowthStepBenchmark.stepsFor("128:3"),
            GrainGrowthStepBenchmark.stepsFor("128:8"), GrainGrowthStepBenchmark.stepsFor("512:8"),
            GrainGrowthStepBenchmark.stepsFor("2048:8")));
        assertThrows(IllegalArgumentException.class, () -> GrainGrowthStepBenchmark.stepsFor("100:5"));
        assertThrows(IllegalArgumentException.class, () -> GrainGrowthStepBenchmark.parseShape("128"));
    }

    @ParameterizedTest
    @CsvSource({
        "grain-growth:128:1, scalar", "grain-growth:128:1, simd",
        "cahn-hilliard:128:1, scalar", "cahn-hilliard:128:2, simd",
        "nanovoid-literal:128:1, scalar", "nanovoid-literal:128:1, simd",
        "nanovoid-conservative:128:1, scalar", "nanovoid-conservative:128:2, simd",
        "cahn-hilliard:128:1, native", "nanovoid-literal:128:2, native"})
    void modelStepRunsAndChecksItself(String config, String kernels) {
        assumeKernels(kernels);
        ModelStepBenchmark b = new ModelStepBenchmark();
        b.config = config;
        b.kernels = kernels;
        try {
            b.setupTrial();
            assertTrue(b.verified(), "the trial setup must run the self-check against the scalar kernels");
            if (config.startsWith("grain-growth") || config.startsWith("cahn-hilliard")) {
                assertEquals(0, b.differingValues(), "scalar and the checked kernels must agree bitwise");
            }
            assertTrue(b.maxRelativeDifference() <= ModelStepBenchmark.NANOVOID_REL_TOL);
            b.resetState();
            assertFalse(b.stateChanged(), "the iteration setup restores the initial state");
            double probe = b.step();
            assertTrue(Double.isFinite(probe));
            assertTrue(b.stateChanged(), "one invocation must change the state");
            b.checkFinite();
            b.resetState();
            assertFalse(b.stateChanged());
        } finally {
            b.tearDownTrial();
        }
    }

    @Test
    void everyModelConfigDividesTheElementStepsPerInvocation() throws NoSuchFieldException {
        String[] configs = ModelStepBenchmark.class.getField("config").getAnnotation(Param.class).value();
        assertEquals(12, configs.length);
        for (String c : configs) {
            ModelStepBenchmark.Config cfg = ModelStepBenchmark.parseConfig(c);
            int steps = ModelStepBenchmark.stepsFor(c);
            long perStep = (long) cfg.size() * cfg.size() * ModelStepBenchmark.fieldsOf(cfg.kind());
            assertEquals(ModelStepBenchmark.ELEMENT_STEPS, perStep * steps, c);
            assertEquals(ModelStepBenchmark.fieldsOf(cfg.kind()),
                ModelStepBenchmark.problemFor(cfg.kind(), 16).model().fields(), c);
        }
        assertEquals(List.of(96, 768, 256, 6, 48, 16), List.of(ModelStepBenchmark.stepsFor("grain-growth:128:1"),
            ModelStepBenchmark.stepsFor("cahn-hilliard:128:1"), ModelStepBenchmark.stepsFor("nanovoid-literal:128:1"),
            ModelStepBenchmark.stepsFor("grain-growth:512:2"), ModelStepBenchmark.stepsFor("cahn-hilliard:512:1"),
            ModelStepBenchmark.stepsFor("nanovoid-conservative:512:1")));
        assertThrows(IllegalArgumentException.class, () -> ModelStepBenchmark.stepsFor("nanovoid-literal:100:1"));
        assertThrows(IllegalArgumentException.class, () -> ModelStepBenchmark.parseConfig("cahn-hilliard:128"));
        assertThrows(IllegalArgumentException.class, () -> ModelStepBenchmark.parseConfig("allen-cahn:128:1"));
    }

    @ParameterizedTest
    @CsvSource({"128:3:1,copy", "512:1:2,copy", "128:3:1,vector", "512:1:2,vector"})
    void streamCopyCopiesTheWholeBuffer(String buffer, String store) throws Exception {
        StreamCopyBenchmark b = new StreamCopyBenchmark();
        b.buffer = buffer;
        b.store = store;
        try {
            b.setupTrial();
            assertFalse(b.buffersEqual(), "the two buffers start different");
            assertTrue(Double.isFinite(b.copy()));
            assertTrue(b.buffersEqual(), "one invocation copies every byte, with one or two threads");
        } finally {
            b.tearDownTrial();
        }
    }

    @Test
    void everyStreamBufferDividesTheElementsPerInvocation() throws NoSuchFieldException {
        for (String s : StreamCopyBenchmark.class.getField("buffer").getAnnotation(Param.class).value()) {
            int[] v = StreamCopyBenchmark.parseBuffer(s);
            assertEquals(StreamCopyBenchmark.ELEMENTS, (long) v[0] * v[0] * v[1] * StreamCopyBenchmark.copiesFor(s), s);
        }
        assertThrows(IllegalArgumentException.class, () -> StreamCopyBenchmark.parseBuffer("100:5:1"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"subnormal", "normal"})
    void subnormalBenchmarkRunsAndChecksItself(String input) {
        SubnormalBenchmark b = new SubnormalBenchmark();
        b.input = input;
        try {
            // The trial setup throws unless the flush loop matches the scalar kernel bit for bit.
            b.setupTrial();
            double flushed = b.oneStepFlush();
            double kept = b.oneStepNoFlush();
            double sweptFlushed = b.sweepsFlush();
            double sweptKept = b.sweepsNoFlush();
            double kernel = b.kernelScalar();
            assertEquals(Double.doubleToRawLongBits(kernel), Double.doubleToRawLongBits(b.kernelSimd()));
            assertEquals(Double.doubleToRawLongBits(flushed), Double.doubleToRawLongBits(kernel));
            if (input.equals("subnormal")) {
                assertEquals(0.0, flushed);
                assertEquals(0.0, sweptFlushed);
                assertTrue(kept > 0 && kept < Double.MIN_NORMAL, "no-flush output must be subnormal: " + kept);
                assertTrue(sweptKept > 0 && sweptKept < kept, "the tail decays but stays subnormal: " + sweptKept);
            } else {
                assertEquals(kept, flushed);
                assertEquals(sweptKept, sweptFlushed);
                assertNotEquals(0.25, kept, "one step must change a normal value");
            }
        } finally {
            b.tearDownTrial();
        }
    }

    @Test
    void unknownInputIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> SubnormalBenchmark.fillValue("huge"));
    }

    @ParameterizedTest
    @CsvSource({"exact, rollout", "exact, gradient", "lsh, gradient"})
    void gradientBenchmarkRunsAndChecksItself(String engine, String kind) {
        assumeTrue(org.lshsmile.simd.Kernels.simd().isPresent(), "the benchmark runs the SIMD kernels");
        GradientBenchmark b = new GradientBenchmark();
        b.config = "32:5:1";
        b.engine = engine;
        b.kind = kind;
        b.setup(); // the self-check: finite non-zero gradient, positive loss, SIMD = scalar for exact
        try {
            double first = b.run();
            assertTrue(first > 0 && Double.isFinite(first), "loss " + first);
            assertEquals(first, b.run(), 0.0, "the same call gives the same loss");
        } finally {
            b.tearDown();
        }
    }

    @ParameterizedTest
    @CsvSource({"rollout", "rollout-pairs", "forward-stored", "adjoint"})
    void gradientPhasesBenchmarkRunsAndChecksItself(String phase) {
        assumeTrue(org.lshsmile.simd.Kernels.simd().isPresent(), "the benchmark runs the SIMD kernels");
        GradientPhasesBenchmark b = new GradientPhasesBenchmark();
        b.config = "32:5";
        b.phase = phase;
        b.setup(); // the self-check: the last stored state is the rollout's bit for bit, the adjoint finite, not 0
        try {
            long first = b.run();
            assertEquals(first, b.run(), "the same phase twice gives the same bits");
        } finally {
            b.tearDown();
        }
        GradientPhasesBenchmark bad = new GradientPhasesBenchmark();
        bad.config = "32";
        assertThrows(IllegalArgumentException.class, bad::setup, "config must be size:T");
    }

    @Test
    void gradientConfigsParse() throws NoSuchFieldException {
        for (String c : GradientPhasesBenchmark.class.getField("config").getAnnotation(Param.class).value()) {
            assertEquals(2, GradientPhasesBenchmark.parse(c).length, c);
        }
        for (String c : GradientBenchmark.class.getField("config").getAnnotation(Param.class).value()) {
            assertEquals(3, GradientBenchmark.parse(c).length, c);
        }
        assertThrows(IllegalArgumentException.class, () -> GradientBenchmark.parse("128:10"));
    }
}
