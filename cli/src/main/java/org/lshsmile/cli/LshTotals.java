package org.lshsmile.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import org.lshsmile.core.lsh.LshSmileEngine;

/**
 * Per-run totals of an LSH run for run.json: the encoding (step 0) and sums, means and maxima over the
 * steps after it, fed by the engine's step listener.
 */
final class LshTotals {

    private final LshSmileEngine.StepStats encoding;
    private final double encodeSeconds;
    private long lastStep;
    private long steps;
    private long evals;
    private long merges;
    private long rejectedMerges;
    private long rehashed;
    private long activeElements;
    private long evalNanos;
    private long rehashNanos;
    private long mergeNanos;
    private long bucketSum;
    private int maxBuckets;
    private int finalBuckets;

    /**
     * @param encoding      the engine's statistics before its first step (step 0)
     * @param encodeSeconds wall time of building the engine, encoding included
     */
    LshTotals(LshSmileEngine.StepStats encoding, double encodeSeconds) {
        this.encoding = encoding;
        this.encodeSeconds = encodeSeconds;
        this.lastStep = encoding.step();
        this.finalBuckets = encoding.buckets();
    }

    /**
     * Counts one step. Returns false, counting nothing, for a step number already seen ({@code
     * GuardedRun} replays a chunk that went non-finite), so each step is counted once.
     */
    boolean add(LshSmileEngine.StepStats s) {
        if (s.step() <= lastStep) {
            return false;
        }
        lastStep = s.step();
        steps++;
        evals += s.evals();
        merges += s.merges();
        rejectedMerges += s.rejectedMerges();
        rehashed += s.rehashed();
        activeElements += s.activeElements();
        evalNanos += s.evalNanos();
        rehashNanos += s.rehashNanos();
        mergeNanos += s.mergeNanos();
        bucketSum += s.buckets();
        maxBuckets = Math.max(maxBuckets, s.buckets());
        finalBuckets = s.buckets();
        return true;
    }

    /**
     * Adds the totals to run.json's {@code lsh} object as {@code encoding} and {@code totals} (whose mean and
     * max buckets are null for a run without steps).
     */
    void report(Map<String, Object> lsh) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("buckets", encoding.buckets());
        e.put("seconds", encodeSeconds);
        e.put("evals", encoding.evals());
        e.put("merges", encoding.merges());
        lsh.put("encoding", e);
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("steps", steps);
        t.put("evals", evals);
        t.put("merges", merges);
        t.put("rejected_merges", rejectedMerges);
        t.put("rehashed", rehashed);
        t.put("active_elements", activeElements);
        t.put("eval_seconds", evalNanos * 1e-9);
        t.put("rehash_seconds", rehashNanos * 1e-9);
        t.put("merge_seconds", mergeNanos * 1e-9);
        t.put("mean_buckets", steps > 0 ? bucketSum / (double) steps : Double.NaN);
        t.put("max_buckets", steps > 0 ? Integer.valueOf(maxBuckets) : null);
        t.put("final_buckets", finalBuckets);
        lsh.put("totals", t);
    }
}
