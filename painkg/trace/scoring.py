"""The trace's probability model as pure functions on numbers (see ``docs/MODEL.md``).

* **edge strength** ``p(e)`` — the chance the mechanism produces its effect: the
  published sensitivity or frequency if the edge has one, else its grade through
  :data:`GRADE_PROBABILITY`; a path's strength is the product along it;
* **leak** ``λ(o)`` — the chance of *o* in a patient whose source does not produce it:
  a stated default by kind (:func:`default_leak`), 0.5 for a demographic;
* **likelihood** of *o* under a hypothesis — its published figure, or its one path plus
  the leak, ``1 − (1 − λ)(1 − p)``; an absent observation contributes ``1 − L``;
* **ratio** against "something else" — ``L / λ`` (present), ``(1 − L) / (1 − λ)``
  (absent), unless the justifying edge publishes its own likelihood ratios;
* **posterior** — ``prior · Π ratio`` normalized over the hypotheses and "something else".
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence

from ..kb.vocab import Grade, Kind

__all__ = [
    "GRADE_PROBABILITY", "PRIOR_BY_GRADE", "DEFAULT_PRIOR", "DEFAULT_LEAK", "DEFAULT_LEAK_BY_KIND", "DEMOGRAPHIC_LEAK",
    "OTHER_PRIOR", "OTHER_FLOOR", "MAX_LIKELIHOOD", "BASE_RATE_BY_GRADE", "EXCLUDED", "base_rate",
    "default_leak",
    "edge_probability", "noisy_or", "likelihood_ratio", "normalize",
    "entropy", "information_gain",
]

#: Chance that a mechanism graded so produces its effect (the one documented table).
GRADE_PROBABILITY: dict[Grade, float] = {
    Grade.TYPICAL: 0.8,
    Grade.COMMON: 0.5,
    Grade.OCCASIONAL: 0.2,
    Grade.RARE: 0.05,
}
#: Prior weight of a condition whose prevalence is graded, not published.
PRIOR_BY_GRADE: dict[Grade, float] = {
    Grade.TYPICAL: 0.3,
    Grade.COMMON: 0.1,
    Grade.OCCASIONAL: 0.03,
    Grade.RARE: 0.005,
}
DEFAULT_PRIOR = PRIOR_BY_GRADE[Grade.OCCASIONAL]
#: Chance of an observation with no modelled cause and no published specificity.
DEFAULT_LEAK = 0.05
#: ... by kind: most hip and back pain gets worse with some activity, and the KB
#: lists only each condition's characteristic aggravators, so a candidate without
#: a path to "worse with walking" is penalised less than one without a path to a sign.
#: A condition named as known ("sciatica", "known hip OA") is rarely named when the
#: source is something else.  Both stated defaults.
DEFAULT_LEAK_BY_KIND: dict[Kind, float] = {Kind.ACTIVITY: 0.2, Kind.CONDITION: 0.02}
#: ... for an attribute every patient has one way or the other (an age band, sex): the KB
#: links it only to the conditions it is typical of, so its rate among the KB's
#: conditions says nothing about how common it is.  Taken as even odds when no reference
#: gives a rate, such an attribute can at most double a candidate's odds.
DEMOGRAPHIC_LEAK = 0.5
#: Base rate of an observable whose node gives a grade in its ``prior`` cell (MODEL.md section 9):
#: how often patients of the setting have it when their pain does not come from one of its
#: modelled causes.  ``rare`` is for what is well under 1 % of hip and back presenters (a
#: sphincter symptom, a pulsatile mass), ``occasional`` for a few per cent (fever, a cancer
#: history), ``common`` for what many have (night pain, pain on coughing), ``typical`` for what
#: most have (pain on activity).
BASE_RATE_BY_GRADE: dict[Grade, float] = {
    Grade.TYPICAL: 0.5,
    Grade.COMMON: 0.2,
    Grade.OCCASIONAL: 0.04,
    Grade.RARE: 0.008,
}
#: Likelihood ratio of a hypothesis excluded by a present finding (``excluded-by``): the
#: diagnosis of exclusion with a radicular sign, hip osteoarthritis in a child.  Not zero: the
#: finding may be misread or misreported, and the report says why the hypothesis fell.
EXCLUDED = 0.01
#: Prior weight of "something else": causes the knowledge base does not hold.
OTHER_PRIOR = 0.1
#: ... and its least, in a setting whose published prevalences already add up to its whole case mix.
OTHER_FLOOR = 0.01
#: The most a likelihood may be: a published proportion of 1 (every one of a small series)
#: would make the finding's absence rule the condition out on its own.
MAX_LIKELIHOOD = 0.99
#: Leaks are kept inside (MIN_LEAK, MAX_LEAK) so no single observation is decisive.
MIN_LEAK, MAX_LEAK = 0.001, 0.95


def edge_probability(data: Mapping) -> float:
    """Return the strength of one edge from its attributes.

    >>> edge_probability({"strength": Grade.COMMON})
    0.5
    >>> edge_probability({"strength": Grade.COMMON, "sensitivity": 0.94})
    0.94
    """
    for column in ("sensitivity", "frequency"):
        value = data.get(column)
        if value is not None:
            return float(value)
    return GRADE_PROBABILITY[Grade(data["strength"])]


def default_leak(kind: Kind) -> float:
    """Return the leak of an observation of this kind when no reference gives one.

    >>> default_leak(Kind.ACTIVITY), default_leak(Kind.FINDING)
    (0.2, 0.05)
    """
    return DEFAULT_LEAK_BY_KIND.get(kind, DEFAULT_LEAK)


def base_rate(node: Mapping) -> float | None:
    """Return an observable's base rate from its ``prior`` cell (a published rate or a grade), if any.

    >>> base_rate({"prior": Grade.RARE}), base_rate({"prior": 0.02}), base_rate({"prior": None})
    (0.008, 0.02, None)
    """
    prior = node.get("prior")
    if prior is None:
        return None
    if isinstance(prior, Grade):
        return BASE_RATE_BY_GRADE[prior]
    return min(max(float(prior), MIN_LEAK), MAX_LEAK)


def noisy_or(probabilities: Iterable[float], leak: float) -> float:
    """Return ``1 − (1 − leak) · Π (1 − p)``: the chance at least one cause fires.

    >>> round(noisy_or([0.5, 0.5], 0.1), 3)
    0.775
    """
    miss = 1.0 - leak
    for p in probabilities:
        miss *= 1.0 - p
    return 1.0 - miss


def likelihood_ratio(likelihood: float, leak: float, present: bool) -> float:
    """Return how much one observation moves a candidate against "something else".

    >>> round(likelihood_ratio(0.775, 0.1, True), 2)
    7.75
    >>> round(likelihood_ratio(0.775, 0.1, False), 2)
    0.25
    """
    if present:
        return likelihood / leak
    return (1.0 - likelihood) / (1.0 - leak)


def normalize(weights: Sequence[float]) -> list[float]:
    """Scale non-negative weights to sum to 1 (all equal if every weight is 0).

    >>> normalize([1.0, 3.0])
    [0.25, 0.75]
    """
    total = math.fsum(weights)
    if total <= 0:
        return [1.0 / len(weights)] * len(weights)
    return [w / total for w in weights]


def entropy(distribution: Iterable[float]) -> float:
    """Shannon entropy in bits.

    >>> entropy([0.5, 0.5])
    1.0
    """
    return -math.fsum(p * math.log2(p) for p in distribution if p > 0)


def information_gain(distribution: Sequence[float], positive: Sequence[float]) -> float:
    """Expected entropy reduction from learning one yes/no finding.

    *distribution* is the current probability of each hypothesis; *positive* the
    chance the finding is positive under each.  Hand-worked: two equally likely
    hypotheses and a finding positive under only the first (1.0 vs 0.0) settles
    the question, gaining one whole bit.

    >>> information_gain([0.5, 0.5], [1.0, 0.0])
    1.0
    >>> round(information_gain([0.5, 0.5], [0.3, 0.3]), 12)
    0.0
    """
    # Computed as the mutual information of hypothesis and finding, H(finding) −
    # Σ d·H(finding | hypothesis), which equals the expected entropy reduction and
    # needs no posterior distributions (the trace weighs dozens of findings per call).
    p_pos = sum(d * q for d, q in zip(distribution, positive))
    gain = _binary_entropy(p_pos) - sum(d * _binary_entropy(q) for d, q in zip(distribution, positive) if d > 0)
    return max(gain, 0.0)


def _binary_entropy(p: float) -> float:
    if p <= 0.0 or p >= 1.0:
        return 0.0
    return -(p * math.log2(p) + (1.0 - p) * math.log2(1.0 - p))
