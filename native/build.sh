#!/usr/bin/env bash
# Builds liblshsmile.so into the directory given as $1 (the module's target/); $2 is the version string.
# Without a C compiler it prints one WARN line and succeeds: the native kernels are optional.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="${1:-$here/target}"
version="${2:-dev}"
mkdir -p "$out"
cc="${CC:-gcc}"
if ! command -v "$cc" >/dev/null 2>&1; then
  echo "[WARNING] lshsmile native: no C compiler ($cc) found; liblshsmile.so not built, --kernels native will be unavailable (install gcc, or set CC)."
  exit 0
fi
# -ffp-contract=off: no FMA contraction of a*b+c, so every product is rounded before it is added, as in
# Java (which never contracts): the operation order, hence the bits, match simd's scalar kernels.
# -fno-trapping-math: lets gcc speculate the division of the branch-free logarithm so the nanovoid
# log rows vectorise; it only drops floating-point exception flags (Java has none), never changes a value.
# -march=native: the library is built on the machine that runs it, like the JIT's code.
# -fvisibility=hidden: only LSHSMILE_API functions are exported.
# Only the flags that shape the generated code go into the build info; the rest are link and warning flags.
codegen="-std=c99 -O3 -march=native -ffp-contract=off -fno-trapping-math"
flags="$codegen -fPIC -shared -fvisibility=hidden -Wall -Wextra -Werror"
march="$("$cc" -march=native -Q --help=target 2>/dev/null | awk '$1 == "-march=" { print $2; exit }' || true)"
# The MPI shim (src/lshsmile_mpi.c) needs mpi.h and mpicc: build-mpi.sh builds it into its own library.
sources=()
for f in "$here"/src/*.c; do
  [ "$(basename "$f")" = lshsmile_mpi.c ] || sources+=("$f")
done
# shellcheck disable=SC2086 # flags is a list of words
"$cc" $flags \
  -DLSHSMILE_VERSION="\"$version\"" -DLSHSMILE_CFLAGS="\"$codegen\"" -DLSHSMILE_MARCH="\"${march:-unknown}\"" \
  -I"$here/include" "${sources[@]}" -lm -o "$out/liblshsmile.so"
echo "[INFO] lshsmile native: built $out/liblshsmile.so with $("$cc" --version | head -n 1) (march ${march:-unknown})"
