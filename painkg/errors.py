"""Errors raised by painkg; every one derives from :class:`PainKGError`.

::

    PainKGError
    ├── KBError            (also ValueError)   a knowledge-base folder has problems
    ├── UnknownTermError   (also LookupError)  a term or id matches no node
    ├── TraceError         (also ValueError)   bad arguments to a trace
    ├── RDFError           (also ValueError)   RDF that painkg cannot read or write
    │   └── QueryError                          a SPARQL query refused or unreadable (its text, not the data)
    └── RenderError        (also RuntimeError) a diagram could not be drawn

Each also subclasses the matching built-in, so callers may catch either.  Messages
read *where: what is wrong (allowed: …)*.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["PainKGError", "KBError", "UnknownTermError", "TraceError", "RDFError", "QueryError", "RenderError"]


class PainKGError(Exception):
    """Root of every error painkg raises on purpose."""


class KBError(PainKGError, ValueError):
    """A knowledge-base folder failed validation; ``problems`` lists every one."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = tuple(problems)
        #: Problems counted but not listed (a capped list, see painkg.kb.validate.Problems).
        self.more = getattr(problems, "more", 0)
        total = len(self.problems) + self.more
        noun = "problem" if total == 1 else "problems"
        rest = f"\n… and {self.more} more (the first {len(self.problems)} are listed)" if self.more else ""
        super().__init__(f"{total} {noun} in the knowledge base:\n" + "\n".join(self.problems) + rest)

    def __reduce__(self):
        return (type(self), (self.problems,), self.__dict__)


class UnknownTermError(PainKGError, LookupError):
    """A term matched no node; ``suggestions`` holds the closest known terms."""

    def __init__(self, term: str, suggestions: Sequence[str] = ()) -> None:
        self.term = term
        self.suggestions = tuple(suggestions)
        hint = ", ".join(repr(s) for s in self.suggestions) or "none; try `painkg search`"
        super().__init__(f"unknown term {term!r} (closest: {hint})")

    def __str__(self) -> str:  # LookupError would otherwise repr() the message
        return self.args[0]

    def __reduce__(self):  # pickled whole (a web worker process sends it back), not rebuilt from the message
        return (type(self), (self.term, self.suggestions), self.__dict__)


class TraceError(PainKGError, ValueError):
    """A trace was asked for with arguments it cannot use."""


class RDFError(PainKGError, ValueError):
    """RDF input or output that painkg cannot handle."""


class QueryError(RDFError):
    """A SPARQL query painkg refuses to run (SERVICE, an update) or cannot parse: the query's fault."""


class RenderError(PainKGError, RuntimeError):
    """A diagram could not be produced (e.g. Graphviz is not installed)."""
