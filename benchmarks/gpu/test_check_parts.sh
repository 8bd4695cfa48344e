#!/bin/bash
# The CPU-side parts of benchmarks/gpu/check.sh, run in CTest (label device):
# bench_rows.py turns a real `coatkmc bench` record (made here on the CPU)
# into the rows and the plot check.sh writes, and check.sh itself runs end to
# end on a machine without a GPU, reporting failure (status 1) rather than
# passing, and still writing its log.
# Usage: test_check_parts.sh COATKMC_BINARY BUILD_DIR SOURCE_DIR
set -eu
coatkmc=$1 build=$2 src=$3
tmp=$(mktemp -d)
"$coatkmc" bench --backend cpu --solvers walkers,sublattice --class-rule tiles,lattice --sizes 8 \
  --seconds 0.2 --out "$tmp/bench" >/dev/null
/usr/bin/python3 "$src/benchmarks/gpu/bench_rows.py" "$tmp/rows.json" --plot "$tmp/rows.png" "$tmp"/bench/bench-*.json
/usr/bin/python3 - "$tmp/rows.json" <<'PY'
import json, sys
rows = json.load(open(sys.argv[1]))["rows"]
want = {"device", "solver", "lattice", "sites", "attempts_per_second", "hops_per_second", "commit"}
assert rows, "no rows"
for r in rows:
    assert want <= set(r), f"missing {want - set(r)}"
    assert r["sites"] == 8 ** 3, r
    assert r["attempts_per_second"] > 0 and r["hops_per_second"] > 0, r
assert {r["solver"] for r in rows} == {"walkers", "sublattice"}, rows
# check.sh benches the sublattice solver under both class rules, one row each
assert sorted(r["class_rule"] for r in rows if r["solver"] == "sublattice") == ["lattice", "tiles"], rows
PY
test -s "$tmp/rows.png" || { echo "no plot"; exit 1; }
# check.sh on this machine: no GPU, so it must fail (exit 1) and say why in its log.
mkdir -p "$tmp/bin"
for b in coatkmc coatkmc_device_tests coatkmc_unit_tests; do ln -s "$build/$b" "$tmp/bin/$b"; done
set +e
T_TESTS=60 T_SANITIZER=5 T_BENCH=30 SIZES=8 DEVICE_NAME="no gpu" \
  "$src/benchmarks/gpu/check.sh" "$tmp/bin" "$tmp/out" > "$tmp/check.out" 2>&1
rc=$?
set -e
if [ "$rc" != 1 ]; then echo "check.sh without a GPU exited $rc, expected 1"; cat "$tmp/check.out"; exit 1; fi
ls "$tmp/out"/no-gpu-*.log >/dev/null || { echo "check.sh wrote no log"; exit 1; }
grep -q "device-tests: exit" "$tmp/check.out"
rm -rf "$tmp"
echo "check.sh parts: ok"
