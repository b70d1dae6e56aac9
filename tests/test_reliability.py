"""Regression tests for the reliability and security review (shared/reviews/reliability.md).

Each test is built from the review's reproducer for one failure (F3 … F26) and is named
after it; every one failed on the reviewed code.  Real files, FIFOs, devices, symlinks,
subprocesses and resource limits: nothing of painkg's is mocked (F3 wraps the loader's
own check to play an editor saving at the worst moment).
"""

from __future__ import annotations

import os
import resource
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import SKOS, XSD

import painkg
from painkg.kb import cache
from painkg.kb import graph as graph_module
from painkg.kb.tables import MAX_CELL
from painkg.kb.vocab import EDGE_COLUMNS, NODE_COLUMNS
from painkg.rdf.export import PAINKG, export, to_rdf
from painkg.rdf.ntriples import NODE
from painkg.rdf.read import MAX_TOKEN, from_rdf

ROOT = Path(__file__).resolve().parents[1]
MINI = ROOT / "tests" / "data" / "mini"
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def cli(*args: str, env: dict | None = None, timeout: int = 120, **options) -> subprocess.CompletedProcess:
    """Run the worktree's painkg command (Python started in the checkout imports it)."""
    options.setdefault("stdout", subprocess.PIPE)
    options.setdefault("stderr", subprocess.PIPE)
    return subprocess.run([sys.executable, "-m", "painkg", *args], cwd=ROOT, text=True,
                          timeout=timeout, env={**os.environ, **(env or {})}, **options)


def python(code: str, *, timeout: int = 120, **options) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                          timeout=timeout, **options)


def row(columns, **cells) -> str:
    values = dict.fromkeys(columns, "")
    values.update(cells)
    return "\t".join(values[c] for c in columns) + "\n"


def append(path: Path, text: str) -> None:
    with path.open("a", encoding="utf-8", newline="") as f:
        f.write(text)


