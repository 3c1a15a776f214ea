#!/usr/bin/env bash
# Strong and weak scaling of `simulate --distributed` from 1 to 2 ranks on this machine, with the halo cost.
# Usage: bench/mpi-scaling.sh [OUT_DIR]   (default: /tmp/lshsmile-mpi-scaling; needs mpirun and a built CLI)
# Prints one CSV row per run: case,ranks (0 = one process without MPI),threads_per_rank,cells,steps,step_seconds,
# ms_per_step,halo_us_per_exchange (rank 0's wall time per halo refresh, all fields, waiting for the neighbour included)
# and writes the same to OUT_DIR/scaling.csv. Each rank runs one thread (--threads 1), so 2 ranks use both cores;
# the single-process two-thread run is the reference the distributed one must match on one machine.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-/tmp/lshsmile-mpi-scaling}"
rm -rf "$out" && mkdir -p "$out"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
mpi=(mpirun --oversubscribe --bind-to none --mca btl self,vader)
"$here/lshsmile" --version >/dev/null   # builds the CLI once, before the ranks start
csv="$out/scaling.csv"
echo "case,ranks,threads_per_rank,cells,steps,step_seconds,ms_per_step,halo_us_per_exchange" | tee "$csv"

field() { # field NAME FILE: a number from run.json
  sed -n "s/.*\"$1\": \\([-0-9.eE+NaN]*\\).*/\\1/p" "$2" | head -1
}

run() { # run CASE RANKS THREADS CELLS STEPS ARGS...
  local name=$1 np=$2 th=$3 cells=$4 steps=$5; shift 5
  local dir="$out/$name-np$np-t$th-rep$rep"
  if [ "$np" = 0 ]; then
    "$here/lshsmile" simulate "$@" --steps "$steps" --threads "$th" --out "$dir" >/dev/null 2>"$dir.err"
  else
    "${mpi[@]}" -np "$np" "$here/lshsmile" simulate "$@" --steps "$steps" --threads "$th" --out "$dir" --distributed \
      >/dev/null 2>"$dir.err"
  fi
  local s halo
  s=$(field step_seconds "$dir/run.json")
  halo=$(field halo_us_per_exchange_rank0 "$dir/run.json")
  echo "$name,$np,$th,$cells,$steps,$s,$(awk -v s="$s" -v n="$steps" 'BEGIN{printf "%.3f", 1000*s/n}'),${halo:-}" \
    | tee -a "$csv"
}

gg=(--model grain-growth --order-params 8 --grains 30 --every 100000)
ch=(--model cahn-hilliard --every 100000)
# 1000 steps: each JVM's JIT warm-up (C2 compiling the kernels on the same 2 cores) is then a small share
for rep in 1 2; do
  # strong scaling: the same grid on 1 process (1 and 2 threads) and on 1 and 2 ranks
  run gg2d-1024 0 1 1048576 1000 "${gg[@]}" --size 1024
  run gg2d-1024 0 2 1048576 1000 "${gg[@]}" --size 1024
  run gg2d-1024 1 1 1048576 1000 "${gg[@]}" --size 1024
  run gg2d-1024 2 1 1048576 1000 "${gg[@]}" --size 1024
  run ch3d-128 0 1 2097152 1000 "${ch[@]}" --size 128 --nz 128
  run ch3d-128 1 1 2097152 1000 "${ch[@]}" --size 128 --nz 128
  run ch3d-128 2 1 2097152 1000 "${ch[@]}" --size 128 --nz 128
  # weak scaling: 64 slices of 128^2 per rank
  run ch3d-weak 1 1 1048576 1000 "${ch[@]}" --size 128 --nz 64
  run ch3d-weak 2 1 2097152 1000 "${ch[@]}" --size 128 --nz 128
done
