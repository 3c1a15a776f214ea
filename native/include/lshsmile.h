/*
 * lshsmile native kernels: flat C99 signatures bound from Java through FFM (java-bindings/).
 *
 * Layout contract (the same as the Java kernels in simd/): a field plane is plane_stride doubles, a
 * row is row_stride doubles, element (field f, row r, column c) is at double index
 * f * plane_stride + r * row_stride + c. Rows and columns are padded coordinates; the caller has
 * filled the halo. Every function trusts its arguments: java-bindings' NativeKernels checks sizes and
 * bounds in Java before the call, so the loops here carry no checks.
 *
 * Results are bit-for-bit those of simd's ScalarKernels / ScalarProjections: same operation order,
 * no fused multiply-add (the library is compiled with -ffp-contract=off), the same subnormal flush.
 * Pointers passed to one call must not overlap unless stated (cur and next, scratch and both).
 */
#ifndef LSHSMILE_H
#define LSHSMILE_H

#include <stdint.h>

#if defined(_WIN32)
#  define LSHSMILE_API __declspec(dllexport)
#else
#  define LSHSMILE_API __attribute__((visibility("default")))
#endif

/* Version of this library's ABI; java-bindings refuses a library whose version differs. */
#define LSHSMILE_ABI_VERSION 3

/* Values with a smaller magnitude are flushed to 0 (subnormals cost 2-20x per operation on x86). */
#define LSHSMILE_FLUSH_BELOW 1e-150

/* Number of lane accumulators of every projection dot product. */
#define LSHSMILE_PROJECTION_CHUNK 8

/* Indices into the parameter array of lshsmile_nanovoid_rows (simd's StencilKernels.Nanovoid). */
#define LSHSMILE_NV_DT 0
#define LSHSMILE_NV_EV 1
#define LSHSMILE_NV_EI 2
#define LSHSMILE_NV_KT 3
#define LSHSMILE_NV_KV 4
#define LSHSMILE_NV_KI 5
#define LSHSMILE_NV_KE 6
#define LSHSMILE_NV_R_BULK 7
#define LSHSMILE_NV_R_SURF 8
#define LSHSMILE_NV_DV 9
#define LSHSMILE_NV_DI 10
#define LSHSMILE_NV_L 11
#define LSHSMILE_NV_INV_DX2 12
/* Length of the nanovoid parameter array. */
#define LSHSMILE_NV_PARAM_COUNT 13
/* Floor of the masked logarithm, and the void-interior threshold on 1 - c_v - c_i. */
#define LSHSMILE_NV_EPS 1e-6
/* Doubles of scratch per row_stride the nanovoid kernel needs (mu_v, mu_i, three logarithms; 3 rows each). */
#define LSHSMILE_NV_SCRATCH_ROWS 15
/* Doubles of scratch per row_stride the Cahn-Hilliard kernel needs (three rows of mu). */
#define LSHSMILE_CH_SCRATCH_ROWS 3

/* Returns LSHSMILE_ABI_VERSION. */
LSHSMILE_API int32_t lshsmile_abi_version(void);

/* Returns a static, NUL-terminated description of the build: version, ABI, compiler, ISA flags. */
LSHSMILE_API const char *lshsmile_build_info(void);

/*
 * One explicit-Euler step of Fan-Chen grain growth for rows [row_from, row_to), columns
 * [col_from, col_from + nx) of q planes:
 *   S = sum_r eta_r^2
 *   eta_q' = eta_q - ldt[q] * (eta_q * ((b eta_q^2 - a) + 2 (S - eta_q^2)) - kappa[q] * lap(eta_q))
 * then the flush to zero and, if clamp != 0, a clamp to [0, 1]. Reads rows row_from-1 .. row_to and
 * columns col_from-1 .. col_from+nx of cur. sum_sq: scratch of at least row_stride doubles.
 */
