"""RDF: mapping, lossless round trip, fast writers, independent parsers, safety, SHACL, SPARQL, ontology."""

from __future__ import annotations

import importlib.util
import io
import json
import math
import os
import re
import shutil
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import networkx as nx
import pyoxigraph
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.compare import isomorphic
from rdflib.namespace import RDF, SKOS

import painkg
from painkg.kb.graph import from_graph
from painkg.rdf.ntriples import NODE, literal, node_iri, write_ntriples, write_turtle
from painkg.rdf.export import FORMATS, PAINKG, export, to_rdf
from painkg.rdf.read import from_rdf, parse
from painkg.rdf.store import read_query, sparql, validate_shacl
from painkg.kb.vocab import LIKELIHOOD_COLUMNS, NUMBER_COLUMNS, Area, Grade, Kind, Population, Qualifier, Relation, Role

ROOT = Path(__file__).resolve().parent.parent
QUERIES = ROOT / "ontology" / "queries"
SUFFIXES = list(FORMATS)
RAPPER = {".ttl": "turtle", ".nt": "ntriples", ".rdf": "rdfxml"}  # raptor has no JSON-LD parser
OXIGRAPH = {".ttl": pyoxigraph.RdfFormat.TURTLE, ".nt": pyoxigraph.RdfFormat.N_TRIPLES,
            ".jsonld": pyoxigraph.RdfFormat.JSON_LD, ".rdf": pyoxigraph.RdfFormat.RDF_XML}


@pytest.fixture(scope="module", params=["mini", "modelled", "kg"])
def any_kg(request) -> painkg.KnowledgeGraph:
    """The hand-built mini KB, the same with the model tables, and the bundled KB."""
    return request.getfixturevalue(request.param)


MODEL_TABLES = {  # the v2 model's graph-level tables, added to a copy of the mini KB
    "settings.tsv": "id\tlabel\tdescription\tdefault_prior\treferences\tnote\n"
                    "primary-care\tprimary care\tGeneral practice\t0.01\tlesher2008\ta \"note\"\n",
    "priors.tsv": "setting\tcondition\tprevalence\tamong\treferences\tnote\n"
                  "primary-care\thip-oa\t0.2\tgroin-pain|low-back-pain\tlesher2008|seed\t\n"
                  "primary-care\tdisc-herniation\t0.1\t\tlesher2008\t\n",
    "clusters.tsv": "cluster\tlabel\tcondition\tmembers\tat_least\tsensitivity\tspecificity\tlr_positive\t"
                    "lr_negative\treferences\tnote\n"
                    "hip-exam\thip exam\thip-oa\tlimited-ir|slr\t2\t0.5\t0.9\t\t\tlesher2008\tboth\n"
                    "hip-exam\thip exam\thip-oa\tlimited-ir|slr\t1\t0.8\t0.6\t2.0\t\tlesher2008\t\n"
                    "back-family\t\t\tslr|groin-pain|slr\t\t\t\t\t\tseed\t\n",
}


@pytest.fixture(scope="module")
def modelled(tmp_path_factory) -> painkg.KnowledgeGraph:
    """The mini KB plus settings, priors and clusters, and a syndrome role and a population."""
    folder = tmp_path_factory.mktemp("modelled") / "kb"
    shutil.copytree(ROOT / "tests" / "data" / "mini", folder)
    for name, text in MODEL_TABLES.items():
        (folder / name).write_text(text, encoding="utf-8")
    nodes = folder / "nodes-condition.tsv"
    nodes.write_text(nodes.read_text(encoding="utf-8").replace("\t\t\toccasional", "\t\tsyndrome\toccasional", 1),
                     encoding="utf-8")
    edges = folder / "edges-referral.tsv"
    lines = edges.read_text(encoding="utf-8").splitlines()
    cells = lines[1].split("\t")
    cells[10] = "pooled"  # population
    for i in (5, 6, 7, 8):  # a likelihood measured in another population is refused by the loader
        cells[i] = ""
    edges.write_text("\n".join([lines[0], "\t".join(cells), *lines[2:]]) + "\n", encoding="utf-8")
    kb = painkg.load(folder, cache=False)
    assert kb.graph.graph["settings"] and kb.graph.graph["priors"] and len(kb.graph.graph["clusters"]) == 2
    assert any("role" in d for _, d in kb.graph.nodes(data=True))
    assert any("population" in d for _, _, d in kb.graph.edges(data=True))
    return kb


def assert_same_kb(back: painkg.KnowledgeGraph, kg: painkg.KnowledgeGraph) -> None:
    assert dict(back.graph.nodes(data=True)) == dict(kg.graph.nodes(data=True))
    edges = {(s, t, k): d for s, t, k, d in kg.graph.edges(keys=True, data=True)}
    assert {(s, t, k): d for s, t, k, d in back.graph.edges(keys=True, data=True)} == edges
    assert back.references == kg.references
    tables = ("settings", "priors", "clusters")  # a load always has the three; a hand-built graph may not
    assert {t: back.graph.graph[t] for t in tables} == {t: kg.graph.graph.get(t, {}) for t in tables}
    for _, data in back.graph.nodes(data=True):  # the types, not only equal values
        assert type(data["kind"]) is Kind and type(data["region"]) is Area and type(data["synonyms"]) is tuple
        assert "role" not in data or type(data["role"]) is Role
    for _, _, key, data in back.graph.edges(keys=True, data=True):
        assert type(key) is Relation and type(data["strength"]) is Grade
        assert "population" not in data or type(data["population"]) is Population
    for cluster in back.graph.graph["clusters"].values():
        assert type(cluster["members"]) is tuple and all(type(r["at_least"]) is int for r in cluster["rules"])


