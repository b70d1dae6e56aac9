#!/usr/bin/env python3
"""Score the trace on must-not-miss presentations written as free text.

A table with columns ``id, setting, presentation, expected, acceptable, dangerous`` (more
columns are ignored): each presentation is traced as the note it is (``kg.trace(text)``).
A dangerous case passes when its diagnosis (or an accepted alternative, a kind of one) is
in the top 3 **and** named in ``result.red_flags``; a benign case passes when its diagnosis
is first.  A diagnosis that resolves to no condition of the KB is reported as "not in KB"
and fails.  Settings the KB does not hold are traced in ``primary-care`` and listed::

    python scripts/evaluate_mnm.py tests/data/blind/mnm.tsv
    python scripts/evaluate_mnm.py tests/data/blind/mnm.tsv --json
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import painkg  # noqa: E402
from painkg.errors import PainKGError  # noqa: E402


def _answers(kg, names: list[str]) -> set[str]:
    found = set()
    for name in names:
        try:
            node = kg.resolve(name)
        except PainKGError:
            continue
        if node.kind.value == "condition":
            found.add(node.id)
    return found


def _is_answer(candidate, wanted: set[str]) -> bool:
    ids = {candidate.node.id, *(b.id for b in candidate.broader)}
    if candidate.via is not None:
        ids.add(candidate.via.id)
    return bool(ids & wanted)


def score(kg, path: Path) -> list[dict]:
    settings = {s.id for s in kg.settings()}
    out = []
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            names = [row["expected"], *[a.strip() for a in row.get("acceptable", "").split("|") if a.strip()]]
            wanted = _answers(kg, names)
            setting = row["setting"] if row["setting"] in settings else "primary-care"
            dangerous = row["dangerous"].strip().lower() == "yes"
            record = {"id": row["id"], "setting": setting, "asked_setting": row["setting"],
                      "expected": row["expected"], "dangerous": dangerous, "in_kb": bool(wanted)}
            try:
                result = kg.trace(row["presentation"], setting=setting, unknown="skip")
            except PainKGError as exc:
                record.update(rank=None, flagged=False, passed=False, top=[], error=str(exc))
                out.append(record)
                continue
            rank = next((i + 1 for i, c in enumerate(result.candidates) if _is_answer(c, wanted)), None)
            # Flagged: the diagnosis (or a kind of it) is a red flag reported, or named by a finding's flag.
            by_id = {c.node.id: c for c in result.candidates}
            flagged = any(f.node.id in wanted or any(n.id in wanted for n in f.raises)
                          or (f.node.id in by_id and _is_answer(by_id[f.node.id], wanted))
                          for f in result.red_flags)
            passed = (rank is not None and rank <= 3 and flagged) if dangerous else rank == 1
            record.update(rank=rank, flagged=flagged, passed=passed,
                          top=[f"{c.node.label} {c.score:.0%}" for c in result.candidates[:3]])
            out.append(record)
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("table", type=Path)
    parser.add_argument("--json", action="store_true", help="print one JSON record per case")
    args = parser.parse_args(argv)
    kg = painkg.load()
    records = score(kg, args.table)
    if args.json:
        for r in records:
            print(json.dumps(r))
        return 0
    for r in records:
        if not r["passed"]:
            why = "not in KB" if not r["in_kb"] else f"rank {r['rank']}, flagged {r['flagged']}"
            print(f"MISS {r['id']} [{r['asked_setting']}] {r['expected']}: {why}; top: {'; '.join(r['top'])}")
    dangerous = [r for r in records if r["dangerous"]]
    benign = [r for r in records if not r["dangerous"]]
    print(f"dangerous: {sum(r['passed'] for r in dangerous)}/{len(dangerous)} top-3 and flagged; "
          f"benign: {sum(r['passed'] for r in benign)}/{len(benign)} first; "
          f"not in KB: {sum(not r['in_kb'] for r in records)}; "
          f"settings traced as primary-care: {sum(r['setting'] != r['asked_setting'] for r in records)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
