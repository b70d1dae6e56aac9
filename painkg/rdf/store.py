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

import contextlib
import io
import os
import re
import select as _select
import signal
import sys
import threading
import time
import urllib.parse
import warnings
from dataclasses import dataclass
from pathlib import Path

from ..errors import PainKGError, QueryError, RDFError
from ..kb import cache as _checked
from ..kb.tables import ontology_folder
from ..kb.graph import KnowledgeGraph
from .ntriples import GRAPH, PREFIXES, write_ntriples

__all__ = [
    "ShaclReport", "PushResult", "validate_shacl", "shapes", "sparql", "query", "open_store", "write_results",
    "result_format", "uses_service", "check_query", "open_cached_store", "cached_store", "run_bounded", "decode_query", "check_url", "push", "from_store",
    "select", "read_query", "RESULT_FORMATS", "GRAPH_FORMATS",
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

#: The longest query text painkg checks and runs, in characters.
MAX_QUERY = 1 << 20
#: Seconds a query may run by default (``painkg sparql --timeout``, ``sparql(timeout=)``).
TIMEOUT = 30.0
# SPARQL 1.1, section 19.2: \\uXXXX and \\UXXXXXXXX stand for a character anywhere in a query.
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


def check_query(text: str, *, allow_service: bool = False) -> str:
    """Return the query text to run, once its parse shows nothing a local query must not do.

    The query is parsed with rdflib's SPARQL 1.1 parser, and the parse, not the text, decides:
    a ``SERVICE`` clause anywhere (federation: a request to another server) is refused unless
    *allow_service*; an update (``LOAD``, ``INSERT``, ``CLEAR`` …) is always refused; a query
    the parser cannot read is refused, since it cannot be shown to be free of ``SERVICE``.
    Codepoint escapes (``\\u0053``) are expanded first, as SPARQL defines, and Oxigraph runs the
    expanded text: both parsers read the very same characters.

    >>> check_query('SELECT ?service WHERE { ?service rdfs:label "SERVICE" }  # SERVICE')[:15]
    'SELECT ?service'
    >>> check_query("SELECT * WHERE { SERVICE <http://x/sparql> { ?s ?p ?o } }")
    Traceback (most recent call last):
    painkg.errors.QueryError: SPARQL: SERVICE (a query sent to another server) is refused (allowed: local queries; ...)

    Raises
    ------
    QueryError
        The query is too long, cannot be parsed, is an update, or holds SERVICE.
    """
    if len(text) > MAX_QUERY:
        raise QueryError(f"SPARQL: a query of {len(text):,} characters (allowed: up to {MAX_QUERY:,})")
    if allow_service:
        return text  # federation asked for: Oxigraph reads the query as written
    try:
        expanded = _ESCAPE.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), text)
    except (ValueError, OverflowError):
        raise QueryError("SPARQL: a \\U escape names no character (allowed: code points up to \\U0010FFFF)") from None
    key = _checked_key(expanded)
    if key is not None and _checked.read(key, "query") is True:
        return expanded  # this very text passed the check before (and rdflib need not even be imported)
    from rdflib.plugins.sparql import parser  # the parser is needed only here, and only without --allow-service

    try:
        unchanged = parser.expandUnicodeEscapes(expanded) == expanded
    except ValueError:
        unchanged = False
    if not unchanged:  # an escape spelling another escape: rdflib and Oxigraph would read different text
        raise QueryError("SPARQL: a \\u escape that spells another \\u escape (allowed: one level of escapes)")
    parsed, problem = _parse(parser.parseQuery, expanded)
    if problem is not None:
        if _parse(parser.parseUpdate, expanded)[1] is None:
            raise QueryError("SPARQL: an update (LOAD, INSERT, DELETE, CLEAR, DROP …) is refused: painkg runs queries "
                             "on a read-only copy (allowed: SELECT, ASK, CONSTRUCT, DESCRIBE)")
        raise QueryError(f"SPARQL: {problem} (painkg reads each query with rdflib's SPARQL 1.1 parser, to refuse "
                         f"SERVICE, before Oxigraph runs it; --allow-service skips that)")
    if _holds(parsed, "ServiceGraphPattern"):
        raise QueryError("SPARQL: SERVICE (a query sent to another server) is refused (allowed: local queries; "
                         "allow_service=True, or --allow-service on the command line, federates)")
    if key is not None:
        _checked.write(key, "query", True)
    return expanded


