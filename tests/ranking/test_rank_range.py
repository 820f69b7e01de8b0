import importlib
import itertools

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import LinearConstraint, linprog

from analysis import AnalysisInputError
from analysis.ranking import bootstrap_ranks, rank_range


def board(n=6, tasks=3, seed=0):
    rng = np.random.default_rng(seed)
    values = rng.normal(size=(n, 1)) + 0.7 * rng.normal(size=(n, tasks))
    return pd.DataFrame(values, index=[f"s{i}" for i in range(n)], columns=[f"t{j}" for j in range(tasks)])


def feasible(diff_le, diff_ge, margin=1e-7):
    """Whether simplex weights exist with ``d @ w <= 0`` on the rows of ``diff_le``, ``>= margin`` on ``diff_ge``."""
    k = (diff_le if len(diff_le) else diff_ge).shape[1]
    a_ub = np.vstack([diff_le.reshape(-1, k), -diff_ge.reshape(-1, k)])
    b_ub = np.r_[np.zeros(len(diff_le)), -margin * np.ones(len(diff_ge))]
    result = linprog(np.zeros(k), A_ub=a_ub if len(a_ub) else None, b_ub=b_ub if len(a_ub) else None,
                     A_eq=np.ones((1, k)), b_eq=[1.0], bounds=[(0, 1)] * k, method="highs")
    return result.status == 0


def brute_force(values: np.ndarray, i: int) -> tuple[int, int]:
    """Best and worst rank of system ``i`` by trying every subset of the others, one LP each."""
    diff = np.delete(values, i, axis=0) - values[i]
    others = range(len(diff))
    best = min(len(ahead) for size in range(len(diff) + 1) for ahead in itertools.combinations(others, size)
               if feasible(diff[[j for j in others if j not in ahead]], diff[list(ahead)][:0]))
    worst = max(len(ahead) for size in range(len(diff) + 1) for ahead in itertools.combinations(others, size)
                if feasible(diff[:0], diff[list(ahead)]))
    return 1 + best, 1 + worst


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_ranges_equal_a_brute_force_over_every_subset_of_rivals(seed):
    scores = board(6, 3, seed)
    result = rank_range(scores).table.loc[scores.index]
    for i, system in enumerate(scores.index):
        assert tuple(result.loc[system, ["best_rank", "worst_rank"]]) == brute_force(scores.to_numpy(), i)


def test_exclusive_pairs_are_those_no_weighting_puts_both_below_the_margin():
    from analysis.ranking.rank_range import _exclusive_pairs

    rng = np.random.default_rng(7)
    rows = rng.normal(size=(70, 4)) + 0.4  # more rows than one block of 64
    rows[3] = rows[5] + 0  # a task where a pair's mix is flat
    rows[3, 0] += 0.3
    pairs = list(itertools.combinations(range(len(rows)), 2))
    checked = [pairs[i] for i in rng.choice(len(pairs), 150, replace=False)] + [(3, 5), (2, 66), (64, 69)]
    for margin in (0.0, 0.2, -0.3):
        found = {tuple(pair) for pair in _exclusive_pairs(rows, margin)}
        assert all(j < k for j, k in found)
        for j, k in checked:
            # min over the simplex of max(rows_j @ w, rows_k @ w), by LP: minimise t with both rows at most t
            a_ub = np.c_[rows[[j, k]], -np.ones(2)]
            lp = linprog(np.r_[np.zeros(4), 1.0], A_ub=a_ub, b_ub=np.zeros(2), A_eq=np.r_[np.ones(4), 0.0][None, :],
                         b_eq=[1.0], bounds=[(0, 1)] * 4 + [(None, None)], method="highs")
            assert ((j, k) in found) == (lp.fun >= margin), (j, k, margin, lp.fun)
        assert found  # the check is not vacuous


