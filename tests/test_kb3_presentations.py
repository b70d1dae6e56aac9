"""KB 3.0 (issue 21): each condition of the published differential, in its textbook presentation.

The presentations (``tests/data/kb3/presentations-*.tsv``) were written by the curators from the
sources' own descriptions of each condition, not from the KB's edges.  A dangerous condition must
come in the top 3 and be flagged (a red flag of its own, or named by a finding's flag) in the
setting where it is seen; any other condition in the top 5.  A presentation the KB cannot yet
rank is a strict xfail that says why, so it is taken off the list the day it passes.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

HERE = Path(__file__).parent / "data" / "kb3"
ROWS = [row for path in sorted(HERE.glob("presentations-*.tsv"))
        for row in csv.DictReader([line for line in path.read_text(encoding="utf-8").splitlines()
                                   if not line.startswith("#")], delimiter="\t")]
#: Presentations the bundled KB does not yet rank where they belong, and why.
KNOWN_MISSES: dict[str, str] = {
    "spine3-mfcn": "in the sports groin clinic, adductor-related pain holds 61 % (taylor2018); a medial thigh "
                   "dysaesthesia (default base rate 0.05) moves the nerve entrapment x10 from a graded prior of 0.0008, "
                   "about x16 short of the top 5 (rank 19, 0.25 %); no sports-clinic prevalence for it was found",
}


def _param(row):
    marks = [pytest.mark.xfail(reason=KNOWN_MISSES[row["id"]], strict=True)] if row["id"] in KNOWN_MISSES else []
    return pytest.param(row, id=row["id"], marks=marks)


def test_every_condition_of_the_differential_has_a_presentation():
    assert len(ROWS) >= 50
    assert len({r["id"] for r in ROWS}) == len(ROWS)


@pytest.mark.parametrize("row", [_param(r) for r in ROWS])
def test_textbook_presentation_ranks_its_condition(kg, row):
    expected = kg.resolve(row["expected"])
    result = kg.trace(row["presentation"], setting=row["setting"], unknown="skip", limit=10)

    def answers(c) -> bool:
        return expected.id in {c.node.id, *(b.id for b in c.broader)} | ({c.via.id} if c.via else set())

    rank = next((i + 1 for i, c in enumerate(result.candidates) if answers(c)), None)
    top = "; ".join(f"{c.node.label} {c.score:.0%}" for c in result.candidates[:5])
    if row["dangerous"].strip().lower() == "yes":
        assert rank is not None and rank <= 3, f"{expected.label} ranked {rank}; top: {top}"
        flagged = any(f.node.id == expected.id or expected.id in {n.id for n in f.raises} for f in result.red_flags)
        assert flagged, f"{expected.label} is not flagged: {[f.message for f in result.red_flags]}"
    else:
        assert rank is not None and rank <= 5, f"{expected.label} ranked {rank}; top: {top}"


#: Names of a differential entry that, in painkg, name a feature rather than the condition: a user
#: who types them means the symptom, sign or structure (the condition is reached through it).
FEATURE_NAMES = {
    "Internal snapping hip": "anterior-hip-snapping", "iliopsoas snapping": "anterior-hip-snapping",
    "snapping hip syndrome (internal)": "anterior-hip-snapping", "pubic symphysis pain": "midline-groin-pain",
    "myofascial trigger points": "myofascial-trigger-point", "degenerative disc disease": "lumbar-disc-degeneration-on-imaging",
    "referred pain from the lumbar spine": "lumbar-vertebrae", "neurogenic claudication": "neurogenic-claudication",
    "kyphosis": "thoracic-kyphosis",
}


def test_every_condition_of_the_published_differential_resolves(kg):
    """Issue 21's breadth check: each of the 113 entries, by its name and every synonym its sources use."""
    import json

    # The shared folder sits beside the main checkout (/work/shared for /work/main) and two levels up from a
    # worktree (/work/wt/<name>): the nearest ancestor that holds it.
    found = [p / "shared" / "differential.json" for p in Path(__file__).resolve().parents
             if (p / "shared" / "differential.json").is_file()]
    assert found, "no shared/differential.json above this checkout"
    differential = json.loads(found[0].read_text())
    assert len(differential["conditions"]) == 113
    for entry in differential["conditions"]:
        node = kg.resolve(entry["name"]) if entry["name"] not in FEATURE_NAMES else None
        conditions = {node.id} if node is not None else set()
        for name in [entry["name"], *entry["synonyms"]]:
            found = kg.resolve(name)
            if name in FEATURE_NAMES:
                assert found.id == FEATURE_NAMES[name], name
                continue
            assert found.kind.value == "condition", (entry["name"], name, found.id)
            conditions.add(found.id)
    assert kg.resolve("spinal cord").id == "spinal-cord"
