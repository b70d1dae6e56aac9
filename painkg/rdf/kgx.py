"""KGX: the knowledge base as Biolink-shaped ``nodes.tsv`` and ``edges.tsv``, and back.

KGX TSV is the exchange format of the Biolink ecosystem (Monarch, Translator, RTX-KG2):
one row per node with a Biolink ``category``, one row per edge with a Biolink
``predicate`` and its provenance slots.  :func:`to_kgx` writes it, :func:`from_kgx` reads it
back without loss, and ``kgx validate`` accepts it.  The mapping, derived from
:mod:`painkg.kb.vocab` and checked against the Biolink model with ``bmt`` in the tests:

* a node's ``category`` comes from its kind (:data:`KIND_CATEGORIES`): a condition is a
  ``biolink:Disease``, a finding a ``biolink:PhenotypicFeature`` …; an age band or sex is a
  ``biolink:Attribute``, and a symptom node that maps exactly to MONDO is a disease;
* its ``id`` is its exact standard identifier from ``ontology/mappings.sssom.tsv`` when
  it has one (``MONDO:…``, ``UBERON:…``, ``HP:…``), else ``painkg:<id>``; the other
  identifiers go in ``xref``;
* an edge's ``predicate`` is the relation's Biolink predicate (:data:`PREDICATES`), written
  in Biolink's direction (``treated-by`` becomes ``treatment biolink:treats condition``),
  or ``biolink:related_to`` where Biolink has no term or the ends do not fit its domain
  and range; ``original_predicate`` always names the painkg relation.  A treatment a
  guideline advises against is never ``treats``;
* evidence: ``knowledge_level``, ``agent_type``, ``primary_knowledge_source``
  (``infores:painkg``), ``publications`` (``PMID:`` / ``doi:`` CURIEs), ``has_percentage``
  and ``has_quotient`` for a frequency, an HPO frequency term as ``frequency_qualifier``;
* everything else painkg knows travels in ``painkg_*`` columns (other tools keep or
  ignore them), and the references and model tables in ``painkg.json`` beside the two files.

Examples
--------
>>> import tempfile
>>> with tempfile.TemporaryDirectory() as folder:
...     written = to_kgx(kg, folder)
...     back = from_kgx(folder)
>>> back.graph.number_of_edges() == kg.graph.number_of_edges() == written.edges
True
"""

from __future__ import annotations

import csv
import json
import os
import re
from dataclasses import dataclass
from urllib.parse import unquote
from pathlib import Path

import networkx as nx

from ..errors import RDFError
from ..kb.graph import KnowledgeGraph, from_graph
from ..kb.vocab import DEMOGRAPHIC, NUMBER_COLUMNS, Grade, Area, Kind, Population, Qualifier, Relation, Role
from .mappings import MappingTable, load_mappings
from .ntriples import reference_links

__all__ = ["KIND_CATEGORIES", "PREDICATES", "GRADE_FREQUENCIES", "INFORES", "Written", "to_kgx", "from_kgx",
           "node_category", "edge_predicate", "NODE_COLUMNS", "EDGE_COLUMNS"]

#: The knowledge source every painkg edge names (Translator's Information Resource Registry style).
INFORES = "infores:painkg"
#: CURIE prefix of painkg's own node ids, expanded as :data:`painkg.rdf.ntriples.NODE`.
PREFIX = "painkg"

