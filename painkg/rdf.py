"""RDF with rdflib: build the graph, export it, read it back losslessly and safely, check it.

The mapping (documented in ``docs/RDF.md``)::

    node:<id>  a painkg:<Kind> ; skos:prefLabel ; skos:altLabel ; skos:definition ;
               painkg:code <HPO or ICD-10-CM IRI> ; painkg:region ; painkg:redFlag ;
               painkg:priorGrade | painkg:priorProbability ; prov:wasDerivedFrom ref:<key>
    node:<s> painkg:<relation> node:<t> .                        the edge, directly
    edge:<s>.<relation>.<t> a rdf:Statement ; rdf:subject/predicate/object ;
               painkg:strength ; painkg:frequency … ; painkg:qualifier ; rdfs:comment ;
               prov:wasDerivedFrom ref:<key>                       its evidence (reification)
    ref:<key>  a painkg:Reference ; dcterms:identifier ; dcterms:bibliographicCitation ;
               painkg:pmid ; painkg:doi ; painkg:status ; rdfs:seeAlso <doi.org / PubMed>

Multi-valued fields whose order matters (synonyms, codes, references) are also
given as an ``rdf:List`` (``painkg:synonymList`` …) when they hold two or more
items, as BIBO pairs ``dcterms:contributor`` with ``bibo:authorList``.

This module is imported lazily (``painkg.to_rdf``), so ``import painkg`` never
loads rdflib.

Examples
--------
>>> graph = to_rdf(kg)
>>> len(graph) > 7 * kg.graph.number_of_edges()
True
>>> from_rdf(graph).graph.number_of_edges() == kg.graph.number_of_edges()
True
"""

from __future__ import annotations

import json
import os
import re
import warnings
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import networkx as nx
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS, XSD, DefinedNamespace, Namespace

from .errors import RDFError
from .kb import KnowledgeGraph, from_graph
from .ntriples import (
    EDGE, KEYWORD_LABELS, NODE, NUMBER_NAMES, PREFIXES, REFERENCE, SCHEMA, TERMS, code_curie, code_iri, edge_iri,
    individual_name, kind_name, node_iri, reference_iri, reference_key, reference_links, write_ntriples, write_turtle,
)
from .vocab import ID_PATTERN, NUMBER_COLUMNS, Area, Grade, Kind, Qualifier, Relation

__all__ = ["PAINKG", "FORMATS", "Export", "to_rdf", "export", "from_rdf", "parse", "new_graph"]

_ENUMS = (Grade, Area, Qualifier)

#: The painkg schema as a closed namespace: a misspelt term is an AttributeError,
#: not a new IRI.  Generated from the vocabulary, like ``ontology/painkg.ttl``.
PAINKG = type("PAINKG", (DefinedNamespace,), {
    "__annotations__": {name: URIRef for name in (*TERMS, *(kind_name(k) for k in Kind),
                                                  *(r.rdf_name for r in Relation))},
    "_NS": Namespace(SCHEMA),
    "_fail": True,
    "_extras": [individual_name(v) for e in _ENUMS for v in e],  # names with '-'
})

#: File suffix → rdflib format name.  N-Triples and Turtle are written by the
#: fast writers of :mod:`painkg.ntriples`; the others by rdflib.
FORMATS = {".ttl": "turtle", ".nt": "nt", ".jsonld": "json-ld", ".rdf": "xml"}
_ALIASES = {**{s.lstrip("."): f for s, f in FORMATS.items()}, **{f: f for f in FORMATS.values()},
            "ntriples": "nt", "n-triples": "nt", "jsonld": "json-ld", "rdfxml": "xml", "rdf/xml": "xml"}
_ALLOWED = ", ".join(FORMATS)


@dataclass(frozen=True, slots=True)
class Export:
    """What :func:`export` wrote."""

    path: Path
    format: str
    triples: int

    def __str__(self) -> str:
        return f"wrote {self.triples} triples to {self.path} ({self.format})"


def new_graph() -> Graph:
    """Return an empty rdflib Graph with the painkg prefixes bound, and no others."""
    graph = Graph(bind_namespaces="none")
    for prefix, base in PREFIXES.items():
        graph.bind(prefix, base)
    return graph


