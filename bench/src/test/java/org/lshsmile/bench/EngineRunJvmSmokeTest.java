package org.lshsmile.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Engine runs of {@code lshsmile bench} in their own JVMs: the exact run stores the reference, another engine's
 * error is read against it, each JVM reports its own peak memory, and a run over the limit is stopped after a
 * step with the steps done and a projection.
 */
class EngineRunJvmSmokeTest {

    @TempDir
    Path tmp;

    private static final String KERNELS = org.lshsmile.simd.Kernels.simd().isPresent() ? "simd" : "scalar";

    private static BenchSuite.JvmResult run(String c, String engine, int steps, double maxSeconds, Path ref,
                                            String mode) {
        return BenchSuite.runJvm(BenchSuite.javaCommand(EngineRunJvm.class, c, engine, Integer.toString(steps), "2",
            KERNELS, Double.toString(maxSeconds), "2", "32", "0", ref.toString(), mode));
    }

    @Test
    void exactStoresTheReferenceAndLshIsMeasuredAgainstIt() throws Exception {
        Path ref = tmp.resolve("ref.f64");
        BenchSuite.JvmResult exact = run("3grains:48", "exact", 20, 0, ref, "write");
        assertNull(exact.error(), exact.toString());
        assertEquals(3L * 48 * 48 * 8, Files.size(ref), "the final state, raw doubles");
        assertEquals(0.0, BenchSuite.number(exact.json(), "max_abs_error"));
        assertEquals(-1.0, BenchSuite.number(exact.json(), "stopped_after"));
        double stateMb = BenchSuite.number(exact.json(), "state_mb");
        assertEquals(3 * 48 * 48 * 8 / 1048576.0, stateMb, 0.05);
        double rss = BenchSuite.number(exact.json(), "peak_rss_mb");
        assertTrue(rss > 20 && rss < 4096, "a JVM's own VmHWM: " + rss);
        assertTrue(exact.json().contains("\"peak_rss_reset\": true"), "Linux: restarted after the warm-up: " + exact);

        BenchSuite.JvmResult lsh = run("3grains:48", "lsh-verified-1e-3", 20, 0, ref, "read");
        assertNull(lsh.error(), lsh.toString());
        double err = BenchSuite.number(lsh.json(), "max_abs_error");
        assertTrue(err > 0 && err <= 1e-3, "verified LSH against the stored exact state: " + err);
        assertTrue(BenchSuite.number(lsh.json(), "buckets") > 0, lsh.json());
        // the same error as EngineMacroBenchmark finds in one JVM
        EngineMacroBenchmark.Case c = EngineMacroBenchmark.Case.of("3grains", 48);
        double[] state = org.lshsmile.core.ic.GrainStates.voronoi(48, 48, 3, 3, EngineMacroBenchmark.SEED, true)
            .values();
        double[] copy = state.clone();
        EngineMacroBenchmark.Options o = new EngineMacroBenchmark.Options(java.util.List.of(c),
            java.util.List.of(EngineMacroBenchmark.ENGINES.get(2)), 20, 2, KERNELS, 0, 0, 32, 20);
        EngineMacroBenchmark.runOne(c, EngineMacroBenchmark.ENGINES.get(2), o, org.lshsmile.simd.Kernels.byName(KERNELS),
            copy, copy, null, 0, false, new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
        assertEquals(err, EngineRunJvm.errors(copy, ref)[0], 0.0);
    }

    @Test
    void aRunOverTheLimitStopsAfterAStepWithAProjection() {
        // poly:256 LSH takes ~2 s for 180 steps (BENCHMARKS.md), so 3000 steps project to ~30 s and 10 early steps
        // already project far past 2 s. The limit is well above the encoding time (0.33 s seen on a loaded CI
        // machine): an encoding slower than the limit stops the run before its first step, a different case.
        BenchSuite.JvmResult r = run("poly:256", "lsh-verified-1e-3", 3000, 2.0, tmp.resolve("none"), "none");
        assertNull(r.error(), r.toString());
        double done = BenchSuite.number(r.json(), "stopped_after");
        assertTrue(done >= 1 && done <= 10, "stopped within the first 10 steps: " + r.json());
        assertTrue(BenchSuite.number(r.json(), "projected_s") > 2.0, r.json());
        assertTrue(Double.isNaN(BenchSuite.number(r.json(), "total_s")), "no total for a stopped run: " + r.json());
        assertTrue(BenchSuite.number(r.json(), "peak_rss_mb") > 0, r.json());
    }
}
