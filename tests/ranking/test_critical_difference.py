import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from scipy import stats

from analysis import AnalysisInputError
from analysis.ranking import friedman_nemenyi


@pytest.fixture
def board():
    rng = np.random.default_rng(0)
    quality = np.array([0.0, 0.02, 0.5, 0.52, 1.5])
    return pd.DataFrame(quality[:, None] + rng.normal(0, 0.4, (5, 30)), index=list("ABCDE"))


def test_critical_difference_uses_demsars_quantiles(board):
    result = friedman_nemenyi(board)
    # Demsar (2006), Table 5: q_0.05 = 2.728 for five systems
    assert result.critical_difference == pytest.approx(2.728 * np.sqrt(5 * 6 / (6 * 30)), rel=1e-3)
    assert friedman_nemenyi(board, alpha=0.10).critical_difference == pytest.approx(
        2.459 * np.sqrt(5 * 6 / (6 * 30)), rel=1e-3)


def test_friedman_statistic_and_mean_ranks_equal_scipy(board):
    result = friedman_nemenyi(board)
    ref = stats.friedmanchisquare(*board.to_numpy())
    assert result.statistic == pytest.approx(ref.statistic) and result.p_value == pytest.approx(ref.pvalue)
    expected = board.rank(ascending=False).mean(axis=1).sort_values()
    pd.testing.assert_series_equal(result.mean_ranks, expected, check_names=False)
    assert result.mean_ranks.index[0] == "E"
    assert result.to_frame().columns.tolist() == ["system", "mean_rank"] and "<table" in result._repr_html_()


def test_cliques_group_systems_within_the_critical_difference(board):
    result = friedman_nemenyi(board)
    ranks = result.mean_ranks
    for clique in result.cliques:
        assert ranks[clique].max() - ranks[clique].min() < result.critical_difference
    together = [set(c) for c in result.cliques]
    assert any({"A", "B"} <= c for c in together) and not any({"E", "A"} <= c for c in together)
    fig, ax = plt.subplots()
    assert result.plot(ax=ax) is ax
    plt.close(fig)


def test_missing_cells_refused(board):
    holes = board.copy()
    holes.iloc[0, 0] = np.nan
    with pytest.raises(AnalysisInputError, match="complete systems x tasks"):
        friedman_nemenyi(holes)


def test_wilcoxon_holm_by_hand():
    from analysis.ranking import wilcoxon_holm

    rng = np.random.default_rng(3)
    values = np.array([0.0, 0.05, 0.6])[:, None] + rng.normal(0, 0.2, (3, 25))
    scores = pd.DataFrame(values, index=["a", "b", "c"])
    result = wilcoxon_holm(scores, alpha=0.05)
    assert list(result.mean_ranks.index) == ["c", "b", "a"]
    raw = {pair: stats.wilcoxon(values[i], values[j]).pvalue
           for pair, (i, j) in {("c", "b"): (2, 1), ("c", "a"): (2, 0), ("b", "a"): (1, 0)}.items()}
    ordered = sorted(raw.items(), key=lambda kv: kv[1])
    running = 0.0
    for position, (pair, p) in enumerate(ordered):
        running = max(running, min(1.0, p * (3 - position)))
        assert result.p_values.loc[pair] == pytest.approx(running)
    assert result.cliques == [["b", "a"]]  # c beats both; a and b are not separated
    assert result.critical_difference is None and "Holm" in result.title
    fig, ax = plt.subplots()
    result.plot(ax=ax)
    plt.close(fig)
