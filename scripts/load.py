#!/usr/bin/env python3
"""Load ``painkg serve`` with ordinary and hostile clients and check issue 23's load criterion.

It starts ``python -m painkg serve --port 0`` (this checkout's code) as a child process and, for
``--duration`` seconds, runs:

* ``--clients`` ordinary clients (default 50), each on its own keep-alive connection, asking one
  request after another (``--think`` ms apart; 0: as fast as they are answered) from a mix of
  the explorer's requests: the page, its static files, ``/api/settings``, the autocomplete
  (``/api/search`` with the start of a term), ``/api/trace`` (GET and POST, 2-6 findings, a few
  with their diagram), ``/api/read`` of ordinary notes (30-300 words) and ``/api/node``;
* ``--hostile`` hostile clients besides them (default 5, one of each kind, round robin):
  ``body`` (a POST declaring a 500 MB ``Content-Length``, or a chunked one without a length,
  streamed in 64 KB pieces until the server answers or closes), ``note`` (a 20,000-character
  note of misspelt words the reader has never seen: seconds of work), ``slow`` (slowloris:
  ``--slow-connections`` connections that send half a request's headers and then one byte a
  second), ``junk`` (malformed JSON, wrong types, JSON nested 90,000 deep, undecodable bytes,
  a bad ``Content-Length``) and ``surrogate`` (lone surrogates in JSON and in query strings);
* a probe in a process of its own (so the load generator's own work never delays it) asking
  ``GET /api/settings`` every ``--probe-ms`` ms on a keep-alive connection and timing each answer;
* a sampler of the server's memory every 0.25 s: its own ``VmRSS`` (``/proc/<pid>/status``; and its
  peak ``VmHWM``), and the PSS of it and its worker processes (``/proc/<pid>/smaps_rollup``: shared
  pages counted once, so a page a worker copies on write counts); its CPU time, threads and open
  descriptors, and the machine's load average.

It prints the probe's p50/p95/p99/max, every status counted by kind of request, the memory at
the start and its largest growth, and exits 1 if a criterion fails:

* the probe's p99 is at most ``--p99-ms`` (100) and every probe is answered 200;
* no response is a 5xx, and no ordinary request fails without an answer;
* the server's memory stays within ``--rss-mb`` (100 MB) of where it started: its own RSS, and the
  PSS of it and its worker processes together;
* the server stops cleanly on Ctrl-C (SIGINT), with no traceback in its log.

Exit status 2: the server did not start. It never runs inside the test suite (a unit test runs
it for 3 seconds with few clients). Usage::

    python scripts/load.py                         # 60 s, 50 clients + 5 hostile: issue 23's run
    python scripts/load.py --duration 10 --json out.json
    python scripts/load.py --serve-arg=--kb --serve-arg=my-kb/
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import multiprocessing
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path
from urllib.parse import quote, urlencode

ROOT = Path(__file__).resolve().parents[1]

#: The ordinary mix: kind of request -> weight (shares of all ordinary requests).
MIX = {"page": 3, "static": 5, "settings": 5, "search": 32, "trace": 22, "trace-post": 6, "diagram": 2,
       "read": 15, "node": 10}
#: Hostile kinds, assigned to hostile clients in this order.
HOSTILE = ("body", "note", "slow", "junk", "surrogate")
#: What a user types into the search box (each asked as a random prefix of at least 3 letters).
TYPED = ["groin pain", "low back pain", "numbness", "night pain", "saddle anaesthesia", "urinary retention",
         "fever", "limited hip internal rotation", "buttock pain", "lateral hip pain", "worse with walking",
         "relieved by sitting", "straight leg raise", "weight loss", "knee pain", "pain radiating down the leg",
         "clicking", "stiffness in the morning", "trendelenburg", "history of cancer", "age over 50", "LBP",
         "CES", "OA", "pain worse with sitting", "bilateral leg weakness", "psis pain", "thigh pain", "trauma"]
#: Sentences of ordinary notes (known words: milliseconds each).
SENTENCES = [
    "58-year-old man with low back pain for three weeks.", "Pain is worse with walking and eased by sitting.",
    "No saddle anaesthesia, no urinary retention, no fever.", "He denies night pain and weight loss.",
    "Groin pain on the right for two months, worse on stairs.", "Limited hip internal rotation on examination.",
    "Morning stiffness lasting under an hour.", "Straight leg raise positive on the left at 40 degrees.",
    "Numbness along the lateral thigh, no weakness.", "Buttock pain when sitting for long periods.",
    "She is a keen runner and the pain started after a marathon.", "No history of cancer.",
    "Pain radiating down the leg to the calf.", "Lateral hip pain lying on the affected side.",
    "Bowel and bladder function normal.", "Previous history of prostate cancer, treated in 2015.",
    "Takes paracetamol with little effect.", "Pain wakes her at night.", "Trendelenburg sign positive.",
    "Clicking in the hip with a catching feeling.", "Tender over the greater trochanter.",
]
#: Words searched at the start to collect node ids for traces and node pages.
SEED_WORDS = ["pain", "groin", "hip", "back", "thigh", "numbness", "fever", "walking", "sitting", "retention",
              "rotation", "cancer", "knee", "buttock", "straight leg", "stiffness", "weight", "osteoarthritis",
              "fracture", "syndrome", "tendinopathy", "stenosis", "hernia", "bursitis"]
STATIC_FILES = ["/static/app.js", "/static/style.css", "/static/index.html"]
REQUEST_SECONDS = 60.0  # an ordinary request not answered in this long is a failure


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0-100) of *values*; NaN when empty."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


# ---------------------------------------------------------------- a lean HTTP/1.1 client on asyncio streams


class NoAnswer(Exception):
    """The connection closed or failed before a whole response arrived."""


async def read_response(reader: asyncio.StreamReader) -> tuple[int, dict[str, str], bytes]:
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError) as exc:
        raise NoAnswer(type(exc).__name__) from None
    lines = head.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ", 2)
    if len(parts) < 2 or not parts[1].isdigit():
        raise NoAnswer(f"bad status line {lines[0]!r:.60}")
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            name, value = line.split(":", 1)
            headers[name.strip().lower()] = value.strip()
    try:
        if "content-length" in headers:
            body = await reader.readexactly(int(headers["content-length"]))
        elif headers.get("transfer-encoding", "").lower() == "chunked":
            body = bytearray()
            while True:
                size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
                if size == 0:
                    await reader.readuntil(b"\r\n")
                    break
                body += await reader.readexactly(size)
                await reader.readexactly(2)
            body = bytes(body)
        else:
            body = await reader.read()
    except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError, ValueError) as exc:
        raise NoAnswer(type(exc).__name__) from None
    return int(parts[1]), headers, body


class Connection:
    """One keep-alive connection; reopened when the server closes it."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None
        self.used = False

    async def _open(self) -> None:
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port, limit=1 << 20)
        self.used = False

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None

    async def request(self, method: str, path: str, body: bytes | None = None,
                      headers: dict[str, str] | None = None) -> tuple[int, bytes]:
        """Send one request; retry once on a reused connection that closed before answering."""
        for attempt in (0, 1):
            if self.writer is None:
                await self._open()
            reused = self.used
            head = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}"]
            for name, value in (headers or {}).items():
                head.append(f"{name}: {value}")
            if body is not None:
                head.append(f"Content-Length: {len(body)}")
            data = ("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + (body or b"")
            try:
                self.writer.write(data)
                await self.writer.drain()
                status, got, payload = await read_response(self.reader)
            except (NoAnswer, ConnectionError) as exc:
                self.close()
                if reused and attempt == 0:
                    continue  # the keep-alive close race: the server closed an idle connection
                raise NoAnswer(str(exc) or type(exc).__name__) from None
            self.used = True
            if got.get("connection", "").lower() == "close":
                self.close()
            return status, payload
        raise AssertionError("unreachable")


# ---------------------------------------------------------------- the run's record


class Record:
    def __init__(self) -> None:
        self.status: dict[str, Counter] = defaultdict(Counter)  # kind -> status (int or 'no answer: ...')
        self.seconds: dict[str, list[float]] = defaultdict(list)
        self.notes: dict[str, list] = defaultdict(list)  # extra observations by hostile kind

    def count(self, kind: str, status, seconds: float | None = None) -> None:
        self.status[kind][status] += 1
        if seconds is not None:
            self.seconds[kind].append(seconds)


# ---------------------------------------------------------------- ordinary clients


class Material:
    """Ids and texts the ordinary clients ask about, collected from the server at the start."""

    def __init__(self, observable: list[str], nodes: list[str]) -> None:
        self.observable, self.nodes = observable, nodes


async def collect(host: str, port: int) -> Material:
    conn = Connection(host, port)
    observable: dict[str, None] = {}
    nodes: dict[str, None] = {}
    try:
        for word in SEED_WORDS:
            for kind in ("observable", "all"):
                status, body = await conn.request("GET", "/api/search?" + urlencode({"q": word, "limit": 20,
                                                                                      "kind": kind}))
                if status != 200:
                    raise SystemExit(f"load: /api/search?q={word} answered {status} at the start")
                for row in json.loads(body)["results"]:
                    (observable if kind == "observable" and row["kind"] != "activity" else nodes)[row["id"]] = None
                    nodes[row["id"]] = None
    finally:
        conn.close()
    return Material(list(observable), list(nodes))


def note(rnd: random.Random) -> str:
    return " ".join(rnd.choice(SENTENCES) for _ in range(rnd.randint(3, 30)))


async def ordinary(host: str, port: int, deadline: float, material: Material, record: Record, rnd: random.Random,
                   think: float) -> None:
    conn = Connection(host, port)
    kinds, weights = list(MIX), list(MIX.values())
    try:
        while time.monotonic() < deadline:
            kind = rnd.choices(kinds, weights)[0]
            method, body, headers = "GET", None, None
            if kind == "page":
                path = "/"
            elif kind == "static":
                path = rnd.choice(STATIC_FILES)
            elif kind == "settings":
                path = "/api/settings"
            elif kind == "search":
                term = rnd.choice(TYPED)
                path = "/api/search?" + urlencode({"q": term[:rnd.randint(min(3, len(term)), len(term))]})
            elif kind in ("trace", "trace-post", "diagram"):
                picked = rnd.sample(material.observable, rnd.randint(2, min(6, len(material.observable))))
                states = ["present"] + [rnd.choice(("present", "present", "absent", "possible", "unknown"))
                                        for _ in picked[1:]]
                if kind == "trace-post":
                    method, path = "POST", "/api/trace"
                    body = json.dumps({"painkg_case": 1, "setting": "primary-care",
                                       "findings": [{"id": i, "state": s} for i, s in zip(picked, states)]}).encode()
                    headers = {"Content-Type": "application/json"}
                else:
                    query = [(s, i) for i, s in zip(picked, states)]
                    if kind == "diagram":
                        query.append(("diagram", picked[0]))
                    path = "/api/trace?" + urlencode(query)
            elif kind == "read":
                if rnd.random() < 0.8:
                    method, path = "POST", "/api/read"
                    body = json.dumps({"text": note(rnd)}).encode()
                    headers = {"Content-Type": "application/json"}
                else:
                    path = "/api/read?" + urlencode({"text": " ".join(rnd.choice(SENTENCES) for _ in range(3))})
            else:  # node
                path = "/api/node/" + quote(rnd.choice(material.nodes), safe="")
            started = time.perf_counter()
            try:
                status, _ = await asyncio.wait_for(conn.request(method, path, body, headers), REQUEST_SECONDS)
            except (NoAnswer, OSError, asyncio.TimeoutError) as exc:
                conn.close()
                record.count(kind, f"no answer ({type(exc).__name__}: {str(exc)[:40]})")
                continue
            record.count(kind, status, time.perf_counter() - started)
            if think:
                await asyncio.sleep(rnd.expovariate(1 / think))
    finally:
        conn.close()


# ---------------------------------------------------------------- hostile clients

BIG = 500_000_000
PIECE = 64 * 1024


async def hostile_body(host: str, port: int, deadline: float, record: Record, rnd: random.Random) -> None:
    """A declared 500 MB body (or a chunked one with no length), streamed until answered or closed."""
    chunked = False
    while time.monotonic() < deadline:
        kind = "body (chunked)" if chunked else "body (500 MB Content-Length)"
        started = time.perf_counter()
        sent = 0
        try:
            reader, writer = await asyncio.open_connection(host, port)
        except OSError as exc:
            record.count(kind, f"no connection ({type(exc).__name__})")
            await asyncio.sleep(0.5)
            continue
        length = "Transfer-Encoding: chunked" if chunked else f"Content-Length: {BIG}"
        writer.write(f"POST /api/trace HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Type: application/json\r\n"
                     f"{length}\r\n\r\n".encode())
        answer = asyncio.ensure_future(read_response(reader))
        piece = b"[" + b"0," * (PIECE // 2 - 1) + b"0"
        framed = f"{len(piece):x}\r\n".encode() + piece + b"\r\n" if chunked else piece
        try:
            while sent < BIG and not answer.done() and time.monotonic() < deadline + 30:
                writer.write(framed)
                drained = asyncio.ensure_future(writer.drain())
                await asyncio.wait({drained, answer}, timeout=5, return_when=asyncio.FIRST_COMPLETED)
                if not drained.done():
                    drained.cancel()
                    break  # the server stopped reading: wait for its answer
                drained.result()
                sent += len(piece)
                await asyncio.sleep(0.005)  # about 12 MB/s at most: slow for 500 MB
        except (ConnectionError, OSError):
            pass  # the server closed the connection while we were sending: refused
        try:
            status, _, _ = await asyncio.wait_for(answer, 30)
            record.count(kind, status, time.perf_counter() - started)
        except (NoAnswer, asyncio.TimeoutError, ConnectionError) as exc:
            record.count(kind, f"closed without an answer ({type(exc).__name__})", time.perf_counter() - started)
        record.notes["body bytes sent before the answer"].append(sent)
        writer.close()
        chunked = not chunked
        await asyncio.sleep(0.2)


def misspelt(rnd: random.Random, characters: int = 20_000) -> str:
    words = []
    size = 0
    while size < characters - 8:
        word = "".join(rnd.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(7))
        words.append(word)
        size += 8
    return " ".join(words)[:characters]


async def hostile_note(host: str, port: int, deadline: float, record: Record, rnd: random.Random) -> None:
    """A 20,000-character note of words the reader has never seen, one after another."""
    conn = Connection(host, port)
    try:
        while time.monotonic() < deadline:
            body = json.dumps({"text": misspelt(rnd)}).encode()
            started = time.perf_counter()
            try:
                status, _ = await asyncio.wait_for(
                    conn.request("POST", "/api/read", body, {"Content-Type": "application/json"}), 90)
            except (NoAnswer, OSError, asyncio.TimeoutError) as exc:
                conn.close()
                record.count("note (20,000 misspelt characters)", f"no answer ({type(exc).__name__})")
                continue
            record.count("note (20,000 misspelt characters)", status, time.perf_counter() - started)
    finally:
        conn.close()


async def hostile_slow(host: str, port: int, deadline: float, record: Record, rnd: random.Random,
                       connections: int) -> None:
    """Slowloris: half-sent headers, then a byte a second, on *connections* connections at once."""

    async def one() -> None:
        while time.monotonic() < deadline:
            started = time.monotonic()
            try:
                reader, writer = await asyncio.open_connection(host, port)
            except OSError as exc:
                record.count("slow headers", f"no connection ({type(exc).__name__})")
                await asyncio.sleep(1)
                continue
            closed = None
            try:
                writer.write(f"GET /api/settings HTTP/1.1\r\nHost: {host}:{port}\r\nX-Slow: ".encode())
                while time.monotonic() < deadline:
                    try:
                        got = await asyncio.wait_for(reader.read(4096), 1.0)
                    except asyncio.TimeoutError:
                        writer.write(b"a")  # one more byte of a header that never ends
                        continue
                    closed = "closed by the server" if not got else f"answered {got[9:12].decode('latin-1')}"
                    break
            except (ConnectionError, OSError):
                closed = "reset by the server"
            finally:
                writer.close()
            if closed is None:
                record.count("slow headers", "still open at the end", time.monotonic() - started)
            else:
                record.count("slow headers", closed, time.monotonic() - started)

    await asyncio.gather(*(one() for _ in range(connections)))


JUNK = [
    ("POST", "/api/trace", b'{"findings": [', "application/json"),
    ("POST", "/api/trace", b"{'findings': []}", "application/json"),
    ("POST", "/api/trace", b'{"findings": "groin pain"}', "application/json"),
    ("POST", "/api/trace", b'{"findings": [{"id": 5, "state": ["present"]}], "limit": 1e308}', "application/json"),
    ("POST", "/api/trace", b'[' * 90_000, "application/json"),
    ("POST", "/api/read", b'{"text": ' + b'[' * 90_000 + b'"x"' + b']' * 90_000 + b'}', "application/json"),
    ("POST", "/api/read", b'\xff\xfe\x00{"text"', "application/json"),
    ("POST", "/api/read", b"text=groin+pain", "application/x-www-form-urlencoded"),
    ("POST", "/api/read", b"", "application/json"),
    ("POST", "/api/read", b'{"text": null}', "application/json"),
    ("POST", "/api/search", b'{"q": "groin"}', "application/json"),
    ("GET", "/api/trace?present=&absent=%00&limit=-1", None, None),
    ("GET", "/api/search?q=" + "x" * 3000, None, None),
    ("GET", "/api/search?limit=%D9%A3&q=groin", None, None),
    ("GET", "/api/node/%2e%2e%2f%2e%2e%2fetc%2fpasswd", None, None),
    ("GET", "/static/..%2f..%2fpyproject.toml", None, None),
]


async def hostile_junk(host: str, port: int, deadline: float, record: Record, rnd: random.Random) -> None:
    """Malformed requests, one after another: bad JSON, wrong types, deep nesting, bad lengths."""
    conn = Connection(host, port)
    try:
        while time.monotonic() < deadline:
            if rnd.random() < 0.1:  # a Content-Length that is not a number: h11 refuses it
                await raw_once(host, port, b"POST /api/trace HTTP/1.1\r\nHost: x\r\nContent-Length: 12abc\r\n\r\n{}",
                               "junk", record)
                continue
            method, path, body, ctype = rnd.choice(JUNK)
            await timed(conn, record, "junk", method, path, body, {"Content-Type": ctype} if ctype else None)
            await asyncio.sleep(0.02)
    finally:
        conn.close()


async def timed(conn: Connection, record: Record, kind: str, method: str, path: str, body: bytes | None,
                headers: dict | None) -> None:
    """One request on a kept-alive connection, counted by its status (or by how it failed) and time."""
    started = time.perf_counter()
    try:
        status, _ = await asyncio.wait_for(conn.request(method, path, body, headers), 60)
    except (NoAnswer, OSError, asyncio.TimeoutError) as exc:
        conn.close()
        record.count(kind, f"no answer ({type(exc).__name__})")
        return
    record.count(kind, status, time.perf_counter() - started)


async def raw_once(host: str, port: int, data: bytes, kind: str, record: Record) -> None:
    started = time.perf_counter()
    try:
        reader, writer = await asyncio.open_connection(host, port)
    except OSError as exc:
        record.count(kind, f"no connection ({type(exc).__name__})")
        return
    try:
        writer.write(data)
        status, _, _ = await asyncio.wait_for(read_response(reader), 30)
        record.count(kind, status, time.perf_counter() - started)
    except (NoAnswer, OSError, asyncio.TimeoutError) as exc:
        record.count(kind, f"closed without an answer ({type(exc).__name__})")
    finally:
        writer.close()


SURROGATES = [
    ("POST", "/api/read", b'{"text": "groin pain \\ud800"}'),
    ("POST", "/api/read", b'{"text": "\\udc00\\udc00 low back pain"}'),
    ("POST", "/api/trace", b'{"findings": [{"id": "groin-pain\\ud83d", "state": "present"}]}'),
    ("POST", "/api/trace", b'{"findings": [{"id": "groin-pain", "state": "present"}], "\\ud800": 1}'),
    ("GET", "/api/search?q=%ED%A0%80", None),
    ("GET", "/api/search?q=groin%ED%B0%80", None),
    ("GET", "/api/read?text=%ED%A0%80+fever", None),
    ("GET", "/api/trace?present=%ED%A0%80", None),
    ("GET", "/api/node/%ED%A0%80", None),
]


async def hostile_surrogate(host: str, port: int, deadline: float, record: Record, rnd: random.Random) -> None:
    """Lone surrogates (half a UTF-16 pair) in JSON strings, keys and query strings."""
    conn = Connection(host, port)
    try:
        while time.monotonic() < deadline:
            method, path, body = rnd.choice(SURROGATES)
            await timed(conn, record, "surrogate", method, path, body,
                        {"Content-Type": "application/json"} if body else None)
            await asyncio.sleep(0.02)
    finally:
        conn.close()


# ---------------------------------------------------------------- the probe (a process of its own)


def probe(host: str, port: int, start_at: float, deadline: float, every: float, out) -> None:
    """Ask GET /api/settings every *every* seconds from *start_at* to *deadline* (time.time()); send the
    list of (seconds since start, latency in s or None, status or error) through *out*."""
    import http.client

    rows = []
    connection = None
    while time.time() < start_at:
        time.sleep(0.01)
    planned = time.perf_counter()
    origin = planned
    while time.time() < deadline:
        started = time.perf_counter()
        try:
            if connection is None:
                connection = http.client.HTTPConnection(host, port, timeout=10)
            connection.request("GET", "/api/settings")
            response = connection.getresponse()
            response.read()
            status = response.status
            if response.getheader("connection", "").lower() == "close":
                connection.close()
                connection = None
            rows.append((started - origin, time.perf_counter() - started, status))
        except (OSError, http.client.HTTPException) as exc:
            if connection is not None:
                connection.close()
            connection = None
            rows.append((started - origin, None, f"{type(exc).__name__}"))
        planned += every
        pause = planned - time.perf_counter()
        if pause > 0:
            time.sleep(pause)
        else:
            planned = time.perf_counter()  # late: the next probe goes now, not a burst to catch up
    if connection is not None:
        connection.close()
    out.send(rows)
    out.close()


# ---------------------------------------------------------------- the server and its memory


def children(pid: int) -> list[int]:
    """Every process below *pid* (the server's worker processes)."""
    parents: dict[int, list[int]] = defaultdict(list)
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                with open(f"/proc/{name}/stat", encoding="ascii", errors="replace") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            parents[ppid].append(int(name))
    found, todo = [], [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def one_process(pid: int) -> dict[str, float]:
    """VmRSS, VmHWM (kB), Threads, Pss (kB, from smaps_rollup), CPU seconds of one process."""
    found: dict[str, float] = {"VmRSS": 0, "VmHWM": 0, "Threads": 0}  # a zombie has none of them
    with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as f:
        for line in f:
            name, _, value = line.partition(":")
            if name in ("VmRSS", "VmHWM", "Threads"):
                found[name] = int(value.split()[0])
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii", errors="replace") as f:
            for line in f:
                if line.startswith("Pss:"):
                    found["Pss"] = int(line.split()[1])
    except OSError:
        found["Pss"] = found.get("VmRSS", 0)
    with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    found["cpu"] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return found


def status_of(pid: int) -> dict[str, float]:
    """The server process's own figures (VmRSS, VmHWM, Threads, Pss, cpu, fds), and its process
    tree's (``tree_pss``, ``tree_rss``, ``tree_cpu``, ``processes``): the worker processes included."""
    found = one_process(pid)
    try:
        found["fds"] = len(os.listdir(f"/proc/{pid}/fd"))
    except OSError:
        found["fds"] = -1
    found["tree_pss"], found["tree_rss"], found["tree_cpu"], found["processes"] = \
        found["Pss"], found["VmRSS"], found["cpu"], 1
    for child in children(pid):
        try:
            other = one_process(child)
        except OSError:
            continue  # ended meanwhile
        found["tree_pss"] += other["Pss"]
        found["tree_rss"] += other["VmRSS"]
        found["tree_cpu"] += other["cpu"]
        found["processes"] += 1
    return found


def loadavg() -> list[float]:
    with open("/proc/loadavg", encoding="ascii") as f:
        return [float(x) for x in f.read().split()[:3]]


class Sampler(threading.Thread):
    def __init__(self, pid: int, every: float = 0.25) -> None:
        super().__init__(daemon=True)
        self.pid, self.every = pid, every
        self.samples: list[tuple[float, dict]] = []
        self.loads: list[list[float]] = []
        self.stop = threading.Event()
        self.errors, self.last_error = 0, ""

    def run(self) -> None:
        origin = time.monotonic()
        while not self.stop.is_set():
            try:
                self.samples.append((time.monotonic() - origin, status_of(self.pid)))
                self.loads.append(loadavg())
            except FileNotFoundError:
                return  # the server has gone
            except (OSError, ValueError, IndexError) as exc:  # a child ending while read: try again
                self.errors += 1
                self.last_error = repr(exc)
            self.stop.wait(self.every)


def start_server(python: str, extra: list[str], log: Path) -> tuple[subprocess.Popen, str, int]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    err = open(log, "w", encoding="utf-8")
    proc = subprocess.Popen([python, "-m", "painkg", "serve", "--port", "0", *extra], stdout=subprocess.PIPE,
                            stderr=err, text=True, env=env, cwd=str(ROOT))
    err.close()
    line = proc.stdout.readline()
    found = re.search(r"http://(\[[^\]]+\]|[^:/]+):(\d+)/", line)
    if not found:
        proc.kill()
        proc.wait()
        raise SystemExit(f"load: painkg serve did not start: {line.strip()!r} {log.read_text()[-2000:]}")
    threading.Thread(target=proc.stdout.read, daemon=True).start()  # never let its pipe fill
    return proc, found.group(1).strip("[]"), int(found.group(2))


# ---------------------------------------------------------------- the run


async def drive(host: str, port: int, args, record: Record, deadline: float) -> float:
    material = await collect(host, port)
    rnd = random.Random(args.seed)
    ordinary_tasks = [asyncio.ensure_future(ordinary(host, port, deadline, material, record, random.Random(rnd.random()),
                                                     args.think / 1000)) for _ in range(args.clients)]
    hostile_tasks = []
    for i in range(args.hostile):
        kind = HOSTILE[i % len(HOSTILE)]
        r = random.Random(rnd.random())
        if kind == "body":
            job = hostile_body(host, port, deadline, record, r)
        elif kind == "note":
            job = hostile_note(host, port, deadline, record, r)
        elif kind == "slow":
            job = hostile_slow(host, port, deadline, record, r, args.slow_connections)
        elif kind == "junk":
            job = hostile_junk(host, port, deadline, record, r)
        else:
            job = hostile_surrogate(host, port, deadline, record, r)
        hostile_tasks.append(asyncio.ensure_future(job))
    await asyncio.gather(*ordinary_tasks)
    # A hostile request still in hand at the end (a 20,000-character note) is cut, not waited for.
    if hostile_tasks:
        await asyncio.wait(hostile_tasks, timeout=max(0.0, deadline + 1 - time.monotonic()))
    for task in hostile_tasks:
        task.cancel()
    await asyncio.gather(*hostile_tasks, return_exceptions=True)
    return time.monotonic()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="scripts/load.py", formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Start `painkg serve` on a free local port, load it with ordinary and hostile clients, probe "
                    "/api/settings, sample the server's memory, and check issue 23's load criterion (exit 1 if "
                    "it fails, 2 if the server does not start).",
        epilog="The ordinary mix (shares): " + ", ".join(f"{k} {v} %" for k, v in MIX.items()) + ". Hostile kinds, "
               "assigned round robin: body (a declared 500 MB Content-Length, or chunked with no length, streamed "
               "in 64 KB pieces), note (20,000 misspelt characters to /api/read), slow (slowloris half-sent "
               "headers), junk (malformed JSON, deep nesting, bad lengths), surrogate (lone surrogates).")
    parser.add_argument("--duration", type=float, default=60.0, metavar="SECONDS",
                        help="how long the clients and the probe run (default 60)")
    parser.add_argument("--clients", type=int, default=50, metavar="N",
                        help="ordinary clients, each on its own keep-alive connection (default 50)")
    parser.add_argument("--hostile", type=int, default=5, metavar="N",
                        help="hostile clients besides the ordinary ones, one kind each in the order body, note, "
                             "slow, junk, surrogate (default 5: one of each; 0: none)")
    parser.add_argument("--slow-connections", type=int, default=20, metavar="N",
                        help="connections each slow-headers (slowloris) client holds at once (default 20)")
    parser.add_argument("--think", type=float, default=0.0, metavar="MS",
                        help="mean pause of an ordinary client between two requests, exponentially distributed "
                             "(default 0: the next request as soon as the answer is in)")
    parser.add_argument("--probe-ms", type=float, default=100.0, metavar="MS",
                        help="how often the probe asks GET /api/settings (default 100)")
    parser.add_argument("--p99-ms", type=float, default=100.0, metavar="MS",
                        help="criterion: the probe's 99th percentile at most this (default 100)")
    parser.add_argument("--rss-mb", type=float, default=100.0, metavar="MB",
                        help="criterion: the server's RSS, and the PSS of it and its worker processes, at most this much "
                             "above their start (default 100)")
    parser.add_argument("--seed", type=int, default=23, help="seed of the clients' random choices (default 23)")
    parser.add_argument("--python", default=sys.executable, metavar="PATH",
                        help="the Python that runs `-m painkg serve` (default: this one); this checkout's painkg "
                             "is put first on its PYTHONPATH")
    parser.add_argument("--serve-arg", action="append", default=[], metavar="ARG",
                        help="one more argument for `painkg serve`, repeatable (e.g. --serve-arg=--kb "
                             "--serve-arg=FOLDER); --port is always 0 (a free port)")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write every figure to FILE as JSON")
    parser.add_argument("--quiet", action="store_true", help="print only the summary's verdict lines")
    args = parser.parse_args(argv)
    if args.duration <= 0 or args.clients < 0 or args.hostile < 0 or args.probe_ms <= 0:
        parser.error("--duration and --probe-ms must be positive, --clients and --hostile not negative")

    log = Path(tempfile.mkdtemp(prefix="painkg-load-")) / "server.log"
    load_before = loadavg()
    proc, host, port = start_server(args.python, args.serve_arg, log)
    record = Record()
    try:
        time.sleep(0.5)  # let the server settle after printing its address
        start = status_of(proc.pid)
        # The probe and the clients start together, a second from now (the probe's process starts first).
        start_at = time.time() + 1.0
        deadline_wall = start_at + args.duration
        ours, theirs = multiprocessing.Pipe(duplex=False)
        prober = multiprocessing.get_context("fork").Process(
            target=probe, args=(host, port, start_at, deadline_wall, args.probe_ms / 1000, theirs), daemon=True)
        prober.start()
        theirs.close()
        sampler = Sampler(proc.pid)  # started after the fork: the probe's process holds no thread of ours
        sampler.start()
        time.sleep(max(0.0, start_at - time.time()))
        began = time.monotonic()
        elapsed = asyncio.run(drive(host, port, args, record, began + args.duration)) - began
        probes = ours.recv() if ours.poll(60) else []
        prober.join(10)
        sampler.stop.set()
        sampler.join(5)
        end = status_of(proc.pid)
        load_after = loadavg()
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    server_log = log.read_text(encoding="utf-8", errors="replace")
    return report(args, record, probes, start, end, sampler, elapsed, load_before, load_after, proc.returncode,
                  server_log)


def report(args, record: Record, probes, start, end, sampler: Sampler, elapsed: float, load_before, load_after,
           returncode: int, server_log: str) -> int:
    latencies = [p[1] for p in probes if p[1] is not None and p[2] == 200]
    failed_probes = [p for p in probes if p[1] is None or p[2] != 200]
    samples = [x for _, x in sampler.samples] or [end]
    rss = [x["VmRSS"] for x in samples]
    pss = [x["tree_pss"] for x in samples]
    growth_mb = (max(rss) - start["VmRSS"]) / 1024  # the server process itself
    peak_growth_mb = (end["VmHWM"] - start["VmRSS"]) / 1024
    tree_growth_mb = (max(pss) - start["tree_pss"]) / 1024  # it and its worker processes, shared pages once
    ordinary_kinds = [k for k in record.status if k in MIX]
    hostile_kinds = [k for k in record.status if k not in MIX]
    served = sum(n for k in ordinary_kinds for s, n in record.status[k].items() if isinstance(s, int))
    no_answer = sum(n for k in ordinary_kinds for s, n in record.status[k].items() if not isinstance(s, int))
    fives = sum(n for k in record.status for s, n in record.status[k].items() if isinstance(s, int) and s >= 500)
    fives += sum(1 for p in probes if isinstance(p[2], int) and p[2] >= 500)
    cpu = end["tree_cpu"] - start["tree_cpu"]
    tracebacks = server_log.count("Traceback")
    p = {q: percentile(latencies, q) * 1000 for q in (50, 95, 99)}
    checks = {
        f"probe p99 {p[99]:.1f} ms <= {args.p99_ms:g} ms": p[99] <= args.p99_ms,
        f"every probe answered 200 ({len(latencies)} of {len(probes)})": not failed_probes and bool(probes),
        f"no 5xx (found {fives})": fives == 0,
        f"every ordinary request answered ({no_answer} not)": no_answer == 0,
        f"memory growth {max(growth_mb, tree_growth_mb):.1f} MB <= {args.rss_mb:g} MB (the server's RSS, and the "
        f"PSS of it and its workers)": max(growth_mb, tree_growth_mb) <= args.rss_mb,
        f"stopped cleanly on Ctrl-C (exit {returncode}, {tracebacks} tracebacks in its log)":
            returncode == 0 and tracebacks == 0,
    }
    if not args.quiet:
        print(f"painkg serve under load: {args.clients} ordinary + {args.hostile} hostile clients for "
              f"{elapsed:.1f} s (probe every {args.probe_ms:g} ms, in a process of its own); "
              f"{os.cpu_count()} CPUs, load average {load_before[0]:.2f} before, {load_after[0]:.2f} "
              f"(1 min) / {load_after[1]:.2f} (5 min) after")
        print(f"probe GET /api/settings: n={len(probes)} p50 {p[50]:.1f} ms, p95 {p[95]:.1f} ms, p99 {p[99]:.1f} ms, "
              f"max {max(latencies, default=float('nan')) * 1000:.1f} ms; failed {len(failed_probes)}")
        print(f"ordinary requests answered: {served} ({served / elapsed:.0f}/s), server CPU {cpu:.1f} s "
              f"({cpu / elapsed * 100:.0f} % of one core)")
        width = max((len(k) for k in record.status), default=10)
        for kind in ordinary_kinds + hostile_kinds:
            counts = ", ".join(f"{s}: {n}" for s, n in sorted(record.status[kind].items(), key=lambda x: str(x[0])))
            times = record.seconds.get(kind, [])
            timing = (f"  p50 {percentile(times, 50) * 1000:.0f} ms, p99 {percentile(times, 99) * 1000:.0f} ms"
                      if times else "")
            print(f"  {kind:<{width}}  {counts}{timing}")
        sent = record.notes.get("body bytes sent before the answer")
        if sent:
            print(f"  body bytes sent before the answer: max {max(sent) / 1e6:.2f} MB of {BIG / 1e6:.0f} MB")
        print(f"server process RSS: start {start['VmRSS'] / 1024:.1f} MB, max sampled {max(rss) / 1024:.1f} MB "
              f"(+{growth_mb:.1f}), peak (VmHWM) {end['VmHWM'] / 1024:.1f} MB, end {end['VmRSS'] / 1024:.1f} MB; "
              f"threads {start['Threads']} -> {max(x['Threads'] for x in samples)} max; "
              f"descriptors max {max(x['fds'] for x in samples)}")
        print(f"memory sampled {len(sampler.samples)} times every {sampler.every:g} s"
              + (f" ({sampler.errors} failed reads, last {sampler.last_error})" if sampler.errors else ""))
        print(f"server and its {start['processes'] - 1} worker processes, PSS (shared pages counted once): start "
              f"{start['tree_pss'] / 1024:.1f} MB, max {max(pss) / 1024:.1f} MB (+{tree_growth_mb:.1f}), end "
              f"{end['tree_pss'] / 1024:.1f} MB (RSS summed: {start['tree_rss'] / 1024:.0f} -> "
              f"{end['tree_rss'] / 1024:.0f} MB)")
        if server_log.strip():
            lines = server_log.strip().splitlines()
            print(f"server log: {len(lines)} lines; last: {lines[-1][:160]}")
    for text, good in checks.items():
        print(f"{'PASS' if good else 'FAIL'}  {text}")
    if args.json:
        args.json.write_text(json.dumps({
            "clients": args.clients, "hostile": args.hostile, "duration": elapsed, "cpus": os.cpu_count(),
            "load_before": load_before, "load_after": load_after,
            "probe": {"n": len(probes), "failed": len(failed_probes), "p50_ms": p[50], "p95_ms": p[95],
                      "p99_ms": p[99], "max_ms": max(latencies, default=float("nan")) * 1000},
            "status": {k: {str(s): n for s, n in v.items()} for k, v in record.status.items()},
            "latency_ms": {k: {"p50": percentile(v, 50) * 1000, "p99": percentile(v, 99) * 1000}
                           for k, v in record.seconds.items()},
            "served": served, "fives": fives, "server_cpu_s": cpu,
            "rss_mb": {"start": start["VmRSS"] / 1024, "max": max(rss) / 1024, "end": end["VmRSS"] / 1024,
                       "peak_hwm": end["VmHWM"] / 1024, "growth": growth_mb, "peak_growth": peak_growth_mb},
            "tree_pss_mb": {"start": start["tree_pss"] / 1024, "max": max(pss) / 1024, "end": end["tree_pss"] / 1024,
                            "growth": tree_growth_mb, "processes": start["processes"]},
            "checks": checks, "server_exit": returncode, "server_log_lines": len(server_log.splitlines()),
        }, indent=1, allow_nan=True) + "\n", encoding="utf-8")
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
