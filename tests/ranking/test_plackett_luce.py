import choix
import numpy as np
import pandas as pd
import pytest
from scipy import optimize

from analysis import AnalysisInputError
from analysis.ranking import bradley_terry, orderings_from_scores, plackett_luce, plackett_luce_samples, win_matrix


def simulate(strength, n, size, rng):
    out = []
    for _ in range(n):
        items = rng.choice(len(strength), size=size, replace=False)
        keys = strength[items] + rng.gumbel(size=size)  # Gumbel race = a Plackett-Luce draw
        out.append(items[np.argsort(-keys)])
    return out


def test_equals_choix_and_the_likelihood_optimum():
    rng = np.random.default_rng(0)
    strength = np.linspace(-1, 1, 8)
    orderings = simulate(strength, 300, 4, rng)
    ours = plackett_luce(orderings, 8)
    theirs = choix.ilsr_rankings(8, orderings, tol=1e-12)
    np.testing.assert_allclose(ours.scores.sort_index(), theirs - theirs.mean(), atol=1e-7)
    # an independent optimiser of the same log-likelihood
    from analysis.ranking.plackett_luce import _log_likelihood, _padded

    table = _padded(orderings, 8)
    res = optimize.minimize(lambda s: -_log_likelihood(np.append(s, -s.sum()), table), np.zeros(7), method="BFGS",
                            options={"gtol": 1e-10})
    np.testing.assert_allclose(ours.scores.sort_index(), np.append(res.x, -res.x.sum()), atol=1e-5)
    assert ours.log_likelihood == pytest.approx(-res.fun, rel=1e-10)
    assert np.corrcoef(ours.scores.sort_index(), strength)[0, 1] > 0.95


def test_pairs_reduce_to_bradley_terry():
    rng = np.random.default_rng(1)
    orderings = simulate(np.linspace(-1, 1, 5), 400, 2, rng)
    w = win_matrix(np.array([o[0] for o in orderings]), np.array([o[1] for o in orderings]), 5)
    np.testing.assert_allclose(plackett_luce(orderings, 5).scores.sort_index(), bradley_terry(w).scores.sort_index(),
                               atol=1e-7)


def test_orderings_from_sparse_scores():
    scores = np.array([[0.9, np.nan, 0.2], [0.5, 0.7, np.nan], [0.1, 0.3, np.nan]])
    orderings = orderings_from_scores(scores, rng=0)
    assert [o.tolist() for o in orderings] == [[0, 1, 2], [1, 2]]  # the third sample has one system


def test_disconnected_or_bad_orderings_are_refused():
    with pytest.raises(AnalysisInputError, match="chains"):
        plackett_luce([np.array([0, 1]), np.array([0, 2]), np.array([1, 2])], 3)  # 0 always first
    with pytest.raises(AnalysisInputError, match="distinct"):
        plackett_luce([np.array([0, 0])], 3)


def test_plackett_luce_from_a_sparse_sample_level_table():
    rng = np.random.default_rng(4)
    strength = {"a": 1.5, "b": 0.8, "c": 0.0, "d": -0.7, "e": -1.2}
    rows = []
    for i in range(400):  # each item scores a random subset of three models, as ONEBench's samples do
        for m in rng.choice(list(strength), 3, replace=False):
            rows.append({"model": m, "task": "t", "item": i, "score": strength[m] + rng.gumbel()})
    table = pd.DataFrame(rows)
    fit = plackett_luce_samples(table, score="score", rng=0)
    matrix = table.pivot_table(index="model", columns=["task", "item"], values="score", sort=True)
    direct = plackett_luce(orderings_from_scores(matrix.to_numpy(), rng=0), 5, systems=list(matrix.index))
    pd.testing.assert_series_equal(fit.scores, direct.scores)
    assert list(fit.table.index) == ["a", "b", "c", "d", "e"]  # the generating order, from 3 of 5 per item
    with pytest.raises(AnalysisInputError, match="repeated"):
        plackett_luce_samples(pd.concat([table, table.head(1)]), score="score")
