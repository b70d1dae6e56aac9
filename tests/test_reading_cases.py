"""Reading published case presentations (issue 20, third pass): the causes of the misses and wrong
readings left on the development set of case reports, each as a general rule with examples written
here (none copied from the set).  Every example of a rule failed on main at 17b5625; the guards beside
them (a value clear of the band, a relative's own finding, a past event, a spinal movement, a movement
without pain or denied painful, a place without a pain, an id alone) passed there and must keep passing.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from painkg.reading.observe import observe
from painkg.reading.read import read


def _spans(kg, text):
    """(node, polarity) read for the patient now (the sex a pronoun states left aside)."""
    return {(s.node.id, s.polarity) for s in read(kg, text).spans if s.observed and s.node.id != "female-sex"}


def _observed(kg, text):
    return {(o.node.id, o.present) for o in observe(kg, [text], skipped=[])}


# ---------------------------------------------------------------- a test or treatment named alone

@pytest.mark.parametrize("text", ["ultrasound", "blood cultures", "full blood count", "physiotherapy",
                                  "L lumbar MRI", "CT"])
def test_a_test_or_treatment_named_alone_is_no_observation(kg, text):
    assert _observed(kg, text) == set(), read(kg, text)
    assert read(kg, text).spans, "the name is still read, as a mention"


def test_a_node_id_given_alone_stays_the_callers_observation(kg):
    assert ("lumbar-mri", True) in _observed(kg, "lumbar-mri")


# ---------------------------------------------------------------- measurements sources read differently

@pytest.mark.parametrize("text", ["her temperature was 100.2°F", "Vitals: 37.8°C; BP 138/92", "T 37.6",
                                  "white blood count is 11,900", "WCC 11.6"])
def test_a_borderline_temperature_or_white_count_is_read_neither_way(kg, text):
    said = {n for n, _ in _spans(kg, text)}
    assert not said & {"fever", "leukocytosis"}, read(kg, text)
    assert read(kg, text).unread


@pytest.mark.parametrize("text, expected", [("T 38.1", ("fever", "present")), ("temp 37.2", ("fever", "absent")),
                                            ("temp 100.4F", ("fever", "present")),
                                            ("WCC 18", ("leukocytosis", "present")),
                                            ("WBC 7.2", ("leukocytosis", "absent"))])
def test_values_clear_of_the_band_are_read(kg, text, expected):
    assert expected in _spans(kg, text)


# ---------------------------------------------------------------- who, and when

@pytest.mark.parametrize("text, node", [
    ("She has no fever, and the parents report there was no trauma.", "major-trauma"),
    ("He and his parents denies any inciting or traumatic event.", "major-trauma"),
    ("the parents deny any trauma", "major-trauma"),  # variant
])
def test_a_relative_who_tells_the_history_is_the_informant(kg, text, node):
    assert (node, "absent") in _spans(kg, text), read(kg, text)


def test_a_relatives_own_finding_stays_theirs(kg):
    assert not any(s.node.id == "hip-pain" and s.experiencer == "patient" for s in read(kg, "mother had hip pain").spans)


@pytest.mark.parametrize("text, node", [
    ("Her aunty had bowel cancer.", "digestive-tract-cancer"),
    ("Cancer runs in the family.", "history-of-cancer"),
    ("His granddad's hip was replaced for arthritis; a cousin has ankylosing spondylitis.", "axial-spondyloarthritis"),
])
def test_a_relative_named_in_everyday_words_keeps_the_finding_theirs(kg, text, node):
    spans = [s for s in read(kg, text).spans if s.node.id == node]
    assert spans and all(s.experiencer != "patient" for s in spans), read(kg, text)


@pytest.mark.parametrize("text, node", [
    ("Nobody in the family has had cancer.", "history-of-cancer"),
    ("No one has noticed a limp.", "limp"),
    ("Nothing has changed with my bladder.", "bladder-dysfunction"),
    ("nothing's changed with my waterworks or my bowels", "bowel-incontinence"),
    ("nothing's changed with my waterworks or my bowels", "bladder-dysfunction"),
])
def test_a_denial_in_everyday_words_denies(kg, text, node):
    """A function named after a denial of change ('nothing has changed with my bladder') is normal, not lost."""
    assert {(s.node.id, s.polarity) for s in read(kg, text).spans if s.node.id == node} == {(node, "absent")}, \
        read(kg, text)


def test_a_possessive_relative_does_not_reach_back(kg):
    text = "a significant weight loss over the last year attributed to grieving over her son's death"
    assert ("unexplained-weight-loss", "present") in _spans(kg, text), read(kg, text)


@pytest.mark.parametrize("text, node", [
    ("Deep hip pain began a month prior and had worsened over several weeks.", "hip-pain"),
    ("She sought treatment after she started limping about 4 months prior.", "limp"),
    ("weight loss over the last year", "unexplained-weight-loss"),  # variant
])
def test_the_onset_of_a_complaint_is_now(kg, text, node):
    assert (node, "present") in _spans(kg, text), read(kg, text)


def test_a_past_event_stays_past(kg):
    assert not any(s.observed for s in read(kg, "hip fracture 5 years ago").spans)


def test_an_age_bounding_an_event_is_not_the_patients(kg):
    assert not any(s.node.id.startswith("age-") for s in read(kg, "onset of back pain before age 20").spans)
    assert ("age-under-20", "present") in _spans(kg, "a 19-year-old with back pain")


# ---------------------------------------------------------------- a hip examination

@pytest.mark.parametrize("text, node", [
    ("Reproducible moderate pain was present on hip flexion, adduction, and internal rotation.", "fadir-test"),
    ("significant pain with flexion, adduction, and internal rotation", "fadir-test"),
    ("Pain reproduced with resisted hip abduction and external rotation", "resisted-hip-abduction-pain"),
    ("you elicit pain with passive internal rotation of the hip", "pain-on-hip-internal-rotation"),
    ("Extension of the left hip was painful.", "active-hip-extension-pain"),
    ("Internal and external rotation, extension and flexion of the hip were decreased.",
     "limited-hip-range-of-motion"),
    ("right hip with limited flexion and extension due to pain", "limited-hip-range-of-motion"),
])
def test_a_hip_movement_examined_is_the_finding_not_the_activity(kg, text, node):
    said = _spans(kg, text)
    assert (node, "present") in said, read(kg, text)
    assert not {n for n, _ in said} & {"hip-flexion", "hip-rotation", "hip-adduction"}


def test_a_movement_measured_is_no_activity(kg):
    said = {n for n, _ in _spans(kg, "Hip flexion was 110°, external rotation 60°")}
    assert not said & {"hip-flexion", "hip-rotation"}


def test_a_spinal_movement_is_left_to_the_matcher(kg):
    assert not {n for n, _ in _spans(kg, "back pain worse on lumbar flexion")} & {
        "limited-hip-range-of-motion", "fadir-test"}


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(["hip flexion, adduction and internal rotation", "hip internal rotation",
                        "resisted hip abduction", "extension of the hip"]),
       st.sampled_from(["no pain on {}", "{} pain-free", "{} painless", "nil pain with {}"]))
def test_a_hip_movement_without_pain_is_never_a_painful_finding(kg, movement, form):
    text = form.format(movement)
    painful = {"fadir-test", "pain-on-hip-internal-rotation", "resisted-hip-abduction-pain", "active-hip-extension-pain"}
    assert not any(s.node.id in painful and s.polarity == "present" for s in read(kg, text).spans), read(kg, text)


# ---------------------------------------------------------------- a symptom at a place

@pytest.mark.parametrize("text, node", [("Also weak (R) foot", "leg-weakness"), ("foot weak", "leg-weakness")])
def test_a_weakness_at_a_place_is_not_the_places_pain(kg, text, node):
    said = _spans(kg, text)
    assert (node, "present") in said and ("foot-pain", "present") not in said, read(kg, text)


def test_a_numbness_beside_a_place_is_not_its_pain(kg):
    assert ("foot-pain", "present") not in _spans(kg, "numb (L) foot")


@pytest.mark.parametrize("text, node", [("my legs are weak", "bilateral-leg-weakness"),
                                        ("both my legs are going weak", "bilateral-leg-weakness"),
                                        ("his left leg is weak", "leg-weakness")])
def test_a_place_that_is_weak_is_its_weakness(kg, text, node):
    assert (node, "present") in _spans(kg, text), read(kg, text)


@pytest.mark.parametrize("text", ["legs are not weak", "her foot is not numb", "legs not weak"])
def test_a_symptom_denied_at_a_place_is_never_the_places_pain(kg, text):
    assert not any(p == "present" and n.endswith("pain") for n, p in _spans(kg, text)), read(kg, text)


@pytest.mark.parametrize("text, node", [
    ("The pain is aching in nature, located in the left lumbar area.", "low-back-pain"),
    ("The pain was located on the lateral aspect of the right hip.", "lateral-hip-pain"),
    ("gradually worsening pain over the outer aspect of her right hip", "lateral-hip-pain"),
    ("She localizes the pain to the outer surface of her thigh.", "lateral-thigh-pain"),
    ("severe abdominal pain originating in the left loin", "flank-pain"),
    ("a 53-year-old with scrotal anesthesia", "saddle-anaesthesia"),
])
def test_a_pain_said_to_be_at_a_place_is_that_places(kg, text, node):
    assert (node, "present") in _spans(kg, text), read(kg, text)


def test_a_place_without_a_pain_is_no_pain(kg):
    assert not any(s.node.id == "thigh-pain" for s in read(kg, "The lesion is located in the thigh").spans)


def test_a_pain_with_a_second_place_keeps_both(kg):
    said = _spans(kg, "abdominal pain originating in the left loin")
    assert {("abdominal-pain", "present"), ("flank-pain", "present")} <= said


def test_one_side_is_not_a_node_of_both(kg):
    assert not any(s.node.id == "bilateral-shoulder-pain" for s in read(kg, "R shoulder pain").spans)
    assert ("bilateral-shoulder-pain", "present") in _spans(kg, "both shoulders ache")


# ---------------------------------------------------------------- doubt and denial

@pytest.mark.parametrize("text, node", [
    ("previously diagnosed with ‘hip bursitis’", "greater-trochanteric-pain-syndrome"),
    ("plain radiographs were interpreted as degenerative joint disease of the hip", "hip-osteoarthritis"),
    ("The initial diagnosis was urinary tract infection.", "urinary-tract-infection"),
])
def test_a_doubted_or_revised_diagnosis_is_possible(kg, text, node):
    said = {s.node.id: s.polarity for s in read(kg, text).spans}
    assert said.get(node) == "possible", read(kg, text)


def test_a_red_flag_after_a_slash_list_with_pain_on_is_denied(kg):
    spans = {s.node.id: s.polarity for s in read(kg, "no fever/pain on passive hip extension with abdominal pain").spans}
    assert spans.get("psoas-sign") == "absent"


def test_every_pronoun_of_a_one_person_case_states_the_sex(kg):
    spans = [s for s in read(kg, "A 40-year-old woman. She has back pain. She shook her head.").spans
             if s.node.id == "female-sex"]
    assert len(spans) == 3 and all(s.polarity == "present" for s in spans)
    two = [s for s in read(kg, "A 40-year-old man. His wife says she saw him fall.").spans if s.node.id == "female-sex"]
    assert [s.polarity for s in two] == ["absent"]


# ---------------------------------------------------------------- words case reports use

@pytest.mark.parametrize("text, node, polarity", [
    ("he denies any traumatic event", "major-trauma", "absent"),
    ("No traumatic incident has been identified.", "major-trauma", "absent"),
    ("back pain, no radiation", "radiating-leg-pain", "absent"),
    ("the pain was non-radiating", "radiating-leg-pain", "absent"),
    ("its distribution was nonsciatic", "sciatica", "absent"),
    ("no rectal tone", "reduced-anal-tone", "present"),
    ("absent knee and ankle jerks", "decreased-ankle-reflex", "present"),
    ("absent knee and ankle jerks", "decreased-patellar-reflex", "present"),
    ("flexor plantar responses", "babinski-sign", "absent"),
    ("plantars flexor", "babinski-sign", "absent"),
    ("3/5 power loss", "leg-weakness", "present"),
    ("increasingly unsteady", "altered-gait", "present"),
    ("worse with activity and prolonged standing", "pain-during-activity", "present"),
    ("urine dipstick is positive for blood", "microscopic-haematuria", "present"),
    ("mild wedging of the L1 vertebral body", "vertebral-fracture", "present"),
    ("no masses in the left groin region", "groin-lump", "absent"),
    ("He was able to ambulate without assistance.", "inability-to-bear-weight", "absent"),
    ("can walk on it but it hurts", "inability-to-bear-weight", "absent"),
    ("The student's gait was normal.", "altered-gait", "absent"),
    ("no FFD", "hip-flexion-contracture", "absent"),
    ("neuro: NAD", "progressive-neurological-deficit", "absent"),
    ("nil neuro", "progressive-neurological-deficit", "absent"),
    ("the top of his foot felt like it was asleep", "dorsal-foot-numbness", "present"),
    ("discomfort while sleeping", "night-pain", "present"),
    ("The pain was more severe at night.", "night-pain", "present"),
    ("The pain increases at night.", "night-pain", "present"),
    ("difficult for him to lie on that side while sleeping", "lying-on-affected-side", "present"),
    ("going up and down steps", "climbing-stairs", "present"),
    ("he increased his weekly mileage", "recent-training-increase", "present"),
    ("straining to pick up a box", "lifting", "present"),
])
def test_words_case_reports_use(kg, text, node, polarity):
    assert (node, polarity) in _spans(kg, text), read(kg, text)


def test_straining_to_lift_is_not_a_valsalva(kg):
    assert ("coughing-sneezing", "present") not in _spans(kg, "straining to pick up a box")


# ---------------------------------------------------------------- a denied result word

@pytest.mark.parametrize("text, node, polarity", [
    ("bladder function not normal", "bladder-dysfunction", "present"),  # a red flag main read absent
    ("anal tone not normal", "reduced-anal-tone", "present"),
    ("hip IR not limited", "limited-hip-internal-rotation", "absent"),  # main: present
    ("power not reduced", "leg-weakness", "absent"),
    ("Hip ROM full and painless", "limited-hip-range-of-motion", "absent"),  # the range is full: no more than that (a normal hip examination is more)
])
def test_a_denied_result_word_is_the_opposite_result(kg, text, node, polarity):
    assert (node, polarity) in _spans(kg, text), read(kg, text)


@pytest.mark.parametrize("text", ["Internal rotation of the hip was not painful", "Extension of the hip was not painful"])
def test_a_movement_denied_painful_is_never_a_painful_finding(kg, text):
    assert not any(s.polarity == "present" and s.node.id in ("pain-on-hip-internal-rotation", "active-hip-extension-pain")
                   for s in read(kg, text).spans), read(kg, text)


@pytest.mark.parametrize("text", ["weight steady", "steady on her feet", "walks steadily"])
def test_a_word_is_not_read_as_its_negation(kg, text):
    # "steady" was corrected to the KB's "unsteady" (altered gait) as if a typo: dropping a
    # negating prefix is no typo, as adding one is not ("afebrile" is not febrile).
    assert "altered-gait" not in {s.node.id for s in kg.read(text).spans}


# ---------------------------------------------------------------- everyday words of a referral letter
@pytest.mark.parametrize("text, node", [
    ("I think I can feel a pulsatile, expansile mass above the umbilicus", "pulsatile-abdominal-mass"),
    ("vague periumbilical discomfort", "abdominal-pain"),
    ("buttock discomfort on sitting", "buttock-pain"),
])
def test_coordinate_adjectives_and_discomfort_are_read(kg, text, node):
    assert (node, "present") in _spans(kg, text), read(kg, text)


@pytest.mark.parametrize("text, wrong", [
    ("plays football, groin pain", "exercise-related-groin-pain"),  # a comma between nouns still separates
    ("He wonders whether he strained it at the allotment.", "coughing-sneezing"),  # an injury, no Valsalva
    ("I think I strained it lifting", "coughing-sneezing"),
    ("I think it is my hip", "low-body-weight"),  # "think" is a word, not a misspelt "thin"
    ("we think it is sciatica", "low-body-weight"),
])
def test_a_list_comma_and_an_injury_are_not_read_as_a_name(kg, text, wrong):
    assert not any(s.node.id == wrong and s.polarity == "present" for s in read(kg, text).spans), read(kg, text)


def test_a_patients_guess_is_uncertain(kg):
    assert ("hip-pain", "possible") in _spans(kg, "she wonders if it is her hip")



@pytest.mark.parametrize("text, expected", [
    ("ESR 88.", {("elevated-esr", "present"), ("esr-40-or-more", "present")}),  # a full stop ends the value
    ("CRP 14, ESR 22.", {("elevated-crp", "present"), ("elevated-esr", "present"), ("esr-40-or-more", "absent")}),
])
def test_a_laboratory_value_is_read_against_each_limit_that_counts(kg, text, expected):
    """Kocher's predictor is an ESR of 40 mm/h or more, not the reference limit of 20."""
    assert _spans(kg, text) == expected, read(kg, text)


