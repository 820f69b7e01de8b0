"""The downstream chain and per-item pass rates of a tidy table on a Dask LocalCluster equal the in-memory ones."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis import AnalysisInputError
from analysis.io import one_per_item, read_results
from analysis.scaling import chain_by_model, pass_rate_table

dask = pytest.importorskip("dask")
dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")
EXAMPLE = Path(__file__).resolve().parents[2] / "data" / "examples" / "lm_eval"


@pytest.fixture(scope="module")
def samples():
    return one_per_item(read_results(EXAMPLE, format="lm-eval"))


def test_chain_and_pass_rates_on_a_cluster_equal_the_in_memory_ones(samples):
    choices = samples.dropna(subset=["answer"]).sample(frac=1.0, random_state=0)  # partitions mix the groups
    chain = chain_by_model(choices)
    rates = pass_rate_table(samples)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as cluster, distributed.Client(cluster):
        for npartitions in (1, 3, 7):
            with dask.config.set({"dataframe.convert-string": False}):  # the logprobs lists stay lists
                lazy = dd.from_pandas(choices, npartitions=npartitions)
            pd.testing.assert_frame_equal(chain_by_model(lazy), chain, rtol=1e-12, check_dtype=False)
            pd.testing.assert_frame_equal(pass_rate_table(dd.from_pandas(samples, npartitions=npartitions)), rates,
                                          check_index_type=False, check_column_type=False)  # Dask's string dtype
        files = read_results(EXAMPLE, format="lm-eval", engine="dask")  # one partition per samples file
        pd.testing.assert_frame_equal(chain_by_model(files.dropna(subset=["answer"])), chain, rtol=1e-12,
                                      check_dtype=False, check_index_type=False)
    assert np.allclose(chain["accuracy"], choices.groupby(["model", "task"])["correct"].mean())  # the harness's acc


def test_dask_tables_are_checked_as_in_memory_ones(samples):
    choices = samples.dropna(subset=["answer"])
    with pytest.raises(AnalysisInputError, match="no column"):
        chain_by_model(dd.from_pandas(choices.drop(columns="answer"), npartitions=2))
    with pytest.raises(AnalysisInputError, match="convert-string"):  # Dask's default turns lists into text
        chain_by_model(dd.from_pandas(choices, npartitions=2))
    with dask.config.set({"dataframe.convert-string": False}), pytest.raises(AnalysisInputError,
                                                                            match="a list of per-choice"):
        chain_by_model(dd.from_pandas(samples, npartitions=2))
    with pytest.raises(AnalysisInputError, match="every model scored on every item"):
        pass_rate_table(dd.from_pandas(samples.iloc[1:], npartitions=2))


def test_item_level_rankings_take_a_dask_table(samples):
    from analysis.ranking import item_bootstrap_ranks, plackett_luce_samples

    lazy = dd.from_pandas(samples, npartitions=3)
    pd.testing.assert_frame_equal(item_bootstrap_ranks(lazy, n_boot=30, rng=2).table,
                                  item_bootstrap_ranks(samples, n_boot=30, rng=2).table, check_index_type=False)
    pd.testing.assert_series_equal(plackett_luce_samples(lazy, rng=0).scores.sort_index(),
                                   plackett_luce_samples(samples, rng=0).scores.sort_index(), check_index_type=False)
