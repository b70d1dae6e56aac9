"""painkg — a clinical knowledge graph of the hip–spine syndrome.

Trace where a patient's hip, buttock, groin, leg or low-back pain most likely comes
from — hip, lumbar spine, sacroiliac joint or a nerve — and why.  For education and
decision-support research; not a diagnosis.

>>> import painkg
>>> kg = painkg.load()
>>> result = kg.trace(["groin pain", "limited hip internal rotation"])
>>> result.candidates[0].region.value
'hip'
"""

from __future__ import annotations

from importlib import import_module

from .errors import KBError, PainKGError, QueryError, RDFError, RenderError, TraceError, UnknownTermError
from .kb.graph import Edge, KnowledgeGraph, load
from .kb.model import Node
from .kb.vocab import Area, Grade, Kind, Qualifier, Relation

__version__ = "0.3.0"

__all__ = [
    "Area", "Edge", "Grade", "KBError", "Kind", "KnowledgeGraph", "Node", "PainKGError", "Qualifier", "QueryError",
    "RDFError", "Relation", "RenderError", "TraceError", "UnknownTermError", "load",
    "trace", "TraceResult", "Candidate",
    "to_rdf", "from_rdf", "export", "render", "render_trace", "to_dot", "to_kgx", "from_kgx", "from_store",
]

# Heavy parts load on first use (PEP 562), so `import painkg` never pulls in
# rdflib or pydot: `painkg.to_rdf` imports painkg.rdf only when asked for.
_LAZY = {
    "TraceResult": "trace.infer", "Candidate": "trace.infer",
    "to_rdf": "rdf.export", "from_rdf": "rdf.read", "export": "rdf.export",
    "to_kgx": "rdf.kgx", "from_kgx": "rdf.kgx", "from_store": "rdf.store",
    "render": "draw.diagram", "render_trace": "draw.diagram", "to_dot": "draw.diagram",
}


def __getattr__(name: str):
    if name == "trace":
        # painkg.trace is both the trace function and the trace wing (painkg/trace/): the
        # package module is callable, so `painkg.trace(kg, [...])` keeps working.
        return import_module(".trace", __name__)
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'painkg' has no attribute {name!r}")
    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