@pytest.mark.parametrize("text, node", [
    ("Focal percussion tenderness over L3", "spinal-percussion-tenderness"),
    ("treated for E. coli urosepsis five weeks ago", "bloodstream-infection"),
])
def test_signs_of_spinal_infection_in_a_letter_are_read(kg, text, node):
    assert any(s.node.id == node and s.polarity == "present" for s in read(kg, text).spans), read(kg, text)


@pytest.mark.parametrize("text, node, polarity", [
    ("I didn't realise I'd wet myself until I stood up.", "urinary-incontinence", "present"),  # not knowing is no denial
    ("I didn't wet myself", "urinary-incontinence", "absent"),
    ("my privates feel numb", "saddle-anaesthesia", "present"),
    ("Reduced pinprick in saddle area.", "saddle-anaesthesia", "present"),
])
def test_cauda_equina_in_a_patients_words_is_read_with_its_polarity(kg, text, node, polarity):
    assert (node, polarity) in _spans(kg, text), read(kg, text)


@pytest.mark.parametrize("text, expected", [
    ("LMP ~7/52 ago", {("missed-period", "present")}),  # six weeks or more since the last period
    ("LMP 2 weeks ago", {("missed-period", "absent")}),
    ("last period 5 weeks ago", set()),  # cycles differ: left unread
    ("now 'tip of shoulder' sore too", {("shoulder-tip-pain", "present")}),
    ("Dizzy standing.", {("syncope", "present")}),  # not "worse with standing"
])
def test_the_signs_of_a_bleeding_ectopic_pregnancy_are_read(kg, text, expected):
    assert _spans(kg, text) == expected, read(kg, text)


