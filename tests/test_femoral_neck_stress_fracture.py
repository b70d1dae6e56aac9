"""A femoral neck stress fracture in a sports groin clinic (issue 19): its loading test, its rotation sign and an
athlete's amenorrhoea (medbridge2017_fsf, medscape_fnsf, fpnotebook_fnsf, actabiomedica2018_fnsf).

At commit cd68ec4 a distance runner with groin pain on hopping, painful internal rotation and no periods was sixth,
below adductor-related groin pain: none of the three findings had an edge to the fracture.
"""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("note", [
    "19-year-old female cross-country runner, 4 weeks of right groin pain that started after long runs and now "
    "comes on walking. Periods have stopped since the season started. Painful to hop on the right leg, pain at "
    "end of hip internal rotation.",
    "Army recruit, 21F, groin ache since loaded marches began; amenorrhoea; single leg hop reproduces the groin pain; "
    "internal rotation painful.",
])
def test_a_runner_with_hop_pain_and_amenorrhoea_has_a_stress_fracture_first_and_flagged(kg, note):
    result = kg.trace(note, setting="sports-hip-groin", unknown="skip")
    assert result.candidates[0].node.id == "femoral-neck-stress-fracture"
    assert "femoral-neck-stress-fracture" in {f.node.id for f in result.red_flags}


def test_an_adductor_strain_stays_an_adductor_strain(kg):
    note = ("24M footballer, groin pain for 6 weeks after a change of pitch, tender at the adductor longus origin, "
            "pain on resisted adduction and on the squeeze test, hip rotation full and painless, hop painless.")
    result = kg.trace(note, setting="sports-hip-groin", unknown="skip")
    assert result.candidates[0].node.id == "adductor-related-groin-pain"
