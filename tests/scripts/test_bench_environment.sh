#!/bin/sh
# `coatkmc bench --energy environment` (and nn_pair) builds its environment
# model through the run configuration path and times it on bkl and the
# sublattice solver: both rows come back with hops and attempts.
set -e
coatkmc="$1"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/t"
for energy in environment nn_pair; do
  TMPDIR="$tmp/t" "$coatkmc" bench --quick --solvers bkl,sublattice --energy $energy --out "$tmp/$energy" >/dev/null
  /usr/bin/python3 - "$tmp/$energy" "$energy" <<'PY'
import glob, json, sys
rows = json.load(open(glob.glob(sys.argv[1] + "/bench-quick-*.json")[0]))["rows"]
assert sorted(r["solver"] for r in rows) == ["bkl", "sublattice"], rows
for r in rows:
    assert r["energy"] == sys.argv[2] and r["hops"] > 0 and r["attempts"] >= r["hops"], r
PY
done
# The coefficients file the bench wrote is gone.
[ -z "$(ls -A "$tmp/t")" ] || { echo "left behind: $(ls "$tmp/t")"; exit 1; }