def test_a_strain_of_a_named_place_keeps_its_name(kg):
    assert ("adductor-related-groin-pain", "present") in _spans(kg, "I strained my groin playing football")


@pytest.mark.parametrize("text", ["occasional tingling to back of thigh", "numbness in the back of the thigh"])
def test_the_back_of_the_thigh_is_neither_the_saddle_nor_the_outer_thigh(kg, text):
    nodes = {node for node, _ in _spans(kg, text)}
    assert not nodes & {"saddle-anaesthesia", "anterolateral-thigh-numbness"}, read(kg, text)


def test_the_back_passage_is_still_the_saddle(kg):
    assert ("saddle-anaesthesia", "present") in _spans(kg, "numb around the back passage")


# ---------------------------------------------------------------- who tells the history, and what a place alone says

@pytest.mark.parametrize("text", ["Mum of 3 y/o boy: 'he has been limping since Sunday'",
                                  "Grandmother of a toddler says she has been limping",
                                  "Per mum, limping since Sunday.", "History from his father: limping since Sunday.",
                                  "Dad: 'she keeps limping'"])
def test_the_relative_who_brings_the_child_tells_the_history(kg, text):
    assert ("limp", "present") in _spans(kg, text), read(kg, text)


@pytest.mark.parametrize("text", ["FHx of ankylosing spondylitis", "mother had hip pain", "Dad had a AAA repair"])
def test_a_relatives_history_is_still_theirs(kg, text):
    assert not any(s.experiencer == "patient" and s.time == "current" and s.node.id in (
        "axial-spondyloarthritis", "hip-pain", "abdominal-aortic-aneurysm") for s in read(kg, text).spans), read(kg, text)


@pytest.mark.parametrize("text", ["limping on and off for a fortnight, sometimes the left leg, sometimes the right",
                                  "off and on for 3 weeks, the leg"])
def test_a_place_spoken_of_is_no_pain_and_on_and_off_is_no_red_flag(kg, text):
    assert not {n for n, _ in _spans(kg, text)} & {"radiating-leg-pain", "inability-to-bear-weight"}, read(kg, text)


@pytest.mark.parametrize("text, node", [("LBP radiating to the L calf", "pain-below-knee"),
                                        ("c/o the left hip", "hip-pain"), ("my back is killing me", "low-back-pain")])
def test_a_place_complained_of_is_still_its_pain(kg, text, node):
    assert (node, "present") in _spans(kg, text), read(kg, text)


# ---------------------------------------------------------------- a child's leukaemia and discitis in notes' words

@pytest.mark.parametrize("text, expected", [
    ("Hb 68", ("anaemia", "present")), ("Hb 7.9 g/dL", ("anaemia", "present")), ("Hb 141", ("anaemia", "absent")),
    ("plt 23", ("thrombocytopenia", "present")), ("platelets 310", ("thrombocytopenia", "absent")),
    ("WCC 1.8", ("leukopenia", "present")), ("WBC 7.2", ("leukopenia", "absent")),
    ("she has gone very pale", ("anaemia", "present")), ("bruises for no reason", ("petechiae-or-unexplained-bruising", "present")),
    ("palpable spleen tip", ("hepatosplenomegaly", "present")), ("shotty cervical nodes", ("lymphadenopathy", "present")),
    ("he cries at night with his legs", ("night-pain", "present")),
    ("won't bend forward to pick up a toy", ("stiff-straight-lower-back", "present")),
    ("he has stopped walking", ("inability-to-bear-weight", "present")),
])
def test_a_childs_blood_count_and_signs_are_read(kg, text, expected):
    assert expected in _spans(kg, text), read(kg, text)


@pytest.mark.parametrize("text", ["Hb 118", "plt 130", "WCC 4.1"])
def test_a_count_that_depends_on_age_and_sex_is_left_unread(kg, text):
    assert not _spans(kg, text) & {("anaemia", "present"), ("anaemia", "absent"), ("thrombocytopenia", "present"),
                                   ("thrombocytopenia", "absent"), ("leukopenia", "present"), ("leukopenia", "absent")}


# ---------------------------------------------------------------- the presenting complaint is now; a past history ends

@pytest.mark.parametrize("text, node", [
    ("An 8-year-old boy presented with a history of pain in the left hip for the past 5 months.", "hip-pain"),
    ("She was referred to our spinal clinic with a 6-month history of low back pain.", "low-back-pain"),
    ("Seen with a long history of groin pain.", "groin-pain"),
    ("History of left buttock pain for the last 3 weeks.", "buttock-pain"),
])
def test_a_presenting_history_is_the_complaint_now(kg, text, node):
    assert (node, "present") in _spans(kg, text), read(kg, text)


@pytest.mark.parametrize("text", ["A man with a history of back pain was suddenly taken ill with urinary retention.",
                                  "History of sciatica; new onset urinary retention this week."])
def test_a_past_history_does_not_reach_a_new_red_flag(kg, text):
    assert ("urinary-retention", "present") in _spans(kg, text), read(kg, text)


@pytest.mark.parametrize("text", ["history of hip OA", "PMH: history of back pain for years", "hx of prostate ca"])
def test_a_plain_past_history_stays_past(kg, text):
    assert not any(s.time == "current" and s.node.id in ("hip-osteoarthritis", "low-back-pain", "prostate-cancer")
                   for s in read(kg, text).spans), read(kg, text)


# ---------------------------------------------------------------- what a drug did, and results said of a panel

@pytest.mark.parametrize("text, polarity", [
    ("relieved by ibuprofen", "present"), ("the pain eased with anti-inflammatory medications", "present"),
    ("pain decreased with anti-inflammatory drugs", "present"), ("responded to NSAIDs", "present"),
    ("ibuprofen didn't help", "absent"), ("naproxen has not really helped", "absent"), ("no relief from ibuprofen", "absent"),
])
def test_relief_by_an_nsaid_is_the_response_to_nsaids(kg, text, polarity):
    assert ("good-response-to-nsaids", polarity) in _spans(kg, text), read(kg, text)


def test_an_nsaid_taken_is_still_no_response(kg):
    assert not {n for n, _ in _spans(kg, "started naproxen 500 mg bd")} & {"good-response-to-nsaids"}


