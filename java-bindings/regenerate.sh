#!/usr/bin/env bash
# Runs jextract on native/include/lshsmile.h and lshsmile_mpi.h into a temporary directory, for comparison
# with the hand-written, checked-in bindings (src/main/java/org/lshsmile/bindings/lshsmile_h.java and
# lshsmile_mpi_h.java).
#
# The checked-in class is not jextract's output verbatim: its holders are per instance, bound to the
# library NativeLibrary found at run time (see its class comment). So this script never overwrites it:
# compare the generated descriptors and signatures with it and update it by hand; then run
#   ./jmvn -B -ntp -o -pl java-bindings -am test -Dtest=LshsmileHeaderTest
# which checks every LSHSMILE_API prototype of lshsmile.h against lshsmile_h's descriptors, and every
# LSHSMILE_MPI_API prototype of lshsmile_mpi.h against lshsmile_mpi_h's. lshsmile_mpi.h includes no MPI
# header (its API has only C99 types), so jextract needs no MPI installation for it.
#
# Usage: java-bindings/regenerate.sh [output-dir]   (JEXTRACT=/path/to/jextract to pick one)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
include="$here/../native/include"
jextract="${JEXTRACT:-jextract}"
if ! command -v "$jextract" >/dev/null 2>&1; then
  echo "regenerate.sh: jextract not found (looked for '$jextract' on PATH; set JEXTRACT=/path/to/jextract)." >&2
  echo "regenerate.sh: nothing generated; the checked-in bindings are maintained by hand and checked by LshsmileHeaderTest." >&2
  exit 2
fi
out="${1:-$(mktemp -d "${TMPDIR:-/tmp}/lshsmile-jextract.XXXXXX")}"
mkdir -p "$out"
"$jextract" --output "$out" --target-package org.lshsmile.bindings.generated --header-class-name lshsmile_h \
  --library lshsmile "$include/lshsmile.h"
"$jextract" --output "$out" --target-package org.lshsmile.bindings.generated --header-class-name lshsmile_mpi_h \
  --library lshsmile_mpi "$include/lshsmile_mpi.h"
echo "regenerate.sh: jextract output in $out"
echo "regenerate.sh: compare it with $here/src/main/java/org/lshsmile/bindings/lshsmile_h.java and lshsmile_mpi_h.java"
echo "regenerate.sh: and update those files by hand (descriptors, parameter types, one holder per function);"
echo "regenerate.sh: then run LshsmileHeaderTest."
