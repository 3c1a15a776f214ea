/*
 * Dense row-range step kernels: the operation order of simd's ScalarKernels, expression by
 * expression, so that (with -ffp-contract=off) the bits match the Java kernels.
 *
 * Boolean options (clamp, conservative, void_mask) are passed to static inline row functions as
 * constants from a switch in the exported function, so gcc compiles one branch-free loop per
 * combination and can vectorise it.
 */
#include "internal.h"

#if defined(__AVX512F__)
#include <immintrin.h>
#endif

/* Every grid pointer of one call is distinct memory (NativeKernels checks it): lets gcc vectorise. */
#define RESTRICT restrict

/* ---------------------------------------------------------------- grain growth */

#if defined(__AVX512F__)
/*
 * One field's update over the whole vectors [c, c_to) of a row, with its rows north of, at and south of the
 * updated one at north, mid and south (rows of a plane, or slots of the two-step pass's ring). As the Java
 * SIMD kernel: west and east from the aligned vectors before, at and after c by one valignq each, instead of
 * loads 8 bytes off a 64-byte boundary (each spans two cache lines). Same operations in the same order as
 * the scalar loop of gg_update_row, no FMA (-ffp-contract=off): the same bits. Reads mid[c-8 .. c_to+7].
 * ahead: a row to prefetch into L2 column by column (NULL: none).
 */
LSHSMILE_ALWAYS_INLINE void gg_update_vectors(const double *north, const double *mid, const double *south,
                                              const double *ahead, double *RESTRICT next,
                                              const double *RESTRICT sum_sq, int32_t c, int32_t c_to, double lq,
                                              double kq, double a, double b, double inv_dx2, int clamp,
                                              int stream) {
    const __m512d v_four = _mm512_set1_pd(4.0), v_inv = _mm512_set1_pd(inv_dx2), v_a = _mm512_set1_pd(a);
    const __m512d v_b = _mm512_set1_pd(b), v_two = _mm512_set1_pd(2.0), v_lq = _mm512_set1_pd(lq);
    const __m512d v_kq = _mm512_set1_pd(kq), v_tiny = _mm512_set1_pd(LSHSMILE_FLUSH_BELOW);
    const __m512d v_zero = _mm512_setzero_pd(), v_one = _mm512_set1_pd(1.0);
    __m512d before = _mm512_loadu_pd(mid + c - 8);
    __m512d at = _mm512_loadu_pd(mid + c);
    /* Streaming stores need 64-byte aligned addresses; c moves by whole vectors, so the first decides. */
    const int nt = stream && ((uintptr_t) (next + c) & 63) == 0;
    for (; c + 8 <= c_to; c += 8) {
        __m512d ctr = at;
        /* The row after the south neighbour, into L2: the next row's pass reads it as its south. The
         * hardware prefetchers restart at every 4 KB page and juggle one stream per field plane; this
         * takes a tenth to a fifth off the step at 2048^2 Q = 8 (bench/README.md). Prefetches never fault,
         * so the rows past the last plane's end are harmless. */
        if (ahead != NULL) {
            _mm_prefetch((const char *) (ahead + c), _MM_HINT_T1);
        }
        __m512d after = _mm512_loadu_pd(mid + c + 8);
        __m512d w = _mm512_castsi512_pd(_mm512_alignr_epi64(_mm512_castpd_si512(ctr),
                                                            _mm512_castpd_si512(before), 7));
        __m512d e = _mm512_castsi512_pd(_mm512_alignr_epi64(_mm512_castpd_si512(after),
                                                            _mm512_castpd_si512(ctr), 1));
        __m512d n = _mm512_loadu_pd(north + c);
        __m512d s = _mm512_loadu_pd(south + c);
        __m512d lap = _mm512_mul_pd(_mm512_sub_pd(_mm512_add_pd(_mm512_add_pd(w, e), _mm512_add_pd(n, s)),
                                                  _mm512_mul_pd(v_four, ctr)), v_inv);
        __m512d sq = _mm512_mul_pd(ctr, ctr);
        __m512d other = _mm512_sub_pd(_mm512_loadu_pd(sum_sq + c), sq);
        __m512d bulk = _mm512_mul_pd(ctr, _mm512_add_pd(_mm512_sub_pd(_mm512_mul_pd(v_b, sq), v_a),
                                                        _mm512_mul_pd(v_two, other)));
        __m512d v = _mm512_sub_pd(ctr, _mm512_mul_pd(v_lq, _mm512_sub_pd(bulk, _mm512_mul_pd(v_kq, lap))));
        v = _mm512_mask_blend_pd(_mm512_cmp_pd_mask(_mm512_abs_pd(v), v_tiny, _CMP_LT_OQ), v, v_zero);
        if (clamp) {
            v = _mm512_mask_blend_pd(_mm512_cmp_pd_mask(v, v_zero, _CMP_LE_OQ), v, v_zero);
            v = _mm512_mask_blend_pd(_mm512_cmp_pd_mask(v, v_one, _CMP_GT_OQ), v, v_one);
        }
        if (nt) {
            _mm512_stream_pd(next + c, v);
        } else {
            _mm512_storeu_pd(next + c, v);
        }
        before = ctr;
        at = after;
    }
}
#endif