@pytest.mark.parametrize("text, expected", [
    ("vital signs were normal", {("fever", "absent"), ("tachycardia", "absent"), ("hypotension", "absent")}),
    ("complete blood cell count was normal", {("anaemia", "absent"), ("leukocytosis", "absent")}),
    ("no focal deficits", {("progressive-neurological-deficit", "absent")}),
    ("no neurological abnormality", {("progressive-neurological-deficit", "absent")}),
])
def test_a_normal_panel_denies_each_of_its_findings(kg, text, expected):
    assert expected <= _spans(kg, text), read(kg, text)


@pytest.mark.parametrize("text", ["Vitals: 37.8°C", "bloods", "ESR", "FBC sent", "obs:"])
def test_a_panel_named_without_a_result_states_nothing(kg, text):
    assert not any(p == "present" for _, p in _spans(kg, text)), read(kg, text)


@pytest.mark.parametrize("text", ["the pain woke him up from sleep", "wakes up at night with the pain",
                                  "it worsens at night"])
def test_night_pain_in_more_words(kg, text):
    assert ("night-pain", "present") in _spans(kg, text), read(kg, text)


# ---------------------------------------------------------------- a result said of a whole list by a plural verb

@pytest.mark.parametrize("text, nodes", [
    ("Fever, night pain and weight loss were absent.", {"fever", "night-pain", "unexplained-weight-loss"}),
    ("Numbness, erythema, and leg weakness were all absent.", {"numbness", "leg-weakness"}),
    ("Weight loss or loss of appetite, and previous infections were not reported.",
     {"unexplained-weight-loss", "loss-of-appetite"}),
    ("Fever was not reported.", {"fever"}),
])
def test_a_plural_verb_denies_every_item_of_its_list(kg, text, nodes):
    assert {(n, "absent") for n in nodes} <= _spans(kg, text), read(kg, text)


@pytest.mark.parametrize("text, kept", [
    ("He has back pain with fever, and reflexes were normal", ("fever", "present")),
    ("Back pain is severe, radiating to the leg, and SLR and slump were negative", ("radiating-leg-pain", "present")),
])
def test_a_plural_verb_does_not_reach_into_another_clause(kg, text, kept):
    assert kept in _spans(kg, text), read(kg, text)


@pytest.mark.parametrize("text", ["he stepped off a curb that was higher than he expected", "injured his back lifting"])
def test_a_minor_injury_is_a_traumatic_onset(kg, text):
    assert ("traumatic-onset", "present") in _spans(kg, text), read(kg, text)


# ---------------------------------------------------------------- case-report words for common findings

@pytest.mark.parametrize("text, expected", [
    ("a low-grade fever for two weeks", ("fever", "present")),
    ("normal leucocyte count", ("leukocytosis", "absent")),
    ("3/5 RLE", ("leg-weakness", "present")), ("3/5 R leg", ("leg-weakness", "present")),
    ("no extremity weakness", ("leg-weakness", "absent")),
    ("pancytopenia", ("thrombocytopenia", "present")),
    ("insidious in onset and slowly progressive", ("insidious-onset", "present")),
    ("he uses intravenous heroin", ("intravenous-drug-use", "present")),
    ("inability to stand on either leg", ("inability-to-bear-weight", "present")),
    ("pain radiating into the posterior aspect of the right thigh as far as the knee", ("posterior-thigh-pain", "present")),
    ("low back pain radiating through both legs", ("bilateral-leg-pain", "present")),
])
def test_case_report_words_for_common_findings(kg, text, expected):
    assert expected in _spans(kg, text), read(kg, text)


def test_a_pain_that_radiates_to_the_knee_is_still_a_knee_pain(kg):
    assert ("knee-pain", "present") in _spans(kg, "thigh pain that radiates to the knee")


@pytest.mark.parametrize("text, node", [
    ("morning stiffness for 2 hours", "prolonged-morning-stiffness"), ("EMS >1hr", "prolonged-morning-stiffness"),
    ("morning stiffness 45 mins", "prolonged-morning-stiffness"), ("EMS 20 min", "morning-stiffness"),
    ("aching and stiffness in both shoulders", "bilateral-shoulder-pain"),
    ("struggles to get out of a chair", "sit-to-stand"),
])
def test_how_long_the_morning_stiffness_lasts_and_the_girdle_of_polymyalgia(kg, text, node):
    assert (node, "present") in _spans(kg, text), read(kg, text)


# ---------------------------------------------------------------- an aortic dissection in a patient's words

@pytest.mark.parametrize("text, expected", [
    ("BP 188/104 right arm, 150/90 left", ("pulse-or-blood-pressure-differential", "present")),
    ("R arm 160/90, L arm 128/80", ("pulse-or-blood-pressure-differential", "present")),
    ("BP 130/80 R, 126/78 L", ("pulse-or-blood-pressure-differential", "absent")),
    ("like something ripping in my back between the shoulder blades", ("tearing-pain", "present")),
    ("like something ripping in my back between the shoulder blades", ("interscapular-pain", "present")),
    ("between the shoulder blades, worst pain I've ever had", ("abrupt-severe-pain", "present")),
])
def test_the_signs_of_an_aortic_dissection_are_read(kg, text, expected):
    assert expected in _spans(kg, text), read(kg, text)


def test_a_blood_pressure_in_one_arm_states_no_difference(kg):
    assert not {n for n, _ in _spans(kg, "BP 150/90 right arm")} & {"pulse-or-blood-pressure-differential"}


@pytest.mark.parametrize("text, expected", [
    ("my right groin has been dreadful for four days", ("groin-pain", "present")),
    ("I had a nasty leg ulcer last month", ("recent-skin-infection", "present")),
])
def test_a_septic_hip_in_a_patients_words(kg, text, expected):
    assert expected in _spans(kg, text), read(kg, text)


@pytest.mark.parametrize("text, expected", [
    ("nil NS/wt loss", {("night-sweats", "absent"), ("unexplained-weight-loss", "absent")}),
    ("stairs are no problem", {("climbing-stairs", "absent")}),
    ("my back's never been a problem, it's all in the hip", {("low-back-pain", "absent")}),
    ("my bottom doesn't hurt", {("buttock-pain", "absent")}),
    ("walking doesn't hurt", {("walking", "absent")}),
])
def test_a_pain_or_trouble_denied_after_its_place(kg, text, expected):
    assert expected <= _spans(kg, text), read(kg, text)


@pytest.mark.parametrize("text, expected", [
    ("tenderness over the lumbar spine", ("spinal-percussion-tenderness", "present")),
    ("Spine non-tender, abdo soft.", ("spinal-percussion-tenderness", "absent")),
    ("L-spine tender at L2", ("spinal-percussion-tenderness", "present")),
])
def test_tenderness_of_the_lumbar_spine(kg, text, expected):
    assert expected in _spans(kg, text), read(kg, text)
# ---------------------------------------------------------------- a stated gestation

@pytest.mark.parametrize("text, over_16", [
    ("28/40", "present"), ("G2P1, 26/40.", "present"), ("28+3/40", "present"), ("26/40 gestation", "present"),
    ("28 weeks pregnant", "present"), ("34 wks pregnant", "present"), ("at 30 weeks' gestation", "present"),
    ("gestational age: 30 weeks", "present"),
    ("8 weeks pregnant", "absent"), ("12/40", "absent"), ("16/40", "absent"),
])
def test_a_stated_gestation_is_read_as_pregnancy_and_against_16_weeks(kg, text, over_16):
    """armmed_ectopic_rupture: interstitial ectopics, the last to rupture, usually do so by 16 weeks."""
    spans = _spans(kg, text)
    assert {("pregnancy", "present"), ("pregnancy-over-16-weeks", over_16)} <= spans, read(kg, text)


@pytest.mark.parametrize("text", ["BP 120/40", "LMP ~7/52 ago", "vision 6/12", "pain 8/10"])
def test_other_fractions_are_no_gestation(kg, text):
    assert not {n for n, _ in _spans(kg, text)} & {"pregnancy", "pregnancy-over-16-weeks"}, read(kg, text)


@pytest.mark.parametrize("text, expected", [
    ("Mum says her 6-year-old son has been limping for two months", {("limp", "present"), ("female-sex", "absent")}),
    ("a 7-year-old daughter", {("female-sex", "present")}),
    ("12M, BMI >98th centile", {("obesity", "present")}),
    ("BMI 50th centile", {("obesity", "absent")}),
])
def test_a_child_described_by_a_parent(kg, text, expected):
    said = {(s.node.id, s.polarity) for s in read(kg, text).spans if s.observed}
    assert expected <= said, read(kg, text)


def test_a_relatives_son_is_still_a_relative(kg):
    assert not any(s.node.id == "axial-spondyloarthritis" and s.experiencer == "patient"
                   for s in read(kg, "his son has ankylosing spondylitis").spans)


