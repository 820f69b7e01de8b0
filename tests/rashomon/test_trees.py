import itertools
from fractions import Fraction

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from analysis import AnalysisInputError
from analysis._bits import pack_rows, unpack_rows
from analysis._quiet import c_stdout_hidden
from analysis.datasets import load_rashomon_data, load_treefarms_counts
from analysis.rashomon import SparseTreeRashomonSet, ambiguity, binarize, discrepancy


def brute_force(X, y, max_depth, lam, eps, *, labels="majority", trivial=False, absolute=False):
    """Every tree by plain recursion, filtered by the exact bound; canonical strings."""
    n = len(y)
    lam, eps = Fraction(str(lam)), Fraction(str(eps))

    def trees(idx, depth):
        pos = int(y[idx].sum())
        neg = len(idx) - pos
        for label in ([int(pos >= neg)] if labels == "majority" else [0, 1]):
            yield f"L{label}", neg if label else pos, 1
        if depth == 0:
            return
        for j in range(X.shape[1]):
            a, b = idx[X[idx, j] == 0], idx[X[idx, j] == 1]
            if len(a) == 0 or len(b) == 0:
                continue
            for (sl, el, ll), (sr, er, lr) in itertools.product(list(trees(a, depth - 1)), list(trees(b, depth - 1))):
                if not trivial and ll == lr == 1 and sl == sr:
                    continue
                yield f"({j} {sl} {sr})", el + er, ll + lr

    every = [(s, Fraction(e, n) + lam * leaves) for s, e, leaves in trees(np.arange(n), max_depth)]
    best = min(o for _, o in every)
    bound = best + eps if absolute else best * (1 + eps)
    return sorted(s for s, o in every if o <= bound), len(every)


def canonical(rset, i):
    def walk(node):
        if "prediction" in node:
            return f"L{node['prediction']}"
        return f"({node['feature']} {walk(node['false'])} {walk(node['true'])})"
    return walk(rset.tree(i))


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("labels, trivial, absolute", [("majority", False, False), ("any", False, False),
                                                       ("majority", True, False), ("majority", False, True)])
@pytest.mark.parametrize("pairs_per_block", [None, 3])
def test_same_trees_as_brute_force(seed, labels, trivial, absolute, pairs_per_block, monkeypatch):
    """Also with a level's nodes and pairs of subtrees combined a few at a time."""
    from analysis.rashomon import _tree_search as search

    if pairs_per_block:
        monkeypatch.setattr(search, "_PAIRS_PER_BLOCK", pairs_per_block)
    rng = np.random.default_rng(seed)
    n, p = rng.integers(15, 40), 4
    X = rng.integers(0, 2, (n, p))
    y = (X[:, 0] ^ (rng.random(n) < 0.3)).astype(int)
    depth, lam = int(rng.integers(1, 3)), float(rng.choice([0.01, 0.02, 0.05]))
    eps = 0.04 if absolute else float(rng.choice([0.1, 0.3, 0.6]))
    expected, _ = brute_force(X, y, depth, lam, eps, labels=labels, trivial=trivial, absolute=absolute)
    rset = SparseTreeRashomonSet(depth, lam, eps, leaf_labels=labels, trivial_extensions=trivial,
                                 epsilon_type="absolute" if absolute else "relative").fit(X, y)
    assert sorted(canonical(rset, i) for i in range(rset.n_trees_)) == expected
    counted = SparseTreeRashomonSet(depth, lam, eps, leaf_labels=labels, trivial_extensions=trivial,
                                    epsilon_type=rset.epsilon_type, enumerate=False).fit(X, y)
    assert counted.n_trees_ == len(expected)
    assert np.all(np.diff(rset.objectives_) >= 0)


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("trivial", [False, True])
def test_three_levels_of_splits_equal_brute_force(seed, trivial):
    """Deep enough for the budgets to be tightened once the second level's splits are scored."""
    rng = np.random.default_rng(10 + seed)
    n = int(rng.integers(30, 60))
    X = rng.integers(0, 2, (n, 4))
    y = ((X[:, 0] & X[:, 1]) ^ X[:, 2] ^ (rng.random(n) < 0.2)).astype(int)
    lam, eps = float(rng.choice([0.01, 0.02])), float(rng.choice([0.1, 0.3]))
    expected, _ = brute_force(X, y, 3, lam, eps, trivial=trivial)
    rset = SparseTreeRashomonSet(3, lam, eps, trivial_extensions=trivial).fit(X, y)
    assert sorted(canonical(rset, i) for i in range(rset.n_trees_)) == expected


