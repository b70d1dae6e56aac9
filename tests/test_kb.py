"""KnowledgeGraph: the graph layout, node records, edge queries, subgraphs, stats."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest

import painkg
from painkg.kb.graph import _build_graph
from painkg.kb.validate import Checked
from painkg.kb.vocab import Grade, Kind, Relation


def test_fast_build_equals_the_public_networkx_api(mini):
    checked = Checked(
        nodes={n: dict(d) for n, d in mini.graph.nodes(data=True)},
        edges={(s, t, r): dict(d) for s, t, r, d in mini.graph.edges(keys=True, data=True)},
    )
    reference = nx.MultiDiGraph()
    reference.add_nodes_from(checked.nodes.items())
    reference.add_edges_from((s, t, r, d) for (s, t, r), d in checked.edges.items())
    fast = _build_graph(checked.nodes, checked.edges)
    assert nx.utils.graphs_equal(fast, reference)
    assert fast.in_degree("low-back-pain") == reference.in_degree("low-back-pain") == 4
    assert fast._succ["hip-oa"]["hip-joint"] is fast._pred["hip-joint"]["hip-oa"]


def test_edge_keys_are_relations_and_match_plain_strings(mini):
    assert mini.graph.has_edge("hip-oa", "hip-joint", "affects")
    key = next(iter(mini.graph.succ["hip-oa"]["hip-joint"]))
    assert key is Relation.AFFECTS and key == "affects"
    data = mini.graph.edges["hip-joint", "groin-pain", "refers-to"]
    assert data["frequency"] == 0.55 and data["references"] == ("lesher2008",) and data["strength"] is Grade.COMMON


def test_graph_is_read_only(mini):
    with pytest.raises(nx.NetworkXError):
        mini.graph.add_node("x")


def test_node_record(mini):
    node = mini.node("hip-oa")
    assert node == painkg.Node("hip-oa", Kind.CONDITION, "hip osteoarthritis", ("coxarthrosis", "hip OA"),
                               ("ICD10CM:M16.9",), painkg.Area.HIP, "Degeneration of the hip joint.", False,
                               None, Grade.COMMON, ())
    assert str(node) == "hip osteoarthritis [condition: hip-oa]"
    with pytest.raises(AttributeError):
        node.label = "x"  # frozen


def test_edge_queries(mini):
    assert [str(e) for e in mini.edges("disc-herniation", "diagnosed-by")] == [
        "disc-herniation —is diagnosed by→ slr"]
    edge = mini.edges(target="slr")[0]
    assert (edge.sensitivity, edge.specificity, edge.references) == (0.92, 0.28, ("vanderwindt2010",))
    assert {e.source for e in mini.edges(target="low-back-pain")} == {"lumbar-overload", "disc-herniation",
                                                                     "cauda-equina", "l5-root"}
    assert mini.edges(relation=Relation.TREATED_BY, target="opioids")[0].qualifier.value == "not-recommended"


def test_subgraph_by_depth(mini):
    one = mini.subgraph("coxarthrosis", depth=1)
    assert set(one) == {"hip-oa", "hip-joint", "limited-ir", "physio"}
    two = mini.subgraph(["hip-oa"], depth=2)
    assert {"groin-pain", "lumbar-overload"} <= set(two)


def test_stats_count_evidence(mini):
    s = mini.stats()
    assert s["nodes"] == 16 and s["edges"] == 15
    assert s["kinds"]["condition"] == 4
    assert s["relations"]["presents-with"] == 5
    assert s["edges_with_numbers"] == 2  # the referral frequency and the SLR accuracy
    assert s["edges_with_evidence"] == 15 and s["red_flags"] == 2


def test_bundled_kb_meets_its_size_targets(kg):
    s = kg.stats()
    assert s["nodes"] >= 200 and s["edges"] >= 500
    assert s["edges_with_evidence"] == s["edges"]


def test_every_edge_obeys_its_relation(kg):
    for s, t, r, _ in kg.graph.edges(keys=True, data=True):
        relation = Relation(r)
        assert kg.graph.nodes[s]["kind"] in relation.domain, (s, r, t)
        assert kg.graph.nodes[t]["kind"] in relation.range, (s, r, t)


def test_collector_is_restored_after_load_and_trace(mini):
    import gc

    assert gc.isenabled()
    mini.trace(["low back pain"])
    painkg.load(Path(__file__).parent / "data" / "mini")
    assert gc.isenabled()
    gc.disable()
    try:
        mini.trace(["groin pain"])
        assert not gc.isenabled()  # a caller's choice is kept
    finally:
        gc.enable()


def test_a_big_graph_is_settled_out_of_the_collectors_reach(monkeypatch):
    import gc

    from painkg.kb import memory

    before = gc.get_freeze_count()
    painkg.load(cache=False)  # the bundled KB is small: never frozen
    assert gc.get_freeze_count() == before
    monkeypatch.setattr(memory, "SETTLE_OBJECTS", 10)
    try:
        kg = painkg.load(Path(__file__).parent / "data" / "mini", cache=False)
        assert gc.get_freeze_count() > before
        assert kg.trace(["groin pain"]).candidates  # frozen objects work as before
    finally:
        gc.unfreeze()
