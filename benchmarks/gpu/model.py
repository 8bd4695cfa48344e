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
# ---- measured on an NVIDIA H200 (2026-12-04, binaries of 30ad1b1; NOTES.md "Measured") ----
# The assumptions above were written before any GPU run. The first run showed
# the sublattice kernel ~4x slower than they gave: not issue-bound (27.7 % of
# issue slots busy) but bound by each block's dependent chain of phases (62 %
# of warp cycles stalled at barriers), with 1.78x the statically counted
# instructions. Two figures of that run calibrate the model ("calibrated"
# fields, the rows' predictions); the prior figures stay in each row
# ("prior_..."). Everything else is still computed, not fitted:
#  - executed warp instructions of one parity launch at 256^3 (Nsight Compute,
#    3 launches: 32.79 M +- 0.01 M) over its 256^3 / 8 attempts, against the
#    model's static count: the dynamic factor;
#  - `coatkmc bench` at 64^3, 4.24e8 attempts/s: 8 launches of 8 blocks, one
#    block per SM, so a launch takes one block's chain alone (77.0 us after the
#    2.3 us gate kernel): fits the chain's cycles per dynamic instruction.
#  (Both fitted at 333924a; kept as numbers in calibration() since T12.)
# The 256^3 and 512^3 figures and the block-size experiment are predictions
# checked against the same run (NOTES.md).
RESULTS_H200 = os.path.join(HERE, "..", "results", "nvidia-h200-2026-12-04.json")
GATE_KERNEL_S = 2.3e-6                # the gate kernel per sweep (ncu timeline: 2.2-2.6 us)
MEASURED_LAUNCH_GAP = 0.0             # 256^3: 8 launches + gate per sweep = the bench's sweep time
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
VISIT_ONE = sass("probe_visit_one_attempt")  # decide() with one attempt: prologue, block, attempt, hop
ATTEMPT = sass("probe_attempt") - 2          # one attempt's decision (attempt()), no writes
SCAN = sass("probe_scan")                    # a scan lane's pass: its rows' loop and each row's
                                             # member loop once (unrolled bodies), claim_places,
                                             # the store loop once
# The thinned visit (kernels/SublatticeThinning.hpp; the bench case), its screen
# decided in the launch's prologue (SublatticeKernel::screen_tile):
SCREEN_WORD = sass("probe_screen_word")      # a prologue lane's word of 32 sites (one basis
                                             # site): its first site's row (divisions), the loop
                                             # over its pairs once (screen_pair, pair test,
                                             # steps, the row change)
SCREEN_PAIR = sass("probe_screen_pair")      # one more pair: one Philox block, both compares
                                             # (the probe's own index and store: upper bound)
VISIT_REST = sass("probe_visit_rest")        # a visit lane: list entry, record prefetch, the
                                             # site's Philox block drawn again, both slot passes
                                             # (by offsets; by coordinates, each 4-way unrolled
                                             # + one remainder slot), both ends (common
                                             # threshold; general chain and direction), each
                                             # loop once, the move, hop path
THIN_COMMON = sass("probe_thin_common")      # common_slot: popcount, chain and bit loops once
THIN_WEIGHTED = sass("probe_thin_weighted")  # weighted_slot (the general chain and direction,
                                             # loops once): in VISIT_REST's static count, not
                                             # run by the bench (one threshold for all slots)
MASK = sass("probe_thin_mask")               # the slot pass by coordinates (periodic wrap; tiles
                                             # at the lattice's ends), 4-way unrolled + 1
MASK_INSIDE = sass("probe_thin_mask_inside") # the slot pass by offsets (tiles no hop wraps
                                             # from), 4-way unrolled + 1; VISIT_REST holds both
COMMON_STEP = sass("probe_thin_common_step") # one more vacant slot of common_slot (a chain
                                             # step and a bit cleared; its own load and store)
MASK_SLOT = sass("probe_thin_mask_slot")     # one more slot of the mask pass (the probe's own
                                             # load and store included: an upper bound)
THIN_BIT = sass("probe_thin_bit")            # one more vacant slot in the chain and in the
                                             # direction's loop (both; upper bound, as above)
# The attempt loop's phases (K ~ Poisson(1)), kept by the energy-model rows:
VISIT_FIRST_NN = sass("probe_visit_first_nn")    # list, block 0, K, attempt 0 with both neighbour
VISIT_REST_NN = sass("probe_visit_rest_nn")      # counts (loops once), hop path, claim; later
                                                 # attempts: one iteration, hop path
VISIT_FIRST_ENV = sass("probe_visit_first_env")  # the same with the environment model's integer
VISIT_REST_ENV = sass("probe_visit_rest_env")    # form (its site loop once)
CLASS_LOOKUP = sass("probe_class") - 2       # a site class's words from the launch's order
# Estimates (not probed: the static count cannot separate a loop's iterations):
ROW_MEMBER = 10      # one more member of a scanned row (byte load, eligibility, mask bit)
SCAN_ROW = 40        # one more row of a scan lane (row -> g1, g2 and its start by two
                     # multiply-highs, its index, its member loop over 2-3 members)
LIST_STORE = 24      # one more list store of a scan lane (the row's index again, byte, entry)
SKIP = 8             # a warp's test of a pass without entries (pass_runs), skipped
PAIR_LOOP = 12       # the prologue's loop per pair besides screen_pair (index, pair test,
                     # steps, the row test, the loop)
SCAN_BITS_ROW = 4    # the thinned scan's screen-bit index per extra row, and per member of
SCAN_BITS_MEMBER = 4 # it (shared load, shift, test): in probe_scan once each
IDLE = 8             # a warp with nothing to do in a phase (its early test, claim by nobody)
PHASE = 6            # per warp and phase: loop, phase switch, barrier
# The environment model (issue 16) and the nearest-neighbour interaction it is
# compared with: a rolled loop's static count holds its body once, so a loop
# over P sites costs the whole probe plus (P - 1) bodies (each body probe
# carries its own index arithmetic: an upper bound, the same for both).
ENV_ACCEPTS = sass("probe_environment_accepts")   # integer form, one environment site
ENV_SITE = sass("probe_environment_site")         # one more environment site
NN_AROUND = sass("probe_occupied_around")         # occupied neighbours, one neighbour
NN_NEIGHBOUR = sass("probe_occupied_neighbour")   # one more neighbour
SC_ZMAX = 6
# The two-shell model `coatkmc bench --energy environment` runs (host/cli/BenchCommand.cpp):
# 26 sites per slot, 2^26 codes, so the product form (kernels/EnvironmentEnergy.hpp):
# one table per site after merging, each factor <= 1, the loop stopping at the first
# table that takes p to or below the word. The loop takes two entries per iteration:
# both site bytes, then both factors, then the two tests.
ENV_PRODUCT_ACCEPTS = sass("probe_environment_product_accepts")  # its loops once: a pair
                                                                 # and the odd tail entry
