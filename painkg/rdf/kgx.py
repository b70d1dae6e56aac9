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
  it has one, the prefix Biolink prefers for its category first (``MONDO:…`` for a disease,
  ``HP:…`` for a phenotype, ``UBERON:…`` for anatomy), else ``painkg.node:<id>``; the other
  identifiers, and ``painkg.node:<id>`` itself, go in ``xref``;
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

import bisect
import json
import json.decoder
import json.scanner
import os
import re
from dataclasses import dataclass
from urllib.parse import unquote
from pathlib import Path

import networkx as nx

from ..errors import RDFError
from ..files import write_together
from ..kb.graph import KnowledgeGraph, from_graph
from ..kb.tables import Row, read_file, read_rows
from ..kb.validate import Problems, check_records
from ..kb.vocab import (CLUSTER_COLUMNS, DEMOGRAPHIC, EVIDENCE_KEYWORDS, LIKELIHOOD_COLUMNS, NUMBER_COLUMNS, Area, Grade,
                        Kind, Qualifier, Relation)
from .mappings import MappingTable, load_mappings
from .ntriples import reference_links
from .prefixes import EDGE_PREFIX, NODE_PREFIX, SCHEMA_PREFIX

__all__ = ["KIND_CATEGORIES", "ID_PREFIXES", "PREDICATES", "GRADE_FREQUENCIES", "INFORES", "ASSOCIATIONS",
           "FREQUENCY_SLOTS", "ATTRIBUTE_TYPES", "Written", "to_kgx", "from_kgx", "node_category", "edge_predicate",
           "edge_category", "attribute_type", "NODE_COLUMNS", "EDGE_COLUMNS", "LIST_COLUMNS"]

#: The knowledge source every painkg edge names (Translator's Information Resource Registry style).
INFORES = "infores:painkg"
#: CURIE prefix of the painkg schema (``original_predicate``); nodes and edges have their own
#: (:mod:`painkg.rdf.prefixes`), so that one prefix never names two namespaces.
PREFIX = SCHEMA_PREFIX

#: Each category's id prefixes in Biolink's order of preference, as far as painkg's vocabularies go
#: (``project/prefixmap/preferred_prefixes_per_class.json`` of biolink/biolink-model at ebaa35d; Treatment,
#: DiagnosticAid, BehavioralExposure and PathologicalProcess have no list there).
ID_PREFIXES = {
    "biolink:Disease": ("MONDO", "UMLS", "NCIT", "SNOMEDCT", "HP"),
    "biolink:PhenotypicFeature": ("HP", "NCIT", "UMLS", "SNOMEDCT"),
    "biolink:GrossAnatomicalStructure": ("UBERON", "UMLS", "NCIT"),
}
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

#: The Biolink association class of an edge: (predicate, subject categories, object categories, class), in
#: Biolink's direction; the first row that fits wins, else ``biolink:Association``.  Each class is one whose
#: subject and object fit painkg's ends (checked with bmt and the Biolink pydantic model in tests/test_kgx.py).
ASSOCIATIONS: tuple[tuple[str, frozenset[str] | None, frozenset[str] | None, str], ...] = (
    ("biolink:has_phenotype", frozenset({"biolink:Disease"}), frozenset(_PHENOTYPE),
     "biolink:DiseaseToPhenotypicFeatureAssociation"),
    ("biolink:has_phenotype", None, frozenset(_PHENOTYPE), "biolink:EntityToPhenotypicFeatureAssociation"),
    ("biolink:treats", frozenset({"biolink:Treatment"}), frozenset(_CONDITION),
     "biolink:ChemicalOrDrugOrTreatmentToDiseaseOrPhenotypicFeatureAssociation"),
    ("biolink:disease_has_location", frozenset(_CONDITION), frozenset(_ANATOMY),
     "biolink:DiseaseOrPhenotypicFeatureToLocationAssociation"),
    ("biolink:preventative_for_condition", None, frozenset({"biolink:Disease"}), "biolink:EntityToDiseaseAssociation"),
    ("biolink:diagnoses", None, frozenset({"biolink:Disease"}), "biolink:EntityToDiseaseAssociation"),
)
ASSOCIATION = "biolink:Association"
#: The frequency slots each association class allows (Biolink 4.4: the frequency-quantifier mixin gives
#: has_percentage and has_quotient; frequency_qualifier comes with the disease and phenotype mixins).
#: A frequency the class does not allow stays in painkg's columns: painkg_frequency (the number) and
#: painkg_frequency_qualifier (the HPO term of the grade).
FREQUENCY_SLOTS: dict[str, frozenset[str]] = {
    "biolink:DiseaseToPhenotypicFeatureAssociation": frozenset({"frequency_qualifier", "has_percentage", "has_quotient"}),
    "biolink:EntityToPhenotypicFeatureAssociation": frozenset({"frequency_qualifier", "has_percentage", "has_quotient"}),
    "biolink:ChemicalOrDrugOrTreatmentToDiseaseOrPhenotypicFeatureAssociation": frozenset({"frequency_qualifier"}),
    "biolink:EntityToDiseaseAssociation": frozenset({"frequency_qualifier"}),
}
#: What an Attribute node is an attribute of (Biolink requires ``has_attribute_type`` on an Attribute):
#: PATO:0000047 "biological sex" (also Biolink's exact mapping of its biological sex class) and PATO:0000011
#: "age", as read in pato-ontology/pato at 4a927026b5fac9d2809c1eee3be39a9e9284c1dd, pato-base.obo.
ATTRIBUTE_TYPES = {"sex": "PATO:0000047", "age": "PATO:0000011"}

