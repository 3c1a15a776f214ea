/* lshsmile native kernels: flat C99 signatures bound from Java through FFM (java-bindings/). */
#ifndef LSHSMILE_H
#define LSHSMILE_H

#include <stdint.h>

#if defined(_WIN32)
#  define LSHSMILE_API __declspec(dllexport)
#else
#  define LSHSMILE_API __attribute__((visibility("default")))
#endif

/* Version of this library's ABI; java-bindings refuses a library whose version differs. */
#define LSHSMILE_ABI_VERSION 1

/* Returns LSHSMILE_ABI_VERSION. */
LSHSMILE_API int32_t lshsmile_abi_version(void);

/* Returns a static, NUL-terminated description of the build: compiler and ISA flags. */
LSHSMILE_API const char *lshsmile_build_info(void);

#endif
