/* Helpers shared by the kernel sources; not part of the ABI. */
#ifndef LSHSMILE_INTERNAL_H
#define LSHSMILE_INTERNAL_H

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "lshsmile.h"

/* Forces inlining where a boolean option must become a compile-time constant (one loop per case). */
#if defined(__GNUC__)
#  define LSHSMILE_ALWAYS_INLINE static inline __attribute__((always_inline))
#else
#  define LSHSMILE_ALWAYS_INLINE static inline
#endif

/* Grain-growth states of at least this many bytes (all fields of one buffer) are written with streaming
 * stores: twice the last-level cache of the machines we measure on (bench/README.md), so the next state could
 * not stay cached until the step after reads it. */
#define LSHSMILE_STREAM_MIN_BYTES (64LL << 20)

/* Java's Math.floorMod(r, 3): the rolling-row slot of row r, also for r < 0. */
static inline int64_t lshsmile_slot3(int64_t r) {
    int64_t m = r % 3;
    return m < 0 ? m + 3 : m;
}

/* The flush to zero of every kernel; NaN stays NaN. */
static inline double lshsmile_flush(double v) {
    return fabs(v) < LSHSMILE_FLUSH_BELOW ? 0.0 : v;
}

/* Java's Math.min(Math.max(v, 0.0), 1.0), bit for bit: NaN stays NaN, -0.0 becomes 0.0. */
static inline double lshsmile_clamp01(double v) {
    return v <= 0.0 ? 0.0 : (v > 1.0 ? 1.0 : v);
}

/* Java's Math.max(u, floor) for a positive floor: NaN stays NaN. */
static inline double lshsmile_max_floor(double u, double floor_value) {
    return u < floor_value ? floor_value : u;
}

/*
 * simd's Log.log with the same operations in the same order, so C and Java give the same bits:
 * x = 2^k m with m in [sqrt(2)/2, sqrt(2)), f = m - 1, s = f / (2 + f),
 * log(1 + f) = f - (f^2/2 - s (f^2/2 + R(s^2))), k ln 2 added in two parts.
 * Domain: positive normal doubles, NaN and +infinity (returned unchanged).
 * Written without branches (selects instead) so gcc vectorises the nanovoid logarithm rows; the
 * selected values are the same as with Java's early return and if, so the bits are too.
 */
static inline double lshsmile_log_inline(double x) {
    const double ln2_hi = 6.93147180369123816490e-01;
    const double ln2_lo = 1.90821492927058770002e-10;
    const double sqrt2 = 1.4142135623730951;
    const double lg1 = 6.666666666666735130e-01;
    const double lg2 = 3.999999999940941908e-01;
    const double lg3 = 2.857142874366239149e-01;
    const double lg4 = 2.222219843214978396e-01;
    const double lg5 = 1.818357216161805012e-01;
    const double lg6 = 1.531383769920937332e-01;
    const double lg7 = 1.479819860511658591e-01;
    uint64_t bits;
    memcpy(&bits, &x, sizeof bits); /* the C99 way to read a double's bits without aliasing UB */
    double k = (double) ((int64_t) (bits >> 52) - 1023);
    uint64_t mbits = (bits & UINT64_C(0x000FFFFFFFFFFFFF)) | UINT64_C(0x3FF0000000000000);
    double m;
    memcpy(&m, &mbits, sizeof m);
    int big = m > sqrt2;
    m = big ? m * 0.5 : m;
    k = big ? k + 1.0 : k;
    double f = m - 1.0;
    double s = f / (2.0 + f);
    double z = s * s;
    double w = z * z;
    double t1 = w * (lg2 + w * (lg4 + w * lg6));
    double t2 = z * (lg1 + w * (lg3 + w * (lg5 + w * lg7)));
    double r = t2 + t1;
    double hfsq = (f * f) * 0.5;
    double result = k * ln2_hi - ((hfsq - (s * (hfsq + r) + k * ln2_lo)) - f);
    return x < INFINITY ? result : x; /* NaN stays NaN, +infinity stays +infinity */
}

#endif
