"""Present a :class:`~painkg.results.TraceResult` as a readable report or as JSON data."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..kb.vocab import Qualifier, Relation

if TYPE_CHECKING:
    from ..reading.observe import Observation
    from .results import Candidate, Path, TraceResult

__all__ = ["format_result", "result_to_dict"]

DETAILED = 3  # candidates shown with their paths in the text report
DISCLAIMER = "For education and decision-support research; not a diagnosis."


def format_result(result: TraceResult) -> str:
    """Return the report ``painkg trace`` prints: red flags first, then the ranking and why."""
    lines = []
    if result.skipped:
        # First, not as a footnote: a red flag among them would be missing below.
        lines.append("NOT UNDERSTOOD, left out of the ranking (check them by hand):")
        lines += [f"  ? {term!r} (closest: {', '.join(suggestions) or 'none'})" for term, suggestions in result.skipped]
        lines.append("")
    if result.red_flags:
        lines.append("RED FLAGS")
        lines += [f"  ! {flag.message}" for flag in result.red_flags]
        lines.append("")
    lines.append("Observations: " + "; ".join(_observation(o) for o in result.observations))
    if result.outside_setting:
        why = ", ".join(str(o) for o in result.outside_setting)
        lines.append(f"Setting: {result.setting}, but this patient is outside its population ({why}): its "
                     f"published prevalences do not apply, every condition has the stated default")
    else:
        lines.append(f"Setting: {result.setting} (priors from its published prevalences; "
                     f"'painkg settings' lists the others)")
    lines.append("")
    lines.append("Each share is the chance that this alone is the source; the rows add up to 100 %.")
    lines.append(f"{'#':>2}  {'share':>6}  {'region':<25} candidate")
    rows = []
    for c in result.candidates:
        flag = "  [red flag]" if c.node.red_flag else ""
        via = f" (via {c.via.label})" if c.via else ""
        pair = "  [also in a pair]" if c.paired else ""
        rows.append((c.score + c.paired, c.score, f"{c.region.label:<25} {c.node.label}{via}{flag}{pair}"))
    for x in result.combinations:  # a pair is its own row, placed by its share
        rows.append((x.score, x.score, f"{'two sources at once':<25} {x.first.node.label} + {x.second.node.label}"
                     + (f": {x.name}" if x.name else "")))
    rows.sort(key=lambda r: -r[1])  # by share: the rows are one distribution
    lines += [f"{i:>2}  {share:>6.1%}  {text}" for i, (_, share, text) in enumerate(rows, 1)]
    if result.unlisted_score >= 0.0005:
        lines.append(f"    {result.unlisted_score:>6.1%}  {'':<25} other candidates (beyond the limit)")
    lines.append(f"    {result.other_score:>6.1%}  {'':<25} something else (not in the knowledge base)")
    if result.groups:
        lines.append("")
        lines.append("Groups (a broader condition or a syndrome, summed over its sources):")
        lines += [f"  {g}" for g in result.groups[:5]]
    for i, c in enumerate(result.candidates[:DETAILED], 1):
        lines.append("")
        lines += _candidate(i, c)
    if result.unexplained:
        lines.append("")
        lines.append("Explained by no candidate: " + ", ".join(str(o) for o in result.unexplained))
    if result.next_findings:
        lines.append("")
        lines.append("Next best findings to separate the top candidates:")
        lines += [f"  ? {f.node.label} — {f.why}" for f in result.next_findings]
    lines.append("")
    lines.append(DISCLAIMER)
    return "\n".join(lines)


def _observation(o: Observation) -> str:
    resolved = str(o)
    return resolved if o.term.lower() == resolved.lower() else f"{o.term!r} → {resolved}"


def _candidate(rank: int, c: Candidate) -> list[str]:
    prior = "published prevalence" if c.prior_published else "stated default: no prevalence published"
    lines = [f"{rank}. {c.node.label} — {c.score:.1%} (prior {c.prior:.2g}, {prior})"]
    if c.via:
        lines.append(f"   through {c.via.label}")
    for e in c.explanations:
        lines.append(f"   explains {e.observation.node.label} ({e.likelihood:.0%}):")
        lines += [f"     {p}  [{_evidence(p)}]" for p in e.paths]
        lines += [f"     how (shown, not counted): {p}  [{_evidence(p)}]" for p in e.how]
    if c.must_not_miss:
        lines.append("   must not miss: placed in the top three above its probability, as it explains "
                     + ", ".join(str(o) for o in c.must_not_miss) + ", which the leading candidate does not")
    if c.excluded_by:
        lines.append("   fell because it is excluded by: " + ", ".join(str(o) for o in c.excluded_by))
    against = [x for x in c.contributions if x.likelihood_ratio < 1.0]
    if against:
        lines.append("   argues against: " + ", ".join(
            f"{x.observation} (×{x.likelihood_ratio:.2f})" for x in against))
    if c.unexplained:
        lines.append("   does not explain: " + ", ".join(str(o) for o in c.unexplained))
    treated = [t for t in c.treatments if t.relation is Relation.TREATED_BY]
    offered = [t for t in treated if t.qualifier is not Qualifier.NOT_RECOMMENDED]
    avoid = [t for t in treated if t.qualifier is Qualifier.NOT_RECOMMENDED]
    prevention = [t for t in c.treatments if t.relation is Relation.PREVENTED_BY]
    for label, items in (("treatments", offered), ("advised against", avoid), ("prevention", prevention)):
        if items:
            lines.append(f"   {label}: " + ", ".join(str(t) if label == "treatments" else t.node.label
                                                    for t in items))
    return lines


def _evidence(path: Path) -> str:
    keys = dict.fromkeys(k for s in path.steps for k in s.references)
    return f"{path.probability:.0%}; " + ", ".join(keys) if keys else f"{path.probability:.0%}"


def result_to_dict(result: TraceResult) -> dict:
    """Return the result as JSON-ready data (``painkg trace --json``)."""
    return {
        "observations": [_observation_dict(o) for o in result.observations],
        "red_flags": [
            {"id": f.node.id, "label": f.node.label, "kind": f.node.kind.value, "message": f.message,
             "score": f.score, "observations": [o.node.id for o in f.observations]}
            for f in result.red_flags
        ],
        "setting": result.setting,
        "outside_setting": [o.node.id for o in result.outside_setting],
        "candidates": [_candidate_dict(c) for c in result.candidates],
        "other_score": result.other_score,
        "combinations": [
            {"members": [x.first.node.id, x.second.node.id], "score": x.score, "name": x.name,
             "explanations": [_candidate_dict(x.first)["explanations"], _candidate_dict(x.second)["explanations"]]}
            for x in result.combinations
        ],
        "groups": [{"id": g.node.id, "label": g.node.label, "score": g.score,
                    "members": [{"id": n.id, "score": p} for n, p in g.members]} for g in result.groups],
        "unexplained": [o.node.id for o in result.unexplained],
        "skipped": [{"term": t, "suggestions": list(s)} for t, s in result.skipped],
        "next_findings": [
            {"id": f.node.id, "label": f.node.label, "kind": f.node.kind.value,
             "information_gain": f.information_gain, "why": f.why}
            for f in result.next_findings
        ],
        "disclaimer": DISCLAIMER,
    }


def _observation_dict(o: Observation) -> dict:
    return {"term": o.term, "id": o.node.id, "label": o.node.label, "kind": o.node.kind.value,
            "present": o.present, "relation": o.relation.value if o.relation else None, "matched": o.matched}


def _candidate_dict(c: Candidate) -> dict:
    return {
        "id": c.node.id,
        "label": c.node.label,
        "score": c.score,
        "paired": c.paired,
        "region": c.region.value,
        "red_flag": c.node.red_flag,
        "prior": c.prior,
        "prior_published": c.prior_published,
        "via": c.via.id if c.via else None,
        "broader": [n.id for n in c.broader],
        "explanations": [
            {"observation": e.observation.node.id, "likelihood": e.likelihood,
             "paths": [{"text": str(p), "probability": p.probability,
                        "steps": [{"source": s.source, "relation": s.relation.value, "target": s.target,
                                   "probability": s.probability, "references": list(s.references)}
                                  for s in p.steps]} for p in e.paths],
             "how": [str(p) for p in e.how]}
            for e in c.explanations
        ],
        "excluded_by": [o.node.id for o in c.excluded_by],
        "must_not_miss": [o.node.id for o in c.must_not_miss],
        "contributions": [
            {"observation": x.observation.node.id, "present": x.observation.present,
             "likelihood_ratio": x.likelihood_ratio, "log_odds": x.log_odds}
            for x in c.contributions
        ],
        "unexplained": [o.node.id for o in c.unexplained],
        "treatments": [
            {"id": t.node.id, "label": t.node.label, "relation": t.relation.value,
             "qualifier": t.qualifier.value if t.qualifier else None, "references": list(t.references)}
            for t in c.treatments
        ],
    }