NODE_COLUMNS = ("id", "category", "name", "description", "synonym", "xref", "provided_by", "has_attribute_type",
                "painkg_id", "painkg_kind", "painkg_region", "painkg_red_flag", "painkg_role", "painkg_prior",
                "painkg_codes", "painkg_references", "painkg_synonym_order")
EDGE_COLUMNS = ("id", "category", "subject", "predicate", "object", "original_predicate", "knowledge_level",
                "agent_type", "primary_knowledge_source", "publications", "has_percentage", "has_quotient",
                "frequency_qualifier", "painkg_strength", *(f"painkg_{c}" for c in NUMBER_COLUMNS),
                "painkg_frequency_qualifier", "painkg_qualifier", "painkg_population", "painkg_references",
                "painkg_note")
#: Biolink's multivalued slots among the columns: a list in JSONL, ``|``-joined in TSV.  kgx reads them as sets
#: (sorted, duplicates dropped), so painkg keeps the order of its synonyms in ``painkg_synonym_order``.
LIST_COLUMNS = frozenset({"category", "synonym", "xref", "provided_by", "publications"})
#: painkg's own lists of keys and codes, written as one text with the items separated by a space: kgx keeps a
#: text as it is (a list it would sort, and a column that is a text on some rows and a list on others is one
#: Parquet cannot store), and a key or code holds no space.
SPACED_COLUMNS = frozenset({"painkg_codes", "painkg_references"})
#: Columns written as JSON numbers and booleans in JSONL (text in TSV).
_NUMBERS = frozenset({"has_percentage", "has_quotient", *(f"painkg_{c}" for c in NUMBER_COLUMNS)})
_BOOLEANS = frozenset({"painkg_red_flag"})
_SIDECAR = "painkg.json"
_UNSAFE = re.compile(r"[\t\n\r]")


@dataclass(frozen=True, slots=True)
class Written:
    """What :func:`to_kgx` wrote."""

    folder: Path
    nodes: int
    edges: int

    def __str__(self) -> str:
        return f"wrote {self.nodes} nodes and {self.edges} edges as KGX TSV and JSONL to {self.folder}"


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


def edge_category(predicate: str, subject_category: str, object_category: str) -> str:
    """Return the Biolink association class of an edge (:data:`ASSOCIATIONS`), its ends in Biolink's direction.

    >>> edge_category("biolink:has_phenotype", "biolink:Disease", "biolink:PhenotypicFeature")
    'biolink:DiseaseToPhenotypicFeatureAssociation'
    >>> edge_category("biolink:related_to", "biolink:GrossAnatomicalStructure", "biolink:PhenotypicFeature")
    'biolink:Association'
    """
    for name, subjects, objects, category in ASSOCIATIONS:
        if (name == predicate and (subjects is None or subject_category in subjects)
                and (objects is None or object_category in objects)):
            return category
    return ASSOCIATION


def attribute_type(node_id: str) -> str:
    """The ``has_attribute_type`` of an age band or sex node (:data:`ATTRIBUTE_TYPES`).

    >>> attribute_type("age-over-50"), attribute_type("female-sex")
    ('PATO:0000011', 'PATO:0000047')
    """
    return ATTRIBUTE_TYPES["age" if node_id.startswith("age-") else "sex"]


# -- writing ------------------------------------------------------------------------------------------

def to_kgx(kg: KnowledgeGraph, folder: str | os.PathLike, *, mappings: MappingTable | None = None) -> Written:
    """Write *kg* as KGX: ``nodes.tsv``, ``edges.tsv``, the same rows as ``nodes.jsonl`` and ``edges.jsonl``,
    and the ``painkg.json`` sidecar in *folder*.

    Parameters
    ----------
    mappings : MappingTable, optional
        Standard identifiers (default: the bundled ``ontology/mappings.sssom.tsv``).

    The files are written together, with the protections of the ``.ttl`` export
    (:func:`painkg.files.write_together`): a read-only, hard-linked, FIFO or device target is
    refused, and the files are renamed into place only once all are written, so a full
    disk leaves the previous export as it was.

    Raises
    ------
    RDFError
        A value holds a tab, a line break or a ``|`` (KGX TSV has no escape for them: kgx splits every
        cell at ``|``), a key or code a space, or a list two equal items (kgx keeps lists as sets);
        or a file cannot be written (the message names it).
    """
    folder = Path(folder)
    table = mappings if mappings is not None else load_mappings()
    ids, categories, xrefs = _identifiers(kg, table)
    node_rows = [_node_row(n, d, ids[n], categories[n], xrefs[n]) for n, d in kg.graph.nodes(data=True)]
    edge_rows = [_edge_row(kg, s, t, Relation(r), d, ids, categories) for s, t, r, d in
                 kg.graph.edges(keys=True, data=True)]
    sidecar = {"references": kg.references, **_tables_json(kg.graph.graph)}
    files = {folder / "nodes.tsv": _tsv(NODE_COLUMNS, node_rows), folder / "edges.tsv": _tsv(EDGE_COLUMNS, edge_rows),
             folder / "nodes.jsonl": _jsonl(NODE_COLUMNS, node_rows),
             folder / "edges.jsonl": _jsonl(EDGE_COLUMNS, edge_rows),
             folder / _SIDECAR: json.dumps(sidecar, ensure_ascii=False, indent=1).encode("utf-8")}
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise RDFError(f"{folder}: cannot create the folder ({exc.strerror or exc})") from exc
    # The files are written together, as the .ttl writer writes one (painkg.files): a read-only,
    # hard-linked or special file is refused, and a full disk leaves the previous export whole.
    write_together(files, error=RDFError)
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
        categories[node_id] = node_category(node_id, data, exact[node_id])
        mine = sorted((c for c in exact[node_id] if claims[c] == 1), key=_preference(categories[node_id]))
        ids[node_id] = mine[0] if mine else f"{NODE_PREFIX}:{node_id}"
        own = [] if ids[node_id].startswith(NODE_PREFIX + ":") else [f"{NODE_PREFIX}:{node_id}"]
        others = [m.object for m in by_node[node_id] if m.object != ids[node_id]]
        xrefs[node_id] = list(dict.fromkeys([*own, *others, *data.get("codes", ())]))
    return ids, categories, xrefs