#: Biolink category of each kind.
KIND_CATEGORIES = {
    Kind.CONDITION: "biolink:Disease",
    Kind.MECHANISM: "biolink:PathologicalProcess",
    Kind.SYMPTOM: "biolink:PhenotypicFeature",
    Kind.FINDING: "biolink:PhenotypicFeature",  # signs on examination; ClinicalFinding is for lab measurements
    Kind.MUSCLE: "biolink:GrossAnatomicalStructure",
    Kind.NERVE: "biolink:GrossAnatomicalStructure",
    Kind.STRUCTURE: "biolink:GrossAnatomicalStructure",
    Kind.REGION: "biolink:GrossAnatomicalStructure",
    Kind.TREATMENT: "biolink:Treatment",
    Kind.TEST: "biolink:DiagnosticAid",
    Kind.ACTIVITY: "biolink:BehavioralExposure",
}
#: Age bands and sex: facts about a patient, an attribute in Biolink, not a phenotype.
DEMOGRAPHIC_CATEGORY = "biolink:Attribute"
_ANATOMY = {"biolink:GrossAnatomicalStructure"}
_PHENOTYPE = {"biolink:PhenotypicFeature"}
_CONDITION = {"biolink:Disease", "biolink:PhenotypicFeature"}  # Biolink's DiseaseOrPhenotypicFeature


@dataclass(frozen=True, slots=True)
class PredicateSpec:
    """A relation's Biolink predicate; *inverted* when Biolink writes it the other way round."""

    predicate: str
    inverted: bool = False
    subjects: frozenset[str] | None = None  # categories the painkg subject must have, None = any
    objects: frozenset[str] | None = None  # categories the painkg object must have
    advised_against_is_not: bool = False  # a not-recommended qualifier falls back to related_to


def _p(predicate, inverted=False, subjects=None, objects=None, advised=False) -> PredicateSpec:
    return PredicateSpec(predicate, inverted, None if subjects is None else frozenset(subjects),
                         None if objects is None else frozenset(objects), advised)


#: Relations that have a Biolink predicate, and when it applies; the others are ``biolink:related_to``.
PREDICATES: dict[Relation, PredicateSpec] = {
    Relation.PRESENTS_WITH: _p("biolink:has_phenotype", objects=_PHENOTYPE),
    Relation.TREATED_BY: _p("biolink:treats", inverted=True, subjects=_CONDITION, advised=True),
    Relation.PREVENTED_BY: _p("biolink:preventative_for_condition", inverted=True, subjects=_CONDITION, advised=True),
    Relation.AFFECTS: _p("biolink:disease_has_location", subjects={"biolink:Disease"}, objects=_ANATOMY),
    Relation.LOCATED_IN: _p("biolink:located_in", subjects=_ANATOMY, objects=_ANATOMY),
    Relation.LEADS_TO: _p("biolink:contributes_to"),
    Relation.MIMICS: _p("biolink:similar_to"),
    Relation.DIAGNOSED_BY: _p("biolink:diagnoses", inverted=True, subjects=_CONDITION, objects={"biolink:DiagnosticAid"}),
    Relation.SUBTYPE_OF: _p("biolink:subclass_of", subjects={"biolink:Disease"}, objects={"biolink:Disease"}),
    Relation.CO_OCCURS_WITH: _p("biolink:coexists_with"),
}
RELATED_TO = "biolink:related_to"
#: Frequency terms of the HPO (the range of ``biolink:frequency_qualifier``) closest to each grade.
GRADE_FREQUENCIES = {
    Grade.TYPICAL: "HP:0040281",  # Very frequent, 80-99 %
    Grade.COMMON: "HP:0040282",  # Frequent, 30-79 %
    Grade.OCCASIONAL: "HP:0040283",  # Occasional, 5-29 %
    Grade.RARE: "HP:0040284",  # Very rare, 1-4 %
}
#: Relations whose grade says how often the object shows in the subject: a frequency qualifier fits.
_FREQUENCY_RELATIONS = {Relation.PRESENTS_WITH, Relation.REFERS_TO}

NODE_COLUMNS = ("id", "category", "name", "description", "synonym", "xref", "provided_by", "painkg_id", "painkg_kind",
                "painkg_region", "painkg_red_flag", "painkg_role", "painkg_prior", "painkg_codes", "painkg_references")