@lru_cache(maxsize=1)
def _terms() -> dict:
    """URIRefs by role, built once (DefinedNamespace look-ups cost microseconds each)."""
    return {
        "kind": {k: PAINKG[kind_name(k)] for k in Kind},
        "relation": {r: PAINKG[r.rdf_name] for r in Relation},
        "value": {e: {v: PAINKG[individual_name(v)] for v in e} for e in _ENUMS},
        "number": {c: PAINKG[n] for c, n in NUMBER_NAMES.items()},
    }


def to_rdf(kg: KnowledgeGraph) -> Graph:
    """Return the knowledge base as an rdflib Graph: nodes, edges with their evidence, references.

    Raises
    ------
    RDFError
        A node id is not a slug, or a code has no IRI pattern.

    Examples
    --------
    >>> from rdflib import URIRef
    >>> graph = to_rdf(kg)
    >>> URIRef(node_iri("hip-osteoarthritis")) in set(graph.subjects())
    True
    """
    graph, t = new_graph(), _terms()
    for node_id, data in kg.graph.nodes(data=True):
        _add_node(graph, t, URIRef(node_iri(node_id)), data)
    for source, target, relation, data in kg.graph.edges(keys=True, data=True):
        s, p, o = URIRef(NODE + source), t["relation"][relation], URIRef(NODE + target)
        graph.add((s, p, o))
        _add_evidence(graph, t, URIRef(edge_iri(source, Relation(relation), target)), (s, p, o), data)
    _add_references(graph, kg.references)
    return graph


def _add_list(graph: Graph, subject, plain, ordered, items: list) -> None:
    for item in items:
        graph.add((subject, plain, item))
    if len(items) > 1:  # the order (and repeats) a set of triples would lose
        head = BNode()
        Collection(graph, head, items)
        graph.add((subject, ordered, head))


def _add_node(graph: Graph, t: dict, subject: URIRef, data: dict) -> None:
    graph.add((subject, RDF.type, t["kind"][data["kind"]]))
    graph.add((subject, SKOS.prefLabel, Literal(data["label"])))
    _add_list(graph, subject, SKOS.altLabel, PAINKG.synonymList, [Literal(s) for s in data.get("synonyms", ())])
    _add_list(graph, subject, PAINKG.code, PAINKG.codeList, [URIRef(code_iri(c)) for c in data.get("codes", ())])
    _add_list(graph, subject, PROV.wasDerivedFrom, PAINKG.referenceList,
              [URIRef(reference_iri(k)) for k in data.get("references", ())])
    graph.add((subject, PAINKG.region, t["value"][Area][data.get("region", Area.OTHER)]))
    if data.get("definition"):
        graph.add((subject, SKOS.definition, Literal(data["definition"])))
    graph.add((subject, PAINKG.redFlag, Literal(bool(data.get("red_flag")))))
    prior = data.get("prior")
    if isinstance(prior, Grade):
        graph.add((subject, PAINKG.priorGrade, t["value"][Grade][prior]))
    elif prior is not None:
        graph.add((subject, PAINKG.priorProbability, Literal(float(prior))))


def _add_evidence(graph: Graph, t: dict, statement: URIRef, triple: tuple, data: dict) -> None:
    s, p, o = triple
    graph.add((statement, RDF.type, RDF.Statement))
    graph.add((statement, RDF.subject, s))
    graph.add((statement, RDF.predicate, p))
    graph.add((statement, RDF.object, o))
    graph.add((statement, PAINKG.strength, t["value"][Grade][data["strength"]]))
    for column, predicate in t["number"].items():
        if data.get(column) is not None:
            graph.add((statement, predicate, Literal(float(data[column]))))
    if data.get("qualifier") is not None:
        graph.add((statement, PAINKG.qualifier, t["value"][Qualifier][data["qualifier"]]))
    if data.get("note"):
        graph.add((statement, RDFS.comment, Literal(data["note"])))
    _add_list(graph, statement, PROV.wasDerivedFrom, PAINKG.referenceList,
              [URIRef(reference_iri(k)) for k in data["references"]])


