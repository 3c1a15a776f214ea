/* lshsmile MPI shim: see include/lshsmile_mpi.h. Built by build-mpi.sh with mpicc into liblshsmile_mpi.so. */
#define _GNU_SOURCE
#include "lshsmile_mpi.h"

#include <dlfcn.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <mpi.h>

/* Tags of the two directions of a halo exchange: distinct, so with two ranks (lower == upper) the
 * upward and downward messages never match each other's receives. */
#define TAG_UP 0x4c31
#define TAG_DOWN 0x4c32
#define HALO_MAGIC 0x4c5348414c4fLL

typedef struct {
    int64_t magic;
    MPI_Request req[4];
} halo_request;

_Static_assert(sizeof(halo_request) <= LSHSMILE_MPI_HALO_REQUEST_BYTES, "LSHSMILE_MPI_HALO_REQUEST_BYTES too small");
_Static_assert(MPI_THREAD_SINGLE < MPI_THREAD_FUNNELED && MPI_THREAD_FUNNELED < MPI_THREAD_SERIALIZED
               && MPI_THREAD_SERIALIZED < MPI_THREAD_MULTIPLE, "MPI thread levels out of order");

static char last_error[512];
static char library_version[MPI_MAX_LIBRARY_VERSION_STRING];

static int32_t fail(int32_t code, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(last_error, sizeof last_error, fmt, ap);
    va_end(ap);
    return code;
}

/* An MPI return code: OK, or the code with "what failed: MPI's error string" kept for last_error. */
static int32_t check(int rc, const char *what) {
    if (rc == MPI_SUCCESS) {
        return LSHSMILE_MPI_OK;
    }
    char text[MPI_MAX_ERROR_STRING];
    int len = 0;
    if (MPI_Error_string(rc, text, &len) != MPI_SUCCESS) {
        snprintf(text, sizeof text, "unknown MPI error");
    }
    return fail(rc, "%s failed: %s (MPI error %d)", what, text, rc);
}

static int is_active(void) {
    int init = 0, fin = 0;
    MPI_Initialized(&init);
    MPI_Finalized(&fin);
    return init && !fin;
}

#define REQUIRE_ACTIVE(what)                                                                              \
    do {                                                                                                  \
        if (!is_active()) {                                                                               \
            return fail(LSHSMILE_MPI_ERR_STATE, "%s: MPI is not initialised (call init first) or already " \
                        "finalised", what);                                                               \
        }                                                                                                 \
    } while (0)

static int32_t check_count(int64_t count, const char *what) {
    if (count < 0 || count > INT_MAX) {
        return fail(LSHSMILE_MPI_ERR_ARG, "%s: count %lld outside 0 .. %d (MPI counts are int)", what,
                    (long long) count, INT_MAX);
    }
    return LSHSMILE_MPI_OK;
}

static int32_t check_root(int32_t root, const char *what) {
    int size = 0;
    int32_t rc = check(MPI_Comm_size(MPI_COMM_WORLD, &size), "MPI_Comm_size");
    if (rc != LSHSMILE_MPI_OK) {
        return rc;
    }
    if (root < 0 || root >= size) {
        return fail(LSHSMILE_MPI_ERR_ARG, "%s: root %d outside 0 .. %d", what, root, size - 1);
    }
    return LSHSMILE_MPI_OK;
}

LSHSMILE_MPI_API int32_t lshsmile_mpi_abi_version(void) {
    return LSHSMILE_MPI_ABI_VERSION;
}

LSHSMILE_MPI_API const char *lshsmile_mpi_library_version(void) {
    if (library_version[0] == '\0') {
        int len = 0;
        if (MPI_Get_library_version(library_version, &len) != MPI_SUCCESS) {
            snprintf(library_version, sizeof library_version, "unknown MPI library");
        }
        library_version[strcspn(library_version, "\r\n")] = '\0';
    }
    return library_version;
}

LSHSMILE_MPI_API const char *lshsmile_mpi_last_error(void) {
    return last_error;
}

/*
 * The JVM dlopens this library RTLD_LOCAL, and libmpi with it; Open MPI's components (dlopened by MPI_Init)
 * may then miss libmpi's symbols. Re-opening libmpi RTLD_GLOBAL (mpi4py does the same) makes them visible.
 */
static void promote_libmpi(void) {
    Dl_info info;
    if (dladdr((void *) &MPI_Init_thread, &info) != 0 && info.dli_fname != NULL) {
        dlopen(info.dli_fname, RTLD_NOW | RTLD_GLOBAL | RTLD_NOLOAD);
    }
}