@pytest.fixture
def cache_folder(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("PAINKG_CACHE", str(folder))
    return folder


def snapshot(kg: painkg.KnowledgeGraph):
    nodes = {n: dict(d) for n, d in kg.graph.nodes(data=True)}
    edges = sorted((s, t, r.value, sorted(d.items(), key=str)) for s, t, r, d in kg.graph.edges(keys=True, data=True))
    return nodes, edges, kg.references


# -- F3: a table edited while a load runs ---------------------------------------------------------

def test_f3_a_table_edited_during_a_load_is_never_filed_under_the_old_key(cache_folder, mini_copy, monkeypatch):
    table = mini_copy / "nodes-condition.tsv"
    before = table.read_text(encoding="utf-8")
    after = before.replace("\thip osteoarthritis\t", "\tcoxarthrosis of the hip\t")
    real_check = graph_module.check

    def editor_saves_now(*args, **kwargs):  # the file changes after it was read, before it is checked
        table.write_text(after, encoding="utf-8")
        return real_check(*args, **kwargs)

    monkeypatch.setattr(graph_module, "check", editor_saves_now)
    painkg.load(mini_copy)
    monkeypatch.setattr(graph_module, "check", real_check)
    table.write_text(before, encoding="utf-8")
    assert painkg.load(mini_copy).node("hip-oa").label == "hip osteoarthritis"
    table.write_text(after, encoding="utf-8")
    assert painkg.load(mini_copy).node("hip-oa").label == "coxarthrosis of the hip"


# -- F4: corrupted and planted cache entries ------------------------------------------------------

def test_f4_a_flipped_byte_never_removes_a_red_flag(cache_folder, kg):
    painkg.load()
    entry = next(cache_folder.glob("*.kb"))
    original = entry.read_bytes()
    # The reviewer's one-byte attack: a "T" (marshal's True) after the node's id turned into "F".
    start = original.index(b"cauda-equina-syndrome")
    flips = [i for i in range(start, start + 1500) if original[i] == ord("T")]
    assert flips
    for i in flips:
        entry.write_bytes(original[:i] + b"F" + original[i + 1:])
        loaded = painkg.load()
        assert loaded.node("cauda-equina-syndrome").red_flag, i
        assert snapshot(loaded) == snapshot(kg), i


@pytest.fixture(scope="module")
def mini_entry(tmp_path_factory):
    """The mini KB's cache entry bytes, its folder, and the snapshot a full load gives."""
    folder = tmp_path_factory.mktemp("entry-cache")
    old = os.environ["PAINKG_CACHE"]
    os.environ["PAINKG_CACHE"] = str(folder)
    try:
        expected = snapshot(painkg.load(MINI))
    finally:
        os.environ["PAINKG_CACHE"] = old
    entry = next(folder.glob("*.kb"))
    return folder, entry, entry.read_bytes(), expected


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_f4_any_mutated_entry_is_rebuilt_never_served(mini_entry, monkeypatch, data):
    folder, entry, original, expected = mini_entry
    position = data.draw(st.integers(0, len(original) - 1), label="position")
    value = data.draw(st.integers(0, 255).filter(lambda b: b != original[position]), label="byte")
    entry.write_bytes(original[:position] + bytes([value]) + original[position + 1:])
    monkeypatch.setenv("PAINKG_CACHE", str(folder))
    assert snapshot(painkg.load(MINI)) == expected
    entry.write_bytes(original)


def _plant(key: str) -> None:
    """Write a well-formed entry that takes cauda equina syndrome's red flag away."""
    planted = cache.read(key, "kb")
    planted["nodes"]["cauda-equina"]["red_flag"] = False
    cache.write(key, "kb", planted)


def test_f4_an_entry_with_a_good_hash_but_the_wrong_shape_is_rebuilt_and_replaced(cache_folder):
    painkg.load(MINI)
    key = next(cache_folder.glob("*.kb")).stem
    cache.write(key, "kb", {"nodes": [1, 2], "edges": None})
    assert snapshot(painkg.load(MINI)) == snapshot(painkg.load(MINI, cache=False))
    assert cache.read(key, "kb")["nodes"]["cauda-equina"]["red_flag"] is True  # replaced by a good entry


def test_f4_an_entry_in_a_folder_others_can_write_is_not_read(cache_folder):
    painkg.load(MINI)
    key = next(cache_folder.glob("*.kb")).stem
    _plant(key)
    assert not painkg.load(MINI).node("cauda-equina").red_flag  # the user's own private folder: trusted
    cache_folder.chmod(0o777)
    assert painkg.load(MINI).node("cauda-equina").red_flag
    cache_folder.chmod(0o700)


@pytest.mark.skipif(not IS_ROOT, reason="giving a file to another user needs root")
def test_f4_an_entry_owned_by_someone_else_is_not_read(cache_folder):
    painkg.load(MINI)
    entry = next(cache_folder.glob("*.kb"))
    _plant(entry.stem)
    os.chown(entry, 4242, 4242)
    assert painkg.load(MINI).node("cauda-equina").red_flag


def test_f4_an_entry_that_is_a_symlink_is_not_followed(cache_folder, tmp_path):
    painkg.load(MINI)
    entry = next(cache_folder.glob("*.kb"))
    _plant(entry.stem)
    elsewhere = tmp_path / "elsewhere.kb"
    entry.rename(elsewhere)
    entry.symlink_to(elsewhere)
    assert painkg.load(MINI).node("cauda-equina").red_flag


# -- F6: from_rdf checks what load() checks ----------------------------------------------------------

HIP_OA, CES, PHYSIO, GROIN_PAIN = (URIRef(NODE + n) for n in ("hip-oa", "cauda-equina", "physio", "groin-pain"))


def _statement(graph, source: str, target: str):
    return next(s for s in graph.subjects(PAINKG.strength, None)
                if str(s).startswith(f"https://w3id.org/painkg/edge/{source}.") and str(s).endswith("." + target))


def _set(graph, subject, predicate, value):
    graph.remove((subject, predicate, None))
    graph.add((subject, predicate, value))


def _double(text: str) -> Literal:
    return Literal(text, datatype=XSD.double)


MUTATIONS = {
    "prior-nan": (lambda g: _set(g, HIP_OA, PAINKG.priorProbability, _double("NaN")), "node:hip-oa: bad prior"),
    "prior-50": (lambda g: _set(g, HIP_OA, PAINKG.priorProbability, _double("50")), "node:hip-oa: bad prior '50"),
    "prior-negative": (lambda g: _set(g, HIP_OA, PAINKG.priorProbability, _double("-1")), "node:hip-oa: bad prior '-1.0'"),
    "sensitivity-7": (lambda g: _set(g, _statement(g, "hip-joint", "groin-pain"), PAINKG.sensitivity, _double("7")),
                      "edge:hip-joint.refersTo.groin-pain: bad sensitivity '7.0'"),
    "sensitivity-negative": (lambda g: _set(g, _statement(g, "hip-joint", "groin-pain"), PAINKG.sensitivity,
                                            _double("-3")), "bad sensitivity '-3.0'"),
    "sensitivity-nan": (lambda g: _set(g, _statement(g, "hip-joint", "groin-pain"), PAINKG.sensitivity,
                                       _double("NaN")), "bad sensitivity 'nan'"),
    "lr-inf": (lambda g: _set(g, _statement(g, "hip-joint", "groin-pain"), PAINKG.lrPositive, _double("INF")),
               "bad lr_positive 'inf'"),
    "lr-minus-inf": (lambda g: _set(g, _statement(g, "hip-joint", "groin-pain"), PAINKG.lrNegative, _double("-INF")),
                     "bad lr_negative '-inf'"),
    "red-flag-on-treatment": (lambda g: _set(g, PHYSIO, PAINKG.redFlag, Literal(True)),
                              "node:physio: a treatment cannot be a red flag"),
    "qualifier-on-presents-with": (lambda g: _set(g, _statement(g, "hip-oa", "limited-ir"), PAINKG.qualifier,
                                                  PAINKG["qualifier-recommended"]),
                                   "edge:hip-oa.presentsWith.limited-ir: a qualifier applies only to treated-by"),
    "unknown-reference": (lambda g: g.add((_statement(g, "hip-oa", "limited-ir"), URIRef(
        "http://www.w3.org/ns/prov#wasDerivedFrom"), URIRef("https://w3id.org/painkg/reference/smith1999"))),
        "unknown reference key 'smith1999'"),
    "empty-label": (lambda g: _set(g, HIP_OA, SKOS.prefLabel, Literal("")), "node:hip-oa: empty label"),
    "iri-synonym": (lambda g: g.add((GROIN_PAIN, SKOS.altLabel, URIRef("http://example.org/x"))),
                    "node:groin-pain: skos:altLabel must be text"),
    "blank-synonym": (lambda g: g.add((GROIN_PAIN, SKOS.altLabel, BNode())),
                      "node:groin-pain: skos:altLabel must be text"),
    "red-flag-maybe": (lambda g: _set(g, CES, PAINKG.redFlag, Literal("maybe")), "node:cauda-equina: painkg:redFlag"),
}


@pytest.mark.parametrize("name", MUTATIONS)
def test_f6_from_rdf_refuses_what_load_refuses(mini, name):
    mutate, expected = MUTATIONS[name]
    graph = to_rdf(mini)
    if name.startswith("prior"):  # hip-oa has a grade; give it a number with literature, then break the number
        graph.remove((HIP_OA, PAINKG.priorGrade, None))
        graph.add((HIP_OA, URIRef("http://www.w3.org/ns/prov#wasDerivedFrom"),
                   URIRef("https://w3id.org/painkg/reference/lesher2008")))
    mutate(graph)
    with pytest.raises(painkg.RDFError) as caught:
        from_rdf(graph)
    assert expected in str(caught.value), str(caught.value)


def test_f6_a_valid_number_from_rdf_still_reads(mini):
    graph = to_rdf(mini)
    _set(graph, _statement(graph, "hip-joint", "groin-pain"), PAINKG.lrPositive, _double("2.5E0"))
    back = from_rdf(graph)
    assert back.graph.edges["hip-joint", "groin-pain", "refers-to"]["lr_positive"] == 2.5


# -- F7: export to special or protected files ----------------------------------------------------

def test_f7_export_writes_through_a_character_device(mini, tmp_path):
    device = tmp_path / "null"
    try:
        os.mknod(device, stat.S_IFCHR | 0o666, os.makedev(1, 3))  # a private /dev/null
        os.close(os.open(device, os.O_WRONLY))
    except OSError:
        device = Path("/dev/null")  # no mknod here: the real one (the new code never replaces it)
    export(mini, device, format="nt")
    assert stat.S_ISCHR(os.stat(device).st_mode)


def test_f7_export_writes_through_a_fifo(mini, tmp_path):
    fifo = tmp_path / "pipe.nt"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # a reader is there before the writer opens
    os.set_blocking(reader, True)
    received, written = bytearray(), threading.Event()

    def drain():  # until a writer comes, a FIFO reads as empty: keep reading until the export is done
        while True:
            chunk = os.read(reader, 1 << 16)
            if chunk:
                received.extend(chunk)
            elif written.is_set():
                return
            else:
                time.sleep(0.01)

    thread = threading.Thread(target=drain, daemon=True)
    thread.start()
    export(mini, fifo)
    written.set()
    thread.join(timeout=30)
    os.close(reader)
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    export(mini, tmp_path / "plain.nt")
    assert bytes(received) == (tmp_path / "plain.nt").read_bytes()


def test_f7_a_fifo_nobody_reads_is_an_error_not_a_hang(mini, tmp_path):
    fifo = tmp_path / "pipe.nt"
    os.mkfifo(fifo)
    with pytest.raises(painkg.RDFError, match=f"{fifo}: cannot write .*no process is reading"):
        export(mini, fifo)


def test_f7_export_follows_a_symlink_and_keeps_it(mini, tmp_path):
    real, link = tmp_path / "real.ttl", tmp_path / "link.ttl"
    real.write_text("old", encoding="utf-8")
    link.symlink_to(real)
    export(mini, link)
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert real.read_text(encoding="utf-8").startswith("@prefix")


def test_f7_a_read_only_file_is_refused_not_overwritten(mini, tmp_path):
    target = tmp_path / "kg.ttl"
    target.write_text("keep me", encoding="utf-8")
    target.chmod(0o444)
    with pytest.raises(painkg.RDFError, match=f"{target}: cannot write .*read-only"):
        export(mini, target)
    assert target.read_text(encoding="utf-8") == "keep me"
    assert stat.S_IMODE(target.stat().st_mode) == 0o444


def test_f7_a_replaced_file_keeps_its_mode(mini, tmp_path):
    target = tmp_path / "kg.ttl"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o600)
    export(mini, target)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert target.read_text(encoding="utf-8").startswith("@prefix")
    assert [p.name for p in tmp_path.iterdir()] == ["kg.ttl"]  # no temporary file left


