#!/usr/bin/env python3
"""Score the trace against the clinical vignettes in tests/scenarios.tsv.

Prints, per vignette, where the expected source ranked and which terms the KB did
not recognise, then top-1 and top-3 accuracy.  Usage::

    python scripts/evaluate.py [--kb FOLDER] [--verbose]
"""

from __future__ import annotations

import argparse
import csv
import sys
from dataclasses import dataclass
from pathlib import Path

import painkg

SCENARIOS = Path(__file__).resolve().parents[1] / "tests" / "scenarios.tsv"


@dataclass(frozen=True)
class Vignette:
    id: str
    present: tuple[str, ...]
    absent: tuple[str, ...]
    expected: tuple[str, ...]  # the expected source first, then accepted alternatives
    references: str
    note: str


@dataclass(frozen=True)
class Outcome:
    vignette: Vignette
    rank: int | None  # 1-based rank of the first accepted source; None if not in the list
    top: tuple[str, ...]  # labels of the top candidates
    skipped: tuple[str, ...]  # terms the KB did not recognise
    missing: bool  # no accepted source is a node of the KB


def read_vignettes(path: Path = SCENARIOS) -> list[Vignette]:
    def split(cell: str) -> tuple[str, ...]:
        return tuple(x.strip() for x in (cell or "").split("|") if x.strip())

    with path.open(encoding="utf-8") as f:
        return [Vignette(r["id"], split(r["present"]), split(r["absent"]),
                         split(r["expected"]) + split(r["alternatives"]), r["references"], r["note"])
                for r in csv.DictReader(f, delimiter="\t")]


def evaluate(kg: painkg.KnowledgeGraph, vignette: Vignette, *, limit: int = 10) -> Outcome:
    accepted = set()
    for name in vignette.expected:
        try:
            accepted.add(kg.resolve(name).id)
        except painkg.UnknownTermError:
            pass
    try:
        result = kg.trace(vignette.present, absent=vignette.absent, limit=limit, unknown="skip")
    except painkg.TraceError:  # nothing recognised at all
        return Outcome(vignette, None, (), vignette.present, not accepted)
    ids = [c.node.id for c in result.candidates]
    rank = next((i for i, n in enumerate(ids, 1) if n in accepted), None)
    return Outcome(vignette, rank, tuple(c.node.label for c in result.candidates[:3]),
                   tuple(t for t, _ in result.skipped), not accepted)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kb", help="knowledge-base folder (default: bundled)")
    parser.add_argument("--verbose", "-v", action="store_true", help="show every vignette, not only misses")
    args = parser.parse_args(argv)
    kg = painkg.load(args.kb)
    outcomes = [evaluate(kg, v) for v in read_vignettes()]
    for o in outcomes:
        hit = o.rank is not None and o.rank <= 3
        if args.verbose or not hit:
            where = f"rank {o.rank}" if o.rank else ("not in KB" if o.missing else "not ranked")
            print(f"{'ok ' if hit else 'MISS'} {o.vignette.id}: {o.vignette.expected[0]} {where}; "
                  f"top: {', '.join(o.top) or '-'}")
            if o.skipped:
                print(f"     unrecognised: {', '.join(o.skipped)}")
    n = len(outcomes)
    top1 = sum(o.rank == 1 for o in outcomes)
    top3 = sum(o.rank is not None and o.rank <= 3 for o in outcomes)
    terms = sum(len(o.vignette.present) + len(o.vignette.absent) for o in outcomes)
    skipped = sum(len(o.skipped) for o in outcomes)
    print(f"\n{n} vignettes: top-1 {top1}/{n} ({top1 / n:.0%}), top-3 {top3}/{n} ({top3 / n:.0%}); "
          f"{skipped}/{terms} terms unrecognised")
    return 0


if __name__ == "__main__":
    sys.exit(main())