# -- the mapping, on the hand-built KB ------------------------------------------------------------

def test_node_triples(mini):
    g = to_rdf(mini)
    hip = URIRef(NODE + "hip-oa")
    assert (hip, RDF.type, PAINKG.Condition) in g
    assert (hip, SKOS.prefLabel, Literal("hip osteoarthritis", lang="en")) in g
    assert set(g.objects(hip, SKOS.altLabel)) == {Literal("coxarthrosis", lang="en"), Literal("hip OA", lang="en")}
    assert (hip, PAINKG.code, URIRef("https://icd.codes/icd10cm/M16.9")) in g
    assert (URIRef(NODE + "groin-pain"), PAINKG.code, URIRef("http://purl.obolibrary.org/obo/HP_0030838")) in g
    assert (hip, PAINKG.priorGrade, PAINKG["grade-common"]) in g
    assert (URIRef(NODE + "cauda-equina"), PAINKG.redFlag, Literal(True)) in g


def test_every_node_has_an_rdfs_label(kg):
    """rdfs:label, what OBO tools, Protégé and Ubergraph-style queries read, beside skos:prefLabel, on every node."""
    from rdflib.namespace import RDFS

    g = Graph().parse(data=export_text(kg, write_turtle), format="turtle")
    nodes = {s for s in g.subjects(SKOS.prefLabel, None) if str(s).startswith(NODE)}
    assert len(nodes) == kg.graph.number_of_nodes()
    for node in nodes:
        assert list(g.objects(node, RDFS.label)) == list(g.objects(node, SKOS.prefLabel)), node


def export_text(kb, writer) -> str:
    buffer = io.StringIO()
    writer(kb, buffer)
    return buffer.getvalue()


def test_edge_is_direct_and_reified(mini):
    g = to_rdf(mini)
    s, o = URIRef(NODE + "hip-joint"), URIRef(NODE + "groin-pain")
    assert (s, PAINKG.refersTo, o) in g
    (statement,) = g.subjects(RDF.subject, s)
    assert (statement, RDF.predicate, PAINKG.refersTo) in g and (statement, RDF.object, o) in g
    assert g.value(statement, PAINKG.frequency).toPython() == 0.55
    assert str(g.value(statement, URIRef("http://www.w3.org/2000/01/rdf-schema#comment"))).startswith("55%")
    ref = g.value(statement, URIRef("http://www.w3.org/ns/prov#wasDerivedFrom"))
    assert (ref, RDF.type, PAINKG.Reference) in g
    assert URIRef("https://pubmed.ncbi.nlm.nih.gov/18254763/") in set(g.objects(ref, None))


def test_closed_namespace_rejects_typos():
    with pytest.raises(AttributeError):
        PAINKG.refersToo  # noqa: B018


def test_only_painkg_prefixes_are_bound(mini):
    bound = {prefix for prefix, _ in to_rdf(mini).namespaces()}
    assert bound <= {"painkg", "node", "edge", "ref", "setting", "prior", "cluster", "rdf", "rdfs", "xsd", "skos", "prov",
                     "dcterms", "xml", "owl"}


def test_unknown_suffix_names_the_allowed_ones(mini, tmp_path):
    with pytest.raises(painkg.RDFError, match=r"\.ttl, \.nt, \.jsonld, \.rdf"):
        export(mini, tmp_path / "kg.owl")
    with pytest.raises(painkg.RDFError, match="unknown"):
        export(mini, tmp_path / "kg.ttl", format="n3")


def test_rdfxml_refuses_text_xml_cannot_hold(mini, tmp_path):
    graph = nx.MultiDiGraph(mini.graph)
    graph.nodes["groin"]["definition"] = "a\x01b"
    with pytest.raises(painkg.RDFError, match="RDF/XML"):
        export(from_graph(graph, mini.references), tmp_path / "kg.rdf")
    assert not list(tmp_path.iterdir())  # no half-written file left behind


# -- round trip and independent parsers, on both KBs -------------------------------------------

def test_round_trip_in_memory(any_kg):
    assert_same_kb(from_rdf(to_rdf(any_kg)), any_kg)


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_round_trip_through_files(any_kg, tmp_path, suffix):
    path = tmp_path / f"kg{suffix}"
    written = export(any_kg, path)
    assert_same_kb(from_rdf(path), any_kg)
    assert len(parse(path)) == written.triples == len(to_rdf(any_kg))


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_independent_parsers_agree(any_kg, tmp_path, suffix):
    path = tmp_path / f"kg{suffix}"
    triples = export(any_kg, path).triples
    assert len(list(pyoxigraph.parse(path=str(path), format=OXIGRAPH[suffix]))) == triples
    if suffix in RAPPER:
        assert rapper_count(path, RAPPER[suffix]) == triples