def test_tightened_budgets_keep_every_tree_and_build_fewer_nodes(monkeypatch):
    """The same trees with and without the two-step tightening of the budgets, on fewer lattice nodes."""
    from analysis.rashomon import _tree_search as search

    rng = np.random.default_rng(5)
    X = rng.integers(0, 2, (300, 12))
    y = (X[:, 0] ^ X[:, 1] ^ (X[:, 2] & X[:, 3]) ^ (rng.random(300) < 0.15)).astype(int)
    sizes, lattice = {}, search.lattice

    def recorded(name):
        def grow(*args):
            levels, best, budgets = lattice(*args)
            sizes[name] = sum(len(level.masks) for level in levels)
            return levels, best, budgets
        return grow

    fits = {}
    for name in ("tightened", "lookahead only"):
        if name == "lookahead only":
            monkeypatch.setattr(search, "_tightened", lambda problem, levels, splits, root_budget: splits)
        monkeypatch.setattr(search, "lattice", recorded(name))
        fits[name] = SparseTreeRashomonSet(5, 0.01, 0.05, leaf_labels="any").fit(X, y)
    tight, loose = fits["tightened"], fits["lookahead only"]
    assert tight.n_trees_ == loose.n_trees_ > 1000
    assert sorted(canonical(tight, i) for i in range(tight.n_trees_)) == \
        sorted(canonical(loose, i) for i in range(loose.n_trees_))
    assert sizes["tightened"] < sizes["lookahead only"]


def test_hypothesis_space_and_ratio_match_brute_force():
    rng = np.random.default_rng(3)
    X = rng.integers(0, 2, (30, 4))
    y = (X[:, 1] | (rng.random(30) < 0.2)).astype(int)
    expected, space = brute_force(X, y, 2, 0.02, 0.3)
    ratio = SparseTreeRashomonSet(2, 0.02, 0.3).fit(X, y).rashomon_ratio()
    assert ratio.ratio == pytest.approx(len(expected) / space, rel=1e-12)


def test_predictions_losses_and_multiplicity():
    rng = np.random.default_rng(1)
    X = pd.DataFrame(rng.integers(0, 2, (200, 5)), columns=list("abcde"))
    y = ((X.a & X.b) | (rng.random(200) < 0.15)).to_numpy().astype(int)
    rset = SparseTreeRashomonSet(3, 0.01, 0.2).fit(X, y)
    preds = rset.predict(X)
    assert preds.shape == (rset.n_trees_, 200)
    np.testing.assert_allclose((preds != y).mean(axis=1), rset.losses_, atol=1e-15)
    np.testing.assert_allclose(rset.objectives_, rset.losses_ + 0.01 * rset.n_leaves_, atol=1e-12)
    summary = rset.summary()
    assert summary.ambiguity == pytest.approx(ambiguity(preds, preds[0]), abs=1e-12)
    assert summary.discrepancy == pytest.approx(discrepancy(preds, preds[0]), abs=1e-12)
    assert summary.n_patterns == len(np.unique(preds, axis=0)) == len(rset.prediction_patterns())
    np.testing.assert_allclose(rset.disagreement(X), (preds != preds[0]).mean(axis=0), atol=1e-15)
    assert rset.prediction_patterns().trees.sum() == rset.n_trees_
    frame = rset.to_frame()
    assert frame.tree[0].startswith("(") and len(frame) == rset.n_trees_
    assert '"n_trees"' in rset.to_json(limit=2)


