#!/usr/bin/env bash
# A real one-node Slurm (Debian's slurm-wlm, with munge): start munged,
# slurmctld and slurmd as root with private configuration, ports and state;
# submit a small sweep as a job array with `coatkmc sweep --slurm --submit`;
# wait with a bounded poll; collect and check; make one task missing and
# resubmit only it; stop the daemons started here. Skips (exit 77) visibly
# where Slurm cannot start: not root, no slurm-wlm/munge, daemons that do not come up.
#
# usage: test_slurm_sweep.sh COATKMC_BINARY
set -u
BIN=$1
SRC=$(cd "$(dirname "$0")/../.." && pwd)  # the source tree (configs/)
POLL_LIMIT=${COATKMC_SLURM_POLL_S:-40}  # seconds per wait for the queue to drain
skip() { echo "SKIP: $*"; exit 77; }
fail() { echo "FAIL: $*"; show_logs; exit 1; }

[ "$(id -u)" -eq 0 ] || skip "the Slurm test starts slurmctld/slurmd and needs root"
for c in munged slurmctld slurmd sbatch squeue sinfo python3; do
  command -v "$c" >/dev/null || skip "$c not found (make test installs slurm-wlm and munge)"
done

W=$(mktemp -d /tmp/coatkmc-slurm-XXXXXX)
chmod 755 "$W"
show_logs() {
  for f in "$W"/log/*.log "$W"/sweep/logs/*.log; do
    [ -f "$f" ] && { echo "== $f"; tail -n 15 "$f"; }
  done
}
cleanup() {
  # Only the daemons this test started, by the pid files they wrote.
  for p in "$W/slurmd.pid" "$W/slurmctld.pid" "$W/munge/munged.pid"; do
    [ -s "$p" ] && kill "$(cat "$p")" 2>/dev/null
  done
  for p in "$W/slurmd.pid" "$W/slurmctld.pid" "$W/munge/munged.pid"; do
    for _ in $(seq 1 50); do
      [ -s "$p" ] && kill -0 "$(cat "$p")" 2>/dev/null || break
      sleep 0.1
    done
  done
  rm -rf "$W"
}
trap cleanup EXIT

mkdir -p "$W"/{munge,state,spool,log}
chmod 700 "$W/munge"
head -c 1024 /dev/urandom >"$W/munge/munge.key"
chmod 400 "$W/munge/munge.key"
munged --force --key-file="$W/munge/munge.key" --socket="$W/munge/munge.socket" \
  --pid-file="$W/munge/munged.pid" --seed-file="$W/munge/seed" \
  --log-file="$W/log/munged.log" --num-threads=2 || skip "munged would not start"

# Two free ports, so a concurrent test or a site Slurm on this machine is never touched.
read -r PORT1 PORT2 < <(python3 -c '
import socket
s = [socket.socket() for _ in range(2)]
for x in s: x.bind(("127.0.0.1", 0))
print(*[x.getsockname()[1] for x in s])')
HOST=$(hostname -s)
CPUS=$(nproc)
cat >"$W/slurm.conf" <<EOC
ClusterName=coatkmctest
SlurmctldHost=$HOST(127.0.0.1)
SlurmctldPort=$PORT1
SlurmdPort=$PORT2
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$W/munge/munge.socket
CredType=cred/munge
StateSaveLocation=$W/state
SlurmdSpoolDir=$W/spool
SlurmctldPidFile=$W/slurmctld.pid
SlurmdPidFile=$W/slurmd.pid
SlurmctldLogFile=$W/log/slurmctld.log
SlurmdLogFile=$W/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
ReturnToService=2
InactiveLimit=0
MinJobAge=300
KillWait=5
Waittime=0
NodeName=coatkmc-node NodeHostname=$HOST NodeAddr=127.0.0.1 CPUs=$CPUS State=UNKNOWN
PartitionName=coatkmc Nodes=coatkmc-node Default=YES MaxTime=INFINITE State=UP
EOC
export SLURM_CONF="$W/slurm.conf"
slurmctld -c -f "$SLURM_CONF" || { show_logs; skip "slurmctld would not start"; }
slurmd -f "$SLURM_CONF" -N coatkmc-node || { show_logs; skip "slurmd would not start"; }
up=0
for _ in $(seq 1 100); do
  state=$(sinfo -h -o %T 2>/dev/null | head -n 1)
  [ "$state" = "idle" ] && { up=1; break; }
  sleep 0.2
done
[ $up -eq 1 ] || { show_logs; skip "the Slurm node did not become idle (state '$state')"; }
echo "slurm up: node idle (ports $PORT1/$PORT2)"

drain() {  # waits until job $1 has left the queue, at most POLL_LIMIT seconds
  local t0=$SECONDS
  while [ -n "$(squeue -h -j "$1" 2>/dev/null)" ]; do
    [ $((SECONDS - t0)) -ge "$POLL_LIMIT" ] && { scancel "$1"; fail "job $1 still queued after ${POLL_LIMIT} s"; }
    sleep 0.5
  done
  echo "job $1 done after $((SECONDS - t0)) s"
}

cat >"$W/tiny.toml" <<EOC
[lattice]
type = "sc"
cells = [6, 6, 6]
[occupancy]
fraction = 0.5
[run]
hops_per_particle = 5
blocks = 4
msd_samples = 4
EOC
cd "$W"
out=$("$BIN" sweep tiny.toml --vary run.temperature=500,700 --out sweep --slurm --submit) ||
  fail "coatkmc sweep --slurm --submit: $out"
echo "$out"
job=$(echo "$out" | sed -n 's/^submitted Slurm job \([0-9]*\).*/\1/p')
[ -n "$job" ] || fail "no job id in: $out"
drain "$job"

"$BIN" collect sweep || fail "collect"
python3 - "$job" <<'EOP' || fail "sweep.json does not hold the job array's results"
import json, sys
job = sys.argv[1]
s = json.load(open("sweep/sweep.json"))
assert s["complete"] and s["tasks_done"] == 2, s
assert len(s["arrhenius"]) == 2, s["arrhenius"]
for t in s["tasks"]:
    p = t["result"]["provenance"]
    assert p["slurm"]["array_job_id"] == job, p["slurm"]
    assert p["slurm"]["array_task_id"] == str(t["task"]), p["slurm"]
    assert p["sweep_task"] == t["task"]
print("collected 2 tasks of job", job, "with their array ids")
EOP

# Task 1 goes missing; --resubmit sends only it, as a one-task array.
before=$(md5sum <sweep/000/result.json)
rm sweep/001/result.json
out=$("$BIN" collect sweep --resubmit) || fail "collect --resubmit: $out"
echo "$out"
echo "$out" | grep -q "resubmitted 1 task(s) (1) as Slurm job" || fail "did not resubmit task 1 alone"
job2=$(echo "$out" | sed -n 's/.*as Slurm job \([0-9]*\).*/\1/p')
drain "$job2"
"$BIN" collect sweep >/dev/null || fail "collect after resubmission"
python3 -c '
import json
s = json.load(open("sweep/sweep.json"))
assert s["complete"], s["missing"]
' || fail "the resubmitted task did not come back"
after=$(md5sum <sweep/000/result.json)
[ "$before" = "$after" ] || fail "task 0 ran again"
echo "PASS: job array, collect, resubmission of the missing task"

# A configuration in its own folder naming its structure file relatively,
# swept from another folder: every array task (run by slurmd, which starts in
# the submission folder) must find the file through sweep.toml.
. "$SRC/tests/scripts/relative_file_config.sh"
write_relative_file_config "$W/cfg"
out=$("$BIN" sweep cfg/c.toml --vary run.temperature=300,400 --out rel --slurm --submit) ||
  fail "coatkmc sweep --slurm --submit (relative lattice.file): $out"
job3=$(echo "$out" | sed -n 's/^submitted Slurm job \([0-9]*\).*/\1/p')
[ -n "$job3" ] || fail "no job id in: $out"
drain "$job3"
"$BIN" collect rel >/dev/null || { cat rel/logs/*.log; fail "collect of the relative-path sweep"; }
python3 -c '
import json
s = json.load(open("rel/sweep.json"))
assert s["complete"] and s["tasks_done"] == 2, s
' || { cat rel/logs/*.log; fail "the tasks of a configuration with a relative lattice.file failed"; }
echo "PASS: a relative lattice.file reaches every array task"
