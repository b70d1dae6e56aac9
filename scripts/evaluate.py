#!/usr/bin/env python3
"""Score the trace against clinical vignettes: where the expected source ranks, and red flags.

Reads ``tests/scenarios.tsv`` (the suite's own table) or, with ``--cases``, a table of blind
cases (columns id, setting, present, absent, expected, acceptable, red_flag, style, note; items
separated by `` ; `` and alternatives by `` | ``).  A candidate answers a case when it is the
expected source or an accepted alternative, a kind of one (its ``broader`` conditions), the
source of an expected syndrome (``via``: a disc herniation through L5 radiculopathy answers
"L5 radiculopathy"), or a member of a reported pair named as expected (hip–spine syndrome).
Prints the misses (all cases with ``-v``), then top-1, top-3, red-flag cases flagged and
unread terms::

    python scripts/evaluate.py
    python scripts/evaluate.py --cases probes/cases-A.tsv --json
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from dataclasses import dataclass
from pathlib import Path

import painkg

SCENARIOS = Path(__file__).resolve().parents[1] / "tests" / "scenarios.tsv"
#: Settings named by case writers that the KB does not hold, and what stands in for them.
SETTING_STAND_INS = {"emergency": "primary-care", "": "primary-care"}


@dataclass(frozen=True)
class Vignette:
    id: str
    present: tuple[str, ...]
    absent: tuple[str, ...]
    expected: tuple[str, ...]  # the expected source first, then accepted alternatives
    references: str = ""
    note: str = ""
    setting: str = "primary-care"
    red_flag: bool | None = None  # None: the table does not say


@dataclass(frozen=True)
class Outcome:
    vignette: Vignette
    rank: int | None  # 1-based rank of the first accepted answer; None if not in the list
    top: tuple[str, ...]  # labels of the top candidates
    skipped: tuple[str, ...]  # terms the KB did not recognise
    missing: bool  # no accepted source is a node of the KB
    flagged: bool  # the result lists at least one red flag


def _split(cell: str | None, separator: str) -> tuple[str, ...]:
    return tuple(x.strip() for x in (cell or "").split(separator) if x.strip())


def read_vignettes(path: Path = SCENARIOS) -> list[Vignette]:
    """Read the suite's scenarios (``|`` lists) or a blind case table (`` ; `` lists)."""
    with path.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    if rows and "acceptable" in rows[0]:
        return [Vignette(r["id"], _split(r["present"], " ; "), _split(r["absent"], " ; "),
                         _split(r["expected"], " | ") + _split(r["acceptable"], " | "), "", r.get("note", ""),
                         r.get("setting") or "primary-care", r.get("red_flag", "").strip().lower() == "yes")
                for r in rows]
    return [Vignette(r["id"], _split(r["present"], "|"), _split(r["absent"], "|"),
                     _split(r["expected"], "|") + _split(r["alternatives"], "|"), r["references"], r["note"])
            for r in rows]


def evaluate(kg: painkg.KnowledgeGraph, vignette: Vignette, *, limit: int = 10) -> Outcome:
    accepted = set()
    for name in vignette.expected:
        try:
            accepted.add(kg.resolve(name).id)
        except painkg.UnknownTermError:
            pass
    setting = SETTING_STAND_INS.get(vignette.setting, vignette.setting)
    try:
        result = kg.trace(vignette.present, absent=vignette.absent, limit=limit, unknown="skip", setting=setting)
    except painkg.TraceError:  # nothing recognised at all
        return Outcome(vignette, None, (), vignette.present, not accepted, False)
    paired = {m for x in result.combinations for m in (x.first.node.id, x.second.node.id)
              if "hip-spine-syndrome" in accepted and x.name}
    rank = None
    for i, c in enumerate(result.candidates, 1):
        answers = {c.node.id, *(b.id for b in c.broader)}
        if c.via is not None:
            answers |= {c.via.id, *(a for a in _ancestors(kg, c.via.id))}
        if answers & accepted or c.node.id in paired:
            rank = i
            break
    return Outcome(vignette, rank, tuple(c.node.label for c in result.candidates[:3]),
                   tuple(t for t, _ in result.skipped), not accepted, bool(result.red_flags))


def _ancestors(kg: painkg.KnowledgeGraph, node: str) -> set[str]:
    from painkg.trace.compile import diagnostic_table

    return set(diagnostic_table(kg.graph).ancestors.get(node, ()))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kb", help="knowledge-base folder (default: bundled)")
    parser.add_argument("--cases", type=Path, default=SCENARIOS, help="case table (default: tests/scenarios.tsv)")
    parser.add_argument("--verbose", "-v", action="store_true", help="show every vignette, not only misses")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    args = parser.parse_args(argv)
    kg = painkg.load(args.kb)
    outcomes = [evaluate(kg, v) for v in read_vignettes(args.cases)]
    for o in outcomes:
        hit = o.rank is not None and o.rank <= 3
        unflagged = o.vignette.red_flag and not o.flagged
        if args.verbose or not hit or unflagged:
            where = f"rank {o.rank}" if o.rank else ("not in KB" if o.missing else "not ranked")
            flag = "  RED FLAG MISSED" if unflagged else ""
            print(f"{'ok ' if hit else 'MISS'} {o.vignette.id}: {o.vignette.expected[0]} {where}; "
                  f"top: {', '.join(o.top) or '-'}{flag}", file=sys.stderr if args.json else sys.stdout)
            if o.skipped:
                print(f"     unrecognised: {', '.join(o.skipped)}", file=sys.stderr if args.json else sys.stdout)
    n = len(outcomes)
    red = [o for o in outcomes if o.vignette.red_flag]
    summary = {
        "cases": n,
        "top1": sum(o.rank == 1 for o in outcomes),
        "top3": sum(o.rank is not None and o.rank <= 3 for o in outcomes),
        "red_flag_cases": len(red),
        "red_flag_cases_flagged": sum(o.flagged for o in red),
        "terms": sum(len(o.vignette.present) + len(o.vignette.absent) for o in outcomes),
        "terms_unread": sum(len(o.skipped) for o in outcomes),
    }
    if args.json:
        print(json.dumps(summary, indent=2))
    else:
        print(f"\n{n} vignettes: top-1 {summary['top1']}/{n} ({summary['top1'] / n:.0%}), top-3 "
              f"{summary['top3']}/{n} ({summary['top3'] / n:.0%}); red-flag cases flagged "
              f"{summary['red_flag_cases_flagged']}/{len(red)}; "
              f"{summary['terms_unread']}/{summary['terms']} terms unrecognised")
    return 0


if __name__ == "__main__":
    sys.exit(main())
