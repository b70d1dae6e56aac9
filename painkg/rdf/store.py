"""Check and query painkg RDF: SHACL shapes, SPARQL, and SPARQL 1.1 stores over HTTP.

``push`` loads the export into any store that speaks the SPARQL 1.1 Graph Store
Protocol (Oxigraph, Fuseki, GraphDB, Virtuoso) with the standard library only;
``select`` runs a query on such a store's SPARQL endpoint.  Local queries run on an
in-memory Oxigraph store (pyoxigraph).  Nothing here fetches anything but the URL it is
given, and only over http(s); a local query's ``SERVICE`` clause is refused unless asked for.

Examples
--------
>>> rows = sparql(kg, "SELECT (COUNT(*) AS ?n) WHERE { ?s a rdf:Statement }")
>>> int(rows[0]["n"]) == kg.graph.number_of_edges()
True
"""

from __future__ import annotations

import base64
import contextlib
import http.client
import io
import json
import re
import socket
import threading
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

from ..errors import RDFError
from ..kb.tables import ontology_folder
from ..kb.graph import KnowledgeGraph
from .ntriples import GRAPH, PREFIXES, write_ntriples

__all__ = [
    "ShaclReport", "PushResult", "validate_shacl", "shapes", "sparql", "query", "open_store", "write_results",
    "result_format", "uses_service", "check_url", "push", "from_store", "select", "read_query", "RESULT_FORMATS", "GRAPH_FORMATS",
]


@dataclass(frozen=True, slots=True)
class ShaclReport:
    """The outcome of a SHACL validation: one line per violation in ``problems``."""

    conforms: bool
    problems: tuple[str, ...]
    shapes: int

    def __str__(self) -> str:
        if self.conforms:
            return f"ok: conforms to {self.shapes} SHACL shapes"
        return f"{len(self.problems)} SHACL violations:\n" + "\n".join(self.problems)


@dataclass(frozen=True, slots=True)
class PushResult:
    """What :func:`push` sent and where."""

    url: str
    graph: str
    triples: int
    status: int

    def __str__(self) -> str:
        return f"pushed {self.triples} triples to <{self.graph}> at {self.url} (HTTP {self.status})"


def _graph(data):
    from rdflib import Graph

    from .export import to_rdf

    return data if isinstance(data, Graph) else to_rdf(data)


def shapes():
    """Return the SHACL shapes graph shipped as ``ontology/shapes.ttl``."""
    from rdflib import Graph

    text = (ontology_folder() / "shapes.ttl").read_text(encoding="utf-8")
    return Graph().parse(data=text, format="turtle")


def validate_shacl(data) -> ShaclReport:
    """Validate a knowledge base (or an rdflib Graph of painkg RDF) against the SHACL shapes.

    Needs ``pyshacl`` (``pip install pyshacl``).

    Raises
    ------
    RDFError
        pyshacl is not installed.
    """
    try:
        import pyshacl
    except ImportError as exc:
        raise RDFError("SHACL validation needs pyshacl (pip install 'painkg[shacl]' or pip install pyshacl)") from exc
    from rdflib.namespace import RDF, SH

    shape_graph = shapes()
    graph = _graph(data)
    conforms, results, _ = pyshacl.validate(graph, shacl_graph=shape_graph, inference="none")
    if not hasattr(results, "subjects"):  # pyshacl returns a ValidationFailure for broken shapes
        raise RDFError(f"SHACL: the shapes could not be applied ({results})")
    names = graph.namespace_manager
    problems = []
    for result in results.subjects(RDF.type, SH.ValidationResult):
        focus = results.value(result, SH.focusNode)
        message = str(results.value(result, SH.resultMessage))
        if str(focus) == GRAPH:  # a whole-graph check: its message names the culprit
            for prefix, base in PREFIXES.items():
                message = message.replace(base, f"{prefix}:")
            problems.append(message)
            continue
        path = results.value(result, SH.resultPath)
        value = results.value(result, SH.value)
        where = focus.n3(names) + (f" {path.n3(names)}" if path is not None else "")
        got = f" (value: {value.n3(names)})" if value is not None else ""
        problems.append(f"{where}: {message}{got}")
    count = sum(1 for kind in (SH.NodeShape, SH.PropertyShape) for _ in shape_graph.subjects(RDF.type, kind))
    return ShaclReport(bool(conforms), tuple(sorted(problems)), count)


