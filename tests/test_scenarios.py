"""Clinical validation: vignettes, the seed article's thesis, and invariants over the bundled KB."""

from __future__ import annotations

import importlib.util
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import painkg
from painkg.kb.vocab import Cause, Kind, Relation

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("evaluate", ROOT / "scripts" / "evaluate.py")
evaluate = importlib.util.module_from_spec(_spec)
sys.modules["evaluate"] = evaluate  # dataclasses look their module up while the script runs
_spec.loader.exec_module(evaluate)

VIGNETTES = evaluate.read_vignettes()
#: Vignettes the bundled KB does not yet rank in the top 3, and why.  strict=True:
#: a vignette that starts passing must be taken off this list.
KNOWN_MISSES: dict[str, str] = {
    "axial-spa-inflammatory-back-pain": "axSpA's primary-care prior is henschke2009's 0.17 % of acute low back "
                                        "pain (kb-audit2 D12); with the inflammatory pattern counted once (LR+ 3.1) "
                                        "it stays below the mechanical causes until the KB can tell chronic back "
                                        "pain (hamilton2015 1.3 %, rudwaleit2004 5 %) from acute",
}


def _param(v):
    marks = [pytest.mark.xfail(reason=KNOWN_MISSES[v.id], strict=True)] if v.id in KNOWN_MISSES else []
    return pytest.param(v, id=v.id, marks=marks)


@pytest.mark.parametrize("vignette", [_param(v) for v in VIGNETTES])
def test_vignette_ranks_its_source_in_the_top_3(kg, vignette):
    outcome = evaluate.evaluate(kg, vignette)
    assert not outcome.missing, f"none of {vignette.expected} is a node of the KB"
    assert outcome.rank is not None and outcome.rank <= 3, (
        f"{vignette.expected[0]} ranked {outcome.rank}; top: {outcome.top}; unrecognised: {outcome.skipped}")


def _red_flag_vignettes(kg):
    for v in VIGNETTES:
        try:
            node = kg.resolve(v.expected[0])
        except painkg.UnknownTermError:  # a source the KB lacks cannot be flagged
            continue
        if node.red_flag:
            yield v, node


def test_red_flag_sources_are_always_flagged(kg):
    """Whatever its rank, a red-flag source the vignette is about appears in the red-flag list."""
    checked = 0
    for vignette, _node in _red_flag_vignettes(kg):
        result = kg.trace(vignette.present, absent=vignette.absent, limit=3, unknown="skip")
        # listed as a flag of its own, or named in the flag of the finding that raised it
        flagged = {f.node.id for f in result.red_flags} | {
            n for f in result.red_flags for n in kg.graph if kg.graph.nodes[n].get("red_flag")
            and f"{kg.graph.nodes[n]['label']} (" in f.message}
        accepted = {kg.resolve(name).id for name in vignette.expected if kg.index.best(name)}
        assert flagged & accepted, f"{vignette.id}: none of {sorted(accepted)} flagged; flags: {sorted(flagged)}"
        checked += 1
    assert checked >= 6


def test_there_are_enough_vignettes():
    assert len(VIGNETTES) >= 30
    assert len({v.id for v in VIGNETTES}) == len(VIGNETTES)


# ---- the seed article's thesis


def _areas(result, n):
    return {c.region.value for c in result.candidates[:n]}


def test_buttock_pain_alone_lists_hip_sacroiliac_and_lumbar_sources(kg):
    result = kg.trace(["buttock pain"], limit=10)
    assert {"hip", "sacroiliac-pelvis", "lumbar-spine"} <= _areas(result, 10)


def test_back_pain_with_limited_hip_rotation_lists_a_hip_source(kg):
    result = kg.trace(["low back pain", "limited hip internal rotation"], limit=5)
    assert "hip" in _areas(result, 5)


def test_hip_osteoarthritis_explains_back_pain_once_with_its_published_figure(kg):
    # audit M1: three paths citing parvizi2010 were combined to 91 %; the source says 49.4 %.
    result = kg.trace(["low back pain", "groin pain"], limit=50)
    candidate = next(c for c in result.candidates if c.node.id == "hip-osteoarthritis")
    (back,) = [e for e in candidate.explanations if e.observation.node.id == "low-back-pain"]
    assert len(back.paths) == 1 and back.likelihood == pytest.approx(0.494)
    assert "parvizi2010" in back.paths[0].steps[-1].references


# ---- invariants over the whole bundled KB

TERMS = st.sampled_from(["low back pain", "groin pain", "buttock pain", "limited hip internal rotation",
                         "numbness", "FADIR", "straight leg raise", "lateral hip pain", "knee pain",
                         "pain worse with sitting", "relieved by bending forward", "saddle anaesthesia",
                         "fever", "clicking", "morning stiffness", "Trendelenburg sign", "thigh pain",
                         "pain radiating down the leg", "weakness", "FABER"])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(present=st.lists(TERMS, min_size=1, max_size=5, unique=True), absent=st.lists(TERMS, max_size=2))
