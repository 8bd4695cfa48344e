#!/usr/bin/env python3
"""Writes configs/environment/llto_a_site_neb.json, the E_KRA table of the LLTO
A-site study (docs/study-llto-environment.md) in the NEB-table form of the
coefficients file (docs/environment.md):

    /usr/bin/python3 scripts/llto_neb_table.py > configs/environment/llto_a_site_neb.json

Positions: the eight A sites around the Ti4O4 window of the hop
(0,0,0) -> (1,0,0) of the cubic perovskite: the square around the origin
(perpendicular to the hop), then the square around the target. A square whose
four sites all hold La costs 0.39 eV (Moriwake et al., J. Power Sources 276,
203 (2015): 0.58 eV for a Li crossing a La plane through a La vacancy against
0.19 eV inside a domain; the 0.19 eV is hop.barrier), each such square once:
every arrangement of vacancy / ion / La on the eight positions with at least
one all-La square is listed, one per class under the hop's symmetry (D4h: the
square's dihedral group, the same on both squares, and the mirror that swaps
them); all others get the default 0. The table is the four-site E_KRA cluster
(the square, all La, ECI 0.39 eV) written out; the test
EnvironmentNebTable.LltoTableIsTheFourSiteClusterBitForBit checks that the two
give the same trajectory.
"""
import itertools
import json
import sys

NAMES = ("Va", "ion", "La")
PENALTY_EV = 0.39
SQUARE = [(0, 1, 0), (0, 0, 1), (0, -1, 0), (0, 0, -1)]  # in cyclic order around the hop axis
POSITIONS = SQUARE + [(1, y, z) for (_, y, z) in SQUARE]


def symmetry():
    """The 16 operations of D4h as permutations of the eight positions."""
    out = []
    for r in range(4):
        for flip in (False, True):
            d = [(i + r) % 4 for i in range(4)]
            if flip:
                d = [d[(-i) % 4] for i in range(4)]
            out.append(d + [x + 4 for x in d])
            out.append([x + 4 for x in d] + d)
    return out


def main():
    ops = symmetry()
    patterns = {}
    for t in itertools.product(range(len(NAMES)), repeat=8):
        full = sum(all(NAMES[x] == "La" for x in t[s:s + 4]) for s in (0, 4))
        if full:
            key = min(tuple(t[o[i]] for i in range(8)) for o in ops)
            patterns[key] = round(PENALTY_EV * full, 10)
    # One pattern per line, so the file reads as a table.
    rows = [json.dumps({"occupation": [NAMES[x] for x in k], "barrier_eV": v})
            for k, v in sorted(patterns.items())]
    sys.stdout.write('{"neb": [{\n  "hop": [[0, 0, 0], [1, 0, 0]],\n  "positions": %s,\n'
                     '  "default_eV": 0.0,\n  "patterns": [\n    %s\n  ]\n}]}\n'
                     % (json.dumps([list(p) for p in POSITIONS]), ",\n    ".join(rows)))


if __name__ == "__main__":
    main()