EDGE_COLUMNS = ("id", "subject", "predicate", "object", "original_predicate", "knowledge_level", "agent_type",
                "primary_knowledge_source", "publications", "has_percentage", "has_quotient", "frequency_qualifier",
                "painkg_strength", *(f"painkg_{c}" for c in NUMBER_COLUMNS), "painkg_qualifier",
                "painkg_population", "painkg_references", "painkg_note")
_SIDECAR = "painkg.json"
_UNSAFE = re.compile(r"[\t\n\r]")


@dataclass(frozen=True, slots=True)
class Written:
    """What :func:`to_kgx` wrote."""

    folder: Path
    nodes: int
    edges: int

    def __str__(self) -> str:
        return f"wrote {self.nodes} nodes and {self.edges} edges as KGX TSV to {self.folder}"


def node_category(node_id: str, data: dict, exact: tuple[str, ...] = ()) -> str:
    """Return the Biolink category of a node.

    >>> node_category("female-sex", {"kind": Kind.SYMPTOM})
    'biolink:Attribute'
    """
    kind = data["kind"]
    if kind is Kind.SYMPTOM and DEMOGRAPHIC.match(node_id):
        return DEMOGRAPHIC_CATEGORY
    if kind is Kind.SYMPTOM and any(curie.startswith("MONDO:") for curie in exact):
        return "biolink:Disease"  # a comorbidity curated as a history item (diabetes, sickle cell disease)
    return KIND_CATEGORIES[kind]


def edge_predicate(relation: Relation, data: dict, subject_category: str, object_category: str) -> tuple[str, bool]:
    """Return (Biolink predicate, inverted) for an edge whose ends have these categories.

    >>> edge_predicate(Relation.TREATED_BY, {}, "biolink:Disease", "biolink:Treatment")
    ('biolink:treats', True)
    >>> edge_predicate(Relation.TREATED_BY, {"qualifier": Qualifier.NOT_RECOMMENDED}, "biolink:Disease",
    ...                "biolink:Treatment")
    ('biolink:related_to', False)
    """
    spec = PREDICATES.get(relation)
    if (spec is None or (spec.subjects is not None and subject_category not in spec.subjects)
            or (spec.objects is not None and object_category not in spec.objects)
            or (spec.advised_against_is_not and data.get("qualifier") is Qualifier.NOT_RECOMMENDED)):
        return RELATED_TO, False
    return spec.predicate, spec.inverted


# -- writing ------------------------------------------------------------------------------------------

def to_kgx(kg: KnowledgeGraph, folder: str | os.PathLike, *, mappings: MappingTable | None = None) -> Written:
    """Write *kg* as KGX TSV: ``nodes.tsv``, ``edges.tsv`` and the ``painkg.json`` sidecar in *folder*.

    Parameters
    ----------
    mappings : MappingTable, optional
        Standard identifiers (default: the bundled ``ontology/mappings.sssom.tsv``).

    Raises
    ------
    RDFError
        A value holds a tab or line break, or a list item a ``|``: KGX TSV has no escape for them.
    """
    folder = Path(folder)
    table = mappings if mappings is not None else load_mappings()
    ids, categories, xrefs = _identifiers(kg, table)
    node_rows = [_node_row(n, d, ids[n], categories[n], xrefs[n]) for n, d in kg.graph.nodes(data=True)]
    edge_rows = [_edge_row(kg, s, t, Relation(r), d, ids, categories) for s, t, r, d in
                 kg.graph.edges(keys=True, data=True)]
    folder.mkdir(parents=True, exist_ok=True)
    _write_tsv(folder / "nodes.tsv", NODE_COLUMNS, node_rows)
    _write_tsv(folder / "edges.tsv", EDGE_COLUMNS, edge_rows)
    sidecar = {"references": kg.references, **_tables_json(kg.graph.graph)}
    (folder / _SIDECAR).write_text(json.dumps(sidecar, ensure_ascii=False, indent=1), encoding="utf-8")
    return Written(folder, len(node_rows), len(edge_rows))