def rapper_count(path: Path, syntax: str) -> int:
    if shutil.which("rapper") is None:
        pytest.fail("raptor's `rapper` is required by the test suite (apt-get install raptor2-utils)")
    done = subprocess.run(["rapper", "-q", "-i", syntax, "-c", str(path)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    match = re.search(r"returned (\d+) triples", done.stderr + done.stdout)
    if match is None:  # -q silences the count on some builds
        done = subprocess.run(["rapper", "-i", syntax, "-c", str(path)], capture_output=True, text=True)
        match = re.search(r"returned (\d+) triples", done.stderr)
    return int(match.group(1))


@pytest.mark.parametrize("writer", [write_ntriples, write_turtle], ids=["nt", "ttl"])
def test_fast_writer_is_isomorphic_to_rdflib(any_kg, writer):
    buffer = io.StringIO()
    count = writer(any_kg, buffer)
    fast = Graph().parse(data=buffer.getvalue(), format="nt" if writer is write_ntriples else "turtle")
    reference = to_rdf(any_kg)
    assert count == len(fast) == len(reference)
    assert same_graph(fast, reference)


def same_graph(first: Graph, second: Graph) -> bool:
    """Isomorphism for painkg graphs, whose only blank nodes are rdf:List cells.

    rdflib's general ``isomorphic`` takes minutes on the bundled KB's hundreds of lists;
    comparing ground triples plus each list's items, in order, is exact here and fast.
    """
    def canonical(graph: Graph):
        ground, lists = set(), set()
        for s, p, o in graph:
            if isinstance(o, BNode) and not isinstance(s, BNode):
                lists.add((s, p, tuple(Collection(graph, o))))
            elif not isinstance(s, BNode) and not isinstance(o, BNode):
                ground.add((s, p, o))
        return ground, lists

    return len(first) == len(second) and canonical(first) == canonical(second)


# -- hypothesis: generated KBs with hostile strings ----------------------------------------------

HOSTILE = ['"', '"""', "'", "\\", "\\n", "\n", "\r", "\t", "<>", "<script>", "&amp;", "]]>", "é", "𝄞", "\u2028",
           "\x85", "\x00", "\x7f", "@en", "^^xsd:string", " ", "#", "%20", "?a=b", "|", "_:b0"]
XML_SAFE = [h for h in HOSTILE if not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\r]", h)]


def texts(pieces: list[str], *, min_size: int = 0):
    plain = st.characters(blacklist_categories=("Cs",), blacklist_characters="\r")
    if pieces is XML_SAFE:
        plain = st.characters(blacklist_categories=("Cs", "Cc"), whitelist_characters="\t\n")
    part = st.one_of(st.sampled_from(pieces), st.text(plain, max_size=4))
    return st.lists(part, min_size=min_size, max_size=5).map("".join)


CODES = ["ICD10CM:M16.9", "ICD10CM:M54.5", "HP:0003419", "HP:0030838"]
TREATMENT_RELATIONS = {r for r in Relation if r.range == {Kind.TREATMENT}}


RED_FLAG_KINDS = {Kind.CONDITION, Kind.SYMPTOM, Kind.FINDING}


@st.composite
def hostile_kbs(draw, pieces=HOSTILE) -> painkg.KnowledgeGraph:
    """A KB full of hostile strings that a table could also hold: it passes the loader's checks."""
    text = texts(pieces)
    keys = draw(st.lists(texts(pieces, min_size=1).filter(lambda k: k and k not in ("seed", "anatomy")),
                         min_size=1, max_size=4, unique=True))
    references = {k: {"key": k, "citation": draw(text), "pmid": draw(st.sampled_from(["", "18254763", "1 / 2"])),
                      "doi": draw(st.sampled_from(["", "10.1111/x.y", "10.1002/a / 10.1002/b<\"x>"])),
                      "status": draw(text), **({"seen": draw(text)} if draw(st.booleans()) else {})} for k in keys}
    evidence = st.sampled_from([*keys, "seed", "anatomy"])
    label = texts(pieces, min_size=1).filter(bool)
    graph = nx.MultiDiGraph()
    for i, kind in enumerate(draw(st.lists(st.sampled_from(list(Kind)), min_size=2, max_size=8))):
        refs = tuple(draw(st.lists(evidence, max_size=3)))
        cited = any(r in references for r in refs)  # a number needs literature, as in a table
        prior, role = None, {}
        if kind is Kind.CONDITION:
            numbers = st.floats(0, 1, exclude_min=True) if cited else st.nothing()
            prior = draw(st.one_of(st.none(), st.sampled_from(list(Grade)), numbers))
            if draw(st.booleans()):  # only a condition has a role; an ordinary source has no key
                role = {"role": draw(st.sampled_from(list(Role)))}
        graph.add_node(f"n{i}-{kind.value}", kind=kind, label=draw(label),
                       synonyms=tuple(draw(st.lists(text, max_size=3))),
                       codes=tuple(draw(st.lists(st.sampled_from(CODES), max_size=3))),
                       region=draw(st.sampled_from(list(Area))), definition=draw(text),
                       red_flag=kind in RED_FLAG_KINDS and draw(st.booleans()), prior=prior, references=refs, **role)
    nodes = list(graph.nodes(data="kind"))
    for relation in draw(st.lists(st.sampled_from(list(Relation)), max_size=12)):
        sources = [n for n, k in nodes if k in relation.domain]
        targets = [n for n, k in nodes if k in relation.range]
        if not sources or not targets:
            continue
        source, target = draw(st.sampled_from(sources)), draw(st.sampled_from(targets))
        if graph.has_edge(source, target, relation):  # add_edge would merge the two edges' attributes
            continue
        data = {"strength": draw(st.sampled_from(list(Grade))),
                "references": tuple(draw(st.lists(evidence, min_size=1, max_size=3)))}
        if any(r in references for r in data["references"]):
            for column in NUMBER_COLUMNS:
                if draw(st.booleans()):
                    data[column] = draw(st.floats(0, 1) if not column.startswith("lr_")
                                        else st.floats(0, 1e6, exclude_min=True))
        if relation in TREATMENT_RELATIONS and draw(st.booleans()):
            data["qualifier"] = draw(st.sampled_from(list(Qualifier)))
        if not any(c in data for c in LIKELIHOOD_COLUMNS) and draw(st.booleans()):
            # a likelihood measured in another population is refused by the loader
            data["population"] = draw(st.sampled_from(list(Population)))
        note = draw(text)
        if note:
            data["note"] = note
        graph.add_edge(source, target, key=relation, **data)
    graph.graph.update(draw(model_tables(nodes, text, label, evidence, keys)))
    return from_graph(graph, references)


@st.composite
def model_tables(draw, nodes, text, label, evidence, keys) -> dict:
    """Settings, priors and clusters shaped as :func:`painkg.kb.validate.check` builds them, and accepted by it."""
    refs = st.lists(evidence, max_size=3).map(tuple)
    literature = st.builds(lambda key, rest: (*rest, key), st.sampled_from(keys), st.lists(evidence, max_size=2))
    above_zero = st.floats(0, 1, exclude_min=True)
    settings = {f"s{i}": {"label": draw(label), "description": draw(text), "default_prior": draw(above_zero),
                          "references": draw(refs), "note": draw(text)}
                for i in range(draw(st.integers(0, 2)))}
    conditions = [n for n, k in nodes if k is Kind.CONDITION]
    pairs = draw(st.lists(st.tuples(st.sampled_from(sorted(settings)), st.sampled_from(conditions)), unique=True,
                          max_size=4)) if settings and conditions else []
    symptoms = [n for n, k in nodes if k is Kind.SYMPTOM]
    among = st.lists(st.sampled_from(symptoms), max_size=3).map(tuple) if symptoms else st.just(())
    priors = {pair: {"prevalence": draw(above_zero), "among": draw(among), "references": draw(literature),
                     "note": draw(text)} for pair in pairs}
    observables = [n for n, k in nodes if k in (Kind.SYMPTOM, Kind.FINDING, Kind.TEST, Kind.ACTIVITY)]
    clusters = {}
    for i in range(draw(st.integers(0, 2)) if observables else 0):
        members = tuple(draw(st.lists(st.sampled_from(observables), min_size=2, max_size=4)))
        rules = [{"at_least": draw(st.integers(1, len(members))), **draw(rule_numbers()),
                  "references": draw(literature), "note": draw(text)} for _ in range(draw(st.integers(0, 3)))]
        rules.sort(key=lambda r: -r["at_least"])  # the loader's order (stable)
        clusters[f"c{i}"] = {"label": draw(label), "members": members, "rules": rules,
                             "condition": draw(st.sampled_from([None, *conditions]))}
    return {"settings": settings, "priors": priors, "clusters": clusters}


@st.composite
def rule_numbers(draw) -> dict:
    """A threshold's accuracy: its sensitivity and specificity, or its LR+ (the loader needs one of them)."""
    fraction, ratio = st.floats(0, 1), st.floats(0, 1e3, exclude_min=True)
    both = draw(st.booleans())
    numbers = {"sensitivity": draw(fraction), "specificity": draw(fraction)} if both else {"lr_positive": draw(ratio)}
    for column, values in (("sensitivity", fraction), ("specificity", fraction), ("lr_positive", ratio),
                           ("lr_negative", ratio)):
        if column not in numbers and draw(st.booleans()):
            numbers[column] = draw(values)
    return numbers


FAST = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(hostile_kbs())
def test_hostile_round_trip_in_memory(kb):
    assert_same_kb(from_rdf(to_rdf(kb)), kb)


@FAST
@given(kb=hostile_kbs(), suffix=st.sampled_from([".ttl", ".nt", ".jsonld"]))
def test_hostile_round_trip_through_files(tmp_path_factory, kb, suffix):
    path = tmp_path_factory.mktemp("rdf") / f"kg{suffix}"
    export(kb, path)
    assert_same_kb(from_rdf(path), kb)


@FAST
@given(hostile_kbs(XML_SAFE))
def test_hostile_round_trip_through_rdfxml(tmp_path_factory, kb):
    path = tmp_path_factory.mktemp("rdf") / "kg.rdf"
    export(kb, path)
    assert_same_kb(from_rdf(path), kb)


@FAST
@given(hostile_kbs())
def test_hostile_fast_writers_match_rdflib_and_oxigraph(kb):
    reference = to_rdf(kb)
    for writer, syntax, ox in ((write_ntriples, "nt", pyoxigraph.RdfFormat.N_TRIPLES),
                               (write_turtle, "turtle", pyoxigraph.RdfFormat.TURTLE)):
        buffer = io.StringIO()
        count = writer(kb, buffer)
        assert isomorphic(Graph().parse(data=buffer.getvalue(), format=syntax), reference)
        assert len(list(pyoxigraph.parse(buffer.getvalue().encode("utf-8"), format=ox))) == count == len(reference)


def test_literal_escaping_reads_back():
    text = 'a"b\\c\nd\re\tf\x00g\x7fh"""é𝄞\u2028'
    parsed = Graph().parse(data=f"<http://a> <http://b> {literal(text)} .", format="nt")
    assert str(next(parsed.objects())) == text


def test_ids_that_are_not_slugs_are_refused():
    with pytest.raises(painkg.RDFError, match="slug"):
        node_iri("Hip OA")


# -- import: problems are collected and readable ---------------------------------------------

def test_import_reports_every_problem(mini):
    g = to_rdf(mini)
    statement = next(g.subjects(RDF.subject, URIRef(NODE + "hip-joint")))
    g.remove((statement, PAINKG.strength, None))
    g.add((URIRef(NODE + "groin"), PAINKG.refersTo, URIRef(NODE + "sitting")))
    with pytest.raises(painkg.RDFError) as caught:
        from_rdf(g)
    message = str(caught.value)
    assert "2 problems" in message
    assert "edge:hip-joint.refersTo.groin-pain: empty strength" in message and "edge without evidence" in message


SETTING_PC = URIRef("https://w3id.org/painkg/setting/primary-care")
PRIOR_HIP = URIRef("https://w3id.org/painkg/prior/primary-care.hip-oa")
HIP_EXAM = URIRef("https://w3id.org/painkg/cluster/hip-exam")
RULE_1 = URIRef("https://w3id.org/painkg/cluster/hip-exam.rule-1")
POOLED = URIRef("https://w3id.org/painkg/edge/hip-joint.refersTo.groin-pain")  # its population: pooled
PROV_DERIVED = URIRef("http://www.w3.org/ns/prov#wasDerivedFrom")


def _replace(graph: Graph, subject, predicate, value) -> None:
    graph.remove((subject, predicate, None))
    graph.add((subject, predicate, value))


# Each breaks one thing the loader refuses in a table; from_rdf must refuse it too, saying where.
MODEL_MUTATIONS = {
    "role-on-symptom": (lambda g: g.add((URIRef(NODE + "groin-pain"), PAINKG.role, PAINKG["role-syndrome"])),
                        "node:groin-pain: only a condition has a role (this is a symptom)"),
    "unknown-role": (lambda g: _replace(g, URIRef(NODE + "hip-oa"), PAINKG.role, PAINKG["grade-common"]),
                     "node:hip-oa: unknown role 'painkg:grade-common'"),
    "likelihood-in-population": (lambda g: g.add((POOLED, PAINKG.sensitivity, Literal(0.5))),
                                 "edge:hip-joint.refersTo.groin-pain: sensitivity measured in pooled is not a likelihood"),
    "default-prior-2": (lambda g: _replace(g, SETTING_PC, PAINKG.defaultPrior, Literal(2.0)),
                        "setting:primary-care: bad default_prior '2.0'"),
    "setting-outside-namespace": (lambda g: g.add((URIRef("http://example.org/s"), RDF.type, PAINKG.Setting)),
                                  "<http://example.org/s>: a setting needs an IRI https://w3id.org/painkg/setting/"),
    "prevalence-0": (lambda g: _replace(g, PRIOR_HIP, PAINKG.prevalence, Literal(0.0)),
                     "prior:primary-care.hip-oa: bad prevalence '0.0'"),
    "prior-unknown-setting": (lambda g: _replace(g, PRIOR_HIP, PAINKG.setting,
                                                 URIRef("https://w3id.org/painkg/setting/spine-centre")),
                              "prior:primary-care.hip-oa: unknown setting 'spine-centre'"),
    "prior-of-a-symptom": (lambda g: _replace(g, PRIOR_HIP, PAINKG.condition, URIRef(NODE + "groin-pain")),
                           "prior:primary-care.hip-oa: 'groin-pain' is not a condition of the knowledge base"),
    "among-a-condition": (lambda g: (g.remove((PRIOR_HIP, PAINKG.amongList, None)),
                                     g.add((PRIOR_HIP, PAINKG.among, URIRef(NODE + "hip-oa")))),
                          "prior:primary-care.hip-oa: among: 'hip-oa' is not a symptom of the knowledge base"),
    "among-and-its-list-disagree": (lambda g: g.add((PRIOR_HIP, PAINKG.among, URIRef(NODE + "hip-oa"))),
                                    "prior:primary-care.hip-oa: painkg:amongList and painkg:among disagree"),
    "prior-without-literature": (lambda g: _replace(g, URIRef("https://w3id.org/painkg/prior/primary-care."
                                                              "disc-herniation"), PROV_DERIVED,
                                                    URIRef("https://w3id.org/painkg/reference/seed")),
                                 "prior:primary-care.disc-herniation: a prevalence needs a literature reference"),
    "at-least-5-of-2": (lambda g: _replace(g, RULE_1, PAINKG.atLeast, Literal(5)),
                        "cluster:hip-exam.rule-1: at_least '5' (allowed: 1 to the number of members)"),
    "rule-without-threshold": (lambda g: g.remove((RULE_1, PAINKG.atLeast, None)),
                               "cluster:hip-exam.rule-1: needs exactly one painkg:atLeast (found 0)"),
    "rule-without-accuracy": (lambda g: g.remove((RULE_1, PAINKG.specificity, None)),
                              "cluster:hip-exam.rule-1: a threshold needs its sensitivity and specificity, or its LR+"),
    "member-a-condition": (lambda g: (g.remove((HIP_EXAM, PAINKG.memberList, None)),
                                      g.add((HIP_EXAM, PAINKG.member, URIRef(NODE + "disc-herniation")))),
                           "member 'disc-herniation' is not a symptom, finding, test or activity"),
}


@pytest.mark.parametrize("name", MODEL_MUTATIONS)
def test_import_checks_roles_populations_and_model_tables_as_load_does(modelled, name):
    mutate, expected = MODEL_MUTATIONS[name]
    graph = to_rdf(modelled)
    mutate(graph)
    with pytest.raises(painkg.RDFError) as caught:
        from_rdf(graph)
    assert expected in str(caught.value), str(caught.value)


def test_import_reads_the_model_tables_as_load_builds_them(modelled):
    back = from_rdf(to_rdf(modelled))
    assert back.graph.graph["clusters"]["back-family"] == {"label": "back-family", "condition": None,
                                                           "members": ("slr", "groin-pain", "slr"), "rules": []}
    assert [r["at_least"] for r in back.graph.graph["clusters"]["hip-exam"]["rules"]] == [2, 1]
    assert back.settings() == modelled.settings()


# -- safe import -----------------------------------------------------------------------------------

@pytest.fixture
def recorder():
    """A local HTTP server that records every request; yields (base URL, hits)."""
    hits: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server's naming)
            hits.append(self.path)
            body = b'{"@context": {"name": "http://schema.org/name"}}'
            self.send_response(200)
            self.send_header("Content-Type", "application/ld+json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", hits
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("document", [
    '{{"@context": "{url}/context.jsonld", "@id": "http://a", "name": "x"}}',
    '{{"@context": ["{url}/context.jsonld"], "@id": "http://a", "name": "x"}}',
    '{{"@context": {{"@import": "{url}/context.jsonld"}}, "@id": "http://a"}}',
    '{{"@graph": [{{"@context": "{url}/nested.jsonld", "@id": "http://a"}}]}}',
], ids=["string", "list", "import", "nested"])
def test_jsonld_remote_context_is_never_fetched(recorder, tmp_path, document):
    url, hits = recorder
    path = tmp_path / "evil.jsonld"
    path.write_text(document.format(url=url), encoding="utf-8")
    with pytest.raises(painkg.RDFError, match="remote JSON-LD @context"):
        from_rdf(path)
    assert hits == []


@pytest.mark.parametrize("entity", ["{url}/secret", "file://{secret}"], ids=["http", "file"])
def test_rdfxml_external_entity_is_never_resolved(recorder, tmp_path, entity):
    url, hits = recorder
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET", encoding="utf-8")
    path = tmp_path / "evil.rdf"
    path.write_text(f"""<?xml version="1.0"?>
<!DOCTYPE rdf:RDF [<!ENTITY leak SYSTEM "{entity.format(url=url, secret=secret)}">]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://example.org/">
  <rdf:Description rdf:about="http://example.org/a"><ex:p>&leak;</ex:p></rdf:Description>
</rdf:RDF>""", encoding="utf-8")
    with pytest.raises(painkg.RDFError, match="external XML entities"):
        from_rdf(path)
    assert hits == []


def test_a_url_is_not_fetched(recorder):
    url, hits = recorder
    with pytest.raises(painkg.RDFError, match="cannot read"):
        from_rdf(f"{url}/kg.ttl")
    assert hits == []


def test_malformed_input_is_an_rdf_error(tmp_path):
    path = tmp_path / "bad.ttl"
    path.write_text("<a> <b> .", encoding="utf-8")
    with pytest.raises(painkg.RDFError, match="not valid turtle"):
        from_rdf(path)


# -- SHACL -------------------------------------------------------------------------------------------

@pytest.mark.slow
def test_export_conforms_to_shapes(any_kg):
    report = validate_shacl(any_kg)
    assert report.conforms, str(report)
    assert report.shapes > 50


def test_broken_graph_fails_with_readable_report(mini):
    g = to_rdf(mini)
    statement = next(g.subjects(RDF.subject, URIRef(NODE + "hip-joint")))
    g.remove((statement, PAINKG.strength, None))
    g.add((URIRef(NODE + "groin"), PAINKG.refersTo, URIRef(NODE + "sitting")))
    g.add((statement, PAINKG.frequency, Literal(1.5)))
    report = validate_shacl(g)
    assert not report.conforms
    text = str(report)
    domain = ", ".join(sorted(k.value for k in Relation.REFERS_TO.domain))
    assert f"refers-to starts at {domain}" in text
    assert "refers-to ends at symptom" in text
    assert "exactly one painkg:strength" in text
    assert "a fraction between 0 and 1" in text
    assert "an edge needs its evidence" in text
    assert all(line.startswith(("node:", "edge:")) for line in report.problems)


# -- SPARQL: the example queries answer what the Python API says ----------------------------------

def short(term) -> str:
    return str(term).rpartition("/")[2]


def test_groin_referral_query(any_kg):
    rows = sparql(any_kg, read_query(str(QUERIES / "groin-referral.rq")))
    got = {(short(r["source"]), short(r["symptom"]), str(r["strength"]),
            float(r["frequency"]) if "frequency" in r else None, frozenset(str(r["references"]).split()))
           for r in rows}
    groin = {e.source for e in any_kg.edges(relation=Relation.LOCATED_IN, target="groin")}
    expected = {(e.source, e.target, e.strength.value, e.frequency, frozenset(e.references))
                for symptom in groin for e in any_kg.edges(relation=Relation.REFERS_TO, target=symptom)}
    assert got == expected and expected


def test_treatments_query(any_kg):
    rows = sparql(any_kg, read_query(str(QUERIES / "treatments.rq")))
    got = {(short(r["condition"]), short(r["treatment"]), str(r["qualifier"]), frozenset(str(r["references"]).split()))
           for r in rows}
    expected = {(e.source, e.target, e.qualifier.value if e.qualifier else "", frozenset(e.references))
                for e in any_kg.edges(relation=Relation.TREATED_BY)}
    assert got == expected


def test_red_flags_query(any_kg):
    rows = sparql(any_kg, read_query(str(QUERIES / "red-flags.rq")))
    got = {(short(r["flag"]), short(r["condition"])) for r in rows}
    flags = [n for n, d in any_kg.graph.nodes(data=True) if d["red_flag"]]
    expected = {(f, f) for f in flags if any_kg.node(f).kind is Kind.CONDITION}
    expected |= {(f, e.source) for f in flags for e in any_kg.edges(relation=Relation.PRESENTS_WITH, target=f)}
    assert got == expected and expected


def test_diagnostic_accuracy_query(any_kg):
    rows = sparql(any_kg, read_query(str(QUERIES / "diagnostic-accuracy.rq")))
    names = ("sensitivity", "specificity", "lrPositive", "lrNegative")
    got = {(short(r["condition"]), short(r["test"]), *(float(r[n]) if n in r else None for n in names)) for r in rows}
    expected = {(e.source, e.target, e.sensitivity, e.specificity, e.lr_positive, e.lr_negative)
                for e in any_kg.edges(relation=Relation.DIAGNOSED_BY)}
    assert got == expected


def test_every_query_file_is_documented_and_runs(mini):
    for path in sorted(QUERIES.glob("*.rq")):
        assert path.read_text(encoding="utf-8").startswith("# "), f"{path.name}: start with a comment saying what it asks"
        sparql(mini, read_query(str(path)))


def test_bad_query_is_an_rdf_error(mini):
    with pytest.raises(painkg.RDFError, match="SPARQL"):
        sparql(mini, "SELEC ?x")


# -- the ontology files are generated from vocab ----------------------------------------------------

def load_script(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_checked_in_ontology_and_shapes_are_fresh():
    build = load_script("build_ontology")
    assert isomorphic(build.build_ontology(), Graph().parse(ROOT / "ontology" / "painkg.ttl")), \
        "ontology/painkg.ttl is stale: run python scripts/build_ontology.py"
    assert isomorphic(build.build_shapes(), Graph().parse(ROOT / "ontology" / "shapes.ttl")), \
        "ontology/shapes.ttl is stale: run python scripts/build_ontology.py"


def test_ontology_declares_every_kind_and_relation():
    onto = Graph().parse(ROOT / "ontology" / "painkg.ttl")
    owl = "http://www.w3.org/2002/07/owl#"
    for kind in Kind:
        assert (PAINKG[kind.value.capitalize()], RDF.type, URIRef(owl + "Class")) in onto
    for relation in Relation:
        prop = PAINKG[relation.rdf_name]
        assert (prop, RDF.type, URIRef(owl + "ObjectProperty")) in onto
        assert (prop, URIRef("http://www.w3.org/2000/01/rdf-schema#domain"), None) in onto
    assert rapper_count(ROOT / "ontology" / "painkg.ttl", "turtle") == len(onto)


def test_instance_data_uses_only_ontology_terms(modelled):
    onto = Graph().parse(ROOT / "ontology" / "painkg.ttl")
    declared = set(onto.subjects())
    used = {t for triple in to_rdf(modelled) for t in triple if str(t).startswith(str(PAINKG._NS))}
    assert used <= declared
    assert {PAINKG.Setting, PAINKG.Prior, PAINKG.Cluster, PAINKG.ClusterRule, PAINKG.role, PAINKG.population} <= used


def test_model_tables_triples(modelled):
    g = to_rdf(modelled)
    prior = URIRef("https://w3id.org/painkg/prior/primary-care.hip-oa")
    assert (prior, PAINKG.setting, URIRef("https://w3id.org/painkg/setting/primary-care")) in g
    assert g.value(prior, PAINKG.prevalence).toPython() == 0.2
    rules = list(Collection(g, g.value(URIRef("https://w3id.org/painkg/cluster/hip-exam"), PAINKG.ruleList)))
    assert [g.value(r, PAINKG.atLeast).toPython() for r in rules] == [2, 1]
    members = g.value(URIRef("https://w3id.org/painkg/cluster/back-family"), PAINKG.memberList)
    assert [short(m) for m in Collection(g, members)] == ["slr", "groin-pain", "slr"]  # order and repeats kept


# -- lazy imports and the CLI -------------------------------------------------------------------------

def test_import_painkg_does_not_load_rdflib():
    code = "import sys, painkg; painkg.load('tests/data/mini'); print('rdflib' in sys.modules, 'pyshacl' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert done.stdout.split() == ["False", "False"], done.stderr


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "painkg", *args], capture_output=True, text=True, cwd=ROOT)


def run_cli_bytes(*args: str, stdin: bytes = b"") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "painkg", *args], capture_output=True, input=stdin, cwd=ROOT)


