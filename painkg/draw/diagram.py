"""Draw the knowledge graph, or a trace's explanation, with Graphviz.

The pipeline is one way: pick the nodes (:func:`select`), build a ``pydot``
graph in painkg's visual language (:mod:`painkg.styles`, built by
:mod:`painkg.dotgraph` and :mod:`painkg.trace_diagram`), then write DOT text or
hand it to the Graphviz ``dot`` program for PNG, SVG or PDF.  Node ids in DOT
are generated and every label is escaped (see :mod:`painkg.dotgraph`), so any
label text draws as text.

Examples
--------
>>> text = to_dot(kg, focus="hip osteoarthritis", depth=1)
>>> text.startswith("digraph") and "hip osteoarthritis" in text
True
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import networkx as nx

from .dotgraph import LAYOUTS, kg_dot
from ..errors import RenderError, UnknownTermError
from ..files import write_bytes
from .styles import FORMATS
from ..kb.vocab import Cause, Kind, Relation

if TYPE_CHECKING:
    from ..kb.graph import KnowledgeGraph

__all__ = ["Diagram", "render", "render_trace", "to_dot", "select", "output_format"]

#: Above this many nodes an unfocused diagram says that a focus would read better.
FOCUS_HINT_NODES = 60
#: Nodes a diagram draws by default: past this a picture stops being readable (a depth-2 focus on hip
#: osteoarthritis reached 267 nodes, 2,244 × 14,907 px).  ``max_nodes=None`` draws everything.
MAX_NODES = 40
#: Graphviz's layout time grows much faster than the graph (the bundled KB, 400 nodes and
#: 1,100 edges, takes half a second; 1,000 nodes and 10,000 edges take 80 s): larger
#: diagrams are refused at once, and any layout is stopped after LAYOUT_SECONDS.
LAYOUT_NODES, LAYOUT_EDGES = 1_500, 4_000
LAYOUT_SECONDS = 120
INSTALL_HINT = "install Graphviz: apt-get install graphviz, brew install graphviz or conda install graphviz"


@dataclass(frozen=True, slots=True)
class Diagram:
    """What :func:`render` wrote; ``hint`` says how to make it more readable, if needed."""

    path: Path
    format: str
    nodes: int
    edges: int
    hint: str = ""

    def __str__(self) -> str:
        text = f"wrote {self.path} ({self.nodes} nodes, {self.edges} edges)"
        return f"{text}\nnote: {self.hint}" if self.hint else text


# ---------------------------------------------------------------- public API


def render(
    kg: KnowledgeGraph | nx.MultiDiGraph,
    path: str | Path,
    *,
    focus: str | Iterable[str] | None = None,
    depth: int = 2,
    relations: Iterable[Relation | str] | None = None,
    kinds: Iterable[Kind | str] | None = None,
    format: str | None = None,
    evidence: bool = False,
    edge_labels: bool | None = None,
    max_nodes: int | None = MAX_NODES,
) -> Diagram:
    """Draw the knowledge graph, or the neighbourhood of a focus, to *path*.

    Parameters
    ----------
    kg : KnowledgeGraph or networkx.MultiDiGraph
    path : path
        Output file; the suffix picks the format: ``.png .svg .pdf .dot``.
    focus : str or iterable of str, optional
        Ids or terms (labels, synonyms, codes) to centre on; default: everything.
    depth : int
        Hops (either direction) from the focus to include.
    relations, kinds : iterable, optional
        Keep only these relations / node kinds (the focus itself always stays).
        The depth is walked over what is kept.
    format : str, optional
        Override the suffix: one of ``png svg pdf dot``.
    evidence : bool
        Add each edge's published numbers and reference keys to its label.
    edge_labels : bool, optional
        Label edges with their relation; default: yes unless the diagram has
        more than :data:`painkg.dotgraph.EDGE_LABEL_LIMIT` edges.
    max_nodes : int or None
        Draw at most this many nodes (default :data:`MAX_NODES`): the focus, then the
        nodes closest to it and most strongly linked (without a focus, the most
        connected); ``hint`` says how many were left out.  None draws all.

    Returns
    -------
    Diagram
        The path, format and size; ``hint`` is set when a whole-KB diagram is
        large enough that a focus would read better.

    Raises
    ------
    RenderError
        Unknown format, relation or kind; Graphviz missing, failing, or given more than
        :data:`LAYOUT_NODES` nodes or :data:`LAYOUT_EDGES` edges (``.dot`` has no limit);
        the file cannot be written (the previous one is then kept).
    UnknownTermError
        A focus term matches no node.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "hip.dot"
    >>> render(kg, out, focus="hip-osteoarthritis", depth=1).format
    'dot'
    """
    fmt = output_format(path, format)
    graph, centers = select(kg, focus=focus, depth=depth, relations=relations, kinds=kinds)
    if max_nodes is not None and (isinstance(max_nodes, bool) or not isinstance(max_nodes, int) or max_nodes < 1):
        raise RenderError(f"max_nodes {max_nodes!r}: must be a whole number of at least 1, or None for all")
    left_out, selected = 0, graph
    if max_nodes is not None and graph.number_of_nodes() > max_nodes:
        kept = _most_relevant(graph, centers, max_nodes)
        left_out = graph.number_of_nodes() - len(kept)
        graph = graph.subgraph(kept)
    size = (graph.number_of_nodes(), graph.number_of_edges())
    look = _draw(lambda **layout: kg_dot(graph, centers, evidence=evidence, edge_labels=edge_labels, **layout),
                 Path(path), fmt, size)
    hint = _hint(selected, centers)
    if left_out:
        what = "closest to the focus and most strongly linked" if centers else "most connected"
        hint = " ".join(filter(None, [f"{left_out} more nodes left out: drew the {len(graph)} {what} "
                                      f"(max_nodes=None, or --max-nodes, draws more).", hint]))
    if not look["clusters"]:
        hint = " ".join(filter(None, [hint, "Graphviz could not lay out the region boxes; drawn without them."]))
    return Diagram(Path(path), fmt, graph.number_of_nodes(), graph.number_of_edges(), hint)


def render_trace(result, path: str | Path, *, top: int = 3, paths: int = 1, format: str | None = None) -> Diagram:
    """Draw why a trace ranked what it ranked: observations, top candidates, paths.

    Parameters
    ----------
    result : TraceResult
    path : path
        Output file (``.png .svg .pdf .dot``).
    top : int
        Candidates to draw; red-flag candidates are drawn whatever their rank.
    paths : int
        Explaining paths drawn per candidate and observation (best first).
    format : str, optional
        Override the suffix.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> result = kg.trace(["groin pain", "low back pain"])
    >>> render_trace(result, pathlib.Path(tempfile.mkdtemp()) / "why.dot").nodes > 2
    True
    """
    from .trace_diagram import trace_dot

    fmt = output_format(path, format)
    _, nodes, edges = trace_dot(result, top=top, paths=paths)  # checks the options first
    _draw(lambda **layout: trace_dot(result, top=top, paths=paths, **layout)[0], Path(path), fmt, (nodes, edges))
    return Diagram(Path(path), fmt, nodes, edges)


def to_dot(source, **options) -> str:
    """Return the DOT text :func:`render` or :func:`render_trace` would draw.

    *source* is a KnowledgeGraph (options as for :func:`render`, without
    ``format``) or a TraceResult (options as for :func:`render_trace`).

    >>> "->" in to_dot(kg, focus="sciatic-nerve", depth=1)
    True
    """
    if hasattr(source, "candidates"):
        from .trace_diagram import trace_dot

        return trace_dot(source, **options)[0].to_string()
    look = {k: options.pop(k) for k in ("evidence", "edge_labels") if k in options}
    graph, centers = select(source, **options)
    return kg_dot(graph, centers, **look).to_string()


def output_format(path: str | Path, format: str | None = None) -> str:
    """Return the output format named by *format* or by the suffix of *path*.

    >>> output_format("hip.SVG")
    'svg'
    """
    fmt = (format or Path(path).suffix.lstrip(".")).lower()
    if fmt not in FORMATS:
        allowed = ", ".join(f".{f}" for f in FORMATS)
        raise RenderError(f"{path}: cannot tell the diagram format from {fmt or 'no suffix'!r} (allowed: {allowed})")
    return fmt


# ---------------------------------------------------------------- choosing what to draw


def select(
    kg: KnowledgeGraph | nx.MultiDiGraph,
    *,
    focus: str | Iterable[str] | None = None,
    depth: int = 2,
    relations: Iterable[Relation | str] | None = None,
    kinds: Iterable[Kind | str] | None = None,
) -> tuple[nx.MultiDiGraph, tuple[str, ...]]:
    """Return the subgraph a diagram shows and the ids of its focus nodes.

    Filters apply first, then the neighbourhood is walked over what remains, so
    ``relations=["refers-to"]`` follows only referral edges.  With a relation
    filter, nodes left without any edge are dropped (except the focus).  Around
    a focus only edges that lead one hop further out are kept (see
    :func:`_outward`).

    >>> graph, centers = select(kg, focus="coxarthrosis", depth=1)
    >>> centers
    ('hip-osteoarthritis',)
    """
    if depth < 0:
        raise RenderError(f"depth {depth}: must be 0 or more")
    graph = kg if isinstance(kg, nx.Graph) else kg.graph  # a networkx graph has a .graph dict too
    centers = () if focus is None else tuple(dict.fromkeys(_resolve(kg, t) for t in _as_list(focus)))
    keep_relations = _members(Relation, relations, "relation")
    keep_kinds = _members(Kind, kinds, "kind")
    view = graph
    if keep_kinds is not None or keep_relations is not None:
        view = nx.subgraph_view(
            graph,
            filter_node=lambda n: keep_kinds is None or n in centers or graph.nodes[n]["kind"] in keep_kinds,
            filter_edge=lambda s, t, r: keep_relations is None or r in keep_relations,
        )
    if keep_relations is not None:
        view = view.subgraph([n for n in view if n in centers or view.degree(n) > 0])
    if centers:
        view = _outward(view, centers, depth)
    return view, centers


def _outward(graph: nx.MultiDiGraph, centers: tuple[str, ...], depth: int) -> nx.MultiDiGraph:
    """The nodes within *depth* hops of *centers*, and the edges that lead one hop further out.

    Edges between two nodes equally far from the focus (e.g. one treatment shared
    by ten neighbours) would tangle the picture without telling how the focus
    reaches them, so they are left out.
    """
    dist = dict.fromkeys(centers, 0)
    frontier = list(centers)
    for hop in range(1, depth + 1):
        if not frontier:  # everything reachable is drawn: more hops add nothing (--depth may be 10**25)
            break
        frontier = [m for n in frontier for m in (*graph.successors(n), *graph.predecessors(n)) if m not in dist]
        dist.update((m, hop) for m in frontier)
    return nx.subgraph_view(graph.subgraph(dist), filter_edge=lambda s, t, r: abs(dist[s] - dist[t]) == 1
                            or (Relation(r).cause is not Cause.NONE and dist[s] == dist[t] < depth))


def _resolve(kg, term: str) -> str:
    if hasattr(kg, "resolve"):
        return kg.resolve(term).id
    if term not in kg:
        raise UnknownTermError(term)
    return term


def _as_list(value) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def _members(enum, values, what: str) -> frozenset | None:
    if values is None:
        return None
    try:
        return frozenset(enum(v) for v in _as_list(values))
    except ValueError as exc:
        allowed = ", ".join(m.value for m in enum)
        raise RenderError(f"unknown {what} in {list(_as_list(values))!r} (allowed: {allowed})") from exc


def _most_relevant(graph: nx.MultiDiGraph, centers: tuple[str, ...], limit: int) -> list[str]:
    """The *limit* nodes a reader needs first: the focus, then by hops from it and link strength.

    Without a focus, the most connected nodes.  Ties break on the id, so a picture is stable.
    """
    from ..trace.scoring import edge_probability

    if not centers:
        return sorted(graph, key=lambda n: (-graph.degree(n), n))[:limit]
    hops = nx.multi_source_dijkstra_path_length(graph.to_undirected(as_view=True), set(centers), weight=None)
    strength: dict[str, float] = {}
    for s, t, data in graph.edges(data=True):
        for near, far in ((s, t), (t, s)):
            if hops.get(near, 1 << 30) < hops.get(far, 1 << 30):
                strength[far] = max(strength.get(far, 0.0), edge_probability(data))
    order = sorted(graph, key=lambda n: (n not in centers, hops.get(n, 1 << 30), -strength.get(n, 0.0), n))
    return order[:max(limit, len(centers))]


def _hint(graph, centers) -> str:
    if graph.number_of_nodes() <= FOCUS_HINT_NODES:
        return ""
    if centers:
        return (f"{graph.number_of_nodes()} nodes in one picture; fewer relations or kinds, or a smaller depth, "
                f"read better (CLI: --relations, --kinds, --depth)")
    hubs = [n for n in graph if graph.nodes[n]["kind"] == Kind.CONDITION] or list(graph)
    example = max(sorted(hubs), key=graph.degree)
    return (f"{graph.number_of_nodes()} nodes in one picture; a focus reads better, "
            f"e.g. focus={example!r} with depth=1 (CLI: --focus {example} --depth 1)")


# ---------------------------------------------------------------- Graphviz


class _LayoutFailed(RenderError):
    """Graphviz ran but could not lay this graph out."""


def _draw(build, path: Path, fmt: str, size: tuple[int, int]) -> dict[str, bool]:
    """Write what ``build(**layout)`` returns, trying each of :data:`LAYOUTS`; return the one used."""
    if fmt == "dot":  # DOT text is the first layout: no Graphviz involved, linear at any size
        write_bytes(path, build(**LAYOUTS[0]).to_string().encode("utf-8"), error=RenderError)
        return LAYOUTS[0]
    nodes, edges = size
    if nodes > LAYOUT_NODES or edges > LAYOUT_EDGES:
        raise RenderError(f"{path}: {nodes} nodes and {edges} edges are too many for Graphviz to lay out in "
                          f"reasonable time (allowed: up to {LAYOUT_NODES} nodes and {LAYOUT_EDGES} edges; "
                          f"draw a focus, fewer relations or kinds, or write .dot)")
    program = _program(path, fmt)
    for look in LAYOUTS:
        try:
            write_bytes(path, _run(program, build(**look).to_string(), fmt, path), error=RenderError)
            return look
        except _LayoutFailed:
            if look is LAYOUTS[-1]:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


def _program(path: Path, fmt: str) -> str:
    program = shutil.which("dot")
    if program is None:
        raise RenderError(f"{path}: drawing .{fmt} needs the Graphviz program `dot`, which is not on PATH "
                          f"({INSTALL_HINT}; .dot output works without it)")
    return program


def _run(program: str, text: str, fmt: str, path: Path) -> bytes:
    # Feed the text as UTF-8 on stdin: pydot's own writer uses the locale's
    # encoding, which breaks non-ASCII labels under a C locale.
    try:
        done = subprocess.run([program, f"-T{fmt}"], input=text.encode("utf-8"), capture_output=True, check=False,
                              timeout=LAYOUT_SECONDS)
    except subprocess.TimeoutExpired as exc:  # run() has killed dot
        raise RenderError(f"{path}: Graphviz dot did not finish within {LAYOUT_SECONDS} s "
                          f"(draw a focus, fewer relations or kinds, or write .dot)") from exc
    if done.returncode != 0:
        message = [m for m in done.stderr.decode("utf-8", "replace").splitlines() if m.strip()]
        raise _LayoutFailed(f"{path}: Graphviz dot failed: {message[0] if message else done.returncode}")
    return done.stdout
