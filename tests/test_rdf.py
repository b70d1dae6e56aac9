"""RDF: mapping, lossless round trip, fast writers, independent parsers, safety, SHACL, SPARQL, ontology."""

from __future__ import annotations

import importlib.util
import io
import math
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
from painkg.kb.vocab import NUMBER_COLUMNS, Area, Grade, Kind, Qualifier, Relation

ROOT = Path(__file__).resolve().parent.parent
QUERIES = ROOT / "ontology" / "queries"
SUFFIXES = list(FORMATS)
RAPPER = {".ttl": "turtle", ".nt": "ntriples", ".rdf": "rdfxml"}  # raptor has no JSON-LD parser
OXIGRAPH = {".ttl": pyoxigraph.RdfFormat.TURTLE, ".nt": pyoxigraph.RdfFormat.N_TRIPLES,
            ".jsonld": pyoxigraph.RdfFormat.JSON_LD, ".rdf": pyoxigraph.RdfFormat.RDF_XML}


@pytest.fixture(scope="module", params=["mini", "kg"])
def any_kg(request) -> painkg.KnowledgeGraph:
    """Both the hand-built mini KB and the bundled KB."""
    return request.getfixturevalue(request.param)


def assert_same_kb(back: painkg.KnowledgeGraph, kg: painkg.KnowledgeGraph) -> None:
    assert dict(back.graph.nodes(data=True)) == dict(kg.graph.nodes(data=True))
    edges = {(s, t, k): d for s, t, k, d in kg.graph.edges(keys=True, data=True)}
    assert {(s, t, k): d for s, t, k, d in back.graph.edges(keys=True, data=True)} == edges
    assert back.references == kg.references
    for _, data in back.graph.nodes(data=True):  # the types, not only equal values
        assert type(data["kind"]) is Kind and type(data["region"]) is Area and type(data["synonyms"]) is tuple
    for _, _, key, data in back.graph.edges(keys=True, data=True):
        assert type(key) is Relation and type(data["strength"]) is Grade


# -- the mapping, on the hand-built KB ------------------------------------------------------------

def test_node_triples(mini):
    g = to_rdf(mini)
    hip = URIRef(NODE + "hip-oa")
    assert (hip, RDF.type, PAINKG.Condition) in g
    assert (hip, SKOS.prefLabel, Literal("hip osteoarthritis")) in g
    assert set(g.objects(hip, SKOS.altLabel)) == {Literal("coxarthrosis"), Literal("hip OA")}
    assert (hip, PAINKG.code, URIRef("http://purl.bioontology.org/ontology/ICD10CM/M16.9")) in g
    assert (URIRef(NODE + "groin-pain"), PAINKG.code, URIRef("http://purl.obolibrary.org/obo/HP_0030838")) in g
    assert (hip, PAINKG.priorGrade, PAINKG["grade-common"]) in g
    assert (URIRef(NODE + "cauda-equina"), PAINKG.redFlag, Literal(True)) in g


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
    assert bound <= {"painkg", "node", "edge", "ref", "rdf", "rdfs", "xsd", "skos", "prov", "dcterms", "xml", "owl"}


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
                      "status": draw(text)} for k in keys}
    evidence = st.sampled_from([*keys, "seed", "anatomy"])
    graph = nx.MultiDiGraph()
    for i, kind in enumerate(draw(st.lists(st.sampled_from(list(Kind)), min_size=2, max_size=8))):
        refs = tuple(draw(st.lists(evidence, max_size=3)))
        cited = any(r in references for r in refs)  # a number needs literature, as in a table
        prior = None
        if kind is Kind.CONDITION:
            numbers = st.floats(0, 1, exclude_min=True) if cited else st.nothing()
            prior = draw(st.one_of(st.none(), st.sampled_from(list(Grade)), numbers))
        graph.add_node(f"n{i}-{kind.value}", kind=kind, label=draw(texts(pieces, min_size=1).filter(bool)),
                       synonyms=tuple(draw(st.lists(text, max_size=3))),
                       codes=tuple(draw(st.lists(st.sampled_from(CODES), max_size=3))),
                       region=draw(st.sampled_from(list(Area))), definition=draw(text),
                       red_flag=kind in RED_FLAG_KINDS and draw(st.booleans()), prior=prior, references=refs)
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
        note = draw(text)
        if note:
            data["note"] = note
        graph.add_edge(source, target, key=relation, **data)
    return from_graph(graph, references)


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


def test_instance_data_uses_only_ontology_terms(mini):
    onto = Graph().parse(ROOT / "ontology" / "painkg.ttl")
    declared = set(onto.subjects())
    used = {t for triple in to_rdf(mini) for t in triple if str(t).startswith(str(PAINKG._NS))}
    assert used <= declared


# -- lazy imports and the CLI -------------------------------------------------------------------------

def test_import_painkg_does_not_load_rdflib():
    code = "import sys, painkg; painkg.load('tests/data/mini'); print('rdflib' in sys.modules, 'pyshacl' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert done.stdout.split() == ["False", "False"], done.stderr


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "painkg", *args], capture_output=True, text=True, cwd=ROOT)


def test_cli_export_and_sparql(tmp_path):
    out = tmp_path / "kg.nt"
    done = run_cli("export", str(out), "--kb", "tests/data/mini")
    assert done.returncode == 0 and "triples" in done.stdout
    done = run_cli("sparql", str(QUERIES / "groin-referral.rq"), "--kb", "tests/data/mini")
    assert done.returncode == 0
    assert done.stdout.splitlines()[1].split("\t") == ["node:hip-joint", "node:groin-pain", "common", "0.55", "lesher2008"]


@pytest.mark.parametrize("args, message", [
    (("export", "kg.owl"), "allowed: .ttl, .nt, .jsonld, .rdf"),
    (("sparql", "SELEC ?x"), "SPARQL"),
    (("push", "file:///etc/passwd"), "not an http(s) URL"),
], ids=["suffix", "query", "url"])
def test_cli_bad_input_is_one_line_and_status_2(args, message):
    done = run_cli(*args, "--kb", "tests/data/mini")
    assert done.returncode == 2 and message in done.stderr and len(done.stderr.strip().splitlines()) == 1


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
