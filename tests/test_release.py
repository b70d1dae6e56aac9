"""The release: one version everywhere, the licences, and the folder scripts/release.py builds, each file parsed."""

from __future__ import annotations

import configparser
import csv
import json
import os
import re
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, OWL, RDF, VOID, XSD

import painkg
from painkg.rdf.dataset import CODE_LICENSE, DATA_LICENSE, DCAT_VERSION, DataFile, dataset_turtle, release_iri
from painkg.rdf.kgx import from_kgx

ROOT = Path(__file__).resolve().parent.parent
OFFLINE = ROOT / "tests" / "kgx_offline.py"
SEMVER = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$")


# -- one version, two licences ----------------------------------------------------------------------

def test_the_version_has_one_source():
    assert SEMVER.match(painkg.__version__)
    setup = configparser.ConfigParser()
    setup.read(ROOT / "setup.cfg", encoding="utf-8")
    assert setup["metadata"]["version"] == "attr: painkg.__version__"  # setup.cfg reads it, never repeats it
    onto = Graph().parse(ROOT / "ontology" / "painkg.ttl")
    schema = URIRef("https://w3id.org/painkg/schema")
    assert onto.value(schema, OWL.versionIRI) == URIRef(f"https://w3id.org/painkg/schema/{painkg.__version__}")
    assert str(onto.value(schema, OWL.versionInfo)) == painkg.__version__


def test_the_changelog_has_every_version_newest_first():
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    versions = re.findall(r"^## (\d+\.\d+\.\d+)", text, flags=re.M)
    assert versions[0] == painkg.__version__ and versions[-1] == "0.1.0"
    assert versions == sorted(versions, key=lambda v: tuple(map(int, v.split("."))), reverse=True)


def test_the_licence_states_code_and_data_apart():
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert "== Code: MIT License ==" in text and "== Data: Creative Commons Attribution 4.0" in text
    assert "Permission is hereby granted, free of charge" in text and DATA_LICENSE in text
    setup = configparser.ConfigParser()
    setup.read(ROOT / "setup.cfg", encoding="utf-8")
    assert setup["metadata"]["license"] == "MIT AND CC-BY-4.0" and setup["metadata"]["license_files"] == "LICENSE"
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "MIT" in readme and "CC BY 4.0" in readme


def test_dataset_description_parses():
    files = [DataFile("kgx/nodes.tsv", "text/tab-separated-values", "KGX nodes", 12),
             DataFile("painkg.ttl", "text/turtle", "RDF", 34)]
    g = Graph().parse(data=dataset_turtle(version="9.8.7", created=date(2026, 12, 7), commit="ab" * 20, files=files,
                                          triples=5, entities=3), format="turtle")
    release = URIRef(release_iri("9.8.7"))
    assert {(release, RDF.type, VOID.Dataset), (release, RDF.type, DCAT.Dataset)} <= set(g)
    assert g.value(release, URIRef(DCAT_VERSION)) == Literal("9.8.7")
    assert g.value(release, DCTERMS.created) == Literal("2026-12-07", datatype=XSD.date)
    assert g.value(release, DCTERMS.license) == URIRef(DATA_LICENSE)
    assert CODE_LICENSE in str(g.value(release, URIRef("http://www.w3.org/2000/01/rdf-schema#comment")))
    assert len(list(g.objects(release, DCAT.distribution))) == 2
    assert list(g.objects(release, VOID.dataDump)) == [URIRef(release_iri("9.8.7") + "/painkg.ttl")]


# -- the release folder -------------------------------------------------------------------------------

EXPECTED = {"LICENSE", "README.md", "dataset.ttl", "graph-summary.yaml", "mappings.sssom.tsv", "merge.yaml",
            "painkg.ttl", "schema.ttl", "kgx/nodes.tsv", "kgx/edges.tsv", "kgx/nodes.jsonl", "kgx/edges.jsonl",
            "kgx/painkg.json"}


@pytest.fixture(scope="module")
def released(tmp_path_factory) -> Path:
    """``scripts/release.py`` run as a maintainer runs it: a clean checkout of HEAD, into a dist folder."""
    pytest.importorskip("kgx", reason="the kgx extra is not installed (pip install -e '.[test,kgx]')")
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout: the release is built from a commit")
    dist = tmp_path_factory.mktemp("dist")
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "release.py"), "--out", str(dist),
                           "--date", "2026-12-07"], capture_output=True, text=True, timeout=1800)
    assert done.returncode == 0, done.stderr[-3000:]
    folder = Path(done.stdout.strip())
    assert folder.parent == dist
    return folder


def head_version() -> str:
    text = subprocess.run(["git", "-C", str(ROOT), "show", "HEAD:painkg/__init__.py"], capture_output=True,
                          text=True, check=True).stdout
    return re.search(r'^__version__ = "([^"]+)"', text, flags=re.M).group(1)


def tsv(path: Path) -> list[dict]:
    return list(csv.DictReader(path.read_text(encoding="utf-8").splitlines(), delimiter="\t", quoting=csv.QUOTE_NONE))


@pytest.mark.slow
def test_release_holds_exactly_its_files(released):
    assert released.name == f"release-{head_version()}"
    found = {p.relative_to(released).as_posix() for p in released.rglob("*") if p.is_file()}
    assert found == EXPECTED


