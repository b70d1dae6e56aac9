"""Diagrams: formats through the real Graphviz `dot`, the visual language, safety, filters, traces."""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import painkg
from painkg import cli
from painkg.draw.diagram import Diagram, output_format, render, render_trace, select, to_dot
from painkg.draw.dotgraph import LAYOUTS, kg_dot
from painkg.draw.styles import FORMATS, KIND_STYLES, RELATION_STYLES, layout, missing_styles
from painkg.draw.trace_diagram import trace_dot
from painkg.kb.vocab import Cause, Kind, Relation

SIGNATURES = {"png": b"\x89PNG\r\n\x1a\n", "pdf": b"%PDF", "svg": b"<svg"}
HOSTILE = {
    "hip-oa": 'ICD10CM:M16.9 hip "OA"',
    "groin-pain": "pain {groin} <b>x</b>",
    "hip-joint": "back\\slash\\ & a:b",
    "low-back-pain": "Lendenschmerz ü — ≥ 5 ☂",
    "l5-root": "L5\\n root \\N",  # Graphviz escapes must stay text
}


def main(argv: list[str]) -> int:
    """Run the CLI in-process; argparse's usage errors exit through SystemExit."""
    try:
        return cli.main(argv)
    except SystemExit as exc:
        return int(exc.code)


def svg_texts(path: Path) -> list[str]:
    """Every text line the SVG draws, in document order."""
    root = ET.parse(path).getroot()
    return [el.text or "" for el in root.iter("{http://www.w3.org/2000/svg}text")]


def svg_titles(path: Path) -> list[str]:
    root = ET.parse(path).getroot()
    return [el.text or "" for el in root.iter("{http://www.w3.org/2000/svg}title")]


# ---------------------------------------------------------------- the visual language


def test_every_vocabulary_member_has_a_style() -> None:
    assert missing_styles() == []
    assert set(KIND_STYLES) == set(Kind) and set(RELATION_STYLES) == set(Relation)


def test_kinds_differ_in_shape_and_colour() -> None:
    styles = list(KIND_STYLES.values())
    assert len({s.shape for s in styles}) == len(styles)
    assert len({s.fill for s in styles if s.style != "solid"}) == len([s for s in styles if s.style != "solid"])


@pytest.mark.parametrize("relation", [r for r in Relation if r.cause is Cause.OBJECT], ids=str)
def test_object_cause_relations_are_drawn_from_cause_to_effect(relation: Relation) -> None:
    tail, head, label = layout(relation, "subject", "object")
    assert (tail, head) == ("object", "subject")
    assert label != relation.phrase  # the phrase is re-worded to read along the arrow


def test_compensation_arrow_points_from_the_stiff_hip_to_the_back(mini) -> None:
    text = to_dot(mini, focus="lumbar-overload", depth=1, relations=["compensates-for"])
    ids = {label: line.split()[0] for line in text.splitlines() for label in
           ("limited hip internal", "lumbar compensatory") if f'label="{label}' in line}
    assert f"{ids['limited hip internal']} -> {ids['lumbar compensatory']}" in text
    assert "is compensated by" in text


# ---------------------------------------------------------------- formats through dot


@pytest.mark.parametrize("fmt", ["png", "svg", "pdf"])
def test_image_formats_are_real_files(mini, tmp_path, dot_program, fmt) -> None:
    out = tmp_path / f"mini.{fmt}"
    diagram = render(mini, out)
    assert diagram == Diagram(out, fmt, 16, 15)
    head = out.read_bytes()[:400]
    assert SIGNATURES[fmt] in head if fmt == "svg" else head.startswith(SIGNATURES[fmt])


def test_svg_shows_labels_regions_legend_and_red_flags(mini, tmp_path, dot_program) -> None:
    out = tmp_path / "mini.svg"
    render(mini, out)
    texts = svg_texts(out)
    for label in ("hip osteoarthritis", "groin pain", "L5 nerve root", "physical therapy", "Legend",
                  "hip", "lumbar spine", "nerve", "refers pain to", "is compensated by", "RED FLAG"):
        assert label in texts, label
    assert "other" not in texts  # treatments and activities stay outside any region box
    red = ET.parse(out).getroot().iter("{http://www.w3.org/2000/svg}text")
    assert {el.text for el in red if el.get("fill") == "#c00000"} >= {"cauda equina syndrome", "RED FLAG"}


