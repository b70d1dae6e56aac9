"""Published case reports (issue 20): the reader's score on text no one on the team wrote.

The set is 60 presentations copied from journal case reports and teaching cases (sources and the
queries that found them in tests/data/published/SOURCES.md), annotated with the concepts they state.
The case texts are excerpts of copyrighted articles and books, so they are not distributed with
painkg: ``scripts/score_cases.py FILE`` scores a local copy, and docs/EVALUATION.md reports the
first-run and later scores.  What ships is concepts.tsv, which maps each annotated concept to KB
nodes from the KB's names (never from the reader's output); this test keeps that map in step with
the KB.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("score_cases", ROOT / "scripts" / "score_cases.py")
score_cases = importlib.util.module_from_spec(_spec)
sys.modules["score_cases"] = score_cases
_spec.loader.exec_module(score_cases)


def test_every_node_the_concept_map_names_is_in_the_kb(kg):
    """concepts.tsv maps each annotated concept of the published set to KB nodes; they must exist."""
    mapping = score_cases.concepts()
    assert len(mapping) > 300
    for concept, node in mapping.items():
        for alt in node.split("|"):
            if alt != "not-in-kb" and not alt.startswith("age:"):
                assert alt.split(":")[-1] in kg.graph, (concept, alt)