#: Result formats of :func:`write_results`: SPARQL results for SELECT and ASK, RDF for CONSTRUCT and DESCRIBE.
RESULT_FORMATS = {"json": "JSON", "csv": "CSV", "tsv": "TSV", "xml": "XML"}
GRAPH_FORMATS = {"ttl": "TURTLE", "nt": "N_TRIPLES", "jsonld": "JSON_LD", "rdf": "RDF_XML"}
_FORMAT_ALIASES = {"turtle": "ttl", "ntriples": "nt", "n-triples": "nt", "json-ld": "jsonld", "rdfxml": "rdf",
                   "rdf/xml": "rdf", "srj": "json", "srx": "xml"}

# Strings, IRIs and comments hide keywords: strip them before looking for SERVICE.
_SPARQL_NOISE = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""' r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n]|\\.)*"' r"|'(?:[^'\\\n]|\\.)*'" r'|<[^<>"{}|^`\\\s]*>|#[^\n]*'
)
_SERVICE = re.compile(r"(?<![\w?$:])SERVICE\b", re.IGNORECASE)
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


def uses_service(query: str) -> bool:
    """Return True when *query* contains a SPARQL ``SERVICE`` clause (federation: a request to another server).

    >>> uses_service("SELECT * WHERE { SERVICE <http://x/sparql> { ?s ?p ?o } }")
    True
    >>> uses_service('SELECT ?service WHERE { ?service rdfs:label "SERVICE" }  # SERVICE')
    False
    """
    # SPARQL lets \uXXXX stand for any character of the query, keywords included (section 19.2).
    text = _ESCAPE.sub(lambda m: chr(min(int(m.group(1) or m.group(2), 16), 0x10FFFF)), query)
    return any(_SERVICE.search(_SPARQL_NOISE.sub(" ", t)) for t in {query, text})


def open_store(data):
    """Return an in-memory Oxigraph store holding *data* (a KnowledgeGraph or an rdflib Graph).

    The triples go into the named graph :data:`painkg.rdf.ntriples.GRAPH`, and queries see
    it as their default graph too, so ``FROM <https://w3id.org/painkg/kb>`` works here as on
    a store that ``push`` filled.  Needs ``pyoxigraph`` (``pip install 'painkg[sparql]'``).
    """
    ox = _pyoxigraph()
    if hasattr(data, "graph") and hasattr(data, "references"):
        buffer = io.StringIO()
        write_ntriples(data, buffer)
        text, lenient = buffer.getvalue().encode("utf-8"), True  # our own writer's output: skip re-validation
    else:
        text, lenient = data.serialize(format="nt", encoding="utf-8"), False
    store = ox.Store()
    store.load(text, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(GRAPH), lenient=lenient)
    return store


def _pyoxigraph():
    try:
        import pyoxigraph
    except ImportError as exc:
        raise RDFError("SPARQL needs pyoxigraph (pip install 'painkg[sparql]' or pip install pyoxigraph)") from exc
    return pyoxigraph


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def query(data, text: str, *, allow_service: bool = False):
    """Run a SPARQL 1.1 query (SELECT, ASK, CONSTRUCT, DESCRIBE) on the knowledge base with Oxigraph.

    Returns pyoxigraph's result: ``QuerySolutions`` (SELECT), ``QueryBoolean`` (ASK) or
    ``QueryTriples`` (CONSTRUCT, DESCRIBE); write it with :func:`write_results`.  The painkg
    prefixes (``painkg:``, ``node:``, ``skos:`` …) are predeclared.

    Parameters
    ----------
    data : KnowledgeGraph, rdflib.Graph or pyoxigraph.Store
        What to query; a store from :func:`open_store` is used as it is.
    allow_service : bool
        Let ``SERVICE <url>`` clauses send requests to other servers.  Off by default: a
        query read from a file would otherwise make this machine contact any URL it names.

    Raises
    ------
    RDFError
        Malformed query, a SERVICE clause without *allow_service*, or a failed SERVICE call.

    Examples
    --------
    >>> bool(query(kg, "ASK { node:hip-osteoarthritis a painkg:Condition }"))
    True
    """
    if not allow_service and uses_service(text):
        raise RDFError("SPARQL: SERVICE (a query sent to another server) is refused (allowed: local queries; "
                       "allow_service=True, or --allow-service on the command line, federates)")
    ox = _pyoxigraph()
    store = data if isinstance(data, ox.Store) else open_store(data)
    try:
        return store.query(text, prefixes=PREFIXES, use_default_graph_as_union=True)
    except (SyntaxError, OSError, ValueError, RuntimeError) as exc:
        raise RDFError(f"SPARQL: {_first_line(exc)}") from exc