@pytest.mark.skipif(not IS_ROOT, reason="giving a file to another user needs root")
def test_f7_a_replaced_file_keeps_its_owner(mini, tmp_path):
    target = tmp_path / "kg.ttl"
    target.write_text("old", encoding="utf-8")
    os.chown(target, 4242, 4343)
    export(mini, target)
    info = target.stat()
    assert (info.st_uid, info.st_gid) == (4242, 4343)


def test_f7_a_hard_linked_file_is_refused(mini, tmp_path):
    target, other = tmp_path / "kg.ttl", tmp_path / "other-name.ttl"
    target.write_text("old", encoding="utf-8")
    os.link(target, other)
    with pytest.raises(painkg.RDFError, match="hard links"):
        export(mini, target)
    assert other.read_text(encoding="utf-8") == target.read_text(encoding="utf-8") == "old"


@pytest.mark.parametrize("mode", ["w", "a"], ids=["redirected", "appended"])
def test_f7_export_to_dev_stdout_redirected_to_a_file(mini, tmp_path, mode):
    export(mini, tmp_path / "plain.nt")
    out = tmp_path / "out.nt"
    out.write_bytes(b"# kept\n")
    with out.open(mode + "b") as stdout:  # painkg export /dev/stdout > out.nt (or >>)
        run = cli("export", "/dev/stdout", "--format", "nt", "--kb", str(MINI), stdout=stdout, stderr=subprocess.PIPE)
    assert run.returncode == 0 and "wrote" in run.stderr
    expected = (b"# kept\n" if mode == "a" else b"") + (tmp_path / "plain.nt").read_bytes()
    assert out.read_bytes() == expected


