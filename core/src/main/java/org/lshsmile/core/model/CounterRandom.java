package org.lshsmile.core.model;

/**
 * Counter-based random numbers: a value is a pure function of (seed, step, cell, stream), so per-cell
 * sources give the same numbers for any band split, thread count or kernel, and after a resume.
 * Mixing is SplitMix64's finaliser (Steele, Lea and Flood 2014), applied to a Weyl-sequence key.
 */
final class CounterRandom {

    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private CounterRandom() {
    }

    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Key of one (seed, step, cell). */
    static long key(long seed, long step, long cell) {
        return mix(mix(seed + GOLDEN) ^ mix(step * GOLDEN + cell));
    }

    /** Uniform in [0, 1) for stream k of a key (53 random bits). */
    static double uniform(long key, int k) {
        return (mix(key + (k + 1) * GOLDEN) >>> 11) * 0x1.0p-53;
    }

    /** Standard normal for streams k and k+1 of a key (Box-Muller). */
    static double gaussian(long key, int k) {
        double u1 = 1.0 - uniform(key, k); // in (0, 1]: log is finite
        double u2 = uniform(key, k + 1);
        return Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2.0 * Math.PI * u2);
    }
}