def test_a_mass_felt_over_a_named_bone_is_read_with_its_place(kg):
    text = "Firm tender fullness over the left posterior iliac crest"
    assert ("palpable-mass", "present") in _spans(kg, text), read(kg, text)


@pytest.mark.parametrize("text, expected", [
    ("a funny tingly feeling down below when I wipe", ("saddle-anaesthesia", "present")),
    ("she has to strain to get the flow going", ("bladder-dysfunction", "present")),
    ("the other leg has started aching too", ("bilateral-leg-pain", "present")),
    ("can't get comfy in any position", ("night-pain", "present")),
    ("sweats soaking the sheets", ("night-sweats", "present")),
    ("renal cell ca (nephrectomy 2022)", ("history-of-cancer", "present")),
    ("legs 'like jelly'", ("leg-weakness", "present")),
])
def test_red_flags_in_patients_words(kg, text, expected):
    assert expected in _spans(kg, text), read(kg, text)


def test_straining_to_pass_urine_is_no_valsalva(kg):
    assert ("coughing-sneezing", "present") not in _spans(kg, "she has to strain to get the flow going")


@pytest.mark.parametrize("text, expected", [
    ("anal tone ?lax - senior to re-examine", ("reduced-anal-tone", "possible")),
    ("mum thinks he had a temperature overnight", ("fever", "possible")),
    ("SLR not reproducing his leg pain", ("slr-test", "absent")),
    ("sitting tolerance ok", ("sitting", "absent")),
    ("lumbar flexion full and pain free", ("bending-forward", "absent")),
])
def test_doubt_and_denial_in_examination_shorthand(kg, text, expected):
    assert expected in _spans(kg, text), read(kg, text)


@pytest.mark.parametrize("text, node", [("hay fever, on cetirizine", "fever"),
                                        ("pins and needles in my fingers when I wake up", "night-pain"),
                                        ("CES symptoms explained, given the warning card", "cauda-equina-syndrome"),
                                        ("a temperature overnight", "obesity")])
def test_words_that_look_like_a_finding_but_are_not(kg, text, node):
    assert not any(n == node and p == "present" for n, p in _spans(kg, text)), read(kg, text)


@pytest.mark.parametrize("text, expected", [
    ("Negative slump and femoral nerve stretch test", {("femoral-nerve-stretch-test", "absent")}),
    ("Pain free log roll, FADIR, and FABER tests", {("fadir-test", "absent"), ("faber-test", "absent")}),
    ("negative SLR, positive FABER", {("slr-test", "absent"), ("faber-test", "present")}),
    ("down going toes bilaterally", {("babinski-sign", "absent")}),
    ("DTR's +2/4 KJ and AJ bilaterally", {("decreased-patellar-reflex", "absent")}),
    ("antecedent hip trauma and she just shook her head no", {("major-trauma", "absent")}),
])
def test_results_said_of_a_list_of_tests(kg, text, expected):
    assert expected <= _spans(kg, text), read(kg, text)


@pytest.mark.parametrize("text, node", [("chickenpox and hand, foot and mouth disease", "foot-pain"),
                                        ("unable to do sit-ups", "sitting")])
def test_a_childhood_virus_and_an_exercise_are_no_pain_or_activity(kg, text, node):
    assert node not in {n for n, _ in _spans(kg, text)}, read(kg, text)


@pytest.mark.parametrize("text, expected", [
    ("hernial orifices clear", ("inguinal-hernia", "absent")),
    ("herpes zoster considered but no vesicles", ("herpes-zoster", "possible")),
    ("Kocher 4/4 - high risk septic hip", ("septic-arthritis-of-the-hip", "possible")),
])
def test_an_examination_clear_a_diagnosis_considered(kg, text, expected):
    assert expected in _spans(kg, text), read(kg, text)


def test_a_complaint_one_used_to_get_is_past(kg):
    assert ("sciatica", "present") not in _spans(kg, "used to get sciatica when pregnant")


@pytest.mark.parametrize("text, expected", [
    ("legs 'heavy'", ("leg-weakness", "present")), ('legs "weak"', ("leg-weakness", "present")),
    ("Today legs 'like jelly', fallen twice.", ("leg-weakness", "present")),
    ("felt a “pop” in his left groin", ("felt-a-pop", "present")),
])
def test_quotation_marks_do_not_cut_a_phrase(kg, text, expected):
    assert expected in _spans(kg, text), read(kg, text)


def test_a_pain_quality_and_a_mass_keep_their_place(kg):
    # only a pain said by its quality takes the pain of the place named with it
    assert ("tearing-pain", "present") in _spans(kg, "something ripping in my back between the shoulder blades")
    assert ("palpable-mass", "present") in _spans(kg, "firm tender fullness over the posterior iliac crest")


@pytest.mark.parametrize("text, nodes", [
    ("Fever and rigors were both absent", {"fever"}),
    ("weakness and numbness were both absent", {"leg-weakness", "numbness"}),
])
def test_a_plural_verb_with_both_or_all_denies_its_compound_subject(kg, text, nodes):
    said = _spans(kg, text)
    assert {(n, "absent") for n in nodes} <= said and not {(n, "present") for n in nodes} & said, read(kg, text)


# ---------------------------------------------------------------- values as American and Indian case reports write them

@pytest.mark.parametrize("text, expected", [
    ("pulse, 124 beats per minute", ("tachycardia", "present")),
    ("Hb of 8.1 gm%", ("anaemia", "present")),
    ("serum calcium 12.1 mg/dL", ("hypercalcaemia", "present")), ("calcium 9.4 mg/dL", ("hypercalcaemia", "absent")),
    ("total count of 16,200 cells/cumm", ("leukocytosis", "present")),
    ("ESR was raised to 95 mm in the first hour", ("elevated-esr", "present")),
    ("CRP elevated to 180 mg/L", ("elevated-crp", "present")),
    ("BP 152/90 mm of Hg", ("hypotension", "absent")),
])
def test_a_value_joined_by_a_comma_or_a_verb_or_in_us_units_is_read(kg, text, expected):
    assert expected in _spans(kg, text), read(kg, text)


@pytest.mark.parametrize("text", ["her pain was raised to 8 out of 10 by walking", "calcium 10.2 mg/dL"])
def test_a_value_with_no_threshold_crossed_is_not_a_finding(kg, text):
    assert not {n for n, p in _spans(kg, text) if p == "present"} & {"hypercalcaemia", "elevated-crp", "elevated-esr"}


# ---------------------------------------------------------------- a parent's call about their child; a child lifted

def test_a_parent_calling_about_their_child_gives_the_childs_sex_and_complaint(kg):
    text = "A father phoned, worried about his 14-year-old daughter’s left groin pain since this morning."
    said = _spans(kg, text) | {(s.node.id, s.polarity) for s in read(kg, text).spans if s.node.id == "female-sex"}
    assert ("female-sex", "present") in said and ("groin-pain", "present") in said, read(kg, text)


@pytest.mark.parametrize("text, node, own", [
    ("Her back pain started after lifting her son.", "low-back-pain", True),
    ("His son has back pain.", "low-back-pain", False),
])
def test_a_relative_acted_on_owns_nothing_before_it(kg, text, node, own):
    assert ((node, "present") in _spans(kg, text)) is own, read(kg, text)


# ---------------------------------------------------------------- how long the complaint has lasted

@pytest.mark.parametrize("text", ["7yo, limping on and off for 5 weeks", "R hip pain x 3/12", "a 4-month history of groin pain",
                                  "intermittent limp over the last few months", "hip pain began two months ago"])
def test_a_complaint_lasting_more_than_a_month_is_read(kg, text):
    assert ("symptoms-over-a-month", "present") in _spans(kg, text), read(kg, text)


@pytest.mark.parametrize("text", ["limping since yesterday", "groin pain for 10 days", "hip pain x 2/52",
                                  "a 12-year history of diabetes, hip pain for 3 days", "fell 6 weeks ago"])
def test_a_short_complaint_or_a_long_history_of_something_else_is_not(kg, text):
    assert ("symptoms-over-a-month", "present") not in _spans(kg, text), read(kg, text)


