"""Trace: rank the candidate sources of what a patient reports, and explain why.

The search (:mod:`painkg.search`) walks *causal* edges backwards from each
observation — which way an edge carries cause is declared in :mod:`painkg.vocab` —
keeping the best few paths per node; the formulas are in :mod:`painkg.scoring`.

Examples
--------
>>> result = trace(kg, ["groin pain", "limited hip internal rotation"], absent=["numbness"])
>>> result.candidates[0].region.value
'hip'
>>> print(result.candidates[0].explanations[0].paths[0])
hip osteoarthritis —presents with→ groin pain
>>> result.red_flags
()
"""

from __future__ import annotations

import math
import weakref
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

from . import scoring
from ..errors import TraceError, UnknownTermError
from ..kb.memory import collector_paused
from ..reading.observe import Observation, observe, suspected
from .results import Candidate, Contribution, Explanation, NextFinding, Path, RedFlag, Step, TraceResult, Treatment
from .paths import best_paths, causal_index
from ..kb.vocab import DEMOGRAPHIC, Cause, Grade, Kind, Qualifier, Relation

if TYPE_CHECKING:
    from ..kb.graph import KnowledgeGraph

__all__ = [
    "trace", "TraceResult", "Candidate", "Observation", "Step", "Path", "Explanation",
    "Contribution", "Treatment", "RedFlag", "NextFinding",
]

#: Red-flag conditions at or above this score are always reported.
RED_FLAG_SCORE = 0.01
#: Candidates whose likely findings are weighed for "next best finding".
NEXT_FINDING_POOL = 6
#: Prior weight of a condition the observations name as known ("hip OA", "sciatica").
KNOWN_PRIOR = scoring.PRIOR_BY_GRADE[Grade.TYPICAL]
#: Never offered as a next finding: history taking and examination are how findings are
#: gathered and have no positive result; "X-ray", "MRI" and "CT" name no body site, and the
#: KB holds the site-specific tests (hip and pelvis X-ray, lumbar MRI, CT myelography...).
WORKUP_STEPS = frozenset({"medical-history", "physical-examination", "x-ray", "mri", "ct"})



def trace(
    kg: KnowledgeGraph,
    observations: Iterable[str],
    *,
    absent: Iterable[str] = (),
    depth: int = 4,
    limit: int = 10,
    priors: Mapping[str, float] | None = None,
    unknown: str = "raise",
) -> TraceResult:
    """Rank the candidate sources of *observations* and explain each.

    Parameters
    ----------
    kg : KnowledgeGraph
    observations : iterable of str
        Symptoms, findings and activities the patient has: labels, synonyms,
        codes, ids or close spellings.  "worse with X" / "relieved by X" name
        how an activity acts.
    absent : iterable of str
        Symptoms or findings known to be absent.
    depth : int
        Longest explanation path, in edges.
    limit : int
        Candidates to return (red flags are reported whatever the limit).
    priors : mapping of condition id to weight, optional
        Replace the KB's priors for these conditions (e.g. a clinic's case mix).
    unknown : {"raise", "skip"}
        What to do with a term that matches no node: raise, or leave it out and
        list it in ``TraceResult.skipped`` with the closest known terms.

    Returns
    -------
    TraceResult

    Raises
    ------
    UnknownTermError
        A term matches no node; it carries the closest known terms.
    TraceError
        No observations, or bad *depth*, *limit* or *priors*.
    """
    if not (isinstance(depth, int) and isinstance(limit, int)):  # 2.5 would fail deep inside, as a TypeError
        raise TraceError(f"depth and limit must be whole numbers (got depth={depth!r}, limit={limit!r})")
    with collector_paused():
        return _trace(kg, observations, absent, depth, limit, priors, unknown)


