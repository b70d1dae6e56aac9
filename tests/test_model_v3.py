"""Trace v3 (docs/MODEL.md section 9): what a hypothesis cannot explain counts against it.

Each published figure is reproduced in the setting where it was measured, and each of the
re-audit's defects (kb-audit2 D1-D10) that v2 got wrong has a test here.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import painkg
from painkg.kb.vocab import Relation
from painkg.trace import scoring

KOCHER = ["fever", "unable to bear weight", "markedly raised ESR", "raised white cell count"]


def score(result, condition: str) -> float:
    return next((c.score for c in result.candidates if c.node.id == condition), 0.0)


@pytest.mark.parametrize(("positive", "low", "high"), [(0, 0.0, 0.03), (1, 0.02, 0.12), (2, 0.30, 0.45),
                                                        (3, 0.70, 0.95), (4, 0.90, 1.0)])
def test_kocher_predictors_reproduce_the_validation(kg, positive, low, high):
    # kocher2004 (uzoigwe2014 Table 1): 0 -> 2 %, 1 -> 9.5 %, 2 -> 35 %, 3 -> 73 %, 4 -> 93 %.
    result = kg.trace(["a 6-year-old", "hip pain", *KOCHER[:positive]], absent=KOCHER[positive:],
                      setting="paediatric-irritable-hip")
    assert low <= score(result, "septic-arthritis-of-the-hip") <= high


def test_cauda_equina_in_the_emergency_department(kg):
    # 13-22 % of suspected-CES referrals have CES on MRI; the issue asks 10-35 % in ed-back-pain.
    result = kg.trace(["low back pain", "bilateral leg pain", "urinary retention", "saddle anaesthesia"],
                      setting="ed-back-pain")
    assert 0.10 <= score(result, "cauda-equina-syndrome") <= 0.35
    assert "cauda-equina-syndrome" in {f.node.id for f in result.red_flags}


def test_a_benign_diagnosis_does_not_absorb_sphincter_symptoms(kg):
    # v2: non-specific LBP 80 %, CES 3.6 %.
    result = kg.trace(["low back pain", "saddle anaesthesia", "urinary retention"])
    top3 = [c.node.id for c in result.candidates[:3]]
    assert "cauda-equina-syndrome" in top3
    nslbp = next(c for c in result.candidates if c.node.id == "non-specific-low-back-pain") \
        if any(c.node.id == "non-specific-low-back-pain" for c in result.candidates) else None
    assert nslbp is None or (nslbp.score < 0.05 and nslbp.excluded_by)


def test_the_report_says_why_a_diagnosis_of_exclusion_fell(kg):
    result = kg.trace(["low back pain", "positive straight leg raise", "leg pain below the knee"], limit=40)
    nslbp = next(c for c in result.candidates if c.node.id == "non-specific-low-back-pain")
    assert [o.node.id for o in nslbp.excluded_by] == ["slr-test"]


def test_an_older_adult_with_back_pain_is_not_a_fracture_by_age_alone(kg):
    # D10: v2 gave vertebral fracture 41 % to any 76-year-old; enthoven2016 about 5 %.
    result = kg.trace(["a 76-year-old", "low back pain"], setting="older-adults-primary-care")
    assert score(result, "vertebral-fracture") < 0.10
    assert result.candidates[0].node.id == "non-specific-low-back-pain"


@pytest.mark.parametrize("age", ["a 58-year-old", "a 64-year-old", "a 69-year-old", "a 76-year-old", "an 88-year-old"])
def test_every_age_of_older_adults_is_inside_their_setting_and_none_moves_a_fracture(kg, age):
    # The setting was defined 'over 50 and over 70': a 64-year-old was outside it, so its 4.9 % fracture
    # prior fell to the default.  Within the over-55s no source gives the bands' ratios (enthoven2016).
    result = kg.trace([age, "low back pain"], setting="older-adults-primary-care")
    assert not result.outside_setting
    assert 0.03 < score(result, "vertebral-fracture") < 0.10


def test_a_setting_does_not_count_what_defines_it(kg):
    chosen = next(s for s in kg.settings() if s.id == "paediatric-irritable-hip")
    assert "hip-pain" in chosen.defines
    with_it = kg.trace(["hip pain", "fever"], setting="paediatric-irritable-hip")
    without = kg.trace(["fever"], setting="paediatric-irritable-hip")
    assert score(with_it, "septic-arthritis-of-the-hip") == pytest.approx(score(without, "septic-arthritis-of-the-hip"))


def test_a_group_prevalence_is_shared_among_its_kinds(kg):
    # The emergency series counts spondylodiscitis (1.65 %); the KB ranks its kinds.  Before, the
    # group's figure was lost and each kind fell to the setting's default (0.03 % each).
    from painkg.trace.compile import diagnostic_table
    from painkg.trace.settings import priors_of

    table = diagnostic_table(kg.graph)
    kinds = [c for c, up in table.ancestors.items() if "spinal-infection" in up]
    assert len(kinds) >= 3
    priors = priors_of(kg.graph, "ed-back-pain", kinds, table.ancestors)
    assert sum(p.value for p in priors.values()) == pytest.approx(0.0165)
    assert all(p.published and "spinal-infection" in p.note for p in priors.values())
    # Where the kinds publish their own figures (primary care), those stand.
    assert priors_of(kg.graph, "primary-care", kinds, table.ancestors)["discitis"].value == pytest.approx(0.0001)


def test_a_red_flag_is_rare_and_activity_common():
    assert scoring.BASE_RATE_BY_GRADE[scoring.Grade.RARE] < 0.01 < scoring.BASE_RATE_BY_GRADE[scoring.Grade.COMMON]


def test_demographic_grades_move_nothing(kg):
    # D2/D6: an age band moves a hypothesis only by a published figure or an exclusion.
    result = kg.trace(["a 35-year-old", "low back pain"])
    for c in result.candidates:
        for contribution in c.contributions:
            if contribution.observation.node.id == "age-under-40" and not contribution.cluster:
                assert contribution.likelihood_ratio == pytest.approx(1.0)


def test_one_vocabulary_what_resolves_traces(kg):
    node = kg.resolve("pain with hip internal rotation")
    result = kg.trace(["pain with hip internal rotation"])
    assert node.id in {o.node.id for o in result.observations}


def _excluded_pairs(kg):
    return sorted((s, t) for s, t, r in kg.graph.edges(keys=True) if r == Relation.EXCLUDED_BY)


@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_no_hypothesis_keeps_its_share_when_a_present_finding_excludes_it(data):
    kg = painkg.load()
    pairs = _excluded_pairs(kg)
    source, target = data.draw(st.sampled_from(pairs))
    label = kg.node(target).label
    # What the condition itself typically presents with, plus the finding that excludes it.
    typical = sorted(t for _, t, r, d in kg.graph.out_edges(source, keys=True, data=True)
                     if r == Relation.PRESENTS_WITH and d["strength"] == "typical"
                     and not t.startswith(("age-", "female-")) and t != target)
    present = [kg.node(t).label for t in typical[:3]] + [label]
    result = kg.trace(present, limit=200, unknown="skip")
    candidate = next((c for c in result.candidates if c.node.id == source), None)
    # The stated share: an excluded hypothesis never leads, and never keeps more than half.
    if candidate is not None:
        assert candidate.score <= 0.5, (source, target, candidate.score)
        assert target in {o.node.id for o in candidate.excluded_by} or candidate.node.id != source


def test_explanations_show_the_compensation_mechanism(kg):
    # The seed's thesis: hip OA -> lumbar compensatory overload -> low back pain, shown as "how".
    result = kg.trace(["a 66-year-old", "groin pain", "limited hip internal rotation", "low back pain"])
    hip = result.candidates[0]
    assert hip.node.id == "hip-osteoarthritis"
    back = next(e for e in hip.explanations if e.observation.node.id == "low-back-pain")
    assert back.how and "compensates for" in str(back.how[0])
    assert "how (shown, not counted)" in str(result)


def test_three_ordinary_inflammatory_items_are_one_feature(kg):
    # D3: v2 took axSpA from 0.17 % to 74 % on three IBP items; the pattern's published LR+ is 3.1.
    result = kg.trace(["a 30-year-old", "low back pain", "onset before 40", "insidious onset", "better with exercise"],
                      limit=40)
    axspa = next(c for c in result.candidates if c.node.id == "axial-spondyloarthritis")
    assert axspa.score < 0.05
    assert result.candidates[0].node.id == "non-specific-low-back-pain"


def test_a_marked_population_number_is_not_a_likelihood(kg):
    # D7: a frequency on an edge marked with another population counts by its grade.
    from painkg.trace.compile import diagnostic_table

    table = diagnostic_table(kg.graph)
    marked = [(s, t, d) for s, t, r, d in kg.graph.edges(keys=True, data=True)
              if d.get("population") and d.get("frequency") is not None and r == Relation.PRESENTS_WITH
              and s in table.hypotheses]
    assert marked
    for s, t, d in marked:
        entry = table.row((t, "")).get(s)
        if entry is not None:
            assert not entry.published or entry.probability != d["frequency"], (s, t)


def test_no_single_absent_finding_is_decisive():
    # D9: a published sensitivity of 1.0 must not give an absent finding a ratio of 0.
    from painkg.trace.compile import Entry
    from painkg.trace.infer import entry_ratio

    assert entry_ratio(Entry(1.0, True, 0), 0.05, False) > 0


def test_a_pair_is_never_likelier_than_its_rarer_member(kg):
    # D8: P(hip OA and LSS) was 0.175 against P(LSS) 0.0167.
    result = kg.trace(["low back pain", "neurogenic claudication", "bilateral leg pain", "groin pain",
                       "limited hip internal rotation"])
    from painkg.trace.compile import diagnostic_table
    from painkg.trace.infer import _Model

    table = diagnostic_table(kg.graph)
    model = _Model(kg, table, "primary-care", {}, {o.node.id for o in result.observations if o.present})
    hyps = table.hypotheses
    hip, lss = hyps["hip-osteoarthritis"], hyps["lumbar-spinal-stenosis"]
    # Stenosis has only the setting's stated default: the published prevalence of hip OA caps the pair.
    assert model.published["hip-osteoarthritis"] and not model.published["lumbar-spinal-stenosis"]
    assert model._pair_prior(hip, lss) <= model.hypothesis_prior(hip)
    # With both priors published (a clinic's own case mix), the rarer one caps it.
    both = _Model(kg, table, "primary-care", {"lumbar spinal stenosis": 0.02}, set())
    assert both._pair_prior(hip, lss) <= 0.02 * lss.share + 1e-12


@pytest.mark.parametrize("terms", [["a 7-year-old", "limp", "fever", "hip pain"], ["a 6-year-old", "limp", "hip pain"]])
def test_a_child_never_gets_hip_osteoarthritis(kg, terms):
    # D2/D6: v2 gave a 7-year-old with a limp and fever hip OA 63 %, a 6-year-old 75 %.
    result = kg.trace(terms, limit=40)
    hip_oa = next((c for c in result.candidates if c.node.id == "hip-osteoarthritis"), None)
    assert hip_oa is None or (hip_oa.score < 0.05 and hip_oa.excluded_by)  # excluded: ε = 0.01 on its prior


@pytest.mark.parametrize(("terms", "setting", "danger"), [
    (["a 74-year-old", "low back pain", "pulsatile abdominal mass"], "primary-care", "abdominal-aortic-aneurysm"),
    (["a 78-year-old", "fall", "unable to bear weight", "hip pain"], "primary-care", "hip-fragility-fracture"),
    (["an 84-year-old woman", "fall", "hip pain", "unable to bear weight"], "ed-suspected-hip-fracture",
     "hip-fragility-fracture"),
    (["low back pain", "saddle anaesthesia", "urinary retention"], "primary-care", "cauda-equina-syndrome"),
])
def test_a_dangerous_cause_that_fits_is_top_3_and_flagged(kg, terms, setting, danger):
    result = kg.trace(terms, setting=setting)
    # the danger or a kind of it (an aneurysm is intact or ruptured)
    kinds = [c for c in result.candidates[:3] if danger in {c.node.id, *(b.id for b in c.broader)}]
    assert kinds
    flagged = {f.node.id for f in result.red_flags} | {n.id for f in result.red_flags for n in f.raises}
    assert flagged & {c.node.id for c in kinds}


def test_the_emergency_hip_fracture_setting_is_not_certain(kg):
    # D10: the suspected-hip-fracture ED setting gave 96-99 %; its source reports 39 % fractured.
    result = kg.trace(["an 84-year-old woman", "fall", "hip pain", "unable to bear weight"],
                      setting="ed-suspected-hip-fracture")
    assert score(result, "hip-fragility-fracture") < 0.9


def test_a_red_flag_condition_named_as_a_finding_is_flagged_once(kg):
    # reliability2 G26: "low back pain" + "CES" listed cauda equina syndrome twice under RED FLAGS.
    result = kg.trace(["low back pain", "CES"])
    ids = [f.node.id for f in result.red_flags]
    assert ids.count("cauda-equina-syndrome") == 1


def test_a_named_syndrome_is_the_complaint_it_typically_is(kg):
    # "Sciatica" is leg pain: cauda equina syndrome's primary-care prevalence, measured among back
    # and leg pain, applies in full (before: scaled by 0.05 as if no such complaint were reported).
    result = kg.trace(["a 38-year-old man", "sciatica", "saddle anaesthesia", "dermatomal sensory loss"])
    ces = next(c for c in result.candidates if c.node.id == "cauda-equina-syndrome")
    assert ces.prior == pytest.approx(0.00085)
    assert "cauda-equina-syndrome" in [c.node.id for c in result.candidates[:3]]


def test_a_negative_radiograph_is_not_counted_again_in_the_occult_fracture_series(kg):
    # ed-suspected-hip-fracture is defined by a radiograph that shows no fracture (not:hip-fragility-fracture):
    # "X-ray: no fracture seen" there is the setting's definition, not evidence against its 39 %.
    terms = ["an 84-year-old woman", "fall", "groin pain", "pain on axial loading"]
    said = kg.trace(terms + ["X-ray: no fracture seen"], setting="ed-suspected-hip-fracture")
    unsaid = kg.trace(terms, setting="ed-suspected-hip-fracture")
    assert score(said, "hip-fragility-fracture") == pytest.approx(score(unsaid, "hip-fragility-fracture"), rel=0.05)
    assert not said.outside_setting
    # In primary care the same words are evidence against the fracture.
    assert score(kg.trace(terms + ["X-ray: no fracture seen"]), "hip-fragility-fracture") < score(
        kg.trace(terms), "hip-fragility-fracture")
    # A fracture seen on the radiograph puts the patient outside the series.
    assert [o.node.id for o in kg.trace(terms + ["hip fragility fracture"],
                                        setting="ed-suspected-hip-fracture").outside_setting] == ["hip-fragility-fracture"]


def test_kochers_rule_decides_only_in_the_case_mix_it_was_measured_in(kg):
    # Kocher's ratios are odds of septic arthritis against transient synovitis in children's irritable
    # hips; in a 67-year-old with a hot hip they said "two predictors: x1.09" and buried it.
    hot_hip = ["a 67-year-old man", "groin pain", "fever", "inability to bear weight", "elevated CRP"]
    # Osteomyelitis pubis, pelvic pyomyositis and iliopsoas abscess share every finding given here (ross2003_pubis:
    # fever in 74 %) and no source read gives their frequency beside septic arthritis in adults: the rule must keep
    # septic arthritis among the first three, not above them.
    result = kg.trace(hot_hip, setting="older-adults-primary-care")
    top3 = [c.node.id for c in result.candidates[:3]]
    assert "septic-arthritis-of-the-hip" in top3, top3
    septic = next(c for c in result.candidates if c.node.id == "septic-arthritis-of-the-hip")
    assert max(k.likelihood_ratio for k in septic.contributions if "Kocher" in k.cluster) > 5
    # In the children's irritable-hip series the rule still decides: two predictors, 30-45 %.
    child = kg.trace(["a 6-year-old", "fever", "inability to bear weight"], setting="paediatric-irritable-hip")
    assert 0.30 <= score(child, "septic-arthritis-of-the-hip") <= 0.45


def test_a_patient_outside_the_setting_is_not_scored_by_its_rules(kg):
    # An adult traced in the children's limp setting is outside its population: Kocher's rule,
    # measured in that case mix, does not decide for her either (fever counted x1.09 before).
    hot_hip = ["a 67-year-old woman", "groin pain", "fever", "inability to bear weight", "elevated CRP"]
    result = kg.trace(hot_hip, setting="ed-hip-limp")
    assert result.outside_setting and "septic-arthritis-of-the-hip" in [c.node.id for c in result.candidates[:3]]


def test_normal_observations_say_nothing_against_an_intact_aneurysm(kg):
    # raaa_ejem2016's hypotension, syncope and tachycardia (36.5 %, 36.5 %, 18.8 %) were measured in 85
    # ruptured aneurysms; on the parent node a normal BP and pulse put an intact symptomatic one down x0.55.
    pain = ["a 67-year-old man", "low back pain", "abdominal pain"]
    normal = kg.trace(pain, absent=["hypotension", "tachycardia"], setting="older-adults-primary-care", limit=60)
    unsaid = kg.trace(pain, setting="older-adults-primary-care", limit=60)
    intact = "symptomatic-abdominal-aortic-aneurysm"
    assert score(normal, intact) >= score(unsaid, intact)
    assert score(normal, "ruptured-abdominal-aortic-aneurysm") < score(unsaid, "ruptured-abdominal-aortic-aneurysm")
    # Both are kinds of one aneurysm: the parent's group sums them (a pulsatile mass makes it a likely one).
    mass = kg.trace([*pain, "pulsatile abdominal mass"], absent=["hypotension", "tachycardia"],
                    setting="older-adults-primary-care", limit=60)
    group = next(g for g in mass.groups if g.node.id == "abdominal-aortic-aneurysm")
    assert {n.id for n, _ in group.members} >= {intact, "ruptured-abdominal-aortic-aneurysm"}


def test_shock_points_at_the_ruptured_aneurysm(kg):
    result = kg.trace(["a 72-year-old man", "low back pain", "abdominal pain", "syncope", "hypotension",
                       "tachycardia"], setting="ed-back-pain")
    assert result.candidates[0].node.id == "ruptured-abdominal-aortic-aneurysm"
    assert "ruptured-abdominal-aortic-aneurysm" in {f.node.id for f in result.red_flags}


@pytest.mark.parametrize("gestation", ["28/40", "28 weeks pregnant", "26/40 gestation"])
def test_an_ectopic_pregnancy_is_excluded_well_beyond_the_first_trimester(kg, gestation):
    # armmed_ectopic_rupture: tubal ectopics rupture at 6-12 weeks, interstitial ones, the last, usually at
    # 12-16 weeks.  v3 ranked a ruptured ectopic first for pelvic pain at 28 weeks.
    result = kg.trace(f"30-year-old woman, {gestation}, lower abdominal pain and pelvic pain", limit=60)
    ectopic = next(c for c in result.candidates if c.node.id == "ruptured-ectopic-pregnancy")
    assert "pregnancy-over-16-weeks" in {o.node.id for o in ectopic.excluded_by}
    assert ectopic not in result.candidates[:3]
    early = kg.trace("30-year-old woman, 7 weeks pregnant, lower abdominal pain and pelvic pain", limit=60)
    assert early.candidates[0].node.id == "ruptured-ectopic-pregnancy"
    assert not early.candidates[0].excluded_by


# -- must not miss: a red flag no leading cause explains keeps a dangerous cause in the top three ------------

def test_an_unexplained_sphincter_symptom_keeps_cauda_equina_in_the_top_three(kg):
    terms = ["low back pain", "pain radiating down the leg", "urinary incontinence", "no numbness",
             "no leg weakness", "no saddle anaesthesia"]
    result = kg.trace(terms, setting="primary-care")
    ids = [c.node.id for c in result.candidates]
    assert "cauda-equina-syndrome" in ids[:3], result
    moved = result.candidates[ids.index("cauda-equina-syndrome")]
    assert moved.score < result.candidates[0].score
    assert [o.node.id for o in moved.must_not_miss] == ["urinary-incontinence"]
    assert "must not miss" in str(result)
    assert result.to_dict()["candidates"][ids.index("cauda-equina-syndrome")]["must_not_miss"] == ["urinary-incontinence"]


def test_the_leading_cause_keeps_first_place_and_an_explained_flag_moves_nothing(kg):
    result = kg.trace(["groin pain", "limited hip internal rotation", "age over 50"], setting="primary-care")
    assert result.candidates[0].node.id == "hip-osteoarthritis"
    assert not any(c.must_not_miss for c in result.candidates)  # an age is no such red flag


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_only_a_must_not_miss_stands_above_its_probability(kg, data):
    findings = sorted(n for n, d in kg.graph.nodes(data=True) if d["kind"].value in ("symptom", "finding"))
    terms = data.draw(st.lists(st.sampled_from(findings), min_size=1, max_size=5, unique=True))
    setting = data.draw(st.sampled_from(["primary-care", "ed-back-pain", "ed-hip-limp", "older-adults-primary-care"]))
    result = kg.trace(terms, setting=setting, limit=10)
    top = result.candidates
    if not top:  # an age band alone reaches no source: everything is "something else"
        assert result.other_score == pytest.approx(1.0)
        return
    involved = [c.score + c.paired for c in top]  # the order: the chance each is involved, alone or in a pair
    assert not top[0].must_not_miss and all(involved[0] >= x for x in involved)  # the lead is the likeliest
    for (earlier, a), b in zip(zip(top, involved), involved[1:]):  # out of order only for a reason on record
        assert a >= b or earlier.must_not_miss, (earlier, a, b)
    assert all(c.node.red_flag and i < 3 for i, c in enumerate(top) if c.must_not_miss)


def test_a_long_complaint_takes_a_child_out_of_the_acutely_irritable_hip_population(kg):
    """kocher2004's priors (septic arthritis a third, transient synovitis two thirds) are of acutely irritable hips;
    a limp of months with no fever and a normal CRP is Perthes disease's, not septic arthritis's (pem_lcpd,
    bestbets658: CRP > 10 mg/L in 90-100 % of septic arthritis)."""
    r = kg.trace("6yo boy, limp on and off for 3 months, aching thigh and knee, afebrile, reduced hip abduction and "
                 "internal rotation, CRP <5", setting="paediatric-irritable-hip")
    assert r.outside_setting and r.candidates[0].node.id == "perthes-disease", [c.node.id for c in r.candidates[:4]]
    assert "septic-arthritis-of-the-hip" not in [c.node.id for c in r.candidates[:2]]


def test_a_sudden_severe_pain_keeps_a_torsion_in_the_top_three_against_the_limp_case_mix(kg):
    """A girl's sudden severe groin pain with vomiting: transient synovitis holds 70 % of the ED limp case mix
    (baj_limp), but the sudden severe pain is a red flag it does not explain, so ovarian torsion, which does
    (medscape_ovariantorsion), stands in the top three and says why."""
    r = kg.trace("13 year old girl, sudden severe right groin pain 3 hours ago, vomited twice, limping, tender right "
                 "iliac fossa, afebrile", setting="ed-hip-limp", unknown="skip")
    top = [c.node.id for c in r.candidates[:3]]
    assert "ovarian-torsion" in top, top


def test_a_man_of_seventy_one_with_sudden_loin_to_groin_pain_is_given_no_testicular_torsion(kg):
    """bmjbp_torsion: 12 of 2,213 torsions admitted in England were over 60; kernow_renalcolic and hwe_renalcolic:
    renal colic is a sudden severe loin pain radiating to the groin or testicle."""
    r = kg.trace("71 year old man, sudden severe left loin pain radiating to the groin and testicle, vomiting, "
                 "urine dip blood 2+", setting="ed-back-pain", unknown="skip")
    top = [c.node.id for c in r.candidates[:3]]
    assert top[0] == "renal-colic" and "testicular-torsion" not in top, top


def test_a_danger_already_answering_a_red_flag_is_not_pushed_out_by_another(kg):
    """A teenager's pelvic mass with fever, night pain and a raised ESR: the bone tumour that answers the mass
    stays in the top three when vertebral osteomyelitis is placed for the ESR (berbari2015: suspect it with back
    pain and a raised ESR or CRP)."""
    r = kg.trace("15 year old boy, rugby, 10 weeks of low back and buttock pain, now waking him at night, evening "
                 "temperatures, firm tender mass over the posterior iliac crest, ESR 60",
                 setting="adolescent-athlete-back-pain", unknown="skip")
    top = [c.node.id for c in r.candidates[:3]]
    assert "primary-bone-tumour" in top, top
    assert all(c.node.red_flag for c in r.candidates[1:3] if c.must_not_miss)


def test_a_raised_crp_a_benign_lead_cannot_explain_brings_spinal_infection_into_view(kg):
    """berbari2015: suspect vertebral osteomyelitis in new or worsening back pain with a raised ESR or CRP."""
    r = kg.trace("63 year old diabetic man, 10 days of worsening low back pain, up most of the night, tender over "
                 "the L3 spinous process, CRP 142", setting="primary-care", unknown="skip")
    top = [c.node.id for c in r.candidates[:3]]
    assert {"vertebral-osteomyelitis", "spinal-epidural-abscess", "discitis", "spinal-infection"} & set(top), top


def test_a_ruptured_aneurysm_taken_for_renal_colic_stays_in_view(kg):
    """A ruptured AAA is first taken for renal colic in 6-10 % of cases (abdominalkey_raaa, pmc3603769_aaa): a
    man of 72 with sudden loin-to-groin pain, collapse and a low pressure keeps it in the top three."""
    r = kg.trace("72 year old man, smoker, sudden severe left loin pain radiating to the groin, felt faint and "
                 "collapsed, BP 84/50, HR 118, urine dip blood +", setting="ed-back-pain", unknown="skip")
    top = [c.node.id for c in r.candidates[:3]]
    assert "ruptured-abdominal-aortic-aneurysm" in top, top


def test_an_aortic_aneurysm_is_excluded_under_forty_and_its_subtypes_too(kg):
    # medscape_aaa_epi, kelmac_aaa_prev: the degenerative aneurysm rises after 50; before 50-55 it belongs
    # to a defined disorder.  A young footballer who collapsed is no ruptured aneurysm.
    young = kg.trace(["25-year-old man", "collapsed"], setting="sports-hip-groin")
    score = {c.node.id: c.score for c in young.candidates}
    assert score.get("ruptured-abdominal-aortic-aneurysm", 0.0) < 0.01, young
    old = kg.trace(["72-year-old man", "collapsed", "low back pain"], setting="ed-back-pain")
    assert "ruptured-abdominal-aortic-aneurysm" in [c.node.id for c in old.candidates[:3]], old


def test_a_fall_from_height_with_midline_tenderness_and_a_step_is_a_vertebral_fracture(kg):
    # injury2003_tl: midline tenderness Sn 62 % / Sp 92 %, a palpable step Sn 14 % / Sp 100 % (graded: a
    # selected series); a sacroiliac strain must not lead a fall from a ladder with a step at L1
    result = kg.trace("38M fell 3 m from a ladder onto his buttocks. Severe back pain. Midline tenderness at L1 "
                      "with palpable step.", setting="ed-back-pain")
    assert result.candidates[0].node.id == "vertebral-fracture", result


def test_one_leg_pain_told_by_where_it_runs_counts_once(kg):
    # "down the back of the thigh to the calf" reads a radiating leg pain, a posterior thigh pain and a pain below
    # the knee: one pain, not three findings (the leg-pain-course family of clusters.tsv)
    result = kg.trace("low back pain radiating down the back of the left thigh to the calf", setting="primary-care",
                      unknown="skip", limit=60)
    disc = next(c for c in result.candidates if c.node.id == "lumbar-disc-herniation")
    family = [k for k in disc.contributions if k.cluster.startswith("the course of a leg pain")]
    assert len(family) >= 2 and sum(k.likelihood_ratio != 1.0 for k in family) == 1
