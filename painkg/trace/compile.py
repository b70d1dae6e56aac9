"""Compile the graph into a diagnostic table: one cited likelihood per hypothesis and observable.

The graph is the single source of knowledge; the trace does not walk it per query.
For each *observable* (a symptom, finding, test, history item, or an activity with
the way it acts) the table holds, for every hypothesis that can produce it, **one**
number and its **justification** — the edge or the one path it came from
(``docs/MODEL.md`` section 1):

* a number published for that pair (sensitivity, frequency, likelihood ratio) wins;
* otherwise the single strongest *admissible* path (product of strengths), never a
  noisy-OR over paths: paths through shared anatomy or citing one study are not
  independent evidence;
* where the KB says nothing, nothing is stored: the trace uses the leak.

Admissible paths (section 2) follow only relations whose cause end is declared in
:mod:`painkg.kb.vocab`; structural relations (located-in, attaches-to, branch-of,
innervated-by) carry no cause there, so a root lesion never explains the territory of
every nerve it feeds.  A path never runs *through* an exam finding, a pain mechanism
("referred pain", "altered gait") or a syndrome; a subtype inherits what its parent
produces (``L5 radiculopathy —is a kind of→ sciatica —presents with→ positive SLR``).

Hypotheses (section 3) are the most specific sources: conditions without subtypes
that are neither syndromes nor combinations.  A source that ``leads-to`` a syndrome
(disc herniation → L5 radiculopathy) is also a hypothesis *with* that syndrome, whose
prior is the source's times the chance of the syndrome, and whose likelihoods are the
best of the two; so a cause explains a radicular picture through its one root level.

The table is plain data (tuples, dicts, strings), so it is cached like the KB.  Rows
are compiled on first use and remembered: the bundled KB compiles whole in well under
a second, and a million-edge graph compiles only the rows a trace asks for.

Examples
--------
>>> table = diagnostic_table(kg.graph)
>>> entry = table.row(("groin-pain", ""))["hip-osteoarthritis"]
>>> entry.published, round(entry.probability, 3)
(True, 0.843)
>>> print(table.describe(entry.justification))
hip osteoarthritis —presents with→ groin pain
"""

from __future__ import annotations

import hashlib
import weakref
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:  # only annotations name it: a trace served from the cache never imports networkx
    import networkx as nx

from ..kb import cache
from ..kb.memory import collector_paused
from ..kb.vocab import Cause, Grade, Kind, Relation, Role
from . import scoring

__all__ = [
    "DiagnosticTable", "Entry", "Hypothesis", "Link", "ObservableKey", "diagnostic_table",
    "OBSERVABLE_KINDS", "MAX_DEPTH", "SYNDROME_SHARE",
]

#: Kinds a patient can present with; a condition may be named as known ("sciatica", "known hip OA").
OBSERVABLE_KINDS = frozenset({Kind.SYMPTOM, Kind.FINDING, Kind.TEST, Kind.ACTIVITY, Kind.CONDITION})
#: Graphs up to this many edges keep their whole compiled table in painkg's cache.
CACHED_EDGES = 50_000
#: Longest justification, in edges.
MAX_DEPTH = 4
#: Weakest path kept: below it a path cannot move a score visibly.
MIN_PATH = 1e-3
#: Most of a source's prior its syndromes may take together; the rest is the source
#: without any of them (a disc herniation without radiculopathy).  A stated default.
SYNDROME_SHARE = 0.8
#: Likelihood that a named condition ("sciatica") is named when the hypothesis is it or a kind of it.
NAMED_CONDITION = 0.9
#: Relations through which a source produces an observable directly (their number, if any, is published).
_PRODUCING = frozenset({Relation.PRESENTS_WITH, Relation.DIAGNOSED_BY, Relation.REFERS_TO,
                        Relation.AGGRAVATED_BY, Relation.RELIEVED_BY})
#: Nodes a path may pass through.  Findings are observations, never causes; mechanisms are hubs.
_INTERMEDIATE = frozenset({Kind.CONDITION, Kind.STRUCTURE, Kind.MUSCLE, Kind.NERVE})

_RELATIONS = {r.value: r for r in Relation}

#: An observable: a node id and, for an activity, how it acts ("aggravated-by"); "" otherwise.
ObservableKey = tuple[str, str]