/* One field's update of columns [col_from, col_to) of a row: whole vectors where the row's layout allows,
 * then one column at a time. north, mid, south, ahead: as gg_update_vectors. */
LSHSMILE_ALWAYS_INLINE void gg_update_row(const double *north, const double *mid, const double *south,
                                          const double *ahead, double *RESTRICT next,
                                          const double *RESTRICT sum_sq, int64_t row_stride, int32_t col_from,
                                          int32_t col_to, double lq, double kq, double a, double b,
                                          double inv_dx2, int clamp, int stream) {
    int32_t c = col_from;
    (void) stream; /* used by the AVX-512 path only */
    (void) ahead;
    (void) row_stride;
#if defined(__AVX512F__)
    /* Only where the vectors before the first column and after the last stay inside this row (Grid's layout:
     * interior at column 8, rows padded to 8): NativeKernels checks a halo of one column, not eight. */
    if (col_to - c >= 8 && col_from >= 8 && col_from + ((col_to - col_from) & ~7) + 8 <= row_stride) {
        int32_t vec_to = col_from + ((col_to - col_from) & ~7);
        gg_update_vectors(north, mid, south, ahead, next, sum_sq, c, vec_to, lq, kq, a, b, inv_dx2, clamp,
                          stream);
        c = vec_to;
    }
#endif
    for (; c < col_to; c++) {
        double ctr = mid[c];
        double w = mid[c - 1];
        double e = mid[c + 1];
        double n = north[c];
        double s = south[c];
        double lap = (((w + e) + (n + s)) - 4.0 * ctr) * inv_dx2;
        double sq = ctr * ctr;
        double other = sum_sq[c] - sq;
        double bulk = ctr * ((b * sq - a) + 2.0 * other);
        double v = lshsmile_flush(ctr - lq * (bulk - kq * lap));
        next[c] = clamp ? lshsmile_clamp01(v) : v;
    }
}

/* S = sum_f rows[f * field_stride + c]^2 into s[c] for c in [from, to): field by field over the row (one
 * stream at a time), the same order per cell as the Java kernels: s = e0 e0, then s + e_f e_f. */
LSHSMILE_ALWAYS_INLINE void gg_sum_sq(const double *rows, int64_t field_stride, int32_t q, double *RESTRICT s,
                                      int32_t from, int32_t to) {
    const double *RESTRICT e0 = rows;
    for (int32_t c = from; c < to; c++) {
        s[c] = e0[c] * e0[c];
    }
    for (int32_t f = 1; f < q; f++) {
        const double *RESTRICT ef = rows + (int64_t) f * field_stride;
        for (int32_t c = from; c < to; c++) {
            s[c] = s[c] + ef[c] * ef[c];
        }
    }
}

