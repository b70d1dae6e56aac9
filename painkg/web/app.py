"""The explorer's JSON API and its one page, as a Starlette ASGI app (``painkg.web:app``).

Routes (``docs/WEB.md`` documents each with examples):

``GET /``                 the page (``static/index.html``), its script and style under ``/static/``
``GET /api/search``       ``q``, ``limit``, ``kind``: nodes for the autocomplete
``GET|POST /api/trace``   a case (query string or JSON) → the trace's ``to_dict()`` and more
``GET|POST /api/read``    ``text`` → what was read, and the findings it adds to a case
``GET /api/node/{id}``    one node, its edges and their references
``GET /api/settings``     the settings a trace can assume, and the body chart's sites

Errors are JSON ``{"error": "one line"}``: an unknown term is 422 with ``suggestions``; any
other bad input 400 (404 for an unknown route); a body over :data:`LARGEST_BODY` 413 (refused
on its Content-Length, or as soon as a stream passes it); a request from another web site 403;
too many waiting 429; a note not read within :data:`WORK_SECONDS` 413 (too costly: shorten it), any
other work past it 503; never a 500 for anything a client sends.

The reader, the trace, the search and the diagram run in bounded thread pools, off the event
loop, so a slow request never holds up another (``/api/settings`` answers on the loop itself).
Under ``painkg serve`` those threads only wait for two worker processes forked over the warm KB
(:class:`Worker`: one for the usual requests, one, at a lower priority, for long notes), so the
event loop has Python's interpreter lock to itself (``create_app(processes=True)``).
Every response carries :data:`HEADERS`.

Examples
--------
>>> from starlette.testclient import TestClient
>>> with TestClient(create_app(kg)) as client:
...     client.get("/api/trace?present=groin+pain&absent=numbness").json()["candidates"][0]["id"]
'hip-osteoarthritis'
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import gc
import json
import logging
import math
import os
import re
import sys
import tempfile
import threading
from collections.abc import Awaitable, Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import anyio
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
from ..kb import evidence
from ..kb.vocab import Kind
from ..trace.compile import OBSERVABLE_KINDS
from . import case as cases
from .complete import LONGEST as LONGEST_QUERY
from .complete import complete

if TYPE_CHECKING:
    from ..kb.graph import KnowledgeGraph

__all__ = ["create_app", "warm", "search_nodes", "trace_case", "read_note", "node_data", "shares", "STATIC",
           "HEADERS", "LARGEST_BODY", "WORK_SECONDS"]

STATIC = Path(__file__).parent / "static"
#: Longest note ``/api/read`` reads (characters): a pasted note is far shorter.
LONGEST_NOTE = 20_000
#: Largest request body accepted (bytes): refused on its Content-Length, or once a stream passes it.
LARGEST_BODY = 200_000
#: Seconds a client may take to send its body.
BODY_SECONDS = 10.0
#: Seconds a request's work (a note read, a trace, a diagram) may take before the answer is 503.
WORK_SECONDS = 20.0
#: Threads and most waiting requests per kind of work: notes are the slow ones (a misspelt word
#: costs milliseconds), so they have their own thread and cannot hold up a search.  Few threads:
#: Python runs one at a time, and each more one is one more to wait for the event loop.
POOLS = {"read": (1, 64), "long": (1, 16), "quick": (1, 512), "draw": (1, 32)}
#: How much lower ``painkg serve``'s two worker processes run (``os.nice``): the event loop first, then
#: the usual requests (every pool but "long"), then long notes (seconds of work each).
NICE = {"usual": 2, "long": 10}
#: A note longer than this (characters) is read by the "long" pool, so a long or garbled paste
#: (a 20,000-character note of misspelt words takes seconds) never holds up the usual short ones.
LONG_NOTE = 3_000
#: The pain sites of the page's body chart (``static/index.html``); ``/api/settings`` gives the
#: label of those the KB holds, and the page hides the others.
CHART_SITES = ("abdominal-pain", "pelvic-pain", "groin-pain", "midline-groin-pain", "lateral-thigh-pain",
               "anterior-thigh-pain", "medial-thigh-pain", "knee-pain", "flank-pain", "low-back-pain", "psis-pain",
               "buttock-pain", "posterior-thigh-pain", "lateral-hip-pain")
#: A red-flag condition is named in the banner from this probability.
FLAG_THRESHOLD = 0.01
#: What evidence keys outside ``references.tsv`` stand for.
OTHER_EVIDENCE = {"seed": "the source article painkg started from", "anatomy": "textbook anatomy"}
#: On every response: the page may be framed by nobody, fetches nothing but its own server, and
#: no other site may read or embed what this server answers.
HEADERS = {
    "Content-Security-Policy": "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
                               "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}
_HEADER_BYTES = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in HEADERS.items()]
_SURROGATE = re.compile("[\ud800-\udfff]")
log = logging.getLogger("painkg.web")


class Refusal(Exception):
    """A request refused with its own status: too large (413), too slow (408), cross-site (403), busy (429)."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.headers = status, headers or {}