def test_exclusive_triples_are_certified_and_found():
    from analysis.ranking.rank_range import _exclusive_pairs, _exclusive_triples

    rng = np.random.default_rng(3)
    rows = rng.normal(size=(25, 4)) + 0.2
    for margin in (0.0, 0.1):
        pairs = _exclusive_pairs(rows, margin)
        found = _exclusive_triples(rows, margin, pairs)
        paired = {tuple(pair) for pair in pairs}
        qualifying = set()
        for triple in itertools.combinations(range(len(rows)), 3):
            if any(pair in paired for pair in itertools.combinations(triple, 2)):
                continue
            # min over the simplex of the largest of the three rows' scores, by LP
            lp = linprog(np.r_[np.zeros(4), 1.0], A_ub=np.c_[rows[list(triple)], -np.ones(3)], b_ub=np.zeros(3),
                         A_eq=np.r_[np.ones(4), 0.0][None, :], b_eq=[1.0], bounds=[(0, 1)] * 4 + [(None, None)],
                         method="highs")
            if lp.fun >= margin:
                qualifying.add(triple)
        found = {tuple(triple) for triple in found}
        assert found <= qualifying  # every cut is valid
        assert len(found) >= 0.8 * len(qualifying) > 20  # and the grid of mixes misses few


def test_the_cuts_leave_every_range_unchanged(monkeypatch):
    """On a table whose ranges need the integer programs, the same ranges without the pair and triple cuts."""
    module = importlib.import_module("analysis.ranking.rank_range")  # the package exports the function by this name
    scores = board(30, 6, 4)
    with_cuts = rank_range(scores).table
    monkeypatch.setattr(module, "_exclusive_pairs", lambda rows, margin: np.zeros((0, 2), int))
    monkeypatch.setattr(module, "_exclusive_triples", lambda rows, margin, pairs: np.zeros((0, 3), int))
    pd.testing.assert_frame_equal(rank_range(scores).table, with_cuts)


def test_ranks_over_a_fine_weight_grid_lie_within_the_ranges_and_reach_them():
    scores = board(7, 3, 3)
    result = rank_range(scores).table.loc[scores.index]
    steps = 240
    a, b = np.meshgrid(np.arange(steps + 1), np.arange(steps + 1))
    keep = a + b <= steps
    grid = np.c_[a[keep], b[keep], steps - a[keep] - b[keep]] / steps  # (points, 3) shares
    s = scores.to_numpy() @ grid.T  # (systems, points)
    ranks = 1 + (s[None, :, :] > s[:, None, :]).sum(axis=1)
    assert (ranks.min(axis=1) >= result["best_rank"]).all() and (ranks.max(axis=1) <= result["worst_rank"]).all()
    assert (ranks.min(axis=1) == result["best_rank"]).all() and (ranks.max(axis=1) == result["worst_rank"]).all()


def test_the_attaining_weights_are_shares_that_reproduce_each_rank():
    scores = board(12, 5, 4)
    result = rank_range(scores)
    for weights, column in ((result.best_weights, "best_rank"), (result.worst_weights, "worst_rank")):
        assert np.allclose(weights.sum(axis=1), 1) and (weights.to_numpy() >= -1e-12).all()
        for system, w in weights.iterrows():
            s = scores.to_numpy() @ w.to_numpy()
            own = s[scores.index.get_loc(system)]
            assert 1 + np.sum(s > own + 1e-9 * np.abs(scores.to_numpy()).max()) == result.table.loc[system, column]


def test_a_system_best_on_every_task_is_always_first_and_one_worst_everywhere_always_last():
    scores = board(6, 4, 5)
    scores.loc["champion"] = scores.max() + 1
    scores.loc["laggard"] = scores.min() - 1
    table = rank_range(scores).table
    assert tuple(table.loc["champion", ["best_rank", "worst_rank"]]) == (1, 1)
    assert tuple(table.loc["laggard", ["best_rank", "worst_rank"]]) == (8, 8)
    assert table.index[0] == "champion"


def test_a_tied_system_takes_the_best_of_the_tied_ranks():
    scores = board(5, 3, 6)
    scores.loc["twin"] = scores.iloc[0]
    table = rank_range(scores).table
    assert (table.loc["twin"] == table.loc["s0"]).all()