def _identifiers(kg: KnowledgeGraph, table: MappingTable) -> tuple[dict, dict, dict]:
    """Each node's KGX id, category and xrefs; an exact match becomes the id when no other node claims it."""
    # A row applies only to the node whose id and label it names (see MappingTable.matches).
    by_node = {n: tuple(m for m in table.by_node().get(n, ()) if m.subject_label == d["label"])
               for n, d in kg.graph.nodes(data=True)}
    exact = {n: tuple(m.object for m in by_node[n] if m.predicate == "skos:exactMatch") for n in kg.graph}
    claims: dict[str, int] = {}
    for curies in exact.values():
        for curie in set(curies):
            claims[curie] = claims.get(curie, 0) + 1
    ids, categories, xrefs = {}, {}, {}
    for node_id, data in kg.graph.nodes(data=True):
        mine = [c for c in exact[node_id] if claims[c] == 1]
        ids[node_id] = mine[0] if mine else f"{PREFIX}:{node_id}"
        categories[node_id] = node_category(node_id, data, exact[node_id])
        others = [m.object for m in by_node[node_id] if m.object != ids[node_id]]
        xrefs[node_id] = list(dict.fromkeys([*others, *data.get("codes", ())]))
    return ids, categories, xrefs


def _node_row(node_id: str, data: dict, kgx_id: str, category: str, xrefs: list[str]) -> dict:
    prior = data.get("prior")
    return {
        "id": kgx_id, "category": category, "name": data["label"], "description": data.get("definition", ""),
        "synonym": _join(data.get("synonyms", ())), "xref": _join(xrefs), "provided_by": INFORES,
        "painkg_id": node_id, "painkg_kind": data["kind"].value, "painkg_region": data.get("region", Area.OTHER).value,
        "painkg_red_flag": "true" if data.get("red_flag") else "false",
        "painkg_role": data["role"].value if data.get("role") is not None else "",
        "painkg_prior": "" if prior is None else prior.value if isinstance(prior, Grade) else repr(float(prior)),
        "painkg_codes": _join(data.get("codes", ())), "painkg_references": _join(data.get("references", ())),
    }


def _edge_row(kg, source, target, relation: Relation, data: dict, ids: dict, categories: dict) -> dict:
    predicate, inverted = edge_predicate(relation, data, categories[source], categories[target])
    subject, obj = (target, source) if inverted else (source, target)
    frequency = data.get("frequency")
    row = {
        "id": f"{PREFIX}:{source}.{relation.rdf_name}.{target}", "subject": ids[subject], "predicate": predicate,
        "object": ids[obj], "original_predicate": f"{PREFIX}:{relation.rdf_name}",
        "knowledge_level": "knowledge_assertion", "agent_type": "manual_agent", "primary_knowledge_source": INFORES,
        "publications": _join(_publications(kg.references, data["references"])),
        "has_percentage": "" if frequency is None else repr(round(100 * frequency, 10)),
        "has_quotient": "" if frequency is None else repr(float(frequency)),
        "frequency_qualifier": GRADE_FREQUENCIES[data["strength"]] if relation in _FREQUENCY_RELATIONS else "",
        "painkg_strength": data["strength"].value,
        "painkg_qualifier": data["qualifier"].value if data.get("qualifier") is not None else "",
        "painkg_population": data["population"].value if data.get("population") is not None else "",
        "painkg_references": _join(data["references"]), "painkg_note": data.get("note", ""),
    }
    for column in NUMBER_COLUMNS:
        row[f"painkg_{column}"] = "" if data.get(column) is None else repr(float(data[column]))
    return row