ENV_PRODUCT_PAIR = sass("probe_environment_product_pair")        # one more pair of tables
VISIT_FIRST_ENV_PRODUCT = sass("probe_visit_first_env_product")  # the phases, product form
VISIT_REST_ENV_PRODUCT = sass("probe_visit_rest_env_product")    # (the site loop once)
# Accepted hops per attempt (site visit) of the bench at sc 64^3, c = 0.5, ceiling 0.25,
# measured on the CPU (docs/environment.md, "On the sublattice solver": commit e1df152):
# the device runs the same trajectory bit for bit, so the same fraction.
ACCEPTED_PER_ATTEMPT = {"lattice gas": C * (1 - C) * CEILING,   # measured 0.062
                        "nearest-neighbour J": 0.00854,
                        "environment, two shells": 0.0050}


def bench_two_shell_site_energies():
    """The bench model's energy (eV) an ion on each of the 26 environment sites adds to
    the barrier of the hop (0,0,0) -> (1,0,0) on sc (cells of a): site pairs at a
    (0.02 eV) and a sqrt(2) (0.005 eV) with the origin (-1/2 of it: the pair is lost)
    and with the target (+1/2), E_KRA points at a sqrt(5)/2 from the midpoint
    (+0.01 eV, beside the window) and on the hop's line at 3a/2 (+0.005 eV). Merged,
    each site is one table; a vacant site adds nothing."""
    pair = {1: 0.02, 2: 0.005}               # by squared distance (a^2)
    energies = []
    for x in range(-2, 4):
        for y in range(-2, 3):
            for z in range(-2, 3):
                if (x, y, z) in ((0, 0, 0), (1, 0, 0)):
                    continue
                to_o, to_t = x * x + y * y + z * z, (x - 1) ** 2 + y * y + z * z
                if min(to_o, to_t) > 2:
                    continue
                e = -0.5 * pair.get(to_o, 0.0) + 0.5 * pair.get(to_t, 0.0)
                to_mid4 = (2 * x - 1) ** 2 + 4 * (y * y + z * z)   # (2 d)^2
                if to_mid4 == 5:
                    e += 0.01
                elif to_mid4 == 9 and y == 0 and z == 0:
                    e += 0.005
                energies.append(e)
    assert len(energies) == 26
    return energies


def bench_two_shell_early_stop(lanes=32):
    """Tables the product form's loop runs per attempt in a warp: E[max over the lanes].
    A lane whose target is vacant (1 - c) enters the loop with p = ceiling x 2^32 (the
    uniform landscape's fastest slot: gamma holds the exact largest factor) and reads
    table j when its word is below ceiling x (the product of the tables before j); with
    sites occupied independently at c (the equilibrium's correlations neglected)
    P(reads >= j) = ceiling x prod_{i<j} E[f_i], tables in the host's order (ascending
    mean factor)."""
    kT = 8.617333262e-5 * 300.0
    means = []
    for e in bench_two_shell_site_energies():
        low = min(0.0, e)
        means.append((1 - C) * math.exp(-(0.0 - low) / kT) + C * math.exp(-(e - low) / kT))
    means.sort()
    e_lane = e_warp = pairs_warp = 0.0
    q = CEILING
    for j, m in enumerate(means):
        e_lane += q
        reads = 1 - (1 - (1 - C) * q) ** lanes   # P(some lane of the warp reads table j)
        e_warp += reads
        if j % 2 == 0:   # the loop's iteration (j // 2) runs when some lane reads table j
            pairs_warp += reads
        q *= m
    # accepted per attempt (site visit) with independent sites: an ion (c), a vacant
    # target (1 - c), its word below ceiling x every factor (cross-check of the measured)
    return dict(per_lane=e_lane, per_warp=e_warp, pairs_per_warp=pairs_warp,
                accepted_independent=C * (1 - C) * q,
                sites=len(means))


ENV_TWO_SHELLS = bench_two_shell_early_stop()
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


# The energy models of the sublattice rows. The lattice gas is thinned (one
# decision per visit); the nearest-neighbour J and the environment model keep
# the attempt loop: lane instructions of its first-attempt and later-attempts
# bodies (the probes' loops once, plus the rest of each loop), of one more
# later attempt, the class spacing and the dependent byte loads per attempt
# (each a rolled loop's load chain) and once per visit.
def energy_model(energy):
    if energy == "lattice gas":
        return dict(thinned=True, spacing=3, loads=0, once=0, reads="targets")
    rest_nn = (SC_ZMAX - 1) * NN_NEIGHBOUR
    nn = NN_AROUND + rest_nn
    if energy == "nearest-neighbour J":   # spacing 3r + 1; the target's and (once) the origin's count
        return dict(thinned=False, first=VISIT_FIRST_NN + 2 * rest_nn,
                    rest=VISIT_REST_NN + 2 * rest_nn, iteration=ATTEMPT + nn + 8,
                    spacing=4, loads=SC_ZMAX, once=SC_ZMAX, reads="neighbours of the targets")
    if energy == "environment, two shells":  # spacing r + 2r + 1 (reach 2); product form
        # a warp runs the site loop as often as its busiest lane (ENV_TWO_SHELLS
        # ["pairs_per_warp"] iterations of two tables each, all 32 lanes counted: an upper
        # bound for smaller lists); each iteration one dependent chain: the two entries
        # (L1), both site bytes (L2) and both factors (L1) loaded side by side, then the
        # tests. 26 entries: the odd tail loop never runs (its body is in the probe's
        # static count all the same: an upper bound)
        pairs = ENV_TWO_SHELLS["pairs_per_warp"]
        rest_env = max(0.0, pairs - 1) * ENV_PRODUCT_PAIR
        return dict(thinned=False, first=VISIT_FIRST_ENV_PRODUCT + rest_env,
                    rest=VISIT_REST_ENV_PRODUCT + rest_env,
                    iteration=ATTEMPT + ENV_PRODUCT_ACCEPTS + rest_env + 8,
                    spacing=4, loads=pairs, load_extra=L1_LATENCY, once=0, reads="two shells")
    raise ValueError(energy)