class Pool:
    """A few threads for one kind of work, a bounded queue, and a time limit per job.

    A job past :data:`WORK_SECONDS` is answered 503 but keeps its thread until it ends (Python
    cannot stop a thread), so the threads busy never exceed the pool's size: the work is bounded.
    """

    def __init__(self, name: str, threads: int, waiting: int, worker: Worker | None = None,
                 kg: KnowledgeGraph | None = None) -> None:
        self.name, self.threads, self.most = name, threads, threads + waiting
        self.busy = 0
        self._executor: concurrent.futures.ThreadPoolExecutor | None = None
        #: With a *worker*, this pool's threads only hand their job to that process (which has its
        #: own copy of *kg*) and wait: the event loop never waits for the interpreter lock behind them.
        self.worker, self.kg = worker, kg

    async def run(self, what: str, fn: Callable, *args, seconds: float | None = None, late: int = 503):
        if self.busy >= self.most:
            raise Refusal(429, f"{what}: the server is busy ({self.busy} requests of this kind in hand); "
                               "try again in a moment", {"Retry-After": "1"})
        if self._executor is None:
            self._executor = concurrent.futures.ThreadPoolExecutor(self.threads, thread_name_prefix=f"painkg-{self.name}")
        loop = asyncio.get_running_loop()
        if self.worker is not None:
            job = self._executor.submit(self.worker.run, self.name, fn,
                                        tuple(_TheKG if a is self.kg else a for a in args))
        else:
            job = self._executor.submit(fn, *args)
        self.busy += 1

        def finished(_) -> None:
            with contextlib.suppress(RuntimeError):  # the loop has closed (shutdown)
                loop.call_soon_threadsafe(self._finished)

        job.add_done_callback(finished)
        limit = WORK_SECONDS if seconds is None else seconds
        try:
            return await asyncio.wait_for(asyncio.wrap_future(job), limit)
        except asyncio.TimeoutError:
            job.cancel()
            if late == 413:  # the input costs too much to process: the client's to shorten, not a fault
                raise Refusal(413, f"{what}: not done in {limit:g} s (too much text the reader does not know); "
                                   "paste a shorter note") from None
            raise Refusal(late, f"{what}: stopped after {limit:g} s (too much to do for one request)",
                          {"Retry-After": "5"}) from None

    def _finished(self) -> None:
        self.busy -= 1

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
            self._executor = None


class _TheKG:
    """Stands for the KB in a job sent to a worker process, which has its own (forked) copy."""


