"""The compiled table's path search equals an exhaustive reference, and stays bounded on hubs."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

import painkg
from painkg.kb.vocab import Kind, Relation
from painkg.trace.compile import _INTERMEDIATE, MAX_DEPTH, MIN_PATH, DiagnosticTable

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("synth", ROOT / "scripts" / "synth.py")
synth = importlib.util.module_from_spec(_spec)
sys.modules["synth"] = synth
_spec.loader.exec_module(synth)


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory) -> painkg.KnowledgeGraph:
    folder = tmp_path_factory.mktemp("synth")
    synth.write(600, folder, seed=7)
    return painkg.load(folder)


def exhaustive_best(table: DiagnosticTable, target: str, first=None) -> dict[str, float]:
    """The strongest admissible simple path into *target* from every node, by brute force."""
    nodes = table.graph.nodes
    found: dict[str, float] = {}

    def walk(node: str, prob: float, seen: frozenset, left: int) -> None:
        if left == 0 or (node != target and nodes[node]["kind"] not in _INTERMEDIATE):
            return  # findings and mechanisms end a path: they are never causes of something else
        for cause, link in table._causes.get(node, ()):
            if cause in seen or (node == target and first is not None and link.relation is not first):
                continue
            if node != target and node in table.syndromes and link.relation is not Relation.SUBTYPE_OF:
                continue
            p = prob * link.probability
            if p >= MIN_PATH:  # the model's cut-off; not a search shortcut
                found[cause] = max(found.get(cause, 0.0), p)
            walk(cause, p, seen | {cause}, left - 1)

    walk(target, 1.0, frozenset({target}), MAX_DEPTH)
    return found


@pytest.mark.parametrize("target", ["symptom-90", "symptom-91", "symptom-100", "finding-170", "symptom-150",
                                    "activity-530"])
def test_search_equals_the_exhaustive_reference(synthetic, target):
    table = DiagnosticTable(synthetic.graph)
    first = Relation.AGGRAVATED_BY if synthetic.graph.nodes[target]["kind"] is Kind.ACTIVITY else None
    best = table._best_paths(target, first)
    expected = exhaustive_best(table, target, first)
    assert set(best) == set(expected)
    for node, (p, links) in best.items():
        assert p == pytest.approx(expected[node], rel=1e-12)
        assert links[-1].target == target or links[-1].source == target


def test_hubs_stay_bounded(synthetic):
    table = DiagnosticTable(synthetic.graph)
    hub = max(table._causes, key=lambda n: len(table._causes[n]))
    assert len(table._causes[hub]) >= 200
    best = table._best_paths(hub, None)
    assert all(MIN_PATH <= p <= 1.0 and len(links) <= MAX_DEPTH for p, links in best.values())
