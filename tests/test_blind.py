"""Blind clinical cases: written from clinical teaching by someone who saw neither the KB nor the
code (tests/data/blind/), scored as a whole.  Each set's first-run score is recorded in
docs/EVALUATION.md; the floors below are what the trace scores now, so a change that loses cases
fails here.  Set A has since been used for development; set B was scored once, at the end."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("evaluate", ROOT / "scripts" / "evaluate.py")
evaluate = importlib.util.module_from_spec(_spec)
sys.modules["evaluate"] = evaluate
_spec.loader.exec_module(evaluate)

#: set -> (cases, top-3 floor, red-flag cases, flagged floor)
FLOORS = {
    "cases-A.tsv": (50, 35, 9, 8),
    "cases-B.tsv": (50, 35, 9, 9),
}


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_blind_cases_keep_their_score(kg, name):
    cases, top3, red, flagged = FLOORS[name]
    outcomes = [evaluate.evaluate(kg, v) for v in evaluate.read_vignettes(ROOT / "tests" / "data" / "blind" / name)]
    assert len(outcomes) == cases
    hits = sum(o.rank is not None and o.rank <= 3 for o in outcomes)
    red_cases = [o for o in outcomes if o.vignette.red_flag]
    assert len(red_cases) == red
    assert hits >= top3, f"top-3 {hits}/{cases}, floor {top3}"
    assert sum(o.flagged for o in red_cases) >= flagged


#: probe -> (phrases, right at least, wrong at most): what the reader scores now (docs/EVALUATION.md; the
#: first runs are in tests/data/blind/runs/), as floors and ceilings.
PHRASE_FLOORS = {
    "phrases.tsv": (340, 195, 4),
    "phrases2.tsv": (512, 277, 5),
    "phrases3.tsv": (415, 256, 8),
    "phrases5.tsv": (542, 304, 8),
    "phrases7.tsv": (427, 252, 3),  # first run 232 and 5 (2f3e33b); its readings never looked at
    "phrases6.tsv": (448, 211, 8),  # first run 192 and 12 (651308d); its wrong readings were looked at after
    "phrases8.tsv": (572, 390, 7),  # first run 366 and 15 (ca93b84); its wrong readings looked at after
    "phrases9.tsv": (486, 232, 33),  # first run 218 and 42 (7418a12); 217 and 43 blind again (9b81f9f); looked at after
    "phrases10.tsv": (772, 334, 39),  # first run 327 and 45 (f236cb6); 328 and 45 blind again (26f2b7e); looked at after
    "phrases11.tsv": (794, 359, 17),  # first run 339 and 19 (cd68ec4); 339 and 19 blind again (0d28d0b); looked at after
    "phrases12.tsv": (794, 333, 23),  # written near the end of the eighth session: 332 and 23 at cd68ec4, 333 and 23 at 0f67a4a; its wrong readings were printed once after that (not developed on)
}


@pytest.mark.parametrize("name", sorted(PHRASE_FLOORS))
def test_blind_phrases_keep_their_score(kg, name):
    # phrases in note, lay and textbook styles, written blind by helpers who saw neither KB nor code
    _spec = importlib.util.spec_from_file_location("score_phrases", ROOT / "scripts" / "score_phrases.py")
    score_phrases = importlib.util.module_from_spec(_spec)
    _spec.loader.exec_module(score_phrases)
    import csv

    size, right, wrong = PHRASE_FLOORS[name]
    with (ROOT / "tests" / "data" / "blind" / name).open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    verdicts = [score_phrases.score(kg, row)[0] for row in rows]
    assert len(rows) == size
    assert verdicts.count("right") >= right
    assert verdicts.count("wrong") <= wrong
