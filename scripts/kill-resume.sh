#!/usr/bin/env bash
# kill-resume.sh N [WORKDIR]: crash test of long runs with the real launcher, for a nightly or manual run.
#
# Runs a grain-growth simulation (64^2, Q = 6, checkpoint every 20 steps) once without interruption, then
# again, killing it N times with `kill -9` (SIGKILL) at random moments and continuing it each time with
# `lshsmile simulate --resume`; at the end final.npy and diagnostics.csv must be byte-identical to the
# uninterrupted run and no temporary file may remain. Exit code 0 if so, 1 otherwise.
#
# Kill moments alternate between a random delay after the process started (JVM start, stepping, any write)
# and "inside a checkpoint write": the script waits until a checkpoint's temporary file exists. The killed
# runs use the test-only property -Dlshsmile.test.writePauseMillis=2 (via LSHSMILE_JAVA_OPTS), which sleeps
# 2 ms after each chunk the core writers write, so partial temporary files exist long enough to be hit.
# After each kill the script says where it landed, judged by the files left: a checkpoint's temporary file
# (inside a checkpoint write), another temporary file (inside another output's write), or none (between
# writes: stepping, diagnostics, deleting old checkpoints, JVM start).
#
# Environment: LSHSMILE (default: ./lshsmile at the repository root; it builds the CLI when stale),
# KILL_SEED (default 1), STEPS (default 1500 + 300 N).
# Example: scripts/kill-resume.sh 50            # ~N x 1.5 s plus the runs themselves
set -euo pipefail
n=${1:?usage: kill-resume.sh N [WORKDIR]}
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
lshsmile=${LSHSMILE:-$here/lshsmile}
work=${2:-$(mktemp -d "${TMPDIR:-/tmp}/kill-resume.XXXXXX")}
steps=${STEPS:-$((1500 + 300 * n))}
RANDOM=${KILL_SEED:-1}
settings=(--model grain-growth --size 64 --grains 12 --order-params 6 --seed 4 --steps "$steps" --every 500
  --checkpoint-every 20 --threads 1)
whole="$work/whole"
killed="$work/killed"
mkdir -p "$work"
echo "kill-resume: $n kills, $steps steps, in $work"

t0=$(date +%s.%N)
"$lshsmile" simulate "${settings[@]}" --out "$whole" >"$work/whole.log" 2>&1
t1=$(date +%s.%N)

tmpfiles() { find "$1" -maxdepth 1 -name '.*.tmp' 2>/dev/null | wc -l; }
has_checkpoint() { compgen -G "$killed/checkpoints/ckpt_*.ckpt" >/dev/null; }

kills=0 in_ckpt=0 in_other=0 between=0 launches=0
while :; do
  if has_checkpoint; then
    args=(simulate --resume "$killed")
  else
    args=(simulate "${settings[@]}" --out "$killed" --force) # killed before its first checkpoint: start again
  fi
  LSHSMILE_JAVA_OPTS="-Dlshsmile.test.writePauseMillis=2 ${LSHSMILE_JAVA_OPTS:-}" \
    "$lshsmile" "${args[@]}" >>"$work/killed.log" 2>&1 &
  pid=$!
  launches=$((launches + 1))
  if [ "$kills" -ge "$n" ]; then
    status=0
    wait "$pid" || status=$?
    if [ "$status" -ne 0 ]; then
      echo "kill-resume: FAIL: the last run exited with $status; log: $work/killed.log" >&2
      exit 1
    fi
    break
  fi
  if [ $((kills % 2)) -eq 0 ]; then
    aim="checkpoint-write"
    skip=$((RANDOM % 4)) inside=0
    while kill -0 "$pid" 2>/dev/null; do
      now=0
      [ "$(tmpfiles "$killed/checkpoints")" -gt 0 ] && now=1
      if [ "$now" -eq 1 ] && [ "$inside" -eq 0 ]; then
        [ "$skip" -eq 0 ] && break
        skip=$((skip - 1))
      fi
      inside=$now
    done
  else
    aim="random"
    sleep "0.$(printf '%03d' $((300 + RANDOM % 700)))"
  fi
  if ! kill -9 "$pid" 2>/dev/null; then
    { wait "$pid"; } 2>/dev/null || true
    echo "kill-resume: FAIL: the run ended before kill $((kills + 1)); raise STEPS" >&2
    exit 1
  fi
  status=0
  { wait "$pid"; } 2>/dev/null || status=$?
  if [ "$status" -ne 137 ]; then
    echo "kill-resume: FAIL: exit code $status after kill -9, expected 137" >&2
    exit 1
  fi
  kills=$((kills + 1))
  if [ "$(tmpfiles "$killed/checkpoints")" -gt 0 ]; then
    where="inside a checkpoint write"; in_ckpt=$((in_ckpt + 1))
  elif [ "$(tmpfiles "$killed")" -gt 0 ]; then
    where="inside another output's write"; in_other=$((in_other + 1))
  else
    where="between writes"; between=$((between + 1))
  fi
  newest=$(find "$killed/checkpoints" -name 'ckpt_*.ckpt' 2>/dev/null | sort | tail -n 1)
  echo "kill $kills (aimed: $aim): landed $where; newest checkpoint ${newest##*/}"
done
t2=$(date +%s.%N)

fail=0
cmp -s "$whole/final.npy" "$killed/final.npy" || { echo "kill-resume: FAIL: final.npy differs" >&2; fail=1; }
cmp -s "$whole/diagnostics.csv" "$killed/diagnostics.csv" || { echo "kill-resume: FAIL: diagnostics.csv differs" >&2; fail=1; }
left=$(( $(tmpfiles "$killed") + $(tmpfiles "$killed/checkpoints") ))
[ "$left" -eq 0 ] || { echo "kill-resume: FAIL: $left temporary files left" >&2; fail=1; }
printf 'kill-resume: %d kills survived (%d inside a checkpoint write, %d inside another write, %d between writes),' \
  "$kills" "$in_ckpt" "$in_other" "$between"
printf ' %d launches; uninterrupted %.1f s, killed and resumed %.1f s; final state %s\n' "$launches" \
  "$(awk "BEGIN{print $t1 - $t0}")" "$(awk "BEGIN{print $t2 - $t1}")" "$([ "$fail" -eq 0 ] && echo bitwise equal || echo DIFFERENT)"
exit "$fail"