void lshsmile_grain_growth_rows(const double *cur, double *next, double *sum_sq, int32_t q,
                                int64_t plane_stride, int64_t row_stride, int32_t row_from, int32_t row_to,
                                int32_t col_from, int32_t nx, const double *ldt, const double *kappa, double a,
                                double b, double inv_dx2, int32_t clamp) {
    const int32_t col_to = col_from + nx;
    /* A state this large does not stay in the caches until the next step reads it: stream it past them, so
     * the store does not first read the old line (one third of the traffic of a copy). Smaller states are
     * reread from the caches, where streaming would send them to memory and back. */
    const int stream = (uint64_t) q * (uint64_t) plane_stride * sizeof(double) >= LSHSMILE_STREAM_MIN_BYTES;
    for (int32_t r = row_from; r < row_to; r++) {
        const int64_t row = (int64_t) r * row_stride;
        gg_sum_sq(cur + row, plane_stride, q, sum_sq, col_from, col_to);
        for (int32_t f = 0; f < q; f++) {
            const double *mid = cur + (int64_t) f * plane_stride + row;
            double *out = next + (int64_t) f * plane_stride + row;
            const double *ahead = mid + 2 * row_stride;
            if (stream) {
                gg_update_row(mid - row_stride, mid, mid + row_stride, ahead, out, sum_sq, row_stride, col_from,
                              col_to, ldt[f], kappa[f], a, b, inv_dx2, clamp != 0, 1);
            } else if (clamp) {
                gg_update_row(mid - row_stride, mid, mid + row_stride, ahead, out, sum_sq, row_stride, col_from,
                              col_to, ldt[f], kappa[f], a, b, inv_dx2, 1, 0);
            } else {
                gg_update_row(mid - row_stride, mid, mid + row_stride, ahead, out, sum_sq, row_stride, col_from,
                              col_to, ldt[f], kappa[f], a, b, inv_dx2, 0, 0);
            }
        }
    }
#if defined(__AVX512F__)
    /* Streaming stores are weakly ordered: make them visible before the caller's barrier releases the rows. */
    if (stream) {
        _mm_sfence();
    }
#endif
}

/* The first step of a two-step pass for one field's row: every whole vector of the padded row (halo and
 * padding columns included; the second step reads only columns col_from-1 .. col_from+nx of it). */
LSHSMILE_ALWAYS_INLINE void gg_first_row(const double *mid, int64_t row_stride, double *RESTRICT out,
                                         const double *RESTRICT sum_sq, double lq, double kq, double a, double b,
                                         double inv_dx2, int clamp) {
#if defined(__AVX512F__)
    gg_update_vectors(mid - row_stride, mid, mid + row_stride, mid + 2 * row_stride, out, sum_sq, 0,
                      (int32_t) row_stride, lq, kq, a, b, inv_dx2, clamp, 0);
#else
    gg_update_row(mid - row_stride, mid, mid + row_stride, NULL, out, sum_sq, row_stride, 0, (int32_t) row_stride,
                  lq, kq, a, b, inv_dx2, clamp, 0);
#endif
}

LSHSMILE_ALWAYS_INLINE void gg_pair_rows(const double *cur, double *next, double *scratch, int32_t q,
                                         int64_t plane_stride, int64_t row_stride, int32_t row_from,
                                         int32_t row_to, int32_t col_from, int32_t nx, const double *ldt,
                                         const double *kappa, double a, double b, double inv_dx2, int clamp,
                                         int stream) {
    const int32_t col_to = col_from + nx;
    double *sum_sq = scratch;
    double *ring = scratch + row_stride;
    const int64_t field_ring = 3 * row_stride;
    for (int32_t r = row_from - 1; r <= row_to; r++) {
        const int64_t row = (int64_t) r * row_stride;
        const int64_t slot = lshsmile_slot3(r) * row_stride;
        gg_sum_sq(cur + row, plane_stride, q, sum_sq, 0, (int32_t) row_stride);
        for (int32_t f = 0; f < q; f++) {
            gg_first_row(cur + (int64_t) f * plane_stride + row, row_stride, ring + f * field_ring + slot, sum_sq,
                         ldt[f], kappa[f], a, b, inv_dx2, clamp);
        }
        if (r > row_from) {
            /* the first step now holds rows r-2, r-1, r: the second step of row r-1 */
            const int32_t u = r - 1;
            const int64_t north = lshsmile_slot3((int64_t) u - 1) * row_stride;
            const int64_t mid = lshsmile_slot3(u) * row_stride;
            gg_sum_sq(ring + mid, field_ring, q, sum_sq, col_from, col_to);
            for (int32_t f = 0; f < q; f++) {
                const double *fr = ring + f * field_ring;
                gg_update_row(fr + north, fr + mid, fr + slot, NULL,
                              next + (int64_t) f * plane_stride + (int64_t) u * row_stride, sum_sq, row_stride,
                              col_from, col_to, ldt[f], kappa[f], a, b, inv_dx2, clamp, stream);
            }
        }
    }
}

