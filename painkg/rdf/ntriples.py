"""Write painkg RDF without rdflib: the IRI scheme and fast N-Triples / Turtle writers.

This module needs nothing but the standard library, so that exporting a
million-edge graph costs seconds, not minutes (rdflib builds a Python object per
term and per triple first).  :func:`painkg.rdf.to_rdf` is the reference mapping;
``tests/test_rdf_fast.py`` proves both writers produce a graph isomorphic to it.

IRI scheme (all under :data:`NAMESPACE`)::

    schema#<Term>                        classes, properties, grade/area/qualifier/role/population individuals
    node/<id>                            a node (ids are kebab-case slugs)
    edge/<source>.<rdfName>.<target>     the rdf:Statement carrying an edge's evidence
    reference/<key>                      a reference (percent-encoded key)
    setting/<id>                         a setting (where patients are seen: fixes the priors)
    prior/<setting>.<condition>          a condition's prevalence in a setting
    cluster/<id>, cluster/<id>.rule-<n>  a cluster of dependent findings and its n-th threshold rule

Examples
--------
>>> node_iri("hip-oa")
'https://w3id.org/painkg/node/hip-oa'
>>> code_iri("HP:0003419")
'http://purl.obolibrary.org/obo/HP_0003419'
>>> literal('say "hi"\\n')
'"say \\\\"hi\\\\"\\\\n"'
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import IO, TYPE_CHECKING
from urllib.parse import quote, unquote

from ..errors import RDFError
from ..kb.tables import DENIED
from ..kb.vocab import (
    CODE_PATTERNS, EVIDENCE_KEYWORDS, ID_PATTERN, NUMBER_COLUMNS, Area, Grade, Kind, Population, Qualifier, Relation, Role,
)
from .prefixes import EDGE, FORMER_IRIS, NAMESPACE, NODE, SCHEMA, STANDARD

if TYPE_CHECKING:
    from ..kb.graph import KnowledgeGraph

__all__ = [
    "NAMESPACE", "SCHEMA", "NODE", "EDGE", "REFERENCE", "SETTING", "PRIOR", "CLUSTER", "GRAPH", "CODE_IRIS",
    "PREFIXES", "ENUMS", "node_iri", "edge_iri", "reference_iri", "reference_key", "code_iri", "code_curie",
    "setting_iri", "prior_iri", "cluster_iri", "rule_iri",
    "reference_links", "literal", "write_ntriples", "write_turtle", "standard_matches",
]

REFERENCE = NAMESPACE + "reference/"
SETTING = NAMESPACE + "setting/"
PRIOR = NAMESPACE + "prior/"
CLUSTER = NAMESPACE + "cluster/"
#: Named graph that ``painkg push`` replaces unless told otherwise.
GRAPH = NAMESPACE + "kb"

#: Where a code's IRI starts, per CURIE prefix: the IRIs of :data:`painkg.rdf.prefixes.STANDARD`
#: (OBO PURLs for HPO; Bioregistry's for ICD-10-CM, which Biolink's context lacks).
CODE_IRIS = {prefix: STANDARD[prefix] for prefix in ("HP", "ICD10CM")}
if set(CODE_IRIS) != set(CODE_PATTERNS):  # a new code system needs an IRI pattern here
    raise ImportError(f"painkg.ntriples: CODE_IRIS covers {sorted(CODE_IRIS)}, vocab has {sorted(CODE_PATTERNS)}")

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
PROV = "http://www.w3.org/ns/prov#"
DCTERMS = "http://purl.org/dc/terms/"

#: The prefixes every painkg serialisation binds, and no others.
PREFIXES = {
    "painkg": SCHEMA, "node": NODE, "edge": EDGE, "ref": REFERENCE, "setting": SETTING, "prior": PRIOR,
    "cluster": CLUSTER,
    "rdf": RDF, "rdfs": RDFS, "xsd": XSD, "skos": SKOS, "prov": PROV, "dcterms": DCTERMS,
}

#: Labels of the evidence keywords, which are not literature.
KEYWORD_LABELS = {"seed": "the painkg seed article", "anatomy": "textbook anatomy"}
if set(KEYWORD_LABELS) != set(EVIDENCE_KEYWORDS):
    raise ImportError("painkg.ntriples: KEYWORD_LABELS must label every vocab.EVIDENCE_KEYWORDS entry")


def camel(name: str) -> str:
    """Return the camelCase RDF name of a snake_case column: ``lr_positive`` → ``lrPositive``."""
    head, *rest = name.split("_")
    return head + "".join(part.capitalize() for part in rest)


def kind_name(kind: Kind) -> str:
    """Return the OWL class local name of a kind: ``condition`` → ``Condition``."""
    return kind.value.capitalize()


#: The vocabulary enums written as OWL individuals (``painkg:grade-common``, ``painkg:role-syndrome``).
ENUMS = (Grade, Area, Qualifier, Role, Population)


def individual_name(value: Grade | Area | Qualifier | Role | Population) -> str:
    """Return the local name of an enum value's individual: ``grade-common``, ``population-pooled``."""
    return f"{type(value).__name__.lower()}-{value.value}"


