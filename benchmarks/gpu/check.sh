#!/bin/bash
# One call for the day a GPU is lent (an H100 or H200): from binaries built
# beforehand on a CPU machine (benchmarks/gpu/prebuild.sh: sm_90,
# COATKMC_REQUIRE_GPU=ON), within 8 minutes:
#   1. the device's name (nvidia-smi);
#   2. the CUDA instances of the device tests and the unit tests' CUDA tests
#      (a skip would be a failure: COATKMC_REQUIRE_GPU);
#   3. compute-sanitizer memcheck, racecheck and synccheck over a few small
#      device tests (a tool the machine refuses is reported, not hidden);
#   4. `coatkmc bench` for walkers and sublattice, 64^3 to 512^3, on the GPU;
#   5. OUT/<device>-<date>.json (rows: device, solver, lattice, sites,
#      attempts_per_second, hops_per_second, commit) and a plot beside it;
#   6. benchmarks/gpu/profile.sh (Nsight Compute) packed into
#      OUT/<device>-<date>-profile.tar.gz (PROFILE=0 skips it).
# On the H200 of 2026-12-04 steps 1-5 took 131 s and step 6 43 s.
# Each step's output is appended to OUT/<device>-<date>.log as soon as the
# step ends, and each size is benched by a call of its own, so a command
# stopped at the device tool's limit still brings back what finished.
# Libraries: prebuild.sh puts the binaries' shared libraries (all but glibc)
# in BIN_DIR/lib; only those the machine lacks are put on LD_LIBRARY_PATH.
# Usage: benchmarks/gpu/check.sh [BIN_DIR=gpu-bin] [OUT=benchmarks/results]
# Exit status: 0 when every test and sanitizer run passed, 1 otherwise.
set -u
export PATH="$PATH:/usr/local/cuda/bin"  # compute-sanitizer where the toolkit is not on PATH
here=$(cd "$(dirname "$0")" && pwd)
bin=${1:-gpu-bin}
out=${2:-benchmarks/results}
# Time limits per step (seconds), each well above what the H200 took (tests
# 28 + 5 s, sanitizers 2-15 s each, bench 2 / 3 / 10 / 64 s at 64..512^3,
# profile 43 s: 174 s in all). Give the device call a limit of about 8 minutes:
# the log is appended as each step ends, so a stopped call keeps what finished.
T_TESTS=${T_TESTS:-90}
T_SANITIZER=${T_SANITIZER:-60}
T_BENCH=${T_BENCH:-180}  # per size
T_PROFILE=${T_PROFILE:-120}
SIZES=${SIZES:-64,128,256,512}
SAN_FILTER=${SAN_FILTER:-'Backends/DeviceEngines.SameTrajectoryAsTheCpuReference/cuda_species_exchange:Backends/DeviceEngines.SameTrajectoryAsTheCpuReference/cuda_walkers_fcc_full:Backends/DeviceEngines.SameTrajectoryAsTheCpuReference/cuda_honeycomb_interaction_one_per_site'}
status=0
log() { echo "check.sh: $*"; }

start=$(date +%s)
device=$(nvidia-smi --query-gpu=name --format=csv,noheader 2>/dev/null | head -1)
[ -n "$device" ] || device=${DEVICE_NAME:-unknown-device}
slug=$(echo "$device" | tr 'A-Z ' 'a-z-' | tr -cd 'a-z0-9-')
date_tag=$(date -u +%Y-%m-%d)
commit=$(cat "$bin/COMMIT" 2>/dev/null || git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
log "device '$device', binaries $bin (commit $commit)"
mkdir -p "$out"
work=$(mktemp -d)
full_log="$out/$slug-$date_tag.log"
: > "$full_log"
. "$here/carried_libs.sh"
if [ -d "$bin/lib" ]; then
  use_carried_libs "$bin" > "$work/libs.txt"   # not in $(...): the export must stay here
  log "libraries this machine lacks, taken from $bin/lib: $(cat "$work/libs.txt")"
fi

run_step() {  # name seconds command...
  local name=$1 seconds=$2
  shift 2
  local t0=$(date +%s)
  timeout "$seconds" "$@" > "$work/$name.log" 2>&1
  local rc=$?
  log "$name: exit $rc in $(( $(date +%s) - t0 )) s"
  { echo "=== $name: exit $rc"; cat "$work/$name.log"; } >> "$full_log"
  return $rc
}

if ! run_step device-tests "$T_TESTS" "$bin/coatkmc_device_tests" --gtest_filter='*cuda_*:ReplayLauncher.*:LaunchPlan.*' --gtest_brief=1; then
  status=1; tail -40 "$work/device-tests.log"
fi
if ! run_step unit-cuda-tests "$T_TESTS" "$bin/coatkmc_unit_tests" --gtest_filter='*cuda*:*Cuda*' --gtest_brief=1; then
  status=1; tail -40 "$work/unit-cuda-tests.log"
fi
for tool in memcheck racecheck synccheck; do
  if ! command -v compute-sanitizer >/dev/null; then log "compute-sanitizer: not installed"; status=1; break; fi
  if ! run_step "sanitizer-$tool" "$T_SANITIZER" compute-sanitizer --tool "$tool" --error-exitcode 1 \
      "$bin/coatkmc_device_tests" --gtest_filter="$SAN_FILTER" --gtest_brief=1; then
    status=1; tail -20 "$work/sanitizer-$tool.log"
  fi
done
benched=()
for n in ${SIZES//,/ }; do
  if run_step "bench-$n" "$T_BENCH" "$bin/coatkmc" bench --backend cuda --solvers walkers,sublattice \
      --class-rule tiles,lattice --sizes "$n" --seconds 1 --out "$work/bench-$n"; then
    benched+=("$work/bench-$n"/bench-*.json)
  else
    status=1; tail -20 "$work/bench-$n.log"
  fi
  cat "$work/bench-$n.log"
done
if [ ${#benched[@]} -gt 0 ]; then
  name="$out/$slug-$date_tag"
  python3 "$here/bench_rows.py" "$name.json" --plot "$name.png" "${benched[@]}" \
    && log "wrote $name.json and $name.png"
fi
# 6. Where the time goes (benchmarks/gpu/profile.sh: Nsight Compute, clocks left
# alone), packed into one file (the device tool brings back at most 8).
# PROFILE=0 skips it; a profile that fails is reported, not a test failure.
if [ "${PROFILE:-1}" != 0 ]; then
  if command -v ncu >/dev/null; then
    t0=$(date +%s)
    mkdir -p "$work/profile"
    timeout "$T_PROFILE" "$here/profile.sh" "$bin" "$work/profile" > "$work/profile.log" 2>&1
    log "profile: exit $? in $(( $(date +%s) - t0 )) s"
    tar -czf "$out/$slug-$date_tag-profile.tar.gz" -C "$work" profile profile.log \
      && log "wrote $out/$slug-$date_tag-profile.tar.gz"
  else
    log "profile: ncu not installed"
  fi
fi
log "done in $(( $(date +%s) - start )) s, status $status"
exit $status
