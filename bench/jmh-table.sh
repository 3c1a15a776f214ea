#!/usr/bin/env bash
# Prints a Markdown table of GrainGrowthStepBenchmark results from a JMH CSV file (-rf csv -rff FILE):
# ns per element-step as JMH printed it, and ms per step = ns * size^2 * Q / 1e6.
# Optional SHAPE=MS arguments (e.g. 128:3=0.020) add the ratio ours/reference for the 2-thread rows of
# that shape; the reference figures are whatever the caller passes, not measured by this script.
# Usage: bench/jmh-table.sh results.csv [SHAPE=MS ...]
set -euo pipefail
if [ $# -lt 1 ] || [ ! -f "$1" ]; then
  echo "usage: $0 results.csv [SHAPE=REFERENCE_MS ...]" >&2
  exit 2
fi
csv="$1"
shift
refs="$*"
awk -v refs="$refs" '
BEGIN {
  FS = ","
  n = split(refs, pairs, " ")
  for (i = 1; i <= n; i++) { split(pairs[i], kv, "="); ref[kv[1]] = kv[2] }
}
{ sub(/\r$/, ""); for (i = 1; i <= NF; i++) gsub(/^"|"$/, "", $i) }
NR == 1 {
  for (i = 1; i <= NF; i++) col[$i] = i
  if (!("Param: shape" in col) || !("Param: kernels" in col) || !("Param: threads" in col)) {
    print "not a GrainGrowthStepBenchmark CSV (no shape/kernels/threads columns)" > "/dev/stderr"; exit 2
  }
  err = col["Score Error (99.9%)"]
  print "| kernels | shape (size:Q) | threads | ns per element-step | error (99.9%) | ms per step |"
  print "|---|---|---:|---:|---:|---:|"
  next
}
$col["Benchmark"] !~ /GrainGrowthStepBenchmark/ { next }
{
  shape = $col["Param: shape"]; split(shape, sq, ":")
  score = $col["Score"] + 0
  ms = score * sq[1] * sq[1] * sq[2] / 1e6
  printf "| %s | %s | %s | %.3f | %s | %#.4g |\n", $col["Param: kernels"], shape, $col["Param: threads"], score, \
    ($err == "NaN" || $err == "") ? "n/a" : sprintf("%.3f", $err), ms
  if ((shape in ref) && $col["Param: threads"] == 2) {
    ratios[++nr] = sprintf("| %s | %s | %#.4g | %s | %.3g |", shape, $col["Param: kernels"], ms, ref[shape], ms / ref[shape])
  }
}
END {
  if (nr > 0) {
    print ""
    print "| shape (size:Q), 2 threads | kernels | ours ms per step | reference ms per step | ours / reference |"
    print "|---|---|---:|---:|---:|"
    for (i = 1; i <= nr; i++) print ratios[i]
  }
}
' "$csv"