#: Local names of the schema's datatype and helper properties (object properties
#: for relations come from ``Relation.rdf_name``).
NUMBER_NAMES = {column: camel(column) for column in NUMBER_COLUMNS}
TERMS = (
    "Node", "Reference", "Grade", "Area", "Qualifier", "Role", "Population", "Setting", "Prior", "Cluster",
    "ClusterRule", "region", "redFlag", "role", "priorGrade", "priorProbability", "code", "strength", "qualifier",
    "population", "pmid", "doi", "status", "seen", "synonymList", "codeList", "referenceList", "defaultPrior", "defines", "definesList", "definesAbsent", "appliesIn", "setting",
    "condition", "prevalence", "member", "memberList", "rule", "ruleList", "atLeast", "among", "amongList", *NUMBER_NAMES.values(),
)


def node_iri(node_id: str) -> str:
    """Return the IRI of a node; raise :class:`RDFError` for an id that is not a slug."""
    if not ID_PATTERN.match(node_id):
        raise RDFError(f"node {node_id!r}: not a kebab-case slug, so it has no painkg IRI")
    return NODE + node_id


def edge_iri(source: str, relation: Relation, target: str) -> str:
    """Return the IRI of the statement that carries an edge's evidence."""
    return f"{EDGE}{source}.{relation.rdf_name}.{target}"


def setting_iri(setting: str) -> str:
    """Return the IRI of a setting (ids are slugs, checked by the loader)."""
    return SETTING + setting


def prior_iri(setting: str, condition: str) -> str:
    """Return the IRI of a condition's prior in a setting; a slug holds no dot, so the pair is unambiguous."""
    return f"{PRIOR}{setting}.{condition}"


def cluster_iri(cluster: str) -> str:
    """Return the IRI of a cluster of dependent findings."""
    return CLUSTER + cluster


def rule_iri(cluster: str, number: int) -> str:
    """Return the IRI of a cluster's *number*-th threshold rule (counted from 1, in the loader's order)."""
    return f"{CLUSTER}{cluster}.rule-{number}"


def reference_iri(key: str) -> str:
    """Return the IRI of a reference key (percent-encoded, so any key is safe)."""
    return REFERENCE + quote(key, safe="")


def reference_key(iri: str) -> str:
    """Return the key of a reference IRI (inverse of :func:`reference_iri`)."""
    return unquote(iri[len(REFERENCE):])


def code_iri(curie: str) -> str:
    """Return the IRI of a code CURIE such as ``ICD10CM:M16.9``."""
    prefix, _, local = curie.partition(":")
    base = CODE_IRIS.get(prefix)
    if base is None or not CODE_PATTERNS[prefix].match(local):
        raise RDFError(f"code {curie!r}: no IRI pattern (allowed: ICD10CM:M16.9, HP:0003419)")
    return base + local


def code_curie(iri: str) -> str | None:
    """Return the CURIE of a code IRI, or None when no code system owns it."""
    for prefix, base in [*CODE_IRIS.items(), *((p, b) for p, b in FORMER_IRIS.items() if p in CODE_IRIS)]:
        if iri.startswith(base) and CODE_PATTERNS[prefix].match(iri[len(base):]):
            return f"{prefix}:{iri[len(base):]}"
    return None


