#include "lshsmile.h"

#define LSHSMILE_STR2(x) #x
#define LSHSMILE_STR(x) LSHSMILE_STR2(x)

int32_t lshsmile_abi_version(void) { return LSHSMILE_ABI_VERSION; }

const char *lshsmile_build_info(void) {
    return "lshsmile abi " LSHSMILE_STR(LSHSMILE_ABI_VERSION)
#if defined(__AVX512F__)
           " avx512f"
#elif defined(__AVX2__)
           " avx2"
#endif
#if defined(__FMA__)
           " fma"
#endif
#if defined(__GNUC__)
           " gcc " __VERSION__
#endif
        ;
}
