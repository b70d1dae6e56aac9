"""The visual language of painkg diagrams, one table per vocabulary enum.

Every :class:`~painkg.vocab.Kind`, :class:`~painkg.vocab.Relation`,
:class:`~painkg.vocab.Area` and :class:`~painkg.vocab.Grade` has exactly one
entry here; ``tests/test_render.py`` fails when a new member has none, so a new
kind or relation cannot silently fall back to a default look.

The rules a reader can learn from one legend:

* **Shape and colour say what a node is**: rounded orange boxes are conditions
  (the possible sources of pain), yellow ovals what the patient reports, green
  hexagons what the examiner finds, and so on (:data:`KIND_STYLES`).
* **Arrows point from cause to effect.**  Relations whose written direction is
  the clinical phrase but whose *object* is the cause (``compensates-for``,
  ``branch-of``) are drawn reversed and labelled with a phrase that reads in the
  arrow's direction ("limited hip motion —is compensated by→ lumbar overload").
* **The line says what kind of link it is**: solid for a mechanism (causes pain
  or a sign), dashed for what shows or changes it (a test, an activity, a
  look-alike), dotted for anatomy and management, which cause nothing.
* **Thicker is stronger**: line width follows the edge's grade.
* **Boxes in the background are body regions** (:data:`AREA_STYLES`).

This module holds data only (no pydot, no Graphviz), so the CLI may import it
for its choices without slowing ``painkg trace``.

Examples
--------
>>> KIND_STYLES[Kind.CONDITION].shape
'box'
>>> RELATION_STYLES[Relation.COMPENSATES_FOR].reverse
True
>>> layout(Relation.COMPENSATES_FOR, "lumbar-overload", "limited-ir")
('limited-ir', 'lumbar-overload', 'is compensated by')
"""

from __future__ import annotations

from dataclasses import dataclass

from ..kb.vocab import Area, Cause, Grade, Kind, Relation
from . import FORMATS  # output formats, from the file suffix (defined in the package: the command line reads them)

__all__ = [
    "FORMATS", "FONT", "KindStyle", "RelationStyle", "KIND_STYLES", "RELATION_STYLES", "AREA_STYLES",
    "GRADE_WIDTH", "LINE_MEANING", "RED", "OBSERVED", "layout", "missing_styles",
]


#: A font list Graphviz resolves through fontconfig on Linux, macOS and Windows.
FONT = "Helvetica,Arial,sans-serif"
#: Red-flag colour (borders, labels), and the blue that marks an observation.
RED = "#c00000"
OBSERVED = "#08306b"


@dataclass(frozen=True, slots=True)
class KindStyle:
    """How a node of one kind looks, and the legend text that explains it."""

    shape: str
    fill: str
    line: str
    legend: str
    style: str = "filled"


@dataclass(frozen=True, slots=True)
class RelationStyle:
    """How an edge of one relation looks.

    ``reverse`` draws the edge from the written object to the written subject
    (the object is the cause) with ``label`` reading in that direction; otherwise
    ``label`` is the relation's own phrase.  ``arrowhead="none"`` marks a
    symmetric relation (``mimics``), drawn without a direction.
    """

    color: str
    line: str  # "solid" | "dashed" | "dotted"
    label: str
    reverse: bool = False
    arrowhead: str = "normal"


K = Kind
KIND_STYLES: dict[Kind, KindStyle] = {
    K.CONDITION: KindStyle("box", "#fdd0a2", "#a63603", "condition (possible source)", "filled,rounded"),
    K.MECHANISM: KindStyle("rarrow", "#fee6ce", "#a63603", "mechanism (how pain travels)"),
    K.SYMPTOM: KindStyle("ellipse", "#fff7bc", "#8c6d00", "symptom (patient reports)"),
    K.FINDING: KindStyle("hexagon", "#c7e9c0", "#006d2c", "finding (examiner elicits)"),
    K.TEST: KindStyle("note", "#c7eae5", "#01665e", "test (imaging, injection)"),
    K.MUSCLE: KindStyle("octagon", "#fcbba1", "#a50f15", "muscle"),
    K.NERVE: KindStyle("cds", "#dadaeb", "#54278f", "nerve or nerve root"),
    K.STRUCTURE: KindStyle("box3d", "#c6dbef", "#08519c", "structure (joint, disc, bone)"),
    K.REGION: KindStyle("underline", "#ffffff", "#525252", "body region (where it is felt)", "solid"),
    K.TREATMENT: KindStyle("parallelogram", "#e0e0e0", "#252525", "treatment"),
    K.ACTIVITY: KindStyle("house", "#e6d5c3", "#7f3b08", "activity or position"),
}

