"""What a trace returns: candidates, the paths that explain them, red flags, next findings.

Frozen records holding tuples, each with a ``__str__`` that reads as a sentence or an
arrow chain; :mod:`painkg.tracing` builds them and :mod:`painkg.report` lays them out.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from ..kb.model import Node
from ..kb.vocab import Area, Cause, Kind, Qualifier, Relation
from ..reading.observe import Observation

__all__ = [
    "TraceResult", "Candidate", "Combination", "Group", "Observation", "Step", "Path", "Explanation",
    "Contribution", "Treatment", "RedFlag", "NextFinding",
]


@dataclass(frozen=True, slots=True)
class Step:
    """One edge on an explanation path, as written in the KB, with its strength."""

    source: str
    relation: Relation
    target: str
    probability: float
    references: tuple[str, ...]
    source_label: str
    target_label: str
    source_kind: Kind
    target_kind: Kind

    @property
    def cause(self) -> str:
        return self.target if self.relation.cause is Cause.OBJECT else self.source

    @property
    def effect(self) -> str:
        return self.source if self.relation.cause is Cause.OBJECT else self.target


@dataclass(frozen=True, slots=True)
class Path:
    """A chain of steps from a candidate (first cause) to an observation."""

    steps: tuple[Step, ...]
    probability: float

    def __str__(self) -> str:
        first = self.steps[0]
        out = first.target_label if first.relation.cause is Cause.OBJECT else first.source_label
        for s in self.steps:
            if s.relation.cause is Cause.OBJECT:  # written "effect —compensates for→ cause"
                out += f" ←{s.relation.phrase}— {s.source_label}"
            else:
                out += f" —{s.relation.phrase}→ {s.target_label}"
        return out


@dataclass(frozen=True, slots=True)
class Explanation:
    """How a candidate explains one observation: its best paths and the likelihood."""

    observation: Observation
    paths: tuple[Path, ...]
    likelihood: float
    #: How the source produces it, shown and not counted: up to two mechanism paths
    #: (compensation first), e.g. hip osteoarthritis → altered gait → lumbar overload → low back pain.
    how: tuple[Path, ...] = ()


@dataclass(frozen=True, slots=True)
class Contribution:
    """How much one observation moved a candidate against "something else".

    ``cluster`` names the cluster of dependent findings the observation was counted in:
    then one member carries the cluster's ratio and the others count 1 (MODEL.md section 5).
    """

    observation: Observation
    likelihood_ratio: float
    cluster: str = ""

    @property
    def log_odds(self) -> float:
        return math.log(self.likelihood_ratio)

    @property
    def supports(self) -> bool:
        return self.likelihood_ratio > 1.0


@dataclass(frozen=True, slots=True)
class Treatment:
    node: Node
    relation: Relation
    qualifier: Qualifier | None
    references: tuple[str, ...]

    def __str__(self) -> str:
        q = f" ({self.qualifier.value})" if self.qualifier else ""
        return f"{self.node.label}{q}"


@dataclass(frozen=True, slots=True)
class Candidate:
    """A source of the observations: a condition, with the one justification of each it explains.

    ``score`` is the probability that this condition is a source (its share of any pair
    it belongs to included); ``via`` the syndrome through which it explains them ("L5
    radiculopathy" for a disc herniation), ``broader`` its parent conditions;
    ``prior_published`` says whether its prior is a published prevalence of the setting
    (else the setting's stated default).
    """

    node: Node
    score: float
    region: Area
    prior: float
    explanations: tuple[Explanation, ...]
    contributions: tuple[Contribution, ...]
    unexplained: tuple[Observation, ...]
    treatments: tuple[Treatment, ...]
    via: Node | None = None
    broader: tuple[Node, ...] = ()
    prior_published: bool = False
    #: Present findings the condition is excluded by (a diagnosis of exclusion's exclusions, an age
    #: or sex at which it does not occur): why it fell.
    excluded_by: tuple[Observation, ...] = ()
    #: Its share as one of two sources at once (the pairs it is a member of, each its own row in
    #: ``TraceResult.combinations``); ``score`` is its share alone, so all rows add up to 100 %.
    paired: float = 0.0
    #: The present red flags it explains and the leading candidate does not: why a dangerous condition
    #: stands in the top three above its probability (``docs/MODEL.md``, "Must not miss").
    must_not_miss: tuple[Observation, ...] = ()

    def __str__(self) -> str:
        via = f" (via {self.via.label})" if self.via else ""
        return f"{self.node.label}{via} ({self.region.label}) {self.score:.1%}"


@dataclass(frozen=True, slots=True)
class Combination:
    """Two sources at once, from different regions, that explain the observations better than either."""

    first: Candidate
    second: Candidate
    score: float
    name: str = ""  # "hip–spine syndrome" for a hip and a lumbar source

    def __str__(self) -> str:
        named = f": {self.name}" if self.name else ""
        return f"{self.first.node.label} + {self.second.node.label}{named} {self.score:.1%}"


@dataclass(frozen=True, slots=True)
class Group:
    """A broader condition or a syndrome, with the summed probability of the candidates it covers."""

    node: Node
    score: float
    members: tuple[tuple[Node, float], ...]

    def __str__(self) -> str:
        parts = ", ".join(f"{n.label} {p:.0%}" for n, p in self.members[:4])
        return f"{self.node.label} {self.score:.0%}: {parts}"


@dataclass(frozen=True, slots=True)
class RedFlag:
    node: Node
    message: str
    observations: tuple[Observation, ...] = ()
    score: float | None = None
    #: The red-flag conditions a finding's flag names ("cauda equina syndrome cannot be excluded …").
    raises: tuple[Node, ...] = ()

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True, slots=True)
class NextFinding:
    node: Node
    information_gain: float  # bits
    why: str

    def __str__(self) -> str:
        return f"{self.node.label}: {self.why}"


@dataclass(frozen=True, slots=True)
class TraceResult:
    observations: tuple[Observation, ...]
    candidates: tuple[Candidate, ...]
    red_flags: tuple[RedFlag, ...]
    next_findings: tuple[NextFinding, ...]
    other_score: float  # "something else": causes the KB does not hold
    unexplained: tuple[Observation, ...] = field(default=())  # explained by no candidate at all
    skipped: tuple[tuple[str, tuple[str, ...]], ...] = field(default=())  # unknown terms, with suggestions
    setting: str = "primary-care"  # where the patient is seen: fixes the priors
    combinations: tuple[Combination, ...] = field(default=())  # two sources at once (MODEL.md section 4)
    groups: tuple[Group, ...] = field(default=())  # parents and syndromes, summed
    #: The share of the candidates beyond ``limit``: candidates, pairs, this and ``other_score`` add up to 1.
    unlisted_score: float = 0.0
    #: What puts the patient outside the setting's population ("no age over 16" in a setting of
    #: adults): its published prevalences were not used, every condition had the stated default.
    outside_setting: tuple[Observation, ...] = field(default=())

    def __str__(self) -> str:
        from .report import format_result

        return format_result(self)

    def to_dict(self) -> dict:
        """Return the result as plain JSON-ready data (what ``painkg trace --json`` prints)."""
        from .report import result_to_dict

        return result_to_dict(self)
