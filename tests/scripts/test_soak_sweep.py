#!/usr/bin/env python3
"""Soak test of sweeps (issue 17, docs/reliability.md).

A sweep of 8 short tasks runs with its workers (`coatkmc task` processes)
killed at random moments, by SIGTERM (the task saves a checkpoint and stops)
or SIGKILL (it dies where it stands), and is resubmitted with
`coatkmc collect DIR --resubmit` until every task is done. Then `collect`
must find every task complete, every result.json must parse, no task's
results may have been written twice (a result.json, once there, never
changes), and every task's physics and the Arrhenius fit must equal those
of the same sweep run without interruption. The kill schedule comes from a
fixed seed; which task a kill hits depends on timing.

usage: test_soak_sweep.py COATKMC_BINARY
"""
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time

BIN = sys.argv[1]
SEED = 20261203
TEMPERATURES = "400,500,600,700"
REPLICAS = "2"
MAX_ROUNDS = 12
KILLING_ROUNDS = 4  # later rounds run undisturbed, so the test ends
KILLS_PER_ROUND = 3

CONFIG = """[lattice]
type = "sc"
cells = [20, 20, 20]
[occupancy]
fraction = 0.5
[run]
hops_per_particle = 300
blocks = 8
msd_samples = 20
"""
# Fields of result.json that say how a run went (host, wall time, restarts), not what it found.
NOT_PHYSICS = {"provenance", "wall_time", "hops_per_second"}


def fail(message):
    print("FAIL: " + message)
    sys.exit(1)


def task_children(pid):
    """The coatkmc processes whose parent is `pid` (the sweep's or collect's workers)."""
    kids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % entry) as f:
                stat = f.read()
        except OSError:
            continue
        comm = stat[stat.index("(") + 1:stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2:].split()
        if int(fields[1]) == pid and comm == "coatkmc" and fields[0] not in "ZX":
            kids.append(int(entry))
    return sorted(kids)


def run_round(cmd, rng, kills_wanted, log):
    """Runs `cmd`, killing up to `kills_wanted` of its workers at random moments."""
    p = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    kills = []
    while p.poll() is None:
        time.sleep(rng.uniform(0.05, 0.5))
        if len(kills) >= kills_wanted:
            continue
        kids = task_children(p.pid)
        if not kids:
            continue
        victim = rng.choice(kids)
        sig = rng.choice([signal.SIGTERM, signal.SIGKILL])
        try:
            os.kill(victim, sig)
            kills.append(sig)
        except ProcessLookupError:
            pass
    return p.returncode, kills


def results(folder):
    """task folder -> (inode, mtime, text) of its result.json, for every task that has one."""
    out = {}
    for task in sorted(os.listdir(folder)):
        path = os.path.join(folder, task, "result.json")
        if task.isdigit() and os.path.exists(path):
            st = os.stat(path)
            with open(path) as f:
                out[task] = (st.st_ino, st.st_mtime_ns, f.read())
    return out


def collect(folder):
    r = subprocess.run([BIN, "collect", folder], capture_output=True, text=True)
    if r.returncode != 0:
        fail("collect %s: exit %d: %s" % (folder, r.returncode, r.stderr))
    with open(os.path.join(folder, "sweep.json")) as f:
        return json.load(f)


def main():
    start = time.monotonic()
    rng = random.Random(SEED)
    work = tempfile.mkdtemp(prefix="coatkmc-soak-")
    try:
        os.chdir(work)
        with open("soak.toml", "w") as f:
            f.write(CONFIG)
        sweep = [BIN, "sweep", "soak.toml", "--vary", "run.temperature=" + TEMPERATURES,
                 "--replicas", REPLICAS, "--jobs", "2", "--checkpoint-every", "0.002"]
        env_log = open("soak.log", "w")

        # The reference: the same sweep, undisturbed.
        r = subprocess.run(sweep + ["--out", "reference"], stdout=env_log, stderr=subprocess.STDOUT)
        if r.returncode != 0:
            fail("the uninterrupted sweep failed (exit %d); see %s/soak.log" % (r.returncode, work))
        reference = collect("reference")
        if not reference["complete"] or reference["tasks_done"] != 8:
            fail("the uninterrupted sweep is incomplete")

        # The soak: killed and resubmitted until collect finds it complete.
        seen = {}
        all_kills = []
        cmd = sweep + ["--out", "soak"]
        for round_ in range(MAX_ROUNDS):
            kills_wanted = KILLS_PER_ROUND if round_ < KILLING_ROUNDS else 0
            code, kills = run_round(cmd, rng, kills_wanted, env_log)
            all_kills += kills
            print("round %d: exit %d, %d worker(s) killed (%s)" % (
                round_, code, len(kills), ", ".join(signal.Signals(s).name for s in kills)))
            now = results("soak")
            for task, record in seen.items():
                if now.get(task) != record:
                    fail("task %s: its result.json was written again" % task)
            seen = now
            state = collect("soak")
            if state["complete"]:
                break
            cmd = [BIN, "collect", "soak", "--resubmit", "--jobs", "2"]
        else:
            fail("not complete after %d rounds" % MAX_ROUNDS)
        if len(all_kills) < 3:
            fail("only %d worker(s) were killed: the soak tested nothing" % len(all_kills))

        if state["tasks_done"] != 8 or state["failed"] or state["missing"]:
            fail("collect: %d done, failed %s, missing %s" % (
                state["tasks_done"], state["failed"], state["missing"]))
        for task in sorted(seen):
            mine = json.loads(seen[task][2])
            with open(os.path.join("reference", task, "result.json")) as f:
                theirs = json.load(f)
            for key in set(mine) | set(theirs):
                if key not in NOT_PHYSICS and mine.get(key) != theirs.get(key):
                    fail("task %s: %s differs from the uninterrupted sweep" % (task, key))
        if state["arrhenius"] != reference["arrhenius"] or not state["arrhenius"]:
            fail("the Arrhenius fit differs from the uninterrupted sweep's")
        continued = 0
        for name in os.listdir("soak/logs"):
            with open(os.path.join("soak/logs", name)) as f:
                continued += f.read().count("continuing from")
        print("PASS: %d kills (%d SIGTERM, %d SIGKILL), %d task start(s) continued a checkpoint, "
              "Arrhenius fit equal, %.1f s" % (
                  len(all_kills), all_kills.count(signal.SIGTERM),
                  all_kills.count(signal.SIGKILL), continued, time.monotonic() - start))
    finally:
        os.chdir("/")
        shutil.rmtree(work, ignore_errors=True)


main()
