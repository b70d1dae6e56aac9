"""Lexicon rows of lex8: words case reports use for findings the KB has.

Each family is read present or denied, and near misses that must not be read as the finding
(a walking time that is limited, a pause in walking, a cold foot, a keen walker) are checked too.
The phrases are written for this file, not taken from an evaluation set.
"""

from __future__ import annotations

import pytest

from painkg.reading.read import read

#: Nodes the reader sets from a pronoun or a person word; not what these rows are about.
_DEMOGRAPHIC = frozenset(("female-sex", "male-sex"))


def _spans(kg, text):
    return {(s.node.id, s.polarity) for s in read(kg, text).spans if s.node.id not in _DEMOGRAPHIC}


@pytest.mark.parametrize("text, node, polarity", [
    # a laboratory test named by its result
    ("urine culture negative", "urinary-tract-infection", "absent"),
    ("white blood count was normal", "leukocytosis", "absent"),
    ("creatinine normal", "renal-impairment", "absent"),
    ("renal function within normal limits", "renal-impairment", "absent"),
    ("increased CRP", "elevated-crp", "present"),
    ("admitted with acute kidney injury", "renal-impairment", "present"),
    ("blood cultures sterile", "bloodstream-infection", "absent"),
    # an infection before the pain
    ("an upper respiratory tract infection last week", "recent-respiratory-or-gastrointestinal-infection",
     "present"),
    ("no recent viral illness", "recent-respiratory-or-gastrointestinal-infection", "absent"),
    # injury denied
    ("denies any specific injury", "traumatic-onset", "absent"),
    ("no known mechanism of injury", "traumatic-onset", "absent"),
    ("was knocked to the ground by a dog", "traumatic-onset", "present"),
    # reflexes, pulses, power
    ("left patellar hyporeflexia", "decreased-patellar-reflex", "present"),
    ("muted ankle reflex", "decreased-ankle-reflex", "present"),
    ("peripheral arterial pulses normal", "absent-foot-pulses", "absent"),
    ("muscle power normal in both legs", "leg-weakness", "absent"),
    # history and constitution
    ("an immunocompetent man", "immunosuppression", "absent"),
    ("cachexia", "low-body-weight", "present"),
    ("no associated systemic symptoms", "night-sweats", "absent"),
    ("no known contacts with TB", "tuberculosis-exposure", "absent"),
    ("a small hydrocele", "testicular-or-scrotal-pathology", "present"),
    # activities and posture
    ("the pain began to awaken her at night", "night-pain", "present"),
    ("pain arising from a seated position", "sit-to-stand", "present"),
    ("difficulty getting in and out of a car", "car-transfers", "present"),
    ("unable to stand up straight", "flexed-posture", "present"),
    ("walks with a short stride", "altered-gait", "present"),
    ("I can barely get moving in the morning", "morning-stiffness", "present"),
    ("worse with extension of the spine", "lumbar-extension", "present"),
    ("training for a marathon", "endurance-training", "present"),
    ("started training for a marathon", "recent-training-increase", "present"),
    ("reluctant to bear weight", "inability-to-bear-weight", "present"),
    # imaging words
    ("grade 1 anterior listhesis of L5", "spondylolisthesis", "present"),
    ("degenerative disease of the lumbar spine", "lumbar-disc-degeneration-on-imaging", "present"),
    # tenderness said as pain on palpation
    ("pain with palpation of the greater trochanter", "trochanteric-tenderness", "present"),
    ("tender over the right hip greater trochanter", "trochanteric-tenderness", "present"),
])
def test_a_lex8_phrase_reads_its_node(kg, text, node, polarity):
    assert (node, polarity) in _spans(kg, text)


@pytest.mark.parametrize("text, node", [
    ("not able to walk for more than 10 minutes", "inability-to-bear-weight"),  # a limited time, not unable
    ("has to stop walking after 200 m", "inability-to-bear-weight"),  # a pause, not unable
    ("she is a keen walker", "walking-aid"),
    ("he had a cold foot", "recent-respiratory-or-gastrointestinal-infection"),
    ("a known injury to the nerve", "traumatic-onset"),
    ("he drove his car to work", "car-transfers"),
    ("generalised hyporeflexia", "decreased-patellar-reflex"),
])
def test_a_lex8_near_miss_is_not_read_as_the_finding(kg, text, node):
    assert (node, "present") not in _spans(kg, text)


def test_including_ends_a_phrase(kg):
    # "symptoms including a low-grade fever": the fever is read, not lost in one unread phrase
    spans = _spans(kg, "found to have symptoms including a low-grade fever and mild dysuria")
    assert {("fever", "present"), ("dysuria", "present")} <= spans
