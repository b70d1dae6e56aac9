"""Check and query painkg RDF: SHACL shapes, SPARQL, and SPARQL 1.1 stores over HTTP.

``push`` loads the export into any store that speaks the SPARQL 1.1 Graph Store
Protocol (Oxigraph, Fuseki, GraphDB, Virtuoso) with the standard library only;
``select`` runs a query on such a store's SPARQL endpoint.  Nothing here fetches
anything but the URL it is given, and only over http(s).

Examples
--------
>>> rows = sparql(kg, "SELECT (COUNT(*) AS ?n) WHERE { ?s a rdf:Statement }")
>>> int(rows[0]["n"]) == kg.graph.number_of_edges()
True
"""

from __future__ import annotations

import io
import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from ..errors import RDFError
from ..kb.tables import ontology_folder
from ..kb.graph import KnowledgeGraph
from .ntriples import GRAPH, PREFIXES, write_ntriples

__all__ = ["ShaclReport", "PushResult", "validate_shacl", "shapes", "sparql", "push", "select", "read_query"]


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


def sparql(data, query: str) -> list[dict[str, object]]:
    """Run a SPARQL SELECT or ASK on the knowledge base; return rows as ``{variable: rdflib term}``.

    The painkg prefixes (``painkg:``, ``node:``, ``skos:`` …) are predeclared.
    An ASK query returns ``[{"ask": True|False}]``.

    Raises
    ------
    RDFError
        The query is malformed, or is not a SELECT or ASK.
    """
    graph = _graph(data)
    try:
        result = graph.query(query, initNs=PREFIXES)
    except Exception as exc:  # pyparsing and rdflib raise many types for a bad query
        raise RDFError(f"SPARQL: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}") from exc
    if result.type == "ASK":
        return [{"ask": bool(result.askAnswer)}]
    if result.type != "SELECT":
        raise RDFError(f"SPARQL: only SELECT and ASK queries are supported (got {result.type})")
    names = [str(v) for v in result.vars]
    return [{n: row[n] for n in names if row[n] is not None} for row in result]


def _http(url: str) -> str:
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise RDFError(f"{url}: not an http(s) URL (allowed: http://…, https://…)")
    return url


def push(kg: KnowledgeGraph, url: str, *, graph: str = GRAPH, timeout: float = 120) -> PushResult:
    """Replace a named graph of a SPARQL 1.1 Graph Store Protocol endpoint with the export.

    Sends one ``PUT {url}?graph={graph}`` with the N-Triples of *kg*.

    Parameters
    ----------
    url : str
        The store's Graph Store endpoint, e.g. ``http://localhost:7878/store`` (Oxigraph),
        ``http://localhost:3030/painkg/data`` (Fuseki).
    graph : str
        The named graph to replace (default :data:`painkg.ntriples.GRAPH`).

    Raises
    ------
    RDFError
        Not an http(s) URL, the server refused, or it could not be reached.
    """
    buffer = io.StringIO()
    triples = write_ntriples(kg, buffer)
    separator = "&" if urllib.parse.urlsplit(_http(url)).query else "?"
    target = f"{url}{separator}{urllib.parse.urlencode({'graph': graph})}"
    request = urllib.request.Request(target, data=buffer.getvalue().encode("utf-8"), method="PUT",
                                     headers={"Content-Type": "application/n-triples"})
    return PushResult(url, graph, triples, _send(request, timeout).status)


def _send(request: urllib.request.Request, timeout: float):
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (scheme checked)
            response.body = response.read()
            return response
    except urllib.error.HTTPError as exc:
        detail = exc.read(300).decode("utf-8", "replace").strip().splitlines()
        raise RDFError(f"{request.full_url}: HTTP {exc.code} {exc.reason}"
                       + (f" ({detail[0]})" if detail else "")) from exc
    except (urllib.error.URLError, OSError) as exc:
        raise RDFError(f"{request.full_url}: cannot connect ({getattr(exc, 'reason', exc)})") from exc


def select(url: str, query: str, *, graph: str | None = GRAPH, timeout: float = 60) -> list[dict[str, str]]:
    """Run a SELECT on a SPARQL 1.1 endpoint; return rows as ``{variable: value text}``.

    *graph* becomes the query's default graph (``default-graph-uri``), so the same
    query text runs unchanged locally and on the store.
    """
    params = {"query": query, **({"default-graph-uri": graph} if graph else {})}
    request = urllib.request.Request(_http(url), data=urllib.parse.urlencode(params).encode("ascii"),
                                     headers={"Accept": "application/sparql-results+json",
                                              "Content-Type": "application/x-www-form-urlencoded"})
    document = json.loads(_send(request, timeout).body)
    return [{name: cell["value"] for name, cell in row.items()} for row in document["results"]["bindings"]]


def read_query(text_or_path: str) -> str:
    """Return the query text: the file's content if *text_or_path* names a file, else the text itself."""
    looks_like_path = "\n" not in text_or_path and len(text_or_path) < 1024
    try:
        if looks_like_path and (text_or_path.endswith(".rq") or Path(text_or_path).is_file()):
            return Path(text_or_path).read_text(encoding="utf-8")
    except OSError as exc:
        raise RDFError(f"{text_or_path}: cannot read ({exc.strerror or exc})") from exc
    return text_or_path
