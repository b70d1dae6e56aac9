"""A real triple store: push the export to an Oxigraph server over the Graph Store Protocol, query it."""

from __future__ import annotations

import contextlib
import json
import re
import shutil
import socket
import subprocess
import sys
import threading
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
def test_from_store_reads_back_what_push_sent(oxigraph, kg):
    push(kg, f"{oxigraph}/store", graph="https://example.org/test/back")
    back = painkg.from_store(f"{oxigraph}/query", graph="https://example.org/test/back")
    assert dict(back.graph.nodes(data=True)) == dict(kg.graph.nodes(data=True))
    assert back.graph.number_of_edges() == kg.graph.number_of_edges() and back.references == kg.references
    assert back.graph.graph["priors"] == kg.graph.graph["priors"]
    with pytest.raises(painkg.RDFError, match="empty or missing"):
        painkg.from_store(f"{oxigraph}/query", graph="https://example.org/test/nothing")


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
    assert done.returncode == 0 and "pushed" in done.stderr and done.stdout == "", done.stderr
    done = subprocess.run([sys.executable, "-m", "painkg", "push", f"{oxigraph}/store", "--graph",
                           "https://example.org/test/cli", "--json", "--kb", "tests/data/mini"],
                          capture_output=True, text=True, cwd=ROOT)
    assert json.loads(done.stdout)["triples"] == len(painkg.to_rdf(painkg.load(ROOT / "tests/data/mini")))


def test_unreachable_store_is_an_rdf_error(mini):
    with pytest.raises(painkg.RDFError, match="cannot connect"):
        push(mini, f"http://127.0.0.1:{free_port()}/store", timeout=5)


@pytest.mark.slow
def test_store_error_is_reported(oxigraph, mini):
    with pytest.raises(painkg.RDFError, match="HTTP 4"):
        select(f"{oxigraph}/query", "SELEC nonsense")


# -- hostile and broken servers: every failure is one line, bounded in time ---------------------------

@pytest.fixture
def raw_server():
    """A TCP server on 127.0.0.1 that answers each connection with a scripted function; yields a starter."""
    servers = []

    def start(reply) -> str:
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        sock.listen(8)
        sock.settimeout(0.2)
        stop = threading.Event()
        requests: list[bytes] = []

        def serve():
            while not stop.is_set():
                try:
                    conn, _ = sock.accept()
                except OSError:
                    continue
                with conn:
                    conn.settimeout(2)
                    requests.append(_read_request(conn))
                    with contextlib.suppress(OSError):
                        reply(conn, stop)
        thread = threading.Thread(target=serve, daemon=True)
        thread.start()
        servers.append((sock, stop, thread))
        start.requests = requests
        return f"http://127.0.0.1:{sock.getsockname()[1]}"

    yield start
    for sock, stop, thread in servers:
        stop.set()
        thread.join(timeout=10)
        sock.close()


def _read_request(conn) -> bytes:
    data = b""
    with contextlib.suppress(OSError):
        while b"\r\n\r\n" not in data:
            chunk = conn.recv(65536)
            if not chunk:
                return data
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        length = int(re.search(rb"(?i)content-length: *(\d+)", head).group(1)) if b"ength" in head else 0
        while len(body) < length:
            chunk = conn.recv(65536)
            if not chunk:
                break
            body += chunk
        data = head + b"\r\n\r\n" + body
    return data


def _send(payload: bytes):
    def reply(conn, stop):
        conn.sendall(payload)
    return reply


def _slowly(conn, stop):  # one byte every 0.3 s, for ever: alive, but never done
    conn.sendall(b"HTTP/1.1 200 OK\r\n")
    while not stop.wait(0.3):
        conn.sendall(b"X")


def _silent(conn, stop):
    stop.wait(30)


