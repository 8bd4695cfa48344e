#!/bin/bash
# Where the time goes on a lent GPU (after check.sh): Nsight Compute over
# `coatkmc bench` with the clocks left alone (--clock-control none).
#   1. the full section set for a few launches of the sublattice parity kernel
#      (256^3) and of the walker kernel (256^3): issue efficiency, stall
#      reasons, occupancy, executed instructions (thread and warp), bytes;
#   2. a timeline of consecutive launches (gate and parity kernels) at 64^3
#      and 256^3: kernel durations, to set against the bench's wall time per
#      sweep (the difference is launch gaps and host work).
# Writes OUT/sublattice-256.ncu-rep, OUT/<name>.txt (details, or raw CSV for
# the timelines and the sublattice kernel) and OUT/profile-runs.log: 7 files. Usage: profile.sh [BIN=gpu-bin] [OUT=.]
set -u
export PATH="$PATH:/usr/local/cuda/bin"
bin=${1:-gpu-bin}
out=${2:-.}
. "$(dirname "$0")/carried_libs.sh"
use_carried_libs "$bin" > /dev/null
work=$(mktemp -d)
: > "$out/profile-runs.log"
ncu_run() {  # name seconds ncu-args... -- solver size [class rule]
  local name=$1 seconds=$2
  shift 2
  local args=()
  while [ "$1" != "--" ]; do args+=("$1"); shift; done
  shift
  local t0=$(date +%s)
  timeout "$seconds" ncu --clock-control none "${args[@]}" -f -o "$out/$name" \
    "$bin/coatkmc" bench --backend cuda --solvers "$1" --sizes "$2" --seconds 0.3 \
    --class-rule "${3:-tiles}" --out "$(mktemp -d)" > "$work/$name.log" 2>&1
  local rc=$?
  { echo "=== $name: exit $rc in $(( $(date +%s) - t0 )) s"; cat "$work/$name.log"; } >> "$out/profile-runs.log"
  echo "profile.sh: $name: exit $rc in $(( $(date +%s) - t0 )) s"
}
ncu_run sublattice-256 90 --kernel-name regex:parity_kernel --launch-skip 60 --launch-count 3 --set full -- sublattice 256
# the lattice-wide class rule's kernel (one launch per class, 8 a sweep on sc)
ncu_run class-256 90 --kernel-name regex:class_kernel --launch-skip 60 --launch-count 3 --set full -- sublattice 256 lattice
ncu_run class-timeline-256 60 --launch-skip 200 --launch-count 45 --metrics gpu__time_duration.sum,launch__grid_size,launch__block_size -- sublattice 256 lattice
ncu_run walkers-256 60 --kernel-name regex:walker_kernel --launch-skip 10 --launch-count 2 --set full -- walkers 256
ncu_run timeline-256 60 --launch-skip 200 --launch-count 45 --metrics gpu__time_duration.sum,launch__grid_size,launch__block_size -- sublattice 256
ncu_run timeline-64 60 --launch-skip 200 --launch-count 45 --metrics gpu__time_duration.sum,launch__grid_size,launch__block_size -- sublattice 64
for name in sublattice-256 class-256 walkers-256; do
  [ -f "$out/$name.ncu-rep" ] && ncu --import "$out/$name.ncu-rep" --page details --print-units base > "$out/$name.txt" 2>&1
done
[ -f "$out/sublattice-256.ncu-rep" ] && ncu --import "$out/sublattice-256.ncu-rep" --page raw --csv \
  --print-units base > "$out/sublattice-256.raw.csv" 2>&1
for name in timeline-256 timeline-64; do
  [ -f "$out/$name.ncu-rep" ] && ncu --import "$out/$name.ncu-rep" --page raw --csv --print-units base > "$out/$name.txt" 2>&1
done
rm -f "$out/walkers-256.ncu-rep" "$out/timeline-256.ncu-rep" "$out/timeline-64.ncu-rep"
ls -la "$out"