# ---- site classes (kmc/solvers/SublatticeClasses.cpp, kernels/SublatticeTiling.hpp), sc ----
SC_UNIT = [(1, 0, 0), (-1, 0, 0), (0, 1, 0), (0, -1, 0), (0, 0, 1), (0, 0, -1)]


def sc_reads(reads):
    """What an attempt from the origin writes (W) and reads (R, W included), in cells."""
    w = [(0, 0, 0)] + SC_UNIT
    r = set(w)
    if reads == "neighbours of the targets":      # hop.interaction: the targets' occupied count
        r |= {tuple(a + b for a, b in zip(x, u)) for x in w for u in SC_UNIT}
    elif reads == "two shells":   # the bench model's 26 sites of each slot: within a sqrt(2)
        for e in SC_UNIT:          # of the origin or the target (bench_two_shell_site_energies)
            for x in range(-3, 4):
                for y in range(-3, 4):
                    for z in range(-3, 4):
                        d = (x, y, z)
                        to_o = x * x + y * y + z * z
                        to_t = sum((p - q) ** 2 for p, q in zip(d, e))
                        if min(to_o, to_t) <= 2:
                            r.add(d)
    return w, r


def linear_class_rule(reads, below):
    """The linear rule's (M, k1, k2) as search_linear_class_rule finds it (None: box rule)."""
    w, r = sc_reads(reads)
    conflicts = {tuple(a - b for a, b in zip(x, q)) for x in w for q in r}
    conflicts |= {tuple(-c for c in d) for d in conflicts}
    conflicts.discard((0, 0, 0))
    for m in range(1, below):
        for k1 in range(m):
            for k2 in range(m):
                if all((d[0] + k1 * d[1] + k2 * d[2]) % m for d in conflicts):
                    return m, k1, k2
    return None


