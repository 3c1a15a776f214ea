/*
 * lshsmile MPI shim: a flat C API over MPI_COMM_WORLD, bound from Java through FFM (java-bindings'
 * lshsmile_mpi_h and its checked facade Mpi). Debian's Open MPI ships no Java bindings (no mpi.jar),
 * so distributed runs call MPI through this small library, built with mpicc into
 * native/target/liblshsmile_mpi.so (linked against libmpi).
 *
 * Every function but the version queries returns LSHSMILE_MPI_OK (0) or an error: a positive MPI error
 * code (the shim installs MPI_ERRORS_RETURN on MPI_COMM_WORLD, so MPI errors come back instead of
 * aborting) or a negative LSHSMILE_MPI_ERR_* code of the shim. After a failure
 * lshsmile_mpi_last_error() describes it in one line. Not thread-safe: the caller serialises calls
 * (the Java facade does), which is what MPI_THREAD_SERIALIZED asks of it anyway.
 *
 * Counts are in elements and must fit MPI's int; the shim refuses larger ones with
 * LSHSMILE_MPI_ERR_ARG. Pointers are trusted: the Java facade checks sizes before the call.
 *
 * Halo exchange along a 1-D decomposition of ranks 0 .. size-1: the lower neighbour of rank r is r-1,
 * the upper r+1; at the ends it is MPI_PROC_NULL (nothing sent or received, the receive buffer left
 * untouched) unless periodic, where rank 0's lower neighbour is size-1 and size-1's upper is 0 (with
 * one rank, the rank itself). send_lower goes to the lower neighbour, which receives it in recv_upper;
 * send_upper goes to the upper neighbour, which receives it in recv_lower.
 */
#ifndef LSHSMILE_MPI_H
#define LSHSMILE_MPI_H

#include <stdint.h>

#if defined(_WIN32)
#  define LSHSMILE_MPI_API __declspec(dllexport)
#else
#  define LSHSMILE_MPI_API __attribute__((visibility("default")))
#endif

/* Version of this library's ABI; java-bindings refuses a library whose version differs. */
#define LSHSMILE_MPI_ABI_VERSION 1

/* Success. */
#define LSHSMILE_MPI_OK 0
/* Called before lshsmile_mpi_init or after lshsmile_mpi_finalize (or init called twice). */
#define LSHSMILE_MPI_ERR_STATE -1
/* An argument MPI cannot take: a count above INT_MAX, a bad operation or root. */
#define LSHSMILE_MPI_ERR_ARG -2

/* Operations of lshsmile_mpi_allreduce_double. */
#define LSHSMILE_MPI_OP_SUM 0
#define LSHSMILE_MPI_OP_MAX 1
#define LSHSMILE_MPI_OP_MIN 2

/* Thread levels of lshsmile_mpi_init (MPI_THREAD_SINGLE .. MPI_THREAD_MULTIPLE). */
#define LSHSMILE_MPI_THREAD_SINGLE 0
#define LSHSMILE_MPI_THREAD_FUNNELED 1
#define LSHSMILE_MPI_THREAD_SERIALIZED 2
#define LSHSMILE_MPI_THREAD_MULTIPLE 3

/* The neighbour "rank" of a non-periodic end (MPI_PROC_NULL's value in this API). */
#define LSHSMILE_MPI_PROC_NULL -1

/* Bytes of caller-provided storage for one nonblocking halo exchange (>= the shim's request state). */
#define LSHSMILE_MPI_HALO_REQUEST_BYTES 64

/* Returns LSHSMILE_MPI_ABI_VERSION. Callable at any time. */
LSHSMILE_MPI_API int32_t lshsmile_mpi_abi_version(void);

/* MPI_Get_library_version: a static, NUL-terminated line (the first line of it). Callable at any time. */
LSHSMILE_MPI_API const char *lshsmile_mpi_library_version(void);

/* One line describing the last failure of this library ("" when none yet); static storage. */
LSHSMILE_MPI_API const char *lshsmile_mpi_last_error(void);

