"""``painkg serve``: the explorer on a socket of its own, made to stay up under hostile traffic.

:func:`serve` binds the socket itself (so a busy port is one line, not a traceback), then runs
uvicorn on it with :func:`protocol`, uvicorn's h11 protocol, with these guards:

* the socket is made with ``IPPROTO_TCP``, so asyncio sets ``TCP_NODELAY`` on every accepted
  connection: a keep-alive answer is not held back ~40 ms by Nagle and delayed ACKs;
* a request's headers must arrive within :data:`HEADER_SECONDS` of its first byte (or of the
  connection), else the connection is closed: half-sent headers cannot hold a descriptor forever;
* the reader, the trace, the search and the diagram run in two worker processes forked over the
  warm KB (``create_app(processes=True)``), so the event loop never waits for Python's interpreter
  lock behind them: ``/api/settings`` p99 ≤ 100 ms under 50 busy clients and hostile ones
  (``scripts/load.py``, docs/BENCHMARKS.md);
* at most :data:`MOST_CONNECTIONS` connections (fewer when the descriptor limit is lower, which
  is raised to its hard limit first): past that, the connection that has waited longest for its
  headers is closed to make room, so the server never runs out of descriptors and a real request
  still gets through.

:func:`plan` decides what an address may do: ``--host ""`` is refused; a wildcard address
(``0.0.0.0``, ``::``) needs ``public=True``; any address that is not loopback gets a warning;
a loopback address answers the loopback names and itself as the Host.

>>> plan("127.0.0.1", public=False).allowed_hosts[:3]
['127.0.0.1', 'localhost', '[::1]']
>>> plan("0.0.0.0", public=False)
Traceback (most recent call last):
painkg.web.serve.Refused: --host '0.0.0.0' listens on every network interface: anyone who can reach this machine could use the explorer; add --public if that is meant
"""

from __future__ import annotations

import asyncio
import ipaddress
import os
import socket
import sys
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from ..kb.graph import KnowledgeGraph

__all__ = ["serve", "plan", "Plan", "Refused", "bind", "protocol", "HEADER_SECONDS", "MOST_CONNECTIONS"]

#: Seconds a request's headers may take to arrive, from its first byte or from the connection.
HEADER_SECONDS = 10.0
#: Most connections held at once (the descriptor limit may lower it).
MOST_CONNECTIONS = 1000
#: Descriptors kept free for the KB, the cache, Graphviz and logs.
SPARE_DESCRIPTORS = 32
#: Connections accepted in one go: asyncio accepts up to the listen backlog at each wake-up,
#: before any of them is counted, and may do so twice before the first are closed.  The cap
#: leaves twice this many descriptors free, so accept() never runs out of them (where asyncio
#: would log a traceback per try).
ACCEPT_BATCH = 64
#: How often a busy thread hands Python's interpreter lock over (seconds).
SWITCH_SECONDS = 0.001
LOOPBACK_NAMES = ["127.0.0.1", "localhost", "[::1]", "::1"]


class Refused(ValueError):
    """An address :func:`serve` will not listen on (the CLI's exit status 2)."""


@dataclass(frozen=True)
class Plan:
    """What a bound address allows: the Host names it answers (None: any) and a warning to print."""

    allowed_hosts: list[str] | None
    warning: str | None


def plan(host: str, *, public: bool) -> Plan:
    """Decide what listening on *host* (an address or a name, as given) allows; :class:`Refused` if refused."""
    if not host.strip():
        raise Refused(f"--host {host!r}: give an address (127.0.0.1, the default, is this machine only; "
                         "--host 0.0.0.0 --public is every network interface)")
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        address = None
    if address is not None and address.is_unspecified:
        if not public:
            raise Refused(f"--host {host!r} listens on every network interface: anyone who can reach this "
                             "machine could use the explorer; add --public if that is meant")
        return Plan(None, f"painkg explorer: warning: listening on every network interface ({host}): anyone who "
                          "can reach this machine can use it; nothing is encrypted")
    if address is not None and address.is_loopback:
        shown = f"[{address}]" if address.version == 6 else str(address)
        return Plan(LOOPBACK_NAMES + ([shown] if shown not in LOOPBACK_NAMES else []), None)
    if host == "localhost":
        return Plan(list(LOOPBACK_NAMES), None)
    shown = f"[{address}]" if address is not None and address.version == 6 else host
    return Plan(None if public else [shown],
                f"painkg explorer: warning: listening on {host}, not only this machine: others on its network "
                "can use the explorer; nothing is encrypted")