@pytest.mark.slow
def test_release_kgx_reads_back_and_matches_its_jsonl(released):
    nodes, edges = tsv(released / "kgx" / "nodes.tsv"), tsv(released / "kgx" / "edges.tsv")
    jsonl = {part: [json.loads(line) for line in (released / "kgx" / f"{part}.jsonl").read_text("utf-8").splitlines()]
             for part in ("nodes", "edges")}
    assert [r["id"] for r in nodes] == [r["id"] for r in jsonl["nodes"]]
    assert [r["id"] for r in edges] == [r["id"] for r in jsonl["edges"]]
    back = from_kgx(released / "kgx")
    assert (back.graph.number_of_nodes(), back.graph.number_of_edges()) == (len(nodes), len(edges))
    again = from_kgx(released / "kgx", format="jsonl")
    assert dict(again.graph.nodes(data=True)) == dict(back.graph.nodes(data=True))


@pytest.mark.slow
def test_release_rdf_and_metadata_parse_and_agree(released):
    data = Graph().parse(released / "painkg.ttl", format="turtle")
    schema = Graph().parse(released / "schema.ttl", format="turtle")
    meta = Graph().parse(released / "dataset.ttl", format="turtle")
    version = head_version()
    release = URIRef(release_iri(version))
    assert (release, RDF.type, VOID.Dataset) in meta and (release, RDF.type, DCAT.Dataset) in meta
    assert meta.value(release, URIRef(DCAT_VERSION)) == Literal(version)
    assert meta.value(release, DCTERMS.license) == URIRef(DATA_LICENSE)
    assert meta.value(release, DCTERMS.created) == Literal("2026-12-07", datatype=XSD.date)
    commit = str(meta.value(release, DCTERMS.identifier))
    assert re.fullmatch(r"[0-9a-f]{40}", commit) and commit in (released / "README.md").read_text("utf-8")
    assert meta.value(release, VOID.triples).toPython() == len(data)
    assert meta.value(release, VOID.entities).toPython() == len(tsv(released / "kgx" / "nodes.tsv"))
    assert str(schema.value(URIRef("https://w3id.org/painkg/schema"), OWL.versionInfo)) == version
    sizes = {}
    for distribution in meta.objects(release, DCAT.distribution):
        url = str(meta.value(distribution, DCAT.downloadURL))
        sizes[url.removeprefix(release_iri(version) + "/")] = meta.value(distribution, DCAT.byteSize).toPython()
        assert meta.value(distribution, DCTERMS.license) == URIRef(DATA_LICENSE)
    assert set(sizes) == EXPECTED - {"dataset.ttl"}
    assert all((released / name).stat().st_size == size for name, size in sizes.items())


@pytest.mark.slow
def test_release_graph_summary_counts_the_graph(released):
    import yaml

    summary = yaml.safe_load((released / "graph-summary.yaml").read_text(encoding="utf-8"))
    assert summary["node_stats"]["total_nodes"] == len(tsv(released / "kgx" / "nodes.tsv"))
    assert summary["edge_stats"]["total_edges"] == len(tsv(released / "kgx" / "edges.tsv"))


OTHER_NODES = [
    {"id": "HP:0030838", "category": ["biolink:PhenotypicFeature"], "name": "Hip pain", "provided_by": ["infores:example"]},
    {"id": "MONDO:0000001", "category": ["biolink:Disease"], "name": "disease", "provided_by": ["infores:example"]},
]
OTHER_EDGES = [
    {"id": "e1", "subject": "MONDO:0000001", "predicate": "biolink:has_phenotype", "object": "HP:0030838",
     "category": ["biolink:DiseaseToPhenotypicFeatureAssociation"], "knowledge_level": "knowledge_assertion",
     "agent_type": "manual_agent", "primary_knowledge_source": "infores:example"},
]


@pytest.mark.slow
def test_release_merge_yaml_merges_painkg_with_another_graph(released, tmp_path):
    """The shipped merge.yaml, run by the real `kgx merge` with a small Monarch-shaped graph in other/."""
    import yaml

    config = yaml.safe_load((released / "merge.yaml").read_text(encoding="utf-8"))
    assert set(config["merged_graph"]["source"]) == {"painkg", "other"}
    folder = tmp_path / "release"
    shutil.copytree(released, folder)
    (folder / "other").mkdir()
    for name, rows in (("nodes", OTHER_NODES), ("edges", OTHER_EDGES)):
        (folder / "other" / f"{name}.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    done = subprocess.run([sys.executable, str(OFFLINE), "merge", "--merge-config", "merge.yaml"], cwd=folder,
                          capture_output=True, text=True, timeout=900, env={**os.environ})
    assert done.returncode == 0, done.stderr[-3000:]
    merged = {json.loads(line)["id"] for line in (folder / "merged" / "merged-kg_nodes.jsonl").read_text("utf-8").splitlines()}
    ours = {r["id"] for r in tsv(released / "kgx" / "nodes.tsv")}
    assert merged == ours | {r["id"] for r in OTHER_NODES}
    edges = (folder / "merged" / "merged-kg_edges.jsonl").read_text("utf-8").splitlines()
    assert len(edges) == len(tsv(released / "kgx" / "edges.tsv")) + len(OTHER_EDGES)
    assert (folder / "merged" / "merged-kg.tar.gz").is_file()
