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
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import painkg
from painkg.kb import cache
from painkg.kb.tables import MAX_FILE
from painkg.rdf.kgx import EDGE_COLUMNS, NODE_COLUMNS, from_kgx, to_kgx

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
    assert back.stats()["red_flags"] == kg.stats()["red_flags"] > 40  # the review's 41, and those added since
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
    cells[NODE_COLUMNS.index("painkg_red_flag")] = spelt
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
    assert sorted(p.name for p in old_export.iterdir()) == ["edges.jsonl", "edges.tsv", "nodes.jsonl", "nodes.tsv",
                                                           "painkg.json"]  # the export's files, no temporary


def _file_size_limit(limit: int):
    return lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))  # ulimit -f


def test_g6_a_full_disk_leaves_the_previous_export_whole_and_names_the_file(old_export, exported):
    before = contents(old_export)
    sizes = {name: len(data) for name, data in contents(exported).items()}
    # nodes.tsv fits under the limit, edges.tsv does not (about 0.31 and 0.99 MB at kb9; 300 kB had been outgrown)
    assert sizes["nodes.tsv"] < 600_000 < sizes["edges.tsv"]
    run = cli("export", f"{old_export}/", preexec_fn=_file_size_limit(600_000), env={"PAINKG_CACHE": "off"})
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


# -- G3: SERVICE refused from the parse, checked against a real listener --------------------------------

class _Listener(http.server.ThreadingHTTPServer):
    """A fake SPARQL endpoint on 127.0.0.1 that records every request and answers one remote row."""

    daemon_threads = True
    timeout = 5

    def __init__(self) -> None:
        self.requests: list[str] = []
        super().__init__(("127.0.0.1", 0), _Answer)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/sparql"


class _Answer(http.server.BaseHTTPRequestHandler):
    timeout = 5
    ROW = b'{"head":{"vars":["x"]},"results":{"bindings":[{"x":{"type":"literal","value":"REMOTE-ROW"}}]}}'

    def _reply(self) -> None:
        self.server.requests.append(self.requestline)
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(min(length, 1 << 20))
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Content-Length", str(len(self.ROW)))
        self.end_headers()
        self.wfile.write(self.ROW)

    do_GET = do_POST = _reply

    def log_message(self, *args) -> None:  # quiet
        pass


@pytest.fixture(scope="module")
def listener():
    server = _Listener()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="module")
def mini_store(mini):
    from painkg.rdf.store import open_store

    return open_store(mini)


def run_locally(store, text: str) -> list:
    """Run a query as `painkg sparql` would (rows drained, so a lazy SERVICE call would happen)."""
    import inspect

    from painkg.rdf.store import sparql

    bound = {"timeout": 20} if "timeout" in inspect.signature(sparql).parameters else {}  # (so older code can run)
    return sparql(store, text, **bound)


def test_g3_the_listener_answers_when_federation_is_allowed(listener, mini_store):
    """The control: with allow_service, Oxigraph does reach the listener and prints its row."""
    before = len(listener.requests)
    from painkg.rdf.store import sparql

    rows = sparql(mini_store, f"SELECT ?x WHERE {{ SERVICE <{listener.url}> {{ ?x ?y ?z }} }}", allow_service=True)
    assert [str(r["x"]) for r in rows] == ["REMOTE-ROW"] and len(listener.requests) == before + 1


SMUGGLED = {
    # the review's two forms
    "escaped-hash": "PREFIX ex: <http://example.org/>\nSELECT ?x WHERE {{ OPTIONAL {{ ?s ?p ex:a\\# }} "
                    "SERVICE <{url}> {{ ?x ?y ?z }} }}",
    "escaped-quote": "PREFIX ex: <http://example.org/>\nSELECT ?x WHERE {{ OPTIONAL {{ ?s ?p ex:a\\' }} "
                     "SERVICE <{url}> {{ ?x ?y ?z }} OPTIONAL {{ ?s ?p 'lit' }} }}",
    # second variants, written here: other escapes of a prefixed name, another hiding place
    "escaped-double-quote-long": 'PREFIX ex: <http://example.org/>\nSELECT ?x WHERE {{ ?s ?p ex:b\\\' . '
                                 '{{ SELECT ?x WHERE {{ SERVICE SILENT <{url}> {{ ?x ?y ?z }} }} }} '
                                 'FILTER(?s != """x\'""") }}',
    "escaped-semicolon-in-exists": "PREFIX ex: <http://example.org/>\nSELECT ?x WHERE {{ ?s ?p ex:c\\;d "
                                   "FILTER EXISTS {{ SERVICE <{url}> {{ ?x ?y ?z }} }} }}",
    "codepoint-backslash": 'SELECT ?x WHERE {{ BIND("\\u005c" AS ?b) SERVICE <{url}> {{ ?x ?y ?z }} '
                           'BIND("x" AS ?c) }}',
    "codepoint-keyword": "SELECT ?x WHERE {{ \\u0053ERVICE <{url}> {{ ?x ?y ?z }} }}",
    "double-escaped-keyword": "SELECT ?x WHERE {{ \\u005Cu0053ERVICE <{url}> {{ ?x ?y ?z }} }}",
    "comment-between": "SELECT ?x WHERE {{ SERVICE # a comment\n <{url}> {{ ?x ?y ?z }} }}",
}