# -- F8: a write that fails half-way -------------------------------------------------------------

def _file_size_limit(limit: int):
    return lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))  # ulimit -f


# The CLI's exit statuses (docs/RDF.md): a failed export is a failed operation (1); a diagram
# that cannot be drawn stays 2, as every render failure is.
@pytest.mark.parametrize(("args", "status"), [
    (("render", "{out}.svg", "--focus", "hip osteoarthritis", "--depth", "1"), 2),
    (("render", "{out}.dot", "--focus", "hip osteoarthritis", "--depth", "1"), 2),
    (("export", "{out}.ttl"), 1),
], ids=["svg", "dot", "export"])
def test_f8_a_failed_write_keeps_the_previous_file_and_names_it(tmp_path, args, status):
    out = tmp_path / "out"
    args = [a.format(out=out) for a in args]
    target = Path(args[1])
    target.write_text("the previous, good file", encoding="utf-8")
    run = cli(*args, preexec_fn=_file_size_limit(2000), env={"PAINKG_CACHE": "off"})
    assert run.returncode == status, run.stderr
    assert "Traceback" not in run.stderr
    assert f"painkg: {target}: cannot write (File too large; the previous file is unchanged)" in run.stderr
    assert target.read_text(encoding="utf-8") == "the previous, good file"
    assert sorted(p.name for p in tmp_path.iterdir()) == [target.name]


def test_f8_a_diagram_that_cannot_be_written_does_not_hide_the_report(tmp_path):
    where = tmp_path / "missing-folder" / "why.svg"
    run = cli("trace", "groin pain", "limited hip internal rotation", "--kb", str(MINI), "--diagram", str(where))
    assert run.returncode == 2
    assert "hip osteoarthritis" in run.stdout and "Observations" in run.stdout
    assert str(where) in run.stderr and "Traceback" not in run.stderr


# -- F9: odd names in a KB folder -----------------------------------------------------------------

def test_f9_a_table_with_another_suffix_is_reported(mini_copy):
    (mini_copy / "edges-extra.TSV").write_text(row(EDGE_COLUMNS, **dict(zip(EDGE_COLUMNS, EDGE_COLUMNS))),
                                              encoding="utf-8")
    (mini_copy / "nodes-condition.tsv.bak").write_text("", encoding="utf-8")
    (mini_copy / "README.md").write_text("notes about this KB", encoding="utf-8")  # not a table: left alone
    with pytest.raises(painkg.KBError) as caught:
        painkg.load(mini_copy)
    assert [p.split(":")[0] for p in caught.value.problems] == ["kb/edges-extra.TSV", "kb/nodes-condition.tsv.bak"]