def _preference(category: str):
    """Sort key for a node's exact matches: Biolink's preferred id prefixes for its category first (MONDO for a
    disease, HP for a phenotype, UBERON for anatomy), then the others in the table's order."""
    order = ID_PREFIXES.get(category, ())
    return lambda curie: order.index(curie.partition(":")[0]) if curie.partition(":")[0] in order else len(order)


def _node_row(node_id: str, data: dict, kgx_id: str, category: str, xrefs: list[str]) -> dict:
    """A node as KGX cells: a list for a Biolink multivalued slot, a text for every other column."""
    prior = data.get("prior")
    synonyms = _items(kgx_id, "synonym", data.get("synonyms", ()))
    return {
        "id": kgx_id, "category": [category], "name": data["label"], "description": data.get("definition", ""),
        "synonym": synonyms, "xref": _items(kgx_id, "xref", xrefs), "provided_by": [INFORES],
        "has_attribute_type": attribute_type(node_id) if category == DEMOGRAPHIC_CATEGORY else "",
        "painkg_id": node_id, "painkg_kind": data["kind"].value, "painkg_region": data.get("region", Area.OTHER).value,
        "painkg_red_flag": "true" if data.get("red_flag") else "false",
        "painkg_role": data["role"].value if data.get("role") is not None else "",
        "painkg_prior": "" if prior is None else prior.value if isinstance(prior, Grade) else repr(float(prior)),
        "painkg_codes": _spaced(kgx_id, "painkg_codes", data.get("codes", ())),
        "painkg_references": _spaced(kgx_id, "painkg_references", data.get("references", ())),
        "painkg_synonym_order": _order(synonyms),
    }