def result_format(name: str | None, result) -> str:
    """Return the canonical format name for *result* (``json`` … ``ttl``); raise RDFError when it does not fit.

    *name* None picks the default: ``tsv`` for SELECT/ASK, ``ttl`` for CONSTRUCT/DESCRIBE.
    """
    graph = type(result).__name__ == "QueryTriples"
    allowed = GRAPH_FORMATS if graph else RESULT_FORMATS
    if name is None:
        return "ttl" if graph else "tsv"
    fmt = _FORMAT_ALIASES.get(name.lower(), name.lower())
    if fmt not in allowed:
        what = "CONSTRUCT and DESCRIBE give a graph" if graph else "SELECT and ASK give a table"
        raise RDFError(f"format {name!r}: {what} (allowed: {', '.join(allowed)})")
    return fmt


def write_results(result, out, format: str | None = None) -> None:
    """Write a :func:`query` result to the binary stream *out* with Oxigraph's standard serialisers.

    SELECT and ASK: ``json``, ``csv``, ``tsv``, ``xml`` (the SPARQL 1.1 result formats);
    CONSTRUCT and DESCRIBE: ``ttl`` (with the painkg prefixes), ``nt``, ``jsonld``, ``rdf``.

    Raises
    ------
    RDFError
        The format does not fit the result, or evaluating the query failed.
    """
    ox = _pyoxigraph()
    fmt = result_format(format, result)
    try:
        if fmt in GRAPH_FORMATS:
            ox.serialize(result, out, getattr(ox.RdfFormat, GRAPH_FORMATS[fmt]),
                         prefixes=PREFIXES if fmt == "ttl" else None)
        else:
            result.serialize(out, getattr(ox.QueryResultsFormat, RESULT_FORMATS[fmt]))
    except BrokenPipeError:
        raise
    except (OSError, ValueError, RuntimeError) as exc:  # evaluation is lazy: its errors surface here
        raise RDFError(f"SPARQL: {_first_line(exc)}") from exc


def sparql(data, text: str, *, allow_service: bool = False) -> list[dict[str, object]]:
    """Run a SPARQL SELECT or ASK; return rows as ``{variable: rdflib term}`` (see :func:`query`).

    An ASK query returns ``[{"ask": True|False}]``.

    Raises
    ------
    RDFError
        The query is malformed, or is not a SELECT or ASK (use :func:`query` for CONSTRUCT).

    Examples
    --------
    >>> rows = sparql(kg, "SELECT (COUNT(*) AS ?n) WHERE { ?s a rdf:Statement }")
    >>> int(rows[0]["n"]) == kg.graph.number_of_edges()
    True
    """
    result = query(data, text, allow_service=allow_service)
    kind = type(result).__name__
    if kind == "QueryBoolean":
        return [{"ask": bool(result)}]
    if kind != "QuerySolutions":
        raise RDFError("SPARQL: only SELECT and ASK give rows (allowed here: SELECT, ASK; "
                       "painkg.rdf.store.query runs CONSTRUCT)")
    names = [v.value for v in result.variables]
    try:
        return [{n: _rdflib_term(row[n]) for n in names if row[n] is not None} for row in result]
    except (OSError, RuntimeError, ValueError) as exc:  # evaluation is lazy: errors surface while iterating
        raise RDFError(f"SPARQL: {_first_line(exc)}") from exc


def _rdflib_term(term):
    from rdflib import BNode, Literal, URIRef

    kind = type(term).__name__
    if kind == "NamedNode":
        return URIRef(term.value)
    if kind == "BlankNode":
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    return Literal(term.value, datatype=URIRef(term.datatype.value))


@dataclass(frozen=True, slots=True)
class _Target:
    """A checked http(s) URL, split into what a request needs and what a message may show."""

    scheme: str
    host: str
    port: int | None
    path: str  # path and query, as sent
    shown: str  # the URL without user:password@
    auth: str | None  # the Authorization header value, from user:password@
    secret: str  # the password, so that no message can echo it


# Characters that http.client refuses in a request line, or that would split it.
_UNSAFE_URL = re.compile(r"[\x00-\x20\x7f]")


