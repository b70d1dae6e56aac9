"""KB kb12: what clinicians wrote in published case reports that the KB could not state.

Each new symptom or finding (ontology/kb/nodes-symptom-kb12.tsv, nodes-finding-kb12.tsv) is read
from the phrasings clinicians and patients use, and saying it moves the condition that its sources
say produces it (ontology/kb/edges-kb12.tsv): the same note with and without the phrase, through
the real reader and trace.
"""

from __future__ import annotations

import pytest

from painkg.kb.vocab import Relation

#: New node -> phrasings that must read as it (present, about the patient now).
READINGS = {
    "progressive-pain": ("escalating pain", "the pain has progressed", "increasingly severe pain"),
    "systemically-unwell": ("generally unwell", "she looked toxic", "ill-appearing child"),
    "pain-despite-analgesia": ("pain despite painkillers", "pain unresponsive to analgesia",
                               "failure to improve with conservative treatment"),
    "pain-at-rest": ("pain at rest", "unremitting pain", "non-mechanical pain"),
    "constipation": ("constipation", "constipated for a week", "new-onset constipation"),
    "fatigue": ("fatigue", "tired all the time", "lack of energy"),
    "shortened-externally-rotated-leg": ("right leg shortened and externally rotated",
                                         "shortened and externally rotated left leg",
                                         "shortening and external rotation of the leg"),
    "leg-length-discrepancy": ("leg length discrepancy", "limb-length discrepancy", "one leg shorter than the other"),
    "thigh-muscle-wasting": ("quadriceps wasting", "wasting of the left quadriceps", "thigh muscle atrophy"),
    "reduced-lumbar-range-of-motion": ("reduced lumbar range of motion", "limited lumbar flexion",
                                       "reduced spinal mobility"),
    "tachypnoea": ("tachypnoeic", "tachypnea", "raised respiratory rate"),
}

#: (setting, note without the phrase, the phrase, the condition it must raise).
MOVES = [
    # "worsening/progressive/constant" beside another pain are modifiers of that pain (the reader's rule), so the
    # phrase here holds a word of its own
    ("primary-care", "67-year-old man with low back pain, history of prostate cancer", "the pain has progressed",
     "spinal-malignancy"),
    ("ed-hip-limp", "4-year-old boy with hip pain and fever, refusing to walk", "looks unwell",
     "septic-arthritis-of-the-hip"),
    ("primary-care", "62-year-old man with low back pain for 6 weeks", "pain despite painkillers", "spinal-malignancy"),
    ("primary-care", "70-year-old woman with known breast cancer and hip pain", "pain at rest",
     "bone-metastasis-of-the-hip-or-pelvis"),
    ("primary-care", "72-year-old man with back pain and fatigue", "new constipation", "multiple-myeloma"),
    ("primary-care", "30-year-old man with chronic low back pain and morning stiffness", "fatigue",
     "axial-spondyloarthritis"),
    ("primary-care", "82-year-old woman with hip pain after a fall", "leg shortened and externally rotated",
     "hip-fragility-fracture"),
    ("primary-care", "12-year-old boy with knee pain and a limp", "leg length discrepancy",
     "slipped-capital-femoral-epiphysis"),
    ("primary-care", "60-year-old man with diabetes and anterior thigh pain", "quadriceps wasting",
     "diabetic-amyotrophy"),
    ("primary-care", "25-year-old man with chronic low back pain and morning stiffness",
     "reduced lumbar range of motion", "axial-spondyloarthritis"),
    ("primary-care", "45-year-old man with epigastric pain radiating to the back", "tachypnoeic", "pancreatitis"),
    ("primary-care", "68-year-old woman with groin pain", "pain on weight bearing", "hip-osteoarthritis"),
]


def _score(kg, setting: str, text: str, condition: str) -> float:
    result = kg.trace(text, setting=setting, limit=200)
    return next(c.score for c in result.candidates if c.node.id == condition)


@pytest.mark.parametrize(("node_id", "text"), [(n, t) for n, texts in sorted(READINGS.items()) for t in texts])
def test_new_node_is_read_from_clinical_phrasings(kg, node_id, text):
    spans = [s for s in kg.read(text).spans if s.node.id == node_id]
    assert spans, f"{text!r} did not read as {node_id}"
    assert all(s.polarity == "present" and s.observed for s in spans)


@pytest.mark.parametrize("node_id", sorted(READINGS))
def test_new_node_is_produced_by_a_condition(kg, node_id):
    sources = [u for u, _, k in kg.graph.in_edges(node_id, keys=True) if k == Relation.PRESENTS_WITH]
    assert sources, f"no condition presents with {node_id}"


def test_weight_bearing_is_read_as_walking_that_aggravates(kg):
    spans = kg.read("groin pain on weight bearing").spans
    walking = [s for s in spans if s.node.id == "walking"]
    assert walking and walking[0].relation == Relation.AGGRAVATED_BY
    # instructions and films are not pain on walking
    assert [s.node.id for s in kg.read("partial weight bearing").spans] == ["protected-weight-bearing"]
    assert "walking" not in [s.node.id for s in kg.read("weight bearing radiographs").spans]


def test_a_denied_new_finding_is_read_as_absent(kg):
    spans = [s for s in kg.read("no pain at rest, not unwell").spans
             if s.node.id in ("pain-at-rest", "systemically-unwell")]
    assert {s.node.id for s in spans} == {"pain-at-rest", "systemically-unwell"}
    assert all(s.polarity == "absent" for s in spans)


@pytest.mark.parametrize(("setting", "base", "phrase", "condition"), MOVES, ids=[m[2] for m in MOVES])
def test_saying_the_finding_raises_the_condition_that_produces_it(kg, setting, base, phrase, condition):
    before = _score(kg, setting, base, condition)
    after = _score(kg, setting, f"{base}, {phrase}", condition)
    assert after > before * 1.2, (before, after)