def _edge_row(kg, source, target, relation: Relation, data: dict, ids: dict, categories: dict) -> dict:
    predicate, inverted = edge_predicate(relation, data, categories[source], categories[target])
    subject, obj = (target, source) if inverted else (source, target)
    category = edge_category(predicate, categories[subject], categories[obj])
    allowed = FREQUENCY_SLOTS.get(category, frozenset())
    frequency = data.get("frequency")
    qualifier = GRADE_FREQUENCIES[data["strength"]] if relation in _FREQUENCY_RELATIONS else ""
    edge_id = f"{EDGE_PREFIX}:{source}.{relation.rdf_name}.{target}"
    row = {
        "id": edge_id, "category": [category], "subject": ids[subject], "predicate": predicate,
        "object": ids[obj], "original_predicate": f"{PREFIX}:{relation.rdf_name}",
        "knowledge_level": "knowledge_assertion", "agent_type": "manual_agent", "primary_knowledge_source": INFORES,
        "publications": _items(edge_id, "publications", _publications(kg.references, data["references"])),
        "has_percentage": "" if frequency is None or "has_percentage" not in allowed else repr(round(100 * frequency, 10)),
        "has_quotient": "" if frequency is None or "has_quotient" not in allowed else repr(float(frequency)),
        # Biolink allows the slot on disease and phenotype associations only; elsewhere it is painkg's own.
        "frequency_qualifier": qualifier if "frequency_qualifier" in allowed else "",
        "painkg_frequency_qualifier": "" if "frequency_qualifier" in allowed else qualifier,
        "painkg_strength": data["strength"].value,
        "painkg_qualifier": data["qualifier"].value if data.get("qualifier") is not None else "",
        "painkg_population": data["population"].value if data.get("population") is not None else "",
        "painkg_references": _spaced(edge_id, "painkg_references", data["references"]),
        "painkg_note": data.get("note", ""),
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


def _items(row_id: str, column: str, items) -> list[str]:
    """A list for a Biolink multivalued slot: non-empty, distinct items (kgx reads the list as a set)."""
    items = list(items)
    if any(not item for item in items):
        raise RDFError(f"KGX: {row_id} {column}: an empty list item cannot be told from no item in KGX "
                       f"(allowed: non-empty synonyms, codes and references)")
    if len(set(items)) != len(items):
        twice = next(i for n, i in enumerate(items) if i in items[:n])
        raise RDFError(f"KGX: {row_id} {column}: {twice!r} is listed twice; kgx keeps a list as a set "
                       f"(allowed: distinct items)")
    return items


def _spaced(row_id: str, column: str, items) -> str:
    """painkg's keys or codes as one text, items separated by a space (:data:`SPACED_COLUMNS`)."""
    items = list(items)
    for item in items:
        if not item:
            raise RDFError(f"KGX: {row_id} {column}: an empty list item cannot be told from no item in KGX "
                           f"(allowed: non-empty codes and references)")
        if _SPACE.search(item):
            raise RDFError(f"KGX: {row_id} {column}: {item!r} holds a space, which separates the items of "
                           f"{column} (allowed: keys and codes without spaces)")
    return " ".join(items)


_SPACE = re.compile(r"\s")


def _order(items: list[str]) -> str:
    """Where each item, taken in sorted order (kgx's), stands in painkg's order; empty when that is sorted.

    >>> _order(["b", "c", "a"]), _order(["a", "b"])
    ('2 0 1', '')
    """
    ranked = sorted(range(len(items)), key=items.__getitem__)
    return "" if ranked == list(range(len(items))) else " ".join(map(str, ranked))


def _tsv(columns: tuple[str, ...], rows: list[dict]) -> bytes:
    lines = ["\t".join(columns)]
    for row in rows:
        cells = []
        for column in columns:
            value = row[column]
            for text in (value if isinstance(value, list) else [value]):
                if _UNSAFE.search(text):
                    raise RDFError(f"KGX: {row['id']} {column}: {text!r} holds a tab or line break, which KGX TSV "
                                   f"cannot carry (allowed: one-line text; .ttl/.nt/.jsonld carry any text)")
                if "|" in text:
                    raise RDFError(f"KGX: {row['id']} {column}: {text!r} holds a '|', which kgx reads as a list "
                                   f"separator in every TSV cell (allowed: text without '|'; "
                                   f".ttl/.nt/.jsonld carry any text)")
            cells.append("|".join(value) if isinstance(value, list) else value)
        lines.append("\t".join(cells))
    return ("\n".join(lines) + "\n").encode("utf-8")


def _jsonl(columns: tuple[str, ...], rows: list[dict]) -> bytes:
    """KGX JSON Lines: one object a line, empty values left out, numbers and booleans typed, lists as arrays."""
    lines = []
    for row in rows:
        record: dict = {}
        for column in columns:
            value = row[column]
            if value == "" or value == []:
                continue
            if column in _NUMBERS:
                value = float(value)
            elif column in _BOOLEANS:
                value = value == "true"
            record[column] = value
        lines.append(json.dumps(record, ensure_ascii=False))
    return ("\n".join(lines) + "\n").encode("utf-8")


def _tables_json(tables: dict) -> dict:
    return {"settings": tables.get("settings", {}),
            "priors": [{"setting": s, "condition": c, **row} for (s, c), row in tables.get("priors", {}).items()],
            "clusters": tables.get("clusters", {})}


# -- reading ------------------------------------------------------------------------------------------

#: Deepest nesting read in ``painkg.json`` (painkg writes 4 levels).
MAX_DEPTH = 100
#: Keys of ``painkg.json``, each with the JSON type of its value.
_SIDECAR_KEYS = {"references": dict, "settings": dict, "priors": list, "clusters": dict}


def from_kgx(folder: str | os.PathLike, *, format: str = "tsv") -> KnowledgeGraph:
    """Read back a folder written by :func:`to_kgx`: ``nodes.tsv`` and ``edges.tsv`` (or, with
    ``format="jsonl"``, ``nodes.jsonl`` and ``edges.jsonl``) and ``painkg.json``.

    The files may have been through kgx (``kgx transform``): a list cell read as a set (sorted, as
    kgx writes it) takes back painkg's order from ``painkg_synonym_order``, and a number or a
    boolean kgx wrote as text, or text as a number, is read as the same value.

    Every row passes the checks a knowledge-base table passes (:func:`painkg.kb.validate.check_records`):
    kinds, regions, grades and booleans spelt as painkg writes them (booleans in any case: a
    spreadsheet's ``TRUE`` is true), finite numbers in range, no duplicate node, KGX id or edge,
    known reference keys.  The files are read as a table folder's are: regular files inside
    *folder* only, UTF-8, cells and files of bounded size.  Rows without ``painkg_*`` columns
    (a third-party KGX file) are refused with one problem each: painkg needs a node's kind and
    an edge's evidence, which plain KGX does not carry.

    Raises
    ------
    RDFError
        Listing every problem found, each as ``file:line: what is wrong``; nothing is loaded.
    """
    folder = Path(folder)
    problems = Problems()
    shown = folder.name or str(folder)
    if not folder.is_dir():
        raise RDFError(f"{folder}: not a folder (expected nodes.tsv, edges.tsv and painkg.json written by painkg)")
    if format not in ("tsv", "jsonl"):
        raise RDFError(f"KGX format {format!r} (allowed: tsv, jsonl)")
    nodes, edges = f"nodes.{format}", f"edges.{format}"
    texts = {name: read_file(folder / name, f"{shown}/{name}", problems, folder=folder)
             for name in (nodes, edges, _SIDECAR)}
    sidecar = _read_sidecar(texts[_SIDECAR], f"{shown}/{_SIDECAR}", problems)
    references = _sidecar_references(sidecar, problems)
    reader = _json_rows if format == "jsonl" else _rows
    node_rows, slugs = _node_rows(reader(texts[nodes], f"{shown}/{nodes}", problems), problems)
    edge_rows = _edge_rows(reader(texts[edges], f"{shown}/{edges}", problems), slugs, problems)
    checked = check_records(node_rows, edge_rows, references, problems, **_model_rows(sidecar, problems))
    if problems:
        noun = "problem" if len(problems) == 1 else "problems"
        rest = f"\n… and {problems.more} more" if problems.more else ""
        raise RDFError(f"{len(problems)} {noun} reading KGX:\n" + "\n".join(problems) + rest)
    graph: nx.MultiDiGraph[str] = nx.MultiDiGraph(settings=checked.settings, priors=checked.priors,
                                                  clusters=checked.clusters)
    graph.add_nodes_from(checked.nodes.items())
    # (s, t, key, data): the stubs of MultiDiGraph.add_edges_from know only (s, t) and (s, t, data)
    graph.add_edges_from((s, t, r, d) for (s, t, r), d in checked.edges.items())  # type: ignore[misc]
    return from_graph(graph, references)


def _rows(data: bytes | None, name: str, problems: list[str]):
    return () if data is None else read_rows(data, name, problems)


def _json_rows(data: bytes | None, name: str, problems: list[str]):
    """Rows of KGX JSON Lines, as TSV cells: a list stays a list, a number is its text, a boolean true or false."""
    if data is None:
        return
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        at = data.count(b"\n", 0, exc.start) + 1
        problems.append(f"{name}:{at}: not UTF-8 (byte 0x{data[exc.start]:02x}; allowed: UTF-8 text)")
        return
    for number, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except (json.JSONDecodeError, RecursionError) as exc:
            problems.append(f"{name}:{number}: not a JSON object ({getattr(exc, 'msg', 'nested too deeply')})")
            continue
        if not isinstance(record, dict):
            problems.append(f"{name}:{number}: a JSON {_type(record)} (allowed: one object a line)")
            continue
        cells: dict = {}
        for key, value in record.items():
            if isinstance(value, list) and all(isinstance(v, str) for v in value):
                cells[key] = value
            elif isinstance(value, bool):
                cells[key] = "true" if value else "false"
            elif isinstance(value, (int, float)):
                cells[key] = repr(float(value))
            elif isinstance(value, str):
                cells[key] = value
            elif value is not None:
                problems.append(f"{name}:{number}: {key} is a JSON {_type(value)}, {_shown(value)} "
                                f"(allowed: text, a number, a boolean or a list of texts)")
        yield Row(name, number, cells)


def _split(where: str, column: str, cell, problems: list[str]) -> tuple[str, ...]:
    """The items of a list cell: a JSON list, or a text split at ``|`` (at spaces in :data:`SPACED_COLUMNS`)."""
    if isinstance(cell, list):
        items = tuple(cell)
    elif column in SPACED_COLUMNS:
        items = tuple(cell.split(" ")) if cell else ()
    else:
        items = tuple(cell.split("|")) if cell else ()
    if "" in items:
        separator = "a space" if column in SPACED_COLUMNS else "one '|'"
        problems.append(f"{where}: {column} {cell!r} has an empty item (allowed: items separated by {separator})")
    return tuple(i for i in items if i)


def _text(cell) -> str:
    """A cell that should hold one text: a one-item list (kgx lists a Biolink multivalued slot) is that item."""
    if isinstance(cell, list):
        return "|".join(cell)
    return cell


def _ordered(where: str, items: tuple[str, ...], order, problems: list[str]) -> tuple[str, ...]:
    """Put *items* back in painkg's order, from ``painkg_synonym_order`` (see :func:`_order`)."""
    order = _text(order or "")
    if not order:
        return items
    ranks = order.split(" ")
    ranked = sorted(set(items))
    if sorted(ranks, key=lambda r: int(r) if r.isdigit() else -1) != [str(n) for n in range(len(ranked))] \
            or len(ranked) != len(items):
        problems.append(f"{where}: painkg_synonym_order {order!r} does not order the {len(items)} synonyms "
                        f"(allowed: each position 0-{len(items) - 1} once, one per distinct synonym)")
        return items
    placed = [""] * len(ranked)
    for item, rank in zip(ranked, ranks):
        placed[int(rank)] = item
    return tuple(placed)


def _node_rows(rows, problems: list[str]) -> tuple[list, dict[str, str]]:
    """Node rows for the checks, and each KGX id's painkg id (the ends of the edges)."""
    found: list = []
    slugs: dict[str, str] = {}
    first: dict[str, str] = {}
    for row in rows:
        c, where = {k: v if k in _LIST_CELLS else _text(v) for k, v in row.cells.items()}, row.where
        if not c.get("painkg_id") or not c.get("painkg_kind"):
            problems.append(f"{where}: node {c.get('id')!r} has no painkg_id and painkg_kind (not written by painkg)")
            continue
        kind = next((k for k in Kind if k.value == c["painkg_kind"]), None)
        if kind is None:
            problems.append(f"{where}: painkg_kind {c['painkg_kind']!r} (allowed: {', '.join(k.value for k in Kind)})")
            continue
        kgx_id = c.get("id", "")
        if not kgx_id:
            problems.append(f"{where}: empty id (the edges name a node by it)")
        elif kgx_id in first:
            problems.append(f"{where}: duplicate id {kgx_id!r} (first defined at {first[kgx_id]})")
        else:
            first[kgx_id] = where
            slugs[kgx_id] = c["painkg_id"]
        flag = c.get("painkg_red_flag", "")
        if not flag.strip():
            problems.append(f"{where}: empty painkg_red_flag (allowed: true or false)")
        synonyms = _split(where, "synonym", c.get("synonym", ""), problems)
        cells = {"id": c["painkg_id"], "label": c.get("name", ""),
                 "synonyms": _ordered(where, synonyms, c.get("painkg_synonym_order"), problems),
                 "codes": _split(where, "painkg_codes", c.get("painkg_codes", ""), problems),
                 "region": c.get("painkg_region", ""), "definition": c.get("description", ""),
                 "red_flag": flag.strip() or "false", "role": c.get("painkg_role", ""),
                 "prior": c.get("painkg_prior", ""),
                 "references": _split(where, "painkg_references", c.get("painkg_references", ""), problems)}
        found.append((Row(row.name, row.line, cells), kind))
    return found, slugs


#: Cells read as lists: Biolink's multivalued slots, and painkg's spaced columns when a tool made them lists.
_LIST_CELLS = LIST_COLUMNS | SPACED_COLUMNS


def _edge_rows(rows, slugs: dict[str, str], problems: list[str]) -> list[Row]:
    found = []
    for row in rows:
        c, where = {k: v if k in _LIST_CELLS else _text(v) for k, v in row.cells.items()}, row.where
        original = c.get("original_predicate", "")
        relation = next((r for r in Relation if original == f"{PREFIX}:{r.rdf_name}"), None)
        if relation is None or not c.get("painkg_strength"):
            problems.append(f"{where}: edge {c.get('id')!r} has no painkg original_predicate and painkg_strength "
                            f"(not written by painkg)")
            continue
        subject, obj = slugs.get(c.get("subject", "")), slugs.get(c.get("object", ""))
        if subject is None or obj is None:
            missing = c.get("subject", "") if subject is None else c.get("object", "")
            problems.append(f"{where}: an end of edge {c.get('id')!r}, {missing!r}, is not a node of the nodes file")
            continue
        spec = PREDICATES.get(relation)
        if spec is not None and spec.inverted and c.get("predicate") == spec.predicate:
            subject, obj = obj, subject
        cells = {"source": subject, "relation": relation.value, "target": obj, "strength": c["painkg_strength"],
                 "qualifier": c.get("painkg_qualifier", ""), "population": c.get("painkg_population", ""),
                 "references": _split(where, "painkg_references", c.get("painkg_references", ""), problems),
                 "note": c.get("painkg_note", "")}
        for column in NUMBER_COLUMNS:
            cells[column] = c.get(f"painkg_{column}", "")
        found.append(Row(row.name, row.line, cells))
    return found


# -- painkg.json: the references and the model tables --------------------------------------------------

class _Located(dict):
    """A JSON object that knows the line it starts on (``line``) and the line of each member's value (``lines``)."""

    line = 0
    lines: dict = {}
    order: list  # the keys as written (set by the parser)
    repeated: object  # the first key given twice, when one is (set by the parser)


class _LocatedList(list):
    """A JSON array that knows the line it starts on (``line``) and the line of each item (``lines``)."""

    line = 0
    lines: list = []


class _JSONProblem(Exception):
    pass


def _read_sidecar(data: bytes | None, name: str, problems: list[str]) -> dict:
    """Parse ``painkg.json`` into its known keys; problems come as ``name:line: …``."""
    if data is None:
        return {}
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        problems.append(f"{name}:{line}: not UTF-8 (byte 0x{data[exc.start]:02x}; allowed: UTF-8 text)")
        return {}
    try:
        document = _parse_json(text, name)
    except _JSONProblem as exc:
        problems.append(str(exc))
        return {}
    if not isinstance(document, _Located):  # a JSON object is read as a _Located
        problems.append(f"{name}:1: a JSON {_type(document)} (allowed: an object with {', '.join(_SIDECAR_KEYS)})")
        return {}
    sidecar: dict[str, list | dict] = {}
    for key, value in document.items():
        wanted = _SIDECAR_KEYS.get(key)
        if wanted is None:
            problems.append(f"{name}:{document.line}: unknown key {key!r} (allowed: {', '.join(_SIDECAR_KEYS)})")
        elif not isinstance(value, wanted):
            problems.append(f"{_member({'name': name}, document, key)}: {key} is a JSON {_type(value)} "
                            f"(allowed: {'an array' if wanted is list else 'an object'})")
        else:
            sidecar[key] = value
    return {"name": name, **sidecar}


_JSON_BRACKET = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}\n]')


