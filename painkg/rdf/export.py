"""RDF with rdflib: build the graph and export it (reading back: :mod:`painkg.rdfread`).

The mapping (documented in ``docs/RDF.md``)::

    node:<id>  a painkg:<Kind> ; skos:prefLabel ; rdfs:label ; skos:altLabel ; skos:definition ;
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
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import IO

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS, DefinedNamespace, Namespace

from ..errors import RDFError
from ..files import writing
from ..kb.graph import KnowledgeGraph
from ..kb.tables import DENIED
from .ntriples import (
    ENUMS,
    KEYWORD_LABELS,
    NODE,
    NUMBER_NAMES,
    PREFIXES,
    SCHEMA,
    TERMS,
    cluster_iri,
    code_iri,
    edge_iri,
    individual_name,
    kind_name,
    node_iri,
    prior_iri,
    reference_iri,
    reference_links,
    rule_iri,
    setting_iri,
    standard_matches,
    write_ntriples,
    write_turtle,
)
from ..kb.vocab import Area, Grade, Kind, Population, Qualifier, Relation, Role

__all__ = ["PAINKG", "FORMATS", "Export", "to_rdf", "export", "write", "rdf_format", "new_graph"]

_ENUMS = ENUMS

#: The painkg schema as a closed namespace: a misspelt term is an AttributeError,
#: not a new IRI.  Generated from the vocabulary, like ``ontology/painkg.ttl``.
PAINKG: type[DefinedNamespace] = type("PAINKG", (DefinedNamespace,), {
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
        subject = URIRef(node_iri(node_id))
        _add_node(graph, t, subject, data)
        for predicate, obj in standard_matches(node_id, data):
            graph.add((subject, URIRef(predicate), URIRef(obj)))
    for source, target, relation, data in kg.graph.edges(keys=True, data=True):
        s, p, o = URIRef(NODE + source), t["relation"][relation], URIRef(NODE + target)
        graph.add((s, p, o))
        _add_evidence(graph, t, URIRef(edge_iri(source, Relation(relation), target)), (s, p, o), data)
    _add_model_tables(graph, t, kg.graph.graph)
    _add_references(graph, kg.references)
    return graph


def _en(text: str) -> Literal:
    return Literal(text, lang="en")  # labels and definitions are curated in English


def _add_list(graph: Graph, subject, plain, ordered, items: list) -> None:
    for item in items:
        graph.add((subject, plain, item))
    if len(items) > 1:  # the order (and repeats) a set of triples would lose
        head = BNode()
        Collection(graph, head, items)
        graph.add((subject, ordered, head))


def _add_node(graph: Graph, t: dict, subject: URIRef, data: dict) -> None:
    graph.add((subject, RDF.type, t["kind"][data["kind"]]))
    graph.add((subject, SKOS.prefLabel, _en(data["label"])))
    graph.add((subject, RDFS.label, _en(data["label"])))  # what OBO tools, Protégé and Ubergraph queries read
    _add_list(graph, subject, SKOS.altLabel, PAINKG.synonymList, [_en(s) for s in data.get("synonyms", ())])
    _add_list(graph, subject, PAINKG.code, PAINKG.codeList, [URIRef(code_iri(c)) for c in data.get("codes", ())])
    _add_list(graph, subject, PROV.wasDerivedFrom, PAINKG.referenceList,
              [URIRef(reference_iri(k)) for k in data.get("references", ())])
    graph.add((subject, PAINKG.region, t["value"][Area][data.get("region", Area.OTHER)]))
    if data.get("definition"):
        graph.add((subject, SKOS.definition, _en(data["definition"])))
    graph.add((subject, PAINKG.redFlag, Literal(bool(data.get("red_flag")))))
    if data.get("role") is not None:
        graph.add((subject, PAINKG.role, t["value"][Role][data["role"]]))
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
    if data.get("population") is not None:
        graph.add((statement, PAINKG.population, t["value"][Population][data["population"]]))
    _add_note_and_evidence(graph, statement, data)


def _add_note_and_evidence(graph: Graph, subject: URIRef, row: dict) -> None:
    if row.get("note"):
        graph.add((subject, RDFS.comment, Literal(row["note"])))
    _add_list(graph, subject, PROV.wasDerivedFrom, PAINKG.referenceList,
              [URIRef(reference_iri(k)) for k in row["references"]])


def _add_model_tables(graph: Graph, t: dict, tables: dict) -> None:
    """Settings, priors and clusters (``kg.graph.graph``) as resources; see ``docs/RDF.md``."""
    for setting, row in tables.get("settings", {}).items():
        subject = URIRef(setting_iri(setting))
        graph.add((subject, RDF.type, PAINKG.Setting))
        graph.add((subject, SKOS.prefLabel, _en(row["label"])))
        if row.get("description"):
            graph.add((subject, DCTERMS.description, _en(row["description"])))
        if row.get("default_prior") is not None:
            graph.add((subject, PAINKG.defaultPrior, Literal(float(row["default_prior"]))))
        defines = row.get("defines", ())
        _add_list(graph, subject, PAINKG.defines, PAINKG.definesList,
                  [URIRef(node_iri(n)) for n in defines if not n.startswith(DENIED)])
        for n in defines:
            if n.startswith(DENIED):
                graph.add((subject, PAINKG.definesAbsent, URIRef(node_iri(n.removeprefix(DENIED)))))
        _add_note_and_evidence(graph, subject, row)
    for (setting, condition), row in tables.get("priors", {}).items():
        subject = URIRef(prior_iri(setting, condition))
        graph.add((subject, RDF.type, PAINKG.Prior))
        graph.add((subject, PAINKG.setting, URIRef(setting_iri(setting))))
        graph.add((subject, PAINKG.condition, URIRef(node_iri(condition))))
        graph.add((subject, PAINKG.prevalence, Literal(float(row["prevalence"]))))
        _add_list(graph, subject, PAINKG.among, PAINKG.amongList, [URIRef(node_iri(n)) for n in row.get("among", ())])
        _add_note_and_evidence(graph, subject, row)
    for cluster, row in tables.get("clusters", {}).items():
        _add_cluster(graph, t, cluster, row)


def _add_cluster(graph: Graph, t: dict, cluster: str, row: dict) -> None:
    subject = URIRef(cluster_iri(cluster))
    graph.add((subject, RDF.type, PAINKG.Cluster))
    graph.add((subject, SKOS.prefLabel, _en(row["label"])))
    if row.get("condition") is not None:
        graph.add((subject, PAINKG.condition, URIRef(node_iri(row["condition"]))))
    _add_list(graph, subject, PAINKG.member, PAINKG.memberList, [URIRef(node_iri(m)) for m in row["members"]])
    rules = [URIRef(rule_iri(cluster, n)) for n in range(1, len(row["rules"]) + 1)]
    _add_list(graph, subject, PAINKG.rule, PAINKG.ruleList, rules)
    for rule_subject, rule in zip(rules, row["rules"]):
        graph.add((rule_subject, RDF.type, PAINKG.ClusterRule))
        graph.add((rule_subject, PAINKG.atLeast, Literal(int(rule["at_least"]))))
        for setting in rule.get("settings", ()):
            graph.add((rule_subject, PAINKG.appliesIn, URIRef(setting_iri(setting))))
        for column, predicate in t["number"].items():
            if rule.get(column) is not None:
                graph.add((rule_subject, predicate, Literal(float(rule[column]))))
        _add_note_and_evidence(graph, rule_subject, rule)


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
        if "seen" in ref:  # an optional column: written when the row has it, even empty, so it reads back
            graph.add((subject, PAINKG.seen, Literal(ref["seen"])))
        for link in reference_links(ref):
            graph.add((subject, RDFS.seeAlso, URIRef(link)))


def rdf_format(path: str | os.PathLike, format: str | None = None) -> str:
    """Return the rdflib format name for *path* or an explicit *format* (``ttl``, ``turtle``, ``nt``…).

    >>> rdf_format("kg.ttl"), rdf_format("-", "ntriples")
    ('turtle', 'nt')
    """
    return _format(Path(path), format)


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
    A file is replaced only once it is completely written, keeping its permissions; a
    FIFO or device is written through (see :mod:`painkg.files`).

    Raises
    ------
    RDFError
        Unknown suffix or format; RDF/XML asked for text that XML 1.0 cannot hold; the
        file cannot be written (the message names it).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     export(kg, pathlib.Path(folder) / "kg.ttl").format
    'turtle'
    """
    path = Path(path)
    fmt = _format(path, format)
    with writing(path, text=True, error=RDFError) as out:
        count = write(kg, out, fmt)
    return Export(path, fmt, count)