BROKEN = {
    "bad-status-line": _send(b"garbage\r\n\r\n"),
    "line-too-long": _send(b"HTTP/1.1 200 OK\r\nX-Long: " + b"a" * 70000 + b"\r\n\r\n"),
    "too-many-headers": _send(b"HTTP/1.1 200 OK\r\n" + b"".join(b"X-%d: y\r\n" % i for i in range(150)) + b"\r\n"),
    "incomplete-read": _send(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly ten b"),
    "closed-at-once": _send(b""),
    "http-500": _send(b"HTTP/1.1 500 Internal Server Error\r\nContent-Length: 5\r\n\r\noops!"),
}


@pytest.mark.parametrize("name", list(BROKEN))
def test_push_to_a_broken_server_is_one_line(raw_server, mini, name):
    url = raw_server(BROKEN[name])
    with pytest.raises(painkg.RDFError) as caught:
        push(mini, f"{url}/store", timeout=10)
    message = str(caught.value)
    assert "\n" not in message and message.startswith(f"{url}/store: ")


@pytest.mark.parametrize("reply", [_slowly, _silent], ids=["trickle", "silent"])
def test_push_gives_up_at_the_deadline(raw_server, mini, reply):
    url = raw_server(reply)
    started = time.monotonic()
    with pytest.raises(painkg.RDFError, match=r"no complete reply within 1\.5 s"):
        push(mini, f"{url}/store", timeout=1.5)
    assert time.monotonic() - started < 6


def test_push_never_echoes_the_password_and_sends_it_as_basic_auth(raw_server, mini):
    url = raw_server(BROKEN["http-500"])
    with_credentials = url.replace("http://", "http://ann:s3cret-pw@")
    with pytest.raises(painkg.RDFError) as caught:
        push(mini, f"{with_credentials}/store", timeout=10)
    assert "s3cret-pw" not in str(caught.value) and "ann" not in str(caught.value)
    assert b"Authorization: Basic YW5uOnMzY3JldC1wdw==" in raw_server.requests[0]
    done = subprocess.run([sys.executable, "-m", "painkg", "push", f"{with_credentials}/store", "--timeout", "10",
                           "--kb", "tests/data/mini"], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 1 and "s3cret-pw" not in done.stderr + done.stdout
    assert len(done.stderr.strip().splitlines()) == 1


def test_push_sends_one_graph_parameter(raw_server, mini):
    url = raw_server(_send(b"HTTP/1.1 204 No Content\r\n\r\n"))
    result = push(mini, f"{url}/store?graph=https%3A%2F%2Fexample.org%2Fg&x=1", timeout=10)
    request_line = raw_server.requests[-1].split(b"\r\n")[0].decode()
    assert request_line.count("graph=") == 1 and "x=1" in request_line and result.graph == "https://example.org/g"
    with pytest.raises(painkg.RDFError, match="names graph"):
        push(mini, f"{url}/store?graph=a", graph="b", timeout=10)


def test_select_refuses_a_reply_that_is_not_sparql_json(raw_server):
    url = raw_server(_send(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 6\r\n\r\n<html>"))
    with pytest.raises(painkg.RDFError, match="not SPARQL JSON results"):
        select(f"{url}/query", "SELECT * WHERE { ?s ?p ?o }", timeout=10)


# -- SERVICE (federation) in a local query --------------------------------------------------------------

def test_service_is_refused_and_nothing_is_sent(raw_server, mini):
    url = raw_server(_send(b"HTTP/1.1 500 x\r\n\r\n"))
    query = f"SELECT * WHERE {{ ?s a painkg:Condition . SERVICE <{url}/sparql> {{ ?s ?p ?o }} }}"
    with pytest.raises(painkg.RDFError, match="SERVICE"):
        sparql(mini, query)
    done = subprocess.run([sys.executable, "-m", "painkg", "sparql", query, "--kb", "tests/data/mini"],
                          capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 2 and "--allow-service" in done.stderr and len(done.stderr.splitlines()) == 1
    time.sleep(0.3)
    assert raw_server.requests == []


def test_allowed_service_federates_and_its_failure_is_one_line(raw_server, mini):
    answer = b'{"head":{"vars":["o"]},"results":{"bindings":[{"o":{"type":"literal","value":"remote"}}]}}'
    url = raw_server(_send(b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\n"
                           b"Content-Length: %d\r\n\r\n%s" % (len(answer), answer)))
    rows = sparql(mini, f"SELECT ?o WHERE {{ SERVICE <{url}/sparql> {{ ?s ?p ?o }} }}", allow_service=True)
    assert [str(r["o"]) for r in rows] == ["remote"]
    broken = raw_server(_send(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 6\r\n\r\n<html>"))
    with pytest.raises(painkg.RDFError) as caught:
        sparql(mini, f"SELECT ?o WHERE {{ SERVICE <{broken}/sparql> {{ ?s ?p ?o }} }}", allow_service=True)
    assert "\n" not in str(caught.value)


def test_named_graph_clauses_work_locally(mini):
    count = "SELECT (COUNT(*) AS ?n) FROM <https://w3id.org/painkg/kb> WHERE { ?s a painkg:Condition }"
    named = "SELECT (COUNT(*) AS ?n) FROM NAMED <https://w3id.org/painkg/kb> WHERE { GRAPH ?g { ?s a painkg:Condition } }"
    conditions = sum(1 for _, k in mini.graph.nodes(data="kind") if k.value == "condition")
    assert int(sparql(mini, count)[0]["n"]) == int(sparql(mini, named)[0]["n"]) == conditions
