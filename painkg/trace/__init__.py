"""The trace wing: rank the candidate sources of what a patient reports, and explain why.

``painkg.trace`` is this package and also the trace function itself: the module is
callable, so ``painkg.trace(kg, ["groin pain"])`` and ``kg.trace(["groin pain"])`` are the same.
"""

from __future__ import annotations

import sys
import types

from .infer import Candidate, TraceResult, trace

__all__ = ["trace", "TraceResult", "Candidate"]


class _CallableModule(types.ModuleType):
    # A package and a public function share the name painkg.trace (the wing layout of
    # STYLE.md and the API of DESIGN.md); calling the module calls the function.
    def __call__(self, *args, **kwargs):
        return trace(*args, **kwargs)


sys.modules[__name__].__class__ = _CallableModule
