"""The explorer's JSON API and its one page, as a Starlette ASGI app (``painkg.web:app``).

Routes (``docs/WEB.md`` documents each with examples):

``GET /``                 the page (``static/index.html``), its script and style under ``/static/``
``GET /api/search``       ``q``, ``limit``, ``kind``: nodes for the autocomplete
``GET|POST /api/trace``   a case (query string or JSON) → the trace's ``to_dict()`` and more
``GET|POST /api/read``    ``text`` → what was read, and the findings it adds to a case
``GET /api/node/{id}``    one node, its edges and their references
``GET /api/settings``     the settings a trace can assume

Errors are JSON ``{"error": "one line"}``: an unknown term is 422 with ``suggestions``; any
other bad input 400 (404 for an unknown route); never a 500 for anything a client sends.

Examples
--------
>>> from starlette.testclient import TestClient
>>> with TestClient(create_app(kg)) as client:
...     client.get("/api/trace?present=groin+pain&absent=numbness").json()["candidates"][0]["id"]
'hip-osteoarthritis'
"""

from __future__ import annotations

import contextlib
import json
import math
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from ..errors import PainKGError, RenderError, TraceError, UnknownTermError
from ..kb.vocab import Kind
from ..trace.compile import OBSERVABLE_KINDS
from . import case as cases

if TYPE_CHECKING:
    from ..kb.graph import KnowledgeGraph

__all__ = ["create_app", "warm", "search_nodes", "trace_case", "read_note", "node_data", "STATIC"]

