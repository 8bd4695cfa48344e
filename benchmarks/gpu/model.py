#!/usr/bin/env python3
"""Throughput model of the GPU engine (benchmarks/NOTES.md explains every
number). Writes benchmarks/gpu/model.json: one row per (device, solver,
design, lattice) with the predicted rate and the bound that sets it.

It counts, per sublattice site visit and per walker hop: lane instructions
(from the code paths of kernels/SublatticeAttempt.hpp, WalkerStep.hpp,
CounterRng.hpp and PortableLog.hpp), warp instructions (divergence and lane
use), DRAM bytes, dependent phases per sweep and host round trips, and takes
the slowest of the resulting time limits. Two designs are modelled:
  "landed"   the code as it is in this commit;
  "target"   the changes listed in NOTES.md (not yet implemented).
Usage: benchmarks/gpu/model.py [OUT_JSON]
"""
import json
import math
import sys

DEVICES = {
    # SMs, boost clock (Hz), DRAM bytes/s, L2 bytes (NVIDIA specifications, SXM parts)
    "H100": dict(sms=132, clock=1.98e9, dram=3.35e12, l2=50e6),
    "H200": dict(sms=132, clock=1.98e9, dram=4.8e12, l2=50e6),
}
ISSUE_EFFICIENCY = 0.7   # achieved / peak warp-instruction issue (4 per SM per clock)
PCIE = 20e9              # bytes/s, pageable-or-pinned host copies as used per milestone
HOST_NS_PER_SITE = 10e-9 # host loop rebuilding SystemState per site (store())
HOST_NS_PER_WALKER = 20e-9
LAUNCH_GAP = 2.5e-6      # s between dependent kernels queued on one stream
GRAPH_GAP = 0.8e-6       # s with the sweep's launches in a CUDA graph
L2_LATENCY = 300         # cycles, a dependent load that hits L2
DRAM_LATENCY = 650       # cycles, one that misses
BLOCKS_PER_SM = {"landed": 3,   # 224 threads at 89 registers (ptxas, sm_90): 19,936 of 65,536
                 "target": 4}   # 224 threads at <= 72 registers
C = 0.5                  # half-filled lattice gas (the bench case)
CEILING = 0.25

# ---- sublattice: lane instructions per site visit -------------------------
PHILOX = 90                                   # one Philox4x32-10 block
def poisson_blocks():
    # words used = 1 + 2K (K ~ Poisson(1)); a block holds 4 words
    return sum(math.exp(-1) / math.factorial(k) * math.ceil((1 + 2 * k) / 4) for k in range(16))

def sublattice_visit(design):
    mapping = 60 if design == "landed" else 8       # div/mod by member counts vs precomputed offsets
    eligible = 6
    overhead = 15
    poisson = 12                                    # T1 (landed): 12 integer compares (was an FP64 loop, 40)
    attempt = 45                                    # slot, step, target, index, byte, threshold, compare
    accept = 15 * C * (1 - C) * CEILING * 0 + 15 * (1 - C) * CEILING  # stores + record move, per attempt
    empty = mapping + eligible + overhead
    occupied = empty + poisson_blocks() * PHILOX + poisson + attempt + accept
    if design == "landed":
        # a warp runs the occupied path whenever any of its lanes holds an ion
        warp = occupied / 32
    else:
        # ballot compaction: lanes scan 32 sites cheaply (12 lane instructions), then
        # the warp runs the occupied path on 32 occupied sites at once
        warp = C * (occupied - mapping - eligible) / 32 + 12 / 32
    return dict(lane_empty=empty, lane_occupied=occupied, warp_per_visit=warp)

