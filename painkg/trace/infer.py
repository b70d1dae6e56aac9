"""Trace: rank the candidate sources of what a patient reports, and explain why.

The model (``docs/MODEL.md``): the graph is compiled once into a diagnostic table
(:mod:`painkg.trace.compile`: one cited likelihood per hypothesis and observable);
priors come from a named setting (:mod:`painkg.trace.settings`); each observation
moves each hypothesis by one likelihood ratio against "something else"; dependent
tests count once (clusters); two sources from different regions are also scored as a
pair (the hip–spine syndrome); red flags are listed first whatever their rank.

Examples
--------
>>> result = trace(kg, ["groin pain", "limited hip internal rotation", "a 45-year-old"], absent=["numbness"])
>>> result.candidates[0].region.value
'hip'
>>> print(result.candidates[0].explanations[0].paths[0])
hip osteoarthritis —presents with→ groin pain
>>> result.red_flags
()
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

from ..errors import TraceError, UnknownTermError
from ..kb.memory import collector_paused
from ..kb.tables import DENIED
from ..kb.vocab import DEMOGRAPHIC, Area, Grade, Kind, Qualifier, Relation
from ..reading.observe import Observation, observe, suspected
from ..reading.read import Reading
from . import scoring
from .compile import DiagnosticTable, Entry, Hypothesis, diagnostic_table
from .results import (
    Candidate,
    Combination,
    Contribution,
    Explanation,
    Group,
    NextFinding,
    Path,
    RedFlag,
    Step,
    TraceResult,
    Treatment,
)
from .settings import DEFAULT_SETTING, priors_of
from .settings import setting as find_setting

if TYPE_CHECKING:
    from ..kb.graph import KnowledgeGraph

__all__ = [
    "trace", "TraceResult", "Candidate", "Combination", "Group", "Observation", "Step", "Path", "Explanation",
    "Contribution", "Treatment", "RedFlag", "NextFinding",
]

#: Red-flag conditions at or above this probability are always reported (MODEL.md section 7).
RED_FLAG_SCORE = 0.01
#: Candidates whose likely findings are weighed for "next best finding".
NEXT_FINDING_POOL = 6
#: Strongest single hypotheses paired with each other as two sources at once.
PAIR_POOL = 8
#: Groups (parents, syndromes) below this probability are not listed.
GROUP_SCORE = 0.02
#: Never offered as a next finding: history taking and examination are how findings are
#: gathered and have no positive result; "X-ray", "MRI" and "CT" name no body site.
WORKUP_STEPS = frozenset({"medical-history", "physical-examination", "x-ray", "mri", "ct"})
#: A prevalence measured among patients with a presenting complaint (``priors.tsv`` ``among``) applies
#: in full only to a patient who reports that complaint; otherwise it is scaled by this stated
#: default: the chance that a patient of that population reports none of its complaints.  Without
#: it, non-specific LBP (90 % of back-pain presenters) would outweigh any hip source in a patient
#: who reports groin pain alone.
COMPLAINT_NOT_REPORTED = 0.05
#: The age bands that define a setting of adults: the population of the published age ratios (downie2013 and
#: henschke2009 counted adults of all ages in primary care).
ADULTS = frozenset(("age-over-16", "age-over-20"))
#: Regions whose pair is the hip–spine syndrome.
_HIP_SPINE = frozenset({Area.HIP, Area.LUMBAR_SPINE})
#: Regions outside the musculoskeletal hip and back: a red flag there is "not a hip or back problem".
_ELSEWHERE = frozenset({Area.ABDOMEN_PELVIC_ORGANS, Area.VASCULAR, Area.SYSTEMIC})


def trace(
    kg: KnowledgeGraph,
    observations: Iterable[str | Reading] | str | Reading,
    *,
    absent: Iterable[str | Reading] | str | Reading = (),
    setting: str = DEFAULT_SETTING,
    priors: Mapping[str, float] | None = None,
    limit: int = 10,
    unknown: str = "raise",
) -> TraceResult:
    """Rank the candidate sources of *observations* and explain each.

    Parameters
    ----------
    kg : KnowledgeGraph
    observations : iterable of str or Reading, or one text or Reading
        What the patient has: terms ("groin pain", "FADIR +ve"), note lines or a whole
        note (read by :meth:`KnowledgeGraph.read`, so "no fever" is absent and "?CES"
        possible), or a :class:`~painkg.reading.read.Reading` already made.
    absent : same
        Symptoms or findings known to be absent.
    setting : str
        Where the patient is seen, which fixes the priors (``kg.settings()`` lists them).
    priors : mapping of condition to probability, optional
        Replace the setting's priors for these conditions (a clinic's own case mix).
    limit : int
        Candidates to return (red flags are reported whatever the limit).
    unknown : {"raise", "skip"}
        What to do with a term that matches no node: raise, or leave it out and list
        it in ``TraceResult.skipped`` with the closest known terms.

    Returns
    -------
    TraceResult

    Raises
    ------
    UnknownTermError
        A term matches no node; it carries the closest known terms.
    TraceError
        No observations, an unknown setting, or bad *limit* or *priors*.
    """
    with collector_paused():
        return _trace(kg, observations, absent, setting, priors, limit, unknown)


def _trace(kg, observations, absent, setting_id, priors, limit, unknown) -> TraceResult:
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise TraceError(f"limit must be a whole number of at least 1 (got {limit!r})")
    if unknown not in ("raise", "skip"):
        raise TraceError(f"unknown={unknown!r} (allowed: 'raise', 'skip')")
    graph = kg.graph
    chosen = find_setting(graph, setting_id)
    skipped: list[UnknownTermError] = []
    present = observe(kg, observations, True, skipped if unknown == "skip" else None)
    if not present:
        raise TraceError("no observations: give at least one symptom or finding")
    negated = observe(kg, absent, False, skipped if unknown == "skip" else None)
    # "no numbness" among the observations is an absent one; present wins over denied.
    present, negated = [o for o in present if o.present], [o for o in present if not o.present] + negated
    seen = {o.key for o in present}
    missing = list({o.key: o for o in negated if o.key not in seen}.values())
    obs = tuple(present + missing)

    table = diagnostic_table(graph, cache_key=getattr(kg, "_cache_key", None))
    # A patient the setting's definition denies (a child in a setting of adults) is not of the
    # population its prevalences were measured in: they do not apply, and the report says so.
    outside = tuple(o for o in obs if not o.possible and (
        (not o.present and o.node.id in chosen.defines) or (o.present and DENIED + o.node.id in chosen.defines)))
    defines = () if outside else chosen.defines
    # What defines the setting every patient of it has, said or not (the emergency back-pain series'
    # patients all have back pain), so its prevalences apply in full.
    complaints = _complaints(graph, table, obs) | set(defines)
    model = _Model(kg, table, chosen.id, _check_priors(kg, priors), complaints, defines, outside)
    ratios = [model.ratios(o) for o in obs]
    weights = model.weights(obs, ratios)
    pairs = model.pairs(obs, ratios, weights)
    # "Something else": causes the KB does not hold, and the sources no observation reaches
    # (their likelihood is the leak throughout, exactly as for a cause the KB does not hold).
    other = model.other_prior + model.prior_total - math.fsum(
        model.hypothesis_prior(table.hypotheses[h]) for h in weights)
    total = math.fsum(weights.values()) + math.fsum(w for _, _, w in pairs) + other
    return _result(kg, model, obs, present, ratios, weights, pairs, other, total, limit, skipped)


def _complaints(graph, table: DiagnosticTable, obs: Sequence[Observation]) -> set[str]:
    """What the patient reports: the present observations, and what a named syndrome typically is.

    "Sciatica" is leg pain: a patient who reports it is among the leg-pain presenters whose
    prevalences apply (cauda equina syndrome's among back and leg pain), not outside them.
    """
    found = {o.node.id for o in obs if o.present}
    for o in obs:
        if o.present and o.node.kind is Kind.CONDITION:
            for c in (o.node.id, *table.ancestors.get(o.node.id, ())):
                for target, keys in graph.succ[c].items():
                    data = keys.get(Relation.PRESENTS_WITH)
                    if data is not None and data.get("strength") is Grade.TYPICAL:
                        found.add(target)
    return found


class _Model:
    """The numbers of one trace: priors of the setting, leaks and ratios per observation."""

    def __init__(self, kg, table: DiagnosticTable, setting_id: str, overrides: dict[str, float],
                 complaints: set[str], defines: tuple[str, ...] = (),
                 outside: tuple[Observation, ...] = ()) -> None:
        self.kg, self.table, self.graph, self.setting = kg, table, kg.graph, setting_id
        #: The setting's inclusion criteria: its priors already count them (MODEL.md section 9).
        self.defines = frozenset(defines)
        self.of_an_age = any(d.startswith("age-") for d in self.defines)
        #: Of an age narrower than the adults the published age ratios were measured in (over 55, under 16).
        self.narrow_age = any(d.startswith("age-") and d not in ADULTS for d in self.defines)
        self.priors: dict[str, float] = {}
        self.published: dict[str, bool] = {}
        #: The observations that put the patient outside the setting's population (its priors unused).
        self.outside = outside
        memo_key = ("priors", setting_id, bool(outside))
        known = table.memo.get(memo_key)
        if known is None:
            sources = sorted({h.source for h in table.hypotheses.values()})
            known = table.memo[memo_key] = priors_of(self.graph, setting_id, sources, table.ancestors,
                                                     bool(outside))
        for source, prior in known.items():
            value = prior.value
            # A condition the patient is known to have is of its own population, complaint or not.
            if prior.among and source not in complaints and not complaints.intersection(prior.among):
                value *= COMPLAINT_NOT_REPORTED
            self.priors[source] = overrides.get(source, value)
            self.published[source] = source in overrides or prior.published
        self.prior_total = math.fsum(self.hypothesis_prior(h) for h in table.hypotheses.values())
        #: The conditions whose prevalence the setting publishes: a rule measured in it counts against them.
        self.counted = frozenset(s for s, p in known.items() if p.published)
        # "Something else": causes the KB does not hold.  A setting whose published prevalences describe
        # its whole case mix (the irritable hips of kocher2004: septic arthritis 33 %, transient
        # synovitis 67 %) leaves them only what its counts leave, with a floor.
        closed = math.fsum(p.value for s, p in known.items() if p.published and not p.among)
        self.other_prior = max(scoring.OTHER_PRIOR * (1.0 - min(closed, 1.0)), scoring.OTHER_FLOOR)
        self.leaks: dict[tuple[str, str], float] = {}
        self.clustered: dict[int, str] = {}  # observation position -> the cluster it is counted in
        self.effective: dict[str, list[float]] = {}  # hypothesis -> each observation's ratio, clusters applied
        self.excluded: dict[str, tuple[Observation, ...]] = {}  # hypothesis -> the present findings excluding it

    def exclusions(self, h: str) -> frozenset[str]:
        """What excludes a hypothesis: ``excluded-by`` of its source, its syndrome and their ancestors."""
        found = self.table.memo.get(("excluded-by", h))
        if found is None:
            hyp = self.table.hypotheses[h]
            ancestors = self.table.ancestors
            conditions = {hyp.source, *ancestors.get(hyp.source, ())}
            if hyp.syndrome is not None:
                conditions.update((hyp.syndrome, *ancestors.get(hyp.syndrome, ())))
            succ = self.graph.succ
            found = self.table.memo[("excluded-by", h)] = frozenset(
                t for c in conditions for t, keys in succ[c].items() if Relation.EXCLUDED_BY in keys)
        return found

    def hypothesis_prior(self, h: Hypothesis) -> float:
        return self.priors[h.source] * h.share

    def leak(self, key: tuple[str, str]) -> float:
        """P(observation | a source that does not produce it): its base rate (MODEL.md section 9).

        The node's own ``prior`` cell gives it: a published rate, or a grade whose rate is
        :data:`scoring.BASE_RATE_BY_GRADE` (a sphincter symptom is rare, pain on activity is
        not).  Otherwise a stated default by kind.

        Neither the observation's rate in the whole case mix (groin pain is common among hip and
        back presenters because hip sources produce it, not because a discogenic source does) nor
        a published 1 − specificity: those were measured against another condition the KB holds
        (khan2004: groin pain in 29.7 % of lumbar stenosis), and are that pair's own likelihood
        ratio, used as such.  Demographics every patient has one way or the other: 0.5.
        """
        found = self.leaks.get(key)
        if found is None:
            node_id = key[0]
            data = self.graph.nodes[node_id]
            rate = scoring.base_rate(data)
            if rate is not None:
                found = rate
            elif DEMOGRAPHIC.match(node_id):
                found = scoring.DEMOGRAPHIC_LEAK
            else:
                found = scoring.default_leak(data["kind"])
            self.leaks[key] = found
        return found

    def ratios(self, o: Observation) -> dict[str, float]:
        """How far *o* moves each hypothesis that can produce it, against "something else".

        A finding only asked about or not yet excluded ("?cauda equina", "fever not ruled out")
        moves nothing: it is a question, not evidence.  A red flag among them is still raised.
        """
        if o.possible:
            return {}
        row = self.table.row(o.key)
        if o.node.id in self.defines:
            # Every patient of the setting has it: it makes its sources candidates, and moves none.
            return dict.fromkeys(row, 1.0) if o.present else {}
        if not o.present and DENIED + o.node.id in self.defines:
            return {}  # none of its patients was found to have it ("X-ray: no fracture" in the occult series)
        if self.narrow_age and o.node.id.startswith("age-"):
            # A setting of older adults or of children: a band within it is no evidence, for the published
            # ratios of the bands were measured among adults of all ages ("age over 70" is LR 14.4 for a
            # vertebral fracture in all-age primary care, far less among the over-55s) and none within it.
            # An age outside it puts the patient outside the setting; an age a condition does not occur at
            # still excludes it (excluded-by).  Present, it still makes its sources candidates.
            return dict.fromkeys(self.table.row(o.key), 1.0) if o.present else {}
        leak = self.leak(o.key)
        if DEMOGRAPHIC.match(o.node.id) and (self.of_an_age or scoring.base_rate(self.graph.nodes[o.node.id]) is None):
            # An age band or sex moves a hypothesis only by a published figure (P(band | condition),
            # a ratio) or an exclusion: a grade against even odds is noise (MODEL.md section 9).
            # A band whose base rate is stated (a child is occasional among hip and back
            # presenters) is a finding like any other: being a child is strong evidence for the
            # conditions of childhood.  That rate is among all ages: in a setting of one age group
            # (children with a limp) no source gives the rates of the bands within it.
            row = {h: e for h, e in row.items() if e.published}
        return {h: entry_ratio(e, leak, o.present) for h, e in row.items()}

    def weights(self, obs: Sequence[Observation], ratios: Sequence[dict[str, float]]) -> dict[str, float]:
        """Prior × Π ratio for every hypothesis that a present observation reaches.

        The others stay in "something else" with their prior: an absent finding alone never
        turns a source into a candidate, so it can only lower what it argues against.
        """
        reached = {h for o, r in zip(obs, ratios) if o.present for h in r}
        hyps = self.table.hypotheses
        clustered = self._clusters(obs)
        self.clustered = {i: self._cluster_label(cluster) for cluster, idx in clustered for i in idx}
        weights = {}
        for h in sorted(reached):
            effective = [r.get(h, 1.0) for r in ratios]
            for cluster, idx in clustered:
                # Outside the setting's population its rules' case mix is not the patient's either.
                ratio, carrier = cluster_ratio(self.table, cluster, hyps[h], [obs[i] for i in idx],
                                               [ratios[i] for i in idx], self.counted,
                                               "" if self.outside else self.setting)
                for position, i in enumerate(idx):  # one member carries the cluster's ratio, the rest count 1
                    effective[i] = ratio if position == carrier else 1.0
            # Excluded by a present finding: the first such finding carries the stated ε, the others
            # count 1 (a child is under 10, under 16 and under 20 at once: one exclusion, not three).
            excluded = [i for i, o in enumerate(obs) if o.present and not o.possible and o.node.id in self.exclusions(h)]
            for n, i in enumerate(excluded):
                effective[i] = scoring.EXCLUDED if n == 0 else 1.0
            if excluded:
                self.excluded[h] = tuple(obs[i] for i in excluded)
            self.effective[h] = effective
            weights[h] = self.hypothesis_prior(hyps[h]) * math.prod(effective)
        return weights

    def _cluster_label(self, cluster: Mapping) -> str:
        """How a contribution names its cluster: a rule measured in other settings only groups its members here
        ("fever" in an adult's back pain is no Kocher predictor)."""
        setting = "" if self.outside else self.setting
        if cluster["rules"] and not any(setting in r.get("settings", (setting,)) for r in cluster["rules"]):
            return f"one family with {cluster['label']} (its rule is for another setting)"
        return cluster["label"]

    def _clusters(self, obs: Sequence[Observation]) -> list[tuple[dict, list[int]]]:
        """The clusters with two or more observed members, with the members' positions."""
        out = []
        where = {o.node.id: i for i, o in enumerate(obs)}
        claimed: set[int] = set()
        # A finding in two clusters counts in one: clusters with a published rule claim theirs first.
        clusters = sorted(self.graph.graph.get("clusters", {}).items(), key=lambda kv: (not kv[1]["rules"], kv[0]))
        for _, cluster in clusters:
            idx = [where[m] for m in cluster["members"] if m in where and where[m] not in claimed]
            if len(idx) >= 2:
                out.append((cluster, idx))
                claimed.update(idx)
        return out

    def pairs(self, obs, ratios, weights) -> list[tuple[str, str, float]]:
        """Pairs of sources from different regions that beat each member alone (MODEL.md section 4)."""
        hyps, nodes = self.table.hypotheses, self.graph.nodes
        pool = sorted(weights, key=lambda h: (-weights[h], h))[:PAIR_POOL]
        found = []
        for i, a in enumerate(pool):
            for b in pool[i + 1:]:
                ha, hb = hyps[a], hyps[b]
                if ha.source == hb.source or nodes[ha.source]["region"] == nodes[hb.source]["region"]:
                    continue
                # Two sources at once only when each explains a present observation the other does not.
                if not (_explains_alone(obs, ratios, a, b) and _explains_alone(obs, ratios, b, a)):
                    continue
                # Each member's ratios as its own weight counted them (clusters applied), so the pair
                # and its members are compared on the same evidence.
                w = self._pair_prior(ha, hb)
                for o, ra, rb in zip(obs, self.effective[a], self.effective[b]):
                    w *= pair_ratio(ra, rb, self.leak(o.key), o.present)
                if w > weights[a] and w > weights[b]:
                    found.append((a, b, w))
        # One row per pair of sources, whichever syndromes carried them ("lumbar spinal stenosis" with
        # or without neurogenic claudication), named in a stable order: hip before spine before the rest.
        merged: dict[tuple[str, str], tuple[str, str, float]] = {}
        order = {area: i for i, area in enumerate(Area)}
        for a, b, w in sorted(found, key=lambda x: (-x[2], x[0], x[1])):
            if (order[nodes[hyps[b].source]["region"]], hyps[b].source) < (order[nodes[hyps[a].source]["region"]],
                                                                           hyps[a].source):
                a, b = b, a
            key = (hyps[a].source, hyps[b].source)
            known = merged.get(key)
            merged[key] = (a, b, w) if known is None else (known[0], known[1], known[2] + w)
        return sorted(merged.values(), key=lambda x: (-x[2], x[0], x[1]))[:3]

    def _pair_prior(self, a: Hypothesis, b: Hypothesis) -> float:
        # prior(a) · P(b | a): the published co-occurrence where the KB has one, else independence.
        # Never more than the rarer member alone: both at once cannot be likelier than either (kb-audit2 D8).
        # A member whose prior is only the setting's stated default does not cap a published co-occurrence:
        # the default is a placeholder (stenosis has no primary-care prevalence), the co-occurrence a count.
        capped = [self.hypothesis_prior(h) for h in (a, b) if self.published[h.source]]
        cap = min(capped) if capped else min(self.hypothesis_prior(a), self.hypothesis_prior(b))
        for x, y in ((a, b), (b, a)):
            data = self.graph.succ[x.source].get(y.source, {}).get(Relation.CO_OCCURS_WITH)
            if data is not None:
                return min(self.hypothesis_prior(x) * scoring.edge_probability(data) * y.share, cap)
        return self.hypothesis_prior(a) * self.hypothesis_prior(b)


def _explains_alone(obs, ratios, a: str, b: str) -> bool:
    return any(o.present and r.get(a, 1.0) > 1.0 >= r.get(b, 1.0) for o, r in zip(obs, ratios))


def entry_ratio(entry: Entry, leak: float, present: bool) -> float:
    """One table entry's likelihood ratio against "something else".

    A published ratio is used as it is; otherwise the likelihood is the entry's own
    published figure, or its path's strength plus the leak (a leaky noisy-OR of one
    path: the observation may also have another cause).

    >>> entry_ratio(Entry(0.5, False, 0), 0.1, True)
    5.5
    >>> entry_ratio(Entry(0.84, True, 0, 2.8, 0.22), 0.3, False)
    0.22
    """
    published = entry.lr_positive if present else entry.lr_negative
    if published is not None:
        return published
    likelihood = entry.probability if entry.published else scoring.noisy_or((entry.probability,), leak)
    # A proportion of 1 (all of a small series) would make one absent finding decisive (kb-audit2 D9).
    return scoring.likelihood_ratio(min(likelihood, scoring.MAX_LIKELIHOOD), leak, present)


def pair_ratio(ratio_a: float, ratio_b: float, leak: float, present: bool) -> float:
    """Ratio of one observation under two independent sources (a noisy-OR sharing one leak).

    >>> round(pair_ratio(8.0, 1.0, 0.1, True), 6)  # only one source explains it: that one's ratio
    8.0
    >>> round(pair_ratio(5.0, 5.0, 0.1, True), 3)  # two causes: more likely, not twice as likely
    7.222
    """
    if not present:
        # P(absent | pair) = (1 − La)(1 − Lb) / (1 − λ), so its ratio is the product of the two.
        return ratio_a * ratio_b
    a, b = min(ratio_a * leak, 1.0), min(ratio_b * leak, 1.0)
    both = 1.0 - (1.0 - a) * (1.0 - b) / (1.0 - leak)
    return both / leak


def cluster_ratio(table: DiagnosticTable, cluster: Mapping, h: Hypothesis, obs: Sequence[Observation],
                  ratios: Sequence[Mapping[str, float]], counted: frozenset[str] = frozenset(),
                  setting: str | None = None) -> tuple[float, int]:
    """One ratio for a cluster of dependent findings, and which member carries it (MODEL.md section 5).

    For the cluster's own condition (or a kind of it) a published rule by number of
    positive items decides; otherwise the single most informative member counts, not
    the product of all.
    """
    mine = [r.get(h.id, 1.0) for r in ratios]
    target = cluster["condition"]
    decided = _rule_decision(cluster, obs, setting) if target is not None else None
    if decided is not None:
        if h.source == target or target in table.ancestors.get(h.source, ()):
            return decided, 0
        # The rule's ratio is its condition's odds against the rest of the population it was measured
        # in (Kocher: septic arthritis against transient synovitis): once it decides, its items carry
        # nothing more for the conditions the setting counts beside it.  Any other hypothesis keeps its
        # own single best member (fever still argues for osteomyelitis).
        if h.source in counted:
            return 1.0, 0
    best = max(range(len(mine)), key=lambda i: (abs(math.log(mine[i])) if mine[i] > 0 else math.inf, mine[i], -i))
    return mine[best], best


def _rule_decision(cluster: Mapping, obs: Sequence[Observation], setting: str | None = None) -> float | None:
    """The published rule's ratio for these observed members, or None when no rule decides.

    A rule whose ratios were measured against one setting's case mix (its ``settings``) decides
    only there: Kocher's odds of septic arthritis against transient synovitis say nothing about a
    67-year-old's hot hip, whose findings then count as a family (the best one).
    """
    rules = [r for r in cluster["rules"] if setting is None or setting in r.get("settings", (setting,))]
    if not rules:
        return None
    positive = sum(o.present for o in obs)
    unknown = len(cluster["members"]) - len(obs)
    for rule in rules:  # highest threshold first
        if positive >= rule["at_least"]:
            return _rule_ratio(rule, True)
    lowest = rules[-1]
    if positive + unknown < lowest["at_least"]:
        return _rule_ratio(lowest, False)
    return None


def _rule_ratio(rule: Mapping, positive: bool) -> float:
    column = "lr_positive" if positive else "lr_negative"
    if rule.get(column) is not None:
        return float(rule[column])
    sensitivity, specificity = rule.get("sensitivity"), rule.get("specificity")
    if sensitivity is None or specificity is None:
        return 1.0
    if positive:
        return sensitivity / max(1.0 - specificity, scoring.MIN_LEAK)
    return (1.0 - sensitivity) / max(specificity, scoring.MIN_LEAK)


def _check_priors(kg: KnowledgeGraph, priors) -> dict[str, float]:
    if not priors:
        return {}
    out = {}
    for term, value in priors.items():
        node = kg.resolve(term)
        if node.kind is not Kind.CONDITION:
            raise TraceError(f"prior for {term!r}: it is a {node.kind.value}; priors apply to conditions")
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value <= 1:
            raise TraceError(f"prior for {term!r}: {value!r} (allowed: a number in (0, 1])")
        out[node.id] = float(value)
    return out


# -- building the result ---------------------------------------------------------------------

def _result(kg, model: _Model, obs, present, ratios, weights, pairs, other, total, limit, skipped) -> TraceResult:
    table, graph = model.table, kg.graph
    hyps = table.hypotheses
    by_source: dict[str, list[str]] = {}
    for h in sorted(weights, key=lambda h: (-weights[h], h)):
        by_source.setdefault(hyps[h].source, []).append(h)
    in_pairs: dict[str, float] = {}
    for a, b, w in pairs:
        for h in (a, b):
            in_pairs[hyps[h].source] = in_pairs.get(hyps[h].source, 0.0) + w
    # Exclusive shares (MODEL.md section 4): a source alone, a pair, and "something else" are rows of
    # one distribution that adds up to 100 %; a member of a pair is marked, not credited twice.
    scores = {s: math.fsum(weights[h] for h in hs) / total for s, hs in by_source.items()}
    paired = {s: w / total for s, w in in_pairs.items()}
    # Ranked by the chance the source is involved at all (alone or in a pair), so the members of a
    # leading pair stay beside it.
    ranked = sorted(scores, key=lambda s: (-(scores[s] + paired.get(s, 0.0)), s))

    flagged = {i for i, o in enumerate(obs) if o.present and o.node.red_flag}
    ranked, moved = _must_not_miss(graph, obs, ratios, by_source, ranked, flagged)
    shown = ranked[:max(limit, NEXT_FINDING_POOL)]
    shown += [s for s in ranked[len(shown):] if graph.nodes[s].get("red_flag")
              and (scores[s] >= RED_FLAG_SCORE or any(h in ratios[i] for i in flagged for h in by_source[s]))]
    build = _Builder(kg, model, obs, ratios)
    candidates = [build.candidate(s, by_source[s][0], scores[s], paired.get(s, 0.0), moved.get(s, ()))
                  for s in shown]
    combos = tuple(build.combination(a, b, w / total) for a, b, w in pairs)
    explained = {o.key for o, r in zip(obs, ratios) if any(v > 1.0 for v in r.values())}
    return TraceResult(
        observations=obs,
        candidates=tuple(candidates[:limit]),
        red_flags=_red_flags(kg, table, obs, candidates),
        next_findings=_next_findings(kg, model, obs, candidates[:NEXT_FINDING_POOL]),
        other_score=other / total,
        unexplained=tuple(o for o in present if o.key not in explained),
        skipped=tuple((e.term, e.suggestions) for e in skipped),
        setting=model.setting,
        outside_setting=model.outside,
        combinations=combos,
        groups=_groups(kg, table, weights, total),
        unlisted_score=max(0.0, 1.0 - other / total - math.fsum(w for _, _, w in pairs) / total
                           - math.fsum(c.score for c in candidates[:limit])),
    )


#: How many places the top of the list keeps for dangerous conditions (MODEL.md, "Must not miss").
MUST_NOT_MISS_PLACES = 3


def _must_not_miss(graph, obs, ratios, by_source: dict[str, list[str]], ranked: list[str],
                   flagged: set[int]) -> tuple[list[str], dict[str, tuple[Observation, ...]]]:
    """Move into the top three a dangerous condition that explains a present red flag the leading
    candidate does not, when no dangerous condition in the top three explains it already.

    The probabilities stay as computed: the order alone says that a red flag no benign cause accounts
    for is never ranked out of sight ("back pain with urinary incontinence": cauda equina syndrome
    second, not fifteenth).  The leading candidate keeps first place, so a benign classic with one
    alarming feature it explains is not overturned.  An age or a sex is no such red flag, nor a
    condition named in the text.
    """
    if len(ranked) <= 1 or not flagged:
        return ranked, {}

    def explains(source: str, i: int) -> bool:
        return any(ratios[i].get(h, 1.0) > 1.0 for h in by_source[source])

    lead = ranked[0]
    unanswered = [i for i in sorted(flagged) if not (DEMOGRAPHIC.match(obs[i].node.id)
                                                     or obs[i].node.kind is Kind.CONDITION or explains(lead, i))]
    dangers = [s for s in ranked[1:] if graph.nodes[s].get("red_flag")]
    answering: dict[str, list[Observation]] = {}
    # the dangers already in the top three keep their places for the red flags they answer; then, while a
    # place is left, the danger that answers most of the red flags still unanswered (the likelier on a tie)
    for s in [d for d in dangers if d in ranked[:MUST_NOT_MISS_PLACES]] + [None] * MUST_NOT_MISS_PLACES:
        if not unanswered or len(answering) >= MUST_NOT_MISS_PLACES - 1:
            break
        if s is None:
            s = max(dangers, key=lambda d: (sum(explains(d, i) for i in unanswered), -dangers.index(d)), default=None)
        answered = [i for i in unanswered if s is not None and explains(s, i)]
        if s is None or not answered or s in answering:
            continue
        answering[s] = [obs[i] for i in answered]
        unanswered = [i for i in unanswered if i not in answered]
    if not answering:
        return ranked, {}
    # After the lead, the dangers that answer red flags (in their own order); a danger placed above a more
    # probable candidate says why, one already there keeps its place without a note
    kept = [s for s in ranked if s in answering]
    order = [lead] + kept + [s for s in ranked[1:] if s not in answering]
    moved = {s: tuple(answering[s]) for s in kept if order.index(s) < ranked.index(s)}
    if not moved:
        return ranked, {}
    return order, moved


class _Builder:
    """Turns hypotheses into the frozen records users see."""

    def __init__(self, kg, model: _Model, obs, ratios) -> None:
        self.kg, self.model, self.obs, self.ratios = kg, model, obs, ratios
        self.table = model.table

    def candidate(self, source: str, best: str, score: float, paired: float = 0.0,
                  must_not_miss: tuple[Observation, ...] = ()) -> Candidate:
        kg, table = self.kg, self.table
        h = table.hypotheses[best]
        node = kg.node(source)
        explanations, contributions = [], []
        effective = self.model.effective.get(best) or [r.get(best, 1.0) for r in self.ratios]
        for i, (o, ratio) in enumerate(zip(self.obs, effective)):
            contributions.append(Contribution(o, ratio, self.model.clustered.get(i, "")))
            entry = table.row(o.key).get(best)
            if o.present and entry is not None and o.node.id != source:
                path = self.path(entry)
                how = tuple(self._path(links) for links in table.mechanisms(source, o.node.id))
                explanations.append(Explanation(o, (path,), entry.probability, how))
        explained = {e.observation.key for e in explanations}
        return Candidate(
            node=node,
            score=score,
            region=node.region,
            prior=self.model.priors[source],
            explanations=tuple(explanations),
            contributions=tuple(contributions),
            unexplained=tuple(o for o in self.obs if o.present and o.key not in explained and o.node.id != source),
            treatments=_treatments(kg, table, source),
            via=kg.node(h.syndrome) if h.syndrome else None,
            broader=tuple(kg.node(a) for a in table.ancestors.get(source, ())),
            prior_published=self.model.published[source],
            excluded_by=self.model.excluded.get(best, ()),
            paired=paired,
            must_not_miss=must_not_miss,
        )

    def combination(self, a: str, b: str, score: float) -> Combination:
        hyps = self.table.hypotheses
        first, second = (self.candidate(hyps[h].source, h, 0.0) for h in (a, b))
        regions = {first.region, second.region}
        name = "hip–spine syndrome" if regions == _HIP_SPINE else ""
        return Combination(first, second, score, name)

    def _path(self, links) -> Path:
        return Path(tuple(_step(self.kg, link) for link in links), math.prod(link.probability for link in links))

    def path(self, entry: Entry) -> Path:
        links = self.table.justifications[entry.justification]
        # The path's own strength; the explanation's likelihood is the entry's (a published
        # figure, or a syndrome's own path when the source is assumed to have caused it).
        return Path(tuple(_step(self.kg, link) for link in links), math.prod(link.probability for link in links))


def _step(kg, link) -> Step:
    source, target = kg.node(link.source), kg.node(link.target)
    references = kg.graph.edges[link.source, link.target, link.relation]["references"]
    return Step(link.source, link.relation, link.target, link.probability, references,
                source.label, target.label, source.kind, target.kind)


def _treatments(kg, table: DiagnosticTable, cid: str) -> tuple[Treatment, ...]:
    found = table.memo.get(("treatments", cid))
    if found is None:
        found = table.memo[("treatments", cid)] = _find_treatments(kg, cid)
    return found


def _find_treatments(kg, cid: str) -> tuple[Treatment, ...]:
    out = [Treatment(kg.node(t), Relation(r), data.get("qualifier"), data["references"])
           for _, t, r, data in kg.graph.out_edges(cid, keys=True, data=True)
           if r in (Relation.TREATED_BY, Relation.PREVENTED_BY)]
    order = {Qualifier.RECOMMENDED: 0, None: 1, Qualifier.CONDITIONAL: 2, Qualifier.NOT_RECOMMENDED: 3}
    return tuple(sorted(out, key=lambda t: (t.relation.value, order[t.qualifier], t.node.id)))


def _groups(kg, table: DiagnosticTable, weights: Mapping[str, float], total: float) -> tuple[Group, ...]:
    """Parents and syndromes with the summed probability of their members (MODEL.md section 3)."""
    sums: dict[str, dict[str, float]] = {}
    for h, w in weights.items():
        hyp = table.hypotheses[h]
        names = [*table.ancestors.get(hyp.source, ())]
        if hyp.syndrome is not None:
            names += [hyp.syndrome, *table.ancestors.get(hyp.syndrome, ())]
        for name in dict.fromkeys(names):
            members = sums.setdefault(name, {})
            members[hyp.source] = members.get(hyp.source, 0.0) + w / total
    groups = []
    for name, members in sums.items():
        score = math.fsum(members.values())
        if score >= GROUP_SCORE:
            parts = tuple((kg.node(m), p) for m, p in sorted(members.items(), key=lambda x: (-x[1], x[0])))
            groups.append(Group(kg.node(name), score, parts))
    return tuple(sorted(groups, key=lambda g: (-g.score, g.node.id)))


def _percent(score: float) -> str:
    """A red-flag condition's share, never printed as a reassuring "0.0 %"."""
    return f"{score:.1%}" if score >= 0.001 else "below 0.1 %"


def _confirming_test(kg, table: DiagnosticTable, condition: str) -> str:
    """The test a red-flag condition is confirmed by (its strongest ``diagnosed-by`` test), for the advice."""
    found = table.memo.get(("confirmed-by", condition))
    if found is None:
        tests = [(scoring.edge_probability(d), t) for _, t, r, d in kg.graph.out_edges(condition, keys=True, data=True)
                 if r == Relation.DIAGNOSED_BY and kg.graph.nodes[t]["kind"] is Kind.TEST and t not in WORKUP_STEPS]
        found = table.memo[("confirmed-by", condition)] = kg.node(max(tests)[1]).label if tests else ""
    return found


def _raisers(kg, table: DiagnosticTable, finding: str) -> tuple[str, ...]:
    """The red-flag conditions the KB says a red-flag finding raises."""
    found = table.memo.get(("raised-by", finding))
    if found is None:
        found = table.memo[("raised-by", finding)] = tuple(sorted(
            s for s, _, r in kg.graph.in_edges(finding, keys=True)
            if r in (Relation.PRESENTS_WITH, Relation.DIAGNOSED_BY) and kg.graph.nodes[s].get("red_flag")
            and kg.graph.nodes[s]["kind"] is Kind.CONDITION))
    return found


def _red_flags(kg, table: DiagnosticTable, obs: Sequence[Observation],
               candidates: Sequence[Candidate]) -> tuple[RedFlag, ...]:
    """Red flags with one voice (MODEL.md section 5).

    A present red-flag finding always needs urgent assessment, naming what it cannot exclude
    without which test ("cauda equina syndrome cannot be excluded without MRI"), never a
    reassuring percentage.  An age band alone is common: it asks for the other red flags.  A
    red-flag condition is listed when a red-flag finding points at it or it reaches
    :data:`RED_FLAG_SCORE`.
    """
    flags = []
    by_id = {c.node.id: c for c in candidates}
    named_ids: set[str] = set()  # red-flag conditions already named beside the observation that raised them
    for o in obs:
        if not (o.present and o.node.red_flag):
            continue
        explained_by = [c for c in candidates if c.node.red_flag and any(e.observation.key == o.key for e in c.explanations)]
        causes = list(dict.fromkeys([c.node.id for c in explained_by] + list(_raisers(kg, table, o.node.id))))
        said = "suspected" if o.possible or suspected(o.term) else "reported"  # "?saddle anaesthesia" asks
        if DEMOGRAPHIC.match(o.node.id) and not any(by_id[c].score >= RED_FLAG_SCORE for c in causes if c in by_id):
            names = ", ".join(kg.node(c).label for c in causes[:3])
            unlikely = f"; {names} unlikely on these findings" if names else ""
            advice = f"red flag: {o.node.label} {said}{unlikely} — ask about the other red flags"
        else:
            shown = causes[:3]
            excluded = "; ".join(f"{kg.node(c).label} cannot be excluded without {test}" if test else
                                 f"{kg.node(c).label} must be excluded"
                                 for c, test in ((c, _confirming_test(kg, table, c)) for c in shown))
            advice = f"red flag: {o.node.label} {said} — needs urgent assessment" + (f": {excluded}" if excluded else "")
            named_ids.update(shown)
        flags.append(RedFlag(o.node, advice, (o,), raises=tuple(kg.node(c) for c in causes[:3])))
    flagged = {f.node.id for f in flags}  # a condition named as a finding ("CES") is flagged once (G26)
    for c in candidates:
        if not c.node.red_flag or c.node.id in flagged:
            continue
        pointed = tuple(e.observation for e in c.explanations if e.observation.node.red_flag and e.observation.present)
        if c.score >= RED_FLAG_SCORE or (pointed and c.node.id not in named_ids):
            why = ", ".join(o.node.label for o in pointed) if pointed else "the pattern of findings"
            if c.region in _ELSEWHERE:
                todo = f"this is not a hip or back problem ({c.region.label}): assess urgently"
            else:
                todo = "rule it out before treating as mechanical pain"
            flags.append(RedFlag(c.node, f"red flag: {c.node.label} ({_percent(c.score)}) suggested by {why} — {todo}",
                                 pointed, c.score))
    return tuple(flags)


def _tests_of(graph, table: DiagnosticTable, source: str) -> tuple[str, ...]:
    """The findings and tests a source directly predicts (the candidates for "ask next")."""
    found = table.memo.get(("tests", source))
    if found is None:
        found = table.memo[("tests", source)] = tuple(sorted({
            t for _, t in graph.out_edges(source)
            if graph.nodes[t]["kind"] in (Kind.FINDING, Kind.TEST) and t not in WORKUP_STEPS}))
    return found


def _next_findings(kg, model: _Model, obs, pool: Sequence[Candidate]) -> tuple[NextFinding, ...]:
    """Unobserved findings and tests that best separate the top candidates (expected information gain)."""
    if len(pool) < 2:
        return ()
    graph, table = kg.graph, model.table
    seen = {o.node.id for o in obs}
    dist = scoring.normalize([c.score for c in pool])
    hyp_of = {c.node.id: f"{c.node.id}+{c.via.id}" if c.via else c.node.id for c in pool}
    options: set[str] = set()
    for c in pool:
        options.update(t for t in _tests_of(graph, table, c.node.id) if t not in seen)
    scored = []
    for t in sorted(options):
        row = table.row((t, ""))
        leak = model.leak((t, ""))
        positive = []
        for c in pool:
            entry = row.get(hyp_of[c.node.id])
            positive.append(leak if entry is None else min(entry_ratio(entry, leak, True) * leak, 1.0))
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