def test_model_reliance_equals_all_pairs_switching():
    rng = np.random.default_rng(2)
    X = rng.integers(0, 2, (60, 4))
    y = (X[:, 0] ^ X[:, 2] ^ (rng.random(60) < 0.1)).astype(int)
    rset = SparseTreeRashomonSet(2, 0.01, 0.3).fit(X, y)
    reliance = rset.model_reliance(kind="difference").to_numpy()
    preds = rset.predict(X)
    n = len(y)
    for t in range(min(rset.n_trees_, 5)):
        for j in range(4):
            switched = []  # row i with x_j from row k, over all i != k
            for k in range(n):
                Xs = X.copy()
                Xs[:, j] = X[k, j]
                switched.append(np.delete(rset.predict(Xs)[t] != y, k))
            e_switch = np.concatenate(switched).mean()
            assert reliance[t, j] == pytest.approx(e_switch - (preds[t] != y).mean(), abs=1e-12)
    # model class reliance is the range of every tree's reliance, beside the best tree's
    mcr = rset.model_class_reliance(kind="difference")
    np.testing.assert_allclose(mcr.to_frame()[["optimum", "low", "high"]].to_numpy(),
                               np.column_stack([reliance[0], reliance.min(axis=0), reliance.max(axis=0)]))
    assert mcr.quantity == "model reliance (difference)" and "splits per path" in mcr.notes[0]
    fig, ax = plt.subplots()
    mcr.plot(ax=ax, orient="h", sort=True)
    (bars,) = ax.containers
    order = np.argsort(reliance.max(axis=0), kind="stable")
    np.testing.assert_allclose(np.asarray(bars.lines[0].get_xdata(), float), reliance[0, order])
    assert [t.get_text() for t in ax.get_yticklabels()] == [mcr.to_frame().index[k] for k in order]
    plt.close(fig)


def test_bad_input():
    X = np.array([[0, 1], [1, 0], [1, 1], [0, 0]])
    with pytest.raises(AnalysisInputError, match="0/1 features"):
        SparseTreeRashomonSet().fit(X * 2.5, [0, 1, 1, 0])
    with pytest.raises(AnalysisInputError, match="both labels"):
        SparseTreeRashomonSet().fit(X, [1, 1, 1, 1])
    with pytest.raises(AnalysisInputError, match="epsilon"):
        SparseTreeRashomonSet(epsilon=-0.1).fit(X, [0, 1, 1, 0])
    with pytest.raises(AnalysisInputError, match="max_trees"):
        SparseTreeRashomonSet(2, 0.01, 1.0, epsilon_type="absolute", max_trees=3).fit(X, [0, 1, 1, 0])
    with pytest.raises(AnalysisInputError, match="enumerate"):
        SparseTreeRashomonSet(enumerate=False).fit(X, [0, 1, 1, 0]).predict(X)
    with pytest.raises(AnalysisInputError, match="length|rows"):
        SparseTreeRashomonSet().fit(X, [0, 1, 1])
    with pytest.raises(AnalysisInputError, match="empty"):
        SparseTreeRashomonSet(reference_objective=0.001).fit(X, [0, 1, 1, 0])


def test_binarize_reports_thresholds():
    X = pd.DataFrame({"age": [20, 30, 40, 50, 60, 70], "flag": [0, 1, 0, 1, 1, 0]})
    binary, thresholds = binarize(X, n_thresholds=2)
    assert list(thresholds.feature) == ["age", "age"]
    assert list(binary.columns) == [f"age <= {t:g}" for t in thresholds.threshold] + ["flag"]
    np.testing.assert_array_equal(binary.iloc[:, 0], (X.age <= thresholds.threshold[0]).astype(int))


# TreeFARMS 0.2.4 counts on the COMPAS file of its paper (measured on the same input), where its optimum is right.
_COUNTS = load_treefarms_counts()
TREEFARMS_COMPAS = list(_COUNTS.loc[_COUNTS["treefarms_optimum"].isna()].iloc[:, :4].itertuples(index=False))


