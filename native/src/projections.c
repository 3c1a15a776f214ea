/* Batched LSH projections and the max-abs-difference reduction. */
#include "internal.h"

/*
 * The dot product in simd's Projections order: 8 lane accumulators over the first d - d % 8 products,
 * folded as ((l0 + l4) + (l2 + l6)) + ((l1 + l5) + (l3 + l7)), then the tail one by one. Explicit
 * lanes (not an array) so gcc keeps them in one vector register without reassociating anything.
 */
static inline double dot8(const double *restrict a, const double *restrict x, int32_t d) {
    const int32_t m = d - d % LSHSMILE_PROJECTION_CHUNK;
    double l0 = 0.0, l1 = 0.0, l2 = 0.0, l3 = 0.0, l4 = 0.0, l5 = 0.0, l6 = 0.0, l7 = 0.0;
    for (int32_t k = 0; k < m; k += LSHSMILE_PROJECTION_CHUNK) {
        l0 = l0 + a[k] * x[k];
        l1 = l1 + a[k + 1] * x[k + 1];
        l2 = l2 + a[k + 2] * x[k + 2];
        l3 = l3 + a[k + 3] * x[k + 3];
        l4 = l4 + a[k + 4] * x[k + 4];
        l5 = l5 + a[k + 5] * x[k + 5];
        l6 = l6 + a[k + 6] * x[k + 6];
        l7 = l7 + a[k + 7] * x[k + 7];
    }
    double s = ((l0 + l4) + (l2 + l6)) + ((l1 + l5) + (l3 + l7));
    for (int32_t k = m; k < d; k++) {
        s = s + a[k] * x[k];
    }
    return s;
}

/* Java's (int) Math.floor(v): saturates at the int range, NaN gives 0 (a plain C cast would be UB). */
static inline int32_t floor_to_int(double v) {
    double f = floor(v);
    if (f != f) {
        return 0;
    }
    if (f >= 2147483647.0) {
        return INT32_MAX;
    }
    if (f <= -2147483648.0) {
        return INT32_MIN;
    }
    return (int32_t) f;
}

void lshsmile_project(const double *a, const double *b, int32_t rows, int32_t d, int64_t ds, const double *x,
                      int32_t n, int64_t dxs, double inv_r, int32_t *out_codes) {
    for (int32_t i = 0; i < n; i++) {
        const double *xi = x + (int64_t) i * dxs;
        int32_t *out = out_codes + (int64_t) i * rows;
        for (int32_t j = 0; j < rows; j++) {
            double s = dot8(a + (int64_t) j * ds, xi, d);
            out[j] = floor_to_int((s + b[j]) * inv_r);
        }
    }
}

double lshsmile_max_abs_diff(const double *x, const double *y, int64_t n) {
    /* 8 independent maxima (max is exact, so any grouping gives the same value) and a NaN count,
     * because a comparison-based max silently drops NaN. */
    double m[8] = {0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0};
    int64_t nan = 0;
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        for (int l = 0; l < 8; l++) {
            double v = fabs(x[i + l] - y[i + l]);
            m[l] = v > m[l] ? v : m[l];
            nan += v != v;
        }
    }
    for (; i < n; i++) {
        double v = fabs(x[i] - y[i]);
        m[0] = v > m[0] ? v : m[0];
        nan += v != v;
    }
    if (nan != 0) {
        return NAN;
    }
    double r = m[0];
    for (int l = 1; l < 8; l++) {
        r = m[l] > r ? m[l] : r;
    }
    return r;
}
