import dataclasses

import numpy as np
import pytest

from analysis import ConfidenceInterval, Result


@dataclasses.dataclass(frozen=True, repr=False, eq=False)
class SlopeResult(Result):
    slope: float
    n: int
    interval: ConfidenceInterval
    residuals: np.ndarray

    @property
    def notes(self):
        return ("fitted by least squares",)


@pytest.fixture
def result():
    return SlopeResult(0.5, 10, ConfidenceInterval(0.25, 0.75, 0.9), np.zeros(10))


def test_interval_properties():
    ci = ConfidenceInterval(1.0, 3.0, 0.95)
    assert ci.width == 2.0 and ci.contains(2.0) and not ci.contains(3.5)
    assert str(ci) == "95% CI [1, 3]"
    vec = ConfidenceInterval(np.array([0.0, 1.0]), np.array([1.0, 2.0]), 0.9, "BCa")
    assert vec.contains(np.array([0.5, 2.5])).tolist() == [True, False]
    assert str(vec) == "90% CIs [0, 1], [1, 2]"


def test_results_are_frozen(result):
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.slope = 1.0


def test_default_table_has_scalars_and_intervals_but_not_arrays(result):
    frame = result.to_frame()
    assert frame["quantity"].tolist() == ["slope", "n", "interval"]
    assert frame.loc[0, "value"] == 0.5 and frame.loc[2, "low"] == 0.25 and frame.loc[2, "ci"] == 0.9


def test_summary_and_html_carry_title_table_and_notes(result):
    text = result.summary()
    assert text.splitlines()[0] == "SlopeResult" and "Note: fitted by least squares" in text
    assert repr(result) == text
    html = result._repr_html_()
    assert "<strong>SlopeResult</strong>" in html and "<table" in html and "least squares" in html
