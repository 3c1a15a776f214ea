#!/usr/bin/env bash
# Builds the benchmarks jar and runs org.lshsmile.bench.EngineMacroBenchmark: whole grain-growth runs of the
# exact, active-set and LSH-SMILE engines. The Markdown tables go to stdout, progress to stderr.
# Arguments pass through to the benchmark, e.g.
#   bench/macro-table.sh --max-seconds 120 > macro.md
#   bench/macro-table.sh --cases '3grains:128,512;poly:256' --engines exact,lsh-verified --steps 180
#   bench/macro-table.sh --quick
# Environment: MACRO_JAVA_OPTS (default -Xmx6g; the grids and the LSH engine's buffers are off-heap, and
# off-heap allocations count against the direct-memory limit, which defaults to -Xmx), SKIP_BUILD=1 to
# run the existing bench/target/benchmarks.jar.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
min=22
# shellcheck source=../.mvn/find-jdk.sh
. "$root/.mvn/find-jdk.sh"

jdk=$(pick_jdk)
if [ -z "$jdk" ]; then
  echo "macro-table: no JDK >= $min found (JAVA_HOME=${JAVA_HOME:-unset})" >&2
  exit 1
fi

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  log=$(mktemp "${TMPDIR:-/tmp}/macro-build.XXXXXX.log")
  echo "macro-table: building (./jmvn -B -ntp -pl bench -am package -DskipTests) ..." >&2
  status=0
  (cd "$root" && ./jmvn -B -ntp -pl bench -am package -DskipTests) >"$log" 2>&1 || status=$?
  if [ "$status" -ne 0 ]; then
    echo "macro-table: the build failed (exit code $status); the end of its log ($log):" >&2
    tail -n 60 "$log" >&2
    exit 1
  fi
  rm -f "$log"
fi

# A private copy of the jar: a concurrent build may replace bench/target/benchmarks.jar during a long run.
work=$(mktemp -d "${TMPDIR:-/tmp}/macro-table.XXXXXX")
trap 'rm -rf "$work"' EXIT
cp "$root/bench/target/benchmarks.jar" "$work/benchmarks.jar"

# shellcheck disable=SC2086 # MACRO_JAVA_OPTS is a list of options
"$jdk/bin/java" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED ${MACRO_JAVA_OPTS:--Xmx6g} \
  -cp "$work/benchmarks.jar" org.lshsmile.bench.EngineMacroBenchmark "$@"
