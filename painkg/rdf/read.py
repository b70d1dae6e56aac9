"""Read RDF back into a KnowledgeGraph: losslessly, and without touching the network.

The inverse of :func:`painkg.rdf.to_rdf` (the mapping is documented there and in
``docs/RDF.md``).  :func:`parse` reads exactly the one file it is given and
refuses JSON-LD remote contexts and RDF/XML external entities before rdflib sees
them.  Imported lazily (``painkg.from_rdf``), like rdflib itself.

Examples
--------
>>> back = from_rdf(painkg.to_rdf(kg))
>>> back.graph.number_of_edges() == kg.graph.number_of_edges()
True
"""

from __future__ import annotations

import json
import os
import re
import warnings
from collections import defaultdict
from pathlib import Path

import networkx as nx
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS

from ..errors import RDFError
from ..kb.graph import KnowledgeGraph, from_graph
from .ntriples import CLUSTER, NODE, REFERENCE, SETTING, code_curie, reference_key
from .export import _ENUMS, PAINKG, _format, _terms, new_graph
from ..kb.vocab import ID_PATTERN, NUMBER_COLUMNS, Area, Grade, Kind, Population, Qualifier, Role

__all__ = ["parse", "from_rdf"]


_EXTERNAL_XML = re.compile(r"<!(?:DOCTYPE|ENTITY)\b[^>]*?\b(?:SYSTEM|PUBLIC)\b")


def parse(source: str | os.PathLike, *, format: str | None = None) -> Graph:
    """Parse one RDF file without touching the network or any other file.

    The file is read here and handed to rdflib as text, so rdflib never opens a
    URL itself; JSON-LD with a remote ``@context`` (or ``@import``) and RDF/XML
    declaring external entities or DTDs are refused before parsing.

    Raises
    ------
    RDFError
        Unreadable, unsafe or malformed input, or an unknown suffix.
    """
    path = Path(source)
    fmt = _format(path, format)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise RDFError(f"{path}: cannot read ({exc.strerror or exc})") from exc
    except UnicodeDecodeError as exc:
        raise RDFError(f"{path}: not UTF-8 ({exc.reason} at byte {exc.start})") from exc
    if fmt == "json-ld":
        _check_jsonld(path, text)
    elif fmt == "xml" and _EXTERNAL_XML.search(text):
        raise RDFError(f"{path}: external XML entities or DTDs are not allowed (allowed: self-contained RDF/XML)")
    graph = new_graph()
    try:
        with warnings.catch_warnings():  # rdflib's JSON-LD parser uses its own deprecated ConjunctiveGraph
            warnings.filterwarnings("ignore", "ConjunctiveGraph is deprecated", DeprecationWarning)
            graph.parse(data=text, format=fmt, publicID=path.resolve().as_uri())
    except Exception as exc:  # rdflib raises many types; every one means "bad input" here
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise RDFError(f"{path}: not valid {fmt} ({first})") from exc
    return graph


def _check_jsonld(path: Path, text: str) -> None:
    try:
        document = json.loads(text)
    except ValueError as exc:
        raise RDFError(f"{path}: not valid JSON ({exc})") from exc
    stack = [document]
    while stack:  # any string @context (or @import) would make rdflib fetch it
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, dict):
            context = item.get("@context")
            contexts = context if isinstance(context, list) else [context]
            if "@import" in item or any(isinstance(c, str) for c in contexts):
                raise RDFError(f"{path}: remote JSON-LD @context is not allowed (allowed: inline @context objects)")
            stack.extend(item.values())


# -- lossless import ------------------------------------------------------------------------------

def from_rdf(source: Graph | str | os.PathLike, *, format: str | None = None) -> KnowledgeGraph:
    """Read a knowledge base back from RDF written by :func:`to_rdf` or :func:`export`.

    ``from_rdf(to_rdf(kg))`` has the same nodes, edges, attributes and references as *kg*.

    Parameters
    ----------
    source : rdflib.Graph or path
        A graph, or a ``.ttl``/``.nt``/``.jsonld``/``.rdf`` file (parsed by :func:`parse`).

    Raises
    ------
    RDFError
        Listing every problem found (an edge without evidence, an unknown class…).

    Examples
    --------
    >>> back = from_rdf(painkg.to_rdf(kg))
    >>> back.graph.nodes["hip-osteoarthritis"] == kg.graph.nodes["hip-osteoarthritis"]
    True
    """
    graph = source if isinstance(source, Graph) else parse(source, format=format)
    reader = _Reader(graph)
    nodes = reader.nodes()
    edges = reader.edges(nodes)
    references = reader.references()
    tables = reader.model_tables(nodes)
    if reader.problems:
        noun = "problem" if len(reader.problems) == 1 else "problems"
        raise RDFError(f"{len(reader.problems)} {noun} reading RDF:\n" + "\n".join(reader.problems))
    result = nx.MultiDiGraph(**tables)
    result.add_nodes_from(sorted(nodes.items()))
    result.add_edges_from((s, t, r, d) for (s, r, t), d in sorted(edges.items()))
    return from_graph(result, references)