def bind(host: str, port: int) -> socket.socket:
    """A listening-ready TCP socket on (*host*, *port*); :class:`Refused` for a bad host, OSError if taken."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP, not 0: asyncio sets TCP_NODELAY on accepted connections only when the
    # listening socket's proto says TCP (G9).
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host.strip("[]"), port))
    except (socket.gaierror, UnicodeError, TypeError) as exc:  # gaierror is an OSError: first
        sock.close()
        reason = str(exc) if not isinstance(exc, (UnicodeError, TypeError)) else "not a name a socket can use"
        raise Refused(f"--host {host!r}: not a name or address ({reason})") from None
    except OSError as exc:
        sock.close()
        raise OSError(exc.errno, f"cannot listen here ({exc.strerror})", f"{host}:{port}") from None
    return sock


def descriptors() -> int:
    """Raise the soft limit on open descriptors to the hard one; return the limit now in force."""
    try:
        import resource
    except ImportError:  # not on POSIX
        return 1024
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = hard if hard != resource.RLIM_INFINITY else max(soft, 65536)
    if soft != resource.RLIM_INFINITY and soft < wanted:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
            soft = wanted
        except (ValueError, OSError):
            pass
    return soft if soft != resource.RLIM_INFINITY else 65536


def protocol(header_seconds: float, most: int) -> type:
    """uvicorn's h11 protocol with a header deadline and a connection cap (see the module's doc)."""
    from uvicorn.protocols.http.h11_impl import H11Protocol
    import h11

    class Protocol(H11Protocol):
        _deadline: asyncio.TimerHandle | None
        _waiting_since: float

        def connection_made(self, transport) -> None:  # type: ignore[override]
            self._deadline = None
            self._waiting_since = time.monotonic()
            super().connection_made(transport)
            self._arm()
            if len(self.connections) > most:
                self._make_room()

        def _make_room(self) -> None:
            # Close whoever has waited longest for headers (half-sent requests, idle keep-alives);
            # if nobody is waiting, this new connection goes.
            # (every connection but an upgraded WebSocket is a Protocol; only a Protocol has a deadline)
            waiting = [c for c in self.connections if c is not self and isinstance(c, Protocol) and c._deadline is not None]
            victim = min(waiting, key=lambda c: c._waiting_since) if waiting else self
            victim._close()

        def _arm(self) -> None:
            if self._deadline is None and not self.transport.is_closing():
                self._waiting_since = time.monotonic()
                self._deadline = self.loop.call_later(header_seconds, self._close)

        def _disarm(self) -> None:
            if self._deadline is not None:
                self._deadline.cancel()
                self._deadline = None

        def _close(self) -> None:
            self._disarm()
            if not self.transport.is_closing():
                self.transport.close()

        def data_received(self, data: bytes) -> None:
            super().data_received(data)
            if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
                self._arm()  # part of a request's headers, or nothing yet: the clock runs from its first byte
            else:
                self._disarm()

        def on_response_complete(self) -> None:
            super().on_response_complete()
            # Idle keep-alive: uvicorn's own timer closes it; a new request's bytes re-arm the deadline.
            self._waiting_since = time.monotonic()

        def connection_lost(self, exc) -> None:
            self._disarm()
            super().connection_lost(exc)

    return Protocol


def _server_class():
    import uvicorn

    class Server(uvicorn.Server):
        """uvicorn's server, with accept() errors said in one line at most every 10 s."""

        async def startup(self, sockets=None) -> None:
            loop = asyncio.get_running_loop()
            said = [0.0]

            def handle(loop, context) -> None:
                if "out of system resource" in context.get("message", ""):
                    if time.monotonic() - said[0] > 10:
                        said[0] = time.monotonic()
                        print(f"painkg explorer: {context['message']} ({context.get('exception')})", file=sys.stderr)
                    return
                loop.default_exception_handler(context)

            loop.set_exception_handler(handle)
            await super().startup(sockets=sockets)

    return Server


def serve(kg: KnowledgeGraph, host: str = "127.0.0.1", port: int = 8000, *, public: bool = False,
          header_seconds: float = HEADER_SECONDS, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Serve the explorer over *kg* until Ctrl-C; print its address first.  Returns 0.

    Raises :class:`Refused` for a host it refuses (:func:`plan`) and OSError when the port is taken.
    """
    import uvicorn

    from .app import create_app, warm

    out = out or sys.stdout
    err = err or sys.stderr
    decided = plan(host, public=public)
    sock = bind(host, port)
    try:
        bound, port = sock.getsockname()[:2]
        allowed = decided.allowed_hosts
        if allowed is not None:
            shown = f"[{bound}]" if ":" in bound else bound
            allowed = list(dict.fromkeys([*allowed, shown]))
        most = max(8, min(MOST_CONNECTIONS, descriptors() - SPARE_DESCRIPTORS - 2 * ACCEPT_BATCH))
        # Warm before the address is printed (the first click is fast), and fork the worker processes
        # over the warm KB now, before any thread starts.
        app = create_app(warm(kg), allowed_hosts=allowed, processes=hasattr(os, "fork"))
        sock.listen(128)  # a browser opened now waits in the queue instead of being refused
        shown = f"[{bound}]" if ":" in bound else bound
        if decided.warning:
            print(decided.warning, file=err, flush=True)
        print(f"painkg explorer: http://{shown}:{port}/  (Ctrl-C stops it; not a diagnosis)", file=out, flush=True)
        # The event loop answers /api/settings and hands the rest to threads that wait for the worker
        # processes; a short switch interval lets it take the interpreter back from any thread sooner
        # (5 ms by default).
        sys.setswitchinterval(SWITCH_SECONDS)
        config = uvicorn.Config(app, log_level="warning", lifespan="on", http=protocol(header_seconds, most),
                                timeout_keep_alive=5, backlog=ACCEPT_BATCH)
        server = _server_class()(config)
        try:
            server.run(sockets=[sock])
        except KeyboardInterrupt:  # a second Ctrl-C during shutdown
            pass
    finally:
        sock.close()
    print("painkg explorer: stopped", file=err)
    return 0