@pytest.fixture(scope="module")
def compas():
    frame = load_rashomon_data("compas")
    return frame.iloc[:, :-1], frame.iloc[:, -1]


@pytest.mark.parametrize("depth_budget, lam, eps, expected", TREEFARMS_COMPAS)
def test_compas_counts_equal_treefarms(compas, depth_budget, lam, eps, expected):
    config = {"depth_budget": depth_budget, "regularization": lam, "rashomon_bound_multiplier": eps}
    rset = SparseTreeRashomonSet.from_treefarms(config, enumerate=False).fit(*compas)
    assert rset.n_trees_ == expected


def test_compas_treefarms_missed_optimum(compas):
    """At depth budget 5, lambda 0.005 TreeFARMS 0.2.4 reports optimum 0.35640293 (float32) and lists
    63,000 trees at epsilon 0.05; the true optimum is lower, and TreeFARMS' bound reproduces its count."""
    exact = SparseTreeRashomonSet(4, 0.005, 0.05, enumerate=False).fit(*compas)
    shallower = SparseTreeRashomonSet(3, 0.005, 0.05, enumerate=False).fit(*compas)
    assert exact.optimum_ == pytest.approx(0.35596858, abs=1e-8)
    assert shallower.optimum_ == pytest.approx(0.35640293, abs=1e-7)
    assert exact.n_trees_ == 54425
    theirs = SparseTreeRashomonSet(4, 0.005, 0.05, reference_objective=shallower.optimum_, enumerate=False)
    assert theirs.fit(*compas).n_trees_ == 63000


def test_same_trees_as_treefarms_live(compas):
    treefarms = pytest.importorskip("treefarms")
    X, y = compas
    config = {"depth_budget": 4, "regularization": 0.01, "rashomon_bound_multiplier": 0.05}
    with c_stdout_hidden():
        model = treefarms.TREEFARMS(dict(config, verbose=False)).fit(X, y)
    theirs = {canonical_treefarms(model.model_set.get_tree_at_idx_raw(i)) for i in range(model.get_tree_count())}
    ours = SparseTreeRashomonSet.from_treefarms(config).fit(X, y)
    assert {canonical(ours, i) for i in range(ours.n_trees_)} == theirs
    assert ours.n_trees_ == model.get_tree_count()


def canonical_treefarms(node):
    if "prediction" in node:
        return f"L{node['prediction']}"
    return f"({node['feature']} {canonical_treefarms(node['false'])} {canonical_treefarms(node['true'])})"


def test_smaller_epsilon_is_a_prefix_of_the_fitted_set():
    rng = np.random.default_rng(4)
    X = rng.integers(0, 2, (120, 5))
    y = ((X[:, 0] & X[:, 1]) ^ (rng.random(120) < 0.2)).astype(int)
    wide = SparseTreeRashomonSet(3, 0.01, 0.3).fit(X, y)
    curve = wide.rashomon_curve([0.0, 0.1, 0.2, 0.3])
    for eps, n in zip(curve.epsilon, curve.n_trees):
        narrow = SparseTreeRashomonSet(3, 0.01, eps).fit(X, y)
        assert narrow.n_trees_ == n
        summary = wide.summary(eps)
        assert summary.n_trees == n
        assert summary.n_patterns == narrow.summary().n_patterns
        assert summary.ambiguity == pytest.approx(narrow.summary().ambiguity, abs=1e-12)
    assert list(curve.n_trees) == sorted(curve.n_trees)
    with pytest.raises(AnalysisInputError, match="fitted epsilon"):
        wide.summary(0.5)


def test_explorer_readout_follows_the_slider():
    from analysis.rashomon.widgets import TreeSetExplorer, describe_tree_set

    rng = np.random.default_rng(5)
    X = rng.integers(0, 2, (80, 4))
    y = (X[:, 0] ^ (rng.random(80) < 0.25)).astype(int)
    rset = SparseTreeRashomonSet(2, 0.01, 0.2).fit(X, y)
    explorer = TreeSetExplorer(rset)
    explorer.epsilon.value = 0.08
    assert explorer.readout.value == describe_tree_set(rset, 0.08)
    assert f"{rset.summary(0.08).n_trees:,} trees" in explorer.readout.value