def _add_references(graph: Graph, references: dict) -> None:
    for key, label in KEYWORD_LABELS.items():
        subject = URIRef(reference_iri(key))
        graph.add((subject, RDF.type, PROV.Entity))
        graph.add((subject, DCTERMS.identifier, Literal(key)))
        graph.add((subject, RDFS.label, Literal(label)))
    for key, ref in references.items():
        if key in KEYWORD_LABELS:
            continue
        subject = URIRef(reference_iri(key))
        graph.add((subject, RDF.type, PAINKG.Reference))
        graph.add((subject, DCTERMS.identifier, Literal(key)))
        for column, predicate in (("citation", DCTERMS.bibliographicCitation), ("pmid", PAINKG.pmid),
                                  ("doi", PAINKG.doi), ("status", PAINKG.status)):
            if ref.get(column):
                graph.add((subject, predicate, Literal(ref[column])))
        for link in reference_links(ref):
            graph.add((subject, RDFS.seeAlso, URIRef(link)))


def _format(path: Path, format: str | None) -> str:
    if format is not None:
        fmt = _ALIASES.get(format.lower())
        if fmt is None:
            raise RDFError(f"format {format!r}: unknown (allowed: {', '.join(s.lstrip('.') for s in FORMATS)})")
        return fmt
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise RDFError(f"{path}: unknown RDF file suffix {path.suffix or '(none)'!r} (allowed: {_ALLOWED})")
    return fmt


def export(kg: KnowledgeGraph, path: str | os.PathLike, format: str | None = None) -> Export:
    """Write the knowledge base as RDF; the format comes from the suffix unless given.

    ``.nt`` and ``.ttl`` use the fast writers of :mod:`painkg.ntriples` (same triples
    as :func:`to_rdf`, tens of times faster); ``.jsonld`` and ``.rdf`` use rdflib.
    The file is replaced only once it is completely written.

    Raises
    ------
    RDFError
        Unknown suffix or format; RDF/XML asked for text that XML 1.0 cannot hold.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     export(kg, pathlib.Path(folder) / "kg.ttl").format
    'turtle'
    """
    path = Path(path)
    fmt = _format(path, format)
    partial = path.with_name(f".{path.name}.partial")
    try:
        if fmt in ("nt", "turtle"):
            with partial.open("w", encoding="utf-8", newline="\n") as out:
                count = (write_ntriples if fmt == "nt" else write_turtle)(kg, out)
        else:
            graph = to_rdf(kg)
            if fmt == "xml":
                _check_xml_literals(graph)
            # JSON-LD stays expanded: rdflib 7.6's compaction drops an empty-string value
            # that shares a property with another value, and nothing may be lost.
            partial.write_bytes(graph.serialize(format=fmt, encoding="utf-8"))
            count = len(graph)
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
    return Export(path, fmt, count)


# XML 1.0 has no way to write these characters (and parsers turn a raw CR into LF).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\r\ufffe\uffff]")


def _check_xml_literals(graph: Graph) -> None:
    for s, p, o in graph:
        if isinstance(o, Literal) and _NOT_XML.search(o):
            raise RDFError(f"{s} {p.n3(graph.namespace_manager)}: text with control characters or CR cannot "
                           f"be written as RDF/XML (allowed formats for it: .ttl, .nt, .jsonld)")


# -- safe parsing -------------------------------------------------------------------------------

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
    >>> back = from_rdf(to_rdf(kg))
    >>> back.graph.nodes["hip-osteoarthritis"] == kg.graph.nodes["hip-osteoarthritis"]
    True
    """
    graph = source if isinstance(source, Graph) else parse(source, format=format)
    reader = _Reader(graph)
    nodes = reader.nodes()
    edges = reader.edges(nodes)
    references = reader.references()
    if reader.problems:
        noun = "problem" if len(reader.problems) == 1 else "problems"
        raise RDFError(f"{len(reader.problems)} {noun} reading RDF:\n" + "\n".join(reader.problems))
    result = nx.MultiDiGraph()
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
        return {
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
        return dict(sorted(references.items()))
