import matplotlib.pyplot as plt
import numpy as np
import pytest
from scipy import stats

from analysis import AnalysisInputError
from analysis.calibration import rank_histogram


def test_ranks_count_members_below_without_ties():
    rng = np.random.default_rng(0)
    members, observed = rng.normal(size=(500, 7)), rng.normal(size=500)
    result = rank_histogram(members, observed, rng=1)
    np.testing.assert_array_equal(result.ranks, (members < observed[:, None]).sum(axis=1))
    np.testing.assert_array_equal(result.counts, np.bincount(result.ranks, minlength=8))
    assert result.n_ties == 0
    chi2, p_value = stats.chisquare(result.counts)
    assert (result.chi2, result.p_value) == (chi2, p_value)
    assert p_value > 0.001  # exchangeable draws: a flat histogram


def test_ties_are_spread_uniformly_over_the_tied_slots():
    # every forecast: two members below, three tied with the observation, one above -> slots 2..5 equally likely
    members = np.tile([-1.0, -1.0, 0.0, 0.0, 0.0, 1.0], (40000, 1))
    result = rank_histogram(members, np.zeros(40000), rng=0)
    assert result.n_ties == 40000
    np.testing.assert_array_equal(result.counts[[0, 1, 6]], 0)
    np.testing.assert_allclose(result.shares[2:6], 0.25, atol=0.01)
    assert np.array_equal(result.ranks, rank_histogram(members, np.zeros(40000), rng=0).ranks)  # seeded


def test_frame_plot_and_bad_input():
    members, observed = np.array([[1.0, 2.0], [1.0, 2.0], [1.0, 2.0]]), np.array([0.0, 1.5, 3.0])
    result = rank_histogram(members, observed, rng=0)
    assert result.to_frame()["count"].tolist() == [1, 1, 1]
    fig, ax = plt.subplots()
    result.plot(ax=ax)
    assert [bar.get_height() for bar in ax.patches] == pytest.approx([1 / 3] * 3)
    assert ax.get_lines()[0].get_ydata()[0] == pytest.approx(1 / 3)
    plt.close(fig)
    with pytest.raises(AnalysisInputError, match="observed"):
        rank_histogram(members, observed[:2])
    with pytest.raises(AnalysisInputError, match="members"):
        rank_histogram(members[0], observed)
