"""Load a knowledge base into a graph, and the thin facade users hold.

The graph *is* the data structure (as in obonet): a ``networkx.MultiDiGraph``
whose edge key is the :class:`~painkg.vocab.Relation`.  :class:`KnowledgeGraph`
adds lookup indexes and one-line methods over graph-first functions.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from ..errors import KBError, UnknownTermError
from . import cache
from .light import LightGraph
from .memory import collector_paused, settle
from .model import Node
from .tables import REFERENCE_COLUMNS, Table, bundled_folder, bundled_references, read_folder, read_references, read_table
from .validate import Checked, Problems, check
from .vocab import DEMOGRAPHIC, EVIDENCE_KEYWORDS, NUMBER_COLUMNS, Grade, Kind, Population, Qualifier, Relation

if TYPE_CHECKING:
    import networkx as nx

    from ..reading.read import Reading
    from ..trace.results import TraceResult
    from ..trace.settings import Setting
    from .resolve import Match, TermIndex

__all__ = ["Edge", "KnowledgeGraph", "load", "load_cached", "cache_key", "from_graph"]


@dataclass(frozen=True, slots=True)
class Edge:
    """One edge with its evidence, as stored in ``kg.graph``."""

    source: str
    relation: Relation
    target: str
    strength: Grade
    references: tuple[str, ...]
    frequency: float | None = None
    sensitivity: float | None = None
    specificity: float | None = None
    lr_positive: float | None = None
    lr_negative: float | None = None
    qualifier: Qualifier | None = None
    population: Population | None = None  # who a number was measured in, when not patients with the complaint
    note: str = ""

    def __str__(self) -> str:
        return f"{self.source} —{self.relation.phrase}→ {self.target}"


def load(folder: str | Path | None = None, *, merge: bool = False, cache: bool = True) -> KnowledgeGraph:
    """Load and validate a knowledge base.

    Parameters
    ----------
    folder : path, optional
        A folder of ``nodes-<kind>.tsv`` / ``edges-<theme>.tsv`` tables (and an
        optional ``references.tsv``).  Default: the KB bundled with painkg.
    merge : bool
        Load *folder* on top of the bundled KB: its edges may use bundled nodes,
        its ids must be new.
    cache : bool
        Reuse the validated result of an earlier load of exactly the same bytes
        (see :mod:`painkg.cache`; ``PAINKG_CACHE=off`` turns it off everywhere).

    Raises
    ------
    KBError
        Listing every problem as ``file:line: what is wrong``; nothing is loaded.

    Examples
    --------
    >>> kg = load()
    >>> kg.node("hip-osteoarthritis").kind.value
    'condition'
    """
    with collector_paused():
        kg = _load(folder, merge, cache)
        assert kg is not None  # only a light load finds nothing
        settle(kg.graph.number_of_edges())  # before the collector resumes and starts scanning it
    return kg


def load_cached(folder: str | Path | None = None, *, merge: bool = False) -> KnowledgeGraph | None:
    """The KB exactly as :func:`load` would give it, served from painkg's cache without networkx; or None.

    The graph is a :class:`~painkg.kb.light.LightGraph` (networkx's read API over the same
    dicts), which is all a trace needs: ``painkg trace`` uses this and skips importing
    networkx, about as long as the rest of the command.  None when the KB is not in the
    cache (or caching is off, or the tables have problems): then :func:`load` builds it.
    """
    with collector_paused():
        return _load(folder, merge, True, light=True)


def cache_key(folder: str | Path | None = None, *, merge: bool = False) -> str | None:
    """The key under which painkg's cache keeps this KB (its tables' bytes and the loader's code), or None.

    None when caching is off or the tables have problems.  Nothing is parsed or built: ``painkg
    sparql`` finds the KB's cached N-Triples with it.
    """
    if cache.cache_dir() is None:
        return None
    key, *_ = _inputs(folder, merge)
    return key


def _inputs(folder, merge: bool, use_cache: bool = True):
    problems = Problems()
    folders = [bundled_folder()]
    if folder is not None:
        folders = [*folders, Path(folder)] if merge else [Path(folder)]
    # Every file is read once, here; the cache key and the checks both use those bytes.
    bundled = read_table(bundled_references(), "references", problems)
    inputs = [read_folder(path, problems) for path in folders]
    key = None
    if use_cache and not problems:
        key = cache.content_key([bundled, *(t for tables in inputs for t in tables)], folders=folders)
    return key, problems, bundled, inputs


def _load(folder, merge: bool, use_cache: bool, read_cache: bool = True, light: bool = False) -> KnowledgeGraph | None:
    key, problems, bundled, inputs = _inputs(folder, merge, use_cache)
    if key is not None:
        entry = cache.read(key, "kb") if read_cache else None
        if entry is not None:
            del bundled, inputs  # a hit needs the bytes no more: do not hold them while building the graph
            kg = _from_entry(key, entry, light)
            if light:
                return kg
            # An entry that passed its hash yet does not unpack (a format bug): build and replace it.
            return kg if kg is not None else _load(folder, merge, use_cache, read_cache=False)
    if light:
        return None  # not cached: only the full load builds (and reports problems)
    references = read_references(bundled, problems)
    checked: Checked | None = None
    for tables in inputs:
        for own in (t for t in tables if t.role == "references"):
            references = _merge_references(references, own, problems)
        checked = check(tables, references, problems, base=checked)
    if problems:
        raise KBError(problems)
    assert checked is not None
    if key is not None:
        cache.write(key, "kb", cache.pack(checked.nodes, checked.edges, references, _model_tables(checked)))
    return KnowledgeGraph(_build_graph(checked.nodes, checked.edges, _model_tables(checked)), references,
                          cache_key=key)


def _merge_references(references: dict, own: Table, problems: list[str]) -> dict:
    # A folder's references.tsv adds keys; it may repeat a known key only word for word,
    # or a user table would silently rewrite a bundled citation.
    added = read_references(own, problems)
    def citation(row: dict) -> tuple:  # what a reference says; where a curator read it ("seen") may differ
        return tuple(row.get(c, "") for c in REFERENCE_COLUMNS)

    clashes = {key for key, row in added.items() if key in references and citation(references[key]) != citation(row)}
    if clashes:
        for row in own.rows([]):
            if row.cells["key"] in clashes:
                problems.append(f"{row.where}: reference key {row.cells['key']!r} is already defined, differently, "
                                f"by the references it is added to (allowed: a new key, or the same row)")
    return {**references, **{k: row for k, row in added.items() if k not in references}}


def _model_tables(checked: Checked) -> dict:
    # Graph-level data (networkx's graph.graph): where the patient is seen and which findings hang together.
    return {"settings": checked.settings, "priors": checked.priors, "clusters": checked.clusters}


def _from_entry(key: str, entry: object, light: bool = False) -> KnowledgeGraph | None:
    if not isinstance(entry, dict):  # an entry from a damaged file: rebuild it
        return None
    try:
        nodes, edges, references, tables = cache.unpack(entry)
    except (KeyError, TypeError, ValueError, AttributeError):  # an entry from a damaged file: rebuild it
        return None
    graph = LightGraph(nodes, edges, tables) if light else _build_graph(nodes, edges, tables)
    return KnowledgeGraph(graph, references, cache_key=key)


def _build_graph(nodes: dict[str, dict], edges: dict[tuple[str, str, Relation], dict],
                 tables: dict | None = None) -> nx.MultiDiGraph:
    """Build the graph from validated records.

    Fills networkx's adjacency dicts directly, as ``add_edges_from`` would but
    about 4x faster: a million edges load in seconds, not tens of seconds.  The
    layout (``_succ[u][v][key] is _pred[v][u][key]``, one shared key dict) is the
    one MultiDiGraph has used since networkx 2.0; tests compare the result with a
    graph built through the public API.
    """
    import networkx as nx  # here, not at import: a trace served from the cache needs none of it

    graph: nx.MultiDiGraph[str] = nx.MultiDiGraph(**(tables or {}))
    graph.add_nodes_from(nodes.items())
    succ, pred = graph._succ, graph._pred  # type: ignore[attr-defined]  # not in networkx's stubs
    for (s, t, r), attrs in edges.items():
        keys = succ[s].get(t)
        if keys is None:
            keys = succ[s][t] = pred[t][s] = {}
        keys[r] = attrs
    return graph


def from_graph(graph: nx.MultiDiGraph, references: dict | None = None) -> KnowledgeGraph:
    """Wrap an already validated graph (e.g. read back from RDF) as a KnowledgeGraph."""
    return KnowledgeGraph(graph, references or {})


class KnowledgeGraph:
    """A loaded knowledge base: ``.graph`` plus lookup; read-only.

    Methods are thin conveniences over graph-first functions, so anything here can
    also be done with networkx on ``kg.graph`` directly.
    """

    def __init__(
        self, graph: nx.MultiDiGraph | LightGraph, references: dict[str, dict[str, str]], *,
        cache_key: str | None = None
    ) -> None:
        self.graph: nx.MultiDiGraph
        if isinstance(graph, LightGraph):  # read-only already, with the read API of a MultiDiGraph
            self.graph = cast("nx.MultiDiGraph", graph)
        else:
            import networkx

            self.graph = networkx.freeze(graph)
        self.references = references
        self._cache_key = cache_key  # set when the graph is exactly a cached load: its index may be cached too
        self._index: TermIndex | None = None
        self._nodes: dict[str, Node] = {}

    def __repr__(self) -> str:
        return f"<KnowledgeGraph: {self.graph.number_of_nodes()} nodes, {self.graph.number_of_edges()} edges>"

    def __len__(self) -> int:
        return self.graph.number_of_nodes()

    def __contains__(self, node_id: object) -> bool:
        return node_id in self.graph

    @property
    def index(self) -> TermIndex:
        """The term index, built on first use (a trace by ids never needs it)."""
        if self._index is None:
            from .resolve import TermIndex  # only term lookups need it; a load does not

            key = self._cache_key
            state = cache.read(key, "index") if key else None
            if isinstance(state, tuple):  # else none, or a damaged entry: rebuild it
                try:
                    self._index = TermIndex.from_state(state)
                except (TypeError, ValueError, AttributeError):  # a damaged entry: rebuild it
                    pass
            if self._index is None:
                self._index = TermIndex({n: _names(n, d) for n, d in self.graph.nodes(data=True)})
                if key:
                    cache.write(key, "index", self._index.state)
        return self._index

    def node(self, node_id: str) -> Node:
        """Return the node with this id.

        >>> kg.node("sciatic-nerve").label
        'sciatic nerve'
        """
        node = self._nodes.get(node_id)
        if node is None:
            if node_id not in self.graph:
                import difflib  # only a miss pays for it

                close = difflib.get_close_matches(node_id, list(self.graph), n=3, cutoff=0.6)
                raise UnknownTermError(node_id, close or self.index.suggest(node_id))
            node = self._nodes[node_id] = Node.from_data(node_id, self.graph.nodes[node_id])
        return node

    def resolve(self, term: str) -> Node:
        """Return the node a label, synonym, code, id or near spelling names.

        >>> kg.resolve("coxarthrosis").id
        'hip-osteoarthritis'
        """
        if term in self.graph:
            return self.node(term)
        try:
            return self.node(self.index.resolve(term).node_id)
        except UnknownTermError:
            # One vocabulary (MODEL.md section 7): what the trace reads as one finding, the resolver
            # names too ("pain worse with lumbar extension" is lumbar extension, as it acts).
            if isinstance(term, str) and term.strip():
                reading = self.read(term)
                nodes = {s.node.id for s in reading.spans if s.node is not None}
                told = {n for n in nodes if not DEMOGRAPHIC.match(n)}  # "he fell down …" names the fall
                nodes = told or nodes
                if len(nodes) == 1 and not reading.unread:
                    return self.node(nodes.pop())
            raise

    def match(self, term: str) -> Match:
        """Like :meth:`resolve`, but also say how well and under which name it matched."""
        if term in self.graph:
            from .resolve import Match

            return Match(term, 1.0, term)
        return self.index.resolve(term)

    def search(self, text: str, *, limit: int = 10, kind: Kind | str | None = None) -> list[Node]:
        """Return the nodes best matching *text*, best first.

        >>> kg.search("groin")[0].kind.value in {"region", "symptom"}
        True
        """
        matches = self.index.search(text, limit=limit if kind is None else max(limit * 10, 100))
        nodes = [self.node(m.node_id) for m in matches]
        if kind is not None:
            nodes = [n for n in nodes if n.kind == Kind(kind)]
        return nodes[:limit]

    def edges(
        self, source: str | None = None, relation: Relation | str | None = None, target: str | None = None
    ) -> list[Edge]:
        """Return the edges matching every given end and relation, sorted.

        >>> kg.edges("hip-osteoarthritis", "treated-by")[0].relation.value
        'treated-by'
        """
        return sorted(iter_edges(self.graph, source, relation, target), key=_edge_order)

    def subgraph(self, center: str | Iterable[str], depth: int = 1) -> nx.MultiDiGraph:
        """Return the nodes within *depth* hops of *center* (either direction), as a view."""
        return neighbourhood(self.graph, [self.resolve(c).id for c in _as_list(center)], depth)

    def stats(self) -> dict:
        """Counts per kind and relation and evidence coverage, for ``painkg stats``."""
        return stats(self.graph)

    def read(self, text: str) -> Reading:
        """Read free text into spans of this KB's nodes; see :func:`painkg.reading.read.read`.

        >>> [(s.node.id, s.polarity) for s in kg.read("no fever, L groin pain").spans]
        [('fever', 'absent'), ('groin-pain', 'present')]
        """
        from ..reading.read import read  # the reading wing loads only for free text

        return read(self, text)

    def trace(self, observations: Iterable[str | Reading] | str | Reading, **options) -> TraceResult:
        """Rank the candidate sources of these observations; see :func:`painkg.trace.infer.trace`."""
        from ..trace.infer import trace

        return trace(self, observations, **options)

    def settings(self) -> tuple[Setting, ...]:
        """Return the settings a trace can assume (``setting=``), the default first, with references."""
        from ..trace.settings import settings

        return settings(self.graph)


def _names(node_id: str, data: dict) -> Iterator[tuple[str, float]]:
    yield data["label"], 1.0
    yield node_id, 1.0
    for synonym in data.get("synonyms", ()):
        yield synonym, 0.99
    for code in data.get("codes", ()):
        yield code, 1.0
        yield code.partition(":")[2], 0.98


def _as_list(value) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def _edge_order(edge: Edge):
    return (edge.source, edge.relation.value, edge.target)


def iter_edges(graph: nx.MultiDiGraph, source=None, relation=None, target=None) -> Iterator[Edge]:
    """Yield :class:`Edge` records of *graph* matching the given ends and relation."""
    relation = Relation(relation) if relation is not None else None
    triples: Iterable[tuple[str, str, str, dict[str, Any]]]
    if source is not None:
        triples = graph.out_edges(source, keys=True, data=True) if source in graph else ()
    elif target is not None:
        triples = graph.in_edges(target, keys=True, data=True) if target in graph else ()
    else:
        triples = graph.edges(keys=True, data=True)
    for s, t, r, data in triples:
        if (relation is None or r == relation) and (target is None or t == target):
            yield Edge(s, Relation(r), t, **data)


def neighbourhood(graph: nx.MultiDiGraph, centers: list[str], depth: int) -> nx.MultiDiGraph:
    """Return the subgraph view of nodes within *depth* undirected hops of *centers*."""
    seen = set(centers)
    frontier = set(centers)
    for _ in range(depth):
        if not frontier:  # everything reachable is in: more hops add nothing (depth may be 10**25)
            break
        nxt: set[str] = set()
        for n in frontier:
            nxt.update(graph.successors(n))
            nxt.update(graph.predecessors(n))
        frontier = nxt - seen
        seen |= frontier
    return graph.subgraph(seen)


def stats(graph: nx.MultiDiGraph) -> dict:
    """Count nodes per kind, edges per relation, and evidence coverage."""
    kinds = Counter(str(d["kind"]) for _, d in graph.nodes(data=True))
    relations: Counter = Counter()
    cited = numbered = literature = 0
    for _, _, r, d in graph.edges(keys=True, data=True):
        relations[str(r)] += 1
        refs = d.get("references", ())
        cited += bool(refs)
        literature += any(k not in EVIDENCE_KEYWORDS for k in refs)
        numbered += any(c in d for c in NUMBER_COLUMNS)
    edges = graph.number_of_edges()
    codes = sum(len(d.get("codes", ())) for _, d in graph.nodes(data=True))
    return {
        "nodes": graph.number_of_nodes(),
        "edges": edges,
        "kinds": dict(sorted(kinds.items())),
        "relations": dict(sorted(relations.items())),
        "edges_with_evidence": cited,
        "edges_with_literature": literature,
        "edges_with_numbers": numbered,
        "codes": codes,
        "red_flags": sum(bool(d.get("red_flag")) for _, d in graph.nodes(data=True)),
    }