def test_narrower_weight_sets_give_nested_ranges_and_a_tiny_box_the_equal_weight_ranks():
    scores = board(10, 4, 7)
    wide = rank_range(scores).table
    box = rank_range(scores, weights=(0.15, 0.35)).table.loc[wide.index]
    tiny = rank_range(scores, weights=(0.25 - 1e-6, 0.25 + 1e-6)).table.loc[wide.index]
    assert (box["best_rank"] >= wide["best_rank"]).all() and (box["worst_rank"] <= wide["worst_rank"]).all()
    equal = 1 + (scores.mean(axis=1).to_numpy()[None, :] > scores.mean(axis=1).to_numpy()[:, None]).sum(axis=1)
    assert (tiny["best_rank"] == equal[[scores.index.get_loc(s) for s in tiny.index]]).all()
    assert (tiny["best_rank"] == tiny["worst_rank"]).all()
    assert (wide["rank"] == tiny["rank"]).all()


def test_a_polytope_constraint_holds_at_the_attaining_weights_and_matches_brute_force():
    scores = board(6, 3, 8)
    at_least = LinearConstraint([[1.0, 1.0, 0.0]], 0.6, np.inf)  # the first two tasks together at least 60%
    result = rank_range(scores, weights=at_least)
    for weights in (result.best_weights, result.worst_weights):
        assert (weights[["t0", "t1"]].sum(axis=1) >= 0.6 - 1e-9).all()
    # the same set, by substituting w = A u over its three vertices (0.6, 0, 0.4), (0, 0.6, 0.4), (1, 0, 0), (0, 1, 0)
    vertices = np.array([[0.6, 0, 0.4], [0, 0.6, 0.4], [1, 0, 0], [0, 1, 0]])
    projected = pd.DataFrame(scores.to_numpy() @ vertices.T, index=scores.index)
    expected = rank_range(projected).table.loc[result.table.index]
    assert (result.table[["best_rank", "worst_rank"]] == expected[["best_rank", "worst_rank"]]).all().all()


def test_normalisation_changes_the_scores_weighted():
    scores = board(8, 3, 9)
    scores["t0"] *= 100
    raw = rank_range(scores).table
    z = rank_range(scores, normalise="zscore").table
    from scipy import stats
    expected = rank_range(pd.DataFrame(stats.zscore(scores.to_numpy()), index=scores.index)).table
    assert (z.loc[expected.index, ["best_rank", "worst_rank"]] == expected[["best_rank", "worst_rank"]]).all().all()
    assert len(raw) == 8


def test_the_plot_draws_a_bar_per_system_and_the_bootstrap_beside_it():
    import matplotlib.pyplot as plt

    scores = board(8, 5, 10)
    result = rank_range(scores)
    fig, ax = plt.subplots()
    result.plot(ax=ax, intervals=bootstrap_ranks(scores, n_boot=50, rng=0))
    assert len(ax.get_yticks()) == 8 and len(ax.collections) == 2
    plt.close(fig)


@pytest.mark.parametrize("weights, says", [
    ((0.4, 0.5), "no weights at all"),
    ((0.25, 0.25), "without interior"),
    (LinearConstraint([[1.0, 0, 0, 0]], 1.0, 1.0), "without interior"),
    (LinearConstraint([[1.0, 1.0, 0]], 0, 1), "4 columns"),
    ("uniform", "simplex"),
    ((-0.1, 0.5), "0 <= low"),
])
def test_bad_weight_sets_are_refused(weights, says):
    with pytest.raises(AnalysisInputError, match=says):
        rank_range(board(5, 4), weights=weights)


def test_missing_cells_and_a_single_task_are_refused():
    scores = board(5, 3)
    scores.iloc[0, 0] = np.nan
    with pytest.raises(AnalysisInputError, match="complete table"):
        rank_range(scores)
    with pytest.raises(AnalysisInputError, match="at least 2 tasks"):
        rank_range(board(5, 1))
