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


def test_laslett_cluster_by_hand():
    # Laslett 2005: >= 3 of 6 provocation tests, sensitivity 0.94, specificity 0.78.
    leak = scoring.edge_leak({"specificity": 0.78})
    assert leak == pytest.approx(0.22)
    likelihood = scoring.noisy_or([0.94], leak)  # 1 - 0.78 * 0.06 = 0.9532
    assert likelihood == pytest.approx(0.9532)
    # present: 0.9532 / 0.22 = 4.3327 (the published LR+ is 0.94 / 0.22 = 4.27)
    assert scoring.likelihood_ratio(likelihood, leak, True) == pytest.approx(4.33273, rel=1e-5)
    # absent: 0.0468 / 0.78 = 0.06 = 1 - sensitivity
    assert scoring.likelihood_ratio(likelihood, leak, False) == pytest.approx(0.06)


def test_leak_is_the_least_specific_and_clamped():
    assert scoring.observation_leak([0.1, None, 0.3]) == 0.3
    assert scoring.observation_leak([]) == scoring.DEFAULT_LEAK
    assert scoring.observation_leak([0.0]) == scoring.MIN_LEAK
    assert scoring.observation_leak([0.99]) == scoring.MAX_LEAK


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