STATIC = Path(__file__).parent / "static"
#: Longest note ``/api/read`` reads (characters): a pasted note is far shorter.
LONGEST_NOTE = 20_000
#: Longest JSON body accepted (bytes).
LARGEST_BODY = 200_000
#: What evidence keys outside ``references.tsv`` stand for.
OTHER_EVIDENCE = {"seed": "the source article painkg started from", "anatomy": "textbook anatomy"}
#: The page may be framed by nobody, and fetches nothing but its own server.
HEADERS = {
    "Content-Security-Policy": "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
                               "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


def create_app(kg: KnowledgeGraph | None = None, *, allowed_hosts: Iterable[str] | None = None) -> Starlette:
    """Return the explorer app over *kg* (default: the bundled KB, loaded when the app starts).

    *allowed_hosts* limits the Host header (``painkg serve`` passes the loopback names when
    bound to 127.0.0.1, so another web site cannot reach it through DNS rebinding).
    """
    state = {"kg": kg}

    @contextlib.asynccontextmanager
    async def lifespan(app):
        state["kg"] = await run_in_threadpool(warm, state["kg"])
        yield

    def graph() -> KnowledgeGraph:
        if state["kg"] is None:  # a client that skips the lifespan (a bare ASGI call)
            state["kg"] = warm(None)
        return state["kg"]

    async def search(request: Request) -> Response:
        return _json(search_nodes(graph(), request.query_params.get("q", ""),
                                  limit=_int(request.query_params.get("limit", "8"), "limit", 1, 50),
                                  kind=request.query_params.get("kind", "observable")))

    async def trace(request: Request) -> Response:
        if request.method == "POST":
            body = await _body(request)
            case, limit, diagram = cases.parse_json(body), body.get("limit", 10), body.get("diagram")
            if not isinstance(limit, int) or isinstance(limit, bool):
                raise cases.CaseError(f"limit must be a whole number (got {limit!r})")
        else:
            params = request.query_params
            case = cases.parse_query(params.multi_items(), extra=("limit", "diagram"))
            limit, diagram = _int(params.get("limit", "10"), "limit", 1, 50), params.get("diagram")
        data = trace_case(graph(), case, limit=limit)
        if diagram:
            data["svg"], data["svg_error"] = await run_in_threadpool(_svg, graph(), case, limit, diagram)
        return _json(data)

    async def read(request: Request) -> Response:
        if request.method == "POST":
            body = await _body(request)
            text = body.get("text")
        else:
            text = request.query_params.get("text")
        return _json(read_note(graph(), text))

    async def node(request: Request) -> Response:
        return _json(node_data(graph(), request.path_params["node_id"]))

    async def settings(request: Request) -> Response:
        found = graph().settings()
        return _json({"default": found[0].id if found else "primary-care",
                      "settings": [{"id": s.id, "label": s.label, "description": s.description,
                                    "default_prior": s.default_prior, "references": list(s.references)}
                                   for s in found]})

    async def page(request: Request) -> Response:
        return FileResponse(STATIC / "index.html", headers=HEADERS)

    routes = [
        Route("/", page),
        Route("/api/search", search),
        Route("/api/trace", trace, methods=["GET", "POST"]),
        Route("/api/read", read, methods=["GET", "POST"]),
        Route("/api/node/{node_id}", node),
        Route("/api/settings", settings),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
    middleware = [Middleware(TrustedHostMiddleware, allowed_hosts=list(allowed_hosts))] if allowed_hosts else []
    handlers = {UnknownTermError: _unknown, PainKGError: _bad, HTTPException: _http, Exception: _failed}
    return Starlette(routes=routes, middleware=middleware, exception_handlers=handlers, lifespan=lifespan)


def warm(kg: KnowledgeGraph | None = None) -> KnowledgeGraph:
    """Load the KB (default: the bundled one) and compile what the first interaction would wait for.

    >>> warm(kg) is kg
    True
    """
    if kg is None:
        from ..kb.graph import load

        kg = load()
    observable = next((n for n, d in kg.graph.nodes(data=True) if d["kind"] in OBSERVABLE_KINDS
                       and d["kind"] is not Kind.ACTIVITY), None)
    if observable is not None:
        kg.trace(cases.reading(kg, cases.Case((cases.Finding(observable),))))  # compiles the diagnostic table
    kg.read("no pain")  # builds the phrase table
    kg.search("pain")  # builds the term index
    return kg


# ---------------------------------------------------------------- the API's data, without HTTP


def search_nodes(kg: KnowledgeGraph, text: str, *, limit: int = 8, kind: str = "observable") -> dict:
    """The autocomplete's answer: nodes whose names match *text*, best first, with the name that matched.

    *kind* is ``observable`` (what a case can hold: symptoms, findings, tests, activities,
    conditions), ``all``, or one node kind.

    >>> [r["id"] for r in search_nodes(kg, "groin", limit=2)["results"]]
    ['groin-pain', 'inguinal-hernia']
    """
    kinds = _kinds(kind)
    matches = kg.index.search(text, limit=max(limit * 10, 100)) if text.strip() else []
    results = []
    for m in matches:
        node = kg.node(m.node_id)
        if node.kind not in kinds:
            continue
        results.append({"id": node.id, "label": node.label, "kind": node.kind.value, "matched": m.matched,
                        "region": node.region.value, "red_flag": node.red_flag})
        if len(results) == limit:
            break
    return {"query": text, "results": results}


def trace_case(kg: KnowledgeGraph, case: cases.Case, *, limit: int = 10) -> dict:
    """Trace a case: the result's ``to_dict()``, the case as resolved, labels and references.

    A case with nothing present or suspected is not traced: its ``candidates`` are empty and
    ``message`` says why.
    """
    case = cases.resolve(kg, case)
    _check_setting(kg, case.setting)
    if not any(f.state in ("present", "possible") for f in case.findings):
        data = {"candidates": [], "red_flags": [], "next_findings": [], "combinations": [], "groups": [],
                "observations": [], "setting": case.setting, "other_score": None,
                "message": "add something the patient has (present or suspected) to rank the sources"}
    else:
        data = kg.trace(cases.reading(kg, case), setting=case.setting, limit=limit).to_dict()
    data["case"] = case.to_dict()
    data["query"] = case.query()
    data["labels"] = _labels(kg, data)
    data["references"] = _references(kg, data)
    return data


def read_note(kg: KnowledgeGraph, text: object) -> dict:
    """Read a note: the Reading's ``to_dict()`` and the findings it adds to a case
    (:func:`painkg.web.case.read_findings`).

    >>> [(f["id"], f["state"]) for f in read_note(kg, "no numbness, ?CES")["findings"]]
    [('numbness', 'absent'), ('cauda-equina-syndrome', 'possible')]
    """
    if not isinstance(text, str) or not text.strip():
        raise TraceError("read: give the note's text (a non-empty string)")
    if len(text) > LONGEST_NOTE:
        raise TraceError(f"read: the note is {len(text)} characters; at most {LONGEST_NOTE}")
    reading = kg.read(text)
    found = cases.read_findings(kg, reading)
    data = reading.to_dict()
    data["marked"] = reading.marked()
    data["findings"] = [f.to_dict() for f in found]
    return data


def node_data(kg: KnowledgeGraph, term: str) -> dict:
    """One node (by id, label, synonym or code), its edges out and in, and their references."""
    node = kg.resolve(term)

    def edge(e) -> dict:
        out = {"source": e.source, "relation": e.relation.value, "phrase": e.relation.phrase, "target": e.target,
               "strength": e.strength.value if e.strength else None, "references": list(e.references)}
        for name in ("frequency", "sensitivity", "specificity", "lr_positive", "lr_negative"):
            if getattr(e, name) is not None:
                out[name] = getattr(e, name)
        if e.qualifier:
            out["qualifier"] = e.qualifier.value
        return out

    data = {
        "node": {"id": node.id, "label": node.label, "kind": node.kind.value, "synonyms": list(node.synonyms),
                 "codes": list(node.codes), "region": node.region.value, "region_label": node.region.label,
                 "definition": node.definition, "red_flag": node.red_flag,
                 "role": node.role.value if node.role else None, "references": list(node.references)},
        "out": [edge(e) for e in kg.edges(source=node.id)],
        "in": [edge(e) for e in kg.edges(target=node.id)],
    }
    data["labels"] = _labels(kg, data)
    data["references"] = _references(kg, data)
    return data


# ---------------------------------------------------------------- helpers


def _svg(kg: KnowledgeGraph, case: cases.Case, limit: int, focus: str) -> tuple[str | None, str | None]:
    """The explanation diagram as inline SVG text, drawn so the *focus* candidate is in it."""
    from ..draw.diagram import render_trace

    case = cases.resolve(kg, case)
    if not any(f.state in ("present", "possible") for f in case.findings):
        return None, "nothing to draw: the case has nothing present"
    result = kg.trace(cases.reading(kg, case), setting=case.setting, limit=limit)
    ranks = [i for i, c in enumerate(result.candidates, 1) if c.node.id == focus]
    top = max(3, ranks[0]) if ranks else 3
    with tempfile.TemporaryDirectory(prefix="painkg-web-") as folder:
        path = Path(folder) / "why.svg"
        try:
            render_trace(result, path, top=top)
        except RenderError as exc:  # no Graphviz: the page says so instead of the picture
            return None, str(exc)
        text = path.read_text(encoding="utf-8")
    return text[text.find("<svg"):], None  # inline: no XML prolog or DOCTYPE


def _check_setting(kg: KnowledgeGraph, name: str) -> None:
    from ..trace.settings import setting

    setting(kg.graph, name)  # raises TraceError naming the known settings


def _kinds(kind: str) -> frozenset:
    if kind == "observable":
        return OBSERVABLE_KINDS
    if kind == "all":
        return frozenset(Kind)
    try:
        return frozenset({Kind(kind)})
    except ValueError:
        allowed = ", ".join(["observable", "all", *(k.value for k in Kind)])
        raise TraceError(f"search: unknown kind {kind!r} (allowed: {allowed})") from None


def _walk(data) -> Iterable[str]:
    """Every string inside nested dicts and lists."""
    if isinstance(data, str):
        yield data
    elif isinstance(data, dict):
        for value in data.values():
            yield from _walk(value)
    elif isinstance(data, list):
        for value in data:
            yield from _walk(value)


def _labels(kg: KnowledgeGraph, data: dict) -> dict[str, str]:
    """The label of every node id the answer mentions, so the page never shows a bare id."""
    graph = kg.graph
    return {s: graph.nodes[s]["label"] for s in _walk(data) if s in graph}


def _references(kg: KnowledgeGraph, data) -> dict[str, dict]:
    """Citation, PMID and DOI of every evidence key the answer cites."""
    keys: dict[str, None] = {}

    def collect(d) -> None:
        if isinstance(d, dict):
            for k, v in d.items():
                if k == "references" and isinstance(v, list):
                    keys.update(dict.fromkeys(x for x in v if isinstance(x, str)))
                else:
                    collect(v)
        elif isinstance(d, list):
            for v in d:
                collect(v)

    collect(data)
    out = {}
    for key in keys:
        ref = kg.references.get(key)
        if ref is not None:
            out[key] = {"citation": ref.get("citation", ""), "pmid": ref.get("pmid", ""), "doi": ref.get("doi", "")}
        elif key in OTHER_EVIDENCE:
            out[key] = {"citation": OTHER_EVIDENCE[key], "pmid": "", "doi": ""}
    return out


def _int(text: str, name: str, lowest: int, highest: int) -> int:
    try:
        value = int(text)
    except ValueError:
        value = None
    if value is None or not lowest <= value <= highest:
        raise cases.CaseError(f"{name}: {text!r} is not a whole number from {lowest} to {highest}")
    return value


async def _body(request: Request) -> dict:
    raw = await request.body()
    if len(raw) > LARGEST_BODY:
        raise cases.CaseError(f"body: {len(raw)} bytes; at most {LARGEST_BODY}")
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise cases.CaseError(f"body: not JSON ({str(exc).splitlines()[0]})") from None
    if not isinstance(data, dict):
        raise cases.CaseError(f"body: expected a JSON object (got {type(data).__name__})")
    return data


def _finite(data):
    """JSON has no NaN or infinity: write them as null (a likelihood ratio may be infinite)."""
    if isinstance(data, float):
        return data if math.isfinite(data) else None
    if isinstance(data, dict):
        return {k: _finite(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_finite(v) for v in data]
    return data


def _json(data, status: int = 200) -> Response:
    try:
        text = json.dumps(data, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    except ValueError:
        text = json.dumps(_finite(data), ensure_ascii=False, separators=(",", ":"))
    return Response(text, status_code=status, media_type="application/json", headers={"Cache-Control": "no-store"})


async def _unknown(request: Request, exc: UnknownTermError) -> Response:
    return _json({"error": str(exc), "term": exc.term, "suggestions": list(exc.suggestions)}, 422)


async def _bad(request: Request, exc: PainKGError) -> Response:
    return _json({"error": str(exc).splitlines()[0] if str(exc) else type(exc).__name__}, 400)


async def _http(request: Request, exc: HTTPException) -> Response:
    return _json({"error": f"{request.url.path}: {exc.detail}"}, exc.status_code)


async def _failed(request: Request, exc: Exception) -> Response:
    # A bug of ours, not the client's input: one line, and the status that says so.
    return _json({"error": f"{request.url.path}: internal error ({type(exc).__name__}: {exc})"[:300]}, 500)
