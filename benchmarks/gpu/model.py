#!/usr/bin/env python3
"""Throughput model of the GPU engine (benchmarks/NOTES.md explains every
number). Writes benchmarks/gpu/model.json: one row per (device, solver,
design, lattice) with the predicted rate and the bound that sets it.

Instruction counts come from the sm_90 SASS of the code
(benchmarks/gpu/sass_counts.json, written by sass_counts.py from the probe
kernels of sass_probes.cu and the two CUDA engines); the lattice geometry
(tiles, members, blocks) from the tiling rule of kmc/solvers/SublatticeClasses.cpp;
everything else is a stated assumption below. Two designs:
  "landed"   the code of this commit (kernels, drivers, solvers);
  "target"   the further changes NOTES.md lists (not implemented); for walkers the
             same code with 64 rounds per launch (milestones >= 64 hops per walker apart).
Usage: benchmarks/gpu/model.py [OUT_JSON]
       benchmarks/gpu/model.py --check   (model.json is what this file and
                                          sass_counts.json give; ctest gpu-resources.model)
"""
import json
import math
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SASS = json.load(open(os.path.join(HERE, "sass_counts.json")))["kernels"]

DEVICES = {
    # SMs, boost clock (Hz), DRAM bytes/s, L2 bytes (NVIDIA specifications, SXM parts)
    "H100": dict(sms=132, clock=1.98e9, dram=3.35e12, l2=50e6),
    "H200": dict(sms=132, clock=1.98e9, dram=4.8e12, l2=50e6),
}
ISSUE_EFFICIENCY = 0.7   # achieved / peak warp-instruction issue (4 per SM per clock)
CYCLES_PER_DEPENDENT_INSTRUCTION = 1.5  # a lone warp's ALU path (latency partly hidden by ILP)
PCIE = 20e9              # bytes/s, host copies per milestone
HOST_NS_PER_SITE = 10e-9 # host loop rebuilding SystemState per site (store())
HOST_NS_PER_WALKER = 20e-9
LAUNCH_GAP = 2.5e-6      # s between dependent kernels queued on one stream
GRAPH_GAP = 0.8e-6       # s with the sweep's launches in a CUDA graph
BARRIER_CYCLES = 100     # __syncthreads() and the phase's first issue
L1_LATENCY = 35          # cycles: shared memory or an L1 hit
L2_LATENCY = 300         # cycles, a dependent load that hits L2
DRAM_LATENCY = 650       # cycles, one that misses
BLOCKS_PER_SM = 4        # 224 threads at <= 72 registers (gpu-resources test: 71)
C = 0.5                  # half-filled lattice gas (the bench case)
CEILING = 0.25
# Runs keep the state on the engine between milestones (Simulation calls
# keep_state_on_engine(true): SublatticeSolver since 69c951b, WalkersSolver since
# 6a83528); only milestone sums cross. False models the download after every
# advance (17 B per site, 16 B per walker per engine call) that a solver without
# it (e.g. `coatkmc bench`, which does not ask for residency) still makes.
STATE_RESIDENT = True


def sass(name):
    return SASS[name]["sass"] - SASS["probe_frame"]["sass"]