def test_dot_output_is_text_that_dot_accepts(mini, tmp_path, dot_program) -> None:
    out = tmp_path / "mini.dot"
    assert render(mini, out).format == "dot"
    text = out.read_text(encoding="utf-8")
    assert text.startswith("digraph painkg {") and text == to_dot(mini)
    done = subprocess.run([dot_program, "-Tsvg"], input=text.encode(), capture_output=True, check=False)
    assert done.returncode == 0 and done.stderr == b""


@pytest.mark.parametrize("name", ["x.jpg", "x", "x.svg.gz"])
def test_unknown_suffix_names_the_allowed_ones(mini, tmp_path, name) -> None:
    with pytest.raises(painkg.RenderError, match=r"allowed: \.png, \.svg, \.pdf, \.dot"):
        render(mini, tmp_path / name)
    assert not (tmp_path / name).exists()


def test_format_overrides_the_suffix(mini, tmp_path, dot_program) -> None:
    out = tmp_path / "diagram.out"
    assert render(mini, out, format="SVG").format == "svg"
    assert b"<svg" in out.read_bytes()[:400]
    assert output_format("A.PNG") == "png" and FORMATS == ("png", "svg", "pdf", "dot")


# ---------------------------------------------------------------- safety


@pytest.fixture
def hostile(mini_copy: Path) -> painkg.KnowledgeGraph:
    """The mini KB with labels full of DOT, HTML and escape syntax."""
    for table in mini_copy.glob("nodes-*.tsv"):
        rows = [line.split("\t") for line in table.read_text(encoding="utf-8").splitlines()]
        for row in rows[1:]:
            row[1] = HOSTILE.get(row[0], row[1])
        table.write_text("\n".join("\t".join(r) for r in rows) + "\n", encoding="utf-8")
    return painkg.load(mini_copy)


def test_hostile_labels_render_as_text(hostile, tmp_path, dot_program) -> None:
    text = to_dot(hostile)
    done = subprocess.run([dot_program, "-Tsvg"], input=text.encode(), capture_output=True, check=False)
    assert done.returncode == 0 and b"Warning" not in done.stderr, done.stderr
    out = tmp_path / "hostile.svg"
    render(hostile, out)
    drawn = " ".join(svg_texts(out))
    for label in HOSTILE.values():
        assert label in drawn, label


def test_dot_node_ids_are_generated(hostile) -> None:
    text = to_dot(hostile, focus="hip-oa", depth=2)
    assert "hip-oa" not in text and "n0 [" in text


def test_hostile_focus_by_term(hostile, tmp_path, dot_program) -> None:
    out = tmp_path / "focus.svg"
    render(hostile, out, focus="coxarthrosis", depth=1)
    assert 'ICD10CM:M16.9 hip "OA"' in svg_texts(out)


# ---------------------------------------------------------------- without Graphviz


@pytest.fixture
def no_graphviz(tmp_path, monkeypatch) -> None:
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))


def test_without_graphviz_dot_output_still_works(mini, tmp_path, no_graphviz) -> None:
    assert render(mini, tmp_path / "x.dot").nodes == 16


@pytest.mark.parametrize("fmt", ["png", "svg", "pdf"])
def test_without_graphviz_images_name_the_program_and_the_fix(mini, tmp_path, no_graphviz, fmt) -> None:
    with pytest.raises(painkg.RenderError, match=r"`dot`.*apt-get install graphviz.*brew install graphviz"):
        render(mini, tmp_path / f"x.{fmt}")
    assert not (tmp_path / f"x.{fmt}").exists()