@pytest.mark.parametrize("name", SMUGGLED)
def test_g3_a_smuggled_service_is_refused_and_nothing_is_sent(listener, mini_store, name):
    text = SMUGGLED[name].format(url=listener.url)
    before = len(listener.requests)
    with pytest.raises(painkg.RDFError, match="SPARQL"):
        run_locally(mini_store, text)
    time.sleep(0.2)
    assert len(listener.requests) == before


def test_g3_the_cli_refuses_the_reviews_query_file_with_exit_2(listener, tmp_path):
    (tmp_path / "q.rq").write_text(SMUGGLED["escaped-hash"].format(url=listener.url), encoding="utf-8")
    before = len(listener.requests)
    run = cli("sparql", str(tmp_path / "q.rq"), "--kb", str(MINI))
    assert run.returncode == 2 and "REMOTE-ROW" not in run.stdout
    assert "--allow-service" in one_line(run)
    assert len(listener.requests) == before


@pytest.mark.parametrize("update", ["LOAD <{url}>", "CLEAR ALL", "INSERT DATA {{ <a:b> <a:c> <a:d> }}",
                                    "DROP SILENT GRAPH <{url}>", "SELECT * WHERE {{ ?s ?p ?o }} ; LOAD <{url}>"])
def test_g3_updates_are_refused_from_the_parse(listener, mini_store, update):
    before = len(listener.requests)
    with pytest.raises(painkg.RDFError, match="SPARQL"):
        run_locally(mini_store, update.format(url=listener.url))
    assert len(listener.requests) == before


# Terms a query may hold around a SERVICE clause: each is valid SPARQL, and each once fooled a text filter.
TERMS = ["ex:a\\#", "ex:a\\'", "ex:a\\;b", "ex:a\\#b", "ex:a\\~", "'s'", '"s"', "'''x'''", '"""y"""', "<http://e.x/#a>",
         "?v", '"\\""', "'\\''", '"\\u005c"', "'\\u0027'", '"#"', "'<'"]
GAPS = [" ", "\n", " # c\n", " # SERVICE\n", " #'\n", ' #"\n']


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(first=st.sampled_from(TERMS), second=st.sampled_from(TERMS), gap=st.sampled_from(GAPS),
       keyword=st.sampled_from(["SERVICE", "service", "SeRvIcE", "\\u0053ERVICE", "SERVICE SILENT"]))
def test_g3_no_arrangement_of_escapes_strings_and_comments_reaches_the_listener(listener, mini_store, first, second,
                                                                               gap, keyword):
    """Property: whatever valid terms and comments surround a SERVICE clause, it is refused or contacts nobody."""
    text = (f"PREFIX ex: <http://example.org/>\nSELECT ?x WHERE {{ OPTIONAL {{ ?s ?p {first} }}{gap}"
            f"{keyword} <{listener.url}> {{ ?x ?y ?z }}{gap}OPTIONAL {{ ?s ?p {second} }} }}")
    count = len(listener.requests)
    try:
        rows = run_locally(mini_store, text)
    except painkg.RDFError:
        rows = []
    assert len(listener.requests) == count, text
    assert all("REMOTE-ROW" not in str(r) for r in rows)


def test_g3_every_bundled_query_still_runs(mini):
    from painkg.rdf.store import read_query

    for path in sorted((ROOT / "ontology" / "queries").glob("*.rq")):
        run_locally(mini, read_query(str(path)))


# -- G11: a time limit, and Ctrl-C that works ----------------------------------------------------------

CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
PATHS = "SELECT (COUNT(*) AS ?n) WHERE { ?x (!painkg:a)* ?y . ?y (!painkg:a)* ?z }"


def children_of(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.parametrize("query", [CARTESIAN, PATHS], ids=["cartesian", "property-paths"])  # paths: the variant
def test_g11_a_query_is_stopped_at_its_time_limit(tmp_path, query):
    (tmp_path / "c.rq").write_text(query, encoding="utf-8")
    started = time.monotonic()
    run = cli("sparql", str(tmp_path / "c.rq"), "--timeout", "2", timeout=60)
    took = time.monotonic() - started
    assert run.returncode == 1 and took < 20, (took, run.stderr)
    assert one_line(run) == ("painkg: SPARQL: no result within 2 s, so the query was stopped (allowed: --timeout "
                             "SECONDS or timeout=, or a narrower query)")


def test_g11_the_library_bounds_a_query_too(kg):
    from painkg.rdf.store import sparql

    started = time.monotonic()
    with pytest.raises(painkg.RDFError, match="no result within 1 s"):
        sparql(kg, CARTESIAN, timeout=1)
    assert time.monotonic() - started < 15


@pytest.mark.parametrize("target", ["group", "parent"])  # the parent alone (kill -INT pid): the variant
def test_g11_ctrl_c_stops_a_running_query_with_status_130(tmp_path, target):
    (tmp_path / "c.rq").write_text(CARTESIAN, encoding="utf-8")
    marker = uuid.uuid4().hex
    process = subprocess.Popen([sys.executable, "-m", "painkg", "sparql", str(tmp_path / "c.rq")], cwd=ROOT,
                               env={**os.environ, "PYTHONPATH": str(ROOT), "PAINKG_TEST_MARKER": marker},
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while not children_of(process.pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        workers = children_of(process.pid)
        assert workers, "the query never started"
        time.sleep(1.0)  # well inside Oxigraph's evaluation, where SIGINT used to be ignored
        if target == "group":  # what a terminal's Ctrl-C does
            os.killpg(process.pid, signal.SIGINT)
        else:
            os.kill(process.pid, signal.SIGINT)
        sent = time.monotonic()
        out, err = process.communicate(timeout=15)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    assert process.returncode == 130 and time.monotonic() - sent < 10, err
    assert err.strip() == "painkg: interrupted" and "Traceback" not in err
    time.sleep(0.2)
    assert not any(alive(pid) for pid in workers)  # no evaluation left running


def test_g11_a_bad_timeout_is_refused(tmp_path):
    for value in ("0", "-1", "nan", "inf", "1e3", "３0", "1_0"):
        run = cli("sparql", "ASK {}", "--timeout", value, "--kb", str(MINI))
        assert run.returncode == 2 and "--timeout" in one_line(run), value


# -- G21: no traceback from the command line ------------------------------------------------------------

@pytest.mark.parametrize("line, status, expected", [
    ("PAINKG stats >&-", 1, "painkg: standard output is closed (allowed: an open stream, e.g. >/dev/null)"),
    ("PAINKG sparql - <&-", 2, "painkg: -: standard input is closed (allowed: a query on standard input, a file, "
                                "or the text)"),
    # second variants: another command with stdout closed, a query on stdin that is not UTF-8
    ("PAINKG show hip-osteoarthritis --json >&-", 1, "painkg: standard output is closed"),
    ("printf 'ASK { ?s ?p \"caf\\351\" }' | PAINKG sparql -", 1, "painkg: <stdin>:1: not UTF-8 (byte 0xe9; "
                                                                "allowed: UTF-8 text)"),
], ids=["stats-stdout-closed", "sparql-stdin-closed", "show-stdout-closed", "sparql-stdin-latin1"])
def test_g21_closed_streams_and_bad_stdin_are_one_line(line, status, expected):
    run = shell(line)
    assert run.returncode == status and one_line(run).startswith(expected), run.stderr


def test_g21_a_query_file_that_is_not_utf8_is_placed(tmp_path):
    (tmp_path / "latin1.rq").write_bytes(b"# caf\xc3\xa9 query\nSELECT ?l WHERE {\n ?s skos:prefLabel \"caf\xe9\" }\n")
    run = cli("sparql", str(tmp_path / "latin1.rq"), "--kb", str(MINI))
    assert run.returncode == 1 and one_line(run) == f"painkg: {tmp_path / 'latin1.rq'}:3: not UTF-8 (byte 0xe9; " \
                                                    f"allowed: UTF-8 text)"


def test_g21_a_binary_query_file_is_one_line(tmp_path):
    (tmp_path / "binary.rq").write_bytes(bytes(range(256)) * 4)
    run = cli("sparql", str(tmp_path / "binary.rq"), "--kb", str(MINI))
    assert run.returncode in (1, 2) and one_line(run).startswith(f"painkg: {tmp_path / 'binary.rq'}:")
    (tmp_path / "nul.rq").write_bytes(b"ASK {\n ?s ?p ?o \x00 }")  # variant: UTF-8, but binary
    run = cli("sparql", str(tmp_path / "nul.rq"), "--kb", str(MINI))
    assert run.returncode in (1, 2) and one_line(run) == f"painkg: {tmp_path / 'nul.rq'}:2: a NUL character: a " \
                                                         f"binary file, not a query (allowed: SPARQL text)"


@pytest.mark.parametrize("host", ["\udcff", "a\udcffb.example"])  # a name around the byte: the variant
def test_g21_an_undecodable_host_is_one_line(host):
    # Bytes arguments: the shell's $'\xff' reaches Python as a byte that is not UTF-8.
    run = subprocess.run([os.fsencode(a) for a in (sys.executable, "-m", "painkg", "serve", "--host", host,
                                                   "--port", "0", "--kb", str(MINI))],
                         cwd=ROOT, capture_output=True, timeout=120,
                         env={**os.environ, "PYTHONPATH": str(ROOT), "LC_ALL": "C.UTF-8"})
    err = run.stderr.decode("utf-8", "replace")
    assert run.returncode == 2 and "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    assert "--host" in err and "not a name or address" in err


# -- G24: control characters in SPARQL results on a terminal -------------------------------------------

PWNED = "\x1b]0;pwned\x07\x1b[2J"


def in_a_terminal(*args: str, timeout: float = 60) -> bytes:
    """Run painkg with its standard output on a real pseudo terminal; return what the terminal received."""
    leader, follower = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "painkg", *args], cwd=ROOT, stdout=follower,
                               stderr=subprocess.PIPE, env={**os.environ, "PYTHONPATH": str(ROOT)})
    os.close(follower)
    received = b""
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([leader], [], [], 0.2)
            if ready:
                try:
                    chunk = os.read(leader, 65536)
                except OSError:  # EIO: the terminal's other end closed
                    break
                if not chunk:
                    break
                received += chunk
            elif process.poll() is not None:
                break
        process.wait(timeout=10)
    finally:
        os.close(leader)
        if process.poll() is None:
            process.kill()
            process.wait()
        err = process.stderr.read()
        process.stderr.close()
    assert process.returncode == 0, err
    return received


@pytest.fixture
def hostile_kb(mini_copy) -> Path:
    edit(mini_copy / "nodes-condition.tsv", "\thip osteoarthritis\t", f"\thip osteoarthritis{PWNED}\t")
    return mini_copy


QUERY_LABEL = "SELECT ?label WHERE { node:hip-oa skos:prefLabel ?label }"


@pytest.mark.parametrize("fmt", ["csv", "tsv", "xml"])  # tsv, xml: the variants
def test_g24_escape_and_bell_never_reach_a_terminal(hostile_kb, fmt):
    shown = in_a_terminal("sparql", QUERY_LABEL, "--kb", str(hostile_kb), "--format", fmt)
    assert b"hip osteoarthritis" in shown
    assert b"\x1b" not in shown and b"\x07" not in shown, shown
    assert b"\\x1b]0;pwned\\x07\\x1b[2J" in shown


def test_g24_variant_a_construct_in_rdf_xml_on_a_terminal(hostile_kb):
    shown = in_a_terminal("sparql", "CONSTRUCT { node:hip-oa skos:prefLabel ?l } WHERE { node:hip-oa skos:prefLabel ?l }",
                          "--kb", str(hostile_kb), "--format", "rdf")
    assert b"\x1b" not in shown and b"\x07" not in shown and b"hip osteoarthritis" in shown


def test_g24_in_a_pipe_the_results_stay_data(hostile_kb):
    run = cli("sparql", QUERY_LABEL, "--kb", str(hostile_kb), "--format", "csv")
    assert run.returncode == 0 and PWNED in run.stdout  # a file or a pipe gets the label as it is


# -- G26: small ones -------------------------------------------------------------------------------------

@pytest.mark.parametrize("args", [
    ("trace", "groin pain", "--limit", "５"),
    ("trace", "groin pain", "--limit", "٣"),        # variant: Arabic-Indic
    ("search", "groin", "--limit", "²"),             # variant: a superscript, which int() refuses but isdigit() takes
    ("render", "x.dot", "--depth", "５"),
    ("serve", "--port", "８０００"),
], ids=["limit-fullwidth", "limit-arabic", "limit-superscript", "depth-fullwidth", "port-fullwidth"])
def test_g26_only_ascii_digits_are_numbers(args):
    run = cli(*args, "--kb", str(MINI))
    assert run.returncode == 2 and "ASCII digits" in one_line(run)


@pytest.mark.parametrize("diagram", ["", "   "])  # blanks: the variant
def test_g26_an_empty_diagram_name_is_an_error(diagram):
    run = cli("trace", "groin pain", "--diagram", diagram, "--kb", str(MINI))
    assert run.returncode == 2 and one_line(run) == "painkg: --diagram needs a file name (allowed: a .png, .svg, " \
                                                    ".pdf or .dot file)"


def test_g26_variant_a_timeout_in_other_digits_or_notation_is_refused():
    run = cli("push", "http://127.0.0.1:9/store", "--timeout", "１０", "--kb", str(MINI))
    assert run.returncode == 2 and "--timeout" in one_line(run)


# -- G22: --depth bounded by the graph, not by the number --------------------------------------------

@pytest.mark.parametrize("depth", ["1000000000", "10000000000000000000000000"])  # 10**25: the variant
def test_g22_a_huge_depth_stops_when_nothing_more_is_reachable(tmp_path, depth):
    started = time.monotonic()
    run = cli("render", str(tmp_path / "x.dot"), "--focus", "hip osteoarthritis", "--depth", depth, timeout=120)
    assert run.returncode == 0 and time.monotonic() - started < 60, run.stderr
    assert (tmp_path / "x.dot").read_text(encoding="utf-8").startswith(("digraph", "strict digraph"))


def test_g22_the_library_subgraph_with_a_huge_depth_is_the_whole_component():
    run = python("import painkg; kg = painkg.load(); "
                 "print(kg.subgraph('hip osteoarthritis', depth=10**25).number_of_nodes(), "
                 "kg.subgraph('hip osteoarthritis', depth=len(kg)).number_of_nodes())", timeout=60)
    huge, whole = run.stdout.split()
    assert huge == whole, run.stderr


# -- G23: a cache write killed half-way leaves nothing behind for long --------------------------------

WRITER = """
import os, sys
from painkg.kb import cache
big = {"blob": os.urandom(1 << 20) * 48}  # 48 MB: the kill lands while it is written
print("ready", flush=True)
while True:
    cache.write("%s", "kb", big)
"""


def test_g23_a_killed_writers_temporary_file_is_removed_by_a_later_write(cache_folder):
    key = "ab" * 20
    process = subprocess.Popen([sys.executable, "-c", WRITER % key], cwd=ROOT, stdout=subprocess.PIPE, text=True,
                               env={**os.environ, "PYTHONPATH": str(ROOT), "PAINKG_CACHE": str(cache_folder)})
    try:
        assert process.stdout.readline().strip() == "ready"
        deadline = time.monotonic() + 60
        while not list(cache_folder.glob(f".{key}.kb.*")) and time.monotonic() < deadline:
            time.sleep(0.001)
        process.send_signal(signal.SIGKILL)  # kill -9 in the middle of a write
    finally:
        process.wait()
        process.stdout.close()
    orphans = list(cache_folder.glob(f".{key}.kb.{process.pid}.*"))
    assert orphans, "the kill did not land during a write; nothing to test"
    fresh = cache_folder / f".{'cd' * 20}.index.{os.getpid()}.0123abcd"  # a live writer's file, a second old
    fresh.write_bytes(b"being written")
    hour_ago = time.time() - 3600
    for orphan in orphans:
        os.utime(orphan, (hour_ago, hour_ago))
    painkg.load(MINI)  # a later run that writes an entry prunes
    assert not any(o.exists() for o in orphans)
    assert fresh.exists()


def test_g23_variant_stale_temporaries_of_every_part_go_and_other_files_stay(cache_folder):
    cache_folder.mkdir(parents=True, exist_ok=True)
    hour_ago = time.time() - 3600
    stale = [cache_folder / f".{'ef' * 20}.{part}.{pid}.deadbeef"
             for part, pid in (("index", 1), ("reading", 22), ("diagnosis", 333), ("ntriples", 4444))]
    other = [cache_folder / ".hidden-note", cache_folder / f".{'ef' * 20}.kb.notapid.deadbeef"]
    for path in (*stale, *other):
        path.write_bytes(b"x")
        os.utime(path, (hour_ago, hour_ago))
    painkg.load(MINI)
    assert not any(p.exists() for p in stale) and all(p.exists() for p in other)


@pytest.fixture
def cache_folder(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("PAINKG_CACHE", str(folder))
    return folder


# -- the N-Triples of an unchanged KB are kept ------------------------------------------------------------

def test_sparql_keeps_the_ntriples_of_an_unchanged_kb(cache_folder, mini_copy):
    from painkg.rdf.store import open_store

    kb = painkg.load(mini_copy)
    open_store(kb)
    entries = list(cache_folder.glob("*.ntriples"))
    assert len(entries) == 1
    written = entries[0].stat().st_mtime_ns
    again = painkg.load(mini_copy)
    assert int(sparql_count(again)) == int(sparql_count(kb))
    assert entries[0].stat().st_mtime_ns == written  # read, not rewritten
    edit(mini_copy / "nodes-condition.tsv", "\thip osteoarthritis\t", "\thip OA (edited)\t")
    edited = painkg.load(mini_copy)
    from painkg.rdf.store import sparql

    rows = sparql(edited, "SELECT ?l WHERE { node:hip-oa skos:prefLabel ?l }")
    assert [str(r["l"]) for r in rows] == ["hip OA (edited)"]  # a changed KB never gets the old triples


def sparql_count(kb) -> str:
    from painkg.rdf.store import sparql

    return sparql(kb, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")[0]["n"]


def test_g14_variant_a_store_that_answers_a_spaced_boolean(mini_nt):
    """Second variant: the same triple read back from a SPARQL store (from_store), not from a file."""
    body = mini_nt.read_text(encoding="utf-8").replace(CES_FLAG, CES_FLAG.replace('"true"', '"true "')).encode()

    class Store(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            self.send_response(200)
            self.send_header("Content-Type", "application/n-triples")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Store)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        back = painkg.from_store(f"http://127.0.0.1:{server.server_address[1]}/query", timeout=20)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
    assert back.node("cauda-equina").red_flag is True


# -- a query checked once is not parsed again -----------------------------------------------------------

CHECK_TWICE = """
import sys
from painkg.rdf.store import check_query
check_query(open(sys.argv[1], encoding="utf-8").read())
print("rdflib.plugins.sparql" in sys.modules)
"""


def test_a_checked_query_is_not_parsed_again(cache_folder, tmp_path):
    query = tmp_path / "q.rq"
    query.write_text((ROOT / "ontology" / "queries" / "groin-referral.rq").read_text(encoding="utf-8"), encoding="utf-8")
    env = {"PAINKG_CACHE": str(cache_folder)}
    runs = [subprocess.run([sys.executable, "-c", CHECK_TWICE, str(query)], cwd=ROOT, capture_output=True, text=True,
                           env={**os.environ, "PYTHONPATH": str(ROOT), **env}, timeout=60) for _ in range(2)]
    assert [r.stdout.strip() for r in runs] == ["True", "False"], [r.stderr for r in runs]
    assert len(list(cache_folder.glob("*.query"))) == 1


def test_a_planted_check_in_a_shared_folder_is_not_believed(cache_folder, listener):
    from painkg.rdf import store

    text = f"SELECT ?x WHERE {{ SERVICE <{listener.url}> {{ ?x ?y ?z }} }}"
    cache_folder.mkdir(parents=True, exist_ok=True)
    key = store._checked_key(text)
    cache.write(key, "query", True)  # someone who could write the folder says "checked"
    cache_folder.chmod(0o777)
    try:
        with pytest.raises(painkg.QueryError, match="SERVICE"):
            store.check_query(text)
    finally:
        cache_folder.chmod(0o700)


def test_checked_queries_are_pruned(cache_folder, monkeypatch):
    from painkg.rdf.store import check_query

    monkeypatch.setattr(cache, "QUERIES", 3)
    for n in range(6):
        check_query(f"SELECT ?x WHERE {{ ?x ?p {n} }}")
        time.sleep(0.01)
    assert len(list(cache_folder.glob("*.query"))) <= 4  # the newest 3, and the one written after the prune
