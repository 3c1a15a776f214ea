#include "internal.h"

#define LSHSMILE_STR2(x) #x
#define LSHSMILE_STR(x) LSHSMILE_STR2(x)

/* build.sh passes these; the fallbacks keep a hand compile working. */
#ifndef LSHSMILE_VERSION
#  define LSHSMILE_VERSION "unknown"
#endif
#ifndef LSHSMILE_CFLAGS
#  define LSHSMILE_CFLAGS "unknown flags"
#endif
#ifndef LSHSMILE_MARCH
#  define LSHSMILE_MARCH "unknown"
#endif

int32_t lshsmile_abi_version(void) { return LSHSMILE_ABI_VERSION; }

const char *lshsmile_build_info(void) {
    return "lshsmile " LSHSMILE_VERSION " abi " LSHSMILE_STR(LSHSMILE_ABI_VERSION)
#if defined(__clang__)
           "; clang " __clang_version__
#elif defined(__GNUC__)
           "; gcc " __VERSION__
#endif
           "; " LSHSMILE_CFLAGS " (march " LSHSMILE_MARCH ")"
           "; isa:"
#if defined(__AVX512F__)
           " avx512f"
#endif
#if defined(__AVX2__)
           " avx2"
#endif
#if defined(__AVX__)
           " avx"
#endif
#if defined(__SSE4_2__)
           " sse4.2"
#endif
#if defined(__FMA__)
           " fma(unused)"
#endif
#if defined(__ARM_NEON)
           " neon"
#endif
#if defined(__x86_64__)
           " x86_64"
#elif defined(__aarch64__)
           " aarch64"
#endif
        ;
}

double lshsmile_log(double x) { return lshsmile_log_inline(x); }