def test_without_graphviz_the_cli_exits_2_with_one_line(tmp_path, no_graphviz, capsys) -> None:
    status = main(["render", str(tmp_path / "x.png"), "--kb", str(Path(__file__).parent / "data/mini")])
    err = capsys.readouterr().err
    assert status == 2 and err.count("\n") == 1 and "apt-get install graphviz" in err


def test_without_graphviz_trace_diagram_fails_cleanly(tmp_path, no_graphviz, capsys) -> None:
    status = main(["trace", "groin pain", "--kb", str(Path(__file__).parent / "data/mini"),
                       "--diagram", str(tmp_path / "why.svg")])
    assert status == 2 and "graphviz" in capsys.readouterr().err


# ---------------------------------------------------------------- choosing what to draw


def test_focus_by_term_and_depth(mini) -> None:
    graph, centers = select(mini, focus="coxarthrosis", depth=1)
    assert centers == ("hip-oa",)
    assert set(graph) == {"hip-oa", "hip-joint", "limited-ir", "physio"}
    deeper, _ = select(mini, focus="hip OA", depth=2)
    assert {"groin-pain", "lumbar-overload"} <= set(deeper) and "groin" not in deeper


def test_several_focus_terms(mini) -> None:
    graph, centers = select(mini, focus=["hip osteoarthritis", "L5 nerve root"], depth=0)
    assert centers == ("hip-oa", "l5-root") and set(graph) == set(centers)


def test_relation_filter_follows_only_those_relations(mini) -> None:
    graph, _ = select(mini, relations=["refers-to", Relation.LOCATED_IN])
    assert set(graph) == {"hip-joint", "groin-pain", "groin", "l5-root", "low-back-pain"}
    assert {r for _, _, r in graph.edges(keys=True)} == {Relation.REFERS_TO, Relation.LOCATED_IN}
    focused, _ = select(mini, focus="hip-oa", depth=3, relations=["affects", "refers-to"])
    assert set(focused) == {"hip-oa", "hip-joint", "groin-pain"}


def test_kind_filter_keeps_the_focus(mini) -> None:
    graph, _ = select(mini, focus="hip-joint", depth=2, kinds=["symptom", "region"])
    assert set(graph) == {"hip-joint", "groin-pain", "groin"}
    only, _ = select(mini, kinds=[Kind.CONDITION])
    assert {mini.graph.nodes[n]["kind"] for n in only} == {Kind.CONDITION}


@pytest.mark.parametrize("options, message", [
    ({"relations": ["refers"]}, "unknown relation .*allowed: refers-to"),
    ({"kinds": ["organ"]}, "unknown kind .*allowed: condition"),
    ({"depth": -1}, "depth -1"),
], ids=["relation", "kind", "depth"])
def test_bad_filters_say_what_is_allowed(mini, options, message) -> None:
    with pytest.raises(painkg.RenderError, match=message):
        select(mini, **options)


def test_unknown_focus_suggests_terms(mini, tmp_path) -> None:
    with pytest.raises(painkg.UnknownTermError, match="closest"):
        render(mini, tmp_path / "x.dot", focus="xylophone quartz")


def test_evidence_puts_numbers_and_references_on_edges(mini) -> None:
    plain = to_dot(mini, focus="hip-joint", depth=1)
    shown = to_dot(mini, focus="hip-joint", depth=1, evidence=True)
    assert "lesher2008" not in plain
    assert "55% referral; [lesher2008]" in shown


def test_big_unfocused_diagram_hints_at_a_focus(mini, monkeypatch, tmp_path) -> None:
    assert render(mini, tmp_path / "a.dot").hint == ""
    monkeypatch.setattr("painkg.draw.diagram.FOCUS_HINT_NODES", 10)
    diagram = render(mini, tmp_path / "b.dot")
    assert "focus" in diagram.hint and "16 nodes" in diagram.hint and "note:" in str(diagram)
    assert render(mini, tmp_path / "c.dot", focus="hip-oa", depth=1).hint == ""
    assert "depth" in render(mini, tmp_path / "d.dot", focus="hip-oa", depth=9).hint