def bench_tiling(n, m, reads):
    """sc: box spacing m (3: no interaction), tiles as make_axis() cuts them, and
    the site classes of one tile as lists of row lengths (members along axis 0
    of each row g1, g2), by the linear rule where it applies."""
    w = max(m, min(16, n // 4))
    tiles = 2 * (n // (2 * w))
    if tiles < 2:
        tiles = 2 if n >= 2 * m else 1
    width = n // tiles
    assert width * tiles == n, "the bench sizes cut into equal tiles"
    rule = linear_class_rule(reads, m ** 3) if tiles >= 2 else None
    if rule:
        mod, k1, k2 = rule
        classes = [[len(range((j - k1 * g1 - k2 * g2) % mod, width, mod))
                    for g2 in range(width) for g1 in range(width)] for j in range(mod)]
        widest = (math.ceil(width / mod), width, width)
    else:
        per_axis = [len(range(c, width, m)) for c in range(m)]
        classes = [[a] * (b * c) for a in per_axis for b in per_axis for c in per_axis]
        widest = (math.ceil(width / m),) * 3
    members_grid = widest[0] * widest[1] * widest[2]
    block = min(224, 32 * math.ceil(members_grid / 32))
    capacity = block * min(4, math.ceil(members_grid / block))   # SublatticeKernel::list_capacity
    rows_per_round = capacity // widest[0]
    rounds = math.ceil(widest[1] * widest[2] / rows_per_round)
    assert rounds == 1, "every bench case runs a class in one round"
    return dict(m=m, rule=rule, tiles=tiles, width=width, classes=classes, widest=widest,
                members_grid=members_grid, block=block, capacity=capacity, parity=8,
                blocks=(tiles // 2) ** 3, tile_sites=width ** 3)


# ---- sublattice --------------------------------------------------------------
def binomial(n, p):
    return [math.comb(n, k) * p ** k * (1 - p) ** (n - k) for k in range(n + 1)]


P_ACCEPT = (1 - C) * CEILING           # an attempt hops: target vacant, word below threshold
P_K2 = 1 - poisson_pmf(0) - poisson_pmf(1)
P_MORE = P_K2 * (1 - P_ACCEPT)         # a listed site joins the second list


def _later_attempts_tail(j):
    """P(J >= j) for a site of the second list: J = attempts it runs there,
    min(K - 1, attempts up to its first hop), given K >= 2."""
    if j <= 1:
        return 1.0
    tail_k = sum(poisson_pmf(k) for k in range(j + 1, 30)) / P_K2
    return min(1.0, tail_k * (1 - P_ACCEPT) ** (j - 1))


LATER_TAIL = [_later_attempts_tail(j) for j in range(32)]
# The thinned visit: word 0 below the ceiling (every slot at the ceiling's
# threshold: hop mass 1 - exp(-sum_k p_k / zmax) = 1 - exp(-ceiling)) sends a
# listed site to the second phase; there a lane runs the chain and the
# direction over its vacant slots, ~ Binomial(zmax, 1 - c).
P_SCREEN = 1 - math.exp(-CEILING)
_VACANT_MAX = {}


def vacant_max(lanes):
    """E[max vacant neighbours] over `lanes` lanes (sc: Binomial(6, 1 - C) each)."""
    key = round(lanes, 6)
    if key not in _VACANT_MAX:
        pmf = binomial(SC_ZMAX, 1 - C)
        cdf = [sum(pmf[:k + 1]) for k in range(SC_ZMAX + 1)]
        _VACANT_MAX[key] = sum(k * (cdf[k] ** lanes - (cdf[k - 1] ** lanes if k else 0.0))
                               for k in range(SC_ZMAX + 1))
    return _VACANT_MAX[key]


def thinned_lane(lanes, inside):
    """Lane instructions of the visit phase's busiest lane (bench case, sc): the
    probe less the general chain the bench skips (one threshold for all six
    slots) and less the slot pass it does not take (`inside`: a tile no hop
    wraps from takes the offsets), one more slot of the pass it takes (the
    offsets' slot: a fifth of its probe, an upper bound), a chain step and a
    bit clear per vacant slot beyond the first."""
    if inside:
        mask = MASK_INSIDE / 5.0 * max(0, SC_ZMAX - 5) - MASK
    else:
        mask = MASK_SLOT * max(0, SC_ZMAX - 5) - MASK_INSIDE
    return (VISIT_REST - THIN_WEIGHTED + mask
            + max(0.0, vacant_max(lanes) - 1) * COMMON_STEP)


def inside_fraction(tiles):
    """Tiles from which no nearest-neighbour hop wraps around the lattice: all but
    the first and the last along every axis (SublatticeKernel::prepare, kInside)."""
    return (max(0, tiles - 2) / tiles) ** 3 if tiles >= 2 else 0.0


def screen_lane(sites):
    """Lane instructions of a prologue lane's word of `sites` sites (one basis site,
    pairs aligned: a Philox block per pair)."""
    return SCREEN_WORD + (math.ceil(sites / 2) - 1) * (SCREEN_PAIR + PAIR_LOOP)
_LATER_WARP = {}


def later_attempts_warp(lanes):
    """E[max J] and E[Philox blocks of the busiest lane] over `lanes` lanes (the
    words 3..2J+2: block 0's word 3 is kept, a new block every second attempt)."""
    if lanes not in _LATER_WARP:
        e_j = e_b = 0.0
        for j in range(1, 30):
            p = (1 - LATER_TAIL[j + 1]) ** lanes - (1 - LATER_TAIL[j]) ** lanes
            e_j += p * j
            e_b += p * math.ceil(j / 2)
        _LATER_WARP[lanes] = (e_j, e_b)
    return _LATER_WARP[lanes]


IDLE_CLAIM = 20      # an idle warp's pass that still takes part in claim_places (shuffles)


def row_shift(widest0):
    """SublatticeKernel::row_shift: mask bits per row, at least 2 (a scan lane takes 32 >> it rows)."""
    shift = 2
    while (1 << shift) < widest0:
        shift += 1
    return shift


def scan_lane(rows_of_lane, widest0, p_list=C, bits=False):
    """A scan lane's rows (their member counts): SCAN (one row, loops once), SCAN_ROW
    per further row, ROW_MEMBER per member of a row beyond 4, a list store per
    eligible member beyond the first (the busiest lane of the warp: E[max
    Binomial(members, C)] over 32 lanes); thinned visits (`bits`) read a screen
    bit per member and its index per row (beyond the probe's first row)."""
    members = sum(rows_of_lane)
    pmf = binomial(members, p_list)
    cdf = [sum(pmf[:k + 1]) for k in range(members + 1)]
    e_max_bits = sum(k * (cdf[k] ** 32 - (cdf[k - 1] ** 32 if k else 0.0)) for k in range(members + 1))
    extra_bits = (sum(SCAN_BITS_ROW + c * SCAN_BITS_MEMBER for c in rows_of_lane[1:])
                  if bits else 0)
    return (SCAN + (len(rows_of_lane) - 1) * SCAN_ROW
            + sum(max(0, c - 4) for c in rows_of_lane) * ROW_MEMBER
            + max(0.0, e_max_bits - 1) * LIST_STORE + extra_bits)


def list_passes(n, block, warps):
    """Busy and idle warp-passes of a phase whose lanes loop over n entries
    (entry t, t + block, ...): ceil(n / 32) busy, the rest of ceil(n / block)
    passes of every warp idle (one pass when n = 0)."""
    passes = max(1, math.ceil(n / block))
    busy = math.ceil(n / 32)
    return busy, passes * warps - busy, passes


def sublattice_class(rows, block, em, widest0, passes_max, prologue=False, inside=0.0):
    """Warp instructions of one site class of one block (C, uniform landscape,
    Poisson attempts, the energy model em), its rows' lengths `rows`, and the
    busiest lanes' attempt iterations (thinned: their vacant slots). With the
    attempt loop an energy model's work runs on the attempts whose target is
    vacant (1 - c of them; a warp runs it when any lane needs it, so every
    attempt counts). `prologue` (thinned visits, T12, landed): the screen was
    decided for every site of the tile at the launch's start, so the scan
    lists only the occupied sites past it and one visit phase decides them
    (its lane draws the site's Philox block again); the second list's passes
    are skipped."""
    warps = block // 32
    members = sum(rows)
    p_list = C * P_SCREEN if prologue else C
    cost = warps * CLASS_LOOKUP / 3    # once per class (the CUDA loop reads the step's word once)
    # scan: a lane takes R = 32 >> row_shift consecutive rows; pass p the lanes
    # p * block .. ; a warp costs its busiest lane; an idle warp still joins claim_places
    per_lane = 32 >> row_shift(widest0)
    lanes = [rows[i:i + per_lane] for i in range(0, len(rows), per_lane)]
    scan = 0.0
    scan_passes = max(1, math.ceil(len(lanes) / block))
    for p in range(scan_passes):
        chunk = lanes[p * block:(p + 1) * block]
        for wi in range(warps):
            group = chunk[wi * 32:(wi + 1) * 32]
            scan += (max(scan_lane(r, widest0, p_list, prologue) for r in group) if group
                     else IDLE)   # a warp without rows skips the pass (and claim_places)
    cost += scan + warps * PHASE
    first = rest = 0.0
    first_passes = 0.0
    if prologue:
        for n2, p2 in enumerate(binomial(members, p_list)):
            if p2 < 1e-10:
                continue
            busy2, idle2, passes2 = list_passes(n2, block, warps)
            lane = (inside * thinned_lane(n2 / busy2, True)
                    + (1 - inside) * thinned_lane(n2 / busy2, False)) if n2 else 0.0
            work = busy2 * lane
            # each pass a phase (PHASE per warp); passes without entries, and the F
            # passes of the empty second list, are skipped (SKIP)
            rest += p2 * (work + idle2 * IDLE
                          + warps * (passes2 * PHASE + (2 * passes_max - passes2) * SKIP))
        e_j_class = vacant_max(max(1.0, min(32.0, members * p_list)))
        return cost + rest, dict(scan=scan, first=0.0, rest=rest, later_iterations=e_j_class,
                                 scan_passes=scan_passes, first_passes=0.0)
    for n, pn in enumerate(binomial(members, C)):
        if pn < 1e-12:
            continue
        busy, idle, passes = list_passes(n, block, warps)
        first_passes += pn * passes
        assert not em["thinned"], "thinned visits are screened in the launch's prologue"
        # each pass a phase (PHASE per warp); the passes without entries are skipped (SKIP)
        first += pn * (busy * em["first"] + idle * IDLE
                       + warps * (passes * PHASE + (passes_max - passes) * SKIP))
        for n2, p2 in enumerate(binomial(n, P_MORE)):
            if p2 < 1e-10:
                continue
            busy2, idle2, passes2 = list_passes(n2, block, warps)
            rest += pn * p2 * warps * (passes2 * PHASE + (passes_max - passes2) * SKIP)
            work = 0.0
            if n2:
                e_j, e_b = later_attempts_warp(n2 / busy2)
                work = busy2 * (em["rest"] + (e_j - 1) * em["iteration"] + (e_b - 1) * PHILOX)
            rest += pn * p2 * (work + idle2 * IDLE)
    e_j_class, _ = later_attempts_warp(max(1.0, min(32.0, members * C * P_MORE)))
    return cost + first + rest, dict(scan=scan, first=first, rest=rest,
                                     later_iterations=e_j_class, scan_passes=scan_passes,
                                     first_passes=first_passes)




def calibration():
    """The two figures the H200 run fixed (see the constants): the dynamic factor
    (executed / statically counted warp instructions per attempt, the lattice gas
    at 256^3) and the chain's cycles per executed instruction (the lattice gas at
    64^3, one block per SM). Both were fitted by this file at 333924a to the kernel
    that ran (30ad1b1: the screen in a first visit phase, 8.8 static warp
    instructions per attempt) and are kept as numbers since T12 changed the kernel:
    fitted to the model of the new kernel, they would attribute the old kernel's
    time to code that did not run. A run of the new kernel refits them."""
    return dict(_CALIBRATION_30AD1B1)


_CALIBRATION_30AD1B1 = {"dynamic_factor": 1.7791209490593385,
                        "chain_cycles_per_instruction": 6.185376629304846}


def sublattice(dev, n, design, energy="lattice gas"):
    d = DEVICES[dev]
    em = energy_model(energy)
    t = bench_tiling(n, em["spacing"], em["reads"])
    sites = n ** 3
    block = t["block"]
    nclasses = len(t["classes"])
    per_class, parts = 0.0, dict(scan=0.0, first=0.0, rest=0.0)
    chain_iterations = scan_passes = first_passes = 0.0
    prologue = em["thinned"]   # T12: the screen in the launch's prologue (landed)
    for rows in t["classes"]:
        cost, p = sublattice_class(rows, block, em, t["widest"][0], t["capacity"] // block,
                                   prologue, inside_fraction(t["tiles"]))
        per_class += cost / nclasses
        for k in parts:
            parts[k] += p[k] / nclasses
        chain_iterations += p["later_iterations"] / nclasses
        scan_passes += p["scan_passes"] / nclasses
        first_passes += p["first_passes"] / nclasses
    members_mean = t["tile_sites"] / nclasses
    prologue_warp = prologue_lane = 0.0
    passes_pro = 0
    if prologue:
        # per launch and block: lane u screens the tile's sites 32 u .. 32 u + 31 (one
        # Philox block per two sites, the bits of one word); warps without a word idle
        words = math.ceil(t["tile_sites"] / 32)
        passes_pro = math.ceil(words / block)
        busy = math.ceil(words / 32)
        prologue_lane = screen_lane(32)
        prologue_warp = busy * prologue_lane + (passes_pro * (block // 32) - busy) * IDLE
    warp_per_visit = (per_class * nclasses + prologue_warp) / t["tile_sites"]
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
    # a listed site's record is prefetched into L1 before its Philox block
    # (prefetch_l1): some 700 cycles before a hop needs it, longer than a DRAM trip
    lat_record_phase = L1_LATENCY
    def chain_cycles(cpi):
        """Cycles of one class step of a block alone on its SM (scan and visit
        phases, a barrier after each) and of the launch prologue, with `cpi`
        cycles per instruction on the busiest lanes' dependent paths."""
        if design == "target":
            lat_byte_phase = L1_LATENCY   # T4: tile in shared memory
            launch_cycles = 2 * lat_byte + lat_record
        else:
            lat_byte_phase = lat_byte
            launch_cycles = 0
        # the chain of one class step of a block: scan (the row's site bytes, ALU),
        # then the two visit phases, a barrier after each.
        # (a lane that loops over several rows or entries runs its chain once per pass;
        # with T12 the first phase is gone and the second draws word 1 again)
        rows_per_lane = 32 >> row_shift(t["widest"][0])
        scan_lane_path = SCAN + (rows_per_lane - 1) * SCAN_ROW   # its rows' byte loads overlap
        if prologue:   # the screen bits of each further row and its ~2.3 members
            scan_lane_path += (rows_per_lane - 1) * (SCAN_BITS_ROW + 2.3 * SCAN_BITS_MEMBER)
        scan_cycles = (scan_passes * (lat_byte_phase + scan_lane_path * cpi)
                       + BARRIER_CYCLES)
        if em["thinned"]:
            # one visit phase: list entry and class words (L1), the Philox block, the
            # slot pass (its byte loads four at a time: the loop is unrolled by 4), the
            # common mass (L1), the chain and the slot (registers only), a hop's record
            # (prefetched at the phase's start); the latency path takes the pass by
            # coordinates (a tile at the lattice's ends)
            first_cycles = 0.0
            rest_cycles = (2 * L1_LATENCY + math.ceil(SC_ZMAX / 4) * lat_byte_phase
                           + L1_LATENCY + lat_record_phase
                           + thinned_lane(max(1.0, min(32.0, C * members_mean * P_SCREEN)), False)
                           * cpi + BARRIER_CYCLES)
        else:
            # first attempts (list entry with the site's byte, Philox and K, target
            # byte, threshold, a hop's record), later attempts (per attempt the
            # target byte and the threshold, a hop's record); an energy model adds
            # its loads' chain per attempt and, once per phase, the origin's
            env_loads = em["loads"] * (lat_byte_phase + L1_LATENCY + em.get("load_extra", 0))
            once = 1 if em["once"] else 0
            first_cycles = first_passes * (L1_LATENCY + lat_byte_phase + L1_LATENCY + lat_record_phase
                                           + (1 + once) * env_loads
                                           + em["first"] * cpi
                                           + BARRIER_CYCLES)
            rest_cycles = (2 * L1_LATENCY + chain_iterations * (lat_byte_phase + L1_LATENCY)
                           + lat_record_phase + (chain_iterations + once) * env_loads
                           + (em["rest"] + (chain_iterations - 1) * em["iteration"])
                           * cpi + BARRIER_CYCLES)
        return scan_cycles + first_cycles + rest_cycles, launch_cycles

    class_cycles, launch_cycles = chain_cycles(CYCLES_PER_DEPENDENT_INSTRUCTION)
    phase_latency = class_cycles / d["clock"]
    class_issue = min(t["blocks"] * replicas, slots) * per_class / issue_rate
    class_time = max(phase_latency, class_issue)
    # the prologue (T12) is a phase of its own, a barrier after it: its lanes' chain
    # or the issue of every block's prologue, whichever is longer (the T12 priced
    # before it was built charged both: its issue inside the class steps and its
    # chain on top)
    prologue_time = max((passes_pro * prologue_lane * CYCLES_PER_DEPENDENT_INSTRUCTION
                         + (BARRIER_CYCLES if prologue else 0)) / d["clock"],
                        min(t["blocks"] * replicas, slots) * prologue_warp / issue_rate)
    gap = GRAPH_GAP if design == "target" else LAUNCH_GAP
    sweep = t["parity"] * (waves * (nclasses * class_time + prologue_time
                                    + launch_cycles / d["clock"]) + gap)
    t_gpu = sweep / (sites * replicas)
    # site bytes once read and once written per sweep when they miss L2; records:
    # the prefetched 32-byte sector of every site that may hop (thinned: those
    # past the screen; the attempt loop: every listed site), and the target's on a hop
    prefetched = C * P_SCREEN if em["thinned"] else C
    bytes_per_visit = (0.0 if bytes_in_l2 else 2.0) + (
        0.0 if records_in_l2 else 32 * prefetched + 32 * C * (1 - C) * CEILING)
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
    prior = dict(rate=1 / t_all, bound=bound, limits_per_second={
        k: (1 / x if x > 0 else None) for k, x in limits.items()})
    blocks_total = t["blocks"] * replicas
    launches_per_sweep = t["parity"] * max(1.0, blocks_total / slots)
    # ---- calibrated by the H200 run ----
    # A block alone runs its chain of class steps (chain_cycles with the fitted
    # cycles per executed instruction). Blocks sharing an SM interleave their
    # chains: each other resident block's instructions take issue slots from this
    # block's chain (its share: one block's issue cycles at the SM's peak of 4
    # warp instructions per cycle, over its chain), and the SM issues at most 4
    # per cycle. Blocks start as slots free, so a launch of B blocks takes
    # B / slots waves (at least one). Launch gaps: none measured (the 8 launches
    # and the gate of a 256^3 sweep add up to the bench's sweep time).
    cal = calibration()
    dyn, cpi = cal["dynamic_factor"], cal["chain_cycles_per_instruction"]
    chain, launch_extra = chain_cycles(dyn * cpi)
    resident = max(1.0, min(BLOCKS_PER_SM, blocks_total / d["sms"]))
    issue_block = dyn * per_class / 4.0
    share = issue_block / chain
    class_cal = max(chain * (1 + (resident - 1) * share), resident * issue_block)
    cal_bound = ("instruction issue at the SM's peak" if class_cal == resident * issue_block else
                 "each block's dependent phase chain (%.1f blocks per SM)" % resident)
    # the prologue (T12), a phase of its own, composed the same way
    prologue_cal = 0.0
    if prologue:
        chain_pro = passes_pro * prologue_lane * dyn * cpi + BARRIER_CYCLES
        issue_pro = dyn * prologue_warp / 4.0
        prologue_cal = max(chain_pro * (1 + (resident - 1) * issue_pro / chain_pro),
                           resident * issue_pro)
    sweep_cal = (launches_per_sweep * (nclasses * class_cal + prologue_cal + launch_extra)
                 / d["clock"] + GATE_KERNEL_S + t["parity"] * MEASURED_LAUNCH_GAP)
    t_cal = max(sweep_cal / (sites * replicas), t_dram, t_host)
    if t_cal > sweep_cal / (sites * replicas):
        cal_bound = "DRAM bandwidth" if t_cal == t_dram else "host round trips"
    issue_ceiling = d["sms"] * 4 * d["clock"] / (dyn * warp_per_visit)
    return dict(rate=1 / t_cal, bound=cal_bound, energy=energy, class_spacing=em["spacing"],
                prior_predicted_attempts_per_second=prior["rate"], prior_bound=prior["bound"],
                prior_limits_per_second=prior["limits_per_second"],
                executed_warp_instructions_per_attempt=dyn * warp_per_visit,
                issue_ceiling_attempts_per_second=issue_ceiling,
                resident_blocks_per_sm=resident,
                calibrated_class_step_cycles=class_cal,
                calibrated_prologue_cycles=prologue_cal,
                limits_per_second={"dependent phase chain": sites * replicas / sweep_cal,
                                   "instruction issue at the peak": issue_ceiling,
                                   "DRAM bandwidth": 1 / t_dram if t_dram > 0 else None,
                                   "host round trips": 1 / t_host if t_host > 0 else None},
                warp_instructions_per_attempt=warp_per_visit,
                warp_instructions_per_attempt_by_phase={
                    "prologue_screen": prologue_warp / t["tile_sites"],
                    "scan": parts["scan"] * nclasses / t["tile_sites"],
                    "first_attempts": parts["first"] * nclasses / t["tile_sites"],
                    "later_attempts": parts["rest"] * nclasses / t["tile_sites"],
                    "lookup_idle_and_barriers": (per_class - parts["scan"] - parts["first"] - parts["rest"])
                    * nclasses / t["tile_sites"]},
                prior_class_step_cycles=phase_latency * d["clock"],
                dram_bytes_per_attempt=bytes_per_visit,
                dependent_phases_per_sweep=t["parity"] * (2 + nclasses * (1 + first_passes + 1)),
                site_classes_per_tile=nclasses,
                class_rule=("linear, M = %d, k = (1, %d, %d)" % t["rule"]) if t["rule"] else
                "box, spacing %d" % t["m"],
                blocks_per_launch=t["blocks"] * replicas, replicas_per_launch=replicas,
                block_threads=block)


# ---- the lattice-wide class rule (kernels/SublatticeLatticeRule.hpp) ----------
# A sweep is M classes on sc (M = 8, k = (1, 2, 3) whenever n is a multiple of 8),
# each one launch of the class kernel (kernels/SublatticeClassKernel.hpp) over the
# whole lattice, then the gate. A block: CLASS_BLOCK threads; in its screen phase
# lane t takes CLASS_QUADS quads (4 consecutive members of one class row, one
# Philox block for their four screen words) and lists the occupied members past
# the screen; in its decide phase lane t decides listed entry t (passes of
# CLASS_BLOCK entries); then the flush. Barriers: after the clear, the screen,
# each pass.
CLASS_BLOCK = 256
CLASS_QUADS = 4              # kSublatticeClassQuadsPerLane (kernels/SublatticeLayout.hpp)
CLASS_BLOCKS_PER_SM = 6      # __launch_bounds__(256, 6): <= 40 registers (ptxas: 40), 33 KB shared (198 KB an SM)
CLASS_M = 8


def class_counts():
    """Static SASS lane instructions of the class kernel's lanes (sass_counts.json),
    or None when the probes are missing."""
    screen = "probe_class_screen_%d" % CLASS_QUADS
    need = (screen, "probe_class_decide", "probe_class_slot")
    if not all(k in SASS for k in need):
        return None
    # the decide probe holds both ends of slot_of (the bench takes the common one:
    # less the general end) and its slot pass unrolled by 4 plus a remainder slot
    # (sc's sixth slot: one more)
    decide = (sass("probe_class_decide") - THIN_WEIGHTED
              + max(0, SC_ZMAX - 5) * sass("probe_class_slot"))
    return dict(screen=sass(screen), decide=decide, quads=CLASS_QUADS)


def listed_max(members, p, lanes=32):
    """E[max over `lanes` lanes of Binomial(members, p)]: the busiest screen lane's
    list stores."""
    pmf = binomial(members, p)
    cdf = [sum(pmf[:k + 1]) for k in range(members + 1)]
    return sum(k * (cdf[k] ** lanes - (cdf[k - 1] ** lanes if k else 0.0))
               for k in range(members + 1))


def sublattice_lattice_rule(dev, n):
    """The class kernel on sc n^3 (lattice gas, C, CEILING), calibrated as the tiled
    kernel's rows are: the chain of a block (its screen lane, its decide passes, the
    flush) at dyn x cpi cycles per counted instruction plus its loads' latency; the
    other resident blocks' issue added to it (the same composition as the tiled
    rows); waves of CLASS_BLOCKS_PER_SM blocks per SM, rounded up; no launch gaps;
    the gate once per sweep."""
    d = DEVICES[dev]
    counts = class_counts()
    if counts is None or n % CLASS_M:
        return None
    quads = counts["quads"]
    members_block = CLASS_BLOCK * 4 * quads
    members_class = n ** 3 // CLASS_M
    blocks = math.ceil(members_class / members_block)
    p_list = C * P_SCREEN
    listed = members_block * p_list                       # mean entries of a block
    # decide passes: one per CLASS_BLOCK entries listed (Binomial; normal tails)
    sd = math.sqrt(members_block * p_list * (1 - p_list))
    def more_than(k):
        return 0.5 * math.erfc((k + 0.5 - listed) / sd / math.sqrt(2))
    p_second = more_than(CLASS_BLOCK)
    passes = 1 + sum(more_than(j * CLASS_BLOCK) for j in range(1, 4 * quads + 1))
    warps = CLASS_BLOCK // 32
    # screen lane: the probe holds one lane's quads and one list store; the busiest
    # lane of a warp stores E[max] entries
    # (its list stores are unrolled, one body per member, each run when any lane
    # of the warp lists that member: 1 - (1 - p)^32 = 98 % of them, so the static
    # count is the executed one)
    screen_lane = counts["screen"]
    # decide lane: the probe (one slot pass, the common end with its loops once)
    # plus a chain step per vacant slot beyond the first of the busiest lane
    decide_lane = counts["decide"] + max(0.0, vacant_max(min(32.0, listed)) - 1) * COMMON_STEP
    busy_decide = math.ceil(listed / 32) + (passes - math.ceil(listed / CLASS_BLOCK)) * warps
    warp_block = (warps * screen_lane + busy_decide * decide_lane
                  + (warps * passes - busy_decide) * IDLE + 3 * warps * PHASE)
    warp_per_visit = warp_block / members_block
    bytes_in_l2 = n ** 3 <= d["l2"]
    records_in_l2 = 16 * n ** 3 <= d["l2"]
    lat_byte = L2_LATENCY if bytes_in_l2 else DRAM_LATENCY
    lat_record = L2_LATENCY if records_in_l2 else DRAM_LATENCY
    cal = calibration()
    dyn, cpi = cal["dynamic_factor"], cal["chain_cycles_per_instruction"]
    # the chain: screen (its bytes; the Philox block does not wait for them), the
    # decide (entry from shared memory, the neighbours' bytes four at a time, the
    # common mass, a hop's record read and written), a barrier after each phase
    chain = (lat_byte + dyn * cpi * screen_lane
             + passes * (L1_LATENCY + math.ceil(SC_ZMAX / 4) * lat_byte + L1_LATENCY
                         + lat_record + dyn * cpi * decide_lane)
             + 3 * BARRIER_CYCLES)
    issue_block = dyn * warp_block / 4.0
    def wave_cycles(resident):
        return max(chain + (resident - 1) * issue_block, resident * issue_block)
    slots = d["sms"] * CLASS_BLOCKS_PER_SM
    full, rest = divmod(blocks, slots)
    resident = CLASS_BLOCKS_PER_SM if full else max(1.0, rest / d["sms"])
    wave = wave_cycles(resident)
    bound = ("instruction issue at the SM's peak" if wave == resident * issue_block else
             "each block's chain, %.1f blocks per SM sharing issue" % resident)
    # full waves of CLASS_BLOCKS_PER_SM blocks per SM, then the rest (fewer per SM)
    launch = (full * wave_cycles(CLASS_BLOCKS_PER_SM)
              + (wave_cycles(max(1.0, rest / d["sms"])) if rest else 0.0)) / d["clock"]
    waves = full + (rest / slots)
    # each launch also pays a kernel's fixed cost: the gate kernel (one thread)
    # lasts 2.3 us on the H200's timeline, so a launch is charged that much on top
    # of its blocks' cycles (the tiled rows carry it inside their fitted cycles:
    # 2.3 of a 64^3 launch's 77 us)
    sweep = CLASS_M * (launch + GATE_KERNEL_S + MEASURED_LAUNCH_GAP) + GATE_KERNEL_S
    # DRAM per attempt: beyond L2 every class launch reads the sectors of its
    # members (on sc 4 members of a class per 32-byte sector: all of them, M
    # times a sweep) and a decided site's rows above and below (two sectors);
    # a hop reads and writes two records' sectors
    bytes_per_visit = ((0.0 if bytes_in_l2 else CLASS_M * 1.0 + 2 * 32 * p_list)
                       + (0.0 if records_in_l2 else 2 * 32 * C * (1 - C) * CEILING))
    t_dram = bytes_per_visit / d["dram"]
    t_chain = sweep / n ** 3
    t = max(t_chain, t_dram)
    if t == t_dram and t_dram > t_chain:
        bound = "DRAM bandwidth"
    issue_ceiling = d["sms"] * 4 * d["clock"] / (dyn * warp_per_visit)
    return dict(rate=1 / t, bound=bound, energy="lattice gas",
                executed_warp_instructions_per_attempt=dyn * warp_per_visit,
                warp_instructions_per_attempt=warp_per_visit,
                issue_ceiling_attempts_per_second=issue_ceiling,
                resident_blocks_per_sm=resident,
                block_chain_cycles=chain, block_issue_cycles=issue_block,
                wave_cycles=wave, waves_per_launch=waves,
                limits_per_second={"block chains and issue": n ** 3 / sweep,
                                   "instruction issue at the peak": issue_ceiling,
                                   "DRAM bandwidth": 1 / t_dram if t_dram > 0 else None,
                                   "host round trips": None},
                screen_lane_instructions=screen_lane, decide_lane_instructions=decide_lane,
                listed_per_block=listed, second_pass_fraction=p_second,
                dram_bytes_per_attempt=bytes_per_visit,
                dependent_phases_per_sweep=CLASS_M * (3 + passes),
                launches_per_sweep=CLASS_M + 1,
                class_rule="lattice-wide, M = %d, k = (1, 2, 3)" % CLASS_M,
                blocks_per_launch=blocks, block_threads=CLASS_BLOCK, quads_per_lane=quads)


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
    measured = {}
    for r in json.load(open(RESULTS_H200))["rows"]:
        measured[(r["solver"], r["cells"])] = r
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
                m = measured.get(("sublattice", n))
                if dev == "H200" and design == "landed" and m:
                    rows[-1]["measured_attempts_per_second"] = m["attempts_per_second"]
                    rows[-1]["measured_hops_per_second"] = m["hops_per_second"]
                    # the run measured 30ad1b1's kernel; T12 (this row's code) has no run yet
                    rows[-1]["measured_code"] = "30ad1b1 (before T12)"
                if design == "landed":
                    # the lattice-wide class rule (sublattice.class_rule = "lattice" or
                    # "auto"): the class kernel, landed, selectable, not the default
                    lr = sublattice_lattice_rule(dev, n)
                    if lr:
                        rows.append(dict(device=dev, solver="sublattice", design="lattice_rule",
                                         cells=n, sites=n ** 3,
                                         predicted_attempts_per_second=lr["rate"],
                                         predicted_hops_per_second=lr["rate"] * C * (1 - C) * CEILING,
                                         bound=lr["bound"],
                                         **{k: v for k, v in lr.items() if k not in ("rate", "bound")}))
                    # the energy models at the bench's size and above (issue 16, item 5)
                    for energy in ("nearest-neighbour J", "environment, two shells"):
                        e = sublattice(dev, n, design, energy)
                        rows.append(dict(device=dev, solver="sublattice", design=design, cells=n,
                                         sites=n ** 3, predicted_attempts_per_second=e["rate"],
                                         predicted_hops_per_second=e["rate"] * ACCEPTED_PER_ATTEMPT[energy],
                                         accepted_per_attempt=ACCEPTED_PER_ATTEMPT[energy],
                                         bound=e["bound"],
                                         **{k: v for k, v in e.items() if k not in ("rate", "bound")}))
                w = walkers(dev, n, design)
                rows.append(dict(device=dev, solver="walkers", design=design, cells=n,
                                 sites=n ** 3, predicted_attempts_per_second=w["rate"],
                                 predicted_hops_per_second=w["rate"], bound=w["bound"],
                                 **{k: v for k, v in w.items() if k not in ("rate", "bound")}))
                m = measured.get(("walkers", n))
                if dev == "H200" and design == "landed" and m:
                    rows[-1]["measured_hops_per_second"] = m["hops_per_second"]
    pieces = dict(philox=PHILOX, poisson=POISSON, visit_one_attempt=VISIT_ONE, attempt=ATTEMPT,
                  scan_row=SCAN, screen_word=SCREEN_WORD, screen_pair=SCREEN_PAIR,
                  visit_rest=VISIT_REST, thin_common=THIN_COMMON, thin_weighted=THIN_WEIGHTED,
                  thin_common_step=COMMON_STEP, thin_mask=MASK, thin_mask_inside=MASK_INSIDE,
                  thin_mask_slot=MASK_SLOT, thin_bit=THIN_BIT, visit_first_nn=VISIT_FIRST_NN,
                  visit_rest_nn=VISIT_REST_NN, visit_first_env=VISIT_FIRST_ENV,
                  visit_rest_env=VISIT_REST_ENV,
                  class_lookup=CLASS_LOOKUP, walker_hop=WALKER_HOP, walker_fp64=WALKER_FP64,
                  environment_accepts=ENV_ACCEPTS, environment_site=ENV_SITE,
                  environment_product_accepts=ENV_PRODUCT_ACCEPTS,
                  environment_product_pair=ENV_PRODUCT_PAIR,
                  visit_first_env_product=VISIT_FIRST_ENV_PRODUCT,
                  visit_rest_env_product=VISIT_REST_ENV_PRODUCT,
                  occupied_around=NN_AROUND, occupied_neighbour=NN_NEIGHBOUR,
                  **({"class_screen_lane": class_counts()["screen"],
                      "class_decide_lane": class_counts()["decide"]} if class_counts() else {}))
    with open(out, "w") as f:
        json.dump({"note": "benchmarks/NOTES.md; design 'landed' is the code of this commit "
                           "with its defaults (sublattice: the tiles' parity kernel), "
                           "'lattice_rule' the sublattice solver with sublattice.class_rule = "
                           "\"lattice\" (the class kernel, landed), "
                           "'target' the changes NOTES.md lists (not implemented); lane "
                           "instruction counts from benchmarks/gpu/sass_counts.json; sublattice "
                           "predictions calibrated by the H200 run of 2026-12-04 (prior_*: the "
                           "figures written before it; measured_*: that run, "
                           "benchmarks/results/nvidia-h200-2026-12-04.json)",
                   "calibration": calibration(),
                   "state_resident": STATE_RESIDENT,
                   "lane_instructions": pieces, "rows": rows}, f, indent=1)
        f.write("\n")
    print("lane instructions (SASS):", pieces)
    for r in rows:
        rate = r["predicted_hops_per_second"] if r["solver"] == "walkers" else r["predicted_attempts_per_second"]
        lim = {k: ("%.2e" % v if v else "-") for k, v in r["limits_per_second"].items()}
        meas = r.get("measured_hops_per_second" if r["solver"] == "walkers" else "measured_attempts_per_second")
        meas = "measured %9.2e" % meas if meas else ""
        print(f'{r["device"]} {r["solver"]:10s} {r["design"]:12s} {r["cells"]:3d}^3  {rate:9.2e}/s  {meas:18s} {r["bound"]:35s} {lim} {r.get("energy", "")}')
    print("calibration:", calibration())


if __name__ == "__main__":
    main()