def _trace(kg, observations, absent, depth, limit, priors, unknown) -> TraceResult:
    if isinstance(observations, str) or isinstance(absent, str):
        raise TraceError("observations and absent must be lists of terms, not a single string")
    if depth < 1 or limit < 1:
        raise TraceError(f"depth and limit must be at least 1 (got depth={depth}, limit={limit})")
    if unknown not in ("raise", "skip"):
        raise TraceError(f"unknown={unknown!r} (allowed: 'raise', 'skip')")
    skipped: list[UnknownTermError] = []
    present = observe(kg, observations, True, skipped if unknown == "skip" else None)
    if not present:
        raise TraceError("no observations: give at least one symptom or finding")
    negated = observe(kg, absent, False, skipped if unknown == "skip" else None)
    # "no numbness" among the observations is an absent one.
    present, negated = [o for o in present if o.present], [o for o in present if not o.present] + negated
    missing = list({o.key: o for o in negated if o.key not in {p.key for p in present}}.values())
    obs = tuple(present + missing)
    index = causal_index(kg.graph)
    memo = _memo(kg)
    # A condition the patient is known to have is a likely source, not an explanation of
    # itself: it competes on what it explains, from the prior of a typical condition.
    known = {o.node.id for o in obs if o.present and o.node.kind is Kind.CONDITION}
    overrides = {**{c: max(KNOWN_PRIOR, index.priors[c]) for c in known}, **_check_priors(kg, priors)}
    reach, likelihoods, leaks, explained = zip(*(_reach(memo, index, o, depth) for o in obs))

    # Weight = prior · Π L(o|c) (present) · Π (1 − L(o|c)) (absent).  Every hypothesis
    # starts from the leaks alone; only the candidates an observation reaches move.
    base = math.prod(_other_factor(leak, o.present) for leak, o in zip(leaks, obs))
    reached = sorted({c for o, lk in zip(obs, likelihoods) if o.present for c in lk} | known)
    weights = {c: overrides.get(c, index.priors[c]) * base for c in reached}
    for o, lk, leak in zip(obs, likelihoods, leaks):
        for c, likelihood in lk.items():
            if c in weights:
                weights[c] *= scoring.likelihood_ratio(likelihood, leak, o.present)
    kb_reached = math.fsum(index.priors[c] for c in reached)
    moved = math.fsum(v - index.priors[c] for c, v in overrides.items() if c not in weights)
    other = (scoring.OTHER_PRIOR + index.prior_total - kb_reached + moved) * base
    total = math.fsum(weights.values()) + other
    ranked = sorted(weights, key=lambda c: (-weights[c], c))

    # Build full explanations only for what is shown: the top candidates and red flags.
    flagged = {i for i, o in enumerate(obs) if o.present and o.node.red_flag}
    shown = ranked[:max(limit, NEXT_FINDING_POOL)]
    shown += [c for c in ranked[len(shown):] if kg.graph.nodes[c].get("red_flag")
              and (weights[c] / total >= RED_FLAG_SCORE or any(c in likelihoods[i] for i in flagged))]
    candidates = [_candidate(kg, memo, c, weights[c] / total, overrides.get(c, index.priors[c]), obs, reach,
                             likelihoods, leaks, explained) for c in shown]
    return TraceResult(
        observations=obs,
        candidates=tuple(candidates[:limit]),
        red_flags=_red_flags(obs, candidates),
        next_findings=_next_findings(kg, memo, index, obs, candidates[:NEXT_FINDING_POOL]),
        other_score=other / total,
        unexplained=tuple(o for o, lk in zip(present, likelihoods) if not lk),
        skipped=tuple((e.term, e.suggestions) for e in skipped),
    )


def _other_factor(leak: float, present: bool) -> float:
    return leak if present else 1.0 - leak


def _check_priors(kg: KnowledgeGraph, priors) -> dict[str, float]:
    if not priors:
        return {}
    out = {}
    for term, value in priors.items():
        node = kg.resolve(term)
        if node.kind is not Kind.CONDITION:
            raise TraceError(f"prior for {term!r}: it is a {node.kind.value}; priors apply to conditions")
        if not isinstance(value, (int, float)) or not 0 < value <= 1:
            raise TraceError(f"prior for {term!r}: {value!r} (allowed: a number in (0, 1])")
        out[node.id] = float(value)
    return out