def write(kg: KnowledgeGraph, out: IO[str], format: str) -> int:
    """Write the knowledge base as RDF to the text stream *out*; return the number of triples.

    *format* is any name :func:`export` accepts (``ttl``, ``turtle``, ``nt``, ``jsonld``, ``rdf``…).
    This is what ``painkg export - --format nt`` uses to write to standard output.

    Raises
    ------
    RDFError
        Unknown format; RDF/XML asked for text that XML 1.0 cannot hold.

    Examples
    --------
    >>> import io
    >>> write(kg, io.StringIO(), "nt") == len(to_rdf(kg))
    True
    """
    fmt = _format(Path("-"), format)
    if fmt in ("nt", "turtle"):
        return (write_ntriples if fmt == "nt" else write_turtle)(kg, out)
    graph = to_rdf(kg)
    if fmt == "xml":
        _check_xml_literals(graph)
    # JSON-LD stays expanded: rdflib 7.6's compaction drops an empty-string value
    # that shares a property with another value, and nothing may be lost.
    out.write(graph.serialize(format=fmt))
    return len(graph)


# XML 1.0 has no way to write these characters (and parsers turn a raw CR into LF).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\r\ufffe\uffff]")


def _check_xml_literals(graph: Graph) -> None:
    for s, p, o in graph:
        if isinstance(o, Literal) and _NOT_XML.search(o):
            raise RDFError(f"{s} {p.n3(graph.namespace_manager)}: text with control characters or CR cannot "
                           f"be written as RDF/XML (allowed formats for it: .ttl, .nt, .jsonld)")