/*
 * MPI_Init_thread(NULL, NULL, required, provided) with required one of LSHSMILE_MPI_THREAD_*, then
 * MPI_ERRORS_RETURN on MPI_COMM_WORLD. *provided receives the level MPI granted (may be lower).
 */
LSHSMILE_MPI_API int32_t lshsmile_mpi_init(int32_t required, int32_t *provided);

/* 1 when MPI is initialised and not finalised, else 0. Callable at any time. */
LSHSMILE_MPI_API int32_t lshsmile_mpi_initialized(void);

/* 1 when MPI has been finalised, else 0. Callable at any time. */
LSHSMILE_MPI_API int32_t lshsmile_mpi_finalized(void);

/* This process's rank in MPI_COMM_WORLD. */
LSHSMILE_MPI_API int32_t lshsmile_mpi_rank(int32_t *rank);

/* The number of ranks in MPI_COMM_WORLD. */
LSHSMILE_MPI_API int32_t lshsmile_mpi_size(int32_t *size);

/* MPI_Barrier on MPI_COMM_WORLD. */
LSHSMILE_MPI_API int32_t lshsmile_mpi_barrier(void);

/* MPI_Abort(MPI_COMM_WORLD, code): ends every rank; returns only if MPI could not abort. */
LSHSMILE_MPI_API int32_t lshsmile_mpi_abort(int32_t code);

/* MPI_Finalize. */
LSHSMILE_MPI_API int32_t lshsmile_mpi_finalize(void);

/* In-place MPI_Allreduce of count doubles with op one of LSHSMILE_MPI_OP_*. */
LSHSMILE_MPI_API int32_t lshsmile_mpi_allreduce_double(double *data, int64_t count, int32_t op);

/* In-place MPI_Allreduce (sum) of count int64_t. */
LSHSMILE_MPI_API int32_t lshsmile_mpi_allreduce_sum_int64(int64_t *data, int64_t count);

/* MPI_Bcast of count bytes from root. */
LSHSMILE_MPI_API int32_t lshsmile_mpi_bcast_bytes(void *data, int64_t count, int32_t root);

/*
 * MPI_Gather of count doubles from every rank to root: recv (significant at root only, size * count
 * doubles) receives rank r's block at double index r * count.
 */
LSHSMILE_MPI_API int32_t lshsmile_mpi_gather_double(const double *send, int64_t count, double *recv, int32_t root);

/*
 * MPI_Gatherv of doubles to root: rank r sends count doubles; at root, counts[r] (size entries, rank r's
 * count) places the blocks one after the other in recv (sum of counts doubles). counts and recv are
 * significant at root only.
 */
LSHSMILE_MPI_API int32_t lshsmile_mpi_gatherv_double(const double *send, int64_t count, double *recv,
                                                     const int32_t *counts, int32_t root);

/* This rank's lower and upper neighbours (LSHSMILE_MPI_PROC_NULL at a non-periodic end). */
LSHSMILE_MPI_API int32_t lshsmile_mpi_neighbors(int32_t periodic, int32_t *lower, int32_t *upper);

/*
 * Blocking halo exchange of count doubles per direction (see the header comment): two MPI_Sendrecv,
 * upward then downward. The four buffers must not overlap.
 */
LSHSMILE_MPI_API int32_t lshsmile_mpi_halo_exchange(const double *send_lower, double *recv_lower,
                                                    const double *send_upper, double *recv_upper, int64_t count,
                                                    int32_t periodic);

/*
 * Nonblocking halo exchange: posts the two receives and two sends and returns; request is caller storage
 * of LSHSMILE_MPI_HALO_REQUEST_BYTES bytes (8-byte aligned) that lshsmile_mpi_halo_wait completes. The
 * buffers must stay untouched until then. Exchanges started in the same order on every rank match.
 */
LSHSMILE_MPI_API int32_t lshsmile_mpi_halo_start(const double *send_lower, double *recv_lower,
                                                 const double *send_upper, double *recv_upper, int64_t count,
                                                 int32_t periodic, void *request);

/* Waits for the exchange lshsmile_mpi_halo_start began in request. */
LSHSMILE_MPI_API int32_t lshsmile_mpi_halo_wait(void *request);

#endif