# ---- lane instructions of the pieces, from the SASS ------------------------
PHILOX = sass("probe_philox") - 3            # one Philox4x32-10 block (the probe XORs 4 words)
POISSON = sass("probe_poisson") - 2          # K from 12 thresholds (the probe loads the word)
VISIT_ONE = sass("probe_visit_one_attempt")  # prologue + one block + one attempt + accepted path
ATTEMPT = VISIT_ONE - PHILOX                 # per attempt, prologue included (an upper bound)
SCAN = sass("probe_scan")                    # one member: bounds, eligibility, claim_place
SCAN_PHASE = sass("probe_phase_scan")        # a whole scan phase of one lane
DISPATCH = SCAN_PHASE - SCAN                 # phase decode, header and class entry
LIST_READ = 15                               # visit: list entry, member words, coordinates (estimate)
# The environment model (issue 16) and the nearest-neighbour interaction it is
# compared with: a rolled loop's static count holds its body once, so a loop
# over P sites costs the whole probe plus (P - 1) bodies (each body probe
# carries its own index arithmetic: an upper bound, the same for both).
ENV_ACCEPTS = sass("probe_environment_accepts")   # integer form, one environment site
ENV_SITE = sass("probe_environment_site")         # one more environment site
NN_AROUND = sass("probe_occupied_around")         # occupied neighbours, one neighbour
NN_NEIGHBOUR = sass("probe_occupied_neighbour")   # one more neighbour
ENV_SITES_TWO_SHELLS = 18   # sc: 8 sites at sqrt(5)/2 a and 10 at 3/2 a from the hop midpoint
SC_ZMAX = 6
WALKER_HOP = sass("probe_walker_hop")        # words, PortableLog, slot search, step (static)
WALKER_FP64 = SASS["probe_walker_hop"]["fp64_ptx"]


def poisson_pmf(k):
    return math.exp(-1) / math.factorial(k)


def poisson_cdf(k):
    return sum(poisson_pmf(j) for j in range(k + 1))


def blocks_for(k):
    """Philox blocks a visit with k attempts draws: words 1 + 2k, four per block."""
    return math.ceil((1 + 2 * k) / 4)


def warp_max_expectations(lanes=32):
    """E[max(K, 1)] and E[blocks(max K)] over the lanes of a warp (K ~ Poisson(1) each):
    a warp runs its loop as often as its busiest lane."""
    e_att = e_blk = 0.0
    for k in range(0, 20):
        p = poisson_cdf(k) ** lanes - (poisson_cdf(k - 1) ** lanes if k > 0 else 0.0)
        e_att += p * max(k, 1)
        e_blk += p * blocks_for(k)
    return e_att, e_blk


def mean_expectations():
    """E[max(K, 1)] and E[blocks(K)] of one site (no divergence)."""
    e_att = sum(poisson_pmf(k) * max(k, 1) for k in range(20))
    e_blk = sum(poisson_pmf(k) * blocks_for(k) for k in range(20))
    return e_att, e_blk


# The energy models of the sublattice rows: lane instructions a vacancy-hop
# attempt adds (integer decisions, one table per slot), per visit (the
# origin's count, once), the class spacing and the dependent byte loads per
# attempt (each a rolled loop's load chain).
def energy_model(energy):
    if energy == "lattice gas":
        return dict(per_vacant_attempt=0, per_visit=0, spacing=3, loads=0)
    nn = NN_AROUND + (SC_ZMAX - 1) * NN_NEIGHBOUR
    if energy == "nearest-neighbour J":   # spacing 3r + 1; the target's and (once) the origin's count
        return dict(per_vacant_attempt=nn, per_visit=nn, spacing=4, loads=SC_ZMAX)
    if energy == "environment, two shells":  # spacing r + 2r + 1 (reach 2); 18 sites per attempt
        env = ENV_ACCEPTS + (ENV_SITES_TWO_SHELLS - 1) * ENV_SITE
        return dict(per_vacant_attempt=env, per_visit=0, spacing=4, loads=ENV_SITES_TWO_SHELLS)
    raise ValueError(energy)