R = Relation
RELATION_STYLES: dict[Relation, RelationStyle] = {
    # mechanisms: solid, cause -> effect
    R.REFERS_TO: RelationStyle("#cb181d", "solid", R.REFERS_TO.phrase),
    R.PRESENTS_WITH: RelationStyle("#d94801", "solid", R.PRESENTS_WITH.phrase),
    R.COMPENSATES_FOR: RelationStyle("#6a51a3", "solid", "is compensated by", reverse=True),
    R.AFFECTS: RelationStyle("#8c510a", "solid", R.AFFECTS.phrase),
    R.COMPRESSES: RelationStyle("#67000d", "solid", R.COMPRESSES.phrase, arrowhead="vee"),
    R.BRANCH_OF: RelationStyle("#54278f", "dotted", R.BRANCH_OF.phrase, arrowhead="empty"),
    R.LEADS_TO: RelationStyle("#252525", "solid", R.LEADS_TO.phrase),
    R.LOCATED_IN: RelationStyle("#969696", "solid", R.LOCATED_IN.phrase, arrowhead="empty"),
    # what shows or changes it: dashed
    R.DIAGNOSED_BY: RelationStyle("#006d2c", "dashed", R.DIAGNOSED_BY.phrase),
    R.AGGRAVATED_BY: RelationStyle("#b35806", "dashed", R.AGGRAVATED_BY.phrase),
    R.RELIEVED_BY: RelationStyle("#2166ac", "dashed", R.RELIEVED_BY.phrase),
    R.MIMICS: RelationStyle("#737373", "dashed", R.MIMICS.phrase, arrowhead="none"),
    R.SUBTYPE_OF: RelationStyle("#4d4d4d", "solid", R.SUBTYPE_OF.phrase, arrowhead="empty"),
    R.CO_OCCURS_WITH: RelationStyle("#8c510a", "dotted", R.CO_OCCURS_WITH.phrase, arrowhead="none"),
    R.EXCLUDED_BY: RelationStyle("#a50f15", "dashed", R.EXCLUDED_BY.phrase, arrowhead="tee"),
    # anatomy and management: dotted, no causation
    R.TREATED_BY: RelationStyle("#4d4d4d", "dotted", R.TREATED_BY.phrase),
    R.PREVENTED_BY: RelationStyle("#4d4d4d", "dotted", R.PREVENTED_BY.phrase, arrowhead="odiamond"),
    R.INNERVATED_BY: RelationStyle("#54278f", "dotted", R.INNERVATED_BY.phrase),
    R.ATTACHES_TO: RelationStyle("#8c2d04", "dotted", R.ATTACHES_TO.phrase, arrowhead="dot"),
}

#: What each line style means, in legend order.
LINE_MEANING = {
    "solid": "mechanism: causes pain or a sign",
    "dashed": "shows or changes it: test, activity, look-alike",
    "dotted": "anatomy or management: no causation",
}

#: Background tint of each body-region cluster; ``None``: not clustered.
AREA_STYLES: dict[Area, str | None] = {
    Area.HIP: "#fff5eb",
    Area.LUMBAR_SPINE: "#eef3fb",
    Area.SACROILIAC_PELVIS: "#f4f0f9",
    Area.NERVE: "#f7f5e6",
    Area.THIGH_LEG: "#f0f8ee",
    Area.ABDOMEN_PELVIC_ORGANS: "#fdf0f4",
    Area.VASCULAR: "#fbeeee",
    Area.SYSTEMIC: "#f2f2f2",
    Area.OTHER: None,  # treatments, activities: drawn outside any region box
}

#: Line width per grade: thicker is stronger.
GRADE_WIDTH: dict[Grade, float] = {
    Grade.TYPICAL: 2.6,
    Grade.COMMON: 1.8,
    Grade.OCCASIONAL: 1.2,
    Grade.RARE: 0.8,
}


def layout(relation: Relation, source: str, target: str) -> tuple[str, str, str]:
    """Return ``(tail, head, label)``: how to draw one edge, cause first.

    >>> layout(Relation.REFERS_TO, "hip-joint", "groin-pain")
    ('hip-joint', 'groin-pain', 'refers pain to')
    """
    style = RELATION_STYLES[relation]
    if style.reverse:
        return target, source, style.label
    return source, target, style.label


def missing_styles() -> list[str]:
    """Name every vocabulary member without a style (empty when complete).

    >>> missing_styles()
    []
    """
    tables = ((Kind, KIND_STYLES), (Relation, RELATION_STYLES), (Area, AREA_STYLES), (Grade, GRADE_WIDTH))
    missing = [f"{enum.__name__}.{m.name}" for enum, table in tables for m in enum if m not in table]
    # A reversed drawing must be exactly the relations whose object is the cause,
    # or arrows would stop pointing from cause to effect.
    missing += [f"Relation.{r.name}: reverse must be {r.cause is Cause.OBJECT}"
                for r, s in RELATION_STYLES.items() if s.reverse != (r.cause is Cause.OBJECT)]
    return missing