def test_pattern_rashomon_ratio_counts_distinct_predictions():
    rng = np.random.default_rng(6)
    X = rng.integers(0, 2, (40, 3))
    y = (X[:, 0] ^ (rng.random(40) < 0.2)).astype(int)
    rset = SparseTreeRashomonSet(2, 0.02, 0.3).fit(X, y)
    everything = SparseTreeRashomonSet(2, 0.02, 100.0, epsilon_type="absolute").fit(X, y)
    space = len(np.unique(everything.predict(X), axis=0))
    ratio = rset.pattern_rashomon_ratio()
    assert ratio.ratio == pytest.approx(len(np.unique(rset.predict(X), axis=0)) / space)
    assert everything.n_trees_ == pytest.approx(rset.n_trees_ / rset.rashomon_ratio().ratio)
    rset.max_trees = rset.n_trees_  # the class is larger than the set
    with pytest.raises(AnalysisInputError, match="class's"):
        rset.pattern_rashomon_ratio()


def test_interaction_scores_equal_all_pairs_switching():
    rng = np.random.default_rng(7)
    X = rng.integers(0, 2, (40, 3))
    y = ((X[:, 0] & X[:, 1]) ^ (rng.random(40) < 0.1)).astype(int)
    rset = SparseTreeRashomonSet(2, 0.01, 0.5).fit(X, y)
    fis = rset.interaction_scores([(0, 1), (1, 2), (0, 1, 2)])
    preds = rset.predict(X)
    n = len(y)

    def e_switch(t, columns):
        losses = []
        for k in range(n):
            moved = X.copy()
            moved[:, columns] = X[k, columns]
            losses.append(np.delete(rset.predict(moved)[t] != y, k))
        return np.concatenate(losses).mean()

    for t in range(min(3, rset.n_trees_)):
        e_orig = (preds[t] != y).mean()
        phi = {j: e_switch(t, [j]) - e_orig for j in range(3)}
        assert fis["x0 x x1"].iloc[t] == pytest.approx(e_switch(t, [0, 1]) - e_orig - phi[0] - phi[1], abs=1e-12)
        assert fis["x1 x x2"].iloc[t] == pytest.approx(e_switch(t, [1, 2]) - e_orig - phi[1] - phi[2], abs=1e-12)
        triple = e_switch(t, [0, 1, 2]) - e_orig - phi[0] - phi[1] - phi[2]
        assert fis["x0 x x1 x x2"].iloc[t] == pytest.approx(triple, abs=1e-12)
    # main effects agree with model reliance (difference)
    np.testing.assert_allclose(rset._switch_errors([0]) - rset._switch_errors([]),
                               rset.model_reliance(kind="difference")["x0"], atol=1e-12)


@pytest.mark.parametrize("hash_collides", [False, True])
def test_lattice_nodes_are_grouped_by_their_exact_row_sets(monkeypatch, hash_collides):
    """Child row sets are grouped by a hash of their packed bits; a hash shared by different sets falls back to
    exact grouping."""
    from analysis.rashomon import _tree_search as search

    if hash_collides:  # every row set gets the same hash
        monkeypatch.setattr(search, "_SPLITMIX", ((0, 0),))
    rng = np.random.default_rng(3)
    bits = rng.random((40, 130)) < 0.5
    bits = bits[rng.integers(0, 40, 500)]  # many repeats
    words = pack_rows(bits)
    assert np.array_equal(unpack_rows(words, 130), bits)
    first, inverse = search._distinct_rows(words)
    assert np.array_equal(bits[first][inverse], bits)  # each row is its group's row
    assert len(first) == len(np.unique(bits, axis=0))  # one group per distinct row set


