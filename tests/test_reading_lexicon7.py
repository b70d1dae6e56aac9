"""Lexicon rows of lex7: everyday and case-report words for findings the KB has.

Each family is read present and denied, and the near misses that must not be read as the
finding (a weight lost on purpose, a well-appearing child, urine that smells) are checked too.
The phrases are written for this file, not taken from an evaluation set.
"""

from __future__ import annotations

import pytest

from painkg.reading.read import read

#: Nodes the reader sets from a pronoun or a person word; not what these rows are about.
_DEMOGRAPHIC = frozenset(("female-sex", "male-sex"))


def _spans(kg, text):
    return {(s.node.id, s.polarity) for s in read(kg, text).spans if s.node.id not in _DEMOGRAPHIC}


@pytest.mark.parametrize("text, expected", [
    # sleep disturbed by pain
    ("difficulty sleeping due to pain", {("night-pain", "present")}),
    ("the pain is waking him up at night", {("night-pain", "present")}),
    ("it's really messing up my sleep", {("night-pain", "present")}),
    ("can't get to sleep for the pain", {("night-pain", "present")}),
    ("sleeping through the night", {("night-pain", "absent")}),
    ("sleeps well", {("night-pain", "absent")}),
    ("I sleep right through", {("night-pain", "absent")}),
    # constitutional words
    ("he has lost his appetite", {("loss-of-appetite", "present")}),
    ("diminished appetite for a month", {("loss-of-appetite", "present")}),
    ("off my food since the summer", {("loss-of-appetite", "present")}),
    ("good appetite", {("loss-of-appetite", "absent")}),
    ("lost 12 pounds", {("unexplained-weight-loss", "present")}),
    ("has lost 6 kg", {("unexplained-weight-loss", "present")}),
    ("a 15 kg weight loss", {("unexplained-weight-loss", "present")}),
    ("his trousers are loose now", {("unexplained-weight-loss", "present")}),
    ("lost 5 kg intentionally", {("unexplained-weight-loss", "absent")}),
    ("not sure whether she has lost weight", {("unexplained-weight-loss", "possible")}),
    ("denies constitutional symptoms", {("fever", "absent"), ("unexplained-weight-loss", "absent"),
                                        ("night-sweats", "absent")}),
    ("well in himself", {("fever", "absent"), ("unexplained-weight-loss", "absent"), ("night-sweats", "absent")}),
    # walking and weight bearing
    ("now requires a wheelchair", {("inability-to-bear-weight", "present")}),
    ("loss of ambulation", {("inability-to-bear-weight", "present")}),
    ("was not able to weight bear", {("inability-to-bear-weight", "present")}),
    ("not able to bear weight on the left", {("inability-to-bear-weight", "present")}),
    ("gait antalgic", {("limp", "present")}),
    ("able to wt bear", {("inability-to-bear-weight", "absent")}),
    ("mobilizing independently on the ward", {("inability-to-bear-weight", "absent")}),
    # character of pain
    ("dull aching pain", {("deep-ache", "present")}),
    ("the pain is dull and achy", {("deep-ache", "present")}),
    # daily activities
    ("difficulty with socks and shoes", {("putting-on-shoes-and-socks", "present")}),
    ("getting up out of a chair hurts", {("sit-to-stand", "present")}),
    ("pain arising from a chair", {("sit-to-stand", "present")}),
    # continence and saddle sensation
    ("wetting the bed since the weekend", {("urinary-incontinence", "present")}),
    ("no bedwetting", {("urinary-incontinence", "absent")}),
    ("numbness around the perineum", {("saddle-anaesthesia", "present")}),
    ("cannot feel anything around the perineum", {("saddle-anaesthesia", "present")}),
    ("sensation around the perineum intact", {("saddle-anaesthesia", "absent")}),
    ("indigestion after meals", {("epigastric-pain", "present")}),
    ("no indigestion", {("epigastric-pain", "absent")}),
    # sport and occupation
    ("plays soccer twice a week", {("sports-activity", "present")}),
    ("professional ballet dancer", {("sports-activity", "present")}),
    ("college basketball player", {("sports-activity", "present")}),
    ("ran a half marathon", {("endurance-training", "present")}),
])
def test_a_lex7_phrase_reads_its_node_and_nothing_else(kg, text, expected):
    assert _spans(kg, text) == expected


@pytest.mark.parametrize("text, node, relation", [
    ("leg pain eases leaning on a grocery cart", "bending-forward", "relieved-by"),
    ("better when she leans on the shopping cart", "bending-forward", "relieved-by"),
    ("pain on ambulation", "walking", "aggravated-by"),
])
def test_an_activity_is_read_with_how_it_acts(kg, text, node, relation):
    assert any(s.node.id == node and s.polarity == "present" and s.relation == relation
               for s in read(kg, text).spans)


@pytest.mark.parametrize("text, node", [
    ("foul-smelling urine", "urinary-incontinence"),  # an infection's urine, not a leak
    ("constitutional symptoms", "fever"),  # the group named present says none of its members
    ("lost weight on purpose", "unexplained-weight-loss"),
    ("a crying but otherwise well-appearing child", "fever"),  # an impression, not a history
])
def test_a_near_miss_is_not_read_as_the_finding(kg, text, node):
    assert (node, "present") not in _spans(kg, text)


def test_a_group_denial_ends_at_the_group(kg):
    # "systemically well" denies fever, weight loss and night sweats, and nothing read after it
    spans = _spans(kg, "systemically well child with a limp")
    assert {("fever", "absent"), ("age-under-16", "present"), ("limp", "present")} <= spans
    assert ("age-under-16", "absent") not in spans


def test_a_finding_said_after_a_group_denial_is_present(kg):
    assert ("night-sweats", "present") in _spans(kg, "No B symptoms until last week, now night sweats")
