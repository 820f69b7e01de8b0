import numpy as np
import pandas as pd
import pytest

from analysis import AnalysisInputError
from analysis.scaling import cluster_on_difficulty, pass_rate_table
from analysis.scaling.cod import _cluster_law


def simulate(compute, rng):
    """Items of three difficulties that follow the cluster law, plus items at chance level."""
    log_c = np.log(compute / compute[0])
    groups = [(1.5, 1.0, 60), (1.0, 4.0, 60), (0.8, 7.0, 60)]  # (slope, midpoint, items)
    rates = [np.tile(_cluster_law(log_c, a, b, 0.25)[:, None], n) for a, b, n in groups]
    rates.append(np.full((len(compute), 40), 0.25))  # never learned: not emergent
    rates = np.hstack(rates)
    return np.clip(rates + rng.normal(0, 0.01, rates.shape), 0, 1)


def test_predicts_a_larger_model_from_small_ones():
    rng = np.random.default_rng(0)
    compute = np.geomspace(1e19, 1e23, 9)
    rates = simulate(compute, rng)
    small, big = rates[:6], rates[6:]
    result = cluster_on_difficulty(small, compute[:6], n_clusters=4, guess=0.25, rng=0)
    assert result.clusters["kept"].sum() == 3
    assert result.subset_share == pytest.approx(180 / 220)
    predicted = result.predict(compute[6:])
    np.testing.assert_allclose(predicted["full_score"], big.mean(axis=1), atol=0.02)


def test_same_seed_same_clusters():
    rates = simulate(np.geomspace(1e19, 1e22, 6), np.random.default_rng(1))
    a = cluster_on_difficulty(rates, np.geomspace(1e19, 1e22, 6), n_clusters=4, rng=3)
    b = cluster_on_difficulty(rates, np.geomspace(1e19, 1e22, 6), n_clusters=4, rng=3)
    assert np.array_equal(a.labels, b.labels)
    assert "predictable subset" in a.summary()


def test_bad_input():
    compute = np.geomspace(1e19, 1e22, 4)
    with pytest.raises(AnalysisInputError, match="percentages"):
        cluster_on_difficulty(np.full((4, 10), 50.0), compute)
    with pytest.raises(AnalysisInputError, match="at least one cluster"):
        cluster_on_difficulty(np.full((4, 10), 0.3), compute, n_clusters=2)


def test_meanshift_clusters_and_leaves_out_stray_items():
    rng = np.random.default_rng(2)
    compute = np.geomspace(1e19, 1e23, 9)
    rates = simulate(compute, rng)
    stray = rng.uniform(0, 1, (len(compute), 12))  # items with no scaling pattern
    rates = np.hstack([rates, stray])
    result = cluster_on_difficulty(rates[:6], compute[:6], clustering="meanshift", radius=0.15, min_cluster_size=20,
                                   guess=0.25)
    assert (result.labels[220:] == -1).all()  # every stray item is an outlier
    assert result.clusters["kept"].sum() == 3 and result.subset_share == pytest.approx(180 / 232)
    assert len(np.unique(result.labels[:180])) == 3
    truth = rates[6:].mean(axis=1)
    np.testing.assert_allclose(result.predict(compute[6:])["full_score"], truth, atol=0.03)
    with pytest.raises(AnalysisInputError, match="clustering"):
        cluster_on_difficulty(rates[:6], compute[:6], clustering="dbscan")


def test_the_tidy_table_by_column_names_gives_the_same_clusters():
    rng = np.random.default_rng(0)
    compute = np.geomspace(1e19, 1e22, 6)
    rates = simulate(compute, rng)
    names = [f"m{k}" for k in range(6)]
    samples = pd.DataFrame([{"model": names[m], "task": "t", "item": i, "correct": rates[m, i]}
                            for m in range(6) for i in range(rates.shape[1])]).sample(frac=1, random_state=0)
    table = pass_rate_table(samples)
    assert list(table.index) == names and table.shape == rates.shape
    by_name = cluster_on_difficulty(table, pd.Series(compute[::-1], index=names[::-1]), n_clusters=4, guess=0.25,
                                    rng=0)  # compute given in another order, aligned by name
    direct = cluster_on_difficulty(rates, compute, n_clusters=4, guess=0.25, rng=0)
    np.testing.assert_array_equal(by_name.labels, direct.labels)
    with pytest.raises(AnalysisInputError, match="none for"):
        cluster_on_difficulty(table, pd.Series(compute[:5], index=names[:5]))
    with pytest.raises(AnalysisInputError, match="every model scored on every item"):
        pass_rate_table(samples.iloc[1:])