LSHSMILE_MPI_API int32_t lshsmile_mpi_init(int32_t required, int32_t *provided) {
    static const int levels[] = {MPI_THREAD_SINGLE, MPI_THREAD_FUNNELED, MPI_THREAD_SERIALIZED, MPI_THREAD_MULTIPLE};
    if (required < LSHSMILE_MPI_THREAD_SINGLE || required > LSHSMILE_MPI_THREAD_MULTIPLE) {
        return fail(LSHSMILE_MPI_ERR_ARG, "init: thread level %d outside %d .. %d", required,
                    LSHSMILE_MPI_THREAD_SINGLE, LSHSMILE_MPI_THREAD_MULTIPLE);
    }
    int init = 0, fin = 0;
    MPI_Initialized(&init);
    MPI_Finalized(&fin);
    if (init || fin) {
        return fail(LSHSMILE_MPI_ERR_STATE, "init: MPI was already %s; MPI can be initialised once per process",
                    fin ? "finalised" : "initialised");
    }
    promote_libmpi();
    int got = 0;
    /* Before MPI_ERRORS_RETURN is set a failing MPI_Init_thread aborts the process itself, with MPI's message. */
    int32_t rc = check(MPI_Init_thread(NULL, NULL, levels[required], &got), "MPI_Init_thread");
    if (rc != LSHSMILE_MPI_OK) {
        return rc;
    }
    rc = check(MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN), "MPI_Comm_set_errhandler");
    if (rc != LSHSMILE_MPI_OK) {
        return rc;
    }
    *provided = got <= MPI_THREAD_SINGLE ? LSHSMILE_MPI_THREAD_SINGLE
        : got <= MPI_THREAD_FUNNELED ? LSHSMILE_MPI_THREAD_FUNNELED
        : got <= MPI_THREAD_SERIALIZED ? LSHSMILE_MPI_THREAD_SERIALIZED
        : LSHSMILE_MPI_THREAD_MULTIPLE;
    return LSHSMILE_MPI_OK;
}

LSHSMILE_MPI_API int32_t lshsmile_mpi_initialized(void) {
    return is_active();
}

LSHSMILE_MPI_API int32_t lshsmile_mpi_finalized(void) {
    int fin = 0;
    MPI_Finalized(&fin);
    return fin != 0;
}

LSHSMILE_MPI_API int32_t lshsmile_mpi_rank(int32_t *rank) {
    REQUIRE_ACTIVE("rank");
    int r = 0;
    int32_t rc = check(MPI_Comm_rank(MPI_COMM_WORLD, &r), "MPI_Comm_rank");
    *rank = r;
    return rc;
}

LSHSMILE_MPI_API int32_t lshsmile_mpi_size(int32_t *size) {
    REQUIRE_ACTIVE("size");
    int s = 0;
    int32_t rc = check(MPI_Comm_size(MPI_COMM_WORLD, &s), "MPI_Comm_size");
    *size = s;
    return rc;
}

LSHSMILE_MPI_API int32_t lshsmile_mpi_barrier(void) {
    REQUIRE_ACTIVE("barrier");
    return check(MPI_Barrier(MPI_COMM_WORLD), "MPI_Barrier");
}

LSHSMILE_MPI_API int32_t lshsmile_mpi_abort(int32_t code) {
    REQUIRE_ACTIVE("abort");
    return check(MPI_Abort(MPI_COMM_WORLD, code), "MPI_Abort");
}

LSHSMILE_MPI_API int32_t lshsmile_mpi_finalize(void) {
    REQUIRE_ACTIVE("finalize");
    return check(MPI_Finalize(), "MPI_Finalize");
}

LSHSMILE_MPI_API int32_t lshsmile_mpi_allreduce_double(double *data, int64_t count, int32_t op) {
    REQUIRE_ACTIVE("allreduce");
    int32_t rc = check_count(count, "allreduce");
    if (rc != LSHSMILE_MPI_OK) {
        return rc;
    }
    MPI_Op mop;
    switch (op) {
        case LSHSMILE_MPI_OP_SUM: mop = MPI_SUM; break;
        case LSHSMILE_MPI_OP_MAX: mop = MPI_MAX; break;
        case LSHSMILE_MPI_OP_MIN: mop = MPI_MIN; break;
        default: return fail(LSHSMILE_MPI_ERR_ARG, "allreduce: operation %d is not SUM (0), MAX (1) or MIN (2)", op);
    }
    return check(MPI_Allreduce(MPI_IN_PLACE, data, (int) count, MPI_DOUBLE, mop, MPI_COMM_WORLD), "MPI_Allreduce");
}

