"""by_model on a Dask DataFrame, computed by a dask.distributed LocalCluster, equals the in-memory result,
and its Poisson-bootstrap intervals are the same on every partitioning."""

import numpy as np
import pandas as pd
import pytest

from analysis import AnalysisInputError
from analysis.calibration import brier_by_model, brier_decomposition, by_model, reliability_by_model

dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def client():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        yield client


@pytest.fixture(scope="module")
def table():
    rng = np.random.default_rng(0)
    n = 9000
    frame = pd.DataFrame({"model": np.repeat(["b", "a", "c"], n // 3), "task": np.tile(["x", "y", "z"], n // 3),
                          "item": np.tile(np.arange(n // 3), 3),
                          "confidence": rng.uniform(0.3, 1, n)})
    frame["correct"] = (rng.uniform(size=n) < frame["confidence"] ** np.repeat([1.0, 1.5, 3.0], n // 3)).astype(int)
    return frame


@pytest.mark.parametrize("model", ["model", ["model", "task"]])
def test_a_dask_table_on_a_local_cluster_gives_the_in_memory_numbers(client, table, model):
    in_memory = by_model(table, model=model, n_bins=10)
    distributed_result = by_model(dd.from_pandas(table, npartitions=7), model=model, n_bins=10)
    pd.testing.assert_index_equal(distributed_result.index, in_memory.index)
    assert (distributed_result["n"] == in_memory["n"]).all()
    np.testing.assert_allclose(distributed_result[["accuracy", "ece", "smooth_ece", "brier"]].to_numpy(),
                               in_memory[["accuracy", "ece", "smooth_ece", "brier"]].to_numpy(), rtol=1e-12,
                               atol=1e-15)


def test_poisson_intervals_are_the_same_on_every_partitioning_and_in_memory(client, table):
    in_memory = by_model(table, model=["model", "task"], n_bins=10, n_boot=100, key=["task", "item"], rng=4)
    assert {"ece_low", "smooth_ece_high", "brier_low", "accuracy_high"} <= set(in_memory.columns)
    for npartitions in (1, 3, 7):
        shuffled = table.sample(frac=1, random_state=npartitions)  # rows in another order too
        on_cluster = by_model(dd.from_pandas(shuffled, npartitions=npartitions), model=["model", "task"], n_bins=10,
                              n_boot=100, key=["task", "item"], rng=4)
        pd.testing.assert_frame_equal(on_cluster, in_memory, rtol=1e-12, atol=1e-15)
    other_seed = by_model(table, model=["model", "task"], n_bins=10, n_boot=100, key=["task", "item"], rng=5)
    assert not np.allclose(other_seed["ece_low"], in_memory["ece_low"])


def test_reliability_and_brier_terms_on_a_cluster_equal_the_one_model_functions(client, table):
    model = ["model", "task"]
    bins = reliability_by_model(table, model=model, n_bins=8)
    on_cluster = reliability_by_model(dd.from_pandas(table, npartitions=6), model=model, n_bins=8)
    pd.testing.assert_frame_equal(on_cluster, bins, rtol=1e-12, check_dtype=False)
    assert bins.index.names == ["model", "task", "bin"] and bins["count"].sum() == len(table)
    terms = brier_by_model(table, model=model, n_bins=8)
    pd.testing.assert_frame_equal(brier_by_model(dd.from_pandas(table, npartitions=6), model=model, n_bins=8), terms,
                                  rtol=1e-9, atol=1e-15)
    rows = table[(table["model"] == "c") & (table["task"] == "y")]
    direct = brier_decomposition(rows["correct"], rows["confidence"], n_bins=8)
    assert terms.loc[("c", "y"), "within_bin_covariance"] == pytest.approx(direct.within_bin_covariance, rel=1e-12)
    t = terms
    np.testing.assert_allclose(t["reliability"] - t["resolution"] + t["uncertainty"] + t["within_bin_variance"]
                               - t["within_bin_covariance"], t["brier"], rtol=1e-12)


def test_bad_partitions_are_refused_as_in_memory(client, table):
    bad = table.copy()
    bad.loc[8000, "confidence"] = 1.5  # in the last partition only
    with pytest.raises(AnalysisInputError, match="`confidence`"):
        by_model(dd.from_pandas(bad, npartitions=5))
    with pytest.raises(AnalysisInputError, match="no column"):
        by_model(dd.from_pandas(table, npartitions=2), correct="right")
    with pytest.raises(AnalysisInputError, match="Poisson bootstrap of a Dask table"):
        by_model(dd.from_pandas(table, npartitions=2), n_boot=100)
    with pytest.raises(AnalysisInputError, match="no column"):
        by_model(dd.from_pandas(table, npartitions=2), n_boot=100, key="cluster")


def test_rows_without_a_model_name_are_refused_on_dask_too(client, table):
    unnamed = table.assign(model=table["model"].where(table.index != 100))
    with pytest.raises(AnalysisInputError, match="missing names"):
        by_model(dd.from_pandas(unnamed, npartitions=3))
