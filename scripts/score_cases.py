#!/usr/bin/env python3
"""Score the reader on published case reports: pieces unread, mentions read right, read wrong.

The set (``tests/data/published/cases.jsonl``, one case a line: text, diagnosis, mentions with span,
concept, polarity and kind) was collected from journal case reports and teaching cases by someone
who had not seen the reader; ``tests/data/published/concepts.tsv`` maps each annotated concept to
the KB node that states it, from the KB's labels and synonyms and never from the reader's output
(``a|b``: either node; ``not:X``: the concept denies X, as "male sex" denies female sex; ``age:N``:
an age of N years; ``not-in-kb``).

Each mention of an in-KB concept is located in its case's text and scored against the spans the
reader made over that piece of text:

* **right** — a span of the node (any of the alternatives) with the annotated polarity, about the
  patient; a history is right in any time (``breast cancer 2015``), a finding only now;
* **wrong** — no right span, and a span over the piece reads another node's finding as present, or
  the node with another polarity (a reading that says what the text does not);
* **unread** — nothing over the piece says anything about it.

A test or treatment *named* (kinds ``test-mention`` and ``treatment-mention``) is right when it is
not made an observation of the patient, wrong when it is.  Usage::

    python scripts/score_cases.py [tests/data/published/cases.jsonl] [-v]

The case texts are excerpts of copyrighted articles and books: they are kept locally (the default
path is git-ignored) and not distributed; SOURCES.md lists where each was read.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # score this checkout, not an installed painkg
    sys.path.insert(0, str(ROOT))

import painkg  # noqa: E402
from painkg.reading import patient  # noqa: E402

CASES = ROOT / "tests" / "data" / "published" / "cases.jsonl"
CONCEPTS = ROOT / "tests" / "data" / "published" / "concepts.tsv"
MENTION_KINDS = ("test-mention", "treatment-mention")
_AGE = re.compile(r"^age:(\d+)$")
_OTHER_SEX = {"female-sex": "male-sex", "male-sex": "female-sex"}
_INVERSE = {"present": "absent", "absent": "present"}


def concepts(path: Path = CONCEPTS) -> dict[str, str]:
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#") and not line.startswith("concept\t"):
            concept, node = line.split("\t")
            out[concept] = node
    return out


def _locate(text: str, piece: str, used: set[int]) -> tuple[int, int] | None:
    """Where *piece* stands in *text*: its first occurrence not taken by an earlier mention."""
    starts = [m.start() for m in re.finditer(re.escape(piece), text)]
    if not starts:
        starts = [m.start() for m in re.finditer(re.escape(piece), text, re.IGNORECASE)]
    if not starts:
        return None
    start = next((s for s in starts if s not in used), starts[0])
    used.add(start)
    return start, start + len(piece)


def _age_right(kg, spans, years: int) -> bool | None:
    bands = [s for s in spans if s.node.id.startswith("age-") and s.observed]
    if not bands:
        return None
    for s in bands:
        band = patient._BAND.match(s.node.id)
        holds = patient._holds(band, years)
        if (s.polarity == "present") != holds:
            return False
    return True


def score_mention(kg, reading, mention: dict, node: str, where: tuple[int, int]) -> tuple[str, str]:
    """(verdict, why) for one in-KB mention."""
    start, end = where
    over = [s for s in reading.spans if s.start < end and start < s.end]
    age = _AGE.match(node)
    if age:
        verdict = _age_right(kg, over, int(age[1]))
        return ("unread", "") if verdict is None else ("right", "") if verdict else ("wrong", "age band")
    polarity = mention["polarity"]
    wanted = []
    for alt in node.split("|"):
        if alt.startswith("not:"):
            wanted.append((alt[4:], _INVERSE.get(polarity, polarity)))
        else:
            wanted.append((alt, polarity))
    # the reader states a sex as female-sex present or absent; the trace reads "absent" as male (observe.py)
    wanted += [(_OTHER_SEX[n], _INVERSE.get(p, p)) for n, p in wanted if n in _OTHER_SEX]
    ids = {n for n, _ in wanted}
    if mention["kind"] in MENTION_KINDS:
        mine = [s for s in over if s.node.id in ids]
        if any(s.observed and s.polarity != "absent" for s in mine):
            return "wrong", "a mention read as an observation"
        return ("right", "") if mine else ("unread", "")
    history = mention["kind"] == "history"
    about = [s for s in over if s.experiencer == "patient" and (history or s.observed)]
    if any((s.node.id, s.polarity) in wanted for s in about):
        return "right", ""
    mine = [s for s in about if s.node.id in ids]
    if mine:
        return "wrong", f"{mine[0].node.id} read {mine[0].polarity}, annotated {polarity}"
    if history:
        # the node read, but for the past or another person: said, not wrong
        if any(s.node.id in ids for s in over):
            return "unread", "read as another time"
    others = [s for s in over if s.observed and s.polarity == "present" and not s.node.id.startswith("age-")
              and s.node.id != "female-sex" and s.node.kind.value not in ("test", "treatment")]
    if others and not any(s.node.id in ids for s in over):
        return "wrong", f"read as {others[0].node.id}"
    return "unread", ""


def score(kg, cases: list[dict], mapping: dict[str, str], verbose: bool = False, out=sys.stdout) -> dict:
    counts = {"right": 0, "wrong": 0, "unread": 0}
    named = {"right": 0, "wrong": 0, "unread": 0}
    other = {"not-in-kb": 0, "misplaced": 0}
    wrong_flags = 0
    for case in cases:
        reading = kg.read(case["text"])
        used: set[int] = set()
        for m in case["mentions"]:
            node = mapping.get(m["concept"])
            if node is None:
                raise SystemExit(f"concept {m['concept']!r} is not in {CONCEPTS.name}")
            where = _locate(case["text"], m["span"], used)
            if node == "not-in-kb":
                other["not-in-kb"] += 1
                continue
            if where is None:
                other["misplaced"] += 1
                print(f"  {case['id']}: span {m['span']!r} not found in the text", file=out)
                continue
            verdict, why = score_mention(kg, reading, m, node, where)
            (named if m["kind"] in MENTION_KINDS else counts)[verdict] += 1
            if verdict == "wrong" and any(kg.graph.nodes[n.split(":")[-1]].get("red_flag")
                                          for n in node.split("|") if not n.startswith("age:")):
                wrong_flags += 1
            if verbose or verdict == "wrong":
                print(f"{verdict:7} {case['id']} {m['span']!r} -> {node} {m['polarity']} ({m['kind']}) {why}",
                      file=out)
    total = sum(counts.values())
    print(f"\n{len(cases)} cases; {total} mentions of in-KB findings, histories and demographics: "
          f"right {counts['right']} ({counts['right'] / total:.1%}), unread {counts['unread']} "
          f"({counts['unread'] / total:.1%}), wrong {counts['wrong']} ({counts['wrong'] / total:.1%}); "
          f"red-flag mentions read wrong {wrong_flags}", file=out)
    print(f"tests and treatments named: {sum(named.values())}: kept as context {named['right']}, "
          f"made an observation {named['wrong']}, unread {named['unread']}", file=out)
    print(f"mentions of concepts the KB does not hold: {other['not-in-kb']}; spans not found: {other['misplaced']}",
          file=out)
    return {"findings": counts, "named": named, **other, "red_flags_wrong": wrong_flags}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cases", type=Path, nargs="?", default=CASES)
    parser.add_argument("--concepts", type=Path, default=None,
                        help="the concept-to-node table (default: concepts.tsv beside the cases, else the bundled one)")
    parser.add_argument("--verbose", "-v", action="store_true")
    args = parser.parse_args(argv)
    kg = painkg.load()
    cases = [json.loads(line) for line in args.cases.read_text(encoding="utf-8").splitlines() if line.strip()]
    table = args.concepts or (args.cases.parent / "concepts.tsv")
    score(kg, cases, concepts(table) if table.exists() else concepts(), args.verbose)
    return 0


if __name__ == "__main__":
    sys.exit(main())