LSHSMILE_MPI_API int32_t lshsmile_mpi_allreduce_sum_int64(int64_t *data, int64_t count) {
    REQUIRE_ACTIVE("allreduce");
    int32_t rc = check_count(count, "allreduce");
    if (rc != LSHSMILE_MPI_OK) {
        return rc;
    }
    return check(MPI_Allreduce(MPI_IN_PLACE, data, (int) count, MPI_INT64_T, MPI_SUM, MPI_COMM_WORLD),
                 "MPI_Allreduce");
}

LSHSMILE_MPI_API int32_t lshsmile_mpi_bcast_bytes(void *data, int64_t count, int32_t root) {
    REQUIRE_ACTIVE("bcast");
    int32_t rc = check_count(count, "bcast");
    if (rc == LSHSMILE_MPI_OK) {
        rc = check_root(root, "bcast");
    }
    if (rc != LSHSMILE_MPI_OK) {
        return rc;
    }
    return check(MPI_Bcast(data, (int) count, MPI_BYTE, root, MPI_COMM_WORLD), "MPI_Bcast");
}

LSHSMILE_MPI_API int32_t lshsmile_mpi_gather_double(const double *send, int64_t count, double *recv, int32_t root) {
    REQUIRE_ACTIVE("gather");
    int32_t rc = check_count(count, "gather");
    if (rc == LSHSMILE_MPI_OK) {
        rc = check_root(root, "gather");
    }
    if (rc != LSHSMILE_MPI_OK) {
        return rc;
    }
    return check(MPI_Gather(send, (int) count, MPI_DOUBLE, recv, (int) count, MPI_DOUBLE, root, MPI_COMM_WORLD),
                 "MPI_Gather");
}

LSHSMILE_MPI_API int32_t lshsmile_mpi_gatherv_double(const double *send, int64_t count, double *recv,
                                                     const int32_t *counts, int32_t root) {
    REQUIRE_ACTIVE("gatherv");
    int32_t rc = check_count(count, "gatherv");
    if (rc == LSHSMILE_MPI_OK) {
        rc = check_root(root, "gatherv");
    }
    if (rc != LSHSMILE_MPI_OK) {
        return rc;
    }
    int rank = 0, size = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    if (rank != root) {
        return check(MPI_Gatherv(send, (int) count, MPI_DOUBLE, NULL, NULL, NULL, MPI_DOUBLE, root, MPI_COMM_WORLD),
                     "MPI_Gatherv");
    }
    /* MPI wants int counts and displacements; a VLA of size ints is small (one per rank). */
    int cnt[size], displ[size];
    long long total = 0;
    for (int r = 0; r < size; r++) {
        if (counts[r] < 0 || total + counts[r] > INT_MAX) {
            return fail(LSHSMILE_MPI_ERR_ARG, "gatherv: count %d of rank %d is negative or the total exceeds %d",
                        counts[r], r, INT_MAX);
        }
        cnt[r] = counts[r];
        displ[r] = (int) total;
        total += counts[r];
    }
    return check(MPI_Gatherv(send, (int) count, MPI_DOUBLE, recv, cnt, displ, MPI_DOUBLE, root, MPI_COMM_WORLD),
                 "MPI_Gatherv");
}

static int32_t neighbors(int32_t periodic, int *lower, int *upper) {
    int rank = 0, size = 0;
    int32_t rc = check(MPI_Comm_rank(MPI_COMM_WORLD, &rank), "MPI_Comm_rank");
    if (rc == LSHSMILE_MPI_OK) {
        rc = check(MPI_Comm_size(MPI_COMM_WORLD, &size), "MPI_Comm_size");
    }
    if (rc != LSHSMILE_MPI_OK) {
        return rc;
    }
    *lower = rank > 0 ? rank - 1 : periodic ? size - 1 : MPI_PROC_NULL;
    *upper = rank < size - 1 ? rank + 1 : periodic ? 0 : MPI_PROC_NULL;
    return LSHSMILE_MPI_OK;
}

LSHSMILE_MPI_API int32_t lshsmile_mpi_neighbors(int32_t periodic, int32_t *lower, int32_t *upper) {
    REQUIRE_ACTIVE("neighbors");
    int lo = 0, up = 0;
    int32_t rc = neighbors(periodic, &lo, &up);
    if (rc != LSHSMILE_MPI_OK) {
        return rc;
    }
    *lower = lo == MPI_PROC_NULL ? LSHSMILE_MPI_PROC_NULL : lo;
    *upper = up == MPI_PROC_NULL ? LSHSMILE_MPI_PROC_NULL : up;
    return LSHSMILE_MPI_OK;
}