void lshsmile_grain_growth_pair_rows(const double *cur, double *next, double *scratch, int32_t q,
                                     int64_t plane_stride, int64_t row_stride, int32_t row_from, int32_t row_to,
                                     int32_t col_from, int32_t nx, const double *ldt, const double *kappa,
                                     double a, double b, double inv_dx2, int32_t clamp) {
    /* as lshsmile_grain_growth_rows: stream the second step's stores past the caches for large states */
    const int stream = (uint64_t) q * (uint64_t) plane_stride * sizeof(double) >= LSHSMILE_STREAM_MIN_BYTES;
    if (clamp) {
        gg_pair_rows(cur, next, scratch, q, plane_stride, row_stride, row_from, row_to, col_from, nx, ldt, kappa,
                     a, b, inv_dx2, 1, stream);
    } else {
        gg_pair_rows(cur, next, scratch, q, plane_stride, row_stride, row_from, row_to, col_from, nx, ldt, kappa,
                     a, b, inv_dx2, 0, stream);
    }
#if defined(__AVX512F__)
    if (stream) {
        _mm_sfence();
    }
#endif
}

/* ---------------------------------------------------------------- Cahn-Hilliard */

/* c' = c + mdt lap(mu) for row r, columns [col_from, col_to); mu rows are slots r mod 3. */
static void ch_update_row(const double *RESTRICT cur, double *RESTRICT next, const double *RESTRICT mu_rows,
                          int64_t row_stride, int32_t r, int32_t col_from, int32_t col_to, double mdt,
                          double inv_dx2) {
    const int64_t row = (int64_t) r * row_stride;
    const double *up = mu_rows + lshsmile_slot3((int64_t) r - 1) * row_stride;
    const double *mid = mu_rows + lshsmile_slot3(r) * row_stride;
    const double *down = mu_rows + lshsmile_slot3((int64_t) r + 1) * row_stride;
    for (int32_t c = col_from; c < col_to; c++) {
        double m = mid[c];
        double lap = (((mid[c - 1] + mid[c + 1]) + (up[c] + down[c])) - 4.0 * m) * inv_dx2;
        double v = cur[row + c] + mdt * lap;
        next[row + c] = lshsmile_flush(v);
    }
}

void lshsmile_cahn_hilliard_rows(const double *cur, double *next, double *mu_rows, int64_t row_stride,
                                 int32_t row_from, int32_t row_to, int32_t col_from, int32_t nx, double mdt,
                                 double kappa, double rho, double ca, double cb, double inv_dx2) {
    const double two_rho = 2.0 * rho;
    const double sum = ca + cb;
    for (int32_t r = row_from - 1; r <= row_to; r++) {
        const double *RESTRICT cr = cur + (int64_t) r * row_stride;
        double *RESTRICT mu = mu_rows + lshsmile_slot3(r) * row_stride;
        for (int32_t c = col_from - 1; c <= col_from + nx; c++) {
            double ctr = cr[c];
            double lap = (((cr[c - 1] + cr[c + 1]) + (cr[c - row_stride] + cr[c + row_stride])) - 4.0 * ctr)
                         * inv_dx2;
            double df = ((two_rho * (ctr - ca)) * (cb - ctr)) * (sum - 2.0 * ctr);
            mu[c] = df - kappa * lap;
        }
        if (r >= row_from + 1) {
            ch_update_row(cur, next, mu_rows, row_stride, r - 1, col_from, col_from + nx, mdt, inv_dx2);
        }
    }
}