def _publications(references: dict, keys) -> list[str]:
    """``PMID:`` and ``doi:`` CURIEs of the literature behind an edge (Biolink's ``publications``)."""
    curies = []
    for key in keys:
        for link in reference_links(references.get(key, {})):
            if link.startswith("https://pubmed.ncbi.nlm.nih.gov/"):
                curies.append("PMID:" + link.rstrip("/").rpartition("/")[2])
            elif link.startswith("https://doi.org/"):
                curies.append("doi:" + unquote(link[len("https://doi.org/"):]))
    return list(dict.fromkeys(c for c in curies if "|" not in c and not _UNSAFE.search(c)))


def _join(items) -> str:
    items = list(items)
    for item in items:
        if not item:
            raise RDFError("KGX: an empty list item cannot be told from no item in KGX TSV "
                           "(allowed: non-empty synonyms, codes and references)")
        if "|" in item:
            raise RDFError(f"KGX: {item!r} holds a '|', which KGX TSV reads as a list separator "
                           f"(allowed: list items without '|')")
    return "|".join(items)


def _write_tsv(path: Path, columns: tuple[str, ...], rows: list[dict]) -> None:
    lines = ["\t".join(columns)]
    for row in rows:
        for column, value in row.items():
            if _UNSAFE.search(value):
                raise RDFError(f"KGX: {row['id']} {column}: {value!r} holds a tab or line break, which KGX TSV "
                               f"cannot carry (allowed: one-line text; .ttl/.nt/.jsonld carry any text)")
        lines.append("\t".join(row[c] for c in columns))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8", newline="\n")


def _tables_json(tables: dict) -> dict:
    return {"settings": tables.get("settings", {}),
            "priors": [{"setting": s, "condition": c, **row} for (s, c), row in tables.get("priors", {}).items()],
            "clusters": tables.get("clusters", {})}


# -- reading ------------------------------------------------------------------------------------------