_DOI = re.compile(r"10\.\d{4,9}/\S+")
_PMID = re.compile(r"(?<![\d.])\d{1,9}(?![\d.])")


def reference_links(ref: dict) -> list[str]:
    """Return resolvable links (doi.org, PubMed) for the DOIs and PMIDs of a reference row.

    A cell may hold several (``31908149 / 31908163``); each well-formed one is linked.
    """
    links = [f"https://doi.org/{quote(doi, safe='/()._-;:')}" for doi in _DOI.findall(ref.get("doi", ""))]
    links += [f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/" for pmid in _PMID.findall(ref.get("pmid", ""))]
    return list(dict.fromkeys(links))


# N-Triples and Turtle share these escapes: the four that are mandatory (\\ " LF CR)
# plus every other control character, which some parsers (raptor) reject raw.
_ESCAPES = {i: f"\\u{i:04X}" for i in [*range(0x20), 0x7F]}
_ESCAPES.update({ord("\\"): "\\\\", ord('"'): '\\"', ord("\n"): "\\n", ord("\r"): "\\r", ord("\t"): "\\t",
                 ord("\b"): "\\b", ord("\f"): "\\f"})


def literal(text: str) -> str:
    """Return *text* as an N-Triples / Turtle string literal, escaped."""
    return '"' + text.translate(_ESCAPES) + '"'


def english(text: str) -> str:
    """Return *text* as an English-tagged literal (``"groin pain"@en``): labels and definitions."""
    return '"' + text.translate(_ESCAPES) + '"@en'





# A conservative Turtle local name (no escapes needed, no trailing dot).
_LOCAL = re.compile(r"^[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_-])?$")


class _Terms:
    """Every IRI the writers use, formatted once: ``<…>`` for N-Triples, prefixed names for Turtle."""

    def __init__(self, turtle: bool) -> None:
        self.turtle = turtle
        iri = self.iri
        self.type, self.statement = iri(RDF + "type"), iri(RDF + "Statement")
        self.subject, self.predicate, self.object = iri(RDF + "subject"), iri(RDF + "predicate"), iri(RDF + "object")
        self.first, self.rest, self.nil = iri(RDF + "first"), iri(RDF + "rest"), iri(RDF + "nil")
        self.pref, self.alt, self.definition = iri(SKOS + "prefLabel"), iri(SKOS + "altLabel"), iri(SKOS + "definition")
        self.derived, self.comment, self.label = iri(PROV + "wasDerivedFrom"), iri(RDFS + "comment"), iri(RDFS + "label")
        self.see_also, self.entity = iri(RDFS + "seeAlso"), iri(PROV + "Entity")
        self.identifier, self.citation = iri(DCTERMS + "identifier"), iri(DCTERMS + "bibliographicCitation")
        self.s = {name: iri(SCHEMA + name) for name in TERMS}
        self.kind = {k: iri(SCHEMA + kind_name(k)) for k in Kind}
        self.relation = {r: iri(SCHEMA + r.rdf_name) for r in Relation}
        self.rdf_name = {r: r.rdf_name for r in Relation}
        self.grade = {g: iri(SCHEMA + individual_name(g)) for g in Grade}
        self.area = {a: iri(SCHEMA + individual_name(a)) for a in Area}
        self.qualifier = {q: iri(SCHEMA + individual_name(q)) for q in Qualifier}
        self.role = {r: iri(SCHEMA + individual_name(r)) for r in Role}
        self.population = {p: iri(SCHEMA + individual_name(p)) for p in Population}
        self.description = iri(DCTERMS + "description")
        self.true, self.false = (f'"{b}"^^{iri(XSD + "boolean")}' for b in ("true", "false"))
        self._double = f'"^^{iri(XSD + "double")}'
        self._integer = f'"^^{iri(XSD + "integer")}'
        self.references = _ReferenceTerms(self)
        self.bnodes = 0

    def iri(self, text: str) -> str:
        if self.turtle:
            for prefix, base in PREFIXES.items():
                if text.startswith(base) and _LOCAL.match(text[len(base):]):
                    return f"{prefix}:{text[len(base):]}"
        return f"<{text}>"

    def edge(self, source: str, relation: Relation, target: str) -> str:
        # Ids are checked slugs and rdf names camelCase, so the local name needs no check.
        if self.turtle:
            return f"edge:{source}.{self.rdf_name[relation]}.{target}"
        return f"<{EDGE}{source}.{self.rdf_name[relation]}.{target}>"

    def double(self, value: float) -> str:
        # repr() is the shortest text that reads back as the same float, and valid xsd:double.
        return f'"{value!r}{self._double}'

    def integer(self, value: int) -> str:
        return f'"{value}{self._integer}'

    def bnode(self) -> str:
        self.bnodes += 1
        return f"_:l{self.bnodes}"


class _ReferenceTerms(dict):
    """Reference key → formatted IRI, computed once per key (quoting is the slow part)."""

    def __init__(self, terms: _Terms) -> None:
        super().__init__()
        self.terms = terms

    def __missing__(self, key: str) -> str:
        value = self[key] = self.terms.iri(reference_iri(key))
        return value


#: (predicate, object) pairs of one subject, and its ordered lists as (predicate, items).
Pairs = list[tuple[str, str]]
Lists = list[tuple[str, list[str]]]


def standard_matches(node_id: str, data: dict) -> list[tuple[str, str]]:
    """Return a node's SKOS links to standard vocabularies as (predicate IRI, object IRI) pairs.

    The mappings of ``ontology/mappings.sssom.tsv``, then its codes as ``skos:closeMatch`` (what
    ``painkg:code`` implies, stated so that plain SKOS queries see it) unless a mapping already
    says how the node relates to that code: one SKOS predicate per object, never close and broad.
    """
    from .mappings import load_mappings  # the table is read once, on the first node that asks

    pairs = load_mappings().matches(node_id, data["label"])
    mapped = {obj for _, obj in pairs}
    pairs += [(SKOS + "closeMatch", iri) for iri in map(code_iri, data.get("codes", ())) if iri not in mapped]
    return list(dict.fromkeys(pairs))


def _node_pairs(t: _Terms, node_id: str, data: dict) -> tuple[Pairs, Lists]:
    label = english(data["label"])
    pairs: Pairs = [(t.type, t.kind[data["kind"]]), (t.pref, label), (t.label, label)]
    lists: Lists = []
    for name, predicate, items in (
        ("synonymList", t.alt, [english(s) for s in data.get("synonyms", ())]),
        ("codeList", t.s["code"], [t.iri(code_iri(c)) for c in data.get("codes", ())]),
        ("referenceList", t.derived, [t.references[k] for k in data.get("references", ())]),
    ):
        pairs += ((predicate, item) for item in dict.fromkeys(items))
        if len(items) > 1:  # keep the order (and repeats) that a set of triples loses
            lists.append((t.s[name], items))
    pairs.append((t.s["region"], t.area[data.get("region", Area.OTHER)]))
    if data.get("definition"):
        pairs.append((t.definition, english(data["definition"])))
    pairs.append((t.s["redFlag"], t.true if data.get("red_flag") else t.false))
    if data.get("role") is not None:
        pairs.append((t.s["role"], t.role[data["role"]]))
    pairs += [(t.iri(p), t.iri(o)) for p, o in standard_matches(node_id, data)]
    prior = data.get("prior")
    if isinstance(prior, Grade):
        pairs.append((t.s["priorGrade"], t.grade[prior]))
    elif prior is not None:
        pairs.append((t.s["priorProbability"], t.double(prior)))
    return pairs, lists


def _edge_pairs(t: _Terms, s: str, p: str, o: str, data: dict) -> tuple[Pairs, Lists]:
    pairs = [(t.type, t.statement), (t.subject, s), (t.predicate, p), (t.object, o),
             (t.s["strength"], t.grade[data["strength"]])]
    for column, name in NUMBER_NAMES.items():
        if data.get(column) is not None:
            pairs.append((t.s[name], t.double(data[column])))
    if data.get("qualifier") is not None:
        pairs.append((t.s["qualifier"], t.qualifier[data["qualifier"]]))
    if data.get("population") is not None:
        pairs.append((t.s["population"], t.population[data["population"]]))
    if data.get("note"):
        pairs.append((t.comment, literal(data["note"])))
    return _evidence(t, pairs, data["references"])


def _evidence(t: _Terms, pairs: Pairs, keys) -> tuple[Pairs, Lists]:
    """Add the references (``prov:wasDerivedFrom``, and their order when there are two or more)."""
    refs = [t.references[k] for k in keys]
    pairs += ((t.derived, r) for r in dict.fromkeys(refs))
    return pairs, [(t.s["referenceList"], refs)] if len(refs) > 1 else []


def _model_subjects(t: _Terms, tables: dict) -> Iterator[tuple[str, Pairs, Lists]]:
    """Yield the model tables (``graph.graph``): settings, priors, clusters with their rules."""
    for setting, row in tables.get("settings", {}).items():
        pairs = [(t.type, t.s["Setting"]), (t.pref, english(row["label"]))]
        if row.get("description"):
            pairs.append((t.description, english(row["description"])))
        if row.get("default_prior") is not None:
            pairs.append((t.s["defaultPrior"], t.double(row["default_prior"])))
        defines = [t.iri(node_iri(n)) for n in row.get("defines", ()) if not n.startswith(DENIED)]
        pairs += [(t.s["defines"], n) for n in dict.fromkeys(defines)]
        pairs += [(t.s["definesAbsent"], t.iri(node_iri(n.removeprefix(DENIED))))
                  for n in row.get("defines", ()) if n.startswith(DENIED)]
        if row.get("note"):
            pairs.append((t.comment, literal(row["note"])))
        pairs, lists = _evidence(t, pairs, row["references"])
        yield t.iri(setting_iri(setting)), pairs, lists + ([(t.s["definesList"], defines)] if len(defines) > 1 else [])
    for (setting, condition), row in tables.get("priors", {}).items():
        pairs = [(t.type, t.s["Prior"]), (t.s["setting"], t.iri(setting_iri(setting))),
                 (t.s["condition"], t.iri(node_iri(condition))), (t.s["prevalence"], t.double(row["prevalence"]))]
        among = [t.iri(node_iri(n)) for n in row.get("among", ())]
        pairs += [(t.s["among"], n) for n in dict.fromkeys(among)]
        if row.get("note"):
            pairs.append((t.comment, literal(row["note"])))
        pairs, lists = _evidence(t, pairs, row["references"])
        yield t.iri(prior_iri(setting, condition)), pairs, lists + ([(t.s["amongList"], among)] if len(among) > 1 else [])
    for cluster, row in tables.get("clusters", {}).items():
        yield from _cluster_subjects(t, cluster, row)


def _cluster_subjects(t: _Terms, cluster: str, row: dict) -> Iterator[tuple[str, Pairs, Lists]]:
    pairs = [(t.type, t.s["Cluster"]), (t.pref, english(row["label"]))]
    if row.get("condition") is not None:
        pairs.append((t.s["condition"], t.iri(node_iri(row["condition"]))))
    members = [t.iri(node_iri(m)) for m in row["members"]]
    rules = [t.iri(rule_iri(cluster, n)) for n in range(1, len(row["rules"]) + 1)]
    pairs += [(t.s["member"], m) for m in dict.fromkeys(members)] + [(t.s["rule"], r) for r in rules]
    lists = [(t.s[name], items) for name, items in (("memberList", members), ("ruleList", rules)) if len(items) > 1]
    yield t.iri(cluster_iri(cluster)), pairs, lists
    for subject, rule in zip(rules, row["rules"]):
        rule_pairs = [(t.type, t.s["ClusterRule"]), (t.s["atLeast"], t.integer(rule["at_least"]))]
        rule_pairs += [(t.s["appliesIn"], t.iri(setting_iri(s))) for s in rule.get("settings", ())]
        for column, name in NUMBER_NAMES.items():
            if rule.get(column) is not None:
                rule_pairs.append((t.s[name], t.double(rule[column])))
        if rule.get("note"):
            rule_pairs.append((t.comment, literal(rule["note"])))
        yield (subject, *_evidence(t, rule_pairs, rule["references"]))


def _reference_pairs(t: _Terms, references: dict) -> Iterator[tuple[str, Pairs]]:
    for key, label in KEYWORD_LABELS.items():
        yield t.references[key], [(t.type, t.entity), (t.identifier, literal(key)), (t.label, literal(label))]
    for key, ref in references.items():
        if key in KEYWORD_LABELS:
            continue
        pairs = [(t.type, t.s["Reference"]), (t.identifier, literal(key))]
        for column, predicate in (("citation", t.citation), ("pmid", t.s["pmid"]), ("doi", t.s["doi"]),
                                  ("status", t.s["status"])):
            if ref.get(column):
                pairs.append((predicate, literal(ref[column])))
        if "seen" in ref:  # an optional column: written when the row has it, even empty, so it reads back
            pairs.append((t.s["seen"], literal(ref["seen"])))
        pairs += [(t.see_also, t.iri(link)) for link in reference_links(ref)]
        yield t.references[key], pairs


def _subjects(t: _Terms, kg: KnowledgeGraph) -> Iterator[tuple[str, Pairs, Lists]]:
    """Yield every subject of the export with its pairs and lists: nodes, edges, references."""
    graph = kg.graph
    iris = {n: t.iri(node_iri(n)) for n in graph}
    for node_id, data in graph.nodes(data=True):
        yield (iris[node_id], *_node_pairs(t, node_id, data))
    for source, target, relation, data in graph.edges(keys=True, data=True):
        s, p, o = iris[source], t.relation[relation], iris[target]
        yield s, [(p, o)], []
        yield (t.edge(source, relation, target), *_edge_pairs(t, s, p, o, data))
    yield from _model_subjects(t, graph.graph)
    for subject, pairs in _reference_pairs(t, kg.references):
        yield subject, pairs, []


def _ntriples(t: _Terms, subject: str, pairs: Pairs, lists: Lists) -> tuple[str, int]:
    lines = [f"{subject} {p} {o} .\n" for p, o in pairs]
    for predicate, items in lists:
        heads = [t.bnode() for _ in items]
        lines.append(f"{subject} {predicate} {heads[0]} .\n")
        for head, item, rest in zip(heads, items, [*heads[1:], t.nil]):
            lines.append(f"{head} {t.first} {item} .\n{head} {t.rest} {rest} .\n")
    return "".join(lines), len(pairs) + sum(2 * len(items) + 1 for _, items in lists)


def _turtle(t: _Terms, subject: str, pairs: Pairs, lists: Lists) -> tuple[str, int]:
    parts = [f"{p} {o}" for p, o in pairs] + [f"{p} ( {' '.join(items)} )" for p, items in lists]
    text = f"{subject} " + " ;\n    ".join(parts) + " .\n"
    return text, len(pairs) + sum(2 * len(items) + 1 for _, items in lists)


def _write(kg: KnowledgeGraph, out: IO[str], t: _Terms, fmt) -> int:
    count, chunk = 0, []
    for subject, pairs, lists in _subjects(t, kg):
        text, n = fmt(t, subject, pairs, lists)
        chunk.append(text)
        count += n
        if len(chunk) >= 20_000:  # write in chunks: one join per chunk, bounded memory
            out.write("".join(chunk))
            chunk.clear()
    out.write("".join(chunk))
    return count


def write_ntriples(kg: KnowledgeGraph, out: IO[str]) -> int:
    """Write *kg* as N-Triples to the text stream *out*; return the number of triples.

    The triples are those of :func:`painkg.rdf.to_rdf`, written without rdflib.

    Examples
    --------
    >>> import io
    >>> write_ntriples(kg, io.StringIO()) > 7 * kg.graph.number_of_edges()
    True
    """
    return _write(kg, out, _Terms(turtle=False), _ntriples)


def write_turtle(kg: KnowledgeGraph, out: IO[str]) -> int:
    """Write *kg* as Turtle (prefixed names, one block per subject); return the number of triples.

    Examples
    --------
    >>> import io
    >>> buffer = io.StringIO()
    >>> write_turtle(kg, buffer) > 0 and buffer.getvalue().startswith("@prefix painkg:")
    True
    """
    out.write("".join(f"@prefix {prefix}: <{base}> .\n" for prefix, base in PREFIXES.items()) + "\n")
    return _write(kg, out, _Terms(turtle=True), _turtle)