class _Memo:
    """Per-graph records the trace builds again and again: steps, treatments, tests, reach."""

    def __init__(self) -> None:
        self.steps: dict = {}
        self.treatments: dict[str, tuple[Treatment, ...]] = {}
        self.findings: dict[str, dict[str, float]] = {}
        self.reach: dict[tuple, tuple[dict, dict[str, float], float, dict]] = {}


#: Observations whose reach is remembered per graph; a service sees far fewer distinct ones.
_REACH_CACHE = 4096


_MEMOS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _memo(kg) -> _Memo:
    memo = _MEMOS.get(kg.graph)
    if memo is None:
        memo = _MEMOS[kg.graph] = _Memo()
    return memo


def _reach(memo: _Memo, index, o: Observation, depth: int) -> tuple[dict, dict[str, float], float, dict]:
    """Where one observation leads: each candidate's best paths to it, its likelihood, the leak.

    All three depend only on the graph and the observation (not on the other
    observations or the priors asked for), so they are remembered, with a fourth,
    initially empty dict for each candidate's :class:`Path` records; callers
    must not mutate the first three.
    """
    memo = memo.reach
    key = (o.node.id, o.relation, depth)
    found = memo.get(key)
    if found is None:
        paths = best_paths(index, o.node.id, depth=depth, first_relation=o.relation)
        # The chance each candidate's own paths produce the observation ...
        produced = {c: scoring.noisy_or((p for p, _ in ps), 0.0) for c, ps in paths.items() if c in index.priors}
        # ... and its leak: published, else how often the KB's conditions produce it.
        leak = index.leaks.get(o.node.id)
        if leak is None:
            leak = scoring.DEMOGRAPHIC_LEAK if DEMOGRAPHIC.match(o.node.id) else scoring.background(
                o.node.kind, ((index.priors[c], q) for c, q in produced.items()),
                index.prior_total + scoring.OTHER_PRIOR)
        likelihood = {c: scoring.noisy_or((q,), leak) for c, q in produced.items()}
        if len(memo) >= _REACH_CACHE:
            memo.clear()
        found = memo[key] = (paths, likelihood, leak, {})
    return found


def _candidate(kg, memo, cid, score, prior, obs, reach, likelihoods, leaks, explained_by) -> Candidate:
    node = kg.node(cid)
    explanations, contributions = [], []
    for o, r, lk, leak, known in zip(obs, reach, likelihoods, leaks, explained_by):
        likelihood = lk.get(cid, leak)
        contributions.append(Contribution(o, scoring.likelihood_ratio(likelihood, leak, o.present)))
        if o.present and cid in lk:
            paths = known.get(cid)
            if paths is None:
                paths = known[cid] = tuple(Path(tuple(_step(kg, memo, link) for link in links), p)
                                           for p, links in r[cid])
            explanations.append(Explanation(o, paths, likelihood))
    explained = {e.observation.key for e in explanations}
    return Candidate(
        node=node,
        score=score,
        region=node.region,
        prior=prior,
        explanations=tuple(explanations),
        contributions=tuple(contributions),
        unexplained=tuple(o for o in obs if o.present and o.key not in explained and o.node.id != cid),
        treatments=_treatments(kg, memo, cid),
    )


def _treatments(kg, memo, cid) -> tuple[Treatment, ...]:
    memo = memo.treatments
    if cid not in memo:
        out = [Treatment(kg.node(t), Relation(r), data.get("qualifier"), data["references"])
               for _, t, r, data in kg.graph.out_edges(cid, keys=True, data=True)
               if r in (Relation.TREATED_BY, Relation.PREVENTED_BY)]
        order = {Qualifier.RECOMMENDED: 0, None: 1, Qualifier.CONDITIONAL: 2, Qualifier.NOT_RECOMMENDED: 3}
        memo[cid] = tuple(sorted(out, key=lambda t: (t.relation.value, order[t.qualifier], t.node.id)))
    return memo[cid]


def _step(kg, memo, link) -> Step:
    memo = memo.steps
    step = memo.get(link)
    if step is None:
        source, target = kg.node(link.source), kg.node(link.target)
        references = kg.graph.edges[link.source, link.target, link.relation]["references"]
        step = memo[link] = Step(link.source, link.relation, link.target, link.probability, references,
                                 source.label, target.label, source.kind, target.kind)
    return step