def bench_tiling(n, m=3):
    """sc: spacing m (3: no interaction), tiles as make_axis() cuts them."""
    w = max(m, min(16, n // 4))
    tiles = 2 * (n // (2 * w))
    if tiles < 2:
        tiles = 2 if n >= 2 * m else 1
    width = n / tiles
    widest = math.ceil(math.ceil(width) / m)
    return dict(m=m, tiles=tiles, width=width, members_grid=widest ** 3,
                members_mean=width ** 3 / m ** 3, classes=m ** 3, parity=8,
                blocks=(tiles // 2) ** 3, tile_sites=width ** 3)


# ---- sublattice --------------------------------------------------------------
def sublattice(dev, n, design, energy="lattice gas"):
    d = DEVICES[dev]
    em = energy_model(energy)
    t = bench_tiling(n, em["spacing"])
    sites = n ** 3
    block = min(224, 32 * math.ceil(t["members_grid"] / 32))
    warps = block // 32
    eligible = C * t["members_mean"]                 # occupied members of a class
    # lanes of a warp run different K; grouping visits by K (T8) was tried and
    # does not pay (NOTES.md), so the target keeps the divergence too
    e_att, e_blk = warp_max_expectations()
    # an energy model's work: on the attempts whose target is vacant (1 - c of
    # them; a warp runs it when any lane needs it, so every iteration counts)
    attempt = ATTEMPT + em["per_vacant_attempt"]
    visit_warp = DISPATCH + LIST_READ + PHILOX * e_blk + POISSON + attempt * e_att + em["per_visit"]
    busy_warps = min(warps, math.ceil(eligible / 32))
    per_class = warps * SCAN_PHASE + busy_warps * visit_warp + (warps - busy_warps) * (DISPATCH + 3)
    warp_per_visit = per_class * t["classes"] / t["tile_sites"]
    replicas = 1
    slots = d["sms"] * BLOCKS_PER_SM
    if design == "target" and t["blocks"] < slots:
        replicas = max(1, slots // t["blocks"])      # T5: replicas fill the GPU
    waves = math.ceil(t["blocks"] * replicas / slots)
    issue_rate = d["sms"] * 4 * d["clock"] * ISSUE_EFFICIENCY
    bytes_in_l2 = sites * replicas <= d["l2"]
    records_in_l2 = 16 * sites * replicas <= d["l2"]
    lat_byte = L2_LATENCY if bytes_in_l2 else DRAM_LATENCY
    lat_record = L2_LATENCY if records_in_l2 else DRAM_LATENCY
    if design == "target":
        lat_byte_phase, lat_record_phase = L1_LATENCY, L1_LATENCY   # T4: tile in shared memory
        launch_cycles = 2 * lat_byte + lat_record
    else:
        lat_byte_phase, lat_record_phase = lat_byte, lat_record
        launch_cycles = 0
    # the chain of one class step of a block: scan (site byte, ALU), visit (site byte,
    # then per attempt the target byte and the threshold, an accepted hop's record)
    scan_cycles = lat_byte_phase + SCAN_PHASE * CYCLES_PER_DEPENDENT_INSTRUCTION + BARRIER_CYCLES
    visit_cycles = (lat_byte_phase + e_att * (lat_byte_phase + L1_LATENCY) + lat_record_phase
                    + (e_att + (1 if em["per_visit"] else 0)) * em["loads"] * (lat_byte_phase + L1_LATENCY)
                    + (visit_warp - DISPATCH) * CYCLES_PER_DEPENDENT_INSTRUCTION + BARRIER_CYCLES)
    phase_latency = (scan_cycles + visit_cycles) / d["clock"]
    class_issue = min(t["blocks"] * replicas, slots) * per_class / issue_rate
    class_time = max(phase_latency, class_issue)
    gap = GRAPH_GAP if design == "target" else LAUNCH_GAP
    sweep = t["parity"] * (waves * (t["classes"] * class_time + launch_cycles / d["clock"]) + gap)
    t_gpu = sweep / (sites * replicas)
    bytes_per_visit = (0.0 if bytes_in_l2 else 2.0) + (0.0 if records_in_l2 else 32 * C * (1 - C) * CEILING)
    t_dram = bytes_per_visit / d["dram"]
    t_issue = warp_per_visit / issue_rate
    resident = STATE_RESIDENT or design == "target"
    t_host = 0.0 if resident else (17 / PCIE + HOST_NS_PER_SITE) / 256
    limits = {"dependent phases and launch gaps": t_gpu, "instruction issue": t_issue,
              "DRAM bandwidth": t_dram, "host round trips": t_host}
    bound = max(limits, key=limits.get)
    if bound == "dependent phases and launch gaps" and class_issue >= phase_latency:
        bound = "instruction issue"
    t_all = max(limits.values())
    return dict(rate=1 / t_all, bound=bound, energy=energy, class_spacing=em["spacing"],
                limits_per_second={k: (1 / x if x > 0 else None) for k, x in limits.items()},
                warp_instructions_per_attempt=warp_per_visit,
                lane_instructions_per_eligible_visit=visit_warp,
                expected_attempt_loop_iterations_per_warp=e_att,
                dram_bytes_per_attempt=bytes_per_visit,
                dependent_phases_per_sweep=t["parity"] * (2 + 2 * t["classes"]),
                blocks_per_launch=t["blocks"] * replicas, replicas_per_launch=replicas,
                block_threads=block)


# ---- walkers ------------------------------------------------------------------
BENCH_HOPS_PER_WALKER_PER_CALL = 4     # host/cli/BenchCommand.cpp: chunk = 4 x ions hops


def expected_max_poisson(lam, lanes=32):
    """E[max of `lanes` independent Poisson(lam)]."""
    emax, cdf_prev, pmf = 0.0, 0.0, math.exp(-lam)
    for k in range(0, int(lam * 4 + 40)):
        if k > 0:
            pmf *= lam / k
        cdf_k = min(1.0, cdf_prev + pmf)
        emax += k * (cdf_k ** lanes - cdf_prev ** lanes)
        cdf_prev = cdf_k
    return emax


def walker_launches(design):
    """[(rounds, launches per call)] of one engine call. WalkersSolver::rounds_toward
    gives a hop target of h hops per walker floor(h) rounds in one launch, then
    one round per launch until the target is reached (at equilibrium a round makes
    Poisson(walkers) hops, so the floor(h) rounds fall short about half the time
    and one more round always closes the gap at these sizes). 'landed': the bench's
    4 hops per walker per call; 'target': milestones 64 or more hops per walker
    apart (a run's setting, the same code: 64 rounds, the engine's cap, per launch)."""
    if design == "landed":
        return [(BENCH_HOPS_PER_WALKER_PER_CALL, 1.0), (1, 0.5)]
    return [(64, 1.0)]


def walkers(dev, n, design):
    d = DEVICES[dev]
    walkers_count = int(C * n ** 3)
    hop = WALKER_HOP + WALKER_FP64        # FP64 on the half-rate pipe: two issue slots
    # Every walker of a launch runs all its rounds in one flat loop (kernels/WalkerStep.hpp):
    # an iteration is a hop, or the draw that passes a round's end (discarded: the round is
    # over). A warp iterates as often as its busiest lane, E[max over 32 lanes of (rounds +
    # Poisson(rounds))], and an iteration in which any lane hops costs the warp a whole hop
    # (the draw and its logarithm come first on both paths), so the warp pays one hop per
    # iteration; its 32 lanes make 32 x rounds hops.
    launches = walker_launches(design)
    rounds = sum(k * p for k, p in launches)          # per call, = hops per walker at equilibrium
    calls_launches = sum(p for _, p in launches)
    iterations = sum(p * (k + expected_max_poisson(k)) for k, p in launches)
    warp = hop * iterations / (32 * rounds)       # warp instructions per hop
    efficiency = rounds / iterations              # lane use
    issue_rate = d["sms"] * 4 * d["clock"] * ISSUE_EFFICIENCY
    t_issue = warp / issue_rate
    t_dram = 32 * calls_launches / rounds / d["dram"]   # walker state 16 B read + written per launch
    t_launch = LAUNCH_GAP * calls_launches / (walkers_count * rounds)   # one launch, no gate
    resident = STATE_RESIDENT or design == "target"
    t_host = 0.0 if resident else (16 / PCIE + HOST_NS_PER_WALKER) / rounds
    limits = {"instruction issue (divergent lanes)": t_issue, "DRAM bandwidth": t_dram,
              "launch gaps": t_launch, "host round trips": t_host}
    bound = max(limits, key=limits.get)
    return dict(rate=1 / max(limits.values()), bound=bound,
                limits_per_second={k: (1 / x if x > 0 else None) for k, x in limits.items()},
                warp_instructions_per_hop=warp, lane_instructions_per_hop=hop,
                lane_efficiency=efficiency, rounds_per_launch=rounds / calls_launches)


def same(a, b):
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, float) or isinstance(b, float):
        return a is not None and b is not None and math.isclose(a, b, rel_tol=1e-9)
    return a == b


def main():
    if sys.argv[1:] == ["--check"]:
        import tempfile
        with tempfile.TemporaryDirectory() as tmp:
            fresh = os.path.join(tmp, "model.json")
            sys.argv = [sys.argv[0], fresh]
            import contextlib
            import io
            with contextlib.redirect_stdout(io.StringIO()):
                main()
            ok = same(json.load(open(fresh)), json.load(open(os.path.join(HERE, "model.json"))))
        print("model.json is current" if ok else
              "FAIL: benchmarks/gpu/model.json differs from what model.py and sass_counts.json "
              "give: rerun benchmarks/gpu/model.py (and update NOTES.md's tables)")
        sys.exit(0 if ok else 1)
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "model.json")
    rows = []
    for dev in DEVICES:
        for design in ("landed", "target"):
            for n in (64, 256, 512):
                s = sublattice(dev, n, design)
                rows.append(dict(device=dev, solver="sublattice", design=design, cells=n,
                                 sites=n ** 3, predicted_attempts_per_second=s["rate"],
                                 predicted_hops_per_second=s["rate"] * C * (1 - C) * CEILING,
                                 bound=s["bound"],
                                 **{k: v for k, v in s.items() if k not in ("rate", "bound")}))
                if design == "landed":
                    # the energy models at the bench's size and above (issue 16, item 5)
                    for energy in ("nearest-neighbour J", "environment, two shells"):
                        e = sublattice(dev, n, design, energy)
                        rows.append(dict(device=dev, solver="sublattice", design=design, cells=n,
                                         sites=n ** 3, predicted_attempts_per_second=e["rate"],
                                         predicted_hops_per_second=e["rate"] * C * (1 - C) * CEILING,
                                         bound=e["bound"],
                                         **{k: v for k, v in e.items() if k not in ("rate", "bound")}))
                w = walkers(dev, n, design)
                rows.append(dict(device=dev, solver="walkers", design=design, cells=n,
                                 sites=n ** 3, predicted_attempts_per_second=w["rate"],
                                 predicted_hops_per_second=w["rate"], bound=w["bound"],
                                 **{k: v for k, v in w.items() if k not in ("rate", "bound")}))
    pieces = dict(philox=PHILOX, poisson=POISSON, visit_one_attempt=VISIT_ONE, attempt=ATTEMPT,
                  scan=SCAN, scan_phase=SCAN_PHASE, dispatch=DISPATCH, walker_hop=WALKER_HOP,
                  walker_fp64=WALKER_FP64, environment_accepts=ENV_ACCEPTS,
                  environment_site=ENV_SITE, occupied_around=NN_AROUND,
                  occupied_neighbour=NN_NEIGHBOUR)
    with open(out, "w") as f:
        json.dump({"note": "benchmarks/NOTES.md; design 'landed' is the code of this commit, "
                           "'target' the changes NOTES.md lists (not implemented); lane "
                           "instruction counts from benchmarks/gpu/sass_counts.json",
                   "state_resident": STATE_RESIDENT,
                   "lane_instructions": pieces, "rows": rows}, f, indent=1)
        f.write("\n")
    print("lane instructions (SASS):", pieces)
    for r in rows:
        rate = r["predicted_hops_per_second"] if r["solver"] == "walkers" else r["predicted_attempts_per_second"]
        lim = {k: ("%.2e" % v if v else "-") for k, v in r["limits_per_second"].items()}
        print(f'{r["device"]} {r["solver"]:10s} {r["design"]:6s} {r["cells"]:3d}^3  {rate:9.2e}/s  {r["bound"]:35s} {lim} {r.get("energy", "")}')


if __name__ == "__main__":
    main()
