package org.lshsmile.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
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

    @Test
    void unionFindDeleteRunsAndChecksItself() {
        UnionFindDeleteBenchmark b = new UnionFindDeleteBenchmark();
        b.elements = 16384;
        try {
            b.setupTrial();
            assertTrue(b.verified(), "the trial setup must compare the forest with the reference");
            assertTrue(b.groups() > 16384 / UnionFindDeleteBenchmark.BIG_SET, "big and small groups: " + b.groups());
            assertEquals(b.expectedFindSum(), b.find(), "each find gives the set id of the element's group");
            b.move();
            assertTrue(b.holdsGroups(), "every move puts its element back into its group");
            b.mixed();
            assertTrue(b.holdsGroups());
            assertEquals(b.expectedFindSum(), b.find());
        } finally {
            b.tearDownTrial();
        }
    }

    @Test
    void unionFindDeleteReferenceFollowsTheContract() {
        UnionFindDeleteBenchmark.ReferenceSets r = new UnionFindDeleteBenchmark.ReferenceSets(6, 20);
        assertEquals(6, r.sets());
        r.union(0, 1, 1);
        r.union(2, 1, 1);
        assertEquals(3, r.sizeOf(0));
        assertEquals(1, r.idOf(2));
        r.delete(1);
        assertFalse(r.inSet(1));
        assertEquals(2, r.sizeOf(2));
        assertEquals(1, r.idOf(0), "a set keeps its id when an element leaves");
        assertEquals(4, r.sets(), "{0, 2}, {3}, {4}, {5}");
        r.makeSet(1, 4);
        assertEquals(1, r.sizeOf(1));
        assertEquals(4, r.idOf(1));
        r.union(1, 5, 5);
        r.union(0, 5, 1);
        assertEquals(4, r.sizeOf(5));
        assertEquals(1, r.idOf(1), "every member of a union sees the id the union returned");
        assertEquals(3, r.sets(), "{0, 1, 2, 5}, {3}, {4}");
    }

    @Test
    void unionFindDeleteSelfCheckRunsOnSmallForests() {
        // a short sequence on a tiny forest visits every branch of the check (makeSet, union, delete, find)
        UnionFindDeleteBenchmark.checkAgainstReference(40, 4000, new SplittableRandom(7));
        assertThrows(IllegalArgumentException.class, () -> {
            UnionFindDeleteBenchmark b = new UnionFindDeleteBenchmark();
            b.elements = 100;
            b.setupTrial();
        });
    }

    @Test
    void bucketTableRunsAndChecksItself() {
        BucketTableBenchmark b = new BucketTableBenchmark();
        b.keys = 4096;
        int ops = BucketTableBenchmark.OPS;
        long window = 4096 + ops;
        try {
            b.setupTrial();
            assertTrue(b.verified(), "the trial setup must compare the table with java.util.HashMap");
            assertEquals(b.expectedHitSum(), b.lookupHit(), "every hit returns its key's value");
            assertEquals(-ops, b.lookupMiss(), "every miss returns the missing value");
            for (int round = 0; round < 2; round++) {
                long start = b.windowStart();
                long removed = 0;
                for (int i = 0; i < ops; i++) {
                    removed += (start + i) % window;
                }
                assertEquals(removed, b.churn(), "each step removes the oldest key of the window");
                assertEquals((start + ops) % window, b.windowStart());
                assertTrue(b.holdsWindow(), "the table holds exactly the window after the churn");
            }
        } finally {
            b.tearDownTrial();
        }
    }

    @ParameterizedTest
    @CsvSource({"poly:32, lsh-verified-1e-3", "poly:32, lsh-paper-0.01"})
    void mergeRunsAndChecksItself(String state, String engine) {
        assumeTrue(org.lshsmile.simd.ProjectionKernels.simd().isPresent(), "the self-check compares SIMD with scalar");
        MergeBenchmark b = new MergeBenchmark();
        b.state = state;
        b.engine = engine;
        try {
            b.setupTrial();
            assertTrue(b.verified(), "the trial setup must compare the encoding with the scalar one");
            assertTrue(b.mergesPerEncoding() > 0);
            assertEquals(b.expectedBuckets(), b.encode(), "every encoding merges the same buckets");
            assertTrue(b.gridChanged(), "the merged buckets' values are written back");
            assertTrue(b.gridMatchesCheckedEncoding(), "the invocation writes back what the checked encodings did");
        } finally {
            b.tearDownTrial();
        }
    }
}