def _likely_findings(kg, memo, cid) -> dict[str, float]:
    """The findings and tests a candidate directly predicts, with the chance each is positive."""
    memo = memo.findings
    if cid not in memo:
        found: dict[str, float] = {}
        for _, t, r, data in kg.graph.out_edges(cid, keys=True, data=True):
            if (Relation(r).cause is Cause.SUBJECT and kg.graph.nodes[t]["kind"] in (Kind.FINDING, Kind.TEST)
                    and t not in WORKUP_STEPS):
                found[t] = max(scoring.edge_probability(data), found.get(t, 0.0))
        memo[cid] = found
    return memo[cid]


def _red_flags(obs: Sequence[Observation], candidates: Sequence[Candidate]) -> tuple[RedFlag, ...]:
    flags = []
    named_ids: set[str] = set()  # red-flag conditions already named beside the observation that raised them
    for o in obs:
        if o.present and o.node.red_flag:
            causes = [c for c in candidates if c.node.red_flag
                      and any(e.observation.key == o.key for e in c.explanations)]
            named = ", ".join(f"{c.node.label} ({c.score:.1%})" for c in causes[:3])
            if not DEMOGRAPHIC.match(o.node.id) or any(c.score >= RED_FLAG_SCORE for c in causes) or not causes:
                about = f"; consider {named}" if causes else ""
                said = "suspected" if suspected(o.term) else "reported"  # "?saddle anaesthesia" asks
                advice = f"red flag: {o.node.label} {said}{about} — assess urgently"
            else:
                # An age band alone is common; say how unlikely its causes are instead of crying wolf.
                advice = (f"red flag: {o.node.label} reported; {named} unlikely on these findings "
                          f"— ask about the other red flags")
            flags.append(RedFlag(o.node, advice, (o,)))
            named_ids.update(c.node.id for c in causes[:3])
    for c in candidates:
        if not c.node.red_flag:
            continue
        pointed = tuple(e.observation for e in c.explanations if e.observation.node.red_flag)
        if c.score >= RED_FLAG_SCORE or (pointed and c.node.id not in named_ids):
            why = ", ".join(o.node.label for o in pointed) if pointed else "the pattern of findings"
            flags.append(RedFlag(c.node, f"red flag: {c.node.label} ({c.score:.1%}) suggested by {why} "
                                         f"— rule it out before treating as mechanical pain", pointed, c.score))
    return tuple(flags)


def _next_findings(kg, memo, index, obs, pool: Sequence[Candidate]) -> tuple[NextFinding, ...]:
    if len(pool) < 2:
        return ()
    seen = {o.node.id for o in obs}
    dist = scoring.normalize([c.score for c in pool])
    options: dict[str, dict[str, float]] = {}  # finding -> candidate -> chance positive
    for c in pool:
        for t, p in _likely_findings(kg, memo, c.node.id).items():
            if t not in seen:
                options.setdefault(t, {})[c.node.id] = p
    scored = []
    for t, by_candidate in options.items():
        leak = index.leaks.get(t) or scoring.default_leak(kg.graph.nodes[t]["kind"])
        positive = [leak + (1.0 - leak) * by_candidate.get(c.node.id, 0.0) for c in pool]  # noisy-OR
        gain = scoring.information_gain(dist, positive)
        if gain > 1e-6:
            scored.append((-gain, t, positive))
    found = []
    for negative_gain, t, positive in sorted(scored)[:5]:  # only what is shown gets its words
        hi = max(range(len(pool)), key=lambda i: (positive[i], -i))
        lo = min(range(len(pool)), key=lambda i: (positive[i], i))
        why = (f"positive in {positive[hi]:.0%} of {pool[hi].node.label} vs {positive[lo]:.0%} of "
               f"{pool[lo].node.label}; expected gain {-negative_gain:.2f} bits")
        found.append(NextFinding(kg.node(t), -negative_gain, why))
    return tuple(found)