def _parse_json(text: str, name: str):
    """``json.loads``, with each object and array tagged with its line, and repeated keys and deep nesting refused.

    A linear scan first refuses nesting deeper than :data:`MAX_DEPTH` at its line (``json``
    would raise RecursionError); then Python's own JSON decoder reads the text, with hooks
    that note where each object and array starts.

    >>> _parse_json('{"a": [1, {"b": 2}]}', "x.json")["a"][1].line
    1
    >>> _parse_json('{"a": 1,\\n "a": 2}', "x.json")
    Traceback (most recent call last):
    painkg.rdf.kgx._JSONProblem: x.json:1: key 'a' given twice in one object (the second would replace the first)
    """
    depth, line = 0, 1
    for m in _JSON_BRACKET.finditer(text):
        token = m.group()
        if token == "\n":
            line += 1
        elif token in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                raise _JSONProblem(f"{name}:{line}: JSON nested more than {MAX_DEPTH} levels deep "
                                   f"(allowed: up to {MAX_DEPTH})")
        elif token in "]}":
            depth -= 1
    starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def line_of(index: int) -> int:
        return bisect.bisect_right(starts, index)

    def pairs(items: list) -> _Located:
        located = _Located(items)
        located.order = [k for k, _ in items]
        if len(located) != len(items):
            seen: set = set()
            for k, _ in items:
                if k in seen:
                    located.repeated = k
                    break
                seen.add(k)
        return located

    def noting(scan_once, starts: list):
        def scan(string, index):  # called once per member, at the first character of its value
            starts.append(index)
            return scan_once(string, index)
        return scan

    def parse_object(s_and_end, strict, scan_once, *rest):
        starts: list[int] = []
        value, end = json.decoder.JSONObject(s_and_end, strict, noting(scan_once, starts), *rest)
        value.line = line_of(s_and_end[1] - 1)
        repeated = getattr(value, "repeated", None)
        if repeated is not None:
            raise _JSONProblem(f"{name}:{value.line}: key {repeated!r} given twice in one object "
                               f"(the second would replace the first)")
        value.lines = {key: line_of(start) for key, start in zip(value.order, starts)}
        return value, end

    def parse_array(s_and_end, scan_once):
        starts: list[int] = []
        value, end = json.decoder.JSONArray(s_and_end, noting(scan_once, starts))
        located = _LocatedList(value)
        located.line = line_of(s_and_end[1] - 1)
        located.lines = [line_of(start) for start in starts]
        return located, end

    decoder = json.JSONDecoder(object_pairs_hook=pairs)
    # typeshed declares neither these hooks nor py_make_scanner, though json.decoder and json.scanner define them
    decoder.parse_object, decoder.parse_array = parse_object, parse_array  # type: ignore[attr-defined]
    decoder.scan_once = json.scanner.py_make_scanner(decoder)  # type: ignore[attr-defined]  # calls the hooks above
    try:
        return decoder.decode(text)
    except json.JSONDecodeError as exc:
        raise _JSONProblem(f"{name}:{exc.lineno}: not valid JSON ({exc.msg}, column {exc.colno})") from None
    except RecursionError:  # the depth scan stops this first; kept so that no RecursionError escapes
        raise _JSONProblem(f"{name}: JSON nested too deeply (allowed: up to {MAX_DEPTH} levels)") from None


