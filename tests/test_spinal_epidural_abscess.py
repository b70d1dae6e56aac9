"""A spinal epidural abscess is told from a vertebral osteomyelitis by its neurology (issue 19).

At commit cd68ec4 the abscess had no edge to spinal tenderness, leg weakness, bladder dysfunction or a raised CRP:
a febrile diabetic with tender spine, weak legs and a CRP of 200 ranked it fifth, below osteomyelitis, discitis
and diabetic amyotrophy.  bmjbp_sea, medscape_sea and jmaj2019_sea give its tenderness and its four stages (back
pain; radicular pain; weakness, sensory loss and sphincter dysfunction; paralysis).
"""

from __future__ import annotations

import pytest

from painkg.reading.read import read


@pytest.mark.parametrize("note", [
    "66M with diabetes, a week of severe thoracolumbar back pain, temperature 38.6, very tender to percussion over "
    "L1, since this morning both legs weak (hip flexion 3/5 bilaterally) and he has not passed urine. CRP 180.",
    "Diabetic woman, 60, infected foot ulcer last month. Back pain for 6 days, febrile 38.2, spine tender at T12, "
    "legs feel weak and heavy, power 4/5 in both legs. CRP 240.",
])
def test_fever_spinal_tenderness_and_weak_legs_put_the_abscess_first(kg, note):
    result = kg.trace(note, setting="ed-back-pain", unknown="skip")
    assert result.candidates[0].node.id == "spinal-epidural-abscess"
    assert "spinal-epidural-abscess" in {f.node.id for f in result.red_flags}


def test_without_neurology_osteomyelitis_stays_in_the_top_three_and_flagged(kg):
    note = ("58M with diabetes, 3 weeks of worsening low back pain, night pain, low-grade fever 37.9, tender over L3, "
            "legs 5/5, reflexes normal, CRP 95.")
    result = kg.trace(note, setting="ed-back-pain", unknown="skip")
    top = [c.node.id for c in result.candidates[:3]]
    assert "vertebral-osteomyelitis" in top and "vertebral-osteomyelitis" in {f.node.id for f in result.red_flags}


@pytest.mark.parametrize("text, expected", [
    ("legs 5/5", ("leg-weakness", "absent")),
    ("Legs 4/5", ("bilateral-leg-weakness", "present")),
    ("leg 4/5", ("leg-weakness", "present")),
])
def test_a_limb_graded_for_power_is_its_weakness_not_its_pain(kg, text, expected):
    spans = {(s.node.id, s.polarity) for s in read(kg, text).spans if s.observed}
    assert expected in spans and not any("pain" in n for n, _ in spans)
