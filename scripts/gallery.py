#!/usr/bin/env python3
"""Draw the diagram gallery shown in the README and docs/DIAGRAMS.md.

Three pictures, each as PNG (for the README) and SVG (sharp at any zoom):

* ``hip-spine-overview`` — how hip problems reach the back and the reverse:
  the compensation, leads-to, co-occurrence and look-alike links between
  conditions that cross from one body region to another;
* ``focus-hip-osteoarthritis`` — one condition two hops out over what it
  affects, where that refers pain, and what compensates for it, with the
  referral frequencies and reference keys on the edges;
* ``trace-groin-back`` — why a trace of groin pain, limited hip internal
  rotation and low back pain ranked what it ranked.

Run from the repository root::

    python scripts/gallery.py              # bundled KB -> docs/images/
    python scripts/gallery.py --kb tests/data/mini --out /tmp/gallery

Each picture's equivalent ``painkg`` command is printed, so the docs can show it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import networkx as nx

import painkg
from painkg.draw.diagram import render, render_trace, select
from painkg.kb.vocab import Kind, Relation

ROOT = Path(__file__).resolve().parent.parent

#: The hip–spine story: conditions of the three areas and how they reach each other.
OVERVIEW_RELATIONS = (Relation.COMPENSATES_FOR, Relation.LEADS_TO, Relation.CO_OCCURS_WITH, Relation.MIMICS)
OVERVIEW_KINDS = (Kind.CONDITION,)
#: One condition: what it damages, where that refers pain, what compensates for it.
FOCUS_RELATIONS = (Relation.AFFECTS, Relation.REFERS_TO, Relation.COMPENSATES_FOR)
TRACE_TERMS = ("groin pain", "limited hip internal rotation", "low back pain")
TRACE_ABSENT = ("numbness",)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kb", metavar="FOLDER", help="knowledge-base folder (default: the bundled one)")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "images", metavar="DIR")
    args = parser.parse_args(argv)
    kg = painkg.load(args.kb)
    args.out.mkdir(parents=True, exist_ok=True)
    for fmt in ("png", "svg"):
        overview(kg, args.out / f"hip-spine-overview.{fmt}")
        focus(kg, args.out / f"focus-hip-osteoarthritis.{fmt}")
        why(kg, args.out / f"trace-groin-back.{fmt}")
    return 0


def overview(kg: painkg.KnowledgeGraph, path: Path) -> None:
    """Conditions and findings, and only the compensation and leads-to links that cross body regions."""
    graph, _ = select(kg, relations=OVERVIEW_RELATIONS, kinds=OVERVIEW_KINDS)
    region = nx.get_node_attributes(graph, "region")
    crossing = graph.edge_subgraph([(s, t, r) for s, t, r in graph.edges(keys=True) if region[s] != region[t]])
    # The legend's colours and line styles say which relation is which; labels would only clutter.
    _say(render(crossing, path, edge_labels=False),
         "render(select(kg, relations=..., kinds=...) edges that cross regions)  # see scripts/gallery.py")


def focus(kg: painkg.KnowledgeGraph, path: Path) -> None:
    relations = [r.value for r in FOCUS_RELATIONS]
    _say(render(kg, path, focus="hip osteoarthritis", depth=2, relations=relations, evidence=True),
         f'painkg render {path.name} --focus "hip osteoarthritis" --depth 2 --relations {" ".join(relations)} '
         "--evidence")


def why(kg: painkg.KnowledgeGraph, path: Path) -> None:
    result = kg.trace(TRACE_TERMS, absent=TRACE_ABSENT)
    render_trace(result, path)
    terms = " ".join(f'"{t}"' for t in TRACE_TERMS)
    print(f"{path}: painkg trace {terms} --absent {' '.join(TRACE_ABSENT)} --diagram {path.name}")


def _say(diagram, command: str) -> None:
    print(f"{diagram.path}: {command}  ({diagram.nodes} nodes, {diagram.edges} edges)")
    if diagram.hint:
        print(f"  note: {diagram.hint}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
