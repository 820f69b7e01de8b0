import numpy as np
import pandas as pd
import pytest

from analysis import AnalysisInputError
from analysis._validation import (
    check_alpha,
    check_array,
    check_choice,
    check_columns,
    check_consistent_length,
    check_integer,
    check_labels,
    check_level,
    check_positive,
    check_probabilities,
    check_rng,
    check_rows_sum_to_one,
)


def test_check_array_returns_float_and_accepts_pandas():
    out = check_array(pd.Series([1, 2, 3]), "x", ndim=1)
    assert out.dtype == float and out.tolist() == [1.0, 2.0, 3.0]
    assert check_array(np.array([True, False]), "x").tolist() == [1.0, 0.0]


@pytest.mark.parametrize(
    ("value", "match"),
    [
        ([1.0, np.nan, 3.0], r"`x`: expected finite values, found NaN or inf in 1 entry \(at index 1\)"),
        ([1.0, np.inf], "NaN or inf"),
        (["a", "b"], "expected numbers"),
        ([[1.0, 2.0]], "expected a 1-D array, found shape"),
        ([], "at least 1 entries"),
        ([1 + 2j], "real numbers"),
    ],
)
def test_check_array_rejects(value, match):
    with pytest.raises(AnalysisInputError, match=match):
        check_array(value, "x", ndim=1)


def test_scalars_are_described_as_the_value():
    with pytest.raises(AnalysisInputError, match="non-positive values in the value"):
        check_positive(0.0, "N")


def test_check_array_nan_allowed_when_asked():
    assert np.isnan(check_array([np.nan, 1.0], "x", finite=False)).sum() == 1


def test_check_array_lists_positions_in_two_dimensions():
    with pytest.raises(AnalysisInputError, match=r"at index \(1, 0\)"):
        check_array([[1.0, 2.0], [np.nan, 1.0]], "m", ndim=2)


def test_consistent_length():
    assert check_consistent_length(a=np.zeros(3), b=np.zeros(3)) == 3
    with pytest.raises(AnalysisInputError, match=r"len\(y_true\) = 3, len\(y_prob\) = 4"):
        check_consistent_length(y_true=np.zeros(3), y_prob=np.zeros(4))


def test_probabilities_with_hints():
    assert check_probabilities([0.0, 0.5, 1.0], "p").tolist() == [0.0, 0.5, 1.0]
    with pytest.raises(AnalysisInputError, match="percentages, divide by 100"):
        check_probabilities([10.0, 90.0], "p")
    with pytest.raises(AnalysisInputError, match="logits"):
        check_probabilities([-2.0, 3.0], "p")


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf, -1e-300, np.nextafter(1.0, 2.0)])
def test_one_pass_probability_check_misses_nothing(bad):
    p = np.linspace(0, 1, 50)
    assert check_probabilities(np.append(p, -0.0), "p")[-1] == 0.0  # -0.0 is 0: the full check accepts it
    with pytest.raises(AnalysisInputError):
        check_probabilities(np.append(p, bad), "p")


def test_rows_sum_to_one():
    p = np.array([[0.2, 0.8], [0.5, 0.5]])
    assert np.array_equal(check_rows_sum_to_one(p, "y_prob"), p)
    with pytest.raises(AnalysisInputError, match=r"1 entry \(at index 1\) off by up to 0.1"):
        check_rows_sum_to_one([[0.2, 0.8], [0.5, 0.6]], "y_prob")
    with pytest.raises(AnalysisInputError, match="2-D"):
        check_rows_sum_to_one([0.2, 0.8], "y_prob")


def test_labels():
    assert check_labels([0, 1, 1], "y").dtype.kind == "i"
    assert check_labels(np.array([True, False]), "y").tolist() == [1, 0]
    assert check_labels(np.array([0.0, 2.0]), "y").tolist() == [0, 2]
    with pytest.raises(AnalysisInputError, match="non-integer values"):
        check_labels([0.0, 0.5], "y")
    with pytest.raises(AnalysisInputError, match=r"labels in 0 \.\.\. 1"):
        check_labels([0, 2], "y", n_classes=2)
    for dtype in (np.int8, np.int32, np.int64):  # negative labels fail the one-pass unsigned check too
        with pytest.raises(AnalysisInputError, match=r"labels in 0 \.\.\. 2"):
            check_labels(np.array([0, 1, -1], dtype=dtype), "y", n_classes=3)
    with pytest.raises(AnalysisInputError, match="integer class labels"):
        check_labels(["cat", "dog"], "y")
    with pytest.raises(AnalysisInputError, match="one-hot"):
        check_labels([[0, 1]], "y")


def test_positive():
    assert check_positive([1e9, 2.0], "N").tolist() == [1e9, 2.0]
    assert check_positive([0.0, 2.0], "x", strict=False).tolist() == [0.0, 2.0]
    with pytest.raises(AnalysisInputError, match="`N`: expected positive values, found non-positive"):
        check_positive([1.0, 0.0], "N")


def test_columns():
    df = pd.DataFrame({"N": [1.0], "loss": [2.0]})
    assert check_columns(df, ["N", "loss"]) is df
    with pytest.raises(AnalysisInputError, match=r"no column \['D'\]; it has \['N', 'loss'\]"):
        check_columns(df, ["N", "D"])
    with pytest.raises(AnalysisInputError, match="a pandas DataFrame"):
        check_columns({"N": [1]}, ["N"])


def test_rng_normalisation_is_reproducible():
    assert check_rng(3).integers(0, 10**9) == np.random.default_rng(3).integers(0, 10**9)
    g = np.random.default_rng(1)
    assert check_rng(g) is g
    assert isinstance(check_rng(None), np.random.Generator)
    for bad in (-1, 1.5, "0", np.random.RandomState(0), True):
        with pytest.raises(AnalysisInputError, match="rng"):
            check_rng(bad)


def test_level_and_alpha_read_fractions_not_percent():
    assert check_level(0.9) == 0.9 and check_alpha(0.05) == 0.05
    with pytest.raises(AnalysisInputError, match=r"`ci`: .*level such as 0\.9 .*use 0\.95 for 95%"):
        check_level(95)
    with pytest.raises(AnalysisInputError, match=r"`alpha`: .*alpha = 1 - the confidence level.*use 0\.05 for 5%"):
        check_alpha(5)
    for bad in (0, 1, -0.1, "0.9", True):
        with pytest.raises(AnalysisInputError):
            check_level(bad)
        with pytest.raises(AnalysisInputError):
            check_alpha(bad)


def test_integer_and_choice():
    assert check_integer(5, "n_boot") == 5
    for bad in (0, 2.0, True, "3"):
        with pytest.raises(AnalysisInputError, match="n_boot"):
            check_integer(bad, "n_boot")
    assert check_choice("bca", "method", ("percentile", "bca")) == "bca"
    with pytest.raises(AnalysisInputError, match="one of 'percentile', 'bca'"):
        check_choice("basic", "method", ("percentile", "bca"))
