"""Build pydot graphs in painkg's visual language (see :mod:`painkg.styles`).

Imported only by :mod:`painkg.diagram` and :mod:`painkg.trace_diagram`, which
are themselves imported on first use, so ``import painkg`` never loads pydot.

Two kinds of label are produced here, each escaped for what it is:

* plain labels go through :func:`quote` — escaped and double-quoted *before*
  pydot sees them.  pydot leaves a quoted string alone; left to itself it would
  not escape a backslash, and it leaves ``a:b`` bare, which Graphviz reads as a
  node port;
* HTML-like labels (the legend's line table, a trace's title) go through
  :func:`html_text`, which escapes ``& < > "``.

Node ids are always generated (``n0``, ``n1``, …); KB ids never reach DOT.
"""

from __future__ import annotations

import html
import textwrap
from collections.abc import Iterable
from typing import TYPE_CHECKING

from .styles import (
    AREA_STYLES,
    FONT,
    GRADE_WIDTH,
    KIND_STYLES,
    LINE_MEANING,
    RED,
    RELATION_STYLES,
    KindStyle,
    layout,
)
from ..kb.vocab import Area, Grade, Kind, Relation

if TYPE_CHECKING:
    import networkx as nx
    import pydot

# The `# type: ignore[arg-type]` on pydot calls in painkg.draw are gaps in pydot's annotations:
# Node(name, obj_dict=None, **attrs) lets a `**dict[str, str]` of DOT attributes bind to obj_dict, and
# Graph.add_subgraph is annotated for a Subgraph though a Cluster (not a Subgraph subclass) is added alike.

__all__ = ["quote", "html_text", "new_dot", "node_attrs", "edge_attrs", "kg_dot", "region_cluster", "legend"]

#: Above this many edges, edge labels are left out (the legend still names each line).
EDGE_LABEL_LIMIT = 120
#: Characters per label line before wrapping.
WRAP = 24
#: How each line style is drawn in the legend's text table (no font needs box-drawing glyphs).
_LINE_SAMPLES = {"solid": "————", "dashed": "- - - -", "dotted": "· · · · ·"}


def quote(*lines: str, width: int = WRAP) -> str:
    """Return *lines* as one DOT double-quoted label that Graphviz draws literally.

    Each line is wrapped at *width* characters; backslashes and quotes are
    escaped, so colons, braces, angle brackets and unicode stay plain text.

    >>> print(quote('ICD10CM:M16.9 "hip" {x} <y> a\\\\b'))
    "ICD10CM:M16.9 \\"hip\\" {x}\\n<y> a\\\\b"
    """
    out = []
    for line in lines:
        words = " ".join(str(line).split())  # a raw newline would end the DOT string
        out += textwrap.wrap(words, width, break_on_hyphens=False) or [""]
    return '"' + r"\n".join(_escape(s) for s in out) + '"'


def _escape(text: str) -> str:
    # Graphviz reads \n, \l, \N … inside labels; a doubled backslash is a backslash.
    return text.replace("\\", "\\\\").replace('"', '\\"')


def html_text(text: str, width: int = 100) -> str:
    """Return *text* escaped for an HTML-like label, wrapped into left-aligned lines.

    >>> html_text("a < b & c")
    'a &lt; b &amp; c'
    """
    lines = textwrap.wrap(" ".join(str(text).split()), width, break_on_hyphens=False) or [""]
    return '<BR ALIGN="LEFT"/>'.join(html.escape(line) for line in lines)


def new_dot(title: str = "", *, rankdir: str = "LR") -> pydot.Dot:
    """Return an empty pydot digraph with painkg's fonts and spacing.

    *title* is a ready label: quoted (:func:`quote`) or HTML-like (``<…>``).
    """
    import pydot

    dot = pydot.Dot("painkg", graph_type="digraph", rankdir=rankdir, fontname=FONT,
                    fontsize="14", nodesep="0.22", ranksep="0.45", pad="0.3", bgcolor="white")
    if title:
        dot.set("label", title)
        dot.set("labelloc", "t")
        dot.set("labeljust", "l")
    dot.set_node_defaults(fontname=FONT, fontsize="11", margin="0.10,0.04")
    dot.set_edge_defaults(fontname=FONT, fontsize="9", arrowsize="0.7")
    return dot


