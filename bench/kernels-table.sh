#!/usr/bin/env bash
# Prints the "Scalar vs SIMD vs native" Markdown table of bench/README.md from one JMH CSV file (-rf csv)
# holding ModelStepBenchmark and/or GrainGrowthStepBenchmark trials and the StreamCopyBenchmark trials of the
# same grids: per model, size and threads the ns per element-step of each kernel set, SIMD / native, the
# native ms per step, and each step's time over the copy of the same buffer (how far from memory bound).
# The bound is the copy with ordinary stores (store=vector), as the kernels write; the streaming copy
# (store=copy, MemorySegment.copy) is shown beside it. CSVs from before the store parameter have one copy.
# Usage: bench/kernels-table.sh results.csv
set -euo pipefail
if [ $# -ne 1 ] || [ ! -f "$1" ]; then
  echo "usage: $0 results.csv" >&2
  exit 2
fi
awk '
BEGIN { FS = ","; fields["grain-growth"] = 8; fields["cahn-hilliard"] = 1
        fields["nanovoid-literal"] = 3; fields["nanovoid-conservative"] = 3 }
{ sub(/\r$/, ""); for (i = 1; i <= NF; i++) gsub(/^"|"$/, "", $i) }
NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
{
  b = $col["Benchmark"]; score = $col["Score"] + 0
  if (b ~ /StreamCopyBenchmark/) {
    st = ("Param: store" in col) ? $col["Param: store"] : "copy"
    if (st == "copy") stream[$col["Param: buffer"]] = score
    if (st == "vector" || !("Param: store" in col)) copy[$col["Param: buffer"]] = score
    next
  }
  if (b ~ /ModelStepBenchmark/) {
    split($col["Param: config"], p, ":"); model = p[1]; size = p[2]; threads = p[3]
  } else if (b ~ /GrainGrowthStepBenchmark/) {
    split($col["Param: shape"], p, ":"); model = "grain-growth"; size = p[1]; threads = $col["Param: threads"]
    if (p[2] != 8) next
  } else next
  key = model ":" size ":" threads
  if (!(key in seen)) { seen[key] = 1; order[++n] = key }
  ns[key, $col["Param: kernels"]] = score
}
END {
  print "| model | size | threads | scalar | SIMD | native | SIMD / native | native ms per step | copy | streaming copy | SIMD / copy | native / copy |"
  print "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
  for (i = 1; i <= n; i++) {
    split(order[i], p, ":"); m = fields[p[1]]
    c = copy[p[2] ":" m ":" p[3]]; t = stream[p[2] ":" m ":" p[3]]
    s = ns[order[i], "simd"]; v = ns[order[i], "native"]
    sc = ns[order[i], "scalar"]
    printf "| %s | %s^2 | %s | %s | %.3f | %.3f | %.2f | %#.4g | %s | %s | %s | %s |\n", p[1], p[2], p[3],
      sc == "" ? "n/a" : sprintf("%.3f", sc), s, v, s / v, v * p[2] * p[2] * m / 1e6,
      c == "" ? "n/a" : sprintf("%.3f", c), t == "" ? "n/a" : sprintf("%.3f", t),
      c == "" ? "n/a" : sprintf("%.2f", s / c),
      c == "" ? "n/a" : sprintf("%.2f", v / c)
  }
}' "$1"