def test_transient_synovitis_falls_when_the_limp_has_lasted_months(kg):
    """asche2013_ts: almost every child with transient synovitis is well within two weeks."""
    short = kg.trace("5 year old boy, limping for 2 days, hip pain, afebrile", setting="ed-hip-limp")
    long = kg.trace("5 year old boy, limping for 3 months, hip pain, afebrile", setting="ed-hip-limp")
    def p(r):
        return next((c.score for c in r.candidates if c.node.id == "transient-synovitis-of-the-hip"), 0.0)
    assert p(long) < p(short) / 10


@pytest.mark.parametrize("text, expected", [
    ("Hip ROM mildly reduced.", ("limited-hip-range-of-motion", "present")),
    ("low-grade temps at night", ("fever", "present")),
    ("temperatures normal", ("fever", "absent")),
])
def test_a_severity_adverb_or_a_lay_word_for_fever_is_read(kg, text, expected):
    assert expected in _spans(kg, text), read(kg, text)


@pytest.mark.parametrize("text", ["knee pain, limited flexion, adduction and internal rotation of the hip",
                                  "aching thigh and knee, afebrile, reduced hip abduction and internal rotation"])
def test_a_hip_movement_beside_another_joints_complaint_is_still_examined(kg, text):
    assert ("limited-hip-range-of-motion", "present") in _spans(kg, text), read(kg, text)


@pytest.mark.parametrize("text, expected, absent", [
    ("sudden onset severe right groin pain", ("abrupt-severe-pain", "present"), ()),
    ("Looks like renal colic but dip negative", ("renal-colic", "possible"), ("renal-colic", "present")),
    ("thought it was a kidney stone", ("renal-colic", "possible"), ("renal-colic", "present")),
    ("BP 95/60", None, ("hypotension", "absent")),  # near the threshold: not read either way
    ("BP 86/50", ("hypotension", "present"), ()),
    ("tender periumbilical", ("abdominal-tenderness", "present"), ()),
])
def test_an_impression_a_near_threshold_value_and_a_sudden_severe_pain(kg, text, expected, absent):
    said = {(s.node.id, s.polarity) for s in read(kg, text).spans if s.experiencer == "patient"}
    assert expected is None or expected in said, read(kg, text)
    assert not absent or absent not in said, read(kg, text)


def test_a_severe_pain_that_was_not_sudden_is_no_abrupt_pain(kg):
    assert ("abrupt-severe-pain", "present") not in _spans(kg, "severe back pain for 3 months, gradual onset")


@pytest.mark.parametrize("text", ["The right hip was normal.", "His hips appeared normal", "examination of the hip was unremarkable",
                                  "no abnormality of his right hip or right thigh"])
def test_a_hip_examined_and_found_normal_is_a_normal_examination_not_a_pain(kg, text):
    said = _spans(kg, text)
    assert ("normal-hip-examination", "present") in said and ("hip-pain", "present") not in said, read(kg, text)
    assert ("thigh-pain", "present") not in said, read(kg, text)


@pytest.mark.parametrize("text", ["X-ray of the hip was normal", "left hip pain, worse on stairs"])
def test_a_normal_film_or_a_hip_complained_of_is_no_normal_examination(kg, text):
    assert ("normal-hip-examination", "present") not in _spans(kg, text), read(kg, text)


@pytest.mark.parametrize("text, expected", [
    ("no midline bony tenderness", ("spinal-percussion-tenderness", "absent")),
    ("tender to percussion over L4", ("spinal-percussion-tenderness", "present")),
    ("normotensive, HR 80", ("hypotension", "absent")),
])
def test_spinal_tenderness_and_a_normal_pressure_in_note_words(kg, text, expected):
    assert expected in _spans(kg, text), read(kg, text)


@pytest.mark.parametrize("text, expected", [
    ("morning stiffness <15 min", ("prolonged-morning-stiffness", "absent")),
    ("no morning stiffness", ("prolonged-morning-stiffness", "absent")),
    ("stiff first thing for a good 2 hours", ("prolonged-morning-stiffness", "present")),
    ("morning stiffness, lasts about 10 minutes", ("prolonged-morning-stiffness", "absent")),
])
def test_morning_stiffness_by_its_length(kg, text, expected):
    assert expected in _spans(kg, text), read(kg, text)


@pytest.mark.parametrize("text, absent_now", [
    ("SUFE pinned age 12", "age-under-16"),  # the age of the operation, not the patient's now
    ("diagnosed at age 9 with Perthes", "age-under-10"),
])
def test_the_age_an_event_had_is_not_the_patients_age(kg, text, absent_now):
    assert (absent_now, "present") not in _spans(kg, text), read(kg, text)


def test_an_episode_in_a_past_decade_is_history(kg):
    said = {(s.node.id, s.time) for s in read(kg, "had a slipped disc in the 90s, no trouble since").spans}
    assert ("lumbar-disc-herniation", "current") not in said, said


def test_a_stiffness_shorter_than_half_an_hour_is_not_the_prolonged_kind(kg):
    assert ("prolonged-morning-stiffness", "present") not in _spans(kg, "AM stiffness <30 min")


@pytest.mark.parametrize("text, absent", [("Wt 51 kg/113 lbs", "unexplained-weight-loss"),
                                          ("abdominal examination was unremarkable", "abdominal-tenderness")])
def test_a_weight_measured_is_no_weight_lost_and_a_normal_abdomen_denies_tenderness(kg, text, absent):
    said = _spans(kg, text)
    assert (absent, "present") not in said, read(kg, text)
    assert absent != "abdominal-tenderness" or (absent, "absent") in said, read(kg, text)


@pytest.mark.parametrize("text, node", [("?saddle anaesthesia - no", "saddle-anaesthesia"), ("query fever: none", "fever"),
                                        ("?night sweats - denies", "night-sweats")])
def test_a_question_answered_no_is_a_denial(kg, text, node):
    said = {(s.node.id, s.polarity) for s in read(kg, text).spans}
    assert (node, "absent") in said and (node, "possible") not in said, read(kg, text)


def test_a_question_with_a_denial_of_something_else_stays_a_question(kg):
    said = {(s.node.id, s.polarity) for s in read(kg, "?CES - no retention").spans}
    assert ("cauda-equina-syndrome", "possible") in said and ("urinary-retention", "absent") in said, said


@pytest.mark.parametrize("text, polarity", [("numbness in both legs and the saddle area", "present"),
                                            ("numbness in her legs and perineal area", "present"),
                                            ("no numbness in the legs or saddle area", "absent"),
                                            ("numbness in both legs and the saddle area denied", "absent")])
def test_the_saddle_as_the_next_place_of_a_numbness_is_saddle_anaesthesia(kg, text, polarity):
    said = {(s.node.id, s.polarity) for s in read(kg, text).spans}
    assert ("saddle-anaesthesia", polarity) in said, read(kg, text)
    assert ("saddle-anaesthesia", "present" if polarity == "absent" else "absent") not in said


@pytest.mark.parametrize("text, expected", [
    ("is diagnosed with stage IV ER/PR-positive, HER2-negative breast cancer", ("history-of-cancer", "present")),
    ("Social Hx: No tobacco, alcohol, or IVDU Home Meds: Warfarin, Simvastatin", ("anticoagulant-use", "present")),
    ("He hasn’t reported any previous back trauma", ("major-trauma", "absent")),
    ("has not had any fever", ("fever", "absent")),
])
def test_a_receptor_status_a_new_heading_and_a_typographic_apostrophe(kg, text, expected):
    said = {(s.node.id, s.polarity) for s in read(kg, text).spans if s.observed}
    assert expected in said, read(kg, text)


def test_a_crp_between_the_laboratories_limits_is_left_unread(kg):
    said = _spans(kg, "CRP of 7")
    assert not {("elevated-crp", "present"), ("elevated-crp", "absent")} & said, said


def test_a_numbness_of_the_groin_and_buttocks_is_saddle_anaesthesia(kg):
    said = {(s.node.id, s.polarity) for s in read(kg, 'a "numb feeling" in his groin and buttocks when sitting').spans}
    assert ("saddle-anaesthesia", "present") in said, said


def test_a_limp_present_for_the_past_month_and_a_decrease_in_hip_movement(kg):
    said = _spans(kg, "5-year-old boy, right hip pain and limp present for the past month; a mild decrease in hip "
                      "abduction and internal rotation on the right")
    assert {("symptoms-over-a-month", "present"), ("limited-hip-range-of-motion", "present")} <= said, said


@pytest.mark.parametrize("text, expected", [
    ("intact vibratory, light touch, and pinprick sensation in all lower limb dermatomes", None),
    ("sensory changes in the saddle area", ("saddle-anaesthesia", "present")),
])
def test_a_sensation_named_without_its_result_is_not_a_numbness(kg, text, expected):
    said = _spans(kg, text)
    assert ("numbness", "present") not in said and ("dermatomal-sensory-loss", "present") not in said, said
    assert expected is None or expected in said, said


