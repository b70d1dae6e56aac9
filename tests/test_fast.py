"""`painkg trace` served from the cache without networkx prints exactly what the full path prints.

Real runs of the command: the full path (``PAINKG_FAST=off``: networkx graph, everything as
before) against the fast one (:func:`painkg.kb.graph.load_cached`: the cached KB on a
LightGraph, the cached compiled table), on a spread of settings, notes, absent findings,
``--json`` and errors, byte for byte, stdout, stderr and exit status.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

CASES = [
    ["groin pain", "limited hip internal rotation", "low back pain", "--absent", "numbness"],
    ["groin pain", "limited hip internal rotation", "--json"],
    ["low back pain", "--setting", "spine-centre"],
    ["low back pain", "fever", "--setting", "ed-back-pain", "--json"],
    ["groin pain", "--setting", "sports-hip-groin", "--limit", "3"],
    ["68 year old woman with right groin pain for three months, worse on stairs, stiff in the morning, "
     "no back pain, no numbness or tingling, afebrile. FADIR positive, FABER negative, SLR negative."],
    ["3/52 worsening L buttock pain, now hobbling. No saddle anaesthesia. PMH breast cancer.", "--json"],
    ["saddle anaesthesia", "urinary retention", "low back pain"],
    ["buttock pain", "pain worse with sitting", "numbness", "--absent", "low back pain", "--limit", "1"],
    ["bilateral leg pain", "relieved by sitting", "relieved by bending forward", "--absent", "groin pain"],
    ["a 9-year-old", "limp", "knee pain", "--setting", "paediatric-irritable-hip"],
    ["FABER", "buttock pain", "low back pain", "--absent", "numbness", "pain below the knee", "--json"],
    ["?CES", "back pain"],
    # free text through the fast path: misspellings (spelling correction reads the word lists), lay words,
    # negation, history, family, a relative's condition, activity effects, a side
    ["54yo man, 2/12 hx of L buttock pain radiating to calf, worse sitting, parasthesia in the foot, siatica. "
     "No bladder or bowel change. FHx of ankylosing spondylitis.", "--json"],
    ["my hip hurts when I put my socks on and I limp after walking, my dad had a hip replacement"],
    ["buttock pian"],  # exit 2: a misspelling outside the corrections, with suggestions
    ["Pt c/o LBP since lifting a box 3 days ago. Denies fever, wt loss or saddle numbness. Hx prostate ca. "
     "Pain worse at night.", "--setting", "ed-back-pain"],
    ["sudden severe groin pain after a fall, cannot weight bear, on warfarin, 84F"],
    ["zzqx unknown term"],  # exit 2, with suggestions
    ["groin pain", "--setting", "no-such-setting"],  # exit 2
    ["no fever"],  # nothing present: exit 2
]


def run(args: list[str], cache: Path, fast: bool) -> subprocess.CompletedProcess:
    env = {**os.environ, "PAINKG_CACHE": str(cache), "PYTHONPATH": str(ROOT), "PAINKG_FAST": "on" if fast else "off"}
    return subprocess.run([sys.executable, "-m", "painkg", "trace", *args], capture_output=True, env=env, cwd=ROOT)


@pytest.fixture(scope="module")
def cache(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("fast-cache")
    os.chmod(folder, 0o700)
    run(["groin pain"], folder, fast=False)  # fills the KB, index, phrase-table and diagnosis entries
    return folder


def test_settings_named_in_cases_exist():
    import painkg

    ids = {s.id for s in painkg.load().settings()}
    assert {"spine-centre", "ed-back-pain", "sports-hip-groin", "paediatric-irritable-hip"} <= ids


@pytest.mark.parametrize("args", CASES, ids=lambda a: " ".join(a)[:40])
def test_fast_path_prints_what_the_full_path_prints(args, cache):
    full, fast = run(args, cache, fast=False), run(args, cache, fast=True)
    assert fast.returncode == full.returncode
    assert fast.stdout == full.stdout
    assert fast.stderr == full.stderr
    assert full.stdout or full.stderr


def test_fast_path_imports_no_networkx(cache):
    code = ("import sys, io, contextlib; from painkg.cli import main\n"
            "with contextlib.redirect_stdout(io.StringIO()):\n"
            "    status = main(['trace', 'groin pain', 'low back pain', '--absent', 'fever'])\n"
            "print(status, 'networkx' in sys.modules)")
    env = {**os.environ, "PAINKG_CACHE": str(cache), "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT, check=True)
    assert out.stdout.split() == ["0", "False"]
    env["PAINKG_FAST"] = "off"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT, check=True)
    assert out.stdout.split() == ["0", "True"]


def test_an_edited_kb_is_not_served_stale(tmp_path, cache):
    """The fast path keys on the tables' bytes: an edit gives the edited answer, on both paths."""
    folder = tmp_path / "kb"
    shutil.copytree(ROOT / "tests" / "data" / "mini", folder)
    args = ["--kb", str(folder), "groin pain", "--json"]
    before_full, before_fast = run(args, cache, fast=False), run(args, cache, fast=True)
    assert before_fast.returncode == 0 and before_fast.stdout == before_full.stdout
    edges = folder / "edges-referral.tsv"
    lines = edges.read_text(encoding="utf-8").splitlines(keepends=True)
    # Drop the one path to groin pain (the hip joint refers pain there): nothing explains it any more.
    kept = [line for line in lines if not line.startswith("hip-joint\trefers-to\tgroin-pain\t")]
    assert len(kept) == len(lines) - 1
    edges.write_text("".join(kept), encoding="utf-8")
    after_full = run(args, cache, fast=False)
    after_fast = run(args, cache, fast=True)
    assert after_fast.stdout == after_full.stdout
    assert after_fast.stdout != before_fast.stdout