class Link(NamedTuple):
    """One step of a justification as written in the KB, with its strength."""

    source: str
    relation: Relation
    target: str
    probability: float


class Entry(NamedTuple):
    """What the table holds for one hypothesis and one observable.

    ``probability`` is P(observable | hypothesis) from the justification alone.  When
    ``published`` it is the pair's own published figure and is used as it is; otherwise
    the observable may still occur for other reasons (the leak, added at trace time).
    ``lr_positive`` / ``lr_negative`` are set when the justifying edge publishes them
    (or its sensitivity and specificity), and then override the ratio against the leak.
    """

    probability: float
    published: bool
    justification: int  # index into DiagnosticTable.justifications
    lr_positive: float | None = None
    lr_negative: float | None = None


class Hypothesis(NamedTuple):
    """A candidate source: a condition, possibly with the syndrome it causes."""

    id: str
    source: str  # the condition
    syndrome: str | None  # "l5-radiculopathy" when the source explains the picture through it
    share: float  # fraction of the source's prior


class DiagnosticTable:
    """Likelihood rows compiled from one graph; see the module docstring.

    Attributes
    ----------
    hypotheses : dict of id to Hypothesis
        The mutually exclusive sources a trace ranks.
    ancestors : dict of condition id to tuple of ids
        Every broader condition (``subtype-of``, transitively), nearest first.
    justifications : list of tuple of Link
        Shared by the rows; an entry names one by index.
    """

    def __init__(self, graph: nx.MultiDiGraph) -> None:
        self.graph = graph
        nodes = graph.nodes
        conditions = [n for n, d in nodes(data=True) if d["kind"] is Kind.CONDITION]
        parents: dict[str, list[str]] = {c: [] for c in conditions}
        for s, t, r in graph.edges(keys=True):
            if r == Relation.SUBTYPE_OF:
                parents[s].append(t)
        self.ancestors: dict[str, tuple[str, ...]] = {c: _ancestors(c, parents) for c in conditions}
        has_subtype = {p for ps in parents.values() for p in ps}
        self.roles: dict[str, Role | None] = {c: nodes[c].get("role") for c in conditions}
        self.syndromes = frozenset(c for c, r in self.roles.items() if r is Role.SYNDROME)
        self.justifications: list[tuple[Link, ...]] = []
        self._justification_ids: dict[tuple[Link, ...], int] = {}
        self._index: dict[str, list[tuple[str, Link]]] | None = None  # built on the first row compiled
        self._rows: dict[ObservableKey, dict[str, Entry]] = {}
        self._direct: dict[str, dict[ObservableKey, tuple[Link, Mapping]]] = {}
        self.hypotheses = self._hypotheses(conditions, has_subtype)
        self._by_condition: dict[str, list[str]] = {}
        for h in self.hypotheses.values():
            for c in (h.source, h.syndrome):
                if c is not None:
                    self._by_condition.setdefault(c, []).append(h.id)
        #: What the trace derives from this graph and keeps: priors per setting, treatments, tests.
        self.memo: dict = {}
        #: Whether every compiled entry's mechanism paths are in ``memo`` (a table read from the cache).
        self._mechanisms_complete = False

    @property
    def _causes(self) -> dict[str, list[tuple[str, Link]]]:
        if self._index is None:
            self._index = _reverse_index(self.graph, self.syndromes)
        return self._index

    # -- plain data, for painkg's cache ------------------------------------------------------

    @property
    def state(self) -> dict:
        """Every row, compiled, as plain data (what :func:`diagnostic_table` keeps in the cache)."""
        self.compile_all()
        plain = lambda links: tuple((x.source, x.relation.value, x.target, x.probability) for x in links)  # noqa: E731
        return {
            "hypotheses": {k: tuple(h) for k, h in self.hypotheses.items()},
            "justifications": [plain(links) for links in self.justifications],
            "rows": {key: {h: tuple(e) for h, e in row.items()} for key, row in self._rows.items()},
            "mechanisms": {(k[1], k[2]): tuple(plain(p) for p in v) for k, v in self.memo.items()
                           if k[0] == "mechanisms" and v},
        }

    def restore(self, state: Mapping) -> None:
        """Take the rows of an earlier :attr:`state` of the same graph and code."""
        hypotheses = {k: Hypothesis(*h) for k, h in state["hypotheses"].items()}
        if hypotheses != self.hypotheses:
            raise ValueError("the cached table was compiled from other hypotheses")
        relations = _RELATIONS  # a dict lookup: calling the enum for each of thousands of links is slower
        self.justifications = [tuple([Link(s, relations[r], t, p) for s, r, t, p in links])
                               for links in state["justifications"]]
        self._justification_ids = {links: i for i, links in enumerate(self.justifications)}
        self._rows = {tuple(key): {h: Entry(*e) for h, e in row.items()} for key, row in state["rows"].items()}
        for (source, target), paths in state["mechanisms"].items():
            self.memo[("mechanisms", source, target)] = tuple(
                tuple([Link(s, relations[r], t, p) for s, r, t, p in links]) for links in paths)
        self._mechanisms_complete = True

    # -- hypotheses --------------------------------------------------------------------------

    def _hypotheses(self, conditions: list[str], has_subtype: set[str]) -> dict[str, Hypothesis]:
        out: dict[str, Hypothesis] = {}
        caused: set[str] = set()
        for c in sorted(conditions):
            if self.roles[c] is not None or c in has_subtype:
                continue
            leads = self._syndromes_of(c)
            caused.update(s for s, _ in leads)
            total = sum(p for _, p in leads)
            scale = SYNDROME_SHARE / total if total > SYNDROME_SHARE else 1.0
            out[c] = Hypothesis(c, c, None, 1.0 - total * scale)
            for s, p in leads:
                out[f"{c}+{s}"] = Hypothesis(f"{c}+{s}", c, s, p * scale)
        # A syndrome no source in the KB leads to is its own candidate (cause not modelled).
        for s in sorted(self.syndromes - caused):
            if s not in has_subtype:
                out[s] = Hypothesis(s, s, None, 1.0)
        return out

    def _syndromes_of(self, condition: str) -> list[tuple[str, float]]:
        """The most specific syndromes a condition leads to, with the chance of each."""
        found: dict[str, float] = {}
        for _, t, r, data in self.graph.out_edges(condition, keys=True, data=True):
            if r == Relation.LEADS_TO and t in self.syndromes:
                found[t] = max(found.get(t, 0.0), scoring.edge_probability(data))
        return sorted(found.items())

    # -- rows --------------------------------------------------------------------------------

    def row(self, key: ObservableKey) -> dict[str, Entry]:
        """Return ``{hypothesis id: Entry}`` for one observable, compiling it on first use."""
        found = self._rows.get(key)
        if found is None:
            with collector_paused():
                found = self._rows[key] = self._compile_row(key)
        return found

    def observables(self) -> Iterator[ObservableKey]:
        """Yield every observable of the graph (each activity twice: aggravating and relieving)."""
        for n, d in self.graph.nodes(data=True):
            kind = d["kind"]
            if kind is Kind.ACTIVITY:
                yield (n, Relation.AGGRAVATED_BY.value)
                yield (n, Relation.RELIEVED_BY.value)
            elif kind in OBSERVABLE_KINDS:
                yield (n, "")

    def compile_all(self) -> None:
        """Compile every row now (for the cache), instead of on first use, and each entry's mechanisms."""
        for key in self.observables():
            self.row(key)
        if not self._mechanisms_complete:
            for (target, _), row in list(self._rows.items()):
                for h in row:
                    self.mechanisms(self.hypotheses[h].source, target)
            self._mechanisms_complete = True

    def _compile_row(self, key: ObservableKey) -> dict[str, Entry]:
        target, how = key
        kind = self.graph.nodes[target]["kind"]
        if kind is Kind.CONDITION:
            return self._named_condition_row(target)
        best = self._best_paths(target, Relation(how) if how else None)
        row: dict[str, Entry] = {}
        # Only hypotheses whose source or syndrome the search reached can have an entry (a parent's
        # edge reaches its subtypes through subtype-of): on a big graph, a few of many thousands.
        reached = sorted({h for c in best for h in self._by_condition.get(c, ())})
        for h in (self.hypotheses[x] for x in reached):
            entry = self._entry(h.source, key, best)
            if h.syndrome is not None:
                via = self._entry(h.syndrome, key, best, lead=(h.source, h.syndrome))
                if via is not None and (entry is None or _stronger(via, entry)):
                    entry = via
            if entry is not None:
                row[h.id] = entry
        return row

    def _entry(self, condition: str, key: ObservableKey, best: dict[str, tuple[float, tuple[Link, ...]]],
               lead: tuple[str, str] | None = None) -> Entry | None:
        """The one entry of *condition* (or its nearest ancestor) for an observable."""
        prefix: tuple[Link, ...] = ()
        if lead is not None:  # the source's step into its syndrome, shown first
            data: Mapping = self.graph.edges[lead[0], lead[1], Relation.LEADS_TO]
            prefix = (Link(lead[0], Relation.LEADS_TO, lead[1], scoring.edge_probability(data)),)
        # A number published for the pair wins; a subtype's own number before its parent's.
        for c in (condition, *self.ancestors.get(condition, ())):
            direct = self._direct_edges(c).get(key)
            if direct is not None:
                link, data = direct
                published = _published(data)
                if published is not None:
                    steps = prefix + self._subtype_steps(condition, c) + (link,)
                    return Entry(published, True, self._justify(steps), *_ratios(data))
        path = best.get(condition)
        if path is None:
            return None
        probability, links = path
        if self.graph.nodes[key[0]].get("red_flag") and sum(x.relation is not Relation.SUBTYPE_OF for x in links) > 1:
            # A red flag is explained only by a condition the KB says raises it (edges-redflags.tsv), not by
            # a walk through anatomy: stenosis narrows the canal the cauda equina runs in, but saddle
            # anaesthesia is cauda equina syndrome's, and a base rate well under 1 % would make that
            # walk strong evidence for stenosis (MODEL.md section 9).
            return None
        return Entry(probability, False, self._justify(prefix + links))

    def _subtype_steps(self, condition: str, ancestor: str) -> tuple[Link, ...]:
        if condition == ancestor:
            return ()
        steps, here = [], condition
        for parent in self.ancestors[condition]:
            if Relation.SUBTYPE_OF in self.graph.succ[here].get(parent, {}):
                steps.append(Link(here, Relation.SUBTYPE_OF, parent, 1.0))
                here = parent
            if here == ancestor:
                break
        return tuple(steps)

    def _direct_edges(self, condition: str) -> dict[ObservableKey, tuple[Link, Mapping]]:
        found = self._direct.get(condition)
        if found is None:
            found = self._direct[condition] = {}
            nodes = self.graph.nodes
            for _, t, r, data in self.graph.out_edges(condition, keys=True, data=True):
                if r not in _PRODUCING or nodes[t]["kind"] not in OBSERVABLE_KINDS:
                    continue
                relation = Relation(r)
                how = relation.value if nodes[t]["kind"] is Kind.ACTIVITY else ""
                link = Link(condition, relation, t, scoring.edge_probability(data))
                known = found.get((t, how))
                # Two edges for one pair (presents-with and diagnosed-by): the published one, then the stronger.
                if known is None or (_published(data) is not None, link.probability) > (
                        _published(known[1]) is not None, known[0].probability):
                    found[(t, how)] = (link, data)
        return found

    def _named_condition_row(self, named: str) -> dict[str, Entry]:
        """A condition the patient is known to have: evidence for it, its subtypes and its causes."""
        row: dict[str, Entry] = {}
        for h in self.hypotheses.values():
            for c in (h.source, h.syndrome):
                if c is not None and (c == named or named in self.ancestors.get(c, ())):
                    steps = self._subtype_steps(c, named)
                    if h.syndrome == c:
                        data = self.graph.edges[h.source, c, Relation.LEADS_TO]
                        steps = (Link(h.source, Relation.LEADS_TO, c, scoring.edge_probability(data)), *steps)
                    row[h.id] = Entry(NAMED_CONDITION, False, self._justify(steps))
                    break
        return row

    def _justify(self, links: tuple[Link, ...]) -> int:
        found = self._justification_ids.get(links)
        if found is None:
            found = self._justification_ids[links] = len(self.justifications)
            self.justifications.append(links)
        return found

    def describe(self, justification: int) -> str:
        """Return a justification as an arrow chain (the trace's :class:`Path` prints the same)."""
        labels = self.graph.nodes
        links = self.justifications[justification]
        if not links:
            return ""
        out = labels[links[0].source]["label"]
        for link in links:
            out += f" —{link.relation.phrase}→ {labels[link.target]['label']}"
        return out

    def mechanisms(self, source: str, target: str, limit: int = 2) -> tuple[tuple[Link, ...], ...]:
        """Up to *limit* paths from *source* to *target* through a pain mechanism (MODEL.md section 9).

        They show **how** a source produces what the patient has (hip osteoarthritis → altered
        gait → lumbar compensatory overload → low back pain, the seed's founding claim); they are
        shown, never counted.  Compensation paths come first, then the stronger.
        """
        key = ("mechanisms", source, target)
        found = self.memo.get(key)
        if found is not None:
            return found
        if self._mechanisms_complete:  # restored from the cache, where every entry's paths were kept
            return ()
        causes, nodes = self._causes, self.graph.nodes
        paths: list[tuple[Link, ...]] = []
        frontier: list[tuple[str, tuple[Link, ...]]] = [(target, ())]
        for _ in range(MAX_DEPTH):
            nxt = []
            for effect, path in frontier:
                for cause, link in causes.get(effect, ()):
                    if link.relation is Relation.SUBTYPE_OF or any(cause in (x.source, x.target) for x in path):
                        continue
                    steps = (link, *path)
                    if cause == source:
                        if any(nodes[x.target]["kind"] is Kind.MECHANISM or nodes[x.source]["kind"] is Kind.MECHANISM
                               for x in steps):
                            paths.append(steps)
                    elif nodes[cause]["kind"] in (Kind.MECHANISM, Kind.MUSCLE, Kind.STRUCTURE):
                        nxt.append((cause, steps))
            frontier = nxt[:200]  # hubs fan out: the strongest few hundred partial paths are enough
        def rank(links: tuple[Link, ...]) -> tuple:
            strength = 1.0
            for x in links:
                strength *= x.probability
            return (not any(x.relation is Relation.COMPENSATES_FOR for x in links), -strength, len(links))
        found = self.memo[key] = tuple(sorted(paths, key=rank)[:limit])
        return found

    # -- search ------------------------------------------------------------------------------

    def _best_paths(self, target: str, first: Relation | None) -> dict[str, tuple[float, tuple[Link, ...]]]:
        """For every node that can produce *target*, its single strongest admissible path.

        A layered max-product search backwards from the observable, at most
        :data:`MAX_DEPTH` edges: O(depth · edges visited), never ``all_simple_paths``.
        Syndromes are reached but not walked through (their causes reach them through
        their own hypotheses), and neither are findings or mechanisms.
        """
        causes = self._causes
        nodes = self.graph.nodes
        best: dict[str, tuple[float, tuple[Link, ...]]] = {}
        frontier: dict[str, tuple[float, tuple[Link, ...]]] = {target: (1.0, ())}
        for level in range(MAX_DEPTH):
            nxt: dict[str, tuple[float, tuple[Link, ...]]] = {}
            for effect, (prob, path) in frontier.items():
                if level and nodes[effect]["kind"] not in _INTERMEDIATE:
                    continue
                # A syndrome passes its presentations down to its subtypes only: its causes
                # reach it through their own hypotheses ("disc herniation + L5 radiculopathy").
                only_subtypes = level > 0 and effect in self.syndromes
                for cause, link in causes.get(effect, ()):
                    if level == 0 and first is not None and link.relation is not first:
                        continue
                    if only_subtypes and link.relation is not Relation.SUBTYPE_OF:
                        continue
                    p = prob * link.probability
                    if p < MIN_PATH:
                        break  # links are sorted strongest first
                    if cause == target or any(step.source == cause or step.target == cause for step in path):
                        continue
                    if p > nxt.get(cause, (0.0,))[0] and p > best.get(cause, (0.0,))[0]:
                        nxt[cause] = (p, (link, *path))
            for node, found in nxt.items():
                if found[0] > best.get(node, (0.0,))[0]:
                    best[node] = found
            frontier = nxt
            if not frontier:
                break
        return best


