from fractions import Fraction

import pytest

from analysis import AnalysisInputError
from analysis.rashomon import convert_epsilon, rashomon_threshold


def test_threshold_and_round_trip():
    assert rashomon_threshold(Fraction(3, 10), Fraction(1, 20)) == Fraction(63, 200)
    assert rashomon_threshold(0.3, 0.01, "absolute") == pytest.approx(0.31)
    absolute = convert_epsilon(0.05, 0.3, from_type="relative", to_type="absolute")
    assert absolute == pytest.approx(0.015)
    assert convert_epsilon(absolute, 0.3, from_type="absolute", to_type="relative") == pytest.approx(0.05)


def test_bad_epsilon():
    with pytest.raises(AnalysisInputError, match="epsilon"):
        rashomon_threshold(0.3, -0.1)
    with pytest.raises(AnalysisInputError, match="absolute epsilon"):
        convert_epsilon(0.1, 0.0, from_type="absolute", to_type="relative")