def test_no_cache_means_the_full_path(tmp_path):
    args = ["groin pain", "--json"]
    env = {**os.environ, "PAINKG_CACHE": "off", "PYTHONPATH": str(ROOT)}
    code = ("import sys, io, contextlib; from painkg.cli import main\n"
            "with contextlib.redirect_stdout(io.StringIO()):\n"
            f"    status = main(['trace', *{args!r}])\n"
            "print(status, 'networkx' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT, check=True)
    assert out.stdout.split() == ["0", "True"]


# -- painkg sparql on an unchanged KB: its cached N-Triples straight into Oxigraph -----------------------

QUERY = "SELECT ?c WHERE { ?c a painkg:Condition } ORDER BY ?c LIMIT 5"


def sparql(args: list[str], cache: Path, **env: str) -> subprocess.CompletedProcess:
    code = ("import sys, runpy; sys.argv = ['painkg', 'sparql', *sys.argv[1:]]\n"
            "try:\n    runpy.run_module('painkg', run_name='__main__')\n"
            "except SystemExit as exit:\n    print('networkx' in sys.modules, file=sys.stderr); raise\n")
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=ROOT,
                          env={**os.environ, "PAINKG_CACHE": str(cache), "PYTHONPATH": str(ROOT), **env})


def test_sparql_on_an_unchanged_kb_reuses_its_ntriples(tmp_path):
    pytest.importorskip("pyoxigraph")
    cache = tmp_path / "cache"
    first = sparql([QUERY, "--format", "csv"], cache)
    assert first.returncode == 0, first.stderr
    entries = list(cache.glob("*.ntriples"))
    assert len(entries) == 1
    written = entries[0].stat().st_mtime_ns
    again = sparql([QUERY, "--format", "csv"], cache)
    assert again.returncode == 0 and again.stdout == first.stdout
    assert again.stderr.split() == ["False"]  # no KB load, no networkx
    assert entries[0].stat().st_mtime_ns == written  # not rewritten
    assert not [p for p in cache.iterdir() if p.name.startswith(".")]  # no temporary left behind
    off = sparql([QUERY, "--format", "csv"], cache, PAINKG_CACHE="off")
    assert off.stdout == first.stdout


