"""Must-not-miss sets, written blind from a clinical brief (tests/data/blind/mnm*.tsv, holdout*.tsv):
a dangerous case passes when its diagnosis is in the top 3 and flagged, a benign one when it is first.
Each set's first-run score is in tests/data/blind/runs/ and docs/EVALUATION.md; the floors are what
the trace scores now (mnm, mnm3, holdout, holdout4 and holdout5 have since been used for development;
holdout6 was looked at only after its first run; holdout7 never), so a change that loses a case fails here."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("evaluate_mnm", ROOT / "scripts" / "evaluate_mnm.py")
evaluate_mnm = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(evaluate_mnm)

#: set -> (dangerous cases, passed floor, benign cases, first floor)
FLOORS = {
    "mnm.tsv": (45, 39, 17, 16),
    "mnm3.tsv": (46, 40, 27, 23),
    "holdout.tsv": (30, 27, 30, 25),  # H10 (a fall from a ladder with a step at L1) gained in the fifth session; H38 (a 12-year-old's pelvic Ewing sarcoma) lost when the red-flag places went to the dangers answering most red flags; H41 (a ruptured aneurysm taken for renal colic) gained with its loin and groin pain
    "holdout4.tsv": (30, 28, 30, 25),  # Z13 (an epidural abscess with weak legs) gained in the eighth session
    "holdout5.tsv": (30, 26, 30, 21),  # first run 16 and 20 (92ae7a3), then used for development; H19 (a "clunk" deep in front of the hip, now read with its place) 2nd since quotation marks no longer cut a phrase
    "holdout6.tsv": (25, 21, 25, 18),  # first run 16 and 16 (651308d); its misses were looked at after
    "holdout7.tsv": (25, 21, 25, 21),  # first run 14 and 17 (2f3e33b); two of its cases (X18, X22) read by helper kb12 in the sixth session; X07 and X45 gained in the eighth
    "holdout8.tsv": (25, 22, 25, 20),  # first run 22 and 18 (ca93b84); 22 and 19 at the sixth session's end, 23 and 20 at the seventh's; unexamined; 22 in the eighth when "private clinic" stopped reading as the privates (3d9e8fe; the case not looked at)
    "holdout9.tsv": (25, 23, 25, 23),  # first run 19 and 19 (7418a12, and f931b3a alike); the same blind again (9b81f9f)
    "holdout10.tsv": (25, 23, 25, 18),  # first run 14 and 17 (f236cb6); 16 and 18 blind again (26f2b7e); looked at after
    "holdout11.tsv": (25, 23, 25, 22),  # first run 19 and 18 (cd68ec4); 20 and 18 blind again (0d28d0b); looked at after
    "holdout12.tsv": (25, 20, 25, 19),  # written near the end of the eighth session: 19 and 19 at cd68ec4, 20 and 19 at 0f67a4a; its misses were printed once after that (not developed on)
}


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_must_not_miss_sets_keep_their_score(kg, name):
    dangerous, passed, benign, first = FLOORS[name]
    records = evaluate_mnm.score(kg, ROOT / "tests" / "data" / "blind" / name)
    red = [r for r in records if r["dangerous"]]
    ok = [r for r in records if not r["dangerous"]]
    assert (len(red), len(ok)) == (dangerous, benign)
    assert sum(r["passed"] for r in red) >= passed, [r["id"] for r in red if not r["passed"]]
    assert sum(r["passed"] for r in ok) >= first, [r["id"] for r in ok if not r["passed"]]