@pytest.mark.parametrize("n_nodes, n_ranks", [(1, 50), (7, 50), (7, 1 << 17)])
def test_runs_are_ordered_as_their_entries_sorted_stably(n_nodes, n_ranks):
    """A listing's order comes from sorting runs of entries of one node and key: it equals a stable sort of the
    entries themselves (ties in the order written), also past 2**16 distinct keys."""
    from analysis.rashomon import _tree_search as search

    rng = np.random.default_rng(n_nodes + n_ranks)
    length = rng.integers(1, 6, 400)
    local = np.sort(rng.integers(0, n_nodes, 400))  # runs are written node by node
    rank = rng.integers(0, n_ranks, 400)
    start = 1000 + np.cumsum(length) - length  # written back to back, from 1000 on
    ids = search._run_order(local.astype(np.int32), rank, n_ranks, start.astype(np.int32), length.astype(np.int32))
    entry = np.repeat(np.arange(400), length)
    expected = 1000 + np.argsort(local[entry] * n_ranks + rank[entry], kind="stable")
    assert ids.dtype == np.int32
    assert np.array_equal(ids, expected)


@pytest.mark.parametrize("hash_collides", [False, True])
def test_streamed_summaries_equal_those_of_all_predictions_at_once(monkeypatch, hash_collides):
    """Ambiguity, discrepancy, prediction patterns and disagreement, streamed over blocks of trees, equal the
    measures of the whole prediction matrix; a hash shared by two patterns is hashed again with another seed."""
    from analysis.rashomon import ambiguity, disagreement, discrepancy
    from analysis.rashomon import trees as tree_module

    rng = np.random.default_rng(5)
    X = (rng.random((120, 6)) < 0.5).astype(int)
    X[:, 5] = 1 - X[:, 0]  # complementary features: different trees with equal predictions
    y = ((X[:, 0] ^ X[:, 1]) | (rng.random(120) < 0.2)).astype(int)
    assert len(np.unique(X, axis=0)) % 8  # the packed predictions end in a part-filled byte
    rset = SparseTreeRashomonSet(3, 0.002, 1.0, leaf_labels="any").fit(X, y)
    assert rset.n_trees_ > 100
    preds = rset.predict(X)  # all at once, (n_trees, n_rows)
    monkeypatch.setattr(tree_module, "_TREES_PER_BLOCK", 7)
    if hash_collides:
        hashes = tree_module.search.row_hashes  # the first seed's hash is one value for every pattern
        monkeypatch.setattr(tree_module.search, "row_hashes",
                            lambda words, seed=0: np.zeros(len(words), np.uint64) if seed == 0 else hashes(words, seed))
    summary = rset.fit(X, y).summary()  # refit: nothing cached
    assert summary.ambiguity == pytest.approx(ambiguity(preds, preds[0]), abs=1e-12)
    assert summary.discrepancy == pytest.approx(discrepancy(preds, preds[0]), abs=1e-12)
    _, first, counts = np.unique(preds, axis=0, return_index=True, return_counts=True)
    patterns = rset.prediction_patterns()
    assert summary.n_patterns == len(first) == len(patterns)
    assert sorted(zip(patterns["first_tree"], patterns["trees"])) == sorted(zip(first, counts))
    np.testing.assert_allclose(patterns["best_objective"], rset.objectives_[patterns["first_tree"]])
    np.testing.assert_allclose(rset.disagreement(X), disagreement(preds, preds[0]), atol=1e-12)
    # model reliance in blocks of a few trees, against the switch errors of all trees at once
    monkeypatch.setattr(tree_module, "_CELLS_PER_BLOCK", 5 * 8)
    e_orig = (preds != y).mean(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        expected = np.column_stack([rset._switch_errors([j]) / e_orig for j in range(X.shape[1])])
    np.testing.assert_allclose(rset.model_reliance().to_numpy(), expected, rtol=1e-12)
    ranges = rset.model_class_reliance().table
    np.testing.assert_allclose(ranges["low"], np.nanmin(expected, axis=0), rtol=1e-12)
    np.testing.assert_allclose(ranges["high"], np.nanmax(expected, axis=0), rtol=1e-12)
    np.testing.assert_allclose(ranges["optimum"], expected[0], rtol=1e-12)