def test_sparql_on_an_edited_kb_is_not_served_stale(tmp_path):
    pytest.importorskip("pyoxigraph")
    cache, folder = tmp_path / "cache", tmp_path / "kb"
    shutil.copytree(ROOT / "tests" / "data" / "mini", folder)
    labels = "SELECT ?o WHERE { node:hip-oa ?p ?o FILTER(isLiteral(?o)) } ORDER BY ?o"
    before = sparql(["--kb", str(folder), labels, "--format", "csv"], cache)
    assert before.returncode == 0, before.stderr
    assert sparql(["--kb", str(folder), labels, "--format", "csv"], cache).stdout == before.stdout
    nodes = folder / "nodes-condition.tsv"
    rows = nodes.read_text(encoding="utf-8").split("\n")
    cells = rows[1].split("\t")
    cells[1] = "renamed " + cells[1]
    rows[1] = "\t".join(cells)
    nodes.write_text("\n".join(rows), encoding="utf-8")
    after = sparql(["--kb", str(folder), labels, "--format", "csv"], cache)
    full = sparql(["--kb", str(folder), labels, "--format", "csv"], cache, PAINKG_CACHE="off")
    assert after.returncode == 0 and after.stdout == full.stdout
    assert "renamed " in after.stdout and "renamed " not in before.stdout
    assert len(list(cache.glob("*.ntriples"))) == 2


def test_sparql_protections_hold_on_the_cached_store(tmp_path):
    pytest.importorskip("pyoxigraph")
    cache = tmp_path / "cache"
    assert sparql([QUERY], cache).returncode == 0  # the store is cached from here on
    service = sparql(["SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"], cache)
    assert service.returncode == 2 and "SERVICE" in service.stderr
    update = sparql(["LOAD <http://127.0.0.1:9/x.ttl>"], cache)
    assert update.returncode == 2 and "update" in update.stderr
    slow = sparql(["SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }", "--timeout", "1"], cache)
    assert slow.returncode == 1 and "no result within 1 s" in slow.stderr


# -- the reader's lexicon, kept parsed in the cache beside the KB ---------------------------------------

def _lexicon(folder, cache_folder, monkeypatch):
    from painkg.reading import lexicon as lx

    monkeypatch.setenv("PAINKG_CACHE", str(cache_folder))
    lx._load.cache_clear()  # the process keeps one per folder: read it again, from the cache when there
    try:
        return lx.load(folder)
    finally:
        lx._load.cache_clear()


def test_the_lexicon_from_the_cache_equals_the_one_parsed(tmp_path, monkeypatch):
    parsed = _lexicon(None, "off", monkeypatch)
    cache_folder = tmp_path / "cache"
    first = _lexicon(None, cache_folder, monkeypatch)  # parsed, then kept
    assert len(list(cache_folder.glob("*.lexicon"))) == 1
    again = _lexicon(None, cache_folder, monkeypatch)  # read back
    assert again == first == parsed
    assert again.entries("negated") == parsed.entries("negated")  # the order of the rows too
    assert list(again.forms) == list(parsed.forms) and list(again.cased) == list(parsed.cased)


