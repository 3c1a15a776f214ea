#!/usr/bin/env bash
# Builds liblshsmile_mpi.so (the MPI shim of include/lshsmile_mpi.h) into the directory given as $1 (the
# module's target/). Without mpicc it prints one WARN line and succeeds: distributed runs are optional.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="${1:-$here/target}"
mkdir -p "$out"
mpicc="${MPICC:-mpicc}"
if ! command -v "$mpicc" >/dev/null 2>&1; then
  echo "[WARNING] lshsmile native: no MPI compiler ($mpicc) found; liblshsmile_mpi.so not built, distributed runs and their tests will be unavailable (install openmpi-bin and libopenmpi-dev, or set MPICC)."
  exit 0
fi
# No -march=native: the shim only forwards to MPI, its speed is MPI's. -ldl for dladdr/dlopen (glibc < 2.34).
"$mpicc" -std=c11 -O2 -fPIC -shared -fvisibility=hidden -Wall -Wextra -Werror \
  -I"$here/include" "$here/src/lshsmile_mpi.c" -ldl -o "$out/liblshsmile_mpi.so"
echo "[INFO] lshsmile native: built $out/liblshsmile_mpi.so with $("$mpicc" --version | head -n 1) ($("$mpicc" --showme:version 2>/dev/null || echo MPI))"
