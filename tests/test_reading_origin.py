"""An origin in a country of high tuberculosis burden (ontology/tb-countries.tsv, from the WHO lists tbfacts_hbc and
acb_tb_lists) is the KB's tuberculosis exposure; and no condition's prior is zero (issue 19: a dangerous cause is
never ranked away).  At commit f236cb6 "moved from Somalia" read nothing and spinal tuberculosis had a prior of 0 in
primary care, below every other condition whatever the evidence."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from painkg.reading.read import read

ONTOLOGY = Path(__file__).resolve().parent.parent / "ontology"
EXPOSURE = ("tuberculosis-exposure", "present")


def _spans(kg, text):
    return {(s.node.id, s.polarity) for s in read(kg, text).spans if s.observed}


def _countries():
    path = ONTOLOGY / "tb-countries.tsv"
    rows = [line for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    return list(csv.DictReader(rows, delimiter="\t"))


def test_every_country_row_cites_a_reference_the_kb_holds(kg):
    rows = _countries()
    assert len(rows) >= 30
    keys = {line.split("\t")[0] for line in (ONTOLOGY / "references.tsv").read_text(encoding="utf-8").splitlines()}
    for row in rows:
        assert row["references"] and set(row["references"].split("|")) <= keys, row


@given(row=st.sampled_from(_countries()), frame=st.sampled_from(["moved from {}", "born in {}", "arrived from {} last year",
                                                                  "originally from {}", "{}-born"]))
@settings(max_examples=60, deadline=None)
def test_an_origin_in_any_listed_country_is_the_exposure(kg, row, frame):
    assert EXPOSURE in _spans(kg, frame.format(row["country"]))


@pytest.mark.parametrize("text, also", [
    ("A 41-year-old man who moved from Somalia eighteen months ago", None),
    ("GP, phone interpreter (Somali).", None),
    ("Zimbabwean refugee", None),
    ("Chinese woman", ("female-sex", "present")),  # the demonym is the origin, the woman the patient's sex
])
def test_an_origin_as_notes_say_it(kg, text, also):
    said = _spans(kg, text)
    assert EXPOSURE in said
    assert also is None or also in said


@pytest.mark.parametrize("text", ["chicken from Chinese takeaway", "she works in the Indian restaurant on the corner",
                                  "from Leeds", "born in 1960"])
def test_what_is_no_origin(kg, text):
    assert EXPOSURE not in _spans(kg, text)


def test_no_condition_has_a_prior_of_zero_in_any_setting(kg):
    for setting in kg.settings():
        result = kg.trace(["low back pain"], setting=setting.id, limit=500)
        assert all(c.prior > 0 for c in result.candidates), setting.id


def test_spinal_tuberculosis_in_a_somali_migrant_is_in_the_top_three(kg):
    note = ("A 41-year-old man who moved from Somalia eighteen months ago has four months of thoracolumbar pain, sweats "
            "in the evening and 7 kg weight loss. Afebrile today, CRP 45. No neurological deficit.")
    ranked = [c.node.id for c in kg.trace(note, setting="primary-care", unknown="skip").candidates]
    assert "spinal-tuberculosis" in ranked[:3]