def _type(value) -> str:
    return {dict: "object", list: "array", str: "string", bool: "boolean", type(None): "null"}.get(
        type(value) if not isinstance(value, (dict, list)) else (dict if isinstance(value, dict) else list),
        "number")


def _where(sidecar: dict, value, *parents) -> str:
    """``name:line`` of a JSON value: its own line, or the line of the nearest object or array holding it."""
    for item in (value, *parents):
        line = getattr(item, "line", 0)
        if line:
            return f"{sidecar['name']}:{line}"
    return sidecar["name"]


def _member(sidecar: dict, holder, key) -> str:
    """``name:line`` of the member *key* of an object (or item *key* of an array)."""
    lines = getattr(holder, "lines", {})
    try:
        return f"{sidecar['name']}:{lines[key]}"
    except (KeyError, IndexError, TypeError):
        return _where(sidecar, holder)


def _cell(sidecar, problems, holder: dict, key: str, kind: str, *, required: bool = False):
    """One field of a sidecar object as a table cell: text, a number's lexical form, or a tuple for a list."""
    where = _member(sidecar, holder, key) if key in holder else _where(sidecar, holder)
    if key not in holder:
        if required:
            problems.append(f"{where}: no {key!r} (allowed: an object with it)")
        return () if kind == "list" else ""
    value = holder[key]
    if kind == "text" and (isinstance(value, str) or (value is None and key == "condition")):
        return value or ""
    if kind == "number" and isinstance(value, (int, float)) and not isinstance(value, bool):
        return repr(value)
    if kind == "integer" and isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if kind == "list" and isinstance(value, list):
        bad = [item for item in value if not isinstance(item, str) or not item]
        if not bad:
            return tuple(value)
        problems.append(f"{where}: {key} holds {json.dumps(bad[0])} (allowed: a list of non-empty texts)")
        return ()
    allowed = {"text": "text", "number": "a number", "integer": "a whole number", "list": "a list of texts"}[kind]
    problems.append(f"{where}: {key} is a JSON {_type(value)}, {_shown(value)} (allowed: {allowed})")
    return () if kind == "list" else ""