def test_cli_export_and_sparql(tmp_path):
    out = tmp_path / "kg.nt"
    done = run_cli("export", str(out), "--kb", "tests/data/mini")
    assert done.returncode == 0 and done.stdout == "" and "triples" in done.stderr  # status on stderr
    done = run_cli("export", str(tmp_path / "kg.data"), "--format", "turtle", "--json", "--kb", "tests/data/mini")
    assert json.loads(done.stdout)["format"] == "turtle"  # --format takes the API's names
    done = run_cli("sparql", str(QUERIES / "groin-referral.rq"), "--kb", "tests/data/mini")
    assert done.returncode == 0
    assert done.stdout.splitlines()[1].split("\t") == ["node:hip-joint", "node:groin-pain", "common", "0.55", "lesher2008"]


@pytest.mark.parametrize("fmt", ["nt", "ttl", "jsonld", "rdf"])
def test_cli_export_to_stdout_pipes_into_a_parser(mini, fmt):
    done = run_cli_bytes("export", "-", "--format", fmt, "--kb", "tests/data/mini")
    assert done.returncode == 0, done.stderr
    assert len(list(pyoxigraph.parse(done.stdout, format=OXIGRAPH["." + fmt]))) == len(to_rdf(mini))
    assert b"wrote" in done.stderr and b"wrote" not in done.stdout


