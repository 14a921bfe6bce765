"""Tests for evaluation.analysis.weighting: published worked examples, invariances and refusals."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, reject, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from evaluation.analysis.weighting import WEIGHTERS, critic_weights, entropy_weights

# Messages the functions are documented to raise on legitimately degenerate random data; the
# properties below skip those draws instead of counting them as failures.
_DEGENERATE = ("differs between agencies", "perfectly correlated", "spread unevenly")


# --- published worked examples ------------------------------------------------------------------

# Diakoulaki, D., Mavrotas, G. & Papayannakis, L. (1995). "Determining objective weights in
# multiple criteria problems: the CRITIC method". Computers & Operations Research 22(7), 763-770.
# The paper's illustrative example: 8 alternatives x 3 criteria, all to be maximised. The matrix
# is as transcribed in quatrope/scikit-criteria, tests/preprocessing/test_weighters.py
# (test_critic_weight_weights_diakoulaki1995determining), which pins the weights below to
# numpy's default allclose tolerance; the values are checked against that transcription, so no
# table number of the paper is cited.
DIAKOULAKI_1995_MATRIX = np.array(
    [
        [61.0, 1.08, 4.33],
        [20.7, 0.26, 4.34],
        [16.3, 1.98, 2.53],
        [9.0, 3.29, 1.65],
        [5.4, 2.77, 2.33],
        [4.0, 4.12, 1.21],
        [-6.1, 3.52, 2.10],
        [-34.6, 3.31, 0.98],
    ]
)
DIAKOULAKI_1995_WEIGHTS = np.array([0.20222554, 0.48090173, 0.31687273])

# Xu, X. (2004). "A note on the subjective and objective integrated approach to determine
# attribute weights". European Journal of Operational Research 156(2), 530-532,
# doi:10.1016/S0377-2217(03)00146-2. Worked example: 4 alternatives x 4 benefit attributes, entropy
# weights printed to 4 decimals. Numbers as quoted (with that citation) in the tests of
# energyinpython/pyrepo-mcda, tests/test_weighting_methods.py (Test_Entropy.test_Entropy), and
# energyinpython/objective-weights-for-mcda, tests/test_weights.py. The paper text was not in the
# searchable corpus, so the table number is not verified. The example uses shares of the raw
# values (p_ij = x_ij / sum_i x_ij), hence normalisation="proportion"; min-max does not reproduce
# it. Tolerance 5e-5 = half a unit in the 4th printed decimal.
XU_2004_MATRIX = np.array(
    [
        [30.0, 30.0, 38.0, 29.0],
        [19.0, 54.0, 86.0, 29.0],
        [19.0, 15.0, 85.0, 28.9],
        [68.0, 70.0, 60.0, 29.0],
    ]
)
XU_2004_WEIGHTS = np.array([0.4630, 0.3992, 0.1378, 0.0000])

# Zavadskas, E. K. & Podvezko, V. (2016). "Integrated determination of objective criteria weights
# in MCDM". International Journal of Information Technology & Decision Making 15(2), 267-283.
# Example: 4 alternatives x 4 criteria, criteria 1 and 3 to be minimised; entropy weights to 4
# decimals, as quoted in the same two energyinpython test files (Test_Entropy.test_Entropy2);
# paper not opened, table number not verified. The published weights come from raw shares with
# no direction applied, which is why normalisation="proportion" ignores higher_is_better.
ZAVADSKAS_2016_MATRIX = np.array(
    [
        [3.0, 100.0, 10.0, 7.0],
        [2.5, 80.0, 8.0, 5.0],
        [1.8, 50.0, 20.0, 11.0],
        [2.2, 70.0, 12.0, 9.0],
    ]
)
ZAVADSKAS_2016_DIRECTIONS = [False, True, False, True]
ZAVADSKAS_2016_WEIGHTS = np.array([0.1146, 0.1981, 0.4185, 0.2689])


def test_critic_reproduces_diakoulaki_1995() -> None:
    weights = critic_weights(DIAKOULAKI_1995_MATRIX, [True, True, True])
    np.testing.assert_allclose(weights, DIAKOULAKI_1995_WEIGHTS, rtol=0, atol=1e-6)


def test_entropy_proportion_reproduces_xu_2004() -> None:
    weights = entropy_weights(XU_2004_MATRIX, [True] * 4, normalisation="proportion")
    np.testing.assert_allclose(weights, XU_2004_WEIGHTS, rtol=0, atol=5e-5)


def test_entropy_proportion_reproduces_zavadskas_podvezko_2016() -> None:
    weights = entropy_weights(
        ZAVADSKAS_2016_MATRIX, ZAVADSKAS_2016_DIRECTIONS, normalisation="proportion"
    )
    np.testing.assert_allclose(weights, ZAVADSKAS_2016_WEIGHTS, rtol=0, atol=5e-5)


def test_entropy_minmax_matches_hand_calculation() -> None:
    # Not a published example: worked by hand from the definition. Column 1 min-max scales to
    # (0, 1/2, 1), so p = (0, 1/3, 2/3) and 1 - e = (2/3) ln 2 / ln 3; column 2 is a cost whose
    # scaled values are (0, 0, 1), so p = (0, 0, 1), e = 0 and 1 - e = 1.
    matrix = np.array([[1.0, 9.0], [2.0, 9.0], [3.0, 5.0]])
    d1 = (2.0 / 3.0) * math.log(2.0) / math.log(3.0)
    expected = np.array([d1, 1.0]) / (d1 + 1.0)
    np.testing.assert_allclose(entropy_weights(matrix, [True, False]), expected, rtol=1e-12)


# --- properties ---------------------------------------------------------------------------------

_shapes = st.tuples(st.integers(3, 10), st.integers(2, 5))
_floats = st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False, allow_subnormal=False)
# Whole numbers keep * 7 and negation exact in floating point, so the invariances can be checked
# to rounding level without ill-conditioned columns (a few ulps wide) producing false alarms.
_ints = st.integers(-1000, 1000).map(float)


@st.composite
def _problems(draw: st.DrawFn, elements: st.SearchStrategy[float]) -> tuple[np.ndarray, list[bool]]:
    """Draw a matrix and one direction flag per column."""
    shape = draw(_shapes)
    matrix = draw(arrays(np.float64, shape, elements=elements, fill=st.nothing()))
    directions = draw(st.lists(st.booleans(), min_size=shape[1], max_size=shape[1]))
    return matrix, directions


def _weights_or_reject(name: str, matrix: np.ndarray, directions: list[bool]) -> np.ndarray:
    """Run a weighter, skipping the draw if it is one of the documented degenerate inputs."""
    try:
        return WEIGHTERS[name](matrix, directions)
    except ValueError as exc:
        if any(marker in str(exc) for marker in _DEGENERATE):
            reject()
        raise


@pytest.mark.parametrize("name", sorted(WEIGHTERS))
@settings(max_examples=200, deadline=None)
@given(problem=_problems(_floats))
def test_weights_are_non_negative_and_sum_to_one(
    name: str, problem: tuple[np.ndarray, list[bool]]
) -> None:
    matrix, directions = problem
    weights = _weights_or_reject(name, matrix, directions)
    assert weights.shape == (matrix.shape[1],)
    assert np.all(weights >= 0)
    assert math.isclose(weights.sum(), 1.0, rel_tol=1e-12)


@settings(max_examples=200, deadline=None)
@given(problem=_problems(st.floats(0, 1e3, allow_subnormal=False)))
def test_entropy_proportion_weights_are_non_negative_and_sum_to_one(
    problem: tuple[np.ndarray, list[bool]],
) -> None:
    matrix, directions = problem
    try:
        weights = entropy_weights(matrix, directions, normalisation="proportion")
    except ValueError as exc:
        if any(marker in str(exc) for marker in _DEGENERATE):
            reject()
        raise
    assert np.all(weights >= 0)
    assert math.isclose(weights.sum(), 1.0, rel_tol=1e-12)


@pytest.mark.parametrize("name", sorted(WEIGHTERS))
@settings(max_examples=100, deadline=None)
@given(problem=_problems(_ints), data=st.data())
def test_scaling_a_column_by_a_positive_factor_changes_nothing(
    name: str, problem: tuple[np.ndarray, list[bool]], data: st.DataObject
) -> None:
    matrix, directions = problem
    column = data.draw(st.integers(0, matrix.shape[1] - 1))
    scaled = matrix.copy()
    scaled[:, column] *= 7.0
    expected = _weights_or_reject(name, matrix, directions)
    np.testing.assert_allclose(WEIGHTERS[name](scaled, directions), expected, atol=1e-12)


@pytest.mark.parametrize("name", sorted(WEIGHTERS))
@settings(max_examples=100, deadline=None)
@given(problem=_problems(_ints), data=st.data())
def test_negating_a_column_and_flipping_its_direction_changes_nothing(
    name: str, problem: tuple[np.ndarray, list[bool]], data: st.DataObject
) -> None:
    matrix, directions = problem
    column = data.draw(st.integers(0, matrix.shape[1] - 1))
    negated = matrix.copy()
    negated[:, column] *= -1.0
    flipped = list(directions)
    flipped[column] = not flipped[column]
    expected = _weights_or_reject(name, matrix, directions)
    np.testing.assert_allclose(WEIGHTERS[name](negated, flipped), expected, atol=1e-12)


def test_entropy_proportion_is_scale_invariant() -> None:
    scaled = XU_2004_MATRIX * np.array([1.0, 7.0, 1.0, 0.5])
    np.testing.assert_allclose(
        entropy_weights(scaled, [True] * 4, normalisation="proportion"),
        entropy_weights(XU_2004_MATRIX, [True] * 4, normalisation="proportion"),
        atol=1e-12,
    )


# --- degenerate input ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [("entropy", {}), ("entropy", {"normalisation": "proportion"}), ("critic", {})],
)
def test_a_constant_column_gets_weight_zero(name: str, kwargs: dict[str, str]) -> None:
    matrix = np.column_stack([XU_2004_MATRIX[:, :3], np.full(4, 12.5)])
    weights = WEIGHTERS[name](matrix, [True, False, True, True], **kwargs)
    assert weights[3] == 0.0
    assert np.all(weights[:3] > 0)
    assert math.isclose(weights.sum(), 1.0, rel_tol=1e-12)


def test_entropy_ignores_a_constant_column_in_the_other_weights() -> None:
    # Entropy weighs each column on its own, so an uninformative column changes nothing else.
    with_constant = np.column_stack([DIAKOULAKI_1995_MATRIX, np.ones(8)])
    weights = entropy_weights(with_constant, [True] * 4)
    np.testing.assert_allclose(
        weights[:3], entropy_weights(DIAKOULAKI_1995_MATRIX, [True] * 3), atol=1e-15
    )


def test_critic_counts_a_constant_column_as_uncorrelated() -> None:
    # The chosen convention: r with a constant column is 0, so each informative column's
    # conflict sum gains 1 per constant column (C_k += sigma_k); the constant column's C is 0.
    with_constant = np.column_stack([DIAKOULAKI_1995_MATRIX, np.ones(8)])
    scaled = DIAKOULAKI_1995_MATRIX - DIAKOULAKI_1995_MATRIX.min(axis=0)
    scaled /= scaled.max(axis=0)
    sigma = scaled.std(axis=0)
    r = np.corrcoef(scaled, rowvar=False)
    information = sigma * ((1.0 - r).sum(axis=0) + 1.0)
    expected = np.append(information / information.sum(), 0.0)
    np.testing.assert_allclose(critic_weights(with_constant, [True] * 4), expected, atol=1e-12)


@pytest.mark.parametrize("name", sorted(WEIGHTERS))
def test_rows_with_missing_values_are_dropped(name: str) -> None:
    holed = DIAKOULAKI_1995_MATRIX.copy()
    holed[2, 1] = np.nan
    holed[5, 0] = np.nan
    complete = np.delete(DIAKOULAKI_1995_MATRIX, [2, 5], axis=0)
    np.testing.assert_allclose(
        WEIGHTERS[name](holed, [True] * 3), WEIGHTERS[name](complete, [True] * 3), atol=1e-15
    )


@pytest.mark.parametrize("name", sorted(WEIGHTERS))
def test_a_single_informative_indicator_gets_all_the_weight(name: str) -> None:
    np.testing.assert_array_equal(WEIGHTERS[name]([[1.0], [4.0], [2.0]], [True]), [1.0])
    np.testing.assert_array_equal(
        WEIGHTERS[name]([[1.0, 3.0], [4.0, 3.0], [2.0, 3.0]], [False, True]), [1.0, 0.0]
    )


# --- refusals -----------------------------------------------------------------------------------


def test_one_complete_row_is_refused_in_plain_words() -> None:
    matrix = np.array([[1.0, 2.0, 3.0], [4.0, np.nan, 6.0]])
    with pytest.raises(ValueError) as excinfo:
        entropy_weights(matrix, [True] * 3)
    assert str(excinfo.value) == (
        "entropy weights need at least 2 agencies with values for every indicator, got 1"
    )
    with pytest.raises(ValueError, match="CRITIC weights need at least 2 agencies .* got 1"):
        critic_weights(matrix, [True] * 3)


@pytest.mark.parametrize("name", sorted(WEIGHTERS))
def test_wrong_number_of_direction_flags_is_refused(name: str) -> None:
    with pytest.raises(
        ValueError, match="one higher_is_better flag per indicator: expected 3, got 2"
    ):
        WEIGHTERS[name](DIAKOULAKI_1995_MATRIX, [True, True])


@pytest.mark.parametrize("name", sorted(WEIGHTERS))
@pytest.mark.parametrize(
    ("matrix", "width", "fragment"),
    [
        (np.array([1.0, 2.0, 3.0]), 3, "2-D matrix .* got a 1-D array of shape \\(3,\\)"),
        (np.ones((2, 1, 1)), 1, "got a 3-D array"),
        (np.empty((4, 0)), 0, "at least 1 indicator, got 0"),
        (np.empty((0, 3)), 3, "at least 2 agencies with values for every indicator, got 0"),
    ],
)
def test_bad_shapes_are_refused(name: str, matrix: np.ndarray, width: int, fragment: str) -> None:
    with pytest.raises(ValueError, match=fragment):
        WEIGHTERS[name](matrix, [True] * width)


@pytest.mark.parametrize("name", sorted(WEIGHTERS))
@pytest.mark.parametrize("flags", [[1, -1, 1], ["max", "min", "max"]])
def test_direction_flags_that_are_not_booleans_are_refused(name: str, flags: list[object]) -> None:
    with pytest.raises(ValueError, match="higher_is_better as True/False flags"):
        WEIGHTERS[name](DIAKOULAKI_1995_MATRIX, flags)


@pytest.mark.parametrize("name", sorted(WEIGHTERS))
def test_all_constant_columns_are_refused(name: str) -> None:
    matrix = np.array([[1.0, 5.0], [1.0, 5.0], [1.0, 5.0]])
    with pytest.raises(ValueError, match="all 2 are the same for every agency"):
        WEIGHTERS[name](matrix, [True, False])


def test_critic_refuses_perfectly_correlated_indicators() -> None:
    matrix = np.array([[1.0, 10.0], [2.0, 20.0], [4.0, 40.0]])
    with pytest.raises(ValueError, match="perfectly correlated"):
        critic_weights(matrix, [True, True])


def test_entropy_proportion_refuses_negative_values() -> None:
    with pytest.raises(ValueError, match="values of 0 or more, got a smallest value of -34.6"):
        entropy_weights(DIAKOULAKI_1995_MATRIX, [True] * 3, normalisation="proportion")


def test_entropy_refuses_an_unknown_normalisation() -> None:
    with pytest.raises(ValueError, match="must be one of minmax, proportion, got 'zscore'"):
        entropy_weights(XU_2004_MATRIX, [True] * 4, normalisation="zscore")  # type: ignore[arg-type]


def test_registry_names_both_methods() -> None:
    assert WEIGHTERS == {"entropy": entropy_weights, "critic": critic_weights}