def _shown(value) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 40 else text[:37] + "…"


def _objects(sidecar, problems, key: str):
    """Yield (id or None, object) for each entry of a sidecar table; an entry that is no object is a problem."""
    table = sidecar.get(key)
    if table is None:
        return
    entries = table.items() if isinstance(table, dict) else enumerate(table)
    for ident, entry in entries:
        if not isinstance(entry, dict):
            shown = f"{key}[{ident!r}]" if isinstance(table, dict) else f"an entry of {key}"
            problems.append(f"{_member(sidecar, table, ident)}: {shown} is a JSON {_type(entry)} (allowed: an object)")
            continue
        yield (ident if isinstance(table, dict) else None), entry


_REFERENCE_FIELDS = ("key", "citation", "pmid", "doi", "status", "seen")


def _sidecar_references(sidecar: dict, problems: list[str]) -> dict[str, dict[str, str]]:
    references = {}
    for key, entry in _objects(sidecar, problems, "references"):
        where = _where(sidecar, entry)
        row = {field: _cell(sidecar, problems, entry, field, "text") for field in _REFERENCE_FIELDS if field in entry}
        unknown = sorted(set(entry) - set(_REFERENCE_FIELDS))
        if unknown:
            problems.append(f"{where}: reference {key!r} has unknown fields {', '.join(map(repr, unknown))} "
                            f"(allowed: {', '.join(_REFERENCE_FIELDS)})")
        if row.get("key") != key:
            problems.append(f"{where}: reference {key!r} names the key {row.get('key')!r} (allowed: the same key)")
        elif key in EVIDENCE_KEYWORDS or not key:
            problems.append(f"{where}: reference key {key!r} is reserved or empty "
                            f"(allowed: any other key; {', '.join(EVIDENCE_KEYWORDS)} are built in)")
        else:
            references[key] = {"key": key, **{f: row.get(f, "") for f in _REFERENCE_FIELDS[1:5]},
                               **({"seen": row["seen"]} if "seen" in row else {})}
    return references