class Worker:
    """A process forked over a warmed KB that runs the jobs of one or more pools, in threads of its own.

    The parent's pool threads send ``(job, pool, fn, args)`` (functions by name; :class:`_TheKG`
    where the KB goes) and wait; one thread reads the answers, ``(job, True, result)`` or
    ``(job, False, exception)``, and wakes whoever waits for each.  Inside the process each pool
    has as many threads as in the parent, so a note being read does not hold up a search.  The
    process ignores Ctrl-C (its parent stops it) and runs at a lower priority (*nice*), so the
    server's event loop gets a core first when both want one.
    """

    def __init__(self, kg: KnowledgeGraph, threads: dict[str, int], nice: int = 0) -> None:
        import multiprocessing

        context = multiprocessing.get_context("fork")
        self._conn, theirs = context.Pipe()
        self._sending = threading.Lock()
        self._waiting: dict[int, list] = {}
        self._next = 0
        self._reader: threading.Thread | None = None
        _PARENT_ENDS.append(self._conn)
        self.process = context.Process(target=_work, args=(theirs, kg, threads, nice), daemon=True,
                                       name="painkg-worker")
        self.process.start()
        theirs.close()

    def run(self, pool: str, fn: Callable, args: tuple):
        """In a thread of the parent: run ``fn(*args)`` in the process, wait, return or raise what it did."""
        done = threading.Event()
        slot: list[Any] = [done, None]
        with self._sending:
            if self._reader is None:  # started at the first job: no thread runs while the workers are forked
                self._reader = threading.Thread(target=self._read, name="painkg-worker-answers", daemon=True)
                self._reader.start()
            job = self._next = self._next + 1
            self._waiting[job] = slot
            try:
                self._conn.send((job, pool, fn, args))
            except (OSError, ValueError):
                self._waiting.pop(job, None)
                raise self._gone() from None
        done.wait()
        ok, value = slot[1]
        if ok:
            return value
        raise value

    def _read(self) -> None:
        while True:
            try:
                job, ok, value = self._conn.recv()
            except (EOFError, OSError):
                break
            slot = self._waiting.pop(job, None)
            if slot is not None:
                slot[1] = (ok, value)
                slot[0].set()
        with self._sending:
            waiting, self._waiting = self._waiting, {}
        for slot in waiting.values():
            slot[1] = (False, self._gone())
            slot[0].set()

    @staticmethod
    def _gone() -> Refusal:
        return Refusal(503, "the server's worker process has stopped; restart painkg serve", {"Retry-After": "5"})

    def stop(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
        self._conn.close()
        with contextlib.suppress(ValueError):
            _PARENT_ENDS.remove(self._conn)


#: The parent's end of every worker's pipe: a worker closes those it inherited, so that it (and
#: every other worker) reads the end of its pipe as soon as the server is gone, even if killed.
_PARENT_ENDS: list = []


def _work(conn, kg: KnowledgeGraph, threads: dict[str, int], nice: int) -> None:
    """A worker process's loop (see :class:`Worker`)."""
    import signal
    import traceback

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole process group: the parent stops us
    for end in _PARENT_ENDS:
        end.close()
    if nice:
        with contextlib.suppress(OSError):
            os.nice(nice)
    sending = threading.Lock()
    pools = {name: concurrent.futures.ThreadPoolExecutor(n, thread_name_prefix=f"painkg-{name}")
             for name, n in threads.items()}

    def answer(job: int, fn: Callable, args: tuple) -> None:
        try:
            out = (job, True, fn(*(kg if a is _TheKG else a for a in args)))
        except BaseException as exc:  # sent back and raised in the parent, as a thread would
            if not isinstance(exc, PainKGError) and sys.version_info >= (3, 11):  # add_note is 3.11+
                exc.add_note("in the worker process:\n" + "".join(traceback.format_exception(exc)))
            out = (job, False, exc)
        with sending:
            try:
                conn.send(out)
            except (EOFError, OSError):
                pass
            except Exception as exc:  # the answer or the exception cannot be pickled
                conn.send((job, False, RuntimeError(f"{type(exc).__name__}: {exc}")))

    while True:
        try:
            job, pool, fn, args = conn.recv()
        except (EOFError, OSError, KeyboardInterrupt):
            os._exit(0)  # the parent has gone: a thread still reading a note ends with us
        pools[pool].submit(answer, job, fn, args)


class Guard:
    """Outermost middleware: every response gets :data:`HEADERS`; the API refuses other web sites.

    A browser says where a request comes from (``Sec-Fetch-Site``, and ``Origin`` on a POST): a
    page on another site may not call the API, so it cannot make this server read a large body
    or a slow note (``fetch(..., {mode: "no-cors"})``).  The page itself may be opened from
    anywhere (a shared link).
    """

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message) -> None:
            if message["type"] == "http.response.start":
                present = {k.lower() for k, _ in message.get("headers", [])}
                message = dict(message)
                message["headers"] = list(message.get("headers", [])) + [
                    (k, v) for k, v in _HEADER_BYTES if k not in present]
            await send(message)

        refused = _cross_site(scope)
        if refused:
            await _json({"error": refused}, 403)(scope, receive, with_headers)
            return
        await self.app(scope, receive, with_headers)