def _checked_key(text: str) -> str | None:
    """The cache key of "this text passed :func:`check_query`": the text, the checking code and rdflib's version.

    Importing rdflib's SPARQL parser costs about 0.3 s, most of a ``painkg sparql`` call; a query
    run again (a saved ``.rq`` file) is checked once.  The entry lives in painkg's private cache
    (see :mod:`painkg.kb.cache`: an entry is read only from a folder only this user can write,
    and only when its hash matches), so it can say no more than this process would conclude.
    """
    import hashlib

    if _checked.cache_dir() is None:
        return None
    version = _installed_version("rdflib")
    if version is None:
        return None
    digest = hashlib.blake2b(digest_size=20)
    digest.update(b"painkg sparql check 1\0" + version.encode() + b"\0")
    try:
        digest.update(Path(__file__).read_bytes())  # this module holds the check
    except OSError:
        return None
    digest.update(text.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def _installed_version(name: str) -> str | None:
    """The installed version of distribution *name*, read from its ``.dist-info`` folder's name beside the package.

    What ``importlib.metadata.version`` answers, without importing importlib.metadata (and the email
    package under it): about a tenth of a ``painkg sparql`` call.  Falls back to it when the layout
    is not the usual one.
    """
    import importlib.util

    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return None
    if spec is not None and spec.submodule_search_locations:
        where = Path(next(iter(spec.submodule_search_locations))).parent
        prefix = f"{name.lower().replace('-', '_')}-"
        try:
            found = [e for e in os.listdir(where) if e.lower().startswith(prefix) and e.endswith(".dist-info")]
        except OSError:
            found = []
        if len(found) == 1:
            return found[0][len(prefix):-len(".dist-info")]
    from importlib import metadata

    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def uses_service(query: str) -> bool:
    """Return True when *query* holds a SPARQL ``SERVICE`` clause, by its parse (see :func:`check_query`).

    A query that cannot be parsed counts as holding one: nothing shows that it does not.

    >>> uses_service("SELECT * WHERE { SERVICE <http://x/sparql> { ?s ?p ?o } }")
    True
    >>> uses_service('SELECT ?service WHERE { ?service rdfs:label "SERVICE" }  # SERVICE')
    False
    """
    try:
        check_query(query)
    except QueryError as exc:
        return "an update" not in str(exc) and "characters (allowed" not in str(exc)
    return False


def _parse(parse, text: str):
    """Return (parse result, None) or (None, a one-line reason); the parser runs on a fresh thread's stack.

    rdflib's parser recurses about twenty frames per nested bracket: on a thread of its own,
    the depth a query may nest does not depend on how deep the caller already is.
    """
    outcome: list = [None, "the parser did not finish"]

    def run() -> None:
        try:
            outcome[:] = [parse(text), None]
        except RecursionError:
            outcome[:] = [None, "the query nests brackets too deeply to be checked (allowed: about 25 levels)"]
        except Exception as exc:  # pyparsing's ParseException, or a ValueError from an escape
            line, column = getattr(exc, "lineno", None), getattr(exc, "col", None)
            where = f"line {line}, column {column}: " if line is not None else ""
            message = getattr(exc, "msg", None) or _first_line(exc)
            outcome[:] = [None, f"not a SPARQL 1.1 query ({where}{message})"]

    worker = threading.Thread(target=run, name="painkg-sparql-parse", daemon=True)
    worker.start()
    worker.join()
    return outcome[0], outcome[1]


def _holds(parsed, name: str) -> bool:
    """True when the parse tree holds a part named *name* (rdflib's CompValue), at any depth."""
    from pyparsing import ParseResults
    from rdflib.plugins.sparql.parserutils import CompValue

    stack, seen = [parsed], set()
    while stack:
        item = stack.pop()
        if id(item) in seen:
            continue
        seen.add(id(item))
        if isinstance(item, CompValue):
            if item.name == name:
                return True
            stack.extend(item.values())
        elif isinstance(item, ParseResults):
            stack.extend(item)
            stack.extend(item.values())
        elif isinstance(item, (list, tuple)):
            stack.extend(item)
        elif isinstance(item, dict):
            stack.extend(item.values())
    return False


def open_store(data):
    """Return an in-memory Oxigraph store holding *data* (a KnowledgeGraph or an rdflib Graph).

    The triples go into the named graph :data:`painkg.rdf.ntriples.GRAPH`, and queries see
    it as their default graph too, so ``FROM <https://w3id.org/painkg/kb>`` works here as on
    a store that ``push`` filled.  Needs ``pyoxigraph`` (``pip install 'painkg[sparql]'``).
    """
    ox = _pyoxigraph()
    if hasattr(data, "graph") and hasattr(data, "references"):
        text, lenient = _ntriples(data), True  # our own writer's output: skip re-validation
    else:
        text, lenient = data.serialize(format="nt", encoding="utf-8"), False
    store = ox.Store()
    store.load(text, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(GRAPH), lenient=lenient)
    return store


def open_cached_store(key: str | None):
    """The Oxigraph store of the KB cached under *key* (:func:`painkg.kb.graph.cache_key`), or None.

    Neither the KB nor networkx is loaded; see :func:`cached_store`.
    """
    opener = cached_store(key)
    return opener() if opener is not None else None


def cached_store(key: str | None):
    """How to open the Oxigraph store of the KB cached under *key*: a function of no arguments; or None.

    The store is kept on disk in painkg's cache (a RocksDB folder, opened read-only), so an
    unchanged KB is not even parsed: ``painkg sparql`` then does less work than a plain pyoxigraph
    script that loads the N-Triples.  It is built on first use from the N-Triples kept beside that
    KB (see :func:`_ntriples`); None when those are not cached yet.  Opening is left to the caller
    because RocksDB starts many threads when it opens a folder, and a process that will fork (the
    query runs in a child, see :func:`run_bounded`) should have none: the child opens it.  Results
    are those of the in-memory store, except the order of what a query leaves unordered (rows
    without ORDER BY, GROUP_CONCAT), which SPARQL leaves open; the in-memory store's full scans
    differ from one process to the next, the disk store's do not.
    """
    from ..kb import cache

    if not key:
        return None
    ox = _pyoxigraph()
    store_key = _store_key(ox, key)
    if cache.folder_entry(store_key, "oxigraph") is None:
        entry = cache.read(key, "ntriples")
        if not (isinstance(entry, dict) and entry.get("digest") == _writer_digest()
                and isinstance(entry.get("data"), bytes)):
            return None

    def open_() -> object:
        store = _open_read_only(ox, cache.folder_entry(store_key, "oxigraph"))
        if store is not None:
            return store
        # Not built yet, or damaged (RocksDB refused to open it): build it from the N-Triples kept beside the KB.
        entry = cache.read(key, "ntriples")
        if not (isinstance(entry, dict) and isinstance(entry.get("data"), bytes)):
            # A damaged store whose triples were pruned meanwhile: without it, the next run loads the KB.
            cache.remove_folder(store_key, "oxigraph")
            raise RDFError("the KB's store in painkg's cache was damaged and is removed (run the command again)")
        data = entry["data"]

        def build(folder: Path) -> None:
            disk = ox.Store(str(folder))
            disk.bulk_load(data, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(GRAPH), lenient=True)
            disk.optimize()
            del disk  # closes the database before the folder is moved in

        store = _open_read_only(ox, cache.write_folder(store_key, "oxigraph", build))
        if store is None:  # no room on disk, or no RocksDB in this pyoxigraph: in memory, as before
            store = ox.Store()
            store.load(data, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(GRAPH), lenient=True)
        return store

    return open_


def _store_key(ox, key: str) -> str:
    """The KB's key, the N-Triples writer's code and pyoxigraph's version (its on-disk format)."""
    import hashlib

    digest = hashlib.blake2b(digest_size=20)
    digest.update(f"painkg oxigraph store 1\0{ox.__version__}\0{key}\0{_writer_digest()}".encode())
    return digest.hexdigest()


def _open_read_only(ox, folder: Path | None):
    if folder is None:
        return None
    try:
        return ox.Store.read_only(str(folder))
    except (OSError, ValueError, RuntimeError, AttributeError):  # damaged (RocksDB checks its files), or no RocksDB
        return None


def _ntriples(kg: KnowledgeGraph) -> bytes:
    """The N-Triples of *kg*, kept in painkg's cache beside an unchanged KB: a query does not rewrite them.

    The entry is the KB's own cache key (its tables' bytes and the loader's code) plus a hash
    of the writer's code, so an edited table or a new writer never gets old triples.
    """
    from ..kb import cache

    key = getattr(kg, "_cache_key", None)  # set only when the graph is exactly a cached load
    digest = _writer_digest() if key else ""
    entry = cache.read(key, "ntriples") if key else None
    if isinstance(entry, dict) and entry.get("digest") == digest and isinstance(entry.get("data"), bytes):
        return entry["data"]
    buffer = io.StringIO()
    write_ntriples(kg, buffer)
    data = buffer.getvalue().encode("utf-8")
    if key:
        cache.write(key, "ntriples", {"digest": digest, "data": data})
    return data


def _writer_digest() -> str:
    import hashlib

    here = Path(__file__).parent
    digest = hashlib.blake2b(digest_size=16)
    for name in ("ntriples.py", "store.py"):
        try:
            digest.update((here / name).read_bytes())
        except OSError:
            digest.update(b"\0missing\0")
    return digest.hexdigest()


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
    text = check_query(text, allow_service=allow_service)
    ox = _pyoxigraph()
    store = data if isinstance(data, ox.Store) else open_store(data)
    try:
        return store.query(text, prefixes=PREFIXES, use_default_graph_as_union=True)
    except SyntaxError as exc:
        raise QueryError(f"SPARQL: {_first_line(exc)}") from exc
    except (OSError, ValueError, RuntimeError) as exc:
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


def sparql(data, text: str, *, allow_service: bool = False, timeout: float | None = TIMEOUT) -> list[dict[str, object]]:
    """Run a SPARQL SELECT or ASK; return rows as ``{variable: rdflib term}`` (see :func:`query`).

    An ASK query returns ``[{"ask": True|False}]``.  The query runs in a child process that is
    stopped after *timeout* seconds (see :func:`run_bounded`; ``None``: in this process, no limit).

    Raises
    ------
    RDFError
        The query is malformed, is not a SELECT or ASK (use :func:`query` for CONSTRUCT), or did
        not finish within *timeout* seconds.

    Examples
    --------
    >>> rows = sparql(kg, "SELECT (COUNT(*) AS ?n) WHERE { ?s a rdf:Statement }")
    >>> int(rows[0]["n"]) == kg.graph.number_of_edges()
    True
    """
    import marshal

    store = data if isinstance(data, _pyoxigraph().Store) else open_store(data)

    def rows() -> bytes:
        result = query(store, text, allow_service=allow_service)
        kind = type(result).__name__
        if kind == "QueryBoolean":
            return marshal.dumps(bool(result))
        if kind != "QuerySolutions":
            raise QueryError("SPARQL: only SELECT and ASK give rows (allowed here: SELECT, ASK; "
                             "painkg.rdf.store.query runs CONSTRUCT)")
        names = [v.value for v in result.variables]
        try:
            return marshal.dumps([{n: _plain_term(row[n]) for n in names if row[n] is not None} for row in result])
        except (OSError, RuntimeError, ValueError) as exc:  # evaluation is lazy: errors surface while iterating
            raise RDFError(f"SPARQL: {_first_line(exc)}") from exc

    if not allow_service:  # a process that asks many queries imports the parser once, not in every child
        from rdflib.plugins.sparql import parser  # noqa: F401
    found = marshal.loads(run_bounded(rows, timeout=timeout))
    if isinstance(found, bool):
        return [{"ask": found}]
    return [{n: _rdflib_term(term) for n, term in row.items()} for row in found]


#: Bytes a bounded query may send back to the process that asked (rows, or an error).
MAX_ANSWER = 512 << 20


def run_bounded(work, *, timeout: float | None = TIMEOUT) -> bytes:
    """Run ``work()`` in a child process, stopped after *timeout* seconds; return the bytes it returned.

    Oxigraph evaluates a query in Rust without returning to Python, so neither a thread nor
    Ctrl-C can stop it there.  A forked child can be: at the deadline it is killed, and the
    call raises :class:`RDFError`; on Ctrl-C (SIGINT, which a terminal sends to the whole
    process group) the child dies at once and this process raises KeyboardInterrupt after
    killing it, whichever got the signal.  Whatever the child writes to standard output goes
    straight to this process's standard output.  A :class:`PainKGError` raised in the child is
    raised here again, with its message and class (``QueryError`` or ``RDFError``).

    Where there is no ``fork`` (Windows), or *timeout* is None, ``work()`` runs here, unbounded.
    """
    if timeout is None or not hasattr(os, "fork"):
        return work()
    for stream in (sys.stdout, sys.stderr):  # what is buffered now would otherwise be written twice
        with contextlib.suppress(Exception):
            stream.flush()
    read_end, write_end = os.pipe()
    with warnings.catch_warnings():  # Python 3.12+ warns about fork with threads; the child runs no other thread
        warnings.filterwarnings("ignore", ".*fork.*", DeprecationWarning)
        pid = os.fork()
    if pid == 0:  # the child: never returns
        os.close(read_end)
        _child(work, write_end)
    os.close(write_end)
    try:
        answer = _collect(read_end, pid, timeout)
    except BaseException:
        _stop(pid)
        raise
    finally:
        os.close(read_end)
    status, message = answer[:1], answer[1:]
    if status == b"+":
        return message
    text = message.decode("utf-8", "replace")
    raise (QueryError(text) if status == b"?" else RDFError(text))


def _child(work, write_end: int) -> None:
    code = 0
    try:
        signal.signal(signal.SIGINT, signal.SIG_DFL)  # Ctrl-C kills the child even inside Oxigraph's loop
        try:
            answer = b"+" + work()
        except BrokenPipeError:  # `painkg sparql … | head`: the reader left; not an error
            answer = b"+"
        except QueryError as exc:
            answer = b"?" + str(exc).encode("utf-8", "replace")
        except PainKGError as exc:
            answer = b"!" + str(exc).encode("utf-8", "replace")
        except MemoryError:
            answer = b"!SPARQL: the query ran out of memory"
        except (OSError, RuntimeError, ValueError) as exc:  # Oxigraph's evaluation errors (a failed SERVICE call)
            answer = b"!" + f"SPARQL: {_first_line(exc)}".encode("utf-8", "replace")
        except Exception as exc:  # noqa: BLE001  one line in the parent, never a traceback from a child
            answer = b"!" + f"SPARQL: {type(exc).__name__}: {_first_line(exc)}".encode("utf-8", "replace")
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()
        view = memoryview(answer)
        while view:
            view = view[os.write(write_end, view[:1 << 20]):]
    except BaseException:  # noqa: BLE001  a child must never run on into the parent's code
        code = 1
    finally:
        os._exit(code)


def _collect(read_end: int, pid: int, timeout: float) -> bytes:
    """Read the child's answer until it ends; kill the child at the deadline."""
    deadline = time.monotonic() + timeout
    chunks, size = [], 0
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            raise RDFError(f"SPARQL: no result within {timeout:g} s, so the query was stopped "
                           f"(allowed: --timeout SECONDS or timeout=, or a narrower query)")
        ready, _, _ = _select.select([read_end], [], [], min(left, 1.0))
        if not ready:
            continue
        chunk = os.read(read_end, 1 << 20)
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
        if size > MAX_ANSWER + 1:
            raise RDFError(f"SPARQL: more than {MAX_ANSWER >> 20} MB of results (allowed: fewer rows, e.g. LIMIT)")
    _, status = os.waitpid(pid, 0)
    answer = b"".join(chunks)
    if not answer and os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGINT:
        raise KeyboardInterrupt  # Ctrl-C reached the child first: the same as reaching this process
    if not answer:
        how = f"signal {os.WTERMSIG(status)}" if os.WIFSIGNALED(status) else f"status {os.waitstatus_to_exitcode(status)}"
        raise RDFError(f"SPARQL: the query process stopped without an answer ({how})")
    return answer


def _stop(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError, ChildProcessError):
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)