LSHSMILE_API void lshsmile_grain_growth_rows(const double *cur, double *next, double *sum_sq, int32_t q,
                                             int64_t plane_stride, int64_t row_stride, int32_t row_from,
                                             int32_t row_to, int32_t col_from, int32_t nx, const double *ldt,
                                             const double *kappa, double a, double b, double inv_dx2,
                                             int32_t clamp);

/*
 * Two grain-growth steps in one pass for rows [row_from, row_to): the bits of lshsmile_grain_growth_rows over
 * every interior row, a halo refresh, then lshsmile_grain_growth_rows over [row_from, row_to) again. The first
 * step is computed for rows row_from-1 .. row_to over every whole vector of the padded rows into a rolling
 * buffer of three rows per field; a halo of two rows and columns (corners filled) makes its ghost values
 * exact for periodic and mirror boundaries. Reads rows row_from-2 .. row_to+1 of cur and the 8 values
 * before each of those rows; row_stride must be a multiple of 8. scratch: at least (3 q + 1) * row_stride
 * doubles.
 */
LSHSMILE_API void lshsmile_grain_growth_pair_rows(const double *cur, double *next, double *scratch, int32_t q,
                                                  int64_t plane_stride, int64_t row_stride, int32_t row_from,
                                                  int32_t row_to, int32_t col_from, int32_t nx,
                                                  const double *ldt, const double *kappa, double a, double b,
                                                  double inv_dx2, int32_t clamp);

/*
 * One explicit-Euler step of Cahn-Hilliard (PFHub benchmark 1) for rows [row_from, row_to):
 *   mu = 2 rho (c - ca)(cb - c)(ca + cb - 2c) - kappa lap(c);  c' = c + mdt lap(mu)
 * mu goes to a rolling buffer of three rows (mu_rows: at least 3 * row_stride doubles). Reads rows
 * row_from-2 .. row_to+1 and columns col_from-2 .. col_from+nx+1 of cur.
 */
LSHSMILE_API void lshsmile_cahn_hilliard_rows(const double *cur, double *next, double *mu_rows,
                                              int64_t row_stride, int32_t row_from, int32_t row_to,
                                              int32_t col_from, int32_t nx, double mdt, double kappa,
                                              double rho, double ca, double cb, double inv_dx2);

/*
 * One explicit-Euler step of the nanovoid model for rows [row_from, row_to); planes 0, 1, 2 are c_v,
 * c_i, eta; p holds LSHSMILE_NV_PARAM_COUNT parameters indexed by LSHSMILE_NV_*. conservative,
 * void_mask and clamp are booleans (0 or not). scratch: at least 15 * row_stride doubles. Reads rows
 * row_from-2 .. row_to+1 and columns col_from-2 .. col_from+nx+1 of cur.
 */
LSHSMILE_API void lshsmile_nanovoid_rows(const double *cur, double *next, double *scratch, int64_t plane_stride,
                                         int64_t row_stride, int32_t row_from, int32_t row_to, int32_t col_from,
                                         int32_t nx, const double *p, int32_t conservative, int32_t void_mask,
                                         int32_t clamp);

/*
 * The project's deterministic natural logarithm (simd's Log, same operations, same bits) for
 * positive normal doubles, NaN and +infinity.
 */
LSHSMILE_API double lshsmile_log(double x);

/*
 * Batched LSH projections: out_codes[i * rows + j] = (int32_t) floor((a_j . x_i + b[j]) * inv_r),
 * a_j at a + j * ds, x_i at x + i * dxs, the dot product summed in simd's Projections order (8 lane
 * accumulators, halving folds, tail), the conversion saturating like Java's (NaN gives 0).
 */
LSHSMILE_API void lshsmile_project(const double *a, const double *b, int32_t rows, int32_t d, int64_t ds,
                                   const double *x, int32_t n, int64_t dxs, double inv_r, int32_t *out_codes);

/* max over i < n of |x[i] - y[i]|; NaN if any difference is NaN; 0 when n is 0. */
LSHSMILE_API double lshsmile_max_abs_diff(const double *x, const double *y, int64_t n);

#endif