@pytest.mark.parametrize("text, node, polarity", [
    ("asked about fever - none", "fever", "absent"),
    ("asked about night sweats: yes", "night-sweats", "present"),
    ("asked her about numbness in her legs", "numbness", "possible"),
])
def test_a_question_asked_and_its_answer(kg, text, node, polarity):
    said = {(s.node.id, s.polarity) for s in read(kg, text).spans}
    assert (node, polarity) in said, read(kg, text)


@pytest.mark.parametrize("text, expected", [
    ("SLR-negative", ("slr-test", "absent")),  # a result joined to a test's name is that test's
    ("FABER-positive on the right", ("faber-test", "present")),
    ("numbness in both legs and the saddle area, fever", ("fever", "present")),  # the item after the saddle stays
])
def test_a_joined_result_and_the_item_after_a_saddle(kg, text, expected):
    assert expected in _spans(kg, text), read(kg, text)


def test_the_saddle_said_twice_is_one_saddle_anaesthesia_and_no_perineal_pain(kg):
    said = _spans(kg, "sensory changes in the saddle and perineal areas")
    assert ("saddle-anaesthesia", "present") in said and ("perineal-pain", "present") not in said, said


@pytest.mark.parametrize("text, expected, wrong", [
    # one side of the buttock is not the saddle
    ("tingling over his left buttock", ("tingling", "present"), ("saddle-anaesthesia", "present")),
    ("numbness over both buttocks and the perineum", ("saddle-anaesthesia", "present"), None),
    ("Tingling over the left buttock and saddle area.", ("saddle-anaesthesia", "present"), None),  # named
    ("Sats 98% on RA.", None, ("rheumatoid-arthritis", "present")),  # room air
    ("He was sweating and clammy.", None, ("night-sweats", "present")),
    ("Could not walk far because of leg pain.", None, ("inability-to-bear-weight", "present")),
    # a multiplication sign and a lost degree sign are no crosses
    ("mild leucocytosis of 12.2×109/L", ("leukocytosis", "present"), ("leukocytosis", "absent")),
    ("SLR + on the R @ 40 0", ("slr-test", "present"), ("slr-test", "absent")),
    # "non-" denies its own word only
    ("non-traumatic left hip pain", ("hip-pain", "present"), ("hip-pain", "absent")),
    ("non-radiating groin pain", ("groin-pain", "present"), ("groin-pain", "absent")),
    # a suspicion denied is a denial
    ("no symptoms suggestive of cauda equina syndrome", ("cauda-equina-syndrome", "absent"),
     ("cauda-equina-syndrome", "possible")),
    ("not consistent with a fracture", None, ("vertebral-fracture", "present")),
    # "consistent with" is how a report states what it found, not a doubt
    ("MRI findings consistent with a disc herniation", ("lumbar-disc-herniation", "present"), None),
    # "back" after a length of time is "ago"
    ("her last period was 10 days back", None, ("low-back-pain", "present")),
    # a name cut to one common word is no name: a tendon's tear, jumping, a gap
    ("partial tear of the gluteus medius tendon", None, ("ligamentum-teres-tear", "present")),
    ("jumping off a wall", None, ("myofascial-trigger-point", "present")),
    # a test said positive is its result
    ("blood cultures positive", ("bloodstream-infection", "present"), None),
    ("urine hCG negative", ("positive-pregnancy-test", "absent"), None),
    ("HLA-B27 positive", ("hla-b27-test", "present"), None),
])
def test_sides_signs_prefixes_and_denied_suspicions(kg, text, expected, wrong):
    said = _spans(kg, text)
    assert expected is None or expected in said, read(kg, text)
    assert wrong is None or wrong not in said, read(kg, text)


@pytest.mark.parametrize("text, prolonged", [
    ("morning stiffness for 30 minutes", "absent"),  # the criterion is over 30 minutes
    ("morning stiffness for 30minutes then eases", "absent"),
    ("AM stiffness >30 min", "present"),
    ("Morning stiffness more than 30 minutes.", "present"),
    ("stiff in the mornings for about 45 mins", "present"),
])
def test_morning_stiffness_over_thirty_minutes(kg, text, prolonged):
    assert ("prolonged-morning-stiffness", prolonged) in _spans(kg, text), read(kg, text)


@pytest.mark.parametrize("text, expected", [
    ("his temperature was 101.4 degrees Fahrenheit", ("fever", "present")),
    ("temperature 38.4 degrees Celsius", ("fever", "present")),
    ("C reactive protein concentration of 18 mg/L", ("elevated-crp", "present")),
])
def test_values_with_their_units_in_words(kg, text, expected):
    assert expected in _spans(kg, text), read(kg, text)


@pytest.mark.parametrize("text, expected", [
    # a complaint that began a month ago goes on now
    ("He developed right buttock and low back pain about 2 months earlier.", ("buttock-pain", "present")),
    ("Alleviating factors were lying down and sitting.", ("sitting", "present")),
])
def test_a_complaint_begun_in_the_past_and_a_heading_of_what_eases(kg, text, expected):
    said = {(s.node.id, s.polarity) for s in read(kg, text).spans if s.time == "current"}
    assert expected in said, read(kg, text)
    if "Alleviating" in text:
        assert any(s.node.id == "sitting" and s.relation == "relieved-by" for s in read(kg, text).spans), read(kg, text)


@pytest.mark.parametrize("text, expected", [
    ("range of motion of the hip was painfully restricted", ("limited-hip-range-of-motion", "present")),
    ("history of right hip pain and limp of 6 weeks duration", ("limp", "present")),  # up to now
    ("2+ symmetric knee and ankle reflexes", ("decreased-ankle-reflex", "absent")),  # a reflex graded 2+ is normal
    ("dorsalis pedis pulses 2+ bilaterally", ("absent-foot-pulses", "absent")),
    ("could ambulate without difficulty", ("walking", "absent")),
])
def test_reflex_grades_a_painful_restriction_and_a_history_up_to_now(kg, text, expected):
    said = {(s.node.id, s.polarity) for s in read(kg, text).spans if s.time == "current"}
    assert expected in said, read(kg, text)


@pytest.mark.parametrize("text", ["urine dipstick: blood 2+", "Urine: blood 2+. Pedal pulses present.",
                                  "Urine dipstick blood 2+, reflexes brisk."])
def test_a_dipstick_graded_2_plus_is_not_normal(kg, text):
    assert ("microscopic-haematuria", "present") in _spans(kg, text), read(kg, text)


@pytest.mark.parametrize("text, expected", [
    ("tenderness over the iliopsoas", ("iliopsoas-tenderness", "present")),
    ("tender over the adductors on the left", ("adductor-tenderness", "present")),
    ("no tenderness over the adductor longus", ("adductor-tenderness", "absent")),
])
def test_a_tender_muscle_is_the_finding_of_its_tenderness(kg, text, expected):
    assert expected in _spans(kg, text), read(kg, text)


def test_the_upper_limbs_range_is_not_the_hips(kg):
    said = _spans(kg, "full range of motion (ROM) in all joints of the upper extremities")
    assert ("limited-hip-range-of-motion", "absent") not in said, said
    assert ("leg-weakness", "present") in _spans(kg, "upper limb power 5/5, lower limb power 3/5 on the left")


@pytest.mark.parametrize("text, expected", [
    ("She could not walk because of the pain", ("inability-to-bear-weight", "present")),
    ("unable to walk more than 100 m", ("inability-to-bear-weight", None)),  # a walking distance
    ("unable to bear weight on the affected limb", ("inability-to-bear-weight", "present")),
    ("denies fevers and sweats", ("night-sweats", "absent")),
    ("vital signs were within normal acceptable limits", ("fever", "absent")),
    ("CRP level is greater than 300 mg/L", ("elevated-crp", "present")),
    ("hip pain over a 7-mo period", ("symptoms-over-a-month", "present")),
])
def test_case_report_phrasings_of_walking_vitals_and_values(kg, text, expected):
    node, polarity = expected
    said = {(s.node.id, s.polarity) for s in read(kg, text).spans if s.time == "current"}
    if polarity is None:
        assert not any(n == node for n, _ in said), read(kg, text)
    else:
        assert expected in said, read(kg, text)