def _plain_term(term) -> tuple:
    """An Oxigraph term as plain values that cross a process boundary: (kind, value, datatype, language)."""
    kind = type(term).__name__
    if kind in ("NamedNode", "BlankNode"):
        return (kind, term.value, "", "")
    if kind == "Literal":
        return (kind, term.value, term.datatype.value if not term.language else "", term.language or "")
    return ("Literal", str(term), "", "")  # an RDF-star triple: its text


def _rdflib_term(term: tuple):
    from rdflib import BNode, Literal, URIRef

    kind, value, datatype, language = term
    if kind == "NamedNode":
        return URIRef(value)
    if kind == "BlankNode":
        return BNode(value)
    if language:
        return Literal(value, lang=language)
    return Literal(value, datatype=URIRef(datatype) if datatype else None)


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
        import base64

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
    import http.client  # here: a local query needs no network code (the email package under it)
    import socket

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
    import http.client

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
    import json

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
    from .read import _as_written

    data = Graph(bind_namespaces="none")
    try:
        with warnings.catch_warnings(), _as_written():  # literals as written: from_rdf judges " true" itself
            warnings.filterwarnings("ignore", "Parsing weird boolean", UserWarning)
            data.parse(data=body.decode("utf-8"), format="nt")
    except Exception as exc:  # rdflib raises many types; each means the reply was not N-Triples
        raise RDFError(f"{target.shown}: the reply is not N-Triples ({_first_line(exc)})") from exc
    if not len(data):
        raise RDFError(f"{target.shown}: graph <{graph}> is empty or missing (allowed: a graph painkg push filled)")
    return from_rdf(data)