def test_cli_export_to_a_pipe_writes_into_it(tmp_path):
    """A non-regular target (here a FIFO) is written, not replaced by a regular file."""
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    # The reader's output is drained while the export writes: waiting for the export first would
    # deadlock once the export outgrows the two pipe buffers (the reader's stdout and the FIFO).
    reader = subprocess.Popen(["cat", str(fifo)], stdout=subprocess.PIPE)
    writer = subprocess.Popen([sys.executable, "-m", "painkg", "export", str(fifo), "--format", "nt",
                               "--kb", "tests/data/mini"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT)
    try:
        data = reader.communicate(timeout=120)[0]
        _, stderr = writer.communicate(timeout=120)
    finally:
        for process in (reader, writer):
            process.kill()
            process.wait()
    assert writer.returncode == 0, stderr
    assert fifo.is_fifo() and len(Graph().parse(data=data, format="nt")) > 0


@pytest.mark.parametrize("args, message, status", [
    (("export", "kg.owl"), "allowed: .ttl, .nt, .jsonld, .rdf", 2),
    (("export", "-", "--format", "kgx"), "KGX is a folder", 2),
    (("sparql", "SELEC ?x"), "SPARQL", 2),
    (("sparql", "CONSTRUCT WHERE { ?s a painkg:Condition }", "--format", "csv"), "allowed: ttl, nt, jsonld, rdf", 2),
    (("sparql", "ASK {}", "--format", "ttl"), "allowed: json, csv, tsv, xml", 2),
    (("push", "file:///etc/passwd"), "not an http(s) URL", 2),
    (("push", "http://[::1/store"), "not a valid URL", 2),
    (("push", "http://h:abc/store"), "not a valid URL", 2),
    (("push", "http://h/a b"), "spaces or control characters", 2),
    (("push", "http://127.0.0.1:9/store", "--timeout", "0"), "seconds above 0", 2),
], ids=["suffix", "kgx-stdout", "query", "construct-csv", "ask-ttl", "url", "ipv6", "port", "space", "timeout"])
def test_cli_bad_usage_is_one_line_and_status_2(args, message, status):
    done = run_cli(*args, "--kb", "tests/data/mini")
    assert done.returncode == status and message in done.stderr, done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and done.stdout == ""


def test_cli_search_json():
    done = run_cli("search", "groin", "--json", "--kb", "tests/data/mini")
    found = json.loads(done.stdout)
    assert done.returncode == 0 and found[0]["id"] == "groin" and found[0]["kind"] == "region"


def test_cli_bad_data_is_status_1(mini_copy):
    (mini_copy / "nodes-region.tsv").write_text("id\tlabel\nBad Id\tx\n", encoding="utf-8")
    done = run_cli("export", "-", "--kb", str(mini_copy))
    assert done.returncode == 1 and "problems in the knowledge base" in done.stderr and done.stdout == ""


@pytest.mark.parametrize("fmt, parse", [
    ("json", lambda out: [b["source"]["value"] for b in json.loads(out)["results"]["bindings"]]),
    ("csv", lambda out: [row.split(",")[0] for row in out.splitlines()[1:]]),
    ("tsv", lambda out: [row.split("\t")[0].strip("<>") for row in out.splitlines()[1:]]),
    ("xml", lambda out: re.findall(r"<binding name=\"source\"><uri>([^<]+)</uri>", out)),
])
def test_cli_sparql_result_formats(fmt, parse):
    done = run_cli("sparql", str(QUERIES / "groin-referral.rq"), "--format", fmt, "--kb", "tests/data/mini")
    assert done.returncode == 0, done.stderr
    assert parse(done.stdout)[0] == NODE + "hip-joint"


def test_cli_sparql_reads_the_query_from_stdin_and_constructs(mini):
    query = b"CONSTRUCT { ?s skos:prefLabel ?l } WHERE { ?s a painkg:Condition ; skos:prefLabel ?l }"
    done = run_cli_bytes("sparql", "-", "--kb", "tests/data/mini", stdin=query)
    assert done.returncode == 0, done.stderr
    graph = Graph().parse(data=done.stdout, format="turtle")
    conditions = {n for n, d in mini.graph.nodes(data=True) if d["kind"] is Kind.CONDITION}
    assert {short(s) for s in graph.subjects()} == conditions and b"@prefix node:" in done.stdout
    done = run_cli_bytes("sparql", "-", "--format", "nt", "--kb", "tests/data/mini", stdin=query)
    assert len(Graph().parse(data=done.stdout, format="nt")) == len(conditions)
    done = run_cli_bytes("sparql", "-", "--json", "--kb", "tests/data/mini", stdin=b"ASK { node:hip-oa a painkg:Condition }")
    assert json.loads(done.stdout)["boolean"] is True


@pytest.mark.slow
def test_cli_validate_shacl():
    done = run_cli("validate", "tests/data/mini", "--shacl")
    assert done.returncode == 0 and "conforms" in done.stdout, done.stderr


def test_numbers_survive_exactly(mini, tmp_path):
    graph = nx.MultiDiGraph(mini.graph)
    graph.edges["hip-joint", "groin-pain", Relation.REFERS_TO]["frequency"] = 0.1 + 0.2
    kb = from_graph(graph, mini.references)
    for suffix in SUFFIXES:
        back = from_rdf(export(kb, tmp_path / f"kg{suffix}").path)
        value = back.graph.edges["hip-joint", "groin-pain", Relation.REFERS_TO]["frequency"]
        assert value == 0.1 + 0.2 and not math.isclose(value, 0.3, rel_tol=0, abs_tol=0)