def node_attrs(data: dict, *, focus: bool = False, extra: Iterable[str] = ()) -> dict[str, str]:
    """Return the Graphviz attributes of a KB node: kind style, red flag, focus.

    >>> node_attrs({"kind": "symptom", "label": "groin pain"})["shape"]
    'ellipse'
    """
    lines = [data["label"], *extra]
    attrs = kind_attrs(KIND_STYLES[Kind(data["kind"])])
    if data.get("red_flag"):
        lines.append("RED FLAG")
        attrs.update(color=RED, fontcolor=RED, penwidth="2.4", peripheries="2")
    if focus:
        attrs.update(penwidth="3.5")
    attrs["label"] = quote(*lines)
    return attrs


def kind_attrs(style: KindStyle) -> dict[str, str]:
    """Return the shape and colour attributes of one kind's style."""
    return {"shape": style.shape, "style": style.style, "fillcolor": style.fill, "color": style.line}


def edge_attrs(relation: Relation, data: dict, *, label: bool = True, evidence: bool = False,
               extra: str = "", xlabel: bool = False) -> dict[str, str]:
    """Return the Graphviz attributes of one edge (to be drawn cause → effect)."""
    style = RELATION_STYLES[relation]
    attrs = {"color": style.color, "style": style.line, "arrowhead": style.arrowhead,
             "penwidth": str(GRADE_WIDTH[Grade(data.get("strength", Grade.COMMON))])}
    if style.arrowhead == "none":
        # Only dir=none, not constraint=false: with region clusters the latter
        # crashes Graphviz 2.43's ranking ("trouble in init_rank").
        attrs["dir"] = "none"
    text = [f"{style.label}{extra}"] if label else []
    if evidence and evidence_text(data):
        text.append(evidence_text(data))
    if text:
        attrs.update({"xlabel" if xlabel else "label": quote(*text, width=30), "fontcolor": style.color})
    return attrs


_NUMBERS = (("frequency", "{:.0%} referral"), ("sensitivity", "sens {:.0%}"), ("specificity", "spec {:.0%}"),
            ("lr_positive", "LR+ {:.1f}"), ("lr_negative", "LR− {:.2f}"))


def evidence_text(data: dict) -> str:
    """Return an edge's published numbers and reference keys, e.g. ``55% referral; [lesher2008]``.

    >>> evidence_text({"frequency": 0.55, "references": ("lesher2008",)})
    '55% referral; [lesher2008]'
    """
    parts = [fmt.format(data[key]) for key, fmt in _NUMBERS if data.get(key) is not None]
    refs = list(data.get("references", ()))
    if refs:
        more = f" +{len(refs) - 2}" if len(refs) > 2 else ""
        parts.append("[" + ", ".join(refs[:2]) + more + "]")
    return "; ".join(parts)


#: Ever safer ways to lay a diagram out, tried in turn when Graphviz fails.
#: Edge labels are virtual nodes in dot's ranking, and with clusters they trip
#: known bugs of Graphviz 2.4x ("lost edge", "trouble in init_rank"); external
#: labels (``xlabel``) are placed after layout, and without the region boxes
#: every layout succeeds.
LAYOUTS = ({"xlabels": False, "clusters": True}, {"xlabels": True, "clusters": True},
           {"xlabels": True, "clusters": False})


def kg_dot(graph: nx.MultiDiGraph, centers: Iterable[str] = (), *, evidence: bool = False,
           edge_labels: bool | None = None, xlabels: bool = False, clusters: bool = True) -> pydot.Dot:
    """Return the pydot graph of *graph*: region clusters, styled nodes and edges, legend.

    *xlabels* and *clusters* pick a layout from :data:`LAYOUTS`.
    """
    import pydot

    centers = set(centers)
    ids = {n: f"n{i}" for i, n in enumerate(sorted(graph))}
    dot = new_dot()
    boxes: dict[Area, pydot.Cluster] = {}
    for n in sorted(graph):
        data = graph.nodes[n]
        area = Area(data.get("region", Area.OTHER))
        boxed = clusters and AREA_STYLES[area] is not None
        parent = boxes.setdefault(area, region_cluster(area)) if boxed else dot
        parent.add_node(pydot.Node(ids[n], **node_attrs(data, focus=n in centers)))  # type: ignore[arg-type]
    for area in Area:  # a fixed order keeps the layout stable between runs
        if area in boxes:
            dot.add_subgraph(boxes[area])  # type: ignore[arg-type]
    if edge_labels is None:
        edge_labels = graph.number_of_edges() <= EDGE_LABEL_LIMIT
    for s, t, r, data in sorted(graph.edges(keys=True, data=True), key=lambda e: (e[0], e[1], str(e[2]))):
        relation = Relation(r)
        tail, head, _ = layout(relation, s, t)
        attrs = edge_attrs(relation, data, label=edge_labels, evidence=evidence, xlabel=xlabels)
        dot.add_edge(pydot.Edge(ids[tail], ids[head], **attrs))  # type: ignore[arg-type]
    kinds = {Kind(d["kind"]) for _, d in graph.nodes(data=True)}
    relations = {Relation(r) for _, _, r in graph.edges(keys=True)}
    dot.add_subgraph(legend(kinds, relations, focus=bool(centers), framed=clusters))  # type: ignore[arg-type]
    return dot


