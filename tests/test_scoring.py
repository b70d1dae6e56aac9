"""The probability model's formulas, against values worked out by hand."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from painkg.trace import scoring
from painkg.kb.vocab import Grade

prob = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)


def test_every_grade_has_a_probability_and_a_prior():
    assert set(scoring.GRADE_PROBABILITY) == set(Grade) == set(scoring.PRIOR_BY_GRADE)
    values = [scoring.GRADE_PROBABILITY[g] for g in (Grade.TYPICAL, Grade.COMMON, Grade.OCCASIONAL, Grade.RARE)]
    assert values == sorted(values, reverse=True)


def test_published_numbers_win_over_grades():
    assert scoring.edge_probability({"strength": Grade.RARE, "frequency": 0.71}) == 0.71
    assert scoring.edge_probability({"strength": Grade.RARE, "sensitivity": 0.92, "frequency": 0.1}) == 0.92


def test_a_published_pair_keeps_its_own_ratio():
    # laslett2005: >= 3 of 5 provocation tests, sensitivity 0.94, specificity 0.78, LR+ 4.3, LR- 0.08.
    from painkg.trace.compile import _ratios
    from painkg.trace.infer import entry_ratio
    from painkg.trace.compile import Entry

    positive, negative = _ratios({"sensitivity": 0.94, "specificity": 0.78})
    assert positive == pytest.approx(0.94 / 0.22) and negative == pytest.approx(0.06 / 0.78)
    entry = Entry(0.94, True, 0, positive, negative)
    assert entry_ratio(entry, 0.05, True) == pytest.approx(4.2727, rel=1e-4)  # whatever the leak
    assert entry_ratio(entry, 0.05, False) == pytest.approx(0.0769, rel=1e-3)


def test_a_path_is_weighed_against_the_leak():
    # a path of strength 0.5 and the stated leak 0.05: L = 1 - 0.95 * 0.5 = 0.525
    from painkg.trace.compile import Entry
    from painkg.trace.infer import entry_ratio

    assert entry_ratio(Entry(0.5, False, 0), scoring.DEFAULT_LEAK, True) == pytest.approx(10.5)
    assert entry_ratio(Entry(0.5, False, 0), scoring.DEFAULT_LEAK, False) == pytest.approx(0.475 / 0.95)


def test_information_gain_by_hand():
    # Prior (0.5, 0.5); finding positive with 0.8 under A and 0.2 under B.
    # P(+) = 0.5; posterior after + is (0.8, 0.2), after - is (0.2, 0.8).
    # H(0.8, 0.2) = 0.721928 bits, so the gain is 1 - 0.721928 = 0.278072.
    assert scoring.information_gain([0.5, 0.5], [0.8, 0.2]) == pytest.approx(0.278072, abs=1e-6)


@given(st.lists(prob, max_size=6), st.floats(min_value=0.001, max_value=0.95))
def test_noisy_or_bounds(ps, leak):
    value = scoring.noisy_or(ps, leak)
    assert max([leak, *ps]) - 1e-12 <= value <= 1.0
    # adding a path never lowers the likelihood
    assert scoring.noisy_or([*ps, 0.3], leak) >= value - 1e-12


@given(st.lists(st.floats(min_value=0.0, max_value=1e6), min_size=1, max_size=8))
def test_normalize_sums_to_one(weights):
    assert math.fsum(scoring.normalize(weights)) == pytest.approx(1.0)


@given(st.lists(prob, min_size=2, max_size=5).map(scoring.normalize), st.data())
def test_information_gain_is_between_zero_and_entropy(dist, data):
    positive = data.draw(st.lists(prob, min_size=len(dist), max_size=len(dist)))
    gain = scoring.information_gain(dist, positive)
    assert -1e-9 <= gain <= scoring.entropy(dist) + 1e-9