/* ---------------------------------------------------------------- nanovoid */

/* Scratch rows of ln c_v, ln c_i and ln(1 - c_v - c_i): first row of each rolling triple. */
#define NV_LOG_V 6
#define NV_LOG_I 9
#define NV_LOG_R 12

/* The masked logarithms of row r, columns [from, to], into their rolling scratch rows. */
static void nv_log_row(const double *RESTRICT cur, double *RESTRICT scratch, int64_t plane_stride,
                       int64_t row_stride, int32_t r, int32_t from, int32_t to) {
    const double eps = LSHSMILE_NV_EPS;
    const double *cv_row = cur + (int64_t) r * row_stride;
    const double *ci_row = cv_row + plane_stride;
    const int64_t slot = lshsmile_slot3(r) * row_stride;
    double *lv = scratch + NV_LOG_V * row_stride + slot;
    double *li = scratch + NV_LOG_I * row_stride + slot;
    double *lr = scratch + NV_LOG_R * row_stride + slot;
    for (int32_t c = from; c <= to; c++) {
        double cv = cv_row[c];
        double ci = ci_row[c];
        double rest = (1.0 - cv) - ci;
        lv[c] = lshsmile_log_inline(lshsmile_max_floor(cv, eps));
        li[c] = lshsmile_log_inline(lshsmile_max_floor(ci, eps));
        lr[c] = lshsmile_log_inline(lshsmile_max_floor(rest, eps));
    }
}

/* mu_v and mu_i of row r, columns [from, to], into slots (r mod 3) and 3 + (r mod 3). */
LSHSMILE_ALWAYS_INLINE void nv_mu_row(const double *RESTRICT cur, double *RESTRICT scratch, int64_t plane_stride,
                             int64_t row_stride, int32_t r, int32_t from, int32_t to, const double *p,
                             int void_mask) {
    const double ev = p[LSHSMILE_NV_EV];
    const double ei = p[LSHSMILE_NV_EI];
    const double kt = p[LSHSMILE_NV_KT];
    const double kv = p[LSHSMILE_NV_KV];
    const double ki = p[LSHSMILE_NV_KI];
    const double inv = p[LSHSMILE_NV_INV_DX2];
    const double eps = LSHSMILE_NV_EPS;
    const double *cvr = cur + (int64_t) r * row_stride;
    const double *cir = cvr + plane_stride;
    const double *etr = cvr + 2 * plane_stride;
    const int64_t slot_v = lshsmile_slot3(r) * row_stride;
    double *mu_v = scratch + slot_v;
    double *mu_i = scratch + 3 * row_stride + slot_v;
    const double *log_v = scratch + NV_LOG_V * row_stride + slot_v;
    const double *log_i = scratch + NV_LOG_I * row_stride + slot_v;
    const double *log_r = scratch + NV_LOG_R * row_stride + slot_v;
    for (int32_t c = from; c <= to; c++) {
        double cv = cvr[c];
        double ci = cir[c];
        double eta = etr[c];
        double lap_v = (((cvr[c - 1] + cvr[c + 1]) + (cvr[c - row_stride] + cvr[c + row_stride])) - 4.0 * cv) * inv;
        double lap_i = (((cir[c - 1] + cir[c + 1]) + (cir[c - row_stride] + cir[c + row_stride])) - 4.0 * ci) * inv;
        double em1 = eta - 1.0;
        double h = em1 * em1;
        double j = eta * eta;
        double rest = (1.0 - cv) - ci;
        double lr = log_r[c];
        double dfv = ev + kt * (log_v[c] - lr);
        double dfi = ei + kt * (log_i[c] - lr);
        if (void_mask && rest < eps) {
            dfv = 0.0;
            dfi = 0.0;
        }
        mu_v[c] = (h * dfv + j * (2.0 * (cv - 1.0))) - kv * lap_v;
        mu_i[c] = (h * dfi + j * (2.0 * ci)) - ki * lap_i;
    }
}

