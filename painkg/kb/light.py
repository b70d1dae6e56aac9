"""A read-only stand-in for ``networkx.MultiDiGraph``, for the command line's fast trace.

Importing networkx costs about as much as the whole ``painkg trace`` command may take.  A
trace of a KB served from painkg's cache needs only lookups on the graph (a node's data,
its edges in and out), so :mod:`painkg.trace.fast` builds this instead: the very dicts
networkx would hold (``_succ[u][v][key] is _pred[v][u][key]``, one shared data dict per edge),
behind the part of networkx's read API that painkg's trace, reading and settings use.

Anything else is an AttributeError, never a different answer: the fast path then falls back to
the full one (see :func:`painkg.trace.fast.run`), and ``tests/test_fast.py`` compares both
paths' output byte for byte.
"""

from __future__ import annotations

from collections.abc import Iterator

__all__ = ["LightGraph"]


class _NodeView:
    """``graph.nodes``: ``nodes[n]`` is n's data, ``nodes(data=True)`` yields (n, data)."""

    __slots__ = ("_nodes",)

    def __init__(self, nodes: dict[str, dict]) -> None:
        self._nodes = nodes

    def __getitem__(self, n: str) -> dict:
        return self._nodes[n]

    def __contains__(self, n: object) -> bool:
        try:
            return n in self._nodes
        except TypeError:
            return False

    def __iter__(self) -> Iterator[str]:
        return iter(self._nodes)

    def __len__(self) -> int:
        return len(self._nodes)

    def __call__(self, data: bool = False):
        return iter(self._nodes.items()) if data is True else iter(self._nodes)

    def items(self):
        return self._nodes.items()


class _EdgeView:
    """``graph.edges``: ``edges[u, v, key]`` is that edge's data; ``edges(keys=, data=)`` yields tuples."""

    __slots__ = ("_succ",)

    def __init__(self, succ: dict[str, dict[str, dict]]) -> None:
        self._succ = succ

    def __getitem__(self, e: tuple) -> dict:
        u, v, k = e
        return self._succ[u][v][k]

    def __call__(self, nbunch=None, data: bool = False, keys: bool = False):
        return _edges(self._succ, self._succ if nbunch is None else [nbunch], data, keys, out=True)


def _edges(adjacency: dict, nodes, data: bool, keys: bool, out: bool):
    for n in nodes:
        for other, by_key in adjacency[n].items():
            u, v = (n, other) if out else (other, n)
            for k, d in by_key.items():
                if keys:
                    yield (u, v, k, d) if data else (u, v, k)
                else:
                    yield (u, v, d) if data else (u, v)


class LightGraph:
    """Read-only adjacency of a validated KB, with networkx's MultiDiGraph read API (the part painkg uses)."""

    def __init__(self, nodes: dict[str, dict], edges: dict[tuple, dict], tables: dict | None = None) -> None:
        self.graph: dict = dict(tables or {})
        self._node = nodes
        succ: dict[str, dict[str, dict]] = {n: {} for n in nodes}
        pred: dict[str, dict[str, dict]] = {n: {} for n in nodes}
        for (s, t, r), attrs in edges.items():
            keys = succ[s].get(t)
            if keys is None:
                keys = succ[s][t] = pred[t][s] = {}
            keys[r] = attrs
        self._succ, self._pred = succ, pred
        self._edges = len(edges)
        self.nodes = _NodeView(nodes)
        self.edges = _EdgeView(succ)

    # -- networkx's read API ---------------------------------------------------------------------

    @property
    def succ(self) -> dict[str, dict[str, dict]]:
        return self._succ

    adj = succ

    @property
    def pred(self) -> dict[str, dict[str, dict]]:
        return self._pred

    def __contains__(self, n: object) -> bool:
        try:
            return n in self._node
        except TypeError:
            return False

    def __iter__(self) -> Iterator[str]:
        return iter(self._node)

    def __len__(self) -> int:
        return len(self._node)

    def __getitem__(self, n: str) -> dict:
        return self._succ[n]

    def is_directed(self) -> bool:
        return True

    def is_multigraph(self) -> bool:
        return True

    def number_of_nodes(self) -> int:
        return len(self._node)

    def number_of_edges(self) -> int:
        return self._edges

    def has_node(self, n: object) -> bool:
        return n in self

    def has_edge(self, u: str, v: str, key=None) -> bool:
        keys = self._succ.get(u, {}).get(v)
        return keys is not None and (key is None or key in keys)

    def get_edge_data(self, u: str, v: str, key=None, default=None):
        keys = self._succ.get(u, {}).get(v)
        if keys is None:
            return default
        return keys if key is None else keys.get(key, default)

    def successors(self, n: str) -> Iterator[str]:
        return iter(self._succ[n])

    def predecessors(self, n: str) -> Iterator[str]:
        return iter(self._pred[n])

    def out_edges(self, nbunch=None, data: bool = False, keys: bool = False):
        return _edges(self._succ, self._succ if nbunch is None else [nbunch], data, keys, out=True)

    def in_edges(self, nbunch=None, data: bool = False, keys: bool = False):
        return _edges(self._pred, self._pred if nbunch is None else [nbunch], data, keys, out=False)