def test_f9_a_user_references_file_cannot_rewrite_a_bundled_citation(tmp_path, kg):
    key, bundled = next(iter(kg.references.items()))
    (tmp_path / "nodes-condition.tsv").write_text(row(NODE_COLUMNS, **dict(zip(NODE_COLUMNS, NODE_COLUMNS))) +
                                                  row(NODE_COLUMNS, id="my-condition", label="mine", region="hip"),
                                                  encoding="utf-8")
    references = tmp_path / "references.tsv"
    header = "key\tcitation\tpmid\tdoi\tstatus\n"
    references.write_text(header + f"{key}\tSomeone Else. A made-up paper.\t\t\tlocal\n", encoding="utf-8")
    with pytest.raises(painkg.KBError, match=f"references.tsv:2: reference key '{key}' is already defined"):
        painkg.load(tmp_path, merge=True)
    same = "\t".join(bundled[c] for c in ("key", "citation", "pmid", "doi", "status"))
    references.write_text(header + same + "\n", encoding="utf-8")  # repeating it word for word is fine
    assert painkg.load(tmp_path, merge=True).references[key] == bundled


def test_f9_a_references_folder_is_reported(mini_copy):
    (mini_copy / "references.tsv").mkdir()
    with pytest.raises(painkg.KBError, match=r"kb/references.tsv: not a regular file \(a folder\)"):
        painkg.load(mini_copy)


@pytest.mark.parametrize("key", ["seed", "anatomy"])
def test_f9_a_reference_may_not_take_a_built_in_key(mini_copy, key):
    (mini_copy / "references.tsv").write_text(f"key\tcitation\tpmid\tdoi\tstatus\n{key}\tMy seed\t\t\tlocal\n",
                                              encoding="utf-8")
    with pytest.raises(painkg.KBError, match=f"references.tsv:2: reference key '{key}' is reserved"):
        painkg.load(mini_copy)


# -- F10, F19, F21: hostile XML and JSON-LD --------------------------------------------------------

LAUGHS = ('<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [\n <!ENTITY lol "lol">\n'
          + "".join(f' <!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">\n' for i in range(1, 10))
          + ']>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://example.org/">\n'
          '  <rdf:Description rdf:about="http://example.org/a"><ex:p>&lol9;</ex:p></rdf:Description>\n</rdf:RDF>\n')


def test_f10_billion_laughs_is_refused_at_once(tmp_path):
    path = tmp_path / "laughs.rdf"
    path.write_text(LAUGHS, encoding="utf-8")
    assert len(LAUGHS) < 2000
    run = python(f"import painkg\ntry:\n painkg.from_rdf({str(path)!r})\nexcept painkg.RDFError as e:\n print(e)",
                 timeout=60)
    assert "<!DOCTYPE> and <!ENTITY> are not allowed" in run.stdout, run.stderr


@pytest.mark.parametrize("dtd", [
    '<!DOCTYPE rdf:RDF [<!ENTITY % x "&#x3C;!ENTITY leak &#x53;YSTEM \'file:///etc/hostname\'>"> %x;]>',
    '<!DOCTYPE rdf:RDF [<!ENTITY leak "&#x26;#x53;YSTEM">]>',
    "<!DOCTYPE rdf:RDF>",
], ids=["parameter-entity", "nested-reference", "bare-doctype"])
def test_f19_a_dtd_is_refused_however_it_is_spelt(tmp_path, dtd):
    path = tmp_path / "evil.rdf"
    path.write_text(f'<?xml version="1.0"?>\n{dtd}\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"'
                    f' xmlns:ex="http://example.org/"><rdf:Description rdf:about="http://example.org/a">'
                    f'<ex:p>&leak;</ex:p></rdf:Description></rdf:RDF>', encoding="utf-8")
    with pytest.raises(painkg.RDFError, match="DOCTYPE"):
        from_rdf(path)


def test_f19_rdfxml_declared_in_another_encoding_is_refused(tmp_path):
    path = tmp_path / "utf16.rdf"
    path.write_text('<?xml version="1.0" encoding="UTF-16"?>\n<rdf:RDF/>', encoding="utf-8")
    with pytest.raises(painkg.RDFError, match="must be UTF-8"):
        from_rdf(path)


@pytest.mark.parametrize("depth", [150, 100_000])
def test_f21_deeply_nested_jsonld_is_an_rdf_error(tmp_path, depth):
    path = tmp_path / "deep.jsonld"
    path.write_text("[" * depth + "]" * depth, encoding="utf-8")
    with pytest.raises(painkg.RDFError, match="nested"):
        from_rdf(path)


# -- F13, F18, F23: what the table reader reports ----------------------------------------------------

def test_f13_a_huge_cell_is_one_problem_among_the_others(mini_copy):
    append(mini_copy / "nodes-condition.tsv", row(NODE_COLUMNS, id="long", label="x" * 131_073, region="hip"))
    append(mini_copy / "edges-clinical.tsv", row(EDGE_COLUMNS, source="hip-oa", relation="causes",
                                                 target="groin-pain", strength="common", references="seed"))
    with pytest.raises(painkg.KBError) as caught:
        painkg.load(mini_copy)
    problems = caught.value.problems
    assert any(p.startswith("kb/nodes-condition.tsv:6: a cell of 131073 characters") for p in problems), problems
    assert any(p.startswith("kb/edges-clinical.tsv:") and "unknown relation 'causes'" in p for p in problems)