class _Reader:
    """Interpret a graph's triples as painkg nodes, edges and references, collecting problems."""

    def __init__(self, graph: Graph) -> None:
        self.problems: list[str] = []
        self.prefixes = graph.namespace_manager
        self.facts: dict = defaultdict(lambda: defaultdict(list))  # subject → predicate → objects
        self.direct: set[tuple] = set()
        t = _terms()
        self.kinds = {v: k for k, v in t["kind"].items()}
        self.relations = {v: k for k, v in t["relation"].items()}
        self.values = {e: {iri: v for v, iri in t["value"][e].items()} for e in _ENUMS}
        self.numbers = t["number"]
        for s, p, o in graph:
            self.facts[s][p].append(o)
            if p in self.relations:
                self.direct.add((s, p, o))

    def _name(self, term) -> str:
        return term.n3(self.prefixes) if isinstance(term, URIRef) else repr(str(term))

    def _problem(self, subject, message: str) -> None:
        self.problems.append(f"{self._name(subject)}: {message}")

    def _one(self, subject, predicate, *, required: bool = False):
        values = self.facts[subject].get(predicate, [])
        if len(values) > 1 or (required and not values):
            self._problem(subject, f"needs {'exactly' if required else 'at most'} one {self._name(predicate)} "
                                   f"(found {len(values)})")
        return values[0] if values else None

    def _text(self, subject, predicate, *, required: bool = False) -> str:
        value = self._one(subject, predicate, required=required)
        if value is not None and not isinstance(value, Literal):
            self._problem(subject, f"{self._name(predicate)} must be text, not {self._name(value)}")
        return "" if value is None else str(value)

    def _number(self, subject, predicate) -> float | None:
        value = self._one(subject, predicate)
        try:
            return None if value is None else float(str(value))
        except ValueError:
            self._problem(subject, f"{self._name(predicate)} {value!r} is not a number")
            return None

    def _value(self, subject, predicate, enum, default=None):
        value = self._one(subject, predicate)
        if value is None:
            return default
        if value not in self.values[enum]:
            allowed = ", ".join(self._name(iri) for iri in self.values[enum].values())
            self._problem(subject, f"{self._name(predicate)} {self._name(value)} is unknown (allowed: {allowed})")
            return default
        return self.values[enum][value]

    def _list(self, head) -> list:
        items, seen = [], set()
        while head != RDF.nil:
            if head in seen or RDF.first not in self.facts[head]:
                self._problem(head, "not a well-formed rdf:List")
                return items
            seen.add(head)
            items.append(self._one(head, RDF.first))
            head = self._one(head, RDF.rest, required=True)
        return items

    def _items(self, subject, plain, ordered) -> list:
        """Return the ordered list if there is one, else the plain values sorted."""
        head = self._one(subject, ordered)
        if head is None:
            return sorted(self.facts[subject].get(plain, []))
        items = self._list(head)
        if set(items) != set(self.facts[subject].get(plain, [])):
            self._problem(subject, f"{self._name(ordered)} and {self._name(plain)} disagree")
        return items

    def _node_id(self, iri) -> str | None:
        node_id = str(iri)[len(NODE):] if str(iri).startswith(NODE) else ""
        return node_id if ID_PATTERN.match(node_id) else None

    def nodes(self) -> dict[str, dict]:
        nodes = {}
        for subject, facts in list(self.facts.items()):
            kinds = [self.kinds[c] for c in facts.get(RDF.type, []) if c in self.kinds]
            if not kinds:
                continue
            node_id = self._node_id(subject)
            if node_id is None or len(kinds) > 1:
                self._problem(subject, f"a node needs an IRI {NODE}<kebab-case id> and one painkg class")
                continue
            nodes[node_id] = self._node(subject, kinds[0])
        return nodes

    def _node(self, subject, kind: Kind) -> dict:
        codes = []
        for iri in self._items(subject, PAINKG.code, PAINKG.codeList):
            curie = code_curie(str(iri))
            if curie is None:
                self._problem(subject, f"code {self._name(iri)} is not an HPO or ICD-10-CM IRI")
            else:
                codes.append(curie)
        red_flag = self._one(subject, PAINKG.redFlag)
        prior = self._value(subject, PAINKG.priorGrade, Grade)
        if prior is None:
            prior = self._number(subject, PAINKG.priorProbability)
        role = self._value(subject, PAINKG.role, Role)
        return {
            **({"role": role} if role is not None else {}),  # an ordinary source has no role key
            "kind": kind,
            "label": self._text(subject, SKOS.prefLabel, required=True),
            "synonyms": tuple(str(s) for s in self._items(subject, SKOS.altLabel, PAINKG.synonymList)),
            "codes": tuple(codes),
            "region": self._value(subject, PAINKG.region, Area, Area.OTHER),
            "definition": self._text(subject, SKOS.definition),
            "red_flag": bool(red_flag is not None and red_flag.toPython() is True),
            "prior": prior,
            "references": self._references(subject),
        }

    def _references(self, subject) -> tuple[str, ...]:
        iris = self._items(subject, PROV.wasDerivedFrom, PAINKG.referenceList)
        bad = [i for i in iris if not str(i).startswith(REFERENCE)]
        if bad:
            self._problem(subject, f"evidence {self._name(bad[0])} is not a painkg reference ({REFERENCE}<key>)")
        return tuple(reference_key(str(i)) for i in iris if i not in bad)

    def edges(self, nodes: dict) -> dict[tuple, dict]:
        edges: dict[tuple, dict] = {}
        for subject, facts in list(self.facts.items()):
            if RDF.Statement not in facts.get(RDF.type, []):
                continue
            triple = (self._one(subject, RDF.subject, required=True), self._one(subject, RDF.predicate, required=True),
                      self._one(subject, RDF.object, required=True))
            if triple not in self.direct:
                self._problem(subject, "describes an edge that the graph does not assert")
                continue
            self.direct.discard(triple)
            key = self._edge_key(subject, triple, nodes)
            if key is not None:
                edges[key] = self._evidence(subject)
        for s, p, o in sorted(self.direct):
            self.problems.append(f"{self._name(s)} {self._name(p)} {self._name(o)}: edge without evidence "
                                 f"(no rdf:Statement with its strength and references)")
        return edges

    def _edge_key(self, subject, triple, nodes) -> tuple | None:
        s, p, o = (self._node_id(triple[0]), self.relations[triple[1]], self._node_id(triple[2]))
        if s not in nodes or o not in nodes:
            self._problem(subject, "an end of this edge is not a node of the graph")
            return None
        if nodes[s]["kind"] not in p.domain or nodes[o]["kind"] not in p.range:
            self._problem(subject, f"{s} is a {nodes[s]['kind'].value}, {o} a {nodes[o]['kind'].value}; "
                                   f"{p.value} goes from {', '.join(sorted(p.domain))} "
                                   f"to {', '.join(sorted(p.range))}")
        return s, p, o

    def _evidence(self, subject) -> dict:
        data = {"strength": self._value(subject, PAINKG.strength, Grade)}
        if data["strength"] is None:
            self._problem(subject, "an edge needs a painkg:strength")
        for column in NUMBER_COLUMNS:
            value = self._number(subject, self.numbers[column])
            if value is not None:
                data[column] = value
        qualifier = self._value(subject, PAINKG.qualifier, Qualifier)
        if qualifier is not None:
            data["qualifier"] = qualifier
        population = self._value(subject, PAINKG.population, Population)
        if population is not None:
            data["population"] = population
        note = self._text(subject, RDFS.comment)
        if note:
            data["note"] = note
        data["references"] = self._references(subject)
        if not data["references"]:
            self._problem(subject, "an edge needs evidence (prov:wasDerivedFrom a reference)")
        return data

    def references(self) -> dict[str, dict[str, str]]:
        references = {}
        for subject, facts in self.facts.items():
            if PAINKG.Reference in facts.get(RDF.type, []):
                key = self._text(subject, DCTERMS.identifier, required=True)
                references[key] = {"key": key, "citation": self._text(subject, DCTERMS.bibliographicCitation),
                                   "pmid": self._text(subject, PAINKG.pmid), "doi": self._text(subject, PAINKG.doi),
                                   "status": self._text(subject, PAINKG.status)}
                if PAINKG.seen in facts:
                    references[key]["seen"] = self._text(subject, PAINKG.seen)
        return dict(sorted(references.items()))

    # -- the model tables (graph.graph): settings, priors, clusters ---------------------------------

    def _slug(self, iri, base: str) -> str | None:
        slug = str(iri)[len(base):] if str(iri).startswith(base) else ""
        return slug if ID_PATTERN.match(slug) else None

    def _typed(self, cls) -> list:
        return sorted(s for s, facts in self.facts.items() if cls in facts.get(RDF.type, []))

    def _node_ref(self, subject, predicate, nodes: dict, *, required: bool = True) -> str | None:
        value = self._one(subject, predicate, required=required)
        node_id = None if value is None else self._node_id(value)
        if value is not None and node_id not in nodes:
            self._problem(subject, f"{self._name(predicate)} {self._name(value)} is not a node of the graph")
        return node_id

    def _row_end(self, subject) -> dict:
        return {"references": self._references(subject), "note": self._text(subject, RDFS.comment)}

    def model_tables(self, nodes: dict) -> dict:
        """Return ``{"settings", "priors", "clusters"}`` as the loader builds them (see :mod:`painkg.kb.validate`)."""
        settings, priors, clusters = {}, {}, {}
        for subject in self._typed(PAINKG.Setting):
            setting = self._slug(subject, SETTING)
            if setting is None:
                self._problem(subject, f"a setting needs an IRI {SETTING}<kebab-case id>")
                continue
            settings[setting] = {"label": self._text(subject, SKOS.prefLabel, required=True),
                                 "description": self._text(subject, DCTERMS.description),
                                 "default_prior": self._number(subject, PAINKG.defaultPrior), **self._row_end(subject)}
        for subject in self._typed(PAINKG.Prior):
            value = self._one(subject, PAINKG.setting, required=True)
            setting = None if value is None else self._slug(value, SETTING)
            if value is not None and setting not in settings:
                self._problem(subject, f"painkg:setting {self._name(value)} is not a setting of the graph")
            condition = self._node_ref(subject, PAINKG.condition, nodes)
            among = tuple(self._node_id(n) for n in self._items(subject, PAINKG.among, PAINKG.amongList))
            if not all(n in nodes for n in among):
                self._problem(subject, "painkg:among names something that is not a node of the graph")
            priors[setting, condition] = {"prevalence": self._number(subject, PAINKG.prevalence), "among": among,
                                          **self._row_end(subject)}
        for subject in self._typed(PAINKG.Cluster):
            cluster = self._slug(subject, CLUSTER)
            if cluster is None:
                self._problem(subject, f"a cluster needs an IRI {CLUSTER}<kebab-case id>")
                continue
            clusters[cluster] = self._cluster(subject, nodes)
        return {"settings": settings, "priors": dict(sorted(priors.items(), key=str)), "clusters": clusters}

    def _cluster(self, subject, nodes: dict) -> dict:
        members = []
        for iri in self._items(subject, PAINKG.member, PAINKG.memberList):
            if self._node_id(iri) not in nodes:
                self._problem(subject, f"member {self._name(iri)} is not a node of the graph")
            members.append(self._node_id(iri))
        rules = []
        for rule in self._items(subject, PAINKG.rule, PAINKG.ruleList):
            at_least = self._one(rule, PAINKG.atLeast, required=True)
            if at_least is not None and not (isinstance(at_least, Literal) and str(at_least).isdigit()):
                self._problem(rule, f"painkg:atLeast {self._name(at_least)} is not a whole number")
            data = {"at_least": int(str(at_least)) if at_least is not None and str(at_least).isdigit() else None}
            for column in ("sensitivity", "specificity", "lr_positive", "lr_negative"):
                number = self._number(rule, self.numbers[column])
                if number is not None:
                    data[column] = number
            rules.append({**data, **self._row_end(rule)})
        return {"label": self._text(subject, SKOS.prefLabel, required=True),
                "condition": self._node_ref(subject, PAINKG.condition, nodes, required=False),
                "members": tuple(members), "rules": rules}