def from_kgx(folder: str | os.PathLike) -> KnowledgeGraph:
    """Read back a folder written by :func:`to_kgx` (``nodes.tsv``, ``edges.tsv``, ``painkg.json``).

    Rows without ``painkg_*`` columns (a third-party KGX file) are refused with one problem
    each: painkg needs a node's kind and an edge's evidence, which plain KGX does not carry.

    Raises
    ------
    RDFError
        Listing every problem found.
    """
    folder = Path(folder)
    problems: list[str] = []
    nodes_rows = _read_tsv(folder / "nodes.tsv", problems)
    edges_rows = _read_tsv(folder / "edges.tsv", problems)
    try:
        sidecar = json.loads((folder / _SIDECAR).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise RDFError(f"{folder / _SIDECAR}: cannot read ({exc})") from exc
    graph = nx.MultiDiGraph(**_tables_back(sidecar))
    slugs: dict[str, str] = {}
    for where, row in nodes_rows:
        node = _node_back(where, row, problems)
        if node is not None:
            slugs[row["id"]] = row["painkg_id"]
            graph.add_node(row["painkg_id"], **node)
    for where, row in edges_rows:
        edge = _edge_back(where, row, slugs, problems)
        if edge is not None:
            graph.add_edge(edge[0], edge[1], key=edge[2], **edge[3])
    if problems:
        raise RDFError(f"{len(problems)} problems reading KGX:\n" + "\n".join(problems))
    return from_graph(graph, sidecar.get("references", {}))


def _read_tsv(path: Path, problems: list[str]) -> list[tuple[str, dict]]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise RDFError(f"{path}: cannot read ({exc.strerror or exc})") from exc
    # Lines end at \n only: str.splitlines() would also split at \x1c, \x85, \u2028 inside a value.
    reader = csv.DictReader(text.removesuffix("\n").split("\n"), delimiter="\t", quoting=csv.QUOTE_NONE)
    return [(f"{path.name}:{i}", {k: v or "" for k, v in row.items()}) for i, row in enumerate(reader, start=2)]


def _split(cell: str) -> tuple[str, ...]:
    return tuple(cell.split("|")) if cell else ()


def _enum(where, enum, cell, problems, column):
    try:
        return enum(cell)
    except ValueError:
        problems.append(f"{where}: {column} {cell!r} (allowed: {', '.join(v.value for v in enum)})")
        return None


def _number(where, cell, problems, column) -> float | None:
    try:
        return float(cell)
    except ValueError:
        problems.append(f"{where}: {column} {cell!r} is not a number")
        return None


def _node_back(where: str, row: dict, problems: list[str]) -> dict | None:
    if not row.get("painkg_id") or not row.get("painkg_kind"):
        problems.append(f"{where}: node {row.get('id')!r} has no painkg_id and painkg_kind (not written by painkg)")
        return None
    data = {"kind": _enum(where, Kind, row["painkg_kind"], problems, "painkg_kind"), "label": row.get("name", ""),
            "synonyms": _split(row.get("synonym", "")), "codes": _split(row.get("painkg_codes", "")),
            "region": _enum(where, Area, row.get("painkg_region") or "other", problems, "painkg_region"),
            "definition": row.get("description", ""), "red_flag": row.get("painkg_red_flag") == "true",
            "prior": None, "references": _split(row.get("painkg_references", ""))}
    prior = row.get("painkg_prior", "")
    if prior:
        data["prior"] = Grade(prior) if prior in Grade._value2member_map_ else _number(where, prior, problems,
                                                                                        "painkg_prior")
    if row.get("painkg_role"):
        data["role"] = _enum(where, Role, row["painkg_role"], problems, "painkg_role")
    return data


def _edge_back(where: str, row: dict, slugs: dict, problems: list[str]) -> tuple | None:
    original = row.get("original_predicate", "")
    relation = next((r for r in Relation if original == f"{PREFIX}:{r.rdf_name}"), None)
    if relation is None or not row.get("painkg_strength"):
        problems.append(f"{where}: edge {row.get('id')!r} has no painkg original_predicate and painkg_strength "
                        f"(not written by painkg)")
        return None
    subject, obj = slugs.get(row.get("subject", "")), slugs.get(row.get("object", ""))
    if subject is None or obj is None:
        problems.append(f"{where}: an end of edge {row.get('id')!r} is not a node of nodes.tsv")
        return None
    predicate = row.get("predicate")
    spec = PREDICATES.get(relation)
    if spec is not None and spec.inverted and predicate == spec.predicate:
        subject, obj = obj, subject
    data = {"strength": _enum(where, Grade, row["painkg_strength"], problems, "painkg_strength"),
            "references": _split(row.get("painkg_references", ""))}
    for column in NUMBER_COLUMNS:
        if row.get(f"painkg_{column}"):
            data[column] = _number(where, row[f"painkg_{column}"], problems, f"painkg_{column}")
    if row.get("painkg_qualifier"):
        data["qualifier"] = _enum(where, Qualifier, row["painkg_qualifier"], problems, "painkg_qualifier")
    if row.get("painkg_population"):
        data["population"] = _enum(where, Population, row["painkg_population"], problems, "painkg_population")
    if row.get("painkg_note"):
        data["note"] = row["painkg_note"]
    return subject, obj, relation, data


def _tables_back(sidecar: dict) -> dict:
    """The model tables as the loader builds them: tuples for lists, (setting, condition) keys."""
    def tupled(row: dict) -> dict:
        return {k: tuple(v) if isinstance(v, list) and k in ("references", "members", "among", "defines") else v for k, v in row.items()}

    settings = {k: tupled(v) for k, v in sidecar.get("settings", {}).items()}
    priors = {(p["setting"], p["condition"]): tupled({k: v for k, v in p.items() if k not in ("setting", "condition")})
              for p in sidecar.get("priors", [])}
    clusters = {k: {**tupled(v), "rules": [tupled(r) for r in v.get("rules", [])]}
                for k, v in sidecar.get("clusters", {}).items()}
    return {"settings": settings, "priors": priors, "clusters": clusters}