def _reverse_index(graph: nx.MultiDiGraph, syndromes: frozenset[str]) -> dict[str, list[tuple[str, Link]]]:
    """Effect → [(cause, link)], strongest first, over the causal relations and ``subtype-of``."""
    causes: dict[str, list[tuple[str, Link]]] = {}
    for s, t, r, data in graph.edges(keys=True, data=True):
        relation = Relation(r)
        if relation is Relation.SUBTYPE_OF:
            # The parent's presentations are the subtype's: the subtype "causes" what its parent does.
            causes.setdefault(t, []).append((s, Link(s, relation, t, 1.0)))
            continue
        if relation.cause is Cause.NONE:
            continue
        cause, effect = (s, t) if relation.cause is Cause.SUBJECT else (t, s)
        causes.setdefault(effect, []).append((cause, Link(s, relation, t, scoring.edge_probability(data))))
    for links in causes.values():
        links.sort(key=lambda x: (-x[1].probability, x[0], x[1].relation.value))
    return causes


def _ancestors(condition: str, parents: Mapping[str, list[str]]) -> tuple[str, ...]:
    seen: list[str] = []
    frontier = sorted(parents.get(condition, ()))
    while frontier:
        nxt = []
        for p in frontier:
            if p not in seen and p != condition:
                seen.append(p)
                nxt.extend(sorted(parents.get(p, ())))
        frontier = nxt
    return tuple(seen)


