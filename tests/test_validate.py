"""The loader rejects bad tables with every problem listed as file:line, and never half-loads."""

from __future__ import annotations

from pathlib import Path

import pytest

import painkg
from painkg.kb.vocab import EDGE_COLUMNS, NODE_COLUMNS


def _append(path: Path, *cells: str) -> None:
    with path.open("a", encoding="utf-8") as f:
        f.write("\t".join(cells) + "\n")


def _node(node_id: str, label: str = "x", codes: str = "", region: str = "hip", prior: str = "", refs: str = ""):
    cells = dict.fromkeys(NODE_COLUMNS, "")
    cells.update(id=node_id, label=label, codes=codes, region=region, prior=prior, references=refs)
    return tuple(cells[c] for c in NODE_COLUMNS)


def _edge(source: str, relation: str, target: str, strength: str = "common", refs: str = "seed", **numbers):
    cells = dict.fromkeys(EDGE_COLUMNS, "")
    cells.update(source=source, relation=relation, target=target, strength=strength, references=refs, **numbers)
    return tuple(cells[c] for c in EDGE_COLUMNS)


def test_mini_kb_is_valid(mini):
    assert mini.graph.number_of_nodes() == 16
    assert mini.graph.number_of_edges() == 15


def test_every_problem_is_listed_with_file_and_line(mini_copy: Path):
    conditions = mini_copy / "nodes-condition.tsv"
    clinical = mini_copy / "edges-clinical.tsv"
    _append(conditions, *_node("hip-oa"))  # duplicate id
    _append(conditions, *_node("Bad_Id"))  # bad id pattern
    _append(conditions, *_node("coded", codes="ICD10CM:hip"))  # malformed code
    _append(conditions, *_node("no-label", label=""))  # empty required cell
    _append(conditions, *_node("weird-region", region="elbow"))  # unknown region
    _append(conditions, "too", "few", "cells")  # wrong column count
    _append(conditions, *_node("numeric-prior", prior="0.4"))  # number without literature
    (mini_copy / "nodes-organ.tsv").write_text("\t".join(NODE_COLUMNS) + "\n", encoding="utf-8")  # unknown kind
    _append(clinical, *_edge("hip-oa", "causes", "groin-pain"))  # unknown relation
    _append(clinical, *_edge("groin-pain", "treated-by", "physio"))  # outside the domain
    _append(clinical, *_edge("hip-oa", "presents-with", "no-such-node"))  # dangling id
    _append(clinical, *_edge("hip-oa", "presents-with", "groin-pain", refs="smith1999"))  # unknown reference
    _append(clinical, *_edge("hip-oa", "presents-with", "low-back-pain", refs=""))  # no evidence
    _append(clinical, *_edge("hip-oa", "affects", "hip-joint"))  # duplicate edge
    _append(clinical, *_edge("hip-oa", "presents-with", "slr", strength="often"))  # unknown grade
    _append(clinical, *_edge("cauda-equina", "presents-with", "slr", sensitivity="1.5", refs="long2020"))
    _append(clinical, *_edge("disc-herniation", "presents-with", "groin-pain", frequency="0.3"))  # number, no literature
    # MODEL.md section 8: a specificity against healthy controls is not a likelihood for our patients.
    _append(clinical, *_edge("hip-oa", "diagnosed-by", "slr", specificity="0.97", population="healthy-controls",
                             refs="long2020"))
    _append(clinical, *_edge("hip-oa", "presents-with", "slr", population="toddlers"))  # unknown population

    with pytest.raises(painkg.KBError) as info:
        painkg.load(mini_copy)
    problems = info.value.problems
    text = "\n".join(problems)
    expected = [
        ("nodes-condition.tsv:6:", "duplicate id 'hip-oa' (first defined at kb/nodes-condition.tsv:2)"),
        ("nodes-condition.tsv:7:", "bad id 'Bad_Id'"),
        ("nodes-condition.tsv:8:", "malformed code 'ICD10CM:hip'"),
        ("nodes-condition.tsv:9:", "empty label"),
        ("nodes-condition.tsv:10:", "unknown region 'elbow' (allowed: hip, lumbar-spine"),
        ("nodes-condition.tsv:11:", "3 cells, expected 10"),
        ("nodes-condition.tsv:12:", "prior 0.4 needs a literature reference"),
        ("nodes-organ.tsv:", "unknown node kind 'organ' (allowed: condition, mechanism, symptom"),
        ("edges-clinical.tsv:12:", "unknown relation 'causes' (allowed: refers-to"),
        ("edges-clinical.tsv:13:", "'groin-pain' is a symptom; treated-by starts at condition"),
        ("edges-clinical.tsv:14:", "unknown target 'no-such-node'"),
        ("edges-clinical.tsv:15:", "unknown reference key 'smith1999'"),
        ("edges-clinical.tsv:16:", "empty references"),
        ("edges-clinical.tsv:17:", "duplicate edge hip-oa affects hip-joint"),
        ("edges-clinical.tsv:18:", "unknown strength 'often' (allowed: typical, common, occasional, rare)"),
        ("edges-clinical.tsv:19:", "bad sensitivity '1.5'"),
        ("edges-clinical.tsv:20:", "frequency need a literature reference"),
        ("edges-clinical.tsv:21:", "specificity measured in healthy-controls is not a likelihood"),
        ("edges-clinical.tsv:22:", "unknown population 'toddlers' (allowed: healthy-controls"),
    ]
    for where, what in expected:
        assert any(where in p and what in p for p in problems), f"missing {where} {what}\n{text}"
    assert len(problems) == len(expected)
    assert str(info.value).startswith(f"{len(expected)} problems in the knowledge base:")