def test_f18_a_flood_of_bad_rows_is_counted_not_kept(mini_copy):
    bad = row(EDGE_COLUMNS, source="hip-oa", relation="causes", target="groin-pain", strength="common",
              references="seed")
    append(mini_copy / "edges-clinical.tsv", bad * 200_000)
    with pytest.raises(painkg.KBError) as caught:
        painkg.load(mini_copy)
    error = caught.value
    assert len(error.problems) == 1000 and error.more == 199_000
    assert str(error).startswith("200000 problems in the knowledge base:")
    assert str(error).endswith("… and 199000 more (the first 1000 are listed)")


def test_f23_a_byte_that_is_not_utf8_is_placed_exactly(mini_copy):
    table = mini_copy / "nodes-condition.tsv"
    with table.open("ab") as f:  # a Latin-1 é, as an old spreadsheet saves it
        f.write(row(NODE_COLUMNS, id="cafe", label="caf_ au lait", region="hip").encode().replace(b"_", b"\xe9"))
    append(table, row(NODE_COLUMNS, id="Bad_Id", label="x", region="hip"))
    with pytest.raises(painkg.KBError) as caught:
        painkg.load(mini_copy)
    assert caught.value.problems == (
        "kb/nodes-condition.tsv:6: not UTF-8 (byte 0xe9 at character 9; allowed: UTF-8 text)",
        "kb/nodes-condition.tsv:7: bad id 'Bad_Id' (allowed: kebab-case slug like 'hip-osteoarthritis')")


def test_f23_a_byte_order_mark_is_read_and_the_rest_still_checked(mini_copy):
    table = mini_copy / "nodes-condition.tsv"
    table.write_bytes(b"\xef\xbb\xbf" + table.read_bytes())
    assert painkg.load(mini_copy).node("hip-oa").label == "hip osteoarthritis"
    append(table, row(NODE_COLUMNS, id="Bad_Id", label="x", region="hip"))
    with pytest.raises(painkg.KBError, match=r"nodes-condition.tsv:6: bad id 'Bad_Id'"):
        painkg.load(mini_copy)


def test_f23_a_lone_carriage_return_keeps_line_numbers_right(mini_copy):
    table = mini_copy / "nodes-condition.tsv"
    append(table, row(NODE_COLUMNS, id="split", label="a label\rwith a carriage return", region="hip"))
    append(table, row(NODE_COLUMNS, id="Bad_Id", label="x", region="hip"))
    with pytest.raises(painkg.KBError) as caught:
        painkg.load(mini_copy)
    assert caught.value.problems == (
        "kb/nodes-condition.tsv:6: a carriage return inside the line (allowed line ends: LF or CRLF)",
        "kb/nodes-condition.tsv:7: bad id 'Bad_Id' (allowed: kebab-case slug like 'hip-osteoarthritis')")


def test_f23_crlf_and_old_mac_line_ends_still_load(mini_copy):
    for table in mini_copy.glob("*.tsv"):
        ending = b"\r\n" if "edges" in table.name else b"\r"
        table.write_bytes(table.read_bytes().replace(b"\n", ending))
    assert snapshot(painkg.load(mini_copy)) == snapshot(painkg.load(MINI))


def test_f23_a_duplicate_of_a_bundled_edge_says_where_the_first_is(tmp_path, kg):
    source, target, relation = next(iter(kg.graph.edges(keys=True)))
    tmp_path = tmp_path / "kb"
    tmp_path.mkdir()
    (tmp_path / "edges-mine.tsv").write_text(row(EDGE_COLUMNS, **dict(zip(EDGE_COLUMNS, EDGE_COLUMNS))) +
                                             row(EDGE_COLUMNS, source=source, relation=relation.value, target=target,
                                                 strength="common", references="seed"), encoding="utf-8")
    with pytest.raises(painkg.KBError) as caught:
        painkg.load(tmp_path, merge=True)
    assert caught.value.problems == (f"kb/edges-mine.tsv:2: duplicate edge {source} {relation.value} {target} "
                                     f"(already in the knowledge base this folder is merged into)",)


@pytest.mark.parametrize(("column", "value"), [
    ("sensitivity", "0.7_1"), ("sensitivity", "٠٫٧"), ("specificity", "٠.٧"), ("lr_positive", "inf"),
    ("lr_positive", "1e309"), ("lr_negative", "0"), ("lr_positive", "0.0"), ("frequency", "nan"),
])
def test_f23_numbers_are_plain_finite_decimals(mini_copy, column, value):
    append(mini_copy / "edges-clinical.tsv", row(EDGE_COLUMNS, source="hip-oa", relation="diagnosed-by",
                                                 target="slr", strength="common", references="lesher2008",
                                                 **{column: value}))
    with pytest.raises(painkg.KBError, match=f"edges-clinical.tsv:\\d+: bad {column} '{value}'"):
        painkg.load(mini_copy)