/* m c lap(mu) (literal) or div(m c grad mu) with face mobilities (conservative); c at conc. */
LSHSMILE_ALWAYS_INLINE double nv_divergence(const double *conc, const double *mu_mid, const double *mu_up,
                                   const double *mu_down, int64_t row_stride, double m, double inv,
                                   int conservative) {
    double mu_c = mu_mid[0];
    double mu_w = mu_mid[-1];
    double mu_e = mu_mid[1];
    double mu_n = mu_up[0];
    double mu_s = mu_down[0];
    double c = conc[0];
    if (!conservative) {
        return (m * c) * ((((mu_w + mu_e) + (mu_n + mu_s)) - 4.0 * mu_c) * inv);
    }
    double mc = m * c;
    double mw = m * conc[-1];
    double me = m * conc[1];
    double mn = m * conc[-row_stride];
    double ms = m * conc[row_stride];
    return ((((mc + me) * (mu_e - mu_c)) - ((mw + mc) * (mu_c - mu_w)))
            + (((mc + ms) * (mu_s - mu_c)) - ((mn + mc) * (mu_c - mu_n)))) * (0.5 * inv);
}

/* The update of row u, columns [from, to), from mu rows u-1, u, u+1. */
LSHSMILE_ALWAYS_INLINE void nv_update_row(const double *RESTRICT cur, double *RESTRICT next,
                                 const double *RESTRICT scratch, int64_t plane_stride, int64_t row_stride,
                                 int32_t u, int32_t from, int32_t to, const double *p, int conservative,
                                 int void_mask, int clamp) {
    const double dt = p[LSHSMILE_NV_DT];
    const double ev = p[LSHSMILE_NV_EV];
    const double ei = p[LSHSMILE_NV_EI];
    const double kt = p[LSHSMILE_NV_KT];
    const double ke = p[LSHSMILE_NV_KE];
    const double rb = p[LSHSMILE_NV_R_BULK];
    const double rs = p[LSHSMILE_NV_R_SURF];
    const double mv = p[LSHSMILE_NV_DV] / kt;
    const double mi = p[LSHSMILE_NV_DI] / kt;
    const double mob = p[LSHSMILE_NV_L];
    const double inv = p[LSHSMILE_NV_INV_DX2];
    const double eps = LSHSMILE_NV_EPS;
    const int64_t row = (int64_t) u * row_stride;
    const double *cvr = cur + row;
    const double *cir = cvr + plane_stride;
    const double *etr = cvr + 2 * plane_stride;
    double *nvr = next + row;
    double *nir = nvr + plane_stride;
    double *ner = nvr + 2 * plane_stride;
    const int64_t v_up = lshsmile_slot3((int64_t) u - 1) * row_stride;
    const int64_t v_mid = lshsmile_slot3(u) * row_stride;
    const int64_t v_down = lshsmile_slot3((int64_t) u + 1) * row_stride;
    const double *muv_up = scratch + v_up;
    const double *muv_mid = scratch + v_mid;
    const double *muv_down = scratch + v_down;
    const double *mui_up = muv_up + 3 * row_stride;
    const double *mui_mid = muv_mid + 3 * row_stride;
    const double *mui_down = muv_down + 3 * row_stride;
    const double *log_v = scratch + NV_LOG_V * row_stride + v_mid;
    const double *log_i = scratch + NV_LOG_I * row_stride + v_mid;
    const double *log_r = scratch + NV_LOG_R * row_stride + v_mid;
    for (int32_t c = from; c < to; c++) {
        double cv = cvr[c];
        double ci = cir[c];
        double eta = etr[c];
        double div_v = nv_divergence(cvr + c, muv_mid + c, muv_up + c, muv_down + c, row_stride, mv, inv,
                                     conservative);
        double div_i = nv_divergence(cir + c, mui_mid + c, mui_up + c, mui_down + c, row_stride, mi, inv,
                                     conservative);
        double rec = ((rb + rs * (eta * eta)) * cv) * ci;
        double lap_e = (((etr[c - 1] + etr[c + 1]) + (etr[c - row_stride] + etr[c + row_stride])) - 4.0 * eta) * inv;
        double rest = (1.0 - cv) - ci;
        double lr = log_r[c];
        double fs = (ev * cv + ei * ci) + kt * ((cv * log_v[c] + ci * log_i[c]) + rest * lr);
        if (void_mask && rest < eps) {
            fs = 0.0;
        }
        double cvm1 = cv - 1.0;
        double fv = cvm1 * cvm1 + ci * ci;
        double d_eta = -mob * (((2.0 * (eta - 1.0)) * fs + (2.0 * eta) * fv) - ke * lap_e);
        double nv = lshsmile_flush(cv + dt * (div_v - rec));
        double ni = lshsmile_flush(ci + dt * (div_i - rec));
        double ne = lshsmile_flush(eta + dt * d_eta);
        if (clamp) {
            nv = lshsmile_clamp01(nv);
            ni = lshsmile_clamp01(ni);
            ne = lshsmile_clamp01(ne);
        }
        nvr[c] = nv;
        nir[c] = ni;
        ner[c] = ne;
    }
}

