"""What a painkg data release is, said in VoID and DCAT: version, licence, date, source commit and files.

A KG user pins and cites a release by this description (``dataset.ttl`` in the release folder that
``scripts/release.py`` writes): one ``void:Dataset`` and ``dcat:Dataset`` with a ``dcat:Distribution``
per file.  The licences are those of ``LICENSE``: the code is MIT, the data (the ``ontology/``
tables and every exported graph) CC BY 4.0.

Examples
--------
>>> from datetime import date
>>> text = dataset_turtle(version="1.2.3", created=date(2026, 1, 2), commit="0" * 40,
...                       files=[DataFile("kgx/nodes.tsv", "text/tab-separated-values", "KGX nodes", 10)])
>>> "dcat:version" in text and DATA_LICENSE in text
True
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from .ntriples import NAMESPACE, NODE, SCHEMA

__all__ = ["CODE_LICENSE", "DATA_LICENSE", "DCAT_VERSION", "DataFile", "release_iri", "dataset_turtle"]

#: The code's licence (LICENSE, first part).
CODE_LICENSE = "https://opensource.org/licenses/MIT"
#: The data's licence (LICENSE, second part): the ontology/ tables and every graph painkg exports.
DATA_LICENSE = "https://creativecommons.org/licenses/by/4.0/"
BIOLINK = "https://w3id.org/biolink/vocab/"
#: DCAT 3's dcat:version (rdflib's DCAT namespace is DCAT 2, which has no version).
DCAT_VERSION = "http://www.w3.org/ns/dcat#version"


@dataclass(frozen=True, slots=True)
class DataFile:
    """One file of a release: its path inside the release folder, media type, title and size in bytes."""

    path: str
    media_type: str
    title: str
    size: int


def release_iri(version: str) -> str:
    """The IRI of a release: ``https://w3id.org/painkg/release/<version>``."""
    return f"{NAMESPACE}release/{version}"


def dataset_turtle(*, version: str, created: date, commit: str, files: Iterable[DataFile],
                   triples: int | None = None, entities: int | None = None) -> str:
    """Return the VoID/DCAT description of a release as Turtle (parsed back by rdflib in the tests)."""
    from rdflib import BNode, Graph, Literal, Namespace, URIRef
    from rdflib.namespace import DCAT, DCTERMS, OWL, RDF, RDFS, VOID, XSD

    g = Graph()
    for prefix, namespace in (("dcat", DCAT), ("dcterms", DCTERMS), ("void", VOID), ("owl", OWL)):
        g.bind(prefix, namespace)
    release = URIRef(release_iri(version))
    g.add((release, RDF.type, VOID.Dataset))
    g.add((release, RDF.type, DCAT.Dataset))
    g.add((release, DCTERMS.title, Literal(f"painkg {version}", lang="en")))
    g.add((release, DCTERMS.description, Literal(
        "A clinical knowledge graph of the hip-spine syndrome: where hip, buttock, groin, leg and low-back pain "
        f"comes from, with its evidence. Built by scripts/release.py from git commit {commit}.", lang="en")))
    g.add((release, URIRef(DCAT_VERSION), Literal(version)))
    g.add((release, OWL.versionInfo, Literal(version)))
    g.add((release, DCTERMS.created, Literal(created.isoformat(), datatype=XSD.date)))
    g.add((release, DCTERMS.license, URIRef(DATA_LICENSE)))
    g.add((release, RDFS.comment, Literal(f"The code that builds it is under {CODE_LICENSE}; the data under "
                                          f"{DATA_LICENSE} (see LICENSE).", lang="en")))
    g.add((release, DCTERMS.identifier, Literal(commit)))
    g.add((release, VOID.uriSpace, Literal(NODE)))
    g.add((release, VOID.vocabulary, URIRef(SCHEMA.rstrip("#"))))
    g.add((release, VOID.vocabulary, URIRef(BIOLINK)))
    g.add((release, DCTERMS.conformsTo, URIRef(f"{NAMESPACE}schema/{version}")))
    if triples is not None:
        g.add((release, VOID.triples, Literal(triples)))
    if entities is not None:
        g.add((release, VOID.entities, Literal(entities)))
    base = Namespace(release_iri(version) + "/")
    for file in files:
        distribution = BNode()
        g.add((release, DCAT.distribution, distribution))
        g.add((distribution, RDF.type, DCAT.Distribution))
        g.add((distribution, DCTERMS.title, Literal(file.title, lang="en")))
        g.add((distribution, DCAT.downloadURL, base[file.path]))
        g.add((distribution, DCAT.mediaType, URIRef(f"https://www.iana.org/assignments/media-types/{file.media_type}")))
        g.add((distribution, DCAT.byteSize, Literal(file.size)))
        g.add((distribution, DCTERMS.license, URIRef(DATA_LICENSE)))
        if file.path.endswith((".ttl", ".nt")):
            g.add((release, VOID.dataDump, base[file.path]))
    return g.serialize(format="turtle")
