"""The Poisson bootstrap's counter-based weights, and its intervals against closed forms."""

import math

import numpy as np
import pandas as pd
import pytest

from analysis._poisson import PoissonWeights, row_keys, seed_from
from analysis.calibration import by_model


def poisson_weights(keys, seed, n_boot):
    return PoissonWeights(seed, n_boot, len(keys))(keys).copy()  # the buffer is reused by the next call


def test_weights_are_independent_poisson_draws():
    keys = row_keys(pd.DataFrame({"item": np.arange(50_000)}), ["item"])
    w = poisson_weights(keys, seed_from(0), 40).astype(float)
    share = np.bincount(w.astype(int).ravel(), minlength=6)[:6] / w.size
    expected = [math.exp(-1) / math.factorial(k) for k in range(6)]
    np.testing.assert_allclose(share, expected, atol=5 * np.sqrt(0.25 / w.size))  # 5 binomial standard errors
    assert w.mean() == pytest.approx(1, abs=5 / np.sqrt(w.size)) and w.var() == pytest.approx(1, abs=0.01)
    correlation = np.corrcoef(w[:, :20].T)[np.triu_indices(20, 1)]  # replicates
    assert np.abs(correlation).max() < 5 / np.sqrt(len(w))
    rows = np.corrcoef(w[:2000])[np.triu_indices(2000, 1)]  # neighbouring keys
    assert np.abs(rows).mean() < 2 / np.sqrt(40)


def test_weights_follow_the_key_not_the_position():
    frame = pd.DataFrame({"task": ["a", "b", "c", "d"] * 50, "item": np.arange(200)})
    w = poisson_weights(row_keys(frame, ["task", "item"]), seed_from(3), 7)
    order = np.random.default_rng(0).permutation(200)
    shuffled = poisson_weights(row_keys(frame.iloc[order].astype({"task": "category"}), ["task", "item"]),
                               seed_from(3), 7)
    np.testing.assert_array_equal(shuffled, w[order])
    np.testing.assert_array_equal(poisson_weights(row_keys(frame, ["task", "item"]), seed_from(3), 5), w[:, :5])
    assert not np.array_equal(poisson_weights(row_keys(frame, ["task", "item"]), seed_from(4), 7), w)


def _clustered(n_clusters, size, rng):
    correct = np.repeat(rng.uniform(size=n_clusters) < 0.7, size).astype(int)  # one answer per cluster
    return pd.DataFrame({"model": "m", "item": np.arange(n_clusters * size), "cluster": np.repeat(
        np.arange(n_clusters), size), "correct": correct, "confidence": 0.7})


def test_accuracy_interval_has_the_binomial_width():
    frame = _clustered(20_000, 1, np.random.default_rng(1))
    row = by_model(frame, n_boot=400, key="item", rng=2).iloc[0]
    p = row["accuracy"]
    assert row["accuracy_high"] - row["accuracy_low"] == pytest.approx(2 * 1.96 * np.sqrt(p * (1 - p) / 20_000),
                                                                       rel=0.1)
    assert row["brier_low"] < row["brier"] < row["brier_high"]


def test_a_cluster_key_resamples_whole_clusters():
    frame = _clustered(400, 25, np.random.default_rng(5))
    p = frame["correct"].mean()
    rows = by_model(frame, n_boot=400, key="item", rng=6).iloc[0]
    clusters = by_model(frame, n_boot=400, key="cluster", rng=6).iloc[0]
    assert rows["accuracy_high"] - rows["accuracy_low"] == pytest.approx(
        2 * 1.96 * np.sqrt(p * (1 - p) / 10_000), rel=0.15)
    assert clusters["accuracy_high"] - clusters["accuracy_low"] == pytest.approx(
        2 * 1.96 * np.sqrt(p * (1 - p) / 400), rel=0.15)  # 400 independent answers, not 10,000