@pytest.mark.parametrize("text, node, polarity", [
    ("ESR >20", "elevated-esr", "present"),
    ("ESR >20", "esr-40-or-more", None),  # a lower bound says nothing of the higher limit
    ("CRP >3", "elevated-crp", None),
    ("PVR over 200 mL", "post-void-residual-over-200ml", "present"),
])
def test_a_value_said_as_a_lower_bound(kg, text, node, polarity):
    said = {s.node.id: s.polarity for s in read(kg, text).spans}
    assert said.get(node) == polarity, read(kg, text)


def test_a_urine_dip_negative_for_blood_is_no_haematuria_and_no_blood_test(kg):
    said = _spans(kg, "urine dip neg for blood")
    assert ("microscopic-haematuria", "absent") in said and ("elevated-crp", "absent") not in said, said


@pytest.mark.parametrize("text, expected", [
    ("power and reflexes currently normal", ("leg-weakness", "absent")),  # never "power" present
    ("power and reflexes", ("leg-weakness", None)),
    ("on haemodialysis via a tunnelled line", ("indwelling-vascular-access", "present")),
])
def test_a_function_listed_without_a_result_and_a_result_of_now(kg, text, expected):
    node, polarity = expected
    said = {s.node.id: s.polarity for s in read(kg, text).spans}
    assert said.get(node) == polarity, read(kg, text)


def test_the_drehmann_sign_in_words(kg):
    said = _spans(kg, "on flexing the hip it swings into external rotation")
    assert ("obligatory-external-rotation-on-flexion", "present") in said, said


@pytest.mark.parametrize("text, expected", [
    ("Point tender R proximal femur.", ("femoral-bone-tenderness", "present")),
    ("67F, known rheumatoid arthritis on methotrexate", ("rheumatoid-arthritis", "present")),
    ("on methotrexate", ("immunosuppression", "present")),
])
def test_bone_tenderness_and_a_treated_rheumatoid_arthritis(kg, text, expected):
    assert expected in _spans(kg, text), read(kg, text)


@pytest.mark.parametrize("text, node, time", [
    # a time ago dates what is said just before it, not a complaint further back with its own length
    ("five months of low back pain attributed to facet arthropathy on an MRI from two years ago",
     "low-back-pain", "current"),
    ("fell and fractured his hip 2 years ago", "traumatic-onset", "historical"),  # a list joined by "and"
    ("Saddle anaesthesia with retention during her labour 3 years ago, fully recovered.", "saddle-anaesthesia",
     "historical"),  # a past red flag stays past
    ("Admitted with fever and back pain from discitis 2 years ago.", "fever", "historical"),
    ("pain now constant and unrelieved by lying down", "no-improvement-with-rest", "current"),
])
def test_a_time_ago_dates_the_nearest_thing(kg, text, node, time):
    assert any(s.node.id == node and s.time == time for s in read(kg, text).spans), read(kg, text)


@pytest.mark.parametrize("text", ["bilat buttock-to-calf tingling on walking", "buttock to calf numbness"])
def test_a_numbness_down_the_leg_from_the_buttock_is_not_the_saddle(kg, text):
    assert ("saddle-anaesthesia", "present") not in _spans(kg, text), read(kg, text)


def test_symptoms_gone_within_minutes_of_sitting_are_relieved_by_it(kg):
    said = read(kg, "gone within minutes of sitting or bending forward").spans
    assert {(s.node.id, s.relation) for s in said} >= {("sitting", "relieved-by"), ("bending-forward", "relieved-by")}


@pytest.mark.parametrize("text, node, polarity", [
    ("legs neuro intact so far", "bilateral-leg-pain", None),  # an examination of the legs, not their pain
    ("Had a foot ulcer dressed at the practice 3 wks ago.", "recent-skin-infection", "present"),
])
def test_legs_examined_and_an_ulcer_dressed_at_the_practice(kg, text, node, polarity):
    said = {s.node.id: s.polarity for s in read(kg, text).spans}
    assert said.get(node) == polarity, read(kg, text)


@pytest.mark.parametrize("text, node, time", [
    ("had an irritable hip at 5, settled on its own", "transient-synovitis-of-the-hip", "historical"),
    ("SUFE pinned age 12", "slipped-capital-femoral-epiphysis", "historical"),
    ("fever, settled pain", "fever", "current"),  # an ending said of the next word, not of the fever
])
def test_an_episode_ended_after_a_comma(kg, text, node, time):
    assert any(s.node.id == node and s.time == time for s in read(kg, text).spans), read(kg, text)


@pytest.mark.parametrize("text, node, polarity", [
    ("Uncertain whether hip flexor weakness is true weakness", "hip-flexion-weakness", "possible"),
    ("SLR limited by hamstring tightness only", "slr-test", "absent"),
    ("she says she can't be pregnant", "pregnancy", "absent"),
    ("CES cannot be ruled out", "cauda-equina-syndrome", "possible"),  # the longer trigger still wins
])
def test_doubt_tight_hamstrings_and_a_denied_pregnancy(kg, text, node, polarity):
    said = {s.node.id: s.polarity for s in read(kg, text).spans}
    assert said.get(node) == polarity, read(kg, text)


def test_both_shoulders_are_polymyalgias_girdle_not_another_part(kg):
    said = _spans(kg, "Both shoulders became acutely painful with morning stiffness lasting 2 hours")
    assert ("bilateral-shoulder-pain", "present") in said and ("prolonged-morning-stiffness", "present") in said, said


@pytest.mark.parametrize("text, expected", [
    ("anterior pubic pain", ("midline-groin-pain", "present")),  # a side of what is named
    ("intermittent anterior clicking", ("clicking", "present")),
    ("a 3 1/2 year old girl with a limp", ("age-under-10", "present")),
    ("4½-year-old boy", ("age-under-10", "present")),
])
def test_a_side_without_a_place_and_a_half_year(kg, text, expected):
    assert expected in _spans(kg, text), read(kg, text)


def test_a_fall_from_a_ladder_onto_the_buttocks(kg):
    said = _spans(kg, "fell approx 3 m from a ladder, landed on feet then onto buttocks")
    assert ("major-trauma", "present") in said and ("buttock-pain", "present") not in said, said


@pytest.mark.parametrize("text, node, polarity, time", [
    ("doesn't hurt in my groin", "groin-pain", "absent", "current"),
    ("numbness in the saddle area last week, now resolved", "saddle-anaesthesia", "present", "historical"),
    ("had a fever last week, fine now", "fever", "present", "historical"),
    ("hip pain, better now with rest", "hip-pain", "present", "current"),  # better is not over
    ("SLR 90/90", "slr-test", "absent", "current"),  # raised to a right angle: negative
])
def test_probe_8_misses_after_its_final_run(kg, text, node, polarity, time):
    # probe 8's wrong readings, looked at only after its end-of-session run was recorded
    assert any(s.node.id == node and s.polarity == polarity and s.time == time for s in read(kg, text).spans), \
        read(kg, text)


@pytest.mark.parametrize("text, node, polarity", [
    # published 7's wrong readings, looked at only after its end-of-session run was recorded
    ("denied any systemic symptoms (e.g., fever, chills)", "fever", "absent"),
    ("no red flags (e.g. fever, weight loss)", "unexplained-weight-loss", "absent"),  # every example denied
    ("she limits weight-bearing on her right side", "unexplained-weight-loss", None),
    ("pain with resisted active adduction on the left", "resisted-adduction-pain", "present"),
])
def test_published_7_misses_after_its_final_run(kg, text, node, polarity):
    said = {s.node.id: s.polarity for s in read(kg, text).spans}
    assert said.get(node) == polarity, read(kg, text)


@pytest.mark.parametrize("text, node", [
    ("SLR ?+ve at 70°", "slr-test"),  # a result in doubt
    ("poss. gluteus medius tear", "greater-trochanteric-pain-syndrome"),
    ("sometimes maybe a bit of tingling, not sure", "tingling"),
])
def test_probe_8_doubts_after_its_final_run(kg, text, node):
    assert {s.node.id: s.polarity for s in read(kg, text).spans}.get(node) == "possible", read(kg, text)


@pytest.mark.parametrize("text, expected", [
    ("5 1/2 yo girl limping", ("age-under-10", "present")),  # the half year in every way of writing an age
    ("numbness down the right leg and in the saddle", ("saddle-anaesthesia", "present")),  # "and in the ..."
])
def test_variants_of_a_half_year_and_the_saddle_listed(kg, text, expected):
    assert expected in _spans(kg, text), read(kg, text)