def _cross_site(scope) -> str | None:
    if not scope["path"].startswith("/api/"):
        return None
    headers = {k.lower(): v for k, v in scope.get("headers", [])}
    if headers.get(b"sec-fetch-site", b"") == b"cross-site":
        return f"{scope['path']}: refused: a request from another site"
    origin = headers.get(b"origin")
    if origin is not None and scope.get("method") not in ("GET", "HEAD"):
        host = headers.get(b"host", b"").decode("latin-1").lower()
        try:
            netloc = urlsplit(origin.decode("latin-1")).netloc.lower()
        except ValueError:
            netloc = ""
        if not netloc or netloc != host:
            return f"{scope['path']}: refused: a request from another site ({origin.decode('latin-1')[:60]})"
    return None


def create_app(kg: KnowledgeGraph | None = None, *, allowed_hosts: Iterable[str] | None = None,
               processes: bool = False) -> Starlette:
    """Return the explorer app over *kg* (default: the bundled KB, loaded when the app starts).

    *allowed_hosts* limits the Host header (``painkg serve`` passes the loopback names when
    bound to 127.0.0.1, so another web site cannot reach it through DNS rebinding).

    *processes* (``painkg serve``; POSIX): the reader, the trace, the search and the diagram run in
    two worker processes forked now over *kg* (warm it first, see :func:`warm`): one for every pool
    but "long", with the pools' threads inside it, and one for long notes, each at a lower
    priority (:data:`NICE`).  In threads of this process they share the interpreter lock with
    the event loop, which then answered ``/api/settings`` in turns with them (p50 48 ms, p99
    159 ms under 50 busy clients, ``scripts/load.py``); in processes the loop has the lock to
    itself (p50 1.5 ms, p99 40 ms).  The workers share the KB's pages with this process until
    they write to them (reference counts): about 50-60 MB more in all after a minute of load.
    Fork before any thread starts: call this before the server runs.
    """
    if processes and kg is None:
        raise ValueError("create_app(processes=True) needs the KB (warm(kg)) to fork the workers over")
    state = {"kg": kg}
    workers: dict[str, Worker] = {}
    if processes:
        assert kg is not None  # checked above
        # Everything made so far (the KB, its indexes, the modules) is left out of the cyclic
        # collector for good: a collection in a worker would write to every object it scans,
        # copying on write the pages the workers share with this process.
        gc.collect()
        gc.freeze()
        usual = Worker(kg, {name: sizes[0] for name, sizes in POOLS.items() if name != "long"}, NICE["usual"])
        workers = {name: usual for name in POOLS if name != "long"}
        workers["long"] = Worker(kg, {"long": POOLS["long"][0]}, NICE["long"])
    pools = {name: Pool(name, *sizes, worker=workers.get(name), kg=kg) for name, sizes in POOLS.items()}

    @contextlib.asynccontextmanager
    async def lifespan(app):
        state["kg"] = await run_in_threadpool(warm, state["kg"])
        try:
            yield
        finally:
            for pool in pools.values():
                pool.close()
            for worker in set(workers.values()):
                worker.stop()

    def graph() -> KnowledgeGraph:
        loaded = state["kg"]
        if loaded is None:  # a client that skips the lifespan (a bare ASGI call)
            loaded = state["kg"] = warm(None)
        return loaded

    async def search(request: Request) -> Response:
        params = request.query_params
        text = params.get("q", "")
        if len(text) > LONGEST_QUERY:
            raise cases.CaseError(f"search: {len(text)} characters; at most {LONGEST_QUERY}")
        limit = _int(params.get("limit", "8"), "limit", 1, 50)
        kind = params.get("kind", "observable")
        return _ok(await pools["quick"].run("search", _as_json, search_nodes, graph(), text, limit, kind))

    async def trace(request: Request) -> Response:
        if request.method == "POST":
            body = await _body(request)
            case, limit, diagram = cases.parse_json(body), body.get("limit", 10), body.get("diagram")
            if not isinstance(limit, int) or isinstance(limit, bool) or not 1 <= limit <= 50:
                raise cases.CaseError(f"limit must be a whole number from 1 to 50 (got {limit!r:.40})")
            if diagram is not None and not isinstance(diagram, str):
                raise cases.CaseError(f"diagram must be a node id (got {diagram!r:.40})")
        else:
            params = request.query_params
            case = cases.parse_query(params.multi_items(), extra=("limit", "diagram"))
            limit, diagram = _int(params.get("limit", "10"), "limit", 1, 50), params.get("diagram")
        if not diagram:  # the answer is encoded off the loop too: a trace is 50 KB of JSON
            return _ok(await pools["quick"].run("trace", _as_json, trace_case, graph(), case, limit))
        data = await pools["quick"].run("trace", trace_case, graph(), case, limit)
        data["svg"], data["svg_error"] = await pools["draw"].run("diagram", _svg, graph(), case, limit, diagram)
        return _json(data)

    async def read(request: Request) -> Response:
        if request.method == "POST":
            body = await _body(request)
            text = body.get("text")
        else:
            text = request.query_params.get("text")
        pool = pools["long" if isinstance(text, str) and len(text) > LONG_NOTE else "read"]
        return _ok(await pool.run("read", _as_json, read_note, graph(), text, late=413))

    async def node(request: Request) -> Response:
        return _ok(await pools["quick"].run("node", _as_json, node_data, graph(), request.path_params["node_id"]))

    async def settings(request: Request) -> Response:
        kb = graph()
        found = kb.settings()
        return _json({"default": found[0].id if found else "primary-care",
                      "settings": [{"id": s.id, "label": s.label, "description": s.description,
                                    "default_prior": s.default_prior, "references": list(s.references)}
                                   for s in found],
                      "chart": {site: kb.graph.nodes[site]["label"] for site in CHART_SITES if site in kb.graph}})

    async def page(request: Request) -> Response:
        return FileResponse(STATIC / "index.html")

    async def no_icon(request: Request) -> Response:
        return Response(status_code=204)  # the page names no icon; a browser asks anyway

    routes = [
        Route("/", page),
        Route("/favicon.ico", no_icon),
        Route("/api/search", search),
        Route("/api/trace", trace, methods=["GET", "POST"]),
        Route("/api/read", read, methods=["GET", "POST"]),
        Route("/api/node/{node_id}", node),
        Route("/api/settings", settings),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
    middleware = [Middleware(Guard)]
    if allowed_hosts:
        middleware.append(Middleware(TrustedHostMiddleware, allowed_hosts=list(allowed_hosts)))
    # Each handler takes its own exception class: typed by what it returns.
    handlers: dict[type[Exception], Callable[..., Awaitable[Response]]] = {
        UnknownTermError: _unknown, PainKGError: _bad, Refusal: _refused, HTTPException: _http, Exception: _failed}
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
    complete(kg, "pain")  # and the names the search box completes
    return kg


# ---------------------------------------------------------------- the API's data, without HTTP


def search_nodes(kg: KnowledgeGraph, text: str, limit: int = 8, kind: str = "observable") -> dict:
    """The autocomplete's answer: nodes for what is typed, best first, with the name that matched.

    What the words mean first, then word beginnings with abbreviations first
    (:func:`painkg.web.complete.complete`).  *kind* is ``observable`` (what a case can hold:
    symptoms, findings, tests, activities, conditions), ``all``, or one node kind.  A row read
    as an activity's effect ("pain worse with walking") carries its ``relation``.

    >>> search_nodes(kg, "groi", limit=2)["results"][0]["id"]
    'groin-pain'
    >>> [r["id"] for r in search_nodes(kg, "60-year-old")["results"]]
    ['age-over-50']
    """
    kinds = _kinds(kind)
    graph = kg.graph
    found = complete(kg, text, limit=limit, keep=lambda node_id: graph.nodes[node_id]["kind"] in kinds)
    results = []
    for row in found:
        node = kg.node(row["id"])
        out = {"id": node.id, "label": node.label, "kind": node.kind.value, "matched": row["matched"],
               "region": node.region.value, "red_flag": node.red_flag}
        if row.get("relation"):
            out["relation"] = row["relation"]
        results.append(out)
    return {"query": text, "results": results}


def trace_case(kg: KnowledgeGraph, case: cases.Case, limit: int = 10) -> dict:
    """Trace a case: the result's ``to_dict()``, the case as resolved, labels and references, and
    what the page shows: ``rows`` (:func:`shares`), each red flag's ``level`` and ``unexplained``
    without the findings a red flag names.

    A case with nothing present or suspected is not traced: its ``candidates`` are empty and
    ``message`` says why.
    """
    case = cases.resolve(kg, case)
    _check_setting(kg, case.setting)
    data: dict[str, Any]
    if not any(f.state in ("present", "possible") for f in case.findings):
        data = {"candidates": [], "red_flags": [], "next_findings": [], "combinations": [], "groups": [],
                "observations": [], "unexplained": [], "setting": case.setting, "other_score": None,
                "unlisted_score": None, "message": "add something the patient has (present or suspected) to rank "
                                                    "the sources"}
    else:
        result = kg.trace(cases.reading(kg, case), setting=case.setting, limit=limit)
        data = result.to_dict()
        data.setdefault("unlisted_score", result.unlisted_score)
    data["case"] = case.to_dict()
    data["query"] = case.query()
    _flag_levels(data)
    data["rows"] = shares(data)
    data["labels"] = _labels(kg, data)
    data["references"] = _references(kg, data)
    return data


def shares(data: dict) -> list[dict]:
    """The ranking as the page shows it: rows whose percentages add up to exactly 100.0.

    One row per candidate alone and per pair (named once, whatever the order of its members),
    by share; then "other candidates" (beyond the limit, or each under 0.1 %) and "something
    else".  Each row's ``tenths`` are its share in tenths of a percent, rounded so that the rows
    add up to 1,000 (largest remainder); ``percent`` is how the page writes it.  A candidate
    that is also in a listed pair says so (``paired``).

    >>> rows = shares({"candidates": [{"id": "a", "score": 0.5, "paired": 0.25}, {"id": "b", "score": 0.15}],
    ...                "combinations": [{"members": ["a", "b"], "score": 0.25, "name": ""},
    ...                                 {"members": ["b", "a"], "score": 0.0004, "name": ""}],
    ...                "unlisted_score": 0.0, "other_score": 0.0996})
    >>> [(r["kind"], r["percent"]) for r in rows]
    [('candidate', '50.0 %'), ('pair', '25.0 %'), ('candidate', '15.0 %'), ('other', '10.0 %')]
    >>> sum(r["tenths"] for r in rows)
    1000
    """
    rows: list[dict] = []
    seen: dict = {}
    for c in data.get("candidates", []):
        if c["id"] in seen:
            continue
        seen[c["id"]] = row = {"kind": "candidate", "id": c["id"], "score": c["score"],
                               "paired": bool(c.get("paired"))}
        rows.append(row)
    for x in data.get("combinations", []):
        key = frozenset(x["members"])
        if key in seen:  # a pair listed twice (in either order) is one row
            seen[key]["score"] += x["score"]
            continue
        seen[key] = row = {"kind": "pair", "members": list(x["members"]), "name": x.get("name") or "",
                           "score": x["score"]}
        rows.append(row)
    if not rows:
        return []
    rows.sort(key=lambda r: -r["score"])
    listed = [r for r in rows if r["score"] >= 0.001]
    small = [r for r in rows if r["score"] < 0.001]
    tail = []
    rest = (data.get("unlisted_score") or 0.0) + sum(r["score"] for r in small)
    if rest > 0:
        tail.append({"kind": "unlisted", "score": rest, "count": len(small)})
    tail.append({"kind": "other", "score": data.get("other_score") or 0.0})
    out = listed + tail
    for row, tenths in zip(out, _largest_remainder([max(0.0, r["score"]) for r in out], 1000)):
        row["tenths"] = tenths
        row["percent"] = f"{tenths / 10:.1f} %" if tenths else "< 0.1 %"
    out = [r for r in out if r["kind"] != "unlisted" or r["tenths"]]
    listed_pairs = {m for r in listed if r["kind"] == "pair" for m in r["members"]}
    for rank, row in enumerate(r for r in out if r["kind"] in ("candidate", "pair")):
        row["rank"] = rank + 1
        if row["kind"] == "candidate":
            row["paired"] = row["paired"] or row["id"] in listed_pairs
    return out


def _largest_remainder(values: list[float], total: int) -> list[int]:
    """Whole numbers proportional to *values* that add up to *total* (Hamilton's method)."""
    whole = sum(values)
    if whole <= 0:
        return [0] * len(values)
    exact = [v / whole * total for v in values]
    out = [math.floor(x) for x in exact]
    for i in sorted(range(len(values)), key=lambda i: -(exact[i] - out[i]))[:total - sum(out)]:
        out[i] += 1
    return out


def _flag_levels(data: dict) -> None:
    """Give each red flag the ``level`` the page shows it at, and keep red-flag findings out of
    ``unexplained``.

    ``urgent`` (the banner): a red-flag finding present or suspected that needs urgent
    assessment, or a red-flag condition at :data:`FLAG_THRESHOLD` or more; ``check`` (a quiet
    note): a red-flag finding that only asks for the other red flags (an age band alone);
    ``quiet`` (not shown): a red-flag condition below the threshold.  A finding that raises a flag
    is never "explained by no candidate": the flag says what to do about it.
    """
    named: set[str] = set()
    for flag in data.get("red_flags", []):
        if flag.get("kind") == "condition" or flag.get("score") is not None:
            level = "urgent" if (flag.get("score") or 0.0) >= FLAG_THRESHOLD else "quiet"
        else:
            level = "urgent" if "urgent" in flag["message"] else "check"
        if re.search(r"\(0\.0 ?%\)|\b0\.0 ?%", flag["message"]):
            level = "quiet"  # never a reassuring "0.0 %" in a banner that says act first
        flag["level"] = level
        if level != "quiet":
            named.update(flag.get("observations", []))
            if flag.get("kind") != "condition":
                named.add(flag["id"])
    data["unexplained"] = [o for o in data.get("unexplained", []) if o not in named]


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
            return None, _drawing_failed(str(exc), folder)
        text = path.read_text(encoding="utf-8")
    return text[text.find("<svg"):], None  # inline: no XML prolog or DOCTYPE


def _drawing_failed(message: str, folder: str) -> str:
    """Why no diagram, for the page: what to do, never a path on the server."""
    if "Graphviz" in message and ("not on PATH" in message or "needs" in message):
        return ("The diagram needs Graphviz (the dot program), which is not installed on the machine running "
                "painkg serve: apt-get install graphviz, brew install graphviz or conda install graphviz. "
                "The text above says the same as the diagram.")
    message = message.replace(folder, "").replace("/why.svg: ", "").replace("why.svg: ", "")
    return f"The diagram could not be drawn ({message.splitlines()[0][:200] if message else 'no reason given'})."


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
        raise TraceError(f"search: unknown kind {kind!r:.60} (allowed: {allowed})") from None


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
    """Citation, PMID, DOI and kind of every evidence key the answer cites.

    ``kind`` is :func:`painkg.kb.evidence.kind` (guideline, systematic review, cohort or
    cross-sectional study, narrative review, case report, textbook, anatomy, seed, not stated),
    ``kind_label`` how the page names it, and ``weak`` whether it is weaker than a cohort.
    """
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
            entry = {"citation": ref.get("citation", ""), "pmid": ref.get("pmid", ""), "doi": ref.get("doi", "")}
        elif key in OTHER_EVIDENCE:
            entry = {"citation": OTHER_EVIDENCE[key], "pmid": "", "doi": ""}
        else:
            continue
        kind = evidence.kind(key, entry["citation"])
        out[key] = {**entry, "kind": kind, "kind_label": evidence.KINDS[kind],
                    "weak": evidence.weaker_than_cohort(kind)}
    return out


def _int(text: str, name: str, lowest: int, highest: int) -> int:
    value = int(text) if text.isascii() and text.isdigit() and len(text) < 10 else None
    if value is None or not lowest <= value <= highest:
        raise cases.CaseError(f"{name}: {text!r:.40} is not a whole number from {lowest} to {highest}")
    return value


async def _body(request: Request) -> dict:
    """The request's JSON object: refused past :data:`LARGEST_BODY` before or while it is read."""
    length = request.headers.get("content-length")
    if length is not None:
        if not (length.isascii() and length.isdigit()):
            raise cases.CaseError(f"body: Content-Length {length[:20]!r} is not a number of bytes")
        if int(length) > LARGEST_BODY:
            raise Refusal(413, f"body: {int(length)} bytes; at most {LARGEST_BODY}")
    raw = bytearray()
    try:
        with anyio.fail_after(BODY_SECONDS):
            async for chunk in request.stream():
                raw += chunk
                if len(raw) > LARGEST_BODY:
                    raise Refusal(413, f"body: more than {LARGEST_BODY} bytes; at most {LARGEST_BODY}")
    except TimeoutError:
        raise Refusal(408, f"body: not all received within {BODY_SECONDS:g} s") from None
    try:
        data = json.loads(bytes(raw))
    except RecursionError:
        raise cases.CaseError("body: JSON nested too deeply") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise cases.CaseError(f"body: not JSON ({str(exc).splitlines()[0][:120]})") from None
    if not isinstance(data, dict):
        raise cases.CaseError(f"body: expected a JSON object (got {type(data).__name__})")
    _no_surrogates(data)
    return data


def _no_surrogates(data) -> None:
    """Refuse a JSON string holding a lone surrogate (``"\\ud800"``): it is no character."""
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            found = _SURROGATE.search(item)
            if found:
                raise cases.CaseError(f"body: \\u{ord(found.group()):04x} is half of a surrogate pair, "
                                      "not a character")
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def _finite(data):
    """JSON has no NaN or infinity: write them as null (a likelihood ratio may be infinite)."""
    if isinstance(data, float):
        return data if math.isfinite(data) else None
    if isinstance(data, dict):
        return {k: _finite(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_finite(v) for v in data]
    return data


def _encode(data) -> bytes:
    """JSON bytes: non-finite numbers as null, a lone surrogate escaped."""
    try:
        text = json.dumps(data, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    except ValueError:
        data = _finite(data)
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate echoed back: escaped, still JSON
        return json.dumps(data, ensure_ascii=True, allow_nan=False, separators=(",", ":")).encode("ascii")


def _as_json(fn: Callable, *args) -> bytes:
    """Run *fn* and encode its answer (both in a worker thread, off the event loop)."""
    return _encode(fn(*args))


def _ok(body: bytes) -> Response:
    return Response(body, media_type="application/json", headers={"Cache-Control": "no-store", **HEADERS})


def _json(data, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(_encode(data), status_code=status, media_type="application/json",
                    headers={"Cache-Control": "no-store", **HEADERS, **(headers or {})})


async def _unknown(request: Request, exc: UnknownTermError) -> Response:
    return _json({"error": str(exc), "term": exc.term, "suggestions": list(exc.suggestions)}, 422)


async def _bad(request: Request, exc: PainKGError) -> Response:
    return _json({"error": str(exc).splitlines()[0] if str(exc) else type(exc).__name__}, 400)


async def _refused(request: Request, exc: Refusal) -> Response:
    return _json({"error": str(exc)}, exc.status, exc.headers)


async def _http(request: Request, exc: HTTPException) -> Response:
    return _json({"error": f"{request.url.path}: {exc.detail}"}, exc.status_code)


async def _failed(request: Request, exc: Exception) -> Response:
    # A bug of ours, not the client's input: logged with its traceback; the client gets one line
    # that gives nothing of the server away.
    log.error("%s %s: internal error", request.method, request.url.path, exc_info=exc)
    return _json({"error": f"{request.url.path}: internal error (a fault in painkg, logged on the server)"}, 500)
