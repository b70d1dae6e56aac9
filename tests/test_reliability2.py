"""Regression tests for the second reliability review (shared/reviews/reliability2.md, issue #23).

Each test is built from the review's reproducer for one failure (G3 … G26) and is named
after it; each also has a second variant of the same class written here, not taken from
the review.  Every one failed on the reviewed code.  Real files, FIFOs, devices, symlinks,
sparse files, resource limits, a real local HTTP listener (127.0.0.1 only), real pseudo
terminals and real subprocesses for signals and timeouts: nothing of painkg's is mocked.

The reader items (G1, G2, G12, G13, G15, G16) and the web server items (G7–G10, G17–G20)
are tested where they are fixed (the reading and web work).
"""

from __future__ import annotations

import http.server
import json
import os
import pty
import re
import resource
import select
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import painkg
from painkg.kb import cache
from painkg.kb.tables import MAX_FILE
from painkg.rdf.kgx import EDGE_COLUMNS, from_kgx, to_kgx

ROOT = Path(__file__).resolve().parents[1]
MINI = ROOT / "tests" / "data" / "mini"
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
SECRET = "root:x:0:0:TOPSECRET-PASSWORD-123"


def cli(*args: str, env: dict | None = None, timeout: float = 120, **options) -> subprocess.CompletedProcess:
    """Run the worktree's painkg command (Python started in the checkout imports it)."""
    options.setdefault("stdout", subprocess.PIPE)
    options.setdefault("stderr", subprocess.PIPE)
    return subprocess.run([sys.executable, "-m", "painkg", *args], cwd=options.pop("cwd", ROOT), text=True,
                          timeout=timeout, env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}, **options)


def shell(script: str, *, timeout: float = 120) -> subprocess.CompletedProcess:
    """Run a shell line, where ``PAINKG`` is the worktree's painkg (for redirections such as ``>&-``)."""
    command = f"{sys.executable} -m painkg"
    return subprocess.run(["sh", "-c", script.replace("PAINKG", command)], cwd=ROOT, capture_output=True, text=True,
                          timeout=timeout, env={**os.environ, "PYTHONPATH": str(ROOT)})


def python(code: str, *, timeout: float = 120, **options) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT), **options.pop("env", {})}
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                          timeout=timeout, env=env, **options)


def one_line(run: subprocess.CompletedProcess) -> str:
    """The single stderr line of a failed command; no traceback."""
    assert "Traceback" not in run.stderr, run.stderr[-3000:]
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1, run.stderr[-3000:]
    return lines[0]


# -- KGX: an export to break ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("kgx-bundled")
    to_kgx(painkg.load(), folder)
    return folder


@pytest.fixture
def kgx(exported, tmp_path) -> Path:
    """A writable copy of the bundled KB's KGX export."""
    folder = tmp_path / "kgx"
    shutil.copytree(exported, folder)
    return folder