/* One row band with the three options fixed at compile time (see the file comment). */
LSHSMILE_ALWAYS_INLINE void nv_rows(const double *cur, double *next, double *scratch, int64_t plane_stride,
                           int64_t row_stride, int32_t row_from, int32_t row_to, int32_t col_from, int32_t nx,
                           const double *p, int conservative, int void_mask, int clamp) {
    for (int32_t r = row_from - 1; r <= row_to; r++) {
        nv_log_row(cur, scratch, plane_stride, row_stride, r, col_from - 1, col_from + nx);
        nv_mu_row(cur, scratch, plane_stride, row_stride, r, col_from - 1, col_from + nx, p, void_mask);
        if (r >= row_from + 1) {
            nv_update_row(cur, next, scratch, plane_stride, row_stride, r - 1, col_from, col_from + nx, p,
                          conservative, void_mask, clamp);
        }
    }
}

void lshsmile_nanovoid_rows(const double *cur, double *next, double *scratch, int64_t plane_stride,
                            int64_t row_stride, int32_t row_from, int32_t row_to, int32_t col_from, int32_t nx,
                            const double *p, int32_t conservative, int32_t void_mask, int32_t clamp) {
    const int key = (conservative ? 4 : 0) | (void_mask ? 2 : 0) | (clamp ? 1 : 0);
    switch (key) {
    case 0: nv_rows(cur, next, scratch, plane_stride, row_stride, row_from, row_to, col_from, nx, p, 0, 0, 0); break;
    case 1: nv_rows(cur, next, scratch, plane_stride, row_stride, row_from, row_to, col_from, nx, p, 0, 0, 1); break;
    case 2: nv_rows(cur, next, scratch, plane_stride, row_stride, row_from, row_to, col_from, nx, p, 0, 1, 0); break;
    case 3: nv_rows(cur, next, scratch, plane_stride, row_stride, row_from, row_to, col_from, nx, p, 0, 1, 1); break;
    case 4: nv_rows(cur, next, scratch, plane_stride, row_stride, row_from, row_to, col_from, nx, p, 1, 0, 0); break;
    case 5: nv_rows(cur, next, scratch, plane_stride, row_stride, row_from, row_to, col_from, nx, p, 1, 0, 1); break;
    case 6: nv_rows(cur, next, scratch, plane_stride, row_stride, row_from, row_to, col_from, nx, p, 1, 1, 0); break;
    default: nv_rows(cur, next, scratch, plane_stride, row_stride, row_from, row_to, col_from, nx, p, 1, 1, 1); break;
    }
}
