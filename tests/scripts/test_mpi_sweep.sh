#!/usr/bin/env bash
# `mpirun -n 2 coatkmc sweep ...` on the CPU: the tasks are spread over the two
# ranks (round robin), every task runs once, and the results say which rank
# ran them. Skips (exit 77) where this build has no MPI or mpirun is missing.
#
# usage: test_mpi_sweep.sh COATKMC_BINARY HAVE_MPI
set -u
BIN=$1
SRC=$(cd "$(dirname "$0")/../.." && pwd)  # the source tree (configs/)
[ "${2:-0}" = "1" ] || { echo "SKIP: this coatkmc was built without MPI (libopenmpi-dev)"; exit 77; }
command -v mpirun >/dev/null || { echo "SKIP: mpirun not found (openmpi-bin)"; exit 77; }
W=$(mktemp -d /tmp/coatkmc-mpi-XXXXXX)
trap 'rm -rf "$W"' EXIT
cd "$W"
cat >tiny.toml <<EOC
[lattice]
type = "sc"
cells = [6, 6, 6]
[occupancy]
fraction = 0.5
[run]
hops_per_particle = 5
blocks = 2
msd_samples = 2
EOC
# As root Open MPI needs --allow-run-as-root; a 2-core CI box needs --oversubscribe.
# No shared-memory single-copy (ptrace may be off in containers).
export OMPI_MCA_btl_vader_single_copy_mechanism=none OMP_NUM_THREADS=1
mpirun --allow-run-as-root --oversubscribe -n 2 \
  "$BIN" sweep tiny.toml --vary run.temperature=400,500,600,700,800 --out sweep >mpi.log 2>&1
rc=$?
cat mpi.log
[ $rc -eq 0 ] || { echo "FAIL: mpirun exit $rc"; exit 1; }
python3 - <<'EOP' || exit 1
import json, glob
ranks = {}
for path in sorted(glob.glob("sweep/*/result.json")):
    p = json.load(open(path))["provenance"]
    ranks[p["sweep_task"]] = p["mpi_rank"]
assert sorted(ranks) == [0, 1, 2, 3, 4], ranks
for task, rank in ranks.items():
    assert rank == str(task % 2), (task, rank)
print("PASS: 5 tasks over 2 ranks:", ranks)
EOP

# A configuration in its own folder naming its structure file relatively:
# every rank's tasks read sweep.toml from the sweep folder and must find it.
. "$SRC/tests/scripts/relative_file_config.sh"
write_relative_file_config cfg
mpirun --allow-run-as-root --oversubscribe -n 2 \
  "$BIN" sweep cfg/c.toml --vary run.temperature=300,400 --out rel >rel.log 2>&1
rc=$?
[ $rc -eq 0 ] || { cat rel.log; echo "FAIL: mpirun with a relative lattice.file: exit $rc"; exit 1; }
n=$(ls rel/*/result.json 2>/dev/null | wc -l)
[ "$n" -eq 2 ] || { cat rel.log; echo "FAIL: $n of 2 tasks with a relative lattice.file"; exit 1; }
echo "PASS: a relative lattice.file reaches the tasks of both ranks"