def sublattice(dev, n, design):
    d = DEVICES[dev]
    sites = n ** 3
    tile = 16
    m = 3                                    # sc without interaction: class spacing 2*reach + 1
    classes = m ** 3                         # site classes per tile
    parity = 8
    tiles = max(1, (n // tile) ** 3)
    blocks = max(1, tiles // parity)         # blocks per parity launch
    members = (tile / m) ** 3                # mean members of a class
    replicas = 1
    slots = d["sms"] * BLOCKS_PER_SM[design]
    if design == "target" and blocks < slots:
        # T5: several replicas in one launch fill the GPU on small lattices (counted as attempts)
        replicas = max(1, slots // blocks)
    waves = math.ceil(blocks * replicas / slots)
    v = sublattice_visit(design)
    issue_rate = d["sms"] * 4 * d["clock"] * ISSUE_EFFICIENCY
    # per phase: a visit's chain of dependent loads (site byte, target byte, threshold,
    # records on a hop) plus the ALU path of one occupied visit, per member a thread holds
    # site bytes (1 B/site, per replica) stay in L2 up to 50 MB; ion records (16 B/site)
    # are touched only by accepted hops and come from DRAM once they exceed L2
    bytes_in_l2 = sites * replicas <= d["l2"]
    records_in_l2 = 16 * sites * replicas <= d["l2"]
    lat_bytes = L2_LATENCY if bytes_in_l2 else DRAM_LATENCY
    lat_record = L2_LATENCY if records_in_l2 else DRAM_LATENCY
    # the critical path of a block's phase: site byte, target byte, threshold (L1),
    # and a record move (some member of the block hops), plus one occupied visit's ALU path
    if design == "landed":
        chain_cycles = 2 * lat_bytes + 30 + lat_record + v["lane_occupied"] * 1.5
        launch_cycles = 0
    else:
        # T4: the tile and its halo (site bytes and a site -> ion map) staged in shared
        # memory once per launch; travel cells updated by fire-and-forget atomics per ion
        chain_cycles = 2 * 30 + 30 + v["lane_occupied"] * 1.5
        launch_cycles = 2 * lat_bytes + lat_record
    per_thread = math.ceil(members / 224)
    phase_latency = per_thread * chain_cycles / d["clock"] + 0.05e-6   # + barrier
    # issue limit of one phase across the resident blocks of a wave
    phase_issue = min(blocks * replicas, slots) * members * v["warp_per_visit"] / issue_rate
    phase = max(phase_latency, phase_issue)
    gap = LAUNCH_GAP if design == "landed" else GRAPH_GAP
    sweep = parity * (waves * (classes * phase + launch_cycles / d["clock"]) + gap)
    visits = sites * replicas
    t_gpu = sweep / visits
    # DRAM: site byte read + write, records of accepted hops (2 x 16 B), when the lattice
    # exceeds L2; hops per visit = c (1 - c) ceiling
    bytes_per_visit = (0.0 if bytes_in_l2 else 2.0) + (0.0 if records_in_l2 else 32 * C * (1 - C) * CEILING)
    t_dram = bytes_per_visit / d["dram"]
    t_issue = v["warp_per_visit"] / issue_rate
    # host round trip per batch of 256 sweeps (landed: store() downloads 17 B/site and
    # rebuilds the host state at every advance; target: only sums cross)
    if design == "landed":
        t_host = (17 / PCIE + HOST_NS_PER_SITE) / 256
    else:
        t_host = 0.0
    limits = {"dependent phases and launch gaps": t_gpu, "instruction issue": t_issue,
              "DRAM bandwidth": t_dram, "host round trips": t_host}
    bound = max(limits, key=limits.get)
    # the latency limit already contains the issue limit of each phase; name issue when it set the phase
    if bound == "dependent phases and launch gaps" and phase_issue >= phase_latency:
        bound = "instruction issue"
    t = max(limits.values())
    return dict(rate=1 / t, bound=bound,
                limits_per_second={k: (1 / x if x > 0 else None) for k, x in limits.items()},
                warp_instructions_per_attempt=v["warp_per_visit"],
                lane_instructions_per_occupied_visit=v["lane_occupied"],
                dram_bytes_per_attempt=bytes_per_visit, dependent_phases_per_sweep=parity * classes,
                blocks_per_launch=blocks * replicas, replicas_per_launch=replicas)

# ---- walkers: per hop ------------------------------------------------------
def walkers(dev, n, design):
    d = DEVICES[dev]
    walkers_count = int(C * n ** 3)
    lane = PHILOX + 70 + 10 + 24 + 30 + 8       # Philox, PortableLog, uniforms, slot search, step, count
    fp64 = 60                                   # FP64 instructions per hop (half-rate pipe on H100/H200)
    rounds = 1 if design == "landed" else 64    # rounds (about a hop each) per launch
    # a warp lasts as long as its busiest lane: E[max of 32 Poisson(rounds)] / rounds
    lam = rounds
    emax = lam + math.sqrt(lam) * 2.07 if lam > 8 else {1: 4.0}.get(lam, lam + 3)
    efficiency = lam / emax
    warp = (lane + fp64) / 32 / efficiency      # FP64 instructions cost two issue slots
    issue_rate = d["sms"] * 4 * d["clock"] * ISSUE_EFFICIENCY
    t_issue = warp / issue_rate
    # per launch: walker state 16 B read + written; uniform rate tables stay in L1
    t_dram = 32 / rounds / d["dram"]
    if design == "landed":
        # a gate launch and a round launch per round (about a hop per walker)
        t_launch = 2 * LAUNCH_GAP / walkers_count
        # WalkersSolver runs up to 64 rounds per engine call (WalkerBatch::advance_rounds);
        # after each call the batch downloads 16 B per walker and rebuilds the host state
        t_host = (16 / PCIE + HOST_NS_PER_WALKER) / 64
    else:
        t_launch = LAUNCH_GAP / (walkers_count * rounds)
        t_host = 0.0
    limits = {"instruction issue (divergent lanes)": t_issue, "DRAM bandwidth": t_dram,
              "launch gaps": t_launch, "host round trips": t_host}
    bound = max(limits, key=limits.get)
    return dict(rate=1 / max(limits.values()), bound=bound,
                limits_per_second={k: (1 / x if x > 0 else None) for k, x in limits.items()},
                warp_instructions_per_hop=warp,
                lane_instructions_per_hop=lane + fp64, lane_efficiency=efficiency,
                rounds_per_launch=rounds)

def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "benchmarks/gpu/model.json"
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
                w = walkers(dev, n, design)
                rows.append(dict(device=dev, solver="walkers", design=design, cells=n,
                                 sites=n ** 3, predicted_attempts_per_second=w["rate"],
                                 predicted_hops_per_second=w["rate"], bound=w["bound"],
                                 **{k: v for k, v in w.items() if k not in ("rate", "bound")}))
    with open(out, "w") as f:
        json.dump({"note": "benchmarks/NOTES.md; design 'landed' is the code of this commit, "
                           "'target' the changes NOTES.md lists (not implemented yet)",
                   "rows": rows}, f, indent=1)
        f.write("\n")
    for r in rows:
        rate = r["predicted_hops_per_second"] if r["solver"] == "walkers" else r["predicted_attempts_per_second"]
        print(f'{r["device"]} {r["solver"]:10s} {r["design"]:6s} {r["cells"]:3d}^3  {rate:9.2e}/s  {r["bound"]}')

if __name__ == "__main__":
    main()