def _published(data: Mapping) -> float | None:
    """The pair's own published P(observable | condition), if the edge has one.

    A number measured in another population (the edge's ``population`` mark: a referred
    spectrum, healthy controls, pooled tests) describes that population, not our patients
    (MODEL.md section 8): the edge counts by its grade (kb-audit2 D7).
    """
    if data.get("population"):
        return None
    for column in ("sensitivity", "frequency"):
        if data.get(column) is not None:
            return float(data[column])
    if data.get("lr_positive") is not None:
        return scoring.GRADE_PROBABILITY[Grade(data["strength"])]  # only the ratio is published
    return None


def _ratios(data: Mapping) -> tuple[float | None, float | None]:
    """Published likelihood ratios of an edge: stated, or from its sensitivity and specificity."""
    positive, negative = data.get("lr_positive"), data.get("lr_negative")
    sensitivity, specificity = data.get("sensitivity"), data.get("specificity")
    if sensitivity is not None and specificity is not None:
        if positive is None and specificity < 1.0:
            positive = sensitivity / (1.0 - specificity)
        if negative is None and specificity > 0.0:
            negative = (1.0 - sensitivity) / specificity
    return positive, negative


def _stronger(a: Entry, b: Entry) -> bool:
    return (a.published, a.probability) > (b.published, b.probability)