def read_query(text_or_path: str) -> str:
    """Return the query text: the file's content if *text_or_path* names a file, else the text itself.

    A file is read as UTF-8 (a byte that is not is placed as ``file:line``), up to
    :data:`MAX_QUERY` characters; a pipe (``<(…)``) is read like a file.

    Raises
    ------
    RDFError
        The file cannot be read, is a folder, is too long, or is not UTF-8 text.
    """
    looks_like_path = "\n" not in text_or_path and len(text_or_path) < 1024
    try:
        if looks_like_path and (text_or_path.endswith(".rq") or Path(text_or_path).is_file()):
            with open(text_or_path, "rb") as f:
                return decode_query(f.read(4 * MAX_QUERY + 1), text_or_path)
    except IsADirectoryError as exc:
        raise RDFError(f"{text_or_path}: cannot read (it is a folder; allowed: a query file or the query text)") from exc
    except OSError as exc:
        raise RDFError(f"{text_or_path}: cannot read ({exc.strerror or exc})") from exc
    return text_or_path


def decode_query(data: bytes, name: str) -> str:
    """Return a query file's text, refusing what is not UTF-8 text at its ``name:line``.

    >>> decode_query(b"ASK {\\n  ?s ?p 'caf\\xe9' }", "q.rq")
    Traceback (most recent call last):
    painkg.errors.RDFError: q.rq:2: not UTF-8 (byte 0xe9; allowed: UTF-8 text)
    """
    if len(data) > 4 * MAX_QUERY:
        raise RDFError(f"{name}: more than {4 * MAX_QUERY:,} bytes (allowed: a query of up to {MAX_QUERY:,} characters)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise RDFError(f"{name}:{line}: not UTF-8 (byte 0x{data[exc.start]:02x}; allowed: UTF-8 text)") from None
    if "\0" in text:
        line = text.count("\n", 0, text.index("\0")) + 1
        raise RDFError(f"{name}:{line}: a NUL character: a binary file, not a query (allowed: SPARQL text)")
    return text