def test_edge_labels_can_be_left_to_the_legend(mini) -> None:
    text = to_dot(mini, edge_labels=False)
    edges = [line for line in text.splitlines() if " -> n" in line]
    assert edges and not any("label=" in line for line in edges)


# ---------------------------------------------------------------- trace diagrams


@pytest.fixture
def result(mini):
    return mini.trace(["groin pain", "low back pain", "limited hip internal rotation", "saddle anaesthesia"],
                      absent=["straight leg raise"])


def test_trace_diagram_shows_observations_candidates_scores_and_paths(mini, result, tmp_path, dot_program) -> None:
    out = tmp_path / "why.svg"
    diagram = render_trace(result, out)
    texts = svg_texts(out)
    first = result.candidates[0]
    assert f"#1 {first.node.label}" in texts
    assert f"{first.region.label} · {first.score:.0%}" in texts
    for o in ("groin pain", "low back pain", "saddle anaesthesia"):
        assert o in texts
    assert "refers pain to · 55%" in texts
    assert any("reported absent: straight leg raise test" in t for t in texts)
    # one edge per distinct step of the top candidates' justifications (v2: one path per observation)
    steps = {(s.source, s.relation, s.target) for c in result.candidates[:3] for e in c.explanations
             for p in e.paths for s in p.steps}
    assert diagram.edges == len(steps) == 6


def test_trace_diagram_highlights_red_flags(mini, result, tmp_path, dot_program) -> None:
    out = tmp_path / "why.svg"
    render_trace(result, out, top=1)
    root = ET.parse(out).getroot()
    red = {el.text for el in root.iter("{http://www.w3.org/2000/svg}text") if el.get("fill") == "#c00000"}
    assert any("cauda equina syndrome" in t for t in red)  # drawn though ranked below top=1
    assert any(t.startswith("RED FLAG: saddle anaesthesia") for t in red)
    assert "RED FLAG" in red


def test_trace_top_limits_candidates(mini, result) -> None:
    text = to_dot(result, top=1)
    assert "#1 " in text and "#3 " not in text


def test_trace_path_nodes_take_their_kind_style(mini, result) -> None:
    from painkg.draw.styles import KIND_STYLES

    text = to_dot(result)
    structure = KIND_STYLES[painkg.Kind.STRUCTURE]
    # the hip joint sits on the hip osteoarthritis -> groin pain path, in between candidate and observation
    assert any("hip joint" in line and structure.fill in line for line in text.splitlines())


@pytest.mark.parametrize("fmt", ["png", "pdf"])
def test_trace_diagram_formats(result, tmp_path, dot_program, fmt) -> None:
    out = tmp_path / f"why.{fmt}"
    render_trace(result, out)
    assert out.read_bytes().startswith(SIGNATURES[fmt])


def test_cli_trace_diagram(tmp_path, dot_program, capsys) -> None:
    out = tmp_path / "why.svg"
    status = main(["trace", "groin pain", "low back pain", "--kb", str(Path(__file__).parent / "data/mini"),
                       "--diagram", str(out)])
    assert status == 0 and "hip osteoarthritis" in " ".join(svg_texts(out))


# ---------------------------------------------------------------- CLI and laziness


def test_cli_render_with_filters(tmp_path, dot_program, capsys) -> None:
    out = tmp_path / "hip.svg"
    status = main(["render", str(out), "--kb", str(Path(__file__).parent / "data/mini"), "--focus", "hip OA",
                       "--depth", "1", "--relations", "presents-with", "affects", "--evidence"])
    assert status == 0
    assert capsys.readouterr().out.startswith(f"wrote {out} (3 nodes, 2 edges)")
    assert {"hip osteoarthritis", "hip joint", "[seed]"} <= set(svg_texts(out))


@pytest.mark.parametrize("argv", [["render", "x.gif"], ["render", "x.png", "--relations", "refers"],
                                  ["render", "x.png", "--kinds", "organ"], ["render", "x.png", "--depth", "-1"]],
                         ids=["suffix", "relation", "kind", "depth"])
