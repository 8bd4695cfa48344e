#!/usr/bin/env bash
# A bounded libFuzzer run for ctest:
#   run_fuzz.sh FUZZER SECONDS WORKDIR SEED_DIR...
# The corpus grows in WORKDIR/corpus (seed folders are only read); a crash,
# hang (an input over 10 s), leak or sanitizer report fails the test and
# leaves the input in WORKDIR/artifacts. Prints inputs tried and coverage.
set -u
fuzzer=$1 seconds=$2 work=$3
shift 3
# The last run's finds were reported by its failure; keep them one run longer.
rm -rf "$work/artifacts.previous"
[ -d "$work/artifacts" ] && mv "$work/artifacts" "$work/artifacts.previous"
mkdir -p "$work/corpus" "$work/artifacts"
log="$work/last-run.log"
# A fixed libFuzzer seed (COATKMC_FUZZ_SEED, default 1), so a failure can be
# replayed; a changed binary still steers the search elsewhere. Random-seed
# campaigns are run by hand (docs/reliability.md).
seed=${COATKMC_FUZZ_SEED:-1}
"$fuzzer" -seed="$seed" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=16384 \
  -print_final_stats=1 -artifact_prefix="$work/artifacts/" "$work/corpus" "$@" >"$log" 2>&1
status=$?
runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
took=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log")
cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1)
echo "$(basename "$fuzzer"): seed $seed, exit $status, ${runs:-?} inputs in ${took:-?} s, ${cov:-cov: ?}," \
  "corpus $(ls "$work/corpus" | wc -l) files, $(ls "$work/artifacts" | wc -l) crash/hang artifacts"
if [ "$status" -ne 0 ]; then
  tail -n 60 "$log"
  exit 1
fi