def check_url(url: str, *, query: dict[str, str] | None = None) -> _Target:
    """Check that *url* is a well-formed http(s) URL; raise :class:`RDFError` (one line) if not.

    ``user:password@`` becomes a basic Authorization header and is never shown in a
    message; *query* parameters are set on the URL, replacing any of the same name.

    >>> check_url("http://ann:secret@localhost:7878/store").shown
    'http://localhost:7878/store'
    """
    safe = _redact(url)
    if _UNSAFE_URL.search(url):
        raise RDFError(f"{safe!r}: a URL cannot hold spaces or control characters (allowed: percent-encode them, %20)")
    try:
        parts = urllib.parse.urlsplit(url)
        port = parts.port
        host = parts.hostname
    except ValueError as exc:  # "Invalid IPv6 URL", "Port could not be cast to integer value as 'abc'"
        raise RDFError(f"{safe}: not a valid URL ({_first_line(exc)})") from exc
    if parts.scheme not in ("http", "https"):
        raise RDFError(f"{safe}: not an http(s) URL (allowed: http://…, https://…)")
    if not host:
        raise RDFError(f"{safe}: the URL names no host (allowed: http://host[:port]/path)")
    auth = None
    if parts.username is not None:
        token = f"{urllib.parse.unquote(parts.username)}:{urllib.parse.unquote(parts.password or '')}"
        auth = "Basic " + base64.b64encode(token.encode("utf-8")).decode("ascii")
    pairs = urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
    if query:
        pairs = [(k, v) for k, v in pairs if k not in query] + list(query.items())
    path = (parts.path or "/") + (f"?{urllib.parse.urlencode(pairs)}" if pairs else "")
    netloc = parts.netloc.rpartition("@")[2]
    shown = urllib.parse.urlunsplit((parts.scheme, netloc, parts.path, parts.query, ""))
    return _Target(parts.scheme, host, port, path, shown, auth, parts.password or "")


def _redact(url: str) -> str:
    """The URL with any ``user:password@`` removed, for messages."""
    return _USERINFO.sub(r"\1", url)


_USERINFO = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*://)[^/?#]*@")


def _request(target: _Target, method: str, body: bytes | None, headers: dict[str, str],
             timeout: float, *, limit: int = 256 * 2**20) -> tuple[int, bytes]:
    """Send one request and read the reply, all within *timeout* seconds; return (status, body).

    A socket timeout bounds each read, not the whole exchange: a server that sends one
    byte every few seconds would keep it alive for ever.  A watchdog closes the
    connection at the deadline instead, whatever the request is waiting for.
    """
    cls = http.client.HTTPSConnection if target.scheme == "https" else http.client.HTTPConnection
    connection = cls(target.host, target.port, timeout=timeout)
    expired = threading.Event()

    def stop() -> None:
        expired.set()
        sock = connection.sock
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    watchdog = threading.Timer(timeout, stop)
    watchdog.daemon = True
    watchdog.start()
    phase = "cannot connect"
    try:
        connection.connect()
        phase = "the request failed"
        connection.request(method, target.path, body=body,
                           headers={**headers, **({"Authorization": target.auth} if target.auth else {})})
        phase = "not a valid HTTP reply"
        response = connection.getresponse()
        data = response.read(limit + 1)
        if expired.is_set():  # the watchdog's shutdown can look like a normal end of the reply
            raise TimeoutError("the deadline passed")
        if response.length:  # read(amt) returns a short body quietly when the server stops early
            raise http.client.IncompleteRead(data, response.length)
        if len(data) > limit:
            raise RDFError(f"{target.shown}: the reply is larger than {limit // 2**20} MB")
        return response.status, data if response.status < 300 else data[:2000]
    except (http.client.HTTPException, OSError, ValueError) as exc:
        if expired.is_set():
            raise RDFError(f"{target.shown}: no complete reply within {timeout:g} s (timed out; allowed: a "
                           f"longer timeout)") from exc
        reason = _first_line(exc)
        if target.secret:
            reason = reason.replace(target.secret, "***")
        raise RDFError(f"{target.shown}: {phase} ({type(exc).__name__}: {reason})") from exc
    finally:
        watchdog.cancel()
        connection.close()


def _check_status(target: _Target, status: int, body: bytes) -> None:
    if not 200 <= status < 300:
        detail = body[:300].decode("utf-8", "replace").strip().splitlines()
        reason = http.client.responses.get(status, "")
        raise RDFError(f"{target.shown}: HTTP {status} {reason}".rstrip() + (f" ({detail[0]})" if detail else ""))


