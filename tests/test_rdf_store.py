"""A real triple store: push the export to an Oxigraph server over the Graph Store Protocol, query it."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

import painkg
from painkg.rdf.ntriples import GRAPH
from painkg.rdf.store import push, read_query, select, sparql

ROOT = Path(__file__).resolve().parent.parent
QUERIES = sorted((ROOT / "ontology" / "queries").glob("*.rq"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def oxigraph(tmp_path_factory) -> str:
    """An Oxigraph server on 127.0.0.1 (free port) with a fresh store; yields its base URL."""
    # `python -m pytest` with a venv's python but the venv not activated: look beside the interpreter too.
    program = shutil.which("oxigraph") or shutil.which("oxigraph", path=str(Path(sys.executable).parent))
    if program is None:
        pytest.skip("the `oxigraph` server is not installed (pip install oxigraph, or ./scripts/test.sh)")
    port = free_port()
    server = subprocess.Popen([program, "serve", "--location", str(tmp_path_factory.mktemp("store")),
                               "--bind", f"127.0.0.1:{port}"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"{url}/query?query=ASK%7B%7D", timeout=1).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"oxigraph did not start: {server.stderr.read().decode(errors='replace')[:500]}")
                time.sleep(0.1)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        server.stderr.close()


def local_rows(kg, query: str) -> list[tuple]:
    rows = sparql(kg, query)
    return sorted(tuple(sorted((k, str(v)) for k, v in row.items())) for row in rows)


def remote_rows(url: str, query: str, graph: str = GRAPH) -> list[tuple]:
    return sorted(tuple(sorted(row.items())) for row in select(f"{url}/query", query, graph=graph))


def canonical(rows: list[tuple]) -> list[tuple]:
    """Numbers compare by value, and GROUP_CONCAT order is free: compare sorted words."""
    def cell(value: str) -> object:
        try:
            return float(value)
        except ValueError:
            return tuple(sorted(value.split(" ")))
    return sorted(tuple((k, cell(v)) for k, v in row) for row in rows)


@pytest.mark.slow
@pytest.mark.parametrize("name", ["mini", "kg"])
def test_push_then_query_over_http_equals_local(request, oxigraph, name):
    kg = request.getfixturevalue(name)
    graph = f"https://example.org/test/{name}"
    result = push(kg, f"{oxigraph}/store", graph=graph)
    assert result.triples == len(painkg.to_rdf(kg)) and 200 <= result.status < 300
    count = select(f"{oxigraph}/query", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", graph=graph)
    assert int(count[0]["n"]) == result.triples
    for path in QUERIES:
        query = read_query(str(path))
        assert canonical(remote_rows(oxigraph, query, graph)) == canonical(local_rows(kg, query)), path.name


@pytest.mark.slow
def test_push_replaces_the_named_graph(oxigraph, mini):
    first = push(mini, f"{oxigraph}/store", graph="https://example.org/test/replace")
    second = push(mini, f"{oxigraph}/store", graph="https://example.org/test/replace")
    count = select(f"{oxigraph}/query", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
                   graph="https://example.org/test/replace")
    assert int(count[0]["n"]) == first.triples == second.triples


@pytest.mark.slow
def test_cli_push(oxigraph):
    done = subprocess.run([sys.executable, "-m", "painkg", "push", f"{oxigraph}/store", "--graph",
                           "https://example.org/test/cli", "--kb", "tests/data/mini"],
                          capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0 and "pushed" in done.stdout, done.stderr


def test_unreachable_store_is_an_rdf_error(mini):
    with pytest.raises(painkg.RDFError, match="cannot connect"):
        push(mini, f"http://127.0.0.1:{free_port()}/store", timeout=5)


@pytest.mark.slow
def test_store_error_is_reported(oxigraph, mini):
    with pytest.raises(painkg.RDFError, match="HTTP 4"):
        select(f"{oxigraph}/query", "SELEC nonsense")