def test_f23_a_prior_of_zero_is_refused(mini_copy):
    append(mini_copy / "nodes-condition.tsv", row(NODE_COLUMNS, id="never", label="never seen", region="hip",
                                                  prior="0", references="lesher2008"))
    with pytest.raises(painkg.KBError, match="nodes-condition.tsv:6: bad prior '0'"):
        painkg.load(mini_copy)


# -- F16, F24: RDF input that is huge, foreign or empty -------------------------------------------

@pytest.mark.parametrize(("suffix", "body"), [
    (".nt", '<http://a/b> <http://a/c> "{x}" .\n'),
    (".ttl", '<http://a/b> <http://a/c> """{x}""" .\n'),
    (".ttl", "<http://a/{x}> <http://a/c> 1 .\n"),
], ids=["nt-literal", "ttl-long-literal", "ttl-iri"])
def test_f16_an_over_long_token_is_refused_before_parsing(tmp_path, suffix, body):
    path = tmp_path / f"huge{suffix}"
    path.write_text(body.format(x="x\\n" * 400_000), encoding="utf-8")
    with pytest.raises(painkg.RDFError, match=f"{path}:1: a literal or IRI of \\d+ characters "
                                              f"\\(allowed: up to {MAX_TOKEN}\\)"):
        from_rdf(path)


def test_f16_a_literal_over_the_cell_limit_is_refused(mini, tmp_path):
    graph = to_rdf(mini)
    _set(graph, HIP_OA, SKOS.definition, Literal("x" * (MAX_CELL + 1)))
    with pytest.raises(painkg.RDFError, match=f"node:hip-oa: skos:definition: a text of {MAX_CELL + 1} characters"):
        from_rdf(graph)


FOAF = """@prefix foaf: <http://xmlns.com/foaf/0.1/> .
<http://example.org/alice> a foaf:Person ; foaf:name "Alice" ; foaf:knows <http://example.org/bob> .
"""


@pytest.mark.parametrize("source", ["foaf", "ontology/painkg.ttl", "ontology/shapes.ttl", "empty"])
def test_f24_a_file_without_painkg_data_is_an_error(tmp_path, source):
    if source in ("foaf", "empty"):
        path = tmp_path / f"{source}.ttl"
        path.write_text(FOAF if source == "foaf" else "", encoding="utf-8")
    else:
        path = ROOT / source
    with pytest.raises(painkg.RDFError, match="no painkg data"):
        from_rdf(path)


def test_f24_a_label_in_another_language_is_reported_not_dropped(mini):
    graph = to_rdf(mini)
    _set(graph, HIP_OA, SKOS.prefLabel, Literal("Hüftarthrose", lang="de"))
    with pytest.raises(painkg.RDFError, match="node:hip-oa: skos:prefLabel 'Hüftarthrose'@de: a text in another"):
        from_rdf(graph)
    _set(graph, HIP_OA, SKOS.prefLabel, Literal("hip osteoarthritis", lang="en"))
    assert from_rdf(graph).node("hip-oa").label == "hip osteoarthritis"


# -- F17: tables that are not regular files ----------------------------------------------------------

@pytest.mark.parametrize("caching", ["off", "on"])
def test_f17_a_fifo_table_is_a_problem_not_a_hang(mini_copy, tmp_path, caching):
    os.mkfifo(mini_copy / "edges-extra.tsv")
    env = {**os.environ, "PAINKG_CACHE": "off" if caching == "off" else str(tmp_path / "cache")}
    run = python(f"import painkg; painkg.load({str(mini_copy)!r})", timeout=60, env=env)
    assert "kb/edges-extra.tsv: not a regular file (a FIFO)" in run.stderr


def test_f17_a_symlink_to_an_endless_device_is_a_problem(mini_copy):
    (mini_copy / "edges-zero.tsv").symlink_to("/dev/zero")
    limit = "import resource; resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30)); "
    run = python(limit + f"import painkg; painkg.load({str(mini_copy)!r})", timeout=60,
                 env={**os.environ, "PAINKG_CACHE": "off"})
    assert "kb/edges-zero.tsv: not a regular file (a character device)" in run.stderr, run.stderr[-500:]


# -- F20: where the cache goes -------------------------------------------------------------------

@pytest.fixture
def no_cache_setting(monkeypatch, tmp_path):
    monkeypatch.delenv("PAINKG_CACHE")
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.chdir(tmp_path)
    return monkeypatch


@pytest.mark.parametrize("home", ["{tmp}/no-such-home", ""], ids=["missing", "empty"])
def test_f20_no_usable_home_means_no_cache_and_no_folder(no_cache_setting, tmp_path, home):
    no_cache_setting.setenv("HOME", home.format(tmp=tmp_path))
    assert cache.cache_dir() is None
    assert painkg.load(MINI).resolve("coxarthrosis").id == "hip-oa"
    assert list(tmp_path.iterdir()) == []