def test_bad_header_and_missing_folder(tmp_path: Path):
    (tmp_path / "nodes-condition.tsv").write_text("id\tname\n", encoding="utf-8")
    with pytest.raises(painkg.KBError, match=r"nodes-condition.tsv:1: header must be id \| label"):
        painkg.load(tmp_path)
    with pytest.raises(painkg.KBError, match="not a folder"):
        painkg.load(tmp_path / "nope")


def test_error_is_also_a_value_error(tmp_path: Path):
    with pytest.raises(ValueError):
        painkg.load(tmp_path)


def test_merge_adds_a_user_folder_to_the_bundled_kb(tmp_path: Path, kg):
    (tmp_path / "nodes-condition.tsv").write_text(
        "\t".join(NODE_COLUMNS) + "\n" + "\t".join(_node("my-new-condition", "my new condition")) + "\n",
        encoding="utf-8")
    target = next(n for n, d in kg.graph.nodes(data=True) if d["kind"] == "symptom")
    (tmp_path / "edges-mine.tsv").write_text(
        "\t".join(EDGE_COLUMNS) + "\n" + "\t".join(_edge("my-new-condition", "presents-with", target, refs="mykey"))
        + "\n", encoding="utf-8")
    (tmp_path / "references.tsv").write_text("key\tcitation\tpmid\tdoi\tstatus\nmykey\tMy note\t\t\tlocal\n",
                                             encoding="utf-8")
    merged = painkg.load(tmp_path, merge=True)
    assert merged.graph.number_of_nodes() == kg.graph.number_of_nodes() + 1
    assert merged.graph.has_edge("my-new-condition", target, "presents-with")
    assert kg.graph.number_of_edges() + 1 == merged.graph.number_of_edges()
    # On its own, the folder's edge points at a node it does not define.
    with pytest.raises(painkg.KBError, match=f"unknown target '{target}'"):
        painkg.load(tmp_path)


def test_merge_rejects_a_reused_id(tmp_path: Path, kg):
    existing = next(iter(kg.graph))
    (tmp_path / "nodes-condition.tsv").write_text(
        "\t".join(NODE_COLUMNS) + "\n" + "\t".join(_node(existing)) + "\n", encoding="utf-8")
    with pytest.raises(painkg.KBError, match=f"duplicate id '{existing}'"):
        painkg.load(tmp_path, merge=True)
