"""Where a patient is seen fixes the priors: settings and the prevalences they cite.

A *setting* is a named population (``primary-care``: new back, hip or groin pain seen
first in general practice or physiotherapy; ``spine-centre``: chronic low back pain
referred for diagnostic procedures; ...), declared in ``ontology/kb/settings.tsv``.
``priors.tsv`` gives a condition's prevalence in a setting with its reference.  A
condition without one gets the setting's stated default, and the trace says so
(``docs/MODEL.md`` section 6).

Examples
--------
>>> [s.id for s in settings(kg.graph)][:1]
['primary-care']
>>> prior = prior_of(kg.graph, "primary-care", "vertebral-fracture")
>>> prior.published, prior.references[:1]
(True, ('henschke2009',))
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # only annotations name it: a trace served from the cache never imports networkx
    import networkx as nx

from ..errors import TraceError
from ..kb.vocab import Grade
from . import scoring

__all__ = ["Setting", "Prior", "settings", "setting", "prior_of", "priors_of", "default_prior", "DEFAULT_SETTING"]

#: The setting a trace assumes unless told otherwise.
DEFAULT_SETTING = "primary-care"


@dataclass(frozen=True, slots=True)
class Setting:
    """A population a patient can be seen in, with the references of its prevalences."""

    id: str
    label: str
    description: str
    default_prior: float
    references: tuple[str, ...]
    #: What every patient of the setting has (its inclusion criteria): counted once, in its priors.
    defines: tuple[str, ...] = ()

    def __str__(self) -> str:
        return f"{self.id}: {self.label}"


@dataclass(frozen=True, slots=True)
class Prior:
    """A condition's prior in a setting: published (with references) or the stated default."""

    value: float
    published: bool
    references: tuple[str, ...] = ()
    note: str = ""
    among: tuple[str, ...] = ()  # the presenting complaints the prevalence was measured in


def settings(graph: nx.MultiDiGraph) -> tuple[Setting, ...]:
    """Return the knowledge base's settings, the default first."""
    table: Mapping[str, dict] = graph.graph.get("settings", {})
    out = [_setting(k, v) for k, v in table.items()]
    return tuple(sorted(out, key=lambda s: (s.id != DEFAULT_SETTING, s.id)))


def _setting(name: str, v: Mapping) -> Setting:
    return Setting(name, v["label"], v["description"], _default(v), tuple(v["references"]), tuple(v.get("defines", ())))


def setting(graph: nx.MultiDiGraph, name: str) -> Setting:
    """Return one setting by id, or raise :class:`TraceError` naming the known ones."""
    # Looked up, not searched for among all of them: a trace asks once per candidate's prior.
    entry = graph.graph.get("settings", {}).get(name) if isinstance(name, str) else None
    if entry is not None:
        return _setting(name, entry)
    known = settings(graph)
    if not known and name == DEFAULT_SETTING:
        # A user KB without settings.tsv: the graded priors of the node tables, one stated default.
        return Setting(DEFAULT_SETTING, "unspecified", "no settings declared in this knowledge base",
                       scoring.DEFAULT_PRIOR, ())
    allowed = ", ".join(s.id for s in known) or "none declared"
    raise TraceError(f"unknown setting {name!r} (allowed: {allowed})")


def prior_of(graph: nx.MultiDiGraph, setting_id: str, condition: str) -> Prior:
    """Return the prior of *condition* in a setting: its published prevalence, else a stated default.

    The default is the condition's own prior in its node table when that is a number
    with a reference, else the setting's default scaled by the node's graded prior
    (typical, common, occasional, rare relative to occasional), else the setting's default.
    """
    found = graph.graph.get("priors", {}).get((setting_id, condition))
    if found is not None:
        return Prior(found["prevalence"], True, tuple(found["references"]), found.get("note", ""),
                     tuple(found.get("among", ())))
    return default_prior(graph, setting_id, condition)


def default_prior(graph: nx.MultiDiGraph, setting_id: str, condition: str) -> Prior:
    """Return the prior of *condition* in a setting when no prevalence applies (see :func:`prior_of`)."""
    base = setting(graph, setting_id).default_prior
    data = graph.nodes[condition]
    prior = data.get("prior")
    if isinstance(prior, Grade):
        scale = scoring.PRIOR_BY_GRADE[prior] / scoring.PRIOR_BY_GRADE[Grade.OCCASIONAL]
        return Prior(base * scale, False, (), f"no prevalence published for this setting: graded {prior.value}")
    if prior is not None:
        return Prior(float(prior), False, tuple(data.get("references", ())), "the condition's own prior")
    return Prior(base, False, (), "no prevalence published for this setting: the setting's default")


def priors_of(graph: nx.MultiDiGraph, setting_id: str, sources: Iterable[str],
              ancestors: Mapping[str, tuple[str, ...]], outside: bool = False) -> dict[str, Prior]:
    """Return the prior of each source in a setting, a group's published prevalence shared out.

    A prevalence published for a broader condition only (the emergency series counts
    "spondylodiscitis", the KB ranks epidural abscess, vertebral osteomyelitis, ...) belongs
    to its kinds: what their own published figures leave of it is split among the others in
    proportion to their defaults (so by their graded frequency), and each share counts as
    published.  Without this, the group's figure would be lost and its kinds would fall to
    the setting's default.
    """
    if outside:
        # The patient is not of the population the prevalences were measured in (a child in a
        # setting of adults): none of them applies, every condition has the stated default.
        return {s: default_prior(graph, setting_id, s) for s in sources}
    known = {s: prior_of(graph, setting_id, s) for s in sources}
    published = graph.graph.get("priors", {})
    groups: dict[str, list[str]] = {}
    for s, prior in known.items():
        if prior.published:
            continue
        group = next((a for a in ancestors.get(s, ()) if (setting_id, a) in published), None)
        if group is not None:
            groups.setdefault(group, []).append(s)
    for group, kinds in groups.items():
        found = published[(setting_id, group)]
        own = math.fsum(p.value for s, p in known.items() if p.published and group in ancestors.get(s, ()))
        left = found["prevalence"] - own
        weight = math.fsum(known[s].value for s in kinds)
        for s in kinds:
            if left > 0:
                share = left * known[s].value / weight if weight > 0 else left / len(kinds)
                note = (f"a share of {group}'s published {found['prevalence']:g}, split among its kinds "
                        f"by their graded frequency")
            else:
                # its kinds with a figure of their own each restate the group's whole figure (no source splits
                # it): the others carry it too, never a prior of zero that no evidence could move
                share = found["prevalence"]
                note = f"{group}'s published {found['prevalence']:g}, which each of its kinds carries (no source splits it)"
            known[s] = Prior(share, True, tuple(found["references"]), note, tuple(found.get("among", ())))
    return known


def _default(entry: Mapping) -> float:
    value = entry.get("default_prior")
    return scoring.DEFAULT_PRIOR if value is None else float(value)