def test_cli_render_bad_input_exits_2(argv, tmp_path, capsys) -> None:
    status = main([*argv, "--kb", str(Path(__file__).parent / "data/mini")])
    assert status == 2 and capsys.readouterr().err.count("\n") == 1


def test_importing_painkg_does_not_load_pydot() -> None:
    code = ("import sys, painkg, painkg.cli; painkg.load(sys.argv[1]).trace(['groin pain']); "
            "assert 'pydot' not in sys.modules and 'painkg.draw.diagram' not in sys.modules")
    subprocess.run([sys.executable, "-c", code, str(Path(__file__).parent / "data/mini")], check=True)


# ---------------------------------------------------------------- fallbacks and the bundled KB


@pytest.mark.parametrize("look", LAYOUTS, ids=["labels", "xlabels", "no-regions"])
def test_every_fallback_layout_is_valid_for_dot(mini, result, look, dot_program) -> None:
    for dot in (kg_dot(mini.graph, ["hip-oa"], **look), trace_dot(result, **look)[0]):
        done = subprocess.run([dot_program, "-Tsvg"], input=dot.to_string().encode(), capture_output=True)
        assert done.returncode == 0, done.stderr
    assert ("cluster_area" in kg_dot(mini.graph, **look).to_string()) is look["clusters"]


def test_the_whole_bundled_kb_renders_and_suggests_a_focus(kg, tmp_path, dot_program) -> None:
    diagram = render(kg, tmp_path / "all.svg", max_nodes=None)
    assert diagram.nodes == kg.graph.number_of_nodes() and "focus" in diagram.hint
    capped = render(kg, tmp_path / "capped.svg")  # by default the most connected nodes, and a focus suggested
    assert capped.nodes == 40 and "left out" in capped.hint and "focus" in capped.hint
    assert b"<svg" in (tmp_path / "all.svg").read_bytes()[:400]


@pytest.mark.parametrize("focus", ["hip osteoarthritis", "lumbar spinal stenosis", "sacroiliac joint dysfunction",
                                   "piriformis syndrome"])
def test_bundled_focus_diagrams_render(kg, tmp_path, dot_program, focus) -> None:
    out = tmp_path / "focus.svg"
    render(kg, out, focus=focus, depth=2, evidence=True)
    assert kg.resolve(focus).label in " ".join(svg_texts(out))


def test_bundled_trace_diagram(kg, tmp_path, dot_program) -> None:
    result = kg.trace(["groin pain", "limited hip internal rotation", "low back pain"], absent=["numbness"])
    out = tmp_path / "why.png"
    render_trace(result, out)
    assert out.read_bytes().startswith(SIGNATURES["png"])


def test_a_networkx_graph_or_view_can_be_drawn(mini) -> None:
    graph, _ = select(mini.graph, focus="hip-oa", depth=1)
    assert set(graph) == {"hip-oa", "hip-joint", "limited-ir", "physio"}
    crossing = mini.graph.edge_subgraph([("lumbar-overload", "limited-ir", Relation.COMPENSATES_FOR)])
    assert "is compensated by" in to_dot(crossing)
    with pytest.raises(painkg.UnknownTermError):
        select(mini.graph, focus="hip OA")  # a bare graph knows ids only


def test_default_render_is_capped_and_says_what_it_left_out(kg, tmp_path):
    # newcomer review: a depth-2 focus on hip OA drew 267 nodes into a 2,244 x 14,907 px PNG.
    capped = painkg.render(kg, tmp_path / "hip.dot", focus="hip osteoarthritis", depth=2)
    everything = painkg.render(kg, tmp_path / "all.dot", focus="hip osteoarthritis", depth=2, max_nodes=None)
    assert capped.nodes == 40 < everything.nodes
    assert f"{everything.nodes - 40} more nodes left out" in capped.hint
    text = (tmp_path / "hip.dot").read_text(encoding="utf-8")
    assert "hip osteoarthritis" in text  # the focus is always kept
    with pytest.raises(painkg.RenderError, match="max_nodes"):
        painkg.render(kg, tmp_path / "x.dot", focus="hip osteoarthritis", max_nodes=0)
