#!/usr/bin/env python3
"""Score the reader on a table of single-concept phrases: right, unread or wrong.

The table (columns id, phrase, concept, polarity, temporality, experiencer, in_scope, style) names
each phrase's concept in plain clinical words; the concept is looked up with the KB's resolver, and
a phrase whose concept the KB does not hold is scored only for not being read as something else.
A phrase is **right** when its reading has a span of that node with the phrase's polarity
(present / absent / possible) for the patient now; **wrong** when it is read as another node, with
the wrong polarity, or a red flag with the wrong polarity; **unread** otherwise.  Historical,
hypothetical and family phrases are right when they are *not* read as a current finding of the
patient — except a node that is a history by nature ("history of cancer", "intravenous drug use"), which
is right when read for the patient (issue 23, G2: a dated history is that finding now).  Usage::

    python scripts/score_phrases.py probes/phrases.tsv [-v]
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # score this checkout, not an installed painkg
    sys.path.insert(0, str(ROOT))

import painkg  # noqa: E402
from painkg.reading.read import _table  # noqa: E402


def _node(kg: painkg.KnowledgeGraph, concept: str) -> str | None:
    match = kg.index.best(concept)
    return match.node_id if match is not None else None


def score(kg: painkg.KnowledgeGraph, row: dict) -> tuple[str, str]:
    expected = _node(kg, row["concept"]) if row["in_scope"] == "yes" else None
    reading = kg.read(row["phrase"])
    current = [s for s in reading.spans if s.time == "current" and s.experiencer == "patient"]
    about_patient_now = row["temporality"] == "current" and row["experiencer"] == "patient"
    if not about_patient_now and expected in _table(kg).histories and row["experiencer"] == "patient":
        about_patient_now = True  # "breast cancer 2015": the history node is the history, now
    if not about_patient_now:
        wrong = [s for s in current if s.node.id == expected and s.polarity == "present"]
        return ("wrong", f"read as current: {wrong[0].node.id}") if wrong else ("right", "")
    if expected is None:
        if row["in_scope"] == "no" and any(s.polarity == "present" for s in current):
            return "wrong", f"out of scope read as {current[0].node.id}"
        return "not-in-kb", ""
    mine = [s for s in current if s.node.id == expected]
    if any(s.polarity == row["polarity"] for s in mine):
        return "right", ""
    if mine:
        return "wrong", f"{expected} read {mine[0].polarity}, expected {row['polarity']}"
    others = [s for s in current if s.polarity == "present"]
    if others and row["style"] == "trap":
        return "wrong", f"read as {others[0].node.id}"
    return "unread", ", ".join(u.text for u in reading.unread)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("table", type=Path)
    parser.add_argument("--verbose", "-v", action="store_true")
    args = parser.parse_args(argv)
    kg = painkg.load()
    with args.table.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    counts: dict[str, int] = {}
    red_wrong = 0
    for row in rows:
        verdict, why = score(kg, row)
        counts[verdict] = counts.get(verdict, 0) + 1
        expected = _node(kg, row["concept"])
        if verdict == "wrong" and expected and kg.graph.nodes[expected].get("red_flag"):
            red_wrong += 1
        if args.verbose or verdict == "wrong":
            print(f"{verdict:9} {row['id']} {row['phrase']!r} ({row['concept']}, {row['polarity']}) {why}")
    in_kb = sum(v for k, v in counts.items() if k != "not-in-kb")
    print(f"\n{len(rows)} phrases; concept in the KB for {in_kb}: right {counts.get('right', 0)} "
          f"({counts.get('right', 0) / in_kb:.0%}), unread {counts.get('unread', 0)}, wrong {counts.get('wrong', 0)} "
          f"({counts.get('wrong', 0) / len(rows):.1%} of all); red flags with the wrong polarity {red_wrong}; "
          f"concept not in the KB {counts.get('not-in-kb', 0)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