_TABLES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def diagnostic_table(graph: nx.MultiDiGraph, *, cache_key: str | None = None) -> DiagnosticTable:
    """Return the diagnostic table of *graph*, built once per graph object.

    With *cache_key* (the key of a KB loaded exactly from painkg's cache), the compiled rows are
    kept in the cache beside the KB, like its term index: a later process reads them instead of
    compiling.  The entry also names a hash of the code that compiles them, so a changed model
    never serves stale rows.
    """
    table = _TABLES.get(graph)
    if table is None:
        table = _TABLES[graph] = DiagnosticTable(graph)
        # A big merged graph compiles only the rows its traces ask for: compiling all to cache
        # them would cost minutes, not milliseconds.
        if cache_key is not None and graph.number_of_edges() <= CACHED_EDGES:
            digest = _code_digest()
            entry = cache.read(cache_key, "diagnosis")
            try:
                if not isinstance(entry, dict) or entry.get("digest") != digest:
                    raise ValueError("no entry for this code")
                table.restore(entry["state"])
            except (KeyError, TypeError, ValueError):  # none, stale or damaged: compile and keep it
                table = _TABLES[graph] = DiagnosticTable(graph)
                cache.write(cache_key, "diagnosis", {"digest": digest, "state": table.state})
    return table


def _code_digest() -> str:
    digest = hashlib.blake2b(digest_size=16)
    for name in ("compile.py", "scoring.py"):
        digest.update((Path(__file__).parent / name).read_bytes())
    return digest.hexdigest()