def test_f20_a_relative_xdg_cache_home_is_ignored(no_cache_setting, tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    no_cache_setting.setenv("HOME", str(home))
    no_cache_setting.setenv("XDG_CACHE_HOME", "relative-cache")
    assert cache.cache_dir() == home / ".cache" / "painkg"
    painkg.load(MINI)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["home"]


# -- F22, F25: what reaches the terminal ---------------------------------------------------------

@pytest.mark.parametrize("args", [("show", "hip-osteoarthritis"), ("trace", "groin pain", "low back pain"),
                                  ("search", "Lasègue"), ("trace", "groin pain", "--json")],
                         ids=["show", "trace", "search", "json"])
def test_f22_an_ascii_terminal_gets_a_readable_fallback(args):
    run = cli(*args, env={"PYTHONIOENCODING": "ascii"})
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr and run.stdout.isascii()
    if args[-1] == "--json":
        import json

        json.loads(run.stdout)


def test_f25_control_characters_from_a_kb_are_escaped(mini_copy):
    table = mini_copy / "nodes-condition.tsv"
    hostile = "evil\x1b]0;pwned\x07\x1b[2J\x9b31m\u202e label"
    table.write_text(table.read_text(encoding="utf-8").replace("\thip osteoarthritis\t", f"\t{hostile}\t"),
                     encoding="utf-8")
    for args in (("show", "hip-oa"), ("search", "evil"), ("trace", "groin pain", "limited hip internal rotation"),
                 ("show", "hip-oa", "--json")):
        run = cli(*args, "--kb", str(mini_copy))
        assert run.returncode == 0, run.stderr
        assert not any(c in run.stdout for c in "\x1b\x07\x9b\u202e"), (args, run.stdout)
        assert "\\x1b]0;pwned" in run.stdout or "\\u001b]0;pwned" in run.stdout


# -- F26: the smaller ones ---------------------------------------------------------------------------

def test_f26_the_typo_memo_is_bounded(mini, monkeypatch):
    from painkg.kb import resolve

    monkeypatch.setattr(resolve, "_CACHE", 50)
    index = resolve.TermIndex({n: [(d["label"], 1.0)] for n, d in mini.graph.nodes(data=True)})
    for i in range(200):
        index.search(f"osteoarthritiz{i:03d}q")
    assert 0 < len(index._corrected) <= 50


@pytest.mark.parametrize("limit", [2.5, "3", True])
def test_f26_a_fractional_limit_is_a_trace_error(mini, limit):
    # The v2 trace has no depth (its model is compiled once); limit is the number it takes.
    with pytest.raises(painkg.TraceError, match="whole number"):
        mini.trace(["groin pain"], limit=limit)


def test_f26_rendering_a_huge_kb_is_refused_at_once(tmp_path):
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import synth
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    folder = tmp_path / "synth"
    synth.write(2_000, folder)
    out = tmp_path / "all.svg"
    run = python(f"import painkg\ntry:\n painkg.render(painkg.load({str(folder)!r}), {str(out)!r}, max_nodes=None)\n"
                 f"except painkg.RenderError as e:\n print(e)", timeout=120, env={**os.environ, "PAINKG_CACHE": "off"})
    assert "too many for Graphviz to lay out" in run.stdout, run.stderr[-500:]
    assert not out.exists()
    # .dot has no layout step: it is written at any size.
    dot = python(f"import painkg; print(painkg.render(painkg.load({str(folder)!r}), {str(tmp_path / 'all.dot')!r}, "
                 f"max_nodes=None))",
                 timeout=120, env={**os.environ, "PAINKG_CACHE": "off"})
    assert dot.returncode == 0 and (tmp_path / "all.dot").stat().st_size > 0
    # By default a diagram is capped, so a huge KB draws its most connected nodes and says so.
    capped = python(f"import painkg; print(painkg.render(painkg.load({str(folder)!r}), {str(out)!r}).hint)",
                    timeout=120, env={**os.environ, "PAINKG_CACHE": "off"})
    assert capped.returncode == 0 and "left out" in capped.stdout, capped.stderr[-500:]


def test_nothing_is_left_behind_when_a_write_fails_half_way(tmp_path):
    class Boom(Exception):
        pass

    from painkg.files import writing

    target = tmp_path / "kg.txt"
    target.write_text("good", encoding="utf-8")
    with pytest.raises(Boom), writing(target, text=True) as f:
        f.write("half of the new")
        raise Boom
    assert target.read_text(encoding="utf-8") == "good"
    assert [p.name for p in tmp_path.iterdir()] == ["kg.txt"]


def test_writing_to_a_folder_or_into_a_missing_folder_names_the_file(mini, tmp_path):
    with pytest.raises(painkg.RDFError, match=f"{tmp_path}: cannot write \\(it is a folder\\)"):
        export(mini, tmp_path, format="ttl")
    with pytest.raises(painkg.RDFError, match="kg.ttl: cannot write \\(no folder"):
        export(mini, tmp_path / "missing" / "kg.ttl")