def push(kg: KnowledgeGraph, url: str, *, graph: str | None = None, timeout: float = 120) -> PushResult:
    """Replace a named graph of a SPARQL 1.1 Graph Store Protocol endpoint with the export.

    Sends one ``PUT {url}?graph={graph}`` with the N-Triples of *kg*.

    Parameters
    ----------
    url : str
        The store's Graph Store endpoint, e.g. ``http://localhost:7878/store`` (Oxigraph),
        ``http://localhost:3030/painkg/data`` (Fuseki).  ``user:password@`` in it is sent as
        basic authentication and never shown in a message.
    graph : str, optional
        The named graph to replace; default the URL's own ``graph=`` parameter, else
        :data:`painkg.rdf.ntriples.GRAPH`.  The request carries exactly one.
    timeout : float
        Seconds the whole exchange may take, connecting, sending and reading included.

    Raises
    ------
    RDFError
        A malformed URL, a server that refused, answered nonsense, or did not answer in time.
    """
    own = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query)).get("graph") if "?" in url else None
    if graph is not None and own is not None and own != graph:
        raise RDFError(f"{_redact(url)}: names graph {own!r} but graph {graph!r} was asked for (allowed: one of them)")
    graph = graph or own or GRAPH
    target = check_url(url, query={"graph": graph})
    buffer = io.StringIO()
    triples = write_ntriples(kg, buffer)
    status, body = _request(target, "PUT", buffer.getvalue().encode("utf-8"),
                            {"Content-Type": "application/n-triples"}, timeout)
    _check_status(target, status, body)
    return PushResult(target.shown, graph, triples, status)


def select(url: str, query: str, *, graph: str | None = GRAPH, timeout: float = 60) -> list[dict[str, str]]:
    """Run a SELECT on a SPARQL 1.1 endpoint; return rows as ``{variable: value text}``.

    *graph* becomes the query's default graph (``default-graph-uri``), so the same
    query text runs unchanged locally and on the store.

    Raises
    ------
    RDFError
        A malformed URL, a refusal, a reply that is not SPARQL JSON results, or no reply in time.
    """
    target = check_url(url)
    params = {"query": query, **({"default-graph-uri": graph} if graph else {})}
    status, body = _request(target, "POST", urllib.parse.urlencode(params).encode("ascii"),
                            {"Accept": "application/sparql-results+json",
                             "Content-Type": "application/x-www-form-urlencoded"}, timeout)
    _check_status(target, status, body)
    try:
        document = json.loads(body)
        return [{name: cell["value"] for name, cell in row.items()} for row in document["results"]["bindings"]]
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise RDFError(f"{target.shown}: the reply is not SPARQL JSON results ({_first_line(exc)})") from exc


def from_store(endpoint: str, *, graph: str = GRAPH, timeout: float = 120) -> KnowledgeGraph:
    """Read a knowledge base back from a SPARQL 1.1 endpoint, from the named graph ``push`` filled.

    Sends one ``CONSTRUCT`` over the graph (as N-Triples) and reads the answer with
    :func:`painkg.from_rdf`, so a pushed KB comes back equal to the one pushed.

    Raises
    ------
    RDFError
        A malformed URL, a refusal, no reply in time, or RDF that is not a painkg KB.
    """
    from rdflib import Graph

    from .read import from_rdf

    target = check_url(endpoint)
    query = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    status, body = _request(target, "POST", urllib.parse.urlencode({"query": query}).encode("ascii"),
                            {"Accept": "application/n-triples",
                             "Content-Type": "application/x-www-form-urlencoded"}, timeout)
    _check_status(target, status, body)
    data = Graph(bind_namespaces="none")
    try:
        data.parse(data=body.decode("utf-8"), format="nt")
    except Exception as exc:  # rdflib raises many types; each means the reply was not N-Triples
        raise RDFError(f"{target.shown}: the reply is not N-Triples ({_first_line(exc)})") from exc
    if not len(data):
        raise RDFError(f"{target.shown}: graph <{graph}> is empty or missing (allowed: a graph painkg push filled)")
    return from_rdf(data)


def read_query(text_or_path: str) -> str:
    """Return the query text: the file's content if *text_or_path* names a file, else the text itself."""
    looks_like_path = "\n" not in text_or_path and len(text_or_path) < 1024
    try:
        if looks_like_path and (text_or_path.endswith(".rq") or Path(text_or_path).is_file()):
            return Path(text_or_path).read_text(encoding="utf-8")
    except OSError as exc:
        raise RDFError(f"{text_or_path}: cannot read ({exc.strerror or exc})") from exc
    return text_or_path
