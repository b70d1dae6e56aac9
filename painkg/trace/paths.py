"""Walk cause → effect edges backwards: the search behind :func:`painkg.trace`.

Graph-first functions.  :func:`causal_index` turns the graph once into a reverse
adjacency (effect → the edges that can cause it, strongest first, each with its
strength from :mod:`painkg.scoring`); :func:`best_paths` is a bounded k-best
dynamic programme over it.

Notes
-----
Cost is O(depth · k · edges visited).  Two cuts keep hubs (symptoms with hundreds
of causes) cheap: links are sorted strongest first, so a node stops expanding at
the first link that would take its best path below ``min_path``; and only ``k``
paths per node survive each level.  On a DAG of causes — which the KB is, and
which :mod:`scripts/synth.py` builds — the result equals ranking every simple
path exhaustively, which ``networkx.all_simple_paths`` would do at factorial cost.
"""

from __future__ import annotations

import math
import weakref
from collections.abc import Mapping
from typing import NamedTuple

import networkx as nx

from . import scoring
from ..kb.memory import collector_paused, settle
from ..kb.vocab import Cause, Grade, Kind, Relation

__all__ = ["Link", "CausalIndex", "causal_index", "best_paths", "prior_of", "PATHS_PER_NODE", "MIN_PATH"]

#: Partial paths kept per node (the k of the k-best search).
PATHS_PER_NODE = 3
#: Paths weaker than this are dropped: they cannot move a score visibly.
MIN_PATH = 1e-3


class Link(NamedTuple):
    """One causal edge seen from its effect: *cause* produces the effect with *probability*."""

    probability: float
    cause: str
    source: str  # the edge as written in the KB
    relation: Relation
    target: str


class CausalIndex(NamedTuple):
    causes: dict[str, list[Link]]  # effect -> links, strongest first
    leaks: dict[str, float]  # effect -> published false-positive rate (1 - specificity)
    priors: dict[str, float]  # condition -> prior weight from the KB
    prior_total: float  # sum of every condition's prior weight


_INDEXES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def causal_index(graph: nx.MultiDiGraph) -> CausalIndex:
    """Return the reverse causal adjacency of *graph*, built once and cached.

    The cache is keyed by the graph object: build a new graph (not mutate a
    frozen one) to change the knowledge.
    """
    index = _INDEXES.get(graph)
    if index is None:
        with collector_paused():
            index = _INDEXES[graph] = _build(graph)
            settle(graph.number_of_edges())
    return index


def _build(graph: nx.MultiDiGraph) -> CausalIndex:
    causes: dict[str, list[Link]] = {}
    leaks: dict[str, list[float | None]] = {}
    subject = {r.value: r for r in Relation if r.cause is Cause.SUBJECT}
    obj = {r.value: r for r in Relation if r.cause is Cause.OBJECT}
    grade = {g.value: p for g, p in scoring.GRADE_PROBABILITY.items()}
    for s, t, r, data in graph.edges(keys=True, data=True):
        relation = subject.get(r)
        if relation is not None:
            cause, effect = s, t
        else:
            relation = obj.get(r)
            if relation is None:
                continue
            cause, effect = t, s
        p = data.get("sensitivity")
        if p is None:
            p = data.get("frequency")
            if p is None:
                p = grade[data["strength"]]
        causes.setdefault(effect, []).append(Link(p, cause, s, relation, t))
        if "specificity" in data or "lr_positive" in data:
            leaks.setdefault(effect, []).append(scoring.edge_leak(data))
    for links in causes.values():
        links.sort(key=lambda link: (-link.probability, link.cause, link.relation.value))
        # Parallel edges ("presents-with" and "diagnosed-by" between the same pair) state
        # one mechanism twice; counting both in the noisy-OR would double its weight.
        # Keep the strongest link per cause.
        seen: set[str] = set()
        links[:] = [link for link in links if not (link.cause in seen or seen.add(link.cause))]
    priors = {n: prior_of(d) for n, d in graph.nodes(data=True) if d["kind"] == Kind.CONDITION}
    leak = {e: scoring.observation_leak(v) for e, v in leaks.items()}
    return CausalIndex(causes, leak, priors, math.fsum(priors.values()))


def prior_of(data: Mapping) -> float:
    """Return a condition's prior weight from its KB attributes (number, grade or default)."""
    prior = data.get("prior")
    if prior is None:
        return scoring.DEFAULT_PRIOR
    if isinstance(prior, str):
        return scoring.PRIOR_BY_GRADE[Grade(prior)]
    return float(prior)


Paths = list[tuple[float, tuple[Link, ...]]]
_Partial = list[tuple[float, tuple[Link, ...], tuple[str, ...]]]  # paths plus the nodes they visit


def best_paths(
    index: CausalIndex,
    target: str,
    *,
    depth: int,
    first_relation: Relation | None = None,
    k: int = PATHS_PER_NODE,
    min_path: float = MIN_PATH,
) -> dict[str, Paths]:
    """Return, for every node that can cause *target*, its ≤ *k* strongest paths.

    A path is a tuple of links from that node (first) to *target* (last), at most
    *depth* long, visiting no node twice, with strength (product of link
    probabilities) ≥ *min_path*.  *first_relation* restricts the hop into *target*
    (e.g. only ``relieved-by`` edges into "sitting").  Best paths first; ties keep
    the deterministic order of the index.
    """
    causes = index.causes
    best: dict[str, _Partial] = {}
    frontier: dict[str, _Partial] = {target: [(1.0, (), (target,))]}
    for level in range(depth):
        nxt: dict[str, _Partial] = {}
        for effect, paths in frontier.items():
            top = paths[0][0]
            for link in causes.get(effect, ()):
                lp = link.probability
                if top * lp < min_path:
                    break  # links are sorted strongest first: the rest are weaker still
                if level == 0 and first_relation is not None and link.relation is not first_relation:
                    continue
                cause = link.cause
                for prob, path, nodes in paths:
                    p = prob * lp
                    if p < min_path:
                        break
                    if cause not in nodes:  # no node twice
                        _keep(nxt, cause, p, (link, *path), (cause, *nodes), k)
        for node, paths in nxt.items():
            for p, path, nodes in paths:
                _keep(best, node, p, path, nodes, k)
        frontier = nxt
        if not frontier:
            break
    return {node: [(p, path) for p, path, _ in paths] for node, paths in best.items()}


def _keep(table: dict[str, _Partial], node: str, p: float, path: tuple[Link, ...], nodes: tuple[str, ...],
          k: int) -> None:
    """Insert a path into node's list, kept sorted strongest first and ≤ k long."""
    paths = table.get(node)
    if paths is None:
        table[node] = [(p, path, nodes)]
        return
    if len(paths) >= k and p <= paths[-1][0]:
        return
    i = len(paths)
    while i and paths[i - 1][0] < p:
        i -= 1
    paths.insert(i, (p, path, nodes))
    if len(paths) > k:
        paths.pop()
