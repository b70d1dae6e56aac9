"""Draw a :class:`~painkg.results.TraceResult`: why a trace ranked what it ranked.

Left, the top candidates with their rank, region and score; to their right the
explaining paths, each edge drawn cause → effect and labelled with the chance
that link produces its effect, ending at the observations (blue outline).  Red
flags are drawn in red with a double outline and spelled out in red in the
title, with what was reported absent and what nothing explains.  Used by
:func:`painkg.diagram.render_trace`; see there for the options.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .dotgraph import edge_attrs, html_text, kind_attrs, legend, new_dot, node_attrs
from ..errors import RenderError
from .styles import KIND_STYLES, OBSERVED, RED, layout
from ..kb.vocab import Kind

if TYPE_CHECKING:
    import pydot

    from ..reading.observe import Observation
    from ..trace.results import Candidate, Step, TraceResult

__all__ = ["trace_dot"]

DISCLAIMER = "For education and decision-support research; not a diagnosis."
def trace_dot(result: TraceResult, *, top: int = 3, paths: int = 1,
              xlabels: bool = False, clusters: bool = True) -> tuple[pydot.Dot, int, int]:
    """Return the pydot graph of *result* and its node and edge counts.

    *xlabels* and *clusters* pick a layout from :data:`painkg.dotgraph.LAYOUTS`
    (a trace has no region boxes; *clusters* only frames the legend).
    """
    import pydot

    if top < 1 or paths < 1:
        raise RenderError(f"top={top}, paths={paths}: both must be at least 1")
    chosen = _chosen(result, top)
    steps = _steps(chosen, paths)
    candidates = {c.node.id for _, c in chosen}
    # Absent observations connect to nothing; the title lists them instead.
    observed = [o for o in result.observations if o.present and o.node.id not in candidates]
    ends = sorted({n for key in steps for n in (key[0], key[2])} - candidates - {o.node.id for o in observed})
    ids = {n: f"n{i}" for i, n in enumerate(sorted(candidates | {o.node.id for o in observed} | set(ends)))}
    names = {n: (label, kind) for s in steps.values()
             for n, label, kind in ((s.source, s.source_label, s.source_kind), (s.target, s.target_label, s.target_kind))}

    dot = new_dot(_title(result, chosen))
    dot.add_subgraph(_candidates(chosen, ids, result))
    for o in observed:
        dot.add_node(pydot.Node(ids[o.node.id], **_observation_attrs(o)))  # type: ignore[arg-type]
    kinds = {c.node.kind for _, c in chosen} | {o.node.kind for o in observed}
    for n in ends:
        label, kind = names[n]
        kinds.add(kind)
        dot.add_node(pydot.Node(ids[n], **node_attrs({"kind": kind, "label": label})))  # type: ignore[arg-type]
    for (source, relation, target), step in steps.items():
        tail, head, _ = layout(relation, source, target)
        attrs = edge_attrs(relation, {}, extra=f" · {_percent(step.probability)}", xlabel=xlabels)
        attrs["penwidth"] = f"{0.8 + 2.2 * step.probability:.2f}"  # thicker: likelier
        dot.add_edge(pydot.Edge(ids[tail], ids[head], **attrs))  # type: ignore[arg-type]
    samples = _samples(result)
    dot.add_subgraph(legend(kinds, {key[1] for key in steps}, samples=samples,  # type: ignore[arg-type]
                            notes=["line label: chance the link produces the effect"], framed=clusters))
    return dot, len(ids), len(steps)


def _chosen(result: TraceResult, top: int) -> list[tuple[int, Candidate]]:
    """The top candidates, plus every red-flag candidate whatever its rank."""
    flagged = {f.node.id for f in result.red_flags}
    return [(i, c) for i, c in enumerate(result.candidates, 1) if i <= top or c.node.id in flagged]


def _steps(chosen, paths: int) -> dict[tuple, Step]:
    """Every edge on the drawn paths, once, keyed by (source, relation, target)."""
    steps: dict[tuple, Step] = {}
    for _, c in chosen:
        for e in c.explanations:
            for path in e.paths[:paths]:
                for s in path.steps:
                    steps.setdefault((s.source, s.relation, s.target), s)
    return steps


def _candidates(chosen, ids, result: TraceResult):
    import pydot

    observed = {o.node.id for o in result.observations}
    group = pydot.Subgraph("candidates", rank="min")  # sources on the left
    for rank, c in chosen:
        data = {"kind": c.node.kind, "label": f"#{rank} {c.node.label}", "red_flag": c.node.red_flag}
        extra = [f"{c.region.label} · {_percent(c.score)}"] + (["(observed)"] if c.node.id in observed else [])
        group.add_node(pydot.Node(ids[c.node.id], **node_attrs(data, focus=True, extra=extra)))  # type: ignore[arg-type]
    return group


def _observation_attrs(o: Observation) -> dict[str, str]:
    attrs = node_attrs({"kind": o.node.kind, "label": str(o), "red_flag": o.node.red_flag})
    if not o.node.red_flag:  # a red flag keeps its red outline
        attrs.update(color=OBSERVED, penwidth="2.6")
    return attrs


def _samples(result: TraceResult) -> list[tuple[str, dict[str, str]]]:
    cond = kind_attrs(KIND_STYLES[Kind.CONDITION])
    out = [("#rank candidate: region · score (thick outline)", {**cond, "penwidth": "3.5"}),
           ("observed (blue outline)", {**kind_attrs(KIND_STYLES[Kind.SYMPTOM]), "color": OBSERVED,
                                        "penwidth": "2.6"})]
    if result.red_flags:
        out.append(("RED FLAG (red double outline)", {**cond, "color": RED, "fontcolor": RED,
                                                      "penwidth": "2.4", "peripheries": "2"}))
    return out


def _title(result: TraceResult, chosen) -> str:
    """An HTML-like title: the question, red flags in red, what is absent or unexplained."""
    rows = [f"<B>Where does the pain come from? The top {len(chosen)} of {len(result.candidates)} candidates "
            f"and the paths that explain the observations</B>"]
    rows += [f'<FONT COLOR="{RED}"><B>{html_text(_shout(flag.message), 110)}</B></FONT>' for flag in result.red_flags]
    absent = [o.node.label for o in result.observations if not o.present]
    if absent:
        rows.append(html_text("reported absent: " + ", ".join(absent), 110))
    if result.unexplained:
        rows.append(html_text("explained by no candidate: " + ", ".join(str(o) for o in result.unexplained), 110))
    rows.append(html_text(f"something else (not in the knowledge base): {_percent(result.other_score)}. "
                          f"{DISCLAIMER}", 110))
    cells = "".join(f'<TR><TD ALIGN="LEFT" BALIGN="LEFT">{row}</TD></TR>' for row in rows)
    return f'<<TABLE BORDER="0" CELLSPACING="0" CELLPADDING="2">{cells}</TABLE>>'


def _shout(message: str) -> str:
    prefix = "red flag:"
    return "RED FLAG:" + message[len(prefix):] if message.startswith(prefix) else message


def _percent(x: float) -> str:
    if x >= 0.01:
        return f"{x:.0%}"
    return f"{x:.1%}" if x >= 0.001 else "<0.1%"
