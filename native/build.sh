#!/usr/bin/env bash
# Builds liblshsmile.so into the directory given as $1 (the module's target/).
# Without a C compiler it prints one WARN line and succeeds: the native kernels are optional.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="${1:-$here/target}"
mkdir -p "$out"
cc="${CC:-gcc}"
if ! command -v "$cc" >/dev/null 2>&1; then
  echo "[WARNING] lshsmile native: no C compiler ($cc) found; liblshsmile.so not built, --kernels native will be unavailable."
  exit 0
fi
"$cc" -std=c99 -O3 -march=native -fPIC -shared -fvisibility=hidden -Wall -Wextra -Werror \
  -I"$here/include" "$here"/src/*.c -o "$out/liblshsmile.so"
echo "[INFO] lshsmile native: built $out/liblshsmile.so with $("$cc" --version | head -n 1)"