def test_every_result_is_consistent(kg, present, absent):
    absent = [a for a in absent if a not in present]
    result = kg.trace(present, absent=absent, limit=1000)
    # by the chance each is involved, but for a dangerous cause placed in the top three (must not miss)
    involved = [c.score + c.paired for c in result.candidates if not c.must_not_miss]
    assert involved == sorted(involved, reverse=True)
    assert all(i < 3 and c.node.red_flag for i, c in enumerate(result.candidates) if c.must_not_miss)
    # Exclusive rows: sources alone, pairs, the rest beyond the limit and something else sum to 1.
    rows = math.fsum([c.score for c in result.candidates] + [x.score for x in result.combinations])
    assert rows + result.unlisted_score + result.other_score == pytest.approx(1.0)
    for c in result.candidates:
        for e in c.explanations:
            for path in e.paths:
                assert path.probability == pytest.approx(math.prod(s.probability for s in path.steps))
                chain = [c.node.id]  # each step's cause is the previous step's effect
                for step in path.steps:
                    assert kg.graph.has_edge(step.source, step.target, step.relation)
                    assert step.relation.cause is not Cause.NONE or step.relation is Relation.SUBTYPE_OF
                    assert step.cause == chain[-1]
                    chain.append(step.effect)
                assert chain[-1] == e.observation.node.id
    red = {f.node.id for f in result.red_flags}
    assert all(c.node.id in red for c in result.candidates if c.node.red_flag and c.score >= 0.01)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(present=st.lists(TERMS, min_size=1, max_size=4, unique=True), pick=st.integers(0, 10**6))
def test_an_absent_predicted_finding_never_raises_its_candidate(kg, present, pick):
    before = kg.trace(present, limit=1000)
    candidate = before.candidates[pick % len(before.candidates)]
    # Predicted: the finding is more common with the candidate than without it (LR+ >= 1);
    # a finding published as rarer in the condition argues for it when absent, rightly.
    predicted = [t for _, t, r, d in kg.graph.out_edges(candidate.node.id, keys=True, data=True)
                 if Relation(r) in (Relation.PRESENTS_WITH, Relation.DIAGNOSED_BY)
                 and kg.graph.nodes[t]["kind"] in (Kind.FINDING, Kind.SYMPTOM)
                 and t not in {o.node.id for o in before.observations}
                 and d.get("lr_positive", 1.0) >= 1.0
                 and d.get("sensitivity", 1.0) >= 1.0 - d.get("specificity", 0.0)]
    if not predicted:
        return
    missing = predicted[pick % len(predicted)]
    when_present = kg.trace([*present, missing], limit=1000)
    if next((x.likelihood_ratio for c in when_present.candidates if c.node.id == candidate.node.id
             for x in c.contributions if x.observation.node.id == missing), 1.0) < 1.0:
        return  # rarer in this condition than without it (spondylolysis is 27 % female): absent, it argues for
    after = kg.trace(present, absent=[missing], limit=1000)
    moved = next((c for c in after.candidates if c.node.id == candidate.node.id), None)
    if moved is None:
        return  # ranked out entirely: certainly not raised
    # The absent finding argues against the candidate that predicts it ...
    from painkg.trace.compile import diagnostic_table

    hypothesis = f"{moved.node.id}+{moved.via.id}" if moved.via else moved.node.id
    entry = diagnostic_table(kg.graph).row((missing, "")).get(hypothesis)
    if entry is not None and entry.published and entry.probability < 0.05:
        return  # published as rarer than the leak (groin pain in 4 % of herniations): absent, it argues for
    against = next(x for x in moved.contributions if x.observation.node.id == missing and not x.observation.present)
    assert against.likelihood_ratio <= 1.0
    # ... and never raises its odds against "something else" or against candidates that do not predict it.
    # (Its normalized share may still rise when a *stronger* predictor of the same finding loses more:
    # that is Bayes' rule, not a defect.  So may its odds against "something else" when the denied
    # band settles another that is present - "not over 40" is "under 60", which reaches hip OA - and
    # a source that was part of "something else" becomes a candidate.)
    if any(o.present and o.node.id != missing and o.node.id not in {p.node.id for p in before.observations}
           for o in after.observations):
        return
    assert moved.score / after.other_score <= candidate.score / before.other_score * (1 + 1e-9)


def test_results_do_not_depend_on_hash_seed():
    code = ("import painkg; r = painkg.load().trace(['buttock pain', 'numbness', 'low back pain'], "
            "absent=['fever']); print([(c.node.id, round(c.score, 12)) for c in r.candidates], "
            "[f.node.id for f in r.next_findings], [str(p) for c in r.candidates for e in c.explanations "
            "for p in e.paths])")
    outputs = set()
    for seed in ("0", "1", "12345"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        outputs.add(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                                   check=True).stdout)
    assert len(outputs) == 1
