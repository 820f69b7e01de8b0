"""The package's parallel jobs on a dask.distributed LocalCluster (joblib's Dask backend) give in-process numbers."""

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression

from analysis import bootstrap, datasets
from analysis.ranking import arena_ranking, item_bootstrap_ranks, sample_battles
from analysis.rashomon import EmpiricalRashomonSet, rashomon_importance_distribution
from analysis.scaling import fit_scaling_law

joblib = pytest.importorskip("joblib")
distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def on_cluster():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as cluster, distributed.Client(cluster):
        yield lambda: joblib.parallel_config(backend="dask")


def test_the_bootstrap_engine(on_cluster):
    x = np.random.default_rng(0).lognormal(size=300)
    here = bootstrap(lambda v: v.mean(axis=1), x, n_boot=200, rng=3, batch_size=20)
    with on_cluster():
        there = bootstrap(lambda v: v.mean(axis=1), x, n_boot=200, rng=3, batch_size=20, n_jobs=2)
    np.testing.assert_array_equal(there.replicates, here.replicates)


def test_scaling_bootstrap_fits(on_cluster):
    runs = datasets.load_chinchilla().iloc[::4]
    here = fit_scaling_law(runs, delta=0.1, n_boot=24, rng=0, progress=False)
    with on_cluster():
        there = fit_scaling_law(runs, delta=0.1, n_boot=24, rng=0, n_jobs=2)
    pd.testing.assert_frame_equal(there.boot_params, here.boot_params)


def test_arena_and_item_bootstraps(on_cluster):
    rng = np.random.default_rng(1)
    scores = pd.DataFrame(rng.normal(size=(6, 40)) + np.linspace(0, 1, 6)[:, None])
    battles = sample_battles(scores, 600, rng=2)
    samples = scores.stack().rename("correct").rename_axis(["model", "item"]).reset_index().assign(
        task=lambda d: d["item"] % 4, correct=lambda d: (d["correct"] > 0.5).astype(int))
    here = (arena_ranking(battles["winner"], battles["loser"], 6, ties=battles["tie"], n_boot=40, rng=3).table,
            item_bootstrap_ranks(samples, n_boot=60, rng=4).table)
    with on_cluster():
        there = (arena_ranking(battles["winner"], battles["loser"], 6, ties=battles["tie"], n_boot=40, rng=3,
                               n_jobs=2).table,
                 item_bootstrap_ranks(samples, n_boot=60, rng=4, n_jobs=2).table)
    for a, b in zip(there, here, strict=True):
        pd.testing.assert_frame_equal(a, b)


def test_retraining_a_rashomon_set(on_cluster):
    X, y = datasets.load_rashomon_data("compas_vic").pipe(lambda d: (d.iloc[:800, :-1].to_numpy(), d.iloc[:800, -1]))
    model = EmpiricalRashomonSet(LogisticRegression(max_iter=500), vary="bootstrap", n_models=12, rng=0)
    here = model.fit(X, y).candidates_
    with on_cluster():
        there = EmpiricalRashomonSet(LogisticRegression(max_iter=500), vary="bootstrap", n_models=12,
                                     rng=0).fit(X, y, n_jobs=2).candidates_
    pd.testing.assert_frame_equal(there, here)


def test_rashomon_importance_distribution(on_cluster):
    data = datasets.load_rashomon_data("compas").iloc[:400, [0, 1, 2, 3, 4, -1]]
    X, y = data.iloc[:, :-1], data.iloc[:, -1]
    here = rashomon_importance_distribution(X, y, n_boot=6, max_depth=2, rng=5, progress=False)
    with on_cluster():
        there = rashomon_importance_distribution(X, y, n_boot=6, max_depth=2, rng=5, n_jobs=2)
    np.testing.assert_array_equal(there.set_sizes, here.set_sizes)
    for name in X.columns:
        np.testing.assert_array_equal(there.values[name], here.values[name])
        np.testing.assert_array_equal(there.weights[name], here.weights[name])