def _model_rows(sidecar: dict, problems: list[str]) -> dict[str, list[Row]]:
    """The settings, priors and cluster rules of ``painkg.json`` as rows of their tables."""
    def row(entry, cells: dict) -> Row:
        name, _, line = _where(sidecar, entry).rpartition(":")
        return Row(name, int(line), cells) if line.isdigit() else Row(sidecar.get("name", _SIDECAR), 0, cells)

    settings = []
    for ident, entry in _objects(sidecar, problems, "settings"):
        cells = {"id": ident, "label": _cell(sidecar, problems, entry, "label", "text"),
                 "description": _cell(sidecar, problems, entry, "description", "text"),
                 "default_prior": _cell(sidecar, problems, entry, "default_prior", "number", required=True),
                 "references": _cell(sidecar, problems, entry, "references", "list"),
                 "note": _cell(sidecar, problems, entry, "note", "text"),
                 "defines": _cell(sidecar, problems, entry, "defines", "list")}
        settings.append(row(entry, cells))
    priors = []
    for _, entry in _objects(sidecar, problems, "priors"):
        cells = {"setting": _cell(sidecar, problems, entry, "setting", "text", required=True),
                 "condition": _cell(sidecar, problems, entry, "condition", "text", required=True),
                 "prevalence": _cell(sidecar, problems, entry, "prevalence", "number", required=True),
                 "among": _cell(sidecar, problems, entry, "among", "list"),
                 "references": _cell(sidecar, problems, entry, "references", "list"),
                 "note": _cell(sidecar, problems, entry, "note", "text")}
        priors.append(row(entry, cells))
    clusters = []
    for ident, entry in _objects(sidecar, problems, "clusters"):
        family: dict[str, str | tuple[str, ...]] = dict.fromkeys(CLUSTER_COLUMNS, "")
        family.update(cluster=ident, label=_cell(sidecar, problems, entry, "label", "text"),
                      condition=_cell(sidecar, problems, entry, "condition", "text"),
                      members=_cell(sidecar, problems, entry, "members", "list"), references=())
        rules = entry.get("rules", [])
        if not isinstance(rules, list):
            problems.append(f"{_member(sidecar, entry, 'rules')}: rules is a JSON {_type(rules)} (allowed: an array)")
            continue
        if not rules:
            clusters.append(row(entry, family))
        for number, rule in enumerate(rules):
            if not isinstance(rule, dict):
                problems.append(f"{_member(sidecar, rules, number)}: a rule of cluster {ident!r} is a JSON "
                                f"{_type(rule)} (allowed: an object)")
                continue
            numbers = {c: _cell(sidecar, problems, rule, c, "number") for c in LIKELIHOOD_COLUMNS}
            clusters.append(row(rule, {**family, **numbers,
                                       "at_least": _cell(sidecar, problems, rule, "at_least", "integer", required=True),
                                       "references": _cell(sidecar, problems, rule, "references", "list"),
                                       "settings": _cell(sidecar, problems, rule, "settings", "list"),
                                       "note": _cell(sidecar, problems, rule, "note", "text")}))
    return {"settings": settings, "priors": priors, "clusters": clusters}
