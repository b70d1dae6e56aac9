"""An adult's septic hip after a joint injection, on immunosuppressants (issue 19).

merck_infectious_arthritis, mueller2026_csi and bmjbp_septic give the risk of a recent joint injection and of
immunosuppression; at commit cd68ec4 neither was an edge, an injection told of was only a treatment, and an
immunosuppressed woman with a hot hip after an injection ranked septic arthritis fifth below hip osteoarthritis.
"""

from __future__ import annotations

import pytest

from painkg.reading.read import read

NOTE = ("68M with psoriatic arthritis on methotrexate and adalimumab. Right hip injected with steroid 3 weeks ago. "
        "Now 2 days of severe right groin pain, unable to put weight through the leg, feels fluey. Temp 37.8, "
        "HR 108. Hip held flexed, any passive movement very painful.")


def test_a_hot_hip_after_an_injection_in_an_immunosuppressed_adult_is_septic_first_and_flagged(kg):
    result = kg.trace(NOTE, setting="primary-care", unknown="skip")
    assert result.candidates[0].node.id == "septic-arthritis-of-the-hip"
    assert "septic-arthritis-of-the-hip" in {f.node.id for f in result.red_flags}


def _spans(kg, text):
    return {(s.node.id, s.polarity) for s in read(kg, text).spans if s.observed}


@pytest.mark.parametrize("text", ["Had a L hip steroid injection at a private clinic ~2/52 ago",
                                  "hip steroid injection 2 weeks ago"])
def test_an_injection_into_the_joint_told_of_as_done_is_a_recent_joint_injection(kg, text):
    assert ("recent-joint-injection", "present") in _spans(kg, text)


def test_an_injection_planned_is_not(kg):
    assert ("recent-joint-injection", "present") not in _spans(kg, "plan: hip injection")


@pytest.mark.parametrize("text, node", [("feels fluey, off her food", "systemically-unwell"),
                                        ("felt fluey last wk with a sore throat",
                                         "recent-respiratory-or-gastrointestinal-infection"),
                                        ("limping since yesterday after a cold",
                                         "recent-respiratory-or-gastrointestinal-infection")])
def test_an_illness_now_or_in_the_weeks_before(kg, text, node):
    assert (node, "present") in _spans(kg, text)


@pytest.mark.parametrize("text", ["hip pain at a private clinic", "seen privately for hip pain"])
def test_private_is_not_the_privates(kg, text):
    assert ("saddle-anaesthesia", "present") not in _spans(kg, text)
    assert ("hip-pain", "present") in _spans(kg, text)


def test_a_haemophilic_childs_hip_held_flexed_is_a_bleed_into_the_joint_first(kg):
    # bhatia_haemophilia: a bleeding hip is held flexed, abducted and laterally rotated
    note = ("8 year old boy with severe haemophilia A, missed his factor doses, woke with right groin pain and will not "
            "bear weight. Afebrile. Right hip held flexed and externally rotated, all movements painful. CRP 3.")
    result = kg.trace(note, setting="paediatric-irritable-hip", unknown="skip")
    assert result.candidates[0].node.id == "haemarthrosis-of-the-hip"
