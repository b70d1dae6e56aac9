#!/usr/bin/env python3
"""Score the trace on presentations taken from published case reports (JSON lines).

Each line has ``id``, ``text`` (the presentation as its authors wrote it), ``diagnosis``,
``acceptable`` (list), ``dangerous`` and ``setting``.  The text is traced as the note it is
(``kg.trace(text, setting=..., unknown="skip")``); a case is answered at the rank of its
diagnosis or an accepted alternative (or a kind of one).  Prints top-1, top-3, how many
diagnoses the KB does not hold, and for dangerous cases how many are top 3 and flagged::

    python scripts/evaluate_cases.py /work/devset/cases.jsonl [-v]

The case texts are excerpts of copyrighted articles and stay outside the repository
(docs/EVALUATION.md); the scores are reported there.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import painkg  # noqa: E402
from evaluate_mnm import _answers as _wanted, _is_answer  # noqa: E402  (one rule for what answers a case)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cases", type=Path)
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args(argv)
    kg = painkg.load()
    settings = {s.id for s in kg.settings()}
    rows = [json.loads(line) for line in args.cases.read_text(encoding="utf-8").splitlines() if line.strip()]
    top1 = top3 = missing = flagged = dangerous = 0
    for row in rows:
        wanted = _wanted(kg, [row["diagnosis"], *row.get("acceptable", [])])
        setting = row["setting"] if row["setting"] in settings else "primary-care"
        result = kg.trace(row["text"], setting=setting, unknown="skip", limit=10)
        rank = next((i + 1 for i, c in enumerate(result.candidates) if _is_answer(c, wanted)), None)
        top1 += rank == 1
        top3 += rank is not None and rank <= 3
        missing += not wanted
        if row.get("dangerous"):
            dangerous += 1
            by_id = {c.node.id: c for c in result.candidates}
            raised = any((f.node.id in by_id and _is_answer(by_id[f.node.id], wanted)) or any(n.id in wanted for n in f.raises)
                         for f in result.red_flags)
            flagged += bool(rank is not None and rank <= 3 and raised)
        if args.verbose or rank is None or rank > 3:
            top = "; ".join(f"{c.node.label} {c.score:.0%}" for c in result.candidates[:3])
            print(f"{row['id']} {row['diagnosis']}: {'not in KB' if not wanted else f'rank {rank}'} "
                  f"[{setting}]; top: {top}; unread pieces {len(result.skipped)}")
    n = len(rows)
    print(f"{n} cases: top-1 {top1} ({top1 / n:.0%}), top-3 {top3} ({top3 / n:.0%}); "
          f"diagnosis not in the KB {missing}; dangerous top-3 and flagged {flagged}/{dangerous}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