def edit(path: Path, old: str, new: str, count: int = -1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def line_of(path: Path, needle: str) -> int:
    return next(i for i, line in enumerate(path.read_text(encoding="utf-8").split("\n"), start=1) if needle in line)


def kgx_problems(folder: Path) -> str:
    with pytest.raises(painkg.RDFError) as caught:
        from_kgx(folder)
    return str(caught.value)


RED_FLAG_CASE = ["low back pain", "saddle anaesthesia", "urinary retention"]


# -- G4: from_kgx runs load()'s checks --------------------------------------------------------------

def test_g4_a_spreadsheets_true_keeps_every_red_flag(kgx, kg):
    edit(kgx / "nodes.tsv", "\ttrue\t", "\tTRUE\t")
    back = from_kgx(kgx)
    assert back.stats()["red_flags"] == kg.stats()["red_flags"] == 41
    assert "cauda-equina-syndrome" in {f.node.id for f in back.trace(RED_FLAG_CASE).red_flags}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(word=st.sampled_from(["true", "false"]).flatmap(
    lambda w: st.tuples(st.just(w), st.lists(st.booleans(), min_size=len(w), max_size=len(w)),
                        st.sampled_from(["", " ", "  "]), st.sampled_from(["", " "]))))
def test_g4_variant_a_boolean_in_any_case_reads_as_itself(exported, tmp_path_factory, word):
    """Second variant: every mix of upper and lower case, with spaces around it, means what it says."""
    value, upper, before, after = word
    spelt = before + "".join(c.upper() if u else c for c, u in zip(value, upper)) + after
    folder = tmp_path_factory.mktemp("kgx")
    shutil.copytree(exported, folder, dirs_exist_ok=True)
    nodes = folder / "nodes.tsv"
    lines = nodes.read_text(encoding="utf-8").split("\n")
    index = next(i for i, line in enumerate(lines) if line.startswith("painkg:cauda-equina-syndrome\t")
                 or "\tcauda-equina-syndrome\t" in line)
    cells = lines[index].split("\t")
    cells[10] = spelt
    lines[index] = "\t".join(cells)
    nodes.write_text("\n".join(lines), encoding="utf-8")
    assert from_kgx(folder).node("cauda-equina-syndrome").red_flag is (value == "true")


@pytest.mark.parametrize("spelling", ["", "maybe", "tru", "T", "Y", "oui", "2", "-1", "true|true", "\u2009"])
def test_g4_an_unknown_boolean_is_refused_where_it_is(kgx, spelling):
    row = line_of(kgx / "nodes.tsv", "\tcauda-equina-syndrome\t")
    edit(kgx / "nodes.tsv", "\tcauda-equina-syndrome\tcondition\tlumbar-spine\ttrue\t",
         f"\tcauda-equina-syndrome\tcondition\tlumbar-spine\t{spelling}\t")
    message = kgx_problems(kgx)
    assert f"kgx/nodes.tsv:{row}: " in message and ("red_flag" in message), message


def test_g4_a_duplicate_node_row_is_refused_not_a_silent_replacement(kgx):
    nodes = kgx / "nodes.tsv"
    original = next(line for line in nodes.read_text(encoding="utf-8").split("\n")
                    if "\tcauda-equina-syndrome\t" in line)
    first = line_of(nodes, "\tcauda-equina-syndrome\t")
    with nodes.open("a", encoding="utf-8") as f:
        f.write(original.replace("\ttrue\t", "\tfalse\t") + "\n")
    message = kgx_problems(kgx)
    assert "duplicate id 'cauda-equina-syndrome'" in message and f"kgx/nodes.tsv:{first}" in message, message


def test_g4_variant_two_rows_with_one_kgx_id_are_refused(kgx):
    """Second variant: the same KGX id on two nodes would make edges.tsv ambiguous."""
    nodes = kgx / "nodes.tsv"
    lines = nodes.read_text(encoding="utf-8").split("\n")
    a, b = sorted(next(i for i, line in enumerate(lines) if f"\t{n}\t" in line) for n in ("fever", "night-pain"))
    cells_a, cells_b = lines[a].split("\t"), lines[b].split("\t")
    cells_b[0] = cells_a[0]
    lines[b] = "\t".join(cells_b)
    nodes.write_text("\n".join(lines), encoding="utf-8")
    message = kgx_problems(kgx)
    assert f"kgx/nodes.tsv:{b + 1}: duplicate id {cells_a[0]!r} (first defined at kgx/nodes.tsv:{a + 1})" in message


def test_g4_a_nan_prior_in_painkg_json_is_refused_at_its_line(kgx):
    sidecar = kgx / "painkg.json"
    text = sidecar.read_text(encoding="utf-8")
    data = json.loads(text)
    condition = data["priors"][0]["condition"]
    edit(sidecar, f'"prevalence": {data["priors"][0]["prevalence"]!r}', '"prevalence": NaN', count=1)
    line = text[:text.rindex("{", 0, text.index(f'"condition": "{condition}"'))].count("\n") + 1  # the prior's "{"
    message = kgx_problems(kgx)
    assert re.search(rf"kgx/painkg\.json:{line}: bad prevalence 'nan'", message), message


def test_g4_variant_an_infinite_default_prior_and_a_string_number_are_refused(kgx):
    """Second variant: 1e999 (infinity once read) as a setting's default prior, and a number written as text."""
    edit(kgx / "painkg.json", '"default_prior": 0.005', '"default_prior": 1e999', count=1)
    edit(kgx / "painkg.json", '"at_least": 3', '"at_least": "3"', count=1)
    message = kgx_problems(kgx)
    assert "bad default_prior 'inf'" in message, message
    assert re.search(r"kgx/painkg\.json:\d+: at_least is a JSON string, \"3\" \(allowed: a whole number\)", message)


@pytest.mark.parametrize("column, value, expected", [
    ("painkg_lr_positive", "inf", "bad lr_positive 'inf'"),
    ("painkg_sensitivity", "NaN", "bad sensitivity 'NaN'"),
    ("painkg_frequency", "1.5", "bad frequency '1.5'"),       # variant: out of range
    ("painkg_specificity", "٠.٥", "bad specificity '٠.٥'"),   # variant: Arabic-Indic digits
])
def test_g4_numbers_in_edges_are_finite_and_in_range(kgx, column, value, expected):
    edges = kgx / "edges.tsv"
    header = edges.read_text(encoding="utf-8").split("\n", 1)[0].split("\t")
    lines = edges.read_text(encoding="utf-8").split("\n")
    cells = lines[5].split("\t")
    cells[header.index(column)] = value
    lines[5] = "\t".join(cells)
    edges.write_text("\n".join(lines), encoding="utf-8")
    message = kgx_problems(kgx)
    assert f"kgx/edges.tsv:6: {expected}" in message, message


def test_g4_a_duplicate_edge_is_refused_not_a_silent_override(kgx):
    edges = kgx / "edges.tsv"
    lines = edges.read_text(encoding="utf-8").rstrip("\n").split("\n")
    header = lines[0].split("\t")
    strength = header.index("painkg_strength")
    index = next(i for i, line in enumerate(lines) if line.split("\t")[strength] == "common")
    cells = lines[index].split("\t")
    cells[strength] = "rare"
    lines.append("\t".join(cells))
    edges.write_text("\n".join(lines) + "\n", encoding="utf-8")
    message = kgx_problems(kgx)
    assert f"kgx/edges.tsv:{len(lines)}: duplicate edge" in message and f"first defined at kgx/edges.tsv:{index + 1}" \
        in message, message


def test_g4_references_of_the_wrong_type_are_refused_when_loading(kgx):
    edit(kgx / "painkg.json", '"references": {', '"references": ["devin2012"], "x": {', count=1)
    message = kgx_problems(kgx)
    assert "kgx/painkg.json:2: references is a JSON array (allowed: an object)" in message, message


def test_g4_variant_a_reference_field_of_the_wrong_type_is_refused(kgx):
    """Second variant: a citation that is a number, and a repeated key inside one JSON object."""
    edit(kgx / "painkg.json", '"status": "verified"', '"status": 1', count=1)
    assert re.search(r"kgx/painkg\.json:\d+: status is a JSON number, 1 \(allowed: text\)", kgx_problems(kgx))
    edit(kgx / "painkg.json", '"status": 1', '"status": "verified", "status": "retracted"', count=1)
    assert "key 'status' given twice in one object" in kgx_problems(kgx)


# -- G5: KGX files that crashed or hung ----------------------------------------------------------------

def test_g5_a_huge_description_is_a_problem_at_its_line(kgx):
    edit(kgx / "nodes.tsv", "\tSitting, briefly", "\t" + "x" * 5_000_000 + " Sitting, briefly", count=1)
    message = kgx_problems(kgx)
    assert re.search(r"kgx/nodes\.tsv:2: a cell of 5000\d+ characters", message), message[:500]


def test_g5_a_byte_that_is_not_utf8_is_placed(kgx):
    data = (kgx / "nodes.tsv").read_bytes().replace(b"Sitting, briefly", b"Sitting,\xff briefly", 1)
    (kgx / "nodes.tsv").write_bytes(data)
    assert "kgx/nodes.tsv:2: not UTF-8 (byte 0xff" in kgx_problems(kgx)


def test_g5_a_byte_order_mark_is_read(kgx, kg):
    for name in ("nodes.tsv", "edges.tsv", "painkg.json"):
        (kgx / name).write_bytes(b"\xef\xbb\xbf" + (kgx / name).read_bytes())
    back = from_kgx(kgx)
    assert back.graph.number_of_edges() == kg.graph.number_of_edges()


@pytest.mark.parametrize("sidecar, expected", [
    ('{"settings": "oops", "priors": [], "clusters": {}, "references": {}}',
     "kgx/painkg.json:1: settings is a JSON string (allowed: an object)"),
    ("[" * 100_000, "kgx/painkg.json:1: JSON nested more than 100 levels deep"),
    ('{"references": {}, "settings": {}, "priors": [], "clusters": {}} trailing', "kgx/painkg.json:1: not valid JSON"),
    ('{"priors": [\n 1,\n {"setting": "x"}]}', "kgx/painkg.json:2: an entry of priors is a JSON number"),  # variant
    ("{" * 100_000, "kgx/painkg.json:1: JSON nested more than 100 levels deep"),  # variant: objects
    ('{"settings": {"a": {"label": "A", "default_prior": 0.1}}}'.encode("utf-16").decode("latin-1"),
     "kgx/painkg.json:1: not UTF-8"),  # variant: another encoding
], ids=["settings-a-string", "deep-arrays", "trailing-text", "prior-a-number", "deep-objects", "utf-16"])
def test_g5_a_broken_painkg_json_is_one_rdf_error(kgx, sidecar, expected):
    (kgx / "painkg.json").write_bytes(sidecar.encode("latin-1") if "not UTF-8" in expected else sidecar.encode())
    assert expected in kgx_problems(kgx)


@pytest.mark.parametrize("name", ["edges.tsv", "painkg.json"])  # painkg.json: the variant
def test_g5_a_fifo_is_refused_not_a_hang(kgx, name):
    (kgx / name).unlink()
    os.mkfifo(kgx / name)
    run = python(f"import painkg; painkg.from_kgx({str(kgx)!r})", timeout=60)
    assert f"kgx/{name}: not a regular file (a FIFO)" in run.stderr, run.stderr[-2000:]


@pytest.mark.parametrize("target", ["/dev/zero", "/dev/urandom"])  # urandom: the variant
def test_g5_an_endless_device_is_refused(kgx, target):
    (kgx / "edges.tsv").unlink()
    (kgx / "edges.tsv").symlink_to(target)
    run = bounded(f"import painkg; painkg.from_kgx({str(kgx)!r})")
    assert "kgx/edges.tsv: not a regular file (a character device)" in run.stderr, run.stderr[-2000:]


@pytest.mark.parametrize("name", ["nodes.tsv", "painkg.json"])  # painkg.json: the variant
def test_g5_a_symlink_out_of_the_folder_is_not_followed_or_echoed(kgx, tmp_path, name):
    secret = tmp_path / "secret"
    secret.write_text(SECRET + "\n", encoding="utf-8")
    (kgx / name).unlink()
    (kgx / name).symlink_to(secret)
    message = kgx_problems(kgx)
    assert f"kgx/{name}: a link to a file outside kgx/" in message and "TOPSECRET" not in message, message


def test_g5_a_symlink_inside_the_folder_is_read(kgx, kg):
    (kgx / "sub").mkdir()
    (kgx / "nodes.tsv").rename(kgx / "sub" / "nodes.tsv")
    (kgx / "nodes.tsv").symlink_to(Path("sub") / "nodes.tsv")
    assert from_kgx(kgx).graph.number_of_nodes() == kg.graph.number_of_nodes()


def bounded(code: str, *, timeout: float = 60) -> subprocess.CompletedProcess:
    """Run *code* in a Python whose address space is capped at 2 GiB: reading a 1 GiB file whole would fail."""
    limit = "import resource; resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30)); "
    return python(limit + code, timeout=timeout)


def test_g5_a_file_over_the_size_limit_is_refused_unread(kgx):
    with (kgx / "edges.tsv").open("r+b") as f:  # sparse: nothing is written, nothing need be read
        f.truncate(MAX_FILE + 1)
    started = time.monotonic()
    run = bounded(f"import painkg; painkg.from_kgx({str(kgx)!r})")
    assert f"kgx/edges.tsv: a file of {MAX_FILE + 1:,} bytes (allowed: up to {MAX_FILE:,})" in run.stderr, \
        run.stderr[-2000:]
    assert time.monotonic() - started < 30


def test_g5_a_truncated_line_is_named_as_such(kgx):
    data = (kgx / "edges.tsv").read_bytes()
    cut = data.index(b"\n", len(data) // 2) + 40  # what a full disk left before the G6 fix: half a line
    (kgx / "edges.tsv").write_bytes(data[:cut])
    lines = data[:cut].count(b"\n") + 1
    assert re.search(rf"kgx/edges\.tsv:{lines}: \d+ cells, expected {len(EDGE_COLUMNS)} \(one per column of the header: a "
                     rf"truncated or hand-edited line\?\)", kgx_problems(kgx))


# -- G14: RDF booleans ---------------------------------------------------------------------------------

CES_FLAG = '<https://w3id.org/painkg/node/cauda-equina> <https://w3id.org/painkg/schema#redFlag> "true"^^'


@pytest.fixture
def mini_nt(mini, tmp_path) -> Path:
    from painkg.rdf.export import export

    path = tmp_path / "kb.nt"
    export(mini, path)
    assert CES_FLAG in path.read_text(encoding="utf-8")
    return path


def test_g14_a_boolean_with_spaces_is_read_as_itself_without_a_warning(mini_nt):
    edit(mini_nt, CES_FLAG, CES_FLAG.replace('"true"', '" true"'))
    assert painkg.from_rdf(mini_nt).node("cauda-equina").red_flag is True
    run = python(f"import painkg; print(painkg.from_rdf({str(mini_nt)!r}).node('cauda-equina').red_flag)")
    assert run.stdout.strip() == "True" and run.stderr == "", run.stderr


@pytest.mark.parametrize("spelt, expected", [("\\ttrue\\n", True), (" TRUE ", True), ("  1", True), ("False ", False)])
def test_g14_variant_white_space_and_case_are_collapsed(mini_nt, spelt, expected):
    """Second variant: escaped tabs and line breaks around the value, upper case, 1 and 0 (xsd:boolean's forms)."""
    edit(mini_nt, CES_FLAG, CES_FLAG.replace('"true"', f'"{spelt}"'))
    assert painkg.from_rdf(mini_nt).node("cauda-equina").red_flag is expected


def test_g14_a_node_without_its_red_flag_triple_is_refused(mini_nt):
    text = mini_nt.read_text(encoding="utf-8")
    line = next(line for line in text.split("\n") if line.startswith(CES_FLAG))
    mini_nt.write_text(text.replace(line + "\n", ""), encoding="utf-8")
    with pytest.raises(painkg.RDFError, match=r"node:cauda-equina: needs exactly one painkg:redFlag \(found 0\)"):
        painkg.from_rdf(mini_nt)


@pytest.mark.parametrize("spelt", ["maybe", "yes", "t r u e"])
def test_g14_an_unknown_boolean_is_still_refused(mini_nt, spelt):
    edit(mini_nt, CES_FLAG, CES_FLAG.replace('"true"', f'"{spelt}"'))
    # A subprocess: pytest turns rdflib's warning into an error, which a user's Python does not.
    run = python(f"import painkg; painkg.from_rdf({str(mini_nt)!r})")
    assert f"node:cauda-equina: painkg:redFlag '{spelt}' (allowed: true or false" in run.stderr, run.stderr[-2000:]


# -- One gate: RDF files are read as tables are --------------------------------------------------------

def test_gate_from_rdf_refuses_a_fifo_instead_of_hanging(tmp_path):
    os.mkfifo(tmp_path / "kb.ttl")
    run = python(f"import painkg; painkg.from_rdf({str(tmp_path / 'kb.ttl')!r})", timeout=60)
    assert "kb.ttl: not a regular file (a FIFO)" in run.stderr, run.stderr[-2000:]


def test_gate_from_rdf_refuses_a_device_and_a_file_over_the_limit(tmp_path):
    (tmp_path / "zero.nt").symlink_to("/dev/zero")
    run = bounded(f"import painkg; painkg.from_rdf({str(tmp_path / 'zero.nt')!r})")
    assert "zero.nt: not a regular file (a character device)" in run.stderr, run.stderr[-2000:]
    with (tmp_path / "huge.nt").open("wb") as f:
        f.truncate(MAX_FILE + 1)
    run = bounded(f"import painkg; painkg.from_rdf({str(tmp_path / 'huge.nt')!r})")
    assert f"huge.nt: a file of {MAX_FILE + 1:,} bytes" in run.stderr, run.stderr[-2000:]


def test_gate_from_rdf_places_a_byte_that_is_not_utf8(mini_nt):
    mini_nt.write_bytes(mini_nt.read_bytes().replace(b"hip osteoarthritis", b"hip \xe9osteoarthritis", 1))
    with pytest.raises(painkg.RDFError, match=r"kb\.nt:\d+: not UTF-8 \(byte 0xe9"):
        painkg.from_rdf(mini_nt)


# -- G25 and the table gate: a --kb folder ---------------------------------------------------------------

@pytest.mark.parametrize("table", ["nodes-symptom.tsv", "edges-clinical.tsv"])  # edges: the variant
def test_g25_a_table_linked_from_outside_the_folder_is_refused_unread(mini_copy, tmp_path, table):
    secret = tmp_path / "passwd"
    secret.write_text(SECRET + "\n", encoding="utf-8")
    (mini_copy / table).unlink()
    (mini_copy / table).symlink_to(secret)
    run = cli("stats", "--kb", str(mini_copy))
    assert run.returncode == 1 and "TOPSECRET" not in run.stdout + run.stderr, run.stderr
    assert f"kb/{table}: a link to a file outside kb/, not read" in run.stderr, run.stderr


def test_g25_a_link_inside_the_folder_and_a_linked_folder_still_load(mini_copy, tmp_path, mini):
    (mini_copy / "parts").mkdir()
    (mini_copy / "nodes-symptom.tsv").rename(mini_copy / "parts" / "symptoms.tsv")
    (mini_copy / "nodes-symptom.tsv").symlink_to(Path("parts") / "symptoms.tsv")
    (tmp_path / "link").symlink_to(mini_copy)
    assert painkg.load(tmp_path / "link", cache=False).graph.number_of_nodes() == mini.graph.number_of_nodes()


def test_gate_a_table_over_the_size_limit_is_one_problem(mini_copy):
    with (mini_copy / "edges-extra.tsv").open("wb") as f:
        f.truncate(MAX_FILE + 1)
    started = time.monotonic()
    run = bounded(f"import painkg; painkg.load({str(mini_copy)!r}, cache=False)")
    assert f"kb/edges-extra.tsv: a file of {MAX_FILE + 1:,} bytes" in run.stderr, run.stderr[-2000:]
    assert time.monotonic() - started < 30


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(spelt=st.sampled_from(["yes", "true", "1", "no", "false", "0"]).flatmap(
    lambda w: st.tuples(st.just(w), st.lists(st.booleans(), min_size=len(w), max_size=len(w)))))
def test_gate_a_tables_red_flag_is_a_boolean_in_any_case(tmp_path_factory, spelt):
    word, upper = spelt
    cell = "".join(c.upper() if u else c for c, u in zip(word, upper))
    folder = tmp_path_factory.mktemp("kb")
    shutil.copytree(MINI, folder, dirs_exist_ok=True)
    edit(folder / "nodes-condition.tsv", "Compression of the cauda equina.\tyes\t", f"Compression of the cauda equina.\t{cell}\t")
    assert painkg.load(folder, cache=False).node("cauda-equina").red_flag is (word in ("yes", "true", "1"))


@pytest.mark.parametrize("cell", ["y", "maybe", "2", "yes!"])
def test_gate_a_tables_unknown_red_flag_is_refused(mini_copy, cell):
    edit(mini_copy / "nodes-condition.tsv", "Compression of the cauda equina.\tyes\t",
         f"Compression of the cauda equina.\t{cell}\t")
    with pytest.raises(painkg.KBError, match=rf"kb/nodes-condition\.tsv:5: red_flag '{re.escape(cell)}' \(allowed: yes"):
        painkg.load(mini_copy, cache=False)


# -- G6: the KGX export writes its three files together, as the .ttl writer writes one ---------------

@pytest.fixture
def old_export(mini, tmp_path) -> Path:
    """A folder holding an earlier (the mini KB's) KGX export, to be overwritten by the bundled KB's."""
    folder = tmp_path / "out"
    to_kgx(mini, folder)
    return folder


def contents(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@pytest.mark.parametrize("name", ["nodes.tsv", "painkg.json"])  # painkg.json, written last: the variant
def test_g6_a_read_only_file_is_refused_and_nothing_is_replaced(old_export, kg, name):
    (old_export / name).chmod(0o444)
    before = contents(old_export)
    with pytest.raises(painkg.RDFError, match=f"{old_export / name}: cannot write \\(the file is read-only"):
        to_kgx(kg, old_export)
    assert contents(old_export) == before


def test_g6_a_hard_linked_file_is_refused(old_export, kg, tmp_path):
    os.link(old_export / "nodes.tsv", tmp_path / "other-name.tsv")
    before = contents(old_export)
    with pytest.raises(painkg.RDFError, match="nodes.tsv: cannot write \\(the file has 2 hard links"):
        to_kgx(kg, old_export)
    assert contents(old_export) == before
    assert (tmp_path / "other-name.tsv").read_bytes() == before["nodes.tsv"]


@pytest.mark.parametrize("special", ["fifo", "device"])  # a link to /dev/null: the variant
def test_g6_a_fifo_or_a_device_is_refused_at_once(old_export, special):
    target = old_export / "edges.tsv"
    target.unlink()
    if special == "fifo":
        os.mkfifo(target)
    else:
        target.symlink_to("/dev/null")
    started = time.monotonic()
    run = cli("export", f"{old_export}/", timeout=60)
    assert run.returncode == 1 and time.monotonic() - started < 60
    kind = "a FIFO" if special == "fifo" else "a character device"
    assert one_line(run) == (f"painkg: {target}: cannot write ({kind}; allowed: a regular file or a new name, "
                             f"since the files are written together)")
    assert sorted(p.name for p in old_export.iterdir()) == ["edges.tsv", "nodes.tsv", "painkg.json"]


def _file_size_limit(limit: int):
    return lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))  # ulimit -f


def test_g6_a_full_disk_leaves_the_previous_export_whole_and_names_the_file(old_export, exported):
    before = contents(old_export)
    sizes = {name: len(data) for name, data in contents(exported).items()}
    assert sizes["nodes.tsv"] < 300_000 < sizes["edges.tsv"]  # nodes.tsv fits under the limit, edges.tsv does not
    run = cli("export", f"{old_export}/", preexec_fn=_file_size_limit(300_000), env={"PAINKG_CACHE": "off"})
    assert run.returncode == 1
    assert one_line(run) == f"painkg: {old_export / 'edges.tsv'}: cannot write (File too large; the previous files " \
                            f"are unchanged)"
    assert contents(old_export) == before  # no new nodes.tsv beside an old edges.tsv, no partial file left
    assert from_kgx(old_export).graph.number_of_nodes() == 16


@pytest.mark.skipif(not IS_ROOT or not shutil.which("mount"), reason="mounting a tmpfs needs root")
def test_g6_variant_a_real_full_tmpfs(old_export, tmp_path, kg):
    """Second variant: the review's own setting, a 400 KB tmpfs that holds an older export."""
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=400k", "tmpfs", str(disk)], capture_output=True)
    if mounted.returncode:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode(errors='replace').strip()}")
    try:
        shutil.copytree(old_export, disk / "kgx")
        before = contents(disk / "kgx")
        with pytest.raises(painkg.RDFError, match=r"cannot write \(No space left on device; the previous files are "
                                                  r"unchanged\)"):
            to_kgx(kg, disk / "kgx")
        assert contents(disk / "kgx") == before
    finally:
        subprocess.run(["umount", str(disk)], check=True)


def test_g6_an_export_over_an_export_keeps_each_files_mode(old_export, kg):
    (old_export / "nodes.tsv").chmod(0o600)
    to_kgx(kg, old_export)
    assert stat_mode(old_export / "nodes.tsv") == 0o600
    assert from_kgx(old_export).graph.number_of_edges() == kg.graph.number_of_edges()


def stat_mode(path: Path) -> int:
    return path.stat().st_mode & 0o777