LSHSMILE_MPI_API int32_t lshsmile_mpi_halo_exchange(const double *send_lower, double *recv_lower,
                                                    const double *send_upper, double *recv_upper, int64_t count,
                                                    int32_t periodic) {
    REQUIRE_ACTIVE("halo exchange");
    int lo = 0, up = 0;
    int32_t rc = check_count(count, "halo exchange");
    if (rc == LSHSMILE_MPI_OK) {
        rc = neighbors(periodic, &lo, &up);
    }
    if (rc != LSHSMILE_MPI_OK) {
        return rc;
    }
    int n = (int) count;
    rc = check(MPI_Sendrecv(send_upper, n, MPI_DOUBLE, up, TAG_UP, recv_lower, n, MPI_DOUBLE, lo, TAG_UP,
                            MPI_COMM_WORLD, MPI_STATUS_IGNORE), "MPI_Sendrecv (upward halo)");
    if (rc != LSHSMILE_MPI_OK) {
        return rc;
    }
    return check(MPI_Sendrecv(send_lower, n, MPI_DOUBLE, lo, TAG_DOWN, recv_upper, n, MPI_DOUBLE, up, TAG_DOWN,
                              MPI_COMM_WORLD, MPI_STATUS_IGNORE), "MPI_Sendrecv (downward halo)");
}

LSHSMILE_MPI_API int32_t lshsmile_mpi_halo_start(const double *send_lower, double *recv_lower,
                                                 const double *send_upper, double *recv_upper, int64_t count,
                                                 int32_t periodic, void *request) {
    REQUIRE_ACTIVE("halo start");
    halo_request *h = (halo_request *) request;
    h->magic = 0;
    int lo = 0, up = 0;
    int32_t rc = check_count(count, "halo start");
    if (rc == LSHSMILE_MPI_OK) {
        rc = neighbors(periodic, &lo, &up);
    }
    if (rc != LSHSMILE_MPI_OK) {
        return rc;
    }
    int n = (int) count;
    for (int i = 0; i < 4; i++) {
        h->req[i] = MPI_REQUEST_NULL;
    }
    /* Receives first, so the sends can land in posted buffers. */
    rc = check(MPI_Irecv(recv_lower, n, MPI_DOUBLE, lo, TAG_UP, MPI_COMM_WORLD, &h->req[0]), "MPI_Irecv (lower halo)");
    if (rc == LSHSMILE_MPI_OK) {
        rc = check(MPI_Irecv(recv_upper, n, MPI_DOUBLE, up, TAG_DOWN, MPI_COMM_WORLD, &h->req[1]),
                   "MPI_Irecv (upper halo)");
    }
    if (rc == LSHSMILE_MPI_OK) {
        rc = check(MPI_Isend(send_upper, n, MPI_DOUBLE, up, TAG_UP, MPI_COMM_WORLD, &h->req[2]), "MPI_Isend (upward)");
    }
    if (rc == LSHSMILE_MPI_OK) {
        rc = check(MPI_Isend(send_lower, n, MPI_DOUBLE, lo, TAG_DOWN, MPI_COMM_WORLD, &h->req[3]),
                   "MPI_Isend (downward)");
    }
    if (rc != LSHSMILE_MPI_OK) {
        /* keep the message of the failure, not of the clean-up */
        for (int i = 0; i < 4; i++) {
            if (h->req[i] != MPI_REQUEST_NULL) {
                MPI_Cancel(&h->req[i]);
                MPI_Request_free(&h->req[i]);
            }
        }
        return rc;
    }
    h->magic = HALO_MAGIC;
    return LSHSMILE_MPI_OK;
}

LSHSMILE_MPI_API int32_t lshsmile_mpi_halo_wait(void *request) {
    REQUIRE_ACTIVE("halo wait");
    halo_request *h = (halo_request *) request;
    if (h->magic != HALO_MAGIC) {
        return fail(LSHSMILE_MPI_ERR_STATE, "halo wait: the request holds no started exchange (never started, "
                    "failed to start, or already waited for)");
    }
    h->magic = 0;
    return check(MPI_Waitall(4, h->req, MPI_STATUSES_IGNORE), "MPI_Waitall (halo)");
}
