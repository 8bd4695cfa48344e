#!/usr/bin/env python3
"""Markdown table of the calibration suite's measured coverage (docs/observables.md).

    build/coatkmc_validation_tests --gtest_filter='*Calibration*' | \
        /usr/bin/python3 scripts/calibration_table.py

reads the suite's one line per quantity ("<case> <n> runs: ci68 covers x% (..),
ci95 y% (..) (+-err z%), mean rel. err e, rms pull p[ (note)]") and prints one
table row per line, in the suite's order.
"""
import re
import sys

LINE = re.compile(
    r"^\s+(?P<what>.+?)\s+(?P<runs>\d+) runs: ci68 covers\s+(?P<c68>[\d.]+)% \([^)]*\), "
    r"ci95\s+(?P<c95>[\d.]+)% \([^)]*\) \(\+-err\s+(?P<err>[\d.]+)%\), "
    r"mean rel\. err (?P<rel>[\d.na]+), rms pull [\d.na]+(?: \((?P<note>.*)\))?$")


def main() -> int:
    print("| case, quantity | runs | ci68 covers % | ci95 covers % | ±err covers % | mean rel. error | check |")
    print("|---|---|---|---|---|---|---|")
    rows = 0
    for line in sys.stdin:
        m = LINE.match(line.rstrip("\n"))
        if not m:
            continue
        note = m["note"] or "two-sided"
        if note.startswith("error only"):
            note = "±err only"
        elif note.startswith("vs the Birge"):
            note = "vs Birge 73.1/96.3"
        elif note.startswith("over-coverage"):
            note = "one-sided"
        elif note.startswith("68 %: -6/+8"):
            note = "95 two-sided, 68 −6/+8"
        print(f"| {m['what']} | {m['runs']} | {m['c68']} | {m['c95']} | {m['err']} | {m['rel']} | {note} |")
        rows += 1
    return 0 if rows else 1


if __name__ == "__main__":
    sys.exit(main())