def region_cluster(area: Area) -> pydot.Cluster:
    """Return the background box that groups the nodes of one body region."""
    import pydot

    return pydot.Cluster(f"area{list(Area).index(area)}", label=quote(area.label), style="filled,rounded",
                         fillcolor=AREA_STYLES[area], color="#bdbdbd", fontcolor="#525252", fontsize="14",
                         labeljust="l")


def legend(kinds: Iterable[Kind], relations: Iterable[Relation], *, focus: bool = False,
           samples: Iterable[tuple[str, dict[str, str]]] = (), notes: Iterable[str] = (),
           framed: bool = True) -> pydot.Cluster | pydot.Subgraph:
    """Return a legend box: a sample node per kind shown, and a table of the lines.

    *samples* adds ``(text, attributes)`` nodes, e.g. how an observation looks;
    *notes* adds lines under the table; ``framed=False`` leaves out the box.
    """
    import pydot

    box: pydot.Cluster | pydot.Subgraph
    if framed:
        box = pydot.Cluster("legend", label=quote("Legend"), style="rounded", color="#969696", fontsize="13",
                            labeljust="l")
    else:
        box = pydot.Subgraph("legend")
    extra = [(KIND_STYLES[k].legend, kind_attrs(KIND_STYLES[k])) for k in sorted(set(kinds), key=list(Kind).index)]
    extra += list(samples)
    if focus:
        extra.append(("the focus (thick outline)", {**kind_attrs(KIND_STYLES[Kind.CONDITION]), "penwidth": "3.5"}))
    for i, (text, attrs) in enumerate(extra):
        box.add_node(pydot.Node(f"lg{i}", fontsize="10", **{**attrs, "label": quote(text)}))  # type: ignore[arg-type]
    table = _line_table(sorted(set(relations), key=list(Relation).index), notes)
    box.add_node(pydot.Node("lglines", shape="plaintext", fontsize="10", label=table))
    return box


def _line_table(relations: list[Relation], notes: Iterable[str]) -> str:
    """An HTML-like table: each relation's line, grouped by what its line style means."""
    rows = ['<TR><TD ALIGN="LEFT" COLSPAN="2"><B>Arrows point from cause to effect</B></TD></TR>']
    for line, meaning in LINE_MEANING.items():
        shown = [r for r in relations if RELATION_STYLES[r].line == line]
        if not shown:
            continue
        rows.append(f'<TR><TD ALIGN="LEFT" COLSPAN="2"><I>{html_text(f"{line}: {meaning}", 60)}</I></TD></TR>')
        for r in shown:
            style = RELATION_STYLES[r]
            arrow = "" if style.arrowhead == "none" else "▶"
            rows.append(f'<TR><TD ALIGN="LEFT"><FONT COLOR="{style.color}"><B>{_LINE_SAMPLES[line]}{arrow}</B>'
                        f'</FONT></TD><TD ALIGN="LEFT"><FONT COLOR="{style.color}">{html_text(style.label)}'
                        f'</FONT></TD></TR>')
    for note in ["thicker line: stronger link", *notes]:
        rows.append(f'<TR><TD ALIGN="LEFT" COLSPAN="2">{html_text(note, 60)}</TD></TR>')
    return '<<TABLE BORDER="0" CELLSPACING="0" CELLPADDING="2">' + "".join(rows) + "</TABLE>>"