def test_an_edited_lexicon_is_not_served_stale(tmp_path, monkeypatch):
    from painkg.errors import KBError

    folder, cache_folder = tmp_path / "lexicon", tmp_path / "cache"
    folder.mkdir()
    for name in ("lexicon.tsv", "lexicon-hpo.tsv"):
        shutil.copy(ROOT / "ontology" / name, folder / name)
    before = _lexicon(folder, cache_folder, monkeypatch)
    assert "zzqx" not in before.triggers
    with open(folder / "lexicon.tsv", "a", encoding="utf-8") as f:
        f.write("zzqx\tnegated\tforward\t\n")
    after = _lexicon(folder, cache_folder, monkeypatch)
    assert after.triggers["zzqx"] == ("negated", "forward")
    assert after == _lexicon(folder, "off", monkeypatch)
    # the HPO names are part of the key too
    rows = (folder / "lexicon-hpo.tsv").read_text(encoding="utf-8").splitlines(keepends=True)
    (folder / "lexicon-hpo.tsv").write_text("".join(rows[:-1]), encoding="utf-8")
    shorter = _lexicon(folder, cache_folder, monkeypatch)
    assert len(shorter.hpo) < len(after.hpo) and shorter == _lexicon(folder, "off", monkeypatch)
    # a bad row is reported after a cached load as before it: only a lexicon without problems is kept
    with open(folder / "lexicon.tsv", "a", encoding="utf-8") as f:
        f.write("zzqy\tnoun\t\t\n")
    with pytest.raises(KBError, match="lexicon.tsv:.*role 'noun'"):
        _lexicon(folder, cache_folder, monkeypatch)
    assert len(list(cache_folder.glob("*.lexicon"))) == 3


# -- painkg sparql on an unchanged KB: an Oxigraph store kept on disk in the cache -------------------------

def test_sparql_serves_an_unchanged_kb_from_a_store_on_disk(tmp_path):
    pytest.importorskip("pyoxigraph")
    cache = tmp_path / "cache"
    first = sparql([QUERY, "--format", "csv"], cache)  # loads the KB, keeps its N-Triples
    assert first.returncode == 0, first.stderr
    assert not list(cache.glob("*.oxigraph"))
    second = sparql([QUERY, "--format", "csv"], cache)  # builds the store from them, and answers from it
    stores = list(cache.glob("*.oxigraph"))
    assert len(stores) == 1 and stores[0].is_dir()
    files = {p.name: p.stat().st_mtime_ns for p in stores[0].iterdir()}
    assert all(p.stat().st_mode & 0o077 == 0 for p in stores[0].iterdir())  # private, whatever the umask
    third = sparql([QUERY, "--format", "csv"], cache)  # opened read-only: nothing in it changes
    assert second.stdout == third.stdout == first.stdout
    assert third.stderr.split() == ["False"]
    assert {p.name: p.stat().st_mtime_ns for p in stores[0].iterdir()} == files
    assert not [p for p in cache.iterdir() if p.name.startswith(".")]
    # What a query leaves unordered may come in another order than from the in-memory store: the same rows.
    every = "SELECT ?s ?p ?o WHERE { ?s ?p ?o FILTER(?s = node:hip-osteoarthritis && !isBlank(?o)) }"
    disk = sparql([every, "--format", "tsv"], cache)
    memory = sparql([every, "--format", "tsv"], cache, PAINKG_CACHE="off")
    assert disk.returncode == memory.returncode == 0
    assert sorted(disk.stdout.splitlines()) == sorted(memory.stdout.splitlines())
    assert len(disk.stdout.splitlines()) > 20


def test_a_damaged_or_foreign_store_is_rebuilt_not_served(tmp_path):
    pytest.importorskip("pyoxigraph")
    cache = tmp_path / "cache"
    for _ in range(2):
        expected = sparql([QUERY, "--format", "csv"], cache)
    (store,) = cache.glob("*.oxigraph")
    # RocksDB's file list gone: it refuses to open the folder, which is built again
    (store / "CURRENT").unlink()
    again = sparql([QUERY, "--format", "csv"], cache)
    assert again.returncode == 0 and again.stdout == expected.stdout
    assert (store / "CURRENT").is_file()
    # a file others could have written: not read; built again, private
    table = next(store.glob("*.sst"))
    table.chmod(0o666)
    again = sparql([QUERY, "--format", "csv"], cache)
    assert again.returncode == 0 and again.stdout == expected.stdout
    assert all(p.stat().st_mode & 0o077 == 0 for p in store.iterdir())
    assert not [p for p in cache.iterdir() if p.name.startswith(".")]


